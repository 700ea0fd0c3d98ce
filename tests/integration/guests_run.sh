#!/bin/sh
# guests_run.sh: every guest kernel of tests/guests as PVH (pvh) and as
# HVM (hvm32, hvm64), booted by the real xl on the real xenhv, each checked
# against its .expected file (guests_lib.sh), four at a time.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/guests_lib.sh"
GUESTS_JOBS=${GUESTS_JOBS:-4}
cd "$scratch" || exit 1

list=$(guests_built pvh hvm32 hvm64)
[ -n "$list" ]
check "PVH and HVM guest kernels are built"
guests_run_all "$list"
guests_report "$list"
done_testing
