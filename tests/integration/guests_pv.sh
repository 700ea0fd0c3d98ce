#!/bin/sh
# guests_pv.sh: the pv64 builds of the guest kernels (tests/guests),
# booted as 64-bit PV guests by the real xl on the real xenhv: machine
# frames, the builder's page tables validated, the kernel at CPL 3, PV
# hypercalls, exceptions and events bounced to the guest's handlers.  Each
# is checked against its .expected file (NAME.pv64.expected when there is
# one; guests_lib.sh), two at a time.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/guests_lib.sh"
cd "$scratch" || exit 1

list=$(guests_built pv64)
[ -n "$list" ]
check "pv64 guest kernels are built"
guests_run_all "$list"
guests_report "$list"
done_testing
