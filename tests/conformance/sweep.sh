#!/bin/sh
# sweep.sh [DIR]: the conformance sweep.  Generates the configs (gen.py)
# into DIR (default /tmp/xl-conformance), runs real xl 4.17 on each once
# (../shared/reference-xl/run-real-xl, needs root; results cached as
# NAME.real.{json,err,rc}) and our xl/xl from the build tree every time,
# and compares JSON, stderr and exit status byte for byte.  Prints one line
# per mismatch and the counts; MISMATCHES lists the names.
# Interesting cases are then copied into tests/fixtures/xlcfg with
# promote.sh NAME... (expected output = real xl's).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir=${1:-/tmp/xl-conformance}
ref=${REFERENCE_XL:-$(cd "$top/.." && pwd)/shared/reference-xl/run-real-xl}
xl=$top/xl/xl
python3 "$here/gen.py" "$dir" >/dev/null || exit 1
cd "$dir" || exit 1
noise='libxl_cpu_bitmap_alloc: failed to retrieve the maximum number of cpus'
match=0 mismatch=0
: > MISMATCHES
for cfg in *.cfg; do
    n=${cfg%.cfg}
    args=
    [ -f "$n.args" ] && args=$(cat "$n.args")
    if [ ! -f "$n.real.rc" ] || [ "$cfg" -nt "$n.real.rc" ]; then
        # shellcheck disable=SC2086
        timeout 60 "$ref" "$cfg" $args > "$n.real.json" 2> "$n.real.err.raw"
        echo $? > "$n.real.rc"
        sed "/$noise/d" "$n.real.err.raw" > "$n.real.err" # keeps a last line unended
        rm -f "$n.real.err.raw"
    fi
    # shellcheck disable=SC2086
    timeout 60 "$xl" create -n "$cfg" $args > "$n.ours.json" 2> "$n.ours.err"
    echo $? > "$n.ours.rc"
    what=
    cmp -s "$n.real.rc" "$n.ours.rc" || what="$what rc($(cat "$n.real.rc")/$(cat "$n.ours.rc"))"
    # What real xl leaves to chance: a uuid when the config names none,
    # ms_vm_genid="generate".
    if grep -q '^uuid' "$cfg" && ! grep -q generate "$cfg"; then
        cmp -s "$n.real.json" "$n.ours.json" || what="$what json"
    else
        for w in real ours; do
            sed -E '/"uuid"/s/"[0-9a-f-]{36}"/"U"/; /^ {16}[0-9]+,?$/d' "$n.$w.json" > "$n.$w.norm"
        done
        cmp -s "$n.real.norm" "$n.ours.norm" || what="$what json"
    fi
    cmp -s "$n.real.err" "$n.ours.err" || what="$what stderr"
    if [ -z "$what" ]; then
        match=$((match + 1))
    else
        mismatch=$((mismatch + 1))
        echo "MISMATCH $n:$what"
        echo "$n" >> MISMATCHES
    fi
done
echo "configs: $((match + mismatch)) match: $match mismatch: $mismatch"
