#!/bin/sh
# xl_usage.sh: how xl answers a command line it cannot act on: -h and
# --help, an unknown option ("option `x' not supported."), too few
# arguments ("'xl CMD' requires at least N arguments." and the usage),
# create without a config file.  Each case in tests/fixtures/xl-usage was
# captured from Debian's real xl 4.17: NAME.args (the command line),
# NAME.out and NAME.err (its stdout and stderr), NAME.rc (its exit
# status); xl must give the same bytes and status.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
FIXTURES=$top_srcdir/tests/fixtures/xl-usage
cd "$scratch" || exit 1

for args in "$FIXTURES"/*.args; do
    name=$(basename "$args" .args)
    # shellcheck disable=SC2046 # the words of the command line
    "$XLBIN" $(cat "$args") > out 2> err
    rc=$?
    cmp -s out "$FIXTURES/$name.out" && cmp -s err "$FIXTURES/$name.err" &&
        [ "$rc" = "$(cat "$FIXTURES/$name.rc")" ]
    check "xl $(cat "$args"): real xl's output and exit status ($(cat "$FIXTURES/$name.rc"))"
    if ! cmp -s err "$FIXTURES/$name.err"; then
        diff "$FIXTURES/$name.err" err | head -4 | sed 's/^/# /'
    fi
done

done_testing
