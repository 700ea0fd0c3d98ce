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

# XL=xl_bounded in a test bounds every xl call: a hang fails its check
# instead of the run.  XLBIN is the real binary, by absolute path.
XLBIN=$(cd "$(dirname "$XL")" && pwd)/xl
xl_bounded() { timeout 60 "$XLBIN" "$@"; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds (its status).
wait_for() {
    n=$(($1 * 20))
    shift
    while ! "$@" && [ $n -gt 0 ]; do
        sleep 0.05
        n=$((n - 1))
    done
    "$@"
}

# gone NAME: no such domain any more; running NAME: it runs or blocks.
gone() { ! "$XL" domid "$1" > /dev/null 2>&1; }
running() { "$XL" list "$1" 2> /dev/null | awk 'NR == 2 { print $5 }' | grep -Eq '^(r|-b)'; }
