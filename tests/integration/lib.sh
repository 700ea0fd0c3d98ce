# lib.sh: TAP helpers and locations for integration tests.  Source it.
# Each check is one TAP line; the script's exit status does not matter to
# the harness, the TAP results do.
: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"
XL=$top_builddir/xl/xl
XENHV=$top_builddir/hypervisor/xenhv
tap_n=0
tap_failed=0

# ok NAME COMMAND...: run COMMAND; one TAP result named NAME.
ok() {
    name=$1; shift
    tap_n=$((tap_n + 1))
    if "$@"; then
        echo "ok $tap_n - $name"
    else
        echo "not ok $tap_n - $name"
        tap_failed=$((tap_failed + 1))
    fi
}

# check NAME CONDITION-RESULT: record the result of a test already run ($?).
check() {
    rc=$?
    name=$1
    tap_n=$((tap_n + 1))
    if [ "$rc" = 0 ]; then echo "ok $tap_n - $name"; else
        echo "not ok $tap_n - $name"; tap_failed=$((tap_failed + 1)); fi
}

done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" = 0 ]
}

# A private scratch directory, removed at exit.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/xenhv-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
