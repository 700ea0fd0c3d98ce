# xenhv_lib.sh: helpers for the xenhv integration tests (XENHV_UNDER_TEST
# runs another xenhv binary, e.g. a sanitizer build).  Source after
# lib.sh.  Each test gets a private run directory in its scratch space and
# stops its daemon at exit.
PROBE=$top_builddir/tests/tools/xenhv_probe
XENHV_RUNDIR=$scratch/run
XENHV=${XENHV_UNDER_TEST:-$top_builddir/hypervisor/xenhv}
export XENHV_RUNDIR XENHV

xenhv_pid() {
    cat "$XENHV_RUNDIR/xenhv.pid" 2>/dev/null
}

# Stop the daemon (SIGTERM) and wait until it has gone.
xenhv_stop() {
    pid=$(xenhv_pid)
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    ! kill -0 "$pid" 2>/dev/null
}

trap 'xenhv_stop; rm -rf "$scratch"' EXIT

# The daemon's open fds and resident memory (kB).
xenhv_fds() {
    ls "/proc/$(xenhv_pid)/fd" | wc -l
}
xenhv_rss() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$(xenhv_pid)/status"
}
