#!/bin/sh
# libxl_watch.sh: examples/libxl-watch, a management daemon linking libxl:
# it creates a domain from a JSON configuration (as `xl create -n' prints
# it) asynchronously and reacts to the domain's death event, delivered
# through its own poll loop; a bad configuration leaves nothing behind.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
WATCH=$top_builddir/examples/libxl-watch
XL=xl_bounded
# Every xl call is bounded: a hang fails its check instead of the run.
HELLO=$top_builddir/examples/guests/hello
cd "$scratch" || exit 1

printf 'name="watched"\ntype="pvh"\nkernel="%s"\nmemory=32\n' "$HELLO/pvh/hello.elf" > w.cfg
"$XL" create -n w.cfg > w.json 2> /dev/null
check "xl create -n writes the JSON configuration"

"$WATCH" -p w.json > out 2> err &
wpid=$!
i=0; while ! grep -q '^created' out && kill -0 $wpid 2> /dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
grep -Eq '^created watched domid [0-9]+$' out
check "libxl-watch creates the domain (asynchronous create, callback)"
domid=$(awk '/^created/ { print $4 }' out)
"$XL" list watched | grep -Eq "^watched +$domid +32 "
check "xl sees the domain libxl-watch created"
"$XL" destroy watched
check "xl destroy of the watched domain"
i=0; while kill -0 $wpid 2> /dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
wait $wpid; rc=$?
[ $rc = 0 ] && grep -qx "domain $domid died" out
check "libxl-watch gets the death event in its poll loop and exits 0"

# Timeouts: libxl registers its re-check of watched domains through the
# application's timeout hooks; the application fires it, libxl re-arms
# it, cancels it (timeout_modify to "now") when nothing is watched, and
# deregisters what is left at libxl_ctx_free.
"$WATCH" -p -t w.json > out 2> err &
wpid=$!
i=0; while ! grep -q '^libxl timeout fired' out && kill -0 $wpid 2> /dev/null && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
grep -q '^libxl timeout fired' out
check "libxl registers a timeout through the hooks and the application fires it"
"$XL" destroy watched
i=0; while kill -0 $wpid 2> /dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
wait $wpid; rc=$?
[ $rc = 0 ] && grep -q "^domain [0-9]* died" out
check "with timeouts in its loop, libxl-watch still gets the death event"
counts=$(sed -n 's/^timeouts: \([0-9]*\) registered, \([0-9]*\) modified, \([0-9]*\) fired, \([0-9]*\) deregistered$/\1 \2 \3 \4/p' err)
set -- $counts
[ $# = 4 ] && [ "$1" -ge 2 ] && [ "$3" -ge 1 ] && [ "$2" = 1 ] && [ "$4" = 1 ] || { sed 's/^/# /' err; false; }
check "the timeout is re-armed after firing, cancelled by timeout_modify, deregistered at ctx_free ($counts)"

sed 's/"kernel": "[^"]*"/"kernel": "\/nonexistent"/' w.json > bad.json
"$WATCH" -p bad.json > out 2> err; rc=$?
[ $rc = 1 ] && grep -q 'creating the domain failed' err && [ "$("$XL" list | wc -l)" = 2 ]
check "a failing create reports the error and leaves no domain"

# The rules xl applies to xl.cfg hold for JSON too: they live in libxl.
sed 's/"kernel": "[^"]*",//' w.json > nokernel.json
"$WATCH" -p nokernel.json > out 2> err; rc=$?
[ $rc = 1 ] && grep -q 'Neither kernel nor bootloader' err && [ "$("$XL" list | wc -l)" = 2 ]
check "JSON without kernel or bootloader is refused by libxl's boot rules"
sed 's|"type.pvh": {|"type.pv": { "kernel": "/other"|; s/"type": "pvh",/"type": "pv",/' w.json > alias.json
"$WATCH" -p alias.json > out 2> err; rc=$?
[ $rc = 1 ] && grep -q 'b_info.type.pv.kernel' err && grep -q 'b_info.kernel' err &&
    [ "$("$XL" list | wc -l)" = 2 ]
check "JSON setting kernel and the deprecated type.pv.kernel differently is refused"

done_testing
