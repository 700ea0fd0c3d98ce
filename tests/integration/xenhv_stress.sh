#!/bin/sh
# xenhv_stress.sh: 20 concurrent clients creating and destroying domains
# lose and leak none; 1,000 create/destroy cycles leave the daemon's fd
# count and resident memory where they started.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"

"$PROBE" info > /dev/null
"$PROBE" stress 20 25 > "$scratch/stress" 2>&1
check "20 concurrent clients, 500 domains created and destroyed, no errors"
grep -q 'created 500 destroyed 500 errors 0 domains before 1 after 1$' "$scratch/stress"
check "no domain lost or leaked"

"$PROBE" cycles 100 > /dev/null
fds0=$(xenhv_fds)
rss0=$(xenhv_rss)
"$PROBE" cycles 1000 > "$scratch/cycles"
check "1,000 create/populate/destroy cycles"
fds1=$(xenhv_fds)
rss1=$(xenhv_rss)
echo "# fds $fds0 -> $fds1, RSS ${rss0} kB -> ${rss1} kB"
[ "$fds1" = "$fds0" ]
check "the daemon's fd count is where it started"
[ "$rss1" -le $((rss0 + 1024)) ]
check "its resident memory is where it started (within 1 MiB)"
[ "$("$PROBE" list)" = 0 ]
check "only dom0 remains"

done_testing
