#!/bin/sh
# xenhv_hostile.sh: wild pointers, unknown domains, out-of-range frames,
# oversized counts and protocol garbage get errors, never a crash.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"

"$PROBE" info > /dev/null
pid=$(xenhv_pid)
"$PROBE" hostile > "$scratch/out" 2>&1
check "every bad request gets an error"
grep -c ': ' "$scratch/out" > "$scratch/n"
[ "$(cat "$scratch/n")" -ge 40 ]
check "at least 40 bad requests were made"
grep -q '^domctl wild pointer: Bad address$' "$scratch/out"
check "a wild pointer is EFAULT"
grep -q '^destroy unknown domain: No such process$' "$scratch/out"
check "an unknown domain is ESRCH"
grep -q '^map frame 2^50: Invalid argument$' "$scratch/out"
check "an out-of-range frame is EINVAL"
grep -q '^daemon alive' "$scratch/out" && kill -0 "$pid"
check "the daemon is still running"
grep -q '^populate past max_mem (64 KiB = 16 frames): 16 of 32 done$' "$scratch/out"
check "a populate past max_mem stops at the limit"
grep -q '^doorbell: garbage: Invalid argument$' "$scratch/out" &&
    grep -q '^doorbell: mmapbatch (needs the socket): Inappropriate ioctl for device$' "$scratch/out"
check "garbage on the doorbell page gets errors"

# Another uid is refused (if there is one to try).
if command -v setpriv > /dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    chmod 711 "$scratch" "$XENHV_RUNDIR" && chmod 666 "$XENHV_RUNDIR/control"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PROBE" info > "$scratch/nobody" 2>&1
    rc=$?
    chmod 700 "$scratch" "$XENHV_RUNDIR"
    [ $rc = 1 ] && grep -q 'refused a control connection from uid 65534' "$XENHV_RUNDIR/xenhv.log"
    check "a client with another uid is refused by its peer credentials"
fi
kill -0 "$pid"
check "the daemon survived it all"

done_testing
