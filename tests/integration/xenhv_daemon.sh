#!/bin/sh
# xenhv_daemon.sh: the daemon's life: started by libxl on first use, the
# run directory (0700, sockets, lock, log), one daemon per run directory,
# --foreground, and SIGTERM leaving nothing behind but logs.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"

[ ! -e "$XENHV_RUNDIR" ]
check "no run directory before first use"

"$PROBE" info > "$scratch/info" 2>&1
check "the first client starts xenhv and talks to it"
grep -qx 'transport xenhv' "$scratch/info"
check "without a real Xen the transport is xenhv"
grep -qx 'xen_version 4.17.0-xenhv' "$scratch/info"
check "xen_version says 4.17 with xenhv's extra version"
grep -q '^nr_cpus [1-9]' "$scratch/info" && grep -q '^total_pages [1-9]' "$scratch/info"
check "physinfo reports the host's cpus and memory"
grep -qx "xenstore $XENHV_RUNDIR/xenstored" "$scratch/info"
check "the xenstore socket is in the run directory"

[ "$(stat -c %a "$XENHV_RUNDIR")" = 700 ]
check "the run directory is mode 0700"
[ -S "$XENHV_RUNDIR/control" ] && [ -S "$XENHV_RUNDIR/xenstored" ]
check "the control and xenstore sockets are there"
pid=$(xenhv_pid)
kill -0 "$pid" 2>/dev/null
check "the daemon keeps running after its client exits"

"$PROBE" info > /dev/null 2>&1 && [ "$(xenhv_pid)" = "$pid" ]
check "a second client uses the running daemon"
XENHV_NO_DOORBELL=1 "$PROBE" info > /dev/null 2>&1
check "hypercalls also work over the socket alone (no doorbell)"

"$XENHV" --rundir "$XENHV_RUNDIR" > "$scratch/second" 2>&1
[ $? = 1 ] && grep -q "another xenhv is running in $XENHV_RUNDIR" "$scratch/second"
check "a second daemon on the same run directory refuses to start"
kill -0 "$pid" 2>/dev/null
check "and the first one is unharmed"

"$PROBE" create pv > /dev/null && "$PROBE" create hvm > /dev/null
check "two domains created"
"$PROBE" dmesg > "$scratch/dmesg"
grep -q '(XEN) domain [0-9]* created (HVM' "$scratch/dmesg"
check "readconsole (xl dmesg) shows the hypervisor's messages"

xenhv_stop
check "SIGTERM stops the daemon"
[ "$(ls "$XENHV_RUNDIR")" = xenhv.log ]
check "only the log is left in the run directory"
grep -q 'signal 15: destroying 2 domain(s)' "$XENHV_RUNDIR/xenhv.log"
check "the log says the domains were destroyed"

# Foreground mode, as a supervisor (systemd) runs it.
"$XENHV" --foreground --rundir "$XENHV_RUNDIR" 2> "$scratch/fg.err" &
fg=$!
i=0
while [ ! -S "$XENHV_RUNDIR/control" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$XENHV_RUNDIR/control" ] && [ "$(xenhv_pid)" = "$fg" ]
check "--foreground serves without forking"
"$PROBE" list > "$scratch/list" && [ "$(cat "$scratch/list")" = 0 ]
check "a fresh daemon has only domain 0"
kill -TERM "$fg"
wait "$fg"
check "--foreground exits 0 on SIGTERM"
grep -q 'xenhv: info: xenhv exited' "$scratch/fg.err"
check "--foreground logs to stderr too"

# A daemon that died without cleaning up (SIGKILL) is replaced on next use.
"$PROBE" info > /dev/null && pid=$(xenhv_pid) && kill -KILL "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$XENHV_RUNDIR/control" ]
check "a killed daemon leaves its socket behind"
"$PROBE" list > "$scratch/list" 2>&1 && [ "$(cat "$scratch/list")" = 0 ] &&
    [ "$(xenhv_pid)" != "$pid" ]
check "the next client starts a new daemon over the stale socket"
xenhv_stop

mkdir -p "$scratch/other" && chmod 755 "$scratch/other"
XENHV_RUNDIR=$scratch/other "$PROBE" info > /dev/null 2>&1
[ "$(stat -c %a "$scratch/other")" = 700 ]
check "an existing run directory is made private (0700)"
XENHV_RUNDIR=$scratch/other xenhv_stop

done_testing
