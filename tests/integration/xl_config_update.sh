#!/bin/sh
# xl_config_update.sh: `xl config-update CONFIG' on the old-style configs
# in tests/fixtures/xlcfg-old: a diff by default, -i rewrites in place,
# comments stay, the rewritten file gives the same `xl create -n' JSON
# without the deprecation warnings, a second run changes nothing, and a
# config that does not parse is refused.
. "$top_srcdir/tests/integration/lib.sh"
old=$top_srcdir/tests/fixtures/xlcfg-old

for cfg in "$old"/*.cfg; do
    base=$(basename "$cfg" .cfg)
    work=$scratch/$base.cfg
    cp "$cfg" "$work"

    "$XL" config-update "$work" > "$scratch/diff" 2>&1 && grep -q '^@@ ' "$scratch/diff" &&
        cmp -s "$cfg" "$work"
    check "$base: prints a unified diff and leaves the file alone"

    "$XL" create -n "$cfg" > "$scratch/before.json" 2> "$scratch/$base.before.err"
    "$XL" config-update -i "$work" > /dev/null 2>&1
    check "$base: -i rewrites in place"

    "$XL" create -n "$work" > "$scratch/after.json" 2> "$scratch/after.err"
    [ -s "$scratch/before.json" ] || echo "# no JSON for $base"
    cmp -s "$scratch/before.json" "$scratch/after.json"
    check "$base: the rewritten file gives the same JSON"

    ! grep -q -i -e 'deprecated' -e 'ignoring' -e '^WARNING' "$scratch/after.err"
    check "$base: no deprecation (or ignored-option) warning for the rewritten file"

    missing=0
    grep '^[[:space:]]*#' "$cfg" | sed 's/^[[:space:]]*//' | while IFS= read -r comment; do
        grep -qF -- "$comment" "$work" || { echo "# lost: $comment"; exit 1; }
    done || missing=1
    [ $missing = 0 ]
    check "$base: every comment is kept"

    "$XL" config-update "$work" > "$scratch/diff2" 2>&1 && [ ! -s "$scratch/diff2" ]
    check "$base: a second run has nothing to change"

    cp "$cfg" "$scratch/patched.cfg"
    patch -s "$scratch/patched.cfg" "$scratch/diff" && cmp -s "$scratch/patched.cfg" "$work"
    check "$base: the diff, applied by patch(1), gives the -i result"
done


cat "$scratch"/*.before.err > "$scratch/all.err" 2>/dev/null
grep -q 'WARNING: specifying "tsc_mode" as an integer is deprecated' "$scratch/all.err" &&
    grep -q 'Warning: ignoring root= and extra=' "$scratch/all.err"
check "before the rewrite, the old configs do draw deprecation warnings"

printf 'name = "bad"\nmemory = \n' > "$scratch/bad.cfg"
cp "$scratch/bad.cfg" "$scratch/bad.orig"
"$XL" config-update -i "$scratch/bad.cfg" > "$scratch/out" 2>&1
[ $? = 1 ] && cmp -s "$scratch/bad.cfg" "$scratch/bad.orig" && grep -q 'bad.cfg:1: config parsing error' "$scratch/out"
check "a config that does not parse is refused, untouched, with the parse error"

printf 'name = "c"\nbuilder = "hvm"\ntype = "pv"\nkernel = "/k"\n' > "$scratch/conflict.cfg"
"$XL" config-update "$scratch/conflict.cfg" > /dev/null 2>&1
[ $? = 1 ]
check "builder= and type= that disagree are refused"

done_testing
