#!/bin/sh
# guests_pv.sh: the pv64 builds of the guest kernels (tests/guests),
# booted as 64-bit PV guests by the real xl on the real xenhv: machine
# frames, the builder's page tables validated, the kernel at CPL 3, PV
# hypercalls, exceptions and events bounced to the guest's handlers.  Each
# guest's PV console log must be exactly its .expected file (.pv64.expected
# when there is one) and it must end as that file says.  Guests not yet
# supported on PV are listed in PV_PENDING and reported as skipped.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=$(cd "$(dirname "$XL")" && pwd)/xl
GUESTS_SRC=$top_srcdir/tests/guests
GUESTS_BIN=$top_builddir/tests/guests
JOBS=${GUESTS_JOBS:-2}
TIMEOUT=${GUEST_TIMEOUT:-60}
PV_PENDING=""
cd "$scratch" || exit 1

setting() { # FILE KEY
    sed -n "s/^# $2: *//p" "$1" | head -1
}

expected_of() { # NAME
    if [ -f "$GUESTS_SRC/$1.pv64.expected" ]; then echo "$GUESTS_SRC/$1.pv64.expected"
    else echo "$GUESTS_SRC/$1.expected"; fi
}

run_one() { # NAME: boot it, wait for it to end
    name=$1
    exp=$(expected_of "$name")
    dom="pv-$name"
    ramdisk=$(setting "$exp" ramdisk)
    {
        echo "name=\"$dom\""
        echo 'type="pv"'
        echo "kernel=\"$GUESTS_BIN/pv64/$name.elf\""
        echo "memory=$(setting "$exp" memory)"
        echo "vcpus=$(setting "$exp" vcpus)"
        echo "cmdline=\"$(setting "$exp" cmdline)\""
        [ -n "$ramdisk" ] && echo "ramdisk=\"$GUESTS_SRC/$ramdisk\""
        echo 'on_poweroff="destroy"'
        echo 'on_crash="destroy"'
        echo 'on_reboot="destroy"'
    } > "$dom.cfg"
    timeout "$TIMEOUT" "$XL" create -F "$dom.cfg" > "$dom.xl" 2>&1
    "$XL" destroy "$dom" > /dev/null 2>&1
    cp "$XENHV_RUNDIR/console/guest-$dom.log" "$dom.out" 2> /dev/null || : > "$dom.out"
    grep -v '^# ' "$exp" > "$dom.exp"
}

"$XL" list > /dev/null 2>&1 # start the daemon once, before the parallel creates

list=
for elf in "$GUESTS_BIN"/pv64/*.elf; do
    [ -f "$elf" ] || continue
    name=$(basename "$elf" .elf)
    case " $PV_PENDING " in *" $name "*) continue ;; esac
    list="$list $name"
done
[ -n "$list" ]
check "pv64 guest kernels are built"

set -- $list
while [ $# -gt 0 ]; do
    n=0
    while [ $# -gt 0 ] && [ $n -lt "$JOBS" ]; do
        run_one "$1" &
        shift
        n=$((n + 1))
    done
    wait
done

for name in $list; do
    dom="pv-$name"
    want=$(setting "$(expected_of "$name")" shutdown)
    case $want in crash) code=3 ;; *) code=0 ;; esac
    diff "$dom.exp" "$dom.out" > "$dom.diff" 2>&1 &&
        grep -q "has shut down, reason code $code " "$dom.xl"
    check "pv64 $name: console output and $want"
    if [ -s "$dom.diff" ] || ! grep -q "reason code $code " "$dom.xl"; then
        sed 's/^/# /' "$dom.diff" | head -8
        grep -h 'reason code\|rc=' "$dom.xl" | sed 's/^/# /' | head -2
    fi
done
for name in $PV_PENDING; do
    tap_n=$((tap_n + 1))
    echo "ok $tap_n - pv64 $name # SKIP not yet supported as PV"
done

# A guest with no handler was crashed; the daemon goes on.
"$XL" list > /dev/null 2>&1
check "xenhv still serves after every PV guest"

done_testing
