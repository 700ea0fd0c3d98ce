#!/bin/sh
# xl_bootloader.sh: bootloader= and firmware= through the real xl, libxl,
# xenhv-pygrub and xenhv.  The example guest's kernels go into ext4 disk
# images built without root (mke2fs -d), with GRUB 2, GRUB legacy and
# extlinux configurations, whole-disk and partitioned (MBR, GPT); `xl
# create -p' must build the domain from the kernel and command line the
# image names (read back from guest memory by tools/guest_peek) and leave
# no temporary files.  When guests run (probed), the guest's console must
# show the image's command line.  Hostile cases (no disk, missing disk,
# no boot configuration, not a filesystem, a bootloader that hangs, fails
# or names files outside its directory) fail cleanly; firmware= names
# resolve on the firmware search path or fail naming the paths searched.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/bootloader_lib.sh"
PEEK=$top_builddir/tests/tools/guest_peek
XENSTORED_PATH=$XENHV_RUNDIR/xenstored
export XENSTORED_PATH
XL=$(cd "$(dirname "$XL")" && pwd)/xl
HELLO=$(cd "$top_builddir/examples/guests/hello" && pwd)
cd "$scratch" || exit 1

skip() { # NAME REASON: one skipped TAP result
    tap_n=$((tap_n + 1))
    echo "ok $tap_n - $1 # SKIP $2"
}
xs_count() { xenstore-ls -f "$1" 2>/dev/null | wc -l; }
no_bootloader_files() { ! ls "$XENHV_RUNDIR" | grep -q '^bootloader\.'; }

# A disk image: bootimg NAME TYPE(pvh|pv) CONFIG(grub2|menulst|extlinux)
# LAYOUT(none|dos|gpt) GREETING: $scratch/NAME.img holding the hello
# kernel for TYPE at /boot/vmlinuz-hello, an initrd, and a configuration
# whose default entry (not the first) boots it with greeting=GREETING.
bootimg() {
    t=$scratch/tree-$1
    mkdir -p "$t/boot"
    kdir=pvh; [ "$2" = pv ] && kdir=pv64
    cp "$HELLO/$kdir/hello.elf" "$t/boot/vmlinuz-hello"
    printf 'RAMDISK-%s\n' "$1" > "$t/boot/initrd-hello"
    args="console=hvc0 greeting=$5"
    case $3 in
    grub2)
        mkdir -p "$t/boot/grub"
        printf 'set default="1"\nset timeout=5\nmenuentry "rescue" {\n\tlinux /boot/nonexistent single\n}\nmenuentry "hello" {\n\tlinux /boot/vmlinuz-hello %s\n\tinitrd /boot/initrd-hello\n}\n' \
            "$args" > "$t/boot/grub/grub.cfg" ;;
    menulst)
        mkdir -p "$t/boot/grub"
        printf 'default 1\ntimeout 5\n\ntitle rescue\n\troot (hd0,0)\n\tkernel /boot/nonexistent single\n\ntitle hello\n\troot (hd0,0)\n\tkernel /boot/vmlinuz-hello %s\n\tinitrd /boot/initrd-hello\n' \
            "$args" > "$t/boot/grub/menu.lst" ;;
    extlinux)
        mkdir -p "$t/boot/extlinux"
        printf 'DEFAULT hello\nTIMEOUT 50\n\nLABEL rescue\n\tKERNEL /boot/nonexistent\n\tAPPEND single\n\nLABEL hello\n\tKERNEL /boot/vmlinuz-hello\n\tINITRD /boot/initrd-hello\n\tAPPEND %s\n' \
            "$args" > "$t/boot/extlinux/extlinux.conf" ;;
    esac
    mkfs_dir "$t" "$scratch/$1.fs" 16M || return 1
    if [ "$4" = none ]; then
        mv "$scratch/$1.fs" "$scratch/$1.img"
    else
        partitioned "$4" "$scratch/$1.img" "$scratch/$1.fs" && rm -f "$scratch/$1.fs"
    fi
}

# mkcfg NAME TYPE DISK [EXTRA-LINES]: a bootloader="pygrub" config.
mkcfg() {
    printf 'name="%s"\ntype="%s"\nbootloader="pygrub"\ndisk=["%s,raw,xvda,r"]\nmemory=64\nvcpus=1\non_poweroff="destroy"\n%s\n' \
        "$1" "$2" "$3" "${4:-}" > "$1.cfg"
}

# --- xl create -p through the bootloader ---------------------------------
for v in "pvh grub2 none" "pv menulst dos" "pvh extlinux gpt" "pv grub2 gpt"; do
    set -- $v
    type=$1 conf=$2 layout=$3 dn=bl-$1-$2-$3
    if [ "$layout" != none ] && ! $have_sfdisk; then
        skip "$dn: boots" "no sfdisk"
        continue
    fi
    bootimg "$dn" "$type" "$conf" "$layout" "$conf-$type"
    mkcfg "$dn" "$type" "$scratch/$dn.img"
    "$XL" create -p "$dn.cfg" > out 2> err
    check "$dn: xl create -p with bootloader=\"pygrub\" succeeds"
    dom=$("$XL" domid "$dn" 2>/dev/null)
    "$XL" list "$dn" 2>/dev/null | grep -Eq "^$dn +[0-9]+ +64 +[01] +--p---"
    check "$dn: xl list shows the domain paused"
    if [ "$type" = pvh ]; then
        "$PEEK" hvm "$dom" > peek 2>&1
        entry=$(readelf -n "$HELLO/pvh/hello.elf" |
            awk '/0x00000012/ { getline; print "0x" $6 $5 $4 $3 }' | sed 's/^0x0*/0x/')
        grep -qx "rip $entry" peek && grep -qx "module 0 0x[0-9a-f]* $(wc -c < "$scratch/tree-$dn/boot/initrd-hello")" peek
        check "$dn: vCPU 0 at the image's kernel's entry, the image's initrd as module 0"
    else
        "$PEEK" pv "$dom" > peek 2>&1
        grep -qx 'magic xen-3.0-x86_64' peek && grep -qx 'entry_mapped 1' peek
        check "$dn: a PV start_info from the image's kernel"
    fi
    grep -qx "cmdline console=hvc0 greeting=$conf-$type" peek
    check "$dn: the command line is the default entry's"
    no_bootloader_files && [ -z "$(ls /tmp | grep '^xenhv-pygrub\.')" ]
    check "$dn: the bootloader's temporary files are gone"
    "$XL" list -l "$dn" > json 2>/dev/null
    grep -q '"bootloader": "pygrub"' json && ! grep -q '"kernel"' json
    check "$dn: the stored config keeps bootloader=, no temporary kernel path"
    "$XL" destroy "$dn"
done

# bootloader_args and kernel=/cmdline= reach the bootloader: --entry picks
# the first entry by number... here the image's kernel by path and args.
bootimg bl-args pvh grub2 none args
mkcfg bl-args pvh "$scratch/bl-args.img" 'kernel="/boot/vmlinuz-hello"
cmdline="greeting=from-xl"
bootloader_args=["--entry=1"]'
"$XL" create -p bl-args.cfg 2> err
check "kernel=, cmdline= and bootloader_args with a bootloader: created"
"$PEEK" hvm "$("$XL" domid bl-args)" > peek 2>&1
grep -qx 'cmdline greeting=from-xl' peek
check "cmdline= overrides the image's arguments (pygrub --args)"
"$XL" destroy bl-args

# --- guests that run: the console shows the image's command line --------
printf 'name="probe"\ntype="pvh"\nkernel="%s"\nmemory=32\n' "$HELLO/pvh/hello.elf" > probe.cfg
"$XL" create -c probe.cfg < /dev/null > probe.out 2> /dev/null &
console=$!
wait_for 10 grep -q 'hello: command line' probe.out
guests_run=$?
"$XL" destroy probe 2> /dev/null
kill $console 2> /dev/null; wait $console 2> /dev/null
for type in pvh pv; do
    dn=bl-run-$type
    if [ "$guests_run" != 0 ]; then
        skip "$dn: the guest's console shows the image's command line" "guests do not run yet"
        continue
    fi
    bootimg "$dn" "$type" grub2 none "run-$type"
    mkcfg "$dn" "$type" "$scratch/$dn.img"
    "$XL" create -c "$dn.cfg" < /dev/null > "$dn.out" 2> /dev/null &
    console=$!
    wait_for 20 grep -q 'hello: command line' "$dn.out"
    grep -qF "hello: command line: \"console=hvc0 greeting=run-$type\"" "$dn.out"
    check "$dn: the guest's console shows the image's command line"
    "$XL" destroy "$dn" 2> /dev/null
    kill $console 2> /dev/null; wait $console 2> /dev/null
done

# --- failures: exit 1, the disk and the reason, nothing left behind ------
baseline() { # what nothing_left compares with (xl keeps xl-NAME.log)
    doms_before=$("$XL" list | wc -l)
    xs_before=$(xs_count /local/domain)$(xs_count /vm)$(xs_count /libxl)
    run_before=$(ls "$XENHV_RUNDIR" | sort | tr '\n' ' ')
}
baseline
nothing_left() {
    [ "$("$XL" list | wc -l)" = "$doms_before" ] &&
        [ "$(xs_count /local/domain)$(xs_count /vm)$(xs_count /libxl)" = "$xs_before" ] &&
        [ "$(ls "$XENHV_RUNDIR" | sort | tr '\n' ' ')" = "$run_before" ]
}
fails() { # NAME TEXT CONFIG-ARGS...: xl create -p fails saying TEXT
    n=$1 text=$2; shift 2
    "$XL" create -p g.cfg "name=\"$n\"" "$@" > out 2> err; rc=$?
    [ $rc = 1 ] && grep -qF -- "$text" err && nothing_left
}
mkcfg g pvh "$scratch/bl-args.img"

fails h1 'the domain has no disk' 'disk=[]'
check "no disk: the reason, nothing left behind"
fails h2 "Disk vdev=xvda failed to stat: $scratch/nonexistent.img: No such file or directory" \
    "disk=[\"$scratch/nonexistent.img,raw,xvda,r\"]"
check "a missing disk image: real libxl's message (before the bootloader runs), nothing left behind"
mkdir -p adir
fails h3 "disk $scratch/adir is not a readable file" "disk=[\"$scratch/adir,raw,xvda,r\"]"
check "a directory as the disk: named, nothing left behind"
mkdir -p empty/boot
mkfs_dir empty empty.img 8M
fails h4 'no boot configuration' "disk=[\"$scratch/empty.img,raw,xvda,r\"]" &&
    grep -qF "$scratch/empty.img" err
check "no boot configuration: the disk and the reason, nothing left behind"
head -c 4194304 /dev/urandom > junk.img
fails h5 "$scratch/junk.img" "disk=[\"$scratch/junk.img,raw,xvda,r\"]" && grep -q 'failed (exit status 1)' err
check "not a filesystem: the disk and the reason, nothing left behind"
fails h6 'format qcow2 is not supported' "disk=[\"$scratch/bl-args.img,qcow2,xvda,r\"]"
check "a qcow2 disk: refused, nothing left behind"
fails h7 'bootloader "nosuchloader"' 'bootloader="nosuchloader"'
check "an unknown bootloader name: refused, nothing left behind"

# Fake bootloaders given by absolute path, speaking the same protocol.
cat > slow.sh <<'SH'
#!/bin/sh
# Hangs (a child too), as a bootloader waiting for a terminal would.
sleep 300 # xl-bootloader-test-marker
SH
cat > fail.sh <<'SH'
#!/bin/sh
echo "fake: cannot read the disk" >&2
exit 1
SH
cat > outside.sh <<'SH'
#!/bin/sh
# Names a file outside its output directory.
for a; do case $a in --output=*) out=${a#--output=} ;; esac; done
printf 'kernel %s\0\0' "$VICTIM" > "$out"
SH
cat > good.sh <<'SH'
#!/bin/sh
# The protocol: copies KERNEL into DIR/fake.XXXXXX, records its arguments.
for a; do
    case $a in
    --output=*) out=${a#--output=} ;;
    --output-directory=*) dir=${a#--output-directory=} ;;
    esac
done
echo "$@" > "$ARGS_LOG"
d=$(mktemp -d "$dir/fake.XXXXXX") && cp "$KERNEL" "$d/kernel" &&
    printf 'kernel %s\0args greeting=fake\0\0' "$d/kernel" > "$out"
SH
chmod +x slow.sh fail.sh outside.sh good.sh
LIBXL_BOOTLOADER_TIMEOUT=1 fails h8 'timed out after 1 s' "bootloader=\"$scratch/slow.sh\"" &&
    grep -qF "disk $scratch/bl-args.img" err
check "a bootloader that hangs: stopped at LIBXL_BOOTLOADER_TIMEOUT, the disk named, nothing left"
sleep 0.2
! pgrep -f xl-bootloader-test-marker > /dev/null
check "the hung bootloader's children are gone too"
fails h9 'failed (exit status 1)' "bootloader=\"$scratch/fail.sh\"" &&
    grep -qF 'fake: cannot read the disk' err
check "a bootloader exiting 1: its message and status, nothing left behind"
echo precious > victim
export VICTIM=$scratch/victim
fails h10 'outside' "bootloader=\"$scratch/outside.sh\"" && [ "$(cat victim)" = precious ]
check "a bootloader naming a file outside its directory: refused, the file untouched"
unset VICTIM
KERNEL=$HELLO/pvh/hello.elf ARGS_LOG=$scratch/args.log
export KERNEL ARGS_LOG
"$XL" create -p g.cfg 'name="fake"' "bootloader=\"$scratch/good.sh\"" 'bootloader_args=["-q", "--x=y"]' 2> err
check "a bootloader by absolute path: created from its output"
"$PEEK" hvm "$("$XL" domid fake)" | grep -qx 'cmdline greeting=fake'
check "its args became the command line"
grep -q -- "--output-format=simple0 --output-directory=$XENHV_RUNDIR/bootloader\.[0-9]*\.d -q --x=y $scratch/bl-args.img\$" args.log
check "it got --output-format=simple0, --output-directory, bootloader_args, then the disk"
no_bootloader_files
check "its files are removed once the domain is built"
"$XL" destroy fake

# --- firmware= on the firmware search path -------------------------------
mkdir -p fw1 fw2
baseline
XENHV_FIRMWARE_PATH=$scratch/fw1:$scratch/fw2
export XENHV_FIRMWARE_PATH
printf 'name="fw"\ntype="hvm"\nmemory=32\n' > fw.cfg
"$XL" create -p fw.cfg 'firmware="myfw.bin"' 2> err; rc=$?
[ $rc = 1 ] && grep -qF "firmware file myfw.bin not found (searched $scratch/fw1/myfw.bin, $scratch/fw2/myfw.bin, " err &&
    nothing_left
check "firmware=NAME not on the search path: every path searched is named, nothing left"
cp "$HELLO/hvm64/hello.elf" fw2/myfw.bin
"$XL" create -p fw.cfg 'firmware="myfw.bin"' 2> err
check "firmware=NAME found in a later directory of XENHV_FIRMWARE_PATH"
"$XL" list -l fw | grep -q '"firmware": "myfw.bin"'
check "the stored config keeps firmware= as given"
"$XL" destroy fw
baseline
"$XL" create -p fw.cfg 2> err; rc=$?
[ $rc = 1 ] && grep -qF "HVM firmware: firmware file hvmloader not found (searched $scratch/fw1/hvmloader" err &&
    nothing_left
check "no hvmloader installed: the paths searched are named"
cp "$HELLO/hvm64/hello.elf" fw1/hvmloader
"$XL" create -p fw.cfg 'firmware="uefi"' 2> err; rc=$?
[ $rc = 1 ] && grep -qF "bios=ovmf: firmware file ovmf.bin not found (searched $scratch/fw1/ovmf.bin" err &&
    nothing_left
check "firmware=\"uefi\" needs ovmf.bin next to hvmloader: the paths searched are named"
"$XL" create -p fw.cfg 'firmware="bios"' 2> err
check "firmware=\"bios\" boots the hvmloader found on the path"
"$XL" destroy fw
baseline
"$XL" create -p fw.cfg "firmware=\"$scratch/nonexistent.bin\"" 2> err; rc=$?
[ $rc = 1 ] && grep -qF "firmware image $scratch/nonexistent.bin: no such file" err && nothing_left
check "firmware=PATH missing: named, nothing left"
printf 'name="pvg"\ntype="pv"\nmemory=32\nfirmware="pvgrub64"\n' > pvg.cfg
"$XL" create -p pvg.cfg 2> err; rc=$?
[ $rc = 1 ] && grep -qF "firmware file pvgrub64.bin not found (searched $scratch/fw1/pvgrub64.bin" err &&
    grep -qF '/usr/lib/xen-4.17/boot/pvgrub64.bin' err && nothing_left
check "firmware=\"pvgrub64\" missing: the search path and xl's path are named"
cp "$HELLO/pv64/hello.elf" fw2/pvgrub64.bin
"$XL" create -p pvg.cfg 2> err && "$PEEK" pv "$("$XL" domid pvg)" | grep -qx 'magic xen-3.0-x86_64'
check "firmware=\"pvgrub64\" boots pvgrub64.bin from the search path"
"$XL" destroy pvg

done_testing
