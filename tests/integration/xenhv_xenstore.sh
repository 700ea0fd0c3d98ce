#!/bin/sh
# xenhv_xenstore.sh: the daemon's xenstore socket, used by Debian's stock
# xenstore clients (xenstore-utils) through XENSTORED_PATH.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"

if ! command -v xenstore-read > /dev/null 2>&1; then
    echo "1..0 # SKIP xenstore-utils is not installed"
    exit 0
fi
"$PROBE" info > /dev/null
XENSTORED_PATH=$XENHV_RUNDIR/xenstored
export XENSTORED_PATH

[ "$(stat -c %a "$XENSTORED_PATH")" = 600 ]
check "the xenstore socket is private (0600)"
xenstore-write /local/domain/0/name Domain-0 && [ "$(xenstore-read /local/domain/0/name)" = Domain-0 ]
check "xenstore-write and xenstore-read through xenhv's socket"
xenstore-ls /local/domain > "$scratch/ls"
grep -q 'name = "Domain-0"' "$scratch/ls"
check "xenstore-ls lists what was written"
timeout 5 xenstore-watch -n 2 /tool/watched > "$scratch/watch" &
wpid=$!
sleep 0.3
xenstore-write /tool/watched/x 1
wait $wpid
[ "$(head -1 "$scratch/watch")" = /tool/watched ] &&
    [ "$(sed -n 2p "$scratch/watch")" = /tool/watched/x ]
check "xenstore-watch fires initially and for a write below the path"
xenstore-rm /tool/watched && ! xenstore-read /tool/watched > /dev/null 2>&1
check "xenstore-rm"

pid=$(xenhv_pid)
xenhv_stop
[ ! -e "$XENSTORED_PATH" ]
check "the xenstore socket goes away with the daemon"

done_testing
