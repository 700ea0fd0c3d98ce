#!/bin/sh
# xl_create_robust.sh: creation under concurrency and failure, through the
# real xl and xenhv: 50 domains created in parallel are all listed and all
# destroyed, with the daemon's fds back where they started; a paused PVH
# or HVM domain shows its vCPU; an `xl create` killed at random points
# leaves no domain, xenstore entry or temp file behind (a create that
# finished may stay); a half-made domain is reaped when its creator's
# connection goes; dom0 event channels close with their connection.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=xl_bounded
HELLO=$(cd "$top_builddir/examples/guests/hello" && pwd)
XENSTORED_PATH=$XENHV_RUNDIR/xenstored
export XENSTORED_PATH
cd "$scratch" || exit 1

printf 'type="pvh"\nkernel="%s/pvh/hello.elf"\nmemory=16\n' "$HELLO" > pvh.cfg
printf 'type="hvm"\nfirmware="%s/hvm64/hello.elf"\nmemory=16\n' "$HELLO" > hvm.cfg

domids() { "$XL" list | awk 'NR > 2 { print $2 }' | sort -n; }
# Every domain's xenstore entries and nothing else: /local/domain/N and
# /libxl/N for each domain but dom0, and /vm/UUID for each of those.
xs_consistent() {
    domids > doms
    xenstore-list /local/domain 2> /dev/null | grep -vx 0 | sort -n > xs.local
    xenstore-list /libxl 2> /dev/null | sort -n > xs.libxl
    for d in $(cat doms); do xenstore-read "/local/domain/$d/vm"; done | sed 's,^/vm/,,' |
        sort > vm.want
    xenstore-list /vm 2> /dev/null | sort > vm.have
    cmp -s doms xs.local && cmp -s doms xs.libxl && cmp -s vm.want vm.have
}
show_xs() { for f in doms xs.local xs.libxl vm.want vm.have; do echo "# $f: $(cat $f)"; done; }
no_temp_files() { # nothing in the run directory but the daemon's own and logs
    ! ls -A "$XENHV_RUNDIR" | grep -Ev '^(control|xenstored|xenhv\.(lock|log|pid)|xl-.*\.log|console)$'
}
fds_back() { [ "$(xenhv_fds)" -le "$fds0" ]; }

"$XL" list > /dev/null
fds0=$(xenhv_fds)

# 50 in parallel.
i=0
while [ $i -lt 50 ]; do
    i=$((i + 1))
    ("$XL" create -p -q pvh.cfg "name=\"par$i\"" > /dev/null 2> "par$i.err"
     echo $? > "par$i.rc") &
done
wait
ok=0
for i in $(seq 1 50); do [ "$(cat par$i.rc)" = 0 ] && ok=$((ok + 1)); done
[ $ok = 50 ] || { cat par*.err | sort | uniq -c | sed 's/^/# /'; false; }
check "50 parallel xl create: all succeed ($ok)"
[ "$("$XL" list | grep -c '^par[0-9]')" = 50 ]
check "xl list shows all 50"
[ "$("$XL" list | awk '/^par/ { print $4 }' | sort -u)" = 1 ]
check "a paused PVH domain shows 1 VCPU"
xs_consistent || show_xs
check "xenstore entries for each of them and no other"
"$XL" list | awk '/^par/ { print $1 }' | xargs -P 50 -n 1 timeout 60 "$XLBIN" destroy
[ -z "$(domids)" ]
check "all 50 destroyed in parallel"
wait_for 20 fds_back || echo "# fds: $fds0 at start, $(xenhv_fds) now"
check "the daemon's fds are back where they started"
xs_consistent || show_xs
check "no xenstore entries left"

"$XL" create -p -q hvm.cfg 'name="hvmp"' &&
    "$XL" list hvmp | awk 'NR == 2 { exit $4 != 1 }'
check "a paused HVM domain shows 1 VCPU"
"$XL" destroy hvmp

# A creator holding a half-made domain goes away: the domain and its
# xenstore entries are reaped; a released one stays.
mkfifo held.in
"$PROBE" create-held pvh < held.in > held.out &
exec 3> held.in
wait_for 10 grep -q . held.out
dom=$(cat held.out)
xenstore-write "/local/domain/$dom/name" half "/libxl/$dom/type" pvh
"$XL" list "$dom" > /dev/null 2>&1
check "a domain held by its creator exists while the creator runs"
exec 3>&-
gone() { ! "$XL" list "$1" > /dev/null 2>&1; }
wait_for 10 gone "$dom" && wait_for 10 xs_consistent
check "its creator gone, the held domain and its xenstore entries are reaped"
"$PROBE" create-held pvh release < /dev/null > rel.out
dom=$(cat rel.out)
"$XL" list "$dom" > /dev/null 2>&1
check "a released domain outlives its creator"
"$XL" destroy "$dom"

# xl create killed at random points (0-100 ms: a create takes about that).
kills=30
i=0
while [ $i -lt $kills ]; do
    i=$((i + 1))
    "$XLBIN" create -p -q pvh.cfg "name=\"kill$i\"" > /dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf %03d "$(shuf -i 0-100 -n 1)")"
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
done
# Domains that remain must be complete: their stored config is there.
complete() {
    for d in $(domids); do xenstore-read "/libxl/$d/config/chunks" > /dev/null 2>&1 || return 1; done
}
wait_for 10 complete
check "after $kills killed creates, every remaining domain is complete"
wait_for 10 xs_consistent || show_xs
check "no orphan xenstore entries under /local/domain, /vm, /libxl"
no_temp_files
check "no temp files in the run directory"
finished=$(domids | wc -l)
echo "# $finished of $kills killed creates had finished"
for d in $(domids); do "$XL" destroy "$d"; done
[ -z "$(domids)" ] && xs_consistent
check "the finished ones destroyed, nothing left"
wait_for 20 fds_back || echo "# fds: $fds0 at start, $(xenhv_fds) now"
check "the daemon's fds are back where they started"

# Event channels a toolstack connection opened in dom0 close with it.
dom=$("$PROBE" create pvh)
"$PROBE" evtchn-bind "$dom" > bind.out
read -r _ _ gport _ _ dport _ st < bind.out
[ "$st" = 2 ]
check "a dom0 port bound to a guest port (interdomain)"
[ "$("$PROBE" evtchn-status 0 "$dport")" = 0 ] &&
    [ "$("$PROBE" evtchn-status "$dom" "$gport")" = 1 ]
check "once its connection is gone, the dom0 port is closed and the guest's end unbound"
"$PROBE" destroy "$dom" > /dev/null

done_testing
