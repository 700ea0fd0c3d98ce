#!/bin/sh
# bench_guests.sh: guests on xenhv against QEMU TCG booting the same PVH
# kernel in the same run (qemu-system-x86_64 -accel tcg -M microvm -kernel):
#  - time from `xl create` to the guest's first console byte (hello, 64 MiB;
#    xenhv: the first byte of the domain's console log; QEMU: the first
#    debugcon byte), median of RUNS, the two interleaved; and split into
#    `xl create -p -e` and `xl unpause` to the first byte;
#  - xl creates per second: CREATES hello guests (PVH, 64 MiB) started one
#    after another, each counted once its first console byte is out (and,
#    separately, once `xl create` returned), against QEMU TCG processes
#    started one after another with the same kernel until their first
#    debugcon byte; all of them left running until the end of the round;
#  - guest instructions/s on the compute loops (tests/guests/pvh/compute*.elf,
#    8 instructions per iteration), the fixed cost (a 1-iteration run)
#    subtracted from a long run.
# On a machine busy with other work, `chrt -f 1 bench/bench_guests.sh`
# (root) keeps it from being scheduled out: the figures then match a quiet
# machine's (QEMU's first byte 29-31 ms either way).
# Prints figures and ratios.  Needs qemu-system-x86_64 (scripts/setup bench).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
XL=$top/xl/xl
# The real binary, not libtool's wrapper script (which costs tens of ms a
# call), with the build tree's libraries: xl as installed.
if [ -x "$top/xl/.libs/xl" ]; then
    XL=$top/xl/.libs/xl
    export LD_LIBRARY_PATH=$top/libxl/.libs:$top/libxl/util/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export XENHV=$top/hypervisor/xenhv
fi
QEMU=$(command -v qemu-system-x86_64 || true)
RUNS=${RUNS:-7}
CREATES=${CREATES:-20}
ITERS=${ITERS:-400000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-guests.XXXXXX")
export XENHV_RUNDIR=$tmp/run
trap 'kill $(cat "$XENHV_RUNDIR/xenhv.pid" 2>/dev/null) 2>/dev/null; rm -rf "$tmp"' EXIT
HELLO=$top/examples/guests/hello/pvh/hello.elf

now_us() { echo $(($(date +%s%N) / 1000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

"$XL" list > /dev/null 2>&1 || { echo "bench_guests: xenhv does not start"; exit 1; }

# First console byte.
printf 'name="fb"\ntype="pvh"\nkernel="%s"\nmemory=64\n' "$HELLO" > "$tmp/fb.cfg"
log=$XENHV_RUNDIR/console/guest-fb.log
xen_fb() {
    rm -f "$log"
    t0=$(now_us)
    "$XL" create -q "$tmp/fb.cfg" > /dev/null 2>&1 &
    while [ ! -s "$log" ]; do :; done
    t1=$(now_us)
    wait
    "$XL" destroy fb > /dev/null 2>&1
    echo $((t1 - t0))
}
qemu_fb() {
    out=$tmp/q.out
    : > "$out"
    t0=$(now_us)
    "$QEMU" -accel tcg -M microvm -m 64M -nodefaults -nographic -no-reboot \
        -debugcon "file:$out" -device isa-debug-exit,iobase=0xf4,iosize=1 \
        -kernel "$HELLO" < /dev/null > /dev/null 2>&1 &
    q=$!
    while [ ! -s "$out" ]; do :; done
    t1=$(now_us)
    kill $q 2> /dev/null
    wait $q 2> /dev/null
    echo $((t1 - t0))
}
# Where the time goes: xl create -p (-e: without starting the monitor
# process, which xl create does only after the unpause), then xl unpause
# to the first byte.
xen_split() {
    rm -f "$log"
    t0=$(now_us)
    "$XL" create -q -p -e "$tmp/fb.cfg" > /dev/null 2>&1
    t1=$(now_us)
    "$XL" unpause fb > /dev/null 2>&1
    while [ ! -s "$log" ]; do :; done
    t2=$(now_us)
    "$XL" destroy fb > /dev/null 2>&1
    echo "$((t1 - t0)) $((t2 - t1))"
}
ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
# Interleaved, so that a busy machine weighs on both alike.
: > "$tmp/xfb"
: > "$tmp/qfb"
: > "$tmp/split"
for i in $(seq "$RUNS"); do
    xen_fb >> "$tmp/xfb"
    [ -n "$QEMU" ] && qemu_fb >> "$tmp/qfb"
    xen_split >> "$tmp/split"
done
xfb=$(median < "$tmp/xfb")
printf 'first console byte, hello 64 MiB: xenhv %d.%03d ms (target < 20 ms)\n' \
    $((xfb / 1000)) $((xfb % 1000))
printf '  split: xl create -p -e %s ms, then xl unpause to the first byte %s ms (medians)\n' \
    "$(ms "$(cut -d' ' -f1 "$tmp/split" | median)")" "$(ms "$(cut -d' ' -f2 "$tmp/split" | median)")"
if [ -n "$QEMU" ]; then
    qfb=$(median < "$tmp/qfb")
    printf 'first console byte, hello 64 MiB: QEMU TCG %d.%03d ms; xenhv/QEMU time ratio %s\n' \
        $((qfb / 1000)) $((qfb % 1000)) "$(echo "scale=3; $xfb / $qfb" | bc)"
else
    echo "first console byte: QEMU not installed (scripts/setup bench installs it)"
fi

# Creates per second.  rate N MICROSECONDS: N per second, 2 decimals.
rate() { echo "scale=2; $1 * 1000000 / $2" | bc; }
xen_creates() { # wait for the first byte (1) or not (0): total microseconds
    t0=$(now_us)
    for i in $(seq "$CREATES"); do
        "$XL" create -q "$tmp/fb.cfg" "name=\"cr-$i\"" > /dev/null 2>&1 ||
            { echo "bench_guests: xl create cr-$i failed" >&2; exit 1; }
        [ "$1" = 1 ] && while [ ! -s "$XENHV_RUNDIR/console/guest-cr-$i.log" ]; do :; done
    done
    t1=$(now_us)
    for i in $(seq "$CREATES"); do "$XL" destroy "cr-$i" > /dev/null 2>&1; done
    rm -f "$XENHV_RUNDIR"/console/guest-cr-*.log
    echo $((t1 - t0))
}
qemu_creates() {
    pids=
    t0=$(now_us)
    for i in $(seq "$CREATES"); do
        : > "$tmp/qc-$i.out"
        "$QEMU" -accel tcg -M microvm -m 64M -nodefaults -nographic -no-reboot \
            -debugcon "file:$tmp/qc-$i.out" -device isa-debug-exit,iobase=0xf4,iosize=1 \
            -kernel "$HELLO" < /dev/null > /dev/null 2>&1 &
        pids="$pids $!"
        while [ ! -s "$tmp/qc-$i.out" ]; do :; done
    done
    t1=$(now_us)
    kill $pids 2> /dev/null
    wait $pids 2> /dev/null
    echo $((t1 - t0))
}
xc_ret=$(xen_creates 0)
xc_fb=$(xen_creates 1)
printf 'xl create, hello PVH 64 MiB, %d one after another: %s/s returned, %s/s to first console byte\n' \
    "$CREATES" "$(rate "$CREATES" "$xc_ret")" "$(rate "$CREATES" "$xc_fb")"
if [ -n "$QEMU" ]; then
    qc=$(qemu_creates)
    printf 'QEMU TCG -M microvm -kernel, same kernel, %d one after another: %s/s to first console byte; xenhv/QEMU rate ratio %s\n' \
        "$CREATES" "$(rate "$CREATES" "$qc")" "$(echo "scale=2; $qc / $xc_fb" | bc)"
else
    echo "creates per second: QEMU not installed (scripts/setup bench installs it)"
fi

# Compute loops: instructions/s.
xen_run_us() { # NAME ITERS
    printf 'name="cb"\ntype="pvh"\nkernel="%s"\nmemory=64\ncmdline="iters=%s"\n' \
        "$top/tests/guests/pvh/$1.elf" "$2" > "$tmp/cb.cfg"
    t0=$(now_us)
    "$XL" create -F "$tmp/cb.cfg" > /dev/null 2>&1
    echo $(($(now_us) - t0))
}
qemu_run_us() { # NAME ITERS
    t0=$(now_us)
    "$QEMU" -accel tcg -M microvm -m 64M -nodefaults -nographic -no-reboot \
        -debugcon null -device isa-debug-exit,iobase=0xf4,iosize=1 \
        -kernel "$top/tests/guests/pvh/$1.elf" -append "iters=$2" < /dev/null > /dev/null 2>&1
    echo $(($(now_us) - t0))
}
for g in compute compute_nostore; do
    xs=$(xen_run_us "$g" 1)
    xl_=$(xen_run_us "$g" "$ITERS")
    xips=$(echo "$ITERS * 8 * 1000000 / ($xl_ - $xs)" | bc)
    line="$g: xenhv $(echo "scale=1; $xips / 1000000" | bc) M guest instructions/s"
    if [ -n "$QEMU" ]; then
        qs=$(qemu_run_us "$g" 1)
        ql=$(qemu_run_us "$g" "$ITERS")
        qips=$(echo "$ITERS * 8 * 1000000 / ($ql - $qs)" | bc)
        line="$line; QEMU TCG $(echo "scale=1; $qips / 1000000" | bc) M/s; xenhv/QEMU $(echo "scale=2; $xips / $qips" | bc)"
    fi
    echo "$line"
done
