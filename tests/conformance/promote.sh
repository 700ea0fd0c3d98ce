#!/bin/sh
# promote.sh DIR NAME...: copy sweep cases into the CI corpus
# tests/fixtures/xlcfg as conf-NAME.cfg (+ .args), and record real xl
# 4.17's output for them there with the corpus's capture.sh.
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../fixtures/xlcfg
dir=$1; shift
for n in "$@"; do
    sed "s/^name = \"$n\"/name = \"conf-$n\"/" "$dir/$n.cfg" > "$corpus/conf-$n.cfg"
    [ -f "$dir/$n.args" ] && cp "$dir/$n.args" "$corpus/conf-$n.args"
    "$corpus/capture.sh" "conf-$n"
done
