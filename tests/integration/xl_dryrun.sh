#!/bin/sh
# xl_dryrun.sh: `xl create -n' against the corpus in tests/fixtures/xlcfg:
# for every config, the JSON, the exit status and the messages that real
# xl 4.17 gave (captured by fixtures/xlcfg/capture.sh) must come out the
# same.  One TAP line per config.
. "$top_srcdir/tests/integration/lib.sh"
corpus=$top_srcdir/tests/fixtures/xlcfg
XL=$(cd "$(dirname "$XL")" && pwd)/xl

cd "$corpus" || exit 1
for cfg in *.cfg; do
    name=${cfg%.cfg}
    args=
    [ -f "$name.args" ] && args=$(cat "$name.args")
    # shellcheck disable=SC2086
    "$XL" create -n "$cfg" $args > "$scratch/out.json" 2> "$scratch/out.err"
    rc=$?
    ok=1
    [ "$rc" = "$(cat "$name.rc")" ] || ok=0
    cmp -s "$scratch/out.json" "$name.json" || ok=0
    cmp -s "$scratch/out.err" "$name.err" || ok=0
    tap_n=$((tap_n + 1))
    if [ $ok = 1 ]; then
        echo "ok $tap_n - $name: same JSON, exit status ($rc) and messages as real xl"
    else
        echo "not ok $tap_n - $name: differs from real xl (exit $rc, expected $(cat "$name.rc"))"
        diff "$name.json" "$scratch/out.json" | head -20 | sed 's/^/# /'
        diff "$name.err" "$scratch/out.err" | head -10 | sed 's/^/# /'
        tap_failed=$((tap_failed + 1))
    fi
done

# Options and arguments around the config.
"$XL" create -n no-such-file.cfg > "$scratch/out" 2>&1
[ $? = 1 ] && grep -q '^Failed to read config file: no-such-file.cfg: No such file or directory$' "$scratch/out"
check "a missing config file is an error naming the file"

"$XL" -N create pv-minimal.cfg > "$scratch/n.json" 2>/dev/null && cmp -s "$scratch/n.json" pv-minimal.json
check "the global -N prints the same JSON as create -n"

"$XL" create -n -q pv-minimal.cfg > /dev/null 2> "$scratch/q.err" && [ ! -s "$scratch/q.err" ]
check "create -q prints no 'Parsing config' line"

done_testing
