#!/bin/sh
# linux_lifecycle.sh: what an administrator does with a running Linux
# guest, with Debian 12's own kernel (as linux_boot.sh) through the real
# xl and xenhv.  The initramfs's /init (tests/linux/lifecycle_init.c,
# static, also /sbin/poweroff and /sbin/reboot) measures its clocks and
# runs a two-thread SMP workload, then stays alive printing a tick with
# its CLOCK_MONOTONIC, CLOCK_REALTIME, MemTotal and online CPUs every
# second.  Checked: the
# guest's time of day against the host's and its clocks' rates against
# the host's elapsed time (generous bounds: correctness of the wallclock,
# vcpu_time_info and timers, not a benchmark), the SMP results, xl list
# and vcpu-list, xl pause/unpause (no ticks while paused, no soft lockup
# after), xl console, xl sysrq, xl mem-set (the balloon driver follows
# memory/target), xl vcpu-set (CPU hotplug), xl reboot with on_reboot="restart" (Linux's Xen
# shutdown watch runs /sbin/reboot, the monitor boots a new domain to
# init again), xl shutdown -w (orderly_poweroff runs /sbin/poweroff);
# then a PV guest's xl shutdown -w.  Skips when the kernel is absent.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=xl_bounded # xenhv_lib.sh's: xl_bounded, XLBIN, wait_for, gone
. "$top_srcdir/tests/integration/linux_lib.sh"
cd "$scratch" || exit 1
linux_initramfs lifecycle_init.c -pthread sbin/poweroff sbin/reboot
mkcfg() { linux_cfg "$1" "$2" "$3" restart; } # NAME TYPE VCPUS
log() { linux_console "$1"; }
count() { log "$1" | grep -cF -- "$2"; }
at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# The last tick line: "MONO_MS REAL_MS" (guest clocks, ms).
last_tick() {
    log "$1" | grep 'xenhv-init: tick' | tail -1 |
        sed -E 's/.*mono=([0-9]+)\.([0-9]{3})[0-9]* real=([0-9]+)\.([0-9]{3}).*/\1\2 \3\4/'
}
# sample_tick NAME: wait for the next tick; "HOST_MS MONO_MS REAL_MS" at it.
sample_tick() {
    n=$(count "$1" "xenhv-init: tick")
    wait_for 5 at_least "$1" "xenhv-init: tick" $((n + 1))
    echo "$(now_ms) $(last_tick "$1")"
}
# within A B TOLERANCE: |A - B| <= TOLERANCE
within() { [ $(($1 - $2)) -le "$3" ] && [ $(($2 - $1)) -le "$3" ]; }

# --- PVH, 2 vCPUs: boot, clocks, SMP -------------------------------------
mkcfg lc pvh 2
t0=$(now_ms)
"$XL" create lc.cfg > /dev/null 2>&1
check "xl create (PVH, 2 vCPUs, on_reboot=restart)"
wait_for 120 at_least lc "xenhv-init: ready" 1
check "Linux boots to init, which stays up (ready)"
echo "# boot to ready (clock and SMP checks included): $(($(now_ms) - t0)) ms"
ok "init sees 2 CPUs" at_least lc "xenhv-init: lifecycle mode, cpus: 2" 1
sleeps=$(log lc | sed -nE 's/.*20 sleeps of 50 ms: monotonic ([0-9]+) ms, realtime ([0-9]+) ms.*/\1 \2/p' | head -1)
echo "# 20 sleeps of 50 ms in the guest: ${sleeps:-none} (monotonic, realtime ms)"
set -- $sleeps
[ -n "$sleeps" ] && [ "$1" -ge 1000 ] && [ "$1" -le 3000 ] && within "$1" "$2" 50
check "nanosleep: 20 x 50 ms take 1 to 3 s, realtime agreeing with monotonic"
log lc | grep -q "xenhv-init: smp: spin total 400000, ping-pong 2000+2000 in [0-9]* ms: correct"
check "SMP workload (atomic spin with yields, futex ping-pong) gives correct results"
ok "the SMP threads ran on CPU 0 and CPU 1" sh -c \
    "grep -q 'thread 0 finished on cpu 0' '$XENHV_RUNDIR/console/guest-lc.log' &&
     grep -q 'thread 1 finished on cpu 1' '$XENHV_RUNDIR/console/guest-lc.log'"
log lc | grep 'xenhv-init: smp: spin' | sed 's/^/# /'

# The guest's time of day comes from the host's (the shared-info wallclock).
# Linux reads it once, at timekeeping_init, with CLOCK_MONOTONIC at its
# sched_clock; so CLOCK_REALTIME - CLOCK_MONOTONIC, the guest's idea of
# when it booted, is a host time between xl create and now.  (Both clocks
# then lag the host by the same amount when early boot loses jiffies on
# a slow emulated CPU before a clocksource takes over: printed below.)
wait_for 10 at_least lc "xenhv-init: tick 1 " 1
set -- $(sample_tick lc)
h1=$1 m1=$2 r1=$3
echo "# guest realtime - host realtime at a tick: $((r1 - h1)) ms; guest boot (realtime - monotonic) $(((r1 - m1) - t0)) ms after xl create"
[ $((r1 - m1)) -ge $((t0 - 1000)) ] && [ $((r1 - m1)) -le "$h1" ]
check "CLOCK_REALTIME is the host's time of day: the guest's boot time is between xl create and now"

"$XL" list lc > list.out
awk 'NR == 2 { print $4, $5 }' list.out | grep -Eq '^2 (r|-b)'
check "xl list: 2 vCPUs, running or blocked"
"$XL" vcpu-list lc > vcpus.out
[ "$(awk '$1 == "lc"' vcpus.out | wc -l)" = 2 ]
check "xl vcpu-list: one line per vCPU"
[ "$(awk '$1 == "lc" && $5 ~ /^(r--|-b-)$/ && $6 > 0' vcpus.out | wc -l)" = 2 ] || sed 's/^/# /' vcpus.out
check "xl vcpu-list: each vCPU running or blocked (r--, -b-), with CPU time"

# --- pause / unpause ---------------------------------------------------
"$XL" pause lc
"$XL" list lc | awk 'NR == 2 { print $5 }' | grep -q '^..p...$'
check "xl pause: xl list shows the domain paused (p)"
sleep 1
n=$(count lc "xenhv-init: tick")
sleep 3
[ "$(count lc "xenhv-init: tick")" = "$n" ]
check "a paused guest prints nothing"
"$XL" unpause lc
wait_for 10 at_least lc "xenhv-init: tick" $((n + 2))
check "xl unpause: the guest's ticks resume"
"$XL" list lc | awk 'NR == 2 { print $5 }' | grep -Eq '^(r|-b)'
check "xl list: running or blocked again"

timeout 4 "$XLBIN" console lc < /dev/null > console.out 2>&1
grep -q "xenhv-init: tick" console.out
check "xl console shows the guest's hvc0 output"

# xl sysrq: Linux's xenbus watch on control/sysrq takes the key (it writes
# the node back empty) and runs its handler: 'h' prints the list of keys.
# (The kernel prints that line 16 bytes at a time, so init's tick may
# land inside it: any of its parts will do.)
sysrq_node() {
    XENSTORED_PATH=$XENHV_RUNDIR/xenstored xenstore-read "/local/domain/$("$XL" domid lc)/control/sysrq" 2>&1
}
sysrq_taken() { [ -z "$(sysrq_node)" ]; }
sysrq_help() { log lc | grep -Eq 'sysrq: HELP|HELP : loglevel|loglevel\(0-9\) reboot\(b\)'; }
"$XL" sysrq lc h
wait_for 10 sysrq_taken
check "xl sysrq lc h: the guest takes the key (control/sysrq written back empty)"
wait_for 10 sysrq_help
check "xl sysrq lc h: the guest prints its SysRq help"
sysrq_help || {
    linux_last_lines lc
    echo "# control/sysrq: '$(sysrq_node)'"
}
"$XLBIN" sysrq lc hh > sysrq.out 2>&1
[ $? = 1 ] && grep -qx "sysrq must be a single character" sysrq.out
check "xl sysrq refuses more than one letter (exit 1)"

# --- memory and vCPUs while running ----------------------------------------
# tick_value NAME KEY: KEY=VALUE of the last tick (mem in kB, cpus online).
tick_value() {
    log "$1" | grep 'xenhv-init: tick' | tail -1 | sed -nE "s/.* $2=([0-9]+).*/\\1/p"
}
mem_at_most() { v=$(tick_value "$1" mem) && [ -n "$v" ] && [ "$v" -le "$2" ]; }
mem_at_least() { v=$(tick_value "$1" mem) && [ -n "$v" ] && [ "$v" -ge "$2" ]; }
cpus_are() { [ "$(tick_value "$1" cpus)" = "$2" ]; }
list_field() { "$XL" list "$1" | awk -v f="$2" 'NR == 2 { print $f }'; }

mem0=$(tick_value lc mem)
"$XL" mem-set lc 128m
wait_for 30 mem_at_most lc $((mem0 - 127 * 1024))
check "xl mem-set 128m: Linux's balloon driver gives 128 MiB back (MemTotal ${mem0} -> $(tick_value lc mem) kB)"
[ "$(list_field lc 3)" = 128 ]
check "xl list: Mem 128 after the balloon"
"$XL" mem-set lc 256m
wait_for 30 mem_at_least lc "$mem0"
check "xl mem-set 256m: the balloon takes it back (MemTotal $(tick_value lc mem) kB)"
[ "$(list_field lc 3)" = 256 ]
check "xl list: Mem 256 again"

"$XL" vcpu-set lc 1
wait_for 30 cpus_are lc 1
check "xl vcpu-set 1: Linux takes CPU 1 offline (cpu/1/availability)"
"$XL" vcpu-list lc | awk '$1 == "lc" && $3 == 1 { print $5 }' | grep -q '^--p$' &&
    [ "$(list_field lc 4)" = 1 ]
check "xl vcpu-list: vCPU 1 offline (--p); xl list: 1 vCPU"
"$XL" vcpu-set lc 2
wait_for 30 cpus_are lc 2
check "xl vcpu-set 2: CPU 1 comes back (onlined by init, as udev would)"
[ "$(list_field lc 4)" = 2 ]
check "xl list: 2 vCPUs again"

# Clock rates over the run so far (pause included: Xen's system time goes on).
set -- $(sample_tick lc)
h2=$1 m2=$2 r2=$3
echo "# over $((h2 - h1)) ms of host time: guest monotonic $((m2 - m1)) ms, realtime $((r2 - r1)) ms"
within $((m2 - m1)) $((h2 - h1)) $(((h2 - h1) / 20 + 1000))
check "CLOCK_MONOTONIC keeps the host's pace (within 5% + 1 s)"
within $((r2 - r1)) $((h2 - h1)) $(((h2 - h1) / 20 + 1000))
check "CLOCK_REALTIME keeps the host's pace (within 5% + 1 s)"
! log lc | grep -Eq 'soft lockup|rcu.*stall|clocksource.*unstable|Oops|BUG:'
check "no soft lockup, RCU stall, unstable clocksource or oops on the console"

# --- reboot (on_reboot=restart) and shutdown ------------------------------
dom=$("$XL" domid lc)
t0=$(now_ms)
"$XL" reboot lc > /dev/null 2>&1
check "xl reboot"
wait_for 120 at_least lc "xenhv-init: ready" 2
check "the guest reboots and the new instance reaches init again"
echo "# xl reboot to ready again: $(($(now_ms) - t0)) ms"
ok "init was asked to reboot by /sbin/reboot (SIGTERM)" at_least lc "xenhv-init: signal 15: rebooting" 1
new=$("$XL" domid lc 2> /dev/null)
[ -n "$new" ] && [ "$new" != "$dom" ]
check "on_reboot=restart: a new domain of the same name ($dom -> $new)"

"$XL" shutdown -w lc > shutdown.out 2>&1
grep -Eq "has been shut down|has been destroyed" shutdown.out || { sed 's/^/# /' shutdown.out; false; }
check "xl shutdown -w returns when the guest has shut down"
ok "init was asked to power off by /sbin/poweroff (SIGUSR2)" at_least lc "xenhv-init: signal 12: powering off" 1
ok "on_poweroff=destroy: the domain is gone" wait_for 10 gone lc
at_least lc "xenhv-init: signal 12: powering off" 1 || linux_last_lines lc

# --- PV, 1 vCPU: orderly shutdown -----------------------------------------
mkcfg lcpv pv 1
"$XL" create lcpv.cfg > /dev/null 2>&1
check "PV: xl create"
wait_for 90 at_least lcpv "xenhv-init: ready" 1
check "PV: Linux boots to init, which stays up"
# A guest that did not get there is destroyed rather than waited for.
at_least lcpv "xenhv-init: ready" 1 || { linux_last_lines lcpv; "$XLBIN" destroy lcpv 2> /dev/null; }
"$XL" shutdown -w lcpv > shutdown.out 2>&1
grep -Eq "has been shut down|has been destroyed" shutdown.out || { sed 's/^/# /' shutdown.out; false; }
check "PV: xl shutdown -w returns when the guest has shut down"
ok "PV: init powers off in order (SIGUSR2 from /sbin/poweroff)" at_least lcpv "xenhv-init: signal 12: powering off" 1
ok "PV: the domain is gone" wait_for 10 gone lcpv

done_testing
