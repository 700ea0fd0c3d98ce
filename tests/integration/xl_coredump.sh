#!/bin/sh
# xl_coredump.sh: domain cores as Xen's xc_domain_dumpcore writes them
# (docs/misc/dump-core-format.txt): on_crash=coredump-destroy and
# coredump-restart write XENHV_DUMP_DIR/NAME from xl's monitor; xl dump-core
# writes a running PVH and PV domain's core.  Each core is read back: ELF64
# ET_CORE, the sections, the "Xen" notes (header: magic, vCPUs, pages,
# page size; format version), the page count against .xen_pfn/.xen_p2m
# and .xen_pages, and text the guest wrote to its console ring found in
# the dumped pages.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=xl_bounded
GUESTS=$top_builddir/tests/guests
HELLO=$top_builddir/examples/guests/hello
XENHV_DUMP_DIR=$scratch/dump
export XENHV_DUMP_DIR
cd "$scratch" || exit 1


# sec FILE NAME: "OFFSET SIZE" of a section (decimal), nothing if absent.
sec() {
    readelf -S -W "$1" 2> /dev/null |
        awk -v n="$2" '{ for (i = 1; i <= NF; i++) if ($i == n) print $(i + 3), $(i + 4) }' |
        while read -r o s; do echo "$((0x$o)) $((0x$s))"; done
}
u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; } # FILE OFFSET
u32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
# note FILE TYPE: offset of the descriptor of the "Xen" note of TYPE.
note() {
    set -- "$1" "$2" $(sec "$1" .note.Xen)
    at=$3; end=$(($3 + $4))
    while [ "$at" -lt "$end" ]; do
        nsz=$(u32 "$1" "$at"); dsz=$(u32 "$1" $((at + 4))); typ=$(u32 "$1" $((at + 8)))
        name=$(dd if="$1" bs=1 skip=$((at + 12)) count=3 2> /dev/null)
        desc=$((at + 12 + (nsz + 3) / 4 * 4))
        if [ "$name" = Xen ] && [ "$typ" = "$2" ]; then echo "$desc"; return 0; fi
        at=$((desc + (dsz + 3) / 4 * 4))
    done
    return 1
}

# check_core FILE KIND(hvm|pv) MARKER LABEL
check_core() {
    f=$1
    readelf -h "$f" > hdr 2>&1
    grep -q 'Class: *ELF64' hdr && grep -q 'Type: *CORE' hdr && grep -q 'Machine: *Advanced Micro Devices X86-64' hdr
    check "$4: ELF64 ET_CORE, x86-64"
    if [ "$2" = hvm ]; then map=.xen_pfn elem=8 magic=4027575278; else map=.xen_p2m elem=16 magic=4027575277; fi
    ok "$4: sections .note.Xen .xen_prstatus $map .xen_pages" \
        test -n "$(sec "$f" .note.Xen)" -a -n "$(sec "$f" .xen_prstatus)" -a -n "$(sec "$f" $map)" \
        -a -n "$(sec "$f" .xen_pages)"
    h=$(note "$f" 33554433) # XEN_ELFNOTE_DUMPCORE_HEADER
    nr_vcpus=$(u64 "$f" $((h + 8))); nr_pages=$(u64 "$f" $((h + 16))); psize=$(u64 "$f" $((h + 24)))
    [ "$(u64 "$f" "$h")" = "$magic" ] && [ "$psize" = 4096 ] && [ "$nr_vcpus" -ge 1 ]
    check "$4: header note: magic, page size 4096, $nr_vcpus vCPU(s)"
    set -- "$@" $(sec "$f" $map) $(sec "$f" .xen_pages) $(sec "$f" .xen_prstatus)
    # $5 $6: map; $7 $8: pages; $9 ${10}: prstatus
    [ "$nr_pages" -ge 16384 ] && [ "$6" = $((nr_pages * elem)) ] && [ "$8" = $((nr_pages * 4096)) ] &&
        [ $(($7 % 4096)) = 0 ] && [ "${10}" = $((nr_vcpus * 5168)) ]
    check "$4: $nr_pages pages (64 MiB and more) in $map and .xen_pages, one context per vCPU"
    fv=$(note "$f" 33554435) && [ "$(u64 "$f" "$fv")" = 1 ] && note "$f" 33554432 > /dev/null &&
        note "$f" 33554434 > /dev/null
    check "$4: notes none, xen_version and format version 0.1"
    dd if="$f" bs=4096 skip=$(($7 / 4096)) 2> /dev/null | grep -a -q "$3"
    check "$4: what the guest wrote is in the dumped pages"
}

mkdir -p "$XENHV_DUMP_DIR"
cat > crash.cfg << EOF
name="crash"
type="pvh"
kernel="$GUESTS/pvh/triple_fault.elf"
memory=64
on_crash="coredump-destroy"
EOF
"$XL" create -F crash.cfg > crash.log 2>&1
grep -q "dumping core to $XENHV_DUMP_DIR/crash" crash.log && [ -s "$XENHV_DUMP_DIR/crash" ] || { sed "s/^/# /" crash.log; false; }
check "on_crash=coredump-destroy: the monitor dumps core to XENHV_DUMP_DIR/NAME"
gone crash
check "on_crash=coredump-destroy: then the domain is destroyed"
[ "$(stat -c %a "$XENHV_DUMP_DIR/crash")" = 600 ]
check "the core is mode 0600"
check_core "$XENHV_DUMP_DIR/crash" hvm "raising an exception with no way to deliver it" crash

sed -e 's/coredump-destroy/coredump-restart/' -e 's/"crash"/"crash2"/' crash.cfg > crash2.cfg
rm -rf "$XENHV_DUMP_DIR"
"$XL" create crash2.cfg > /dev/null 2>&1
wait_for 20 test -s "$XENHV_DUMP_DIR/crash2"
check "on_crash=coredump-restart: core written (the directory made when missing)"
"$XL" destroy crash2 > /dev/null 2>&1
sleep 0.3; "$XL" destroy crash2 > /dev/null 2>&1
wait_for 10 gone crash2

for type in pvh pv; do
    case $type in
    pvh) boot="kernel=\"$HELLO/pvh/hello.elf\"" kind=hvm marker="running as PVH" ;;
    pv) boot="kernel=\"$HELLO/pv64/hello.elf\"" kind=pv marker="running as PV" ;;
    esac
    printf 'name="dc-%s"\ntype="%s"\n%s\nmemory=64\n' $type $type "$boot" > dc-$type.cfg
    "$XL" create dc-$type.cfg > /dev/null 2>&1 && wait_for 20 running dc-$type
    wait_for 20 grep -q "$marker" "$XENHV_RUNDIR/console/guest-dc-$type.log"
    "$XL" dump-core dc-$type dc-$type.core
    check "$type: xl dump-core DOMAIN FILE"
    running dc-$type
    check "$type: the domain runs on after the dump"
    check_core dc-$type.core $kind "$marker" "$type dump-core"
    "$XL" destroy dc-$type
done

"$XL" create dc-pvh.cfg > /dev/null 2>&1
"$XL" dump-core dc-pvh "$scratch/no/such/dir/core" 2> err
[ $? = 1 ] && grep -q 'core dump failed (rc=' err && [ ! -e "$scratch/no/such/dir/core" ]
check "xl dump-core to an impossible path: 'core dump failed', exit 1, no file"
"$XL" dump-core no-such-domain x.core > /dev/null 2>&1
[ $? != 0 ] && [ ! -e x.core ]
check "xl dump-core of an unknown domain fails"
"$XL" destroy dc-pvh

done_testing
