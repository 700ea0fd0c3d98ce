#!/bin/sh
# linux_disk.sh: PV disks.  Debian's Linux loads its own blkfront
# (xen-blkfront.ko, from the kernel's package) against xenhv's block
# backend, for disks given in the ordinary xl.cfg way:
#   disk = ["FILE,raw,xvda,rw", "FILE2,raw,xvdb,r"]
# What a user would check: the guest sees the image's size and contents
# (cksum of its first MiB, compared with the host's), a write it
# syncs is in the image file afterwards, a write to the read-only disk
# fails and leaves it unchanged.  As PVH and as PV (whose grants
# name machine frames).  Then hot plug: xl block-attach to a running
# guest, xl block-list, xl block-detach.  Skips without the kernel or the
# module.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
. "$top_srcdir/tests/integration/linux_lib.sh"
cd "$scratch" || exit 1
BLKFRONT=$(dirname "$LINUX_KERNEL")/xen-blkfront.ko
[ -f "$BLKFRONT" ] || [ ! -f "$LINUX_KERNEL" ] ||
    linux_skip_all "no $BLKFRONT beside the kernel: run scripts/setup assets"
LINUX_RD_FILES=$BLKFRONT linux_initramfs init.c

for type in pvh pv; do
    head -c $((8 << 20)) /dev/urandom > "disk-$type.img"
    head -c $((1 << 20)) /dev/urandom > "ro-$type.img"
    cp "ro-$type.img" "ro-$type.orig"
    sum=$(head -c 1048576 "disk-$type.img" | cksum | cut -d' ' -f1)
    LINUX_CMDLINE=xenhv.disk=1 LINUX_CFG_EXTRA="disk = [\"$scratch/disk-$type.img,raw,xvda,rw\", \"$scratch/ro-$type.img,raw,xvdb,r\"]" \
        linux_boot "disk-$type" "$type" 1
    n=disk-$type
    echo "# $type: boot to poweroff: $(cat "$n.ms") ms"
    ok "$type: xl create says nothing is left out" sh -c "! grep -q 'left out\|not supported' $n.xl"
    ok "$type: blkfront sees xvda's size (8 MiB)" linux_has "$n" "xenhv-init: xvda: 8388608 bytes"
    ok "$type: and the image's contents (first MiB: $sum)" linux_has "$n" "first MiB cksum $sum"
    ok "$type: the guest's write is synced" linux_has "$n" "xenhv-init: xvda: marker written and synced"
    dd if="disk-$type.img" bs=1024 skip=512 count=1 2> /dev/null | grep -aq 'xenhv-init wrote this through blkfront'
    check "$type: the image file holds what the guest wrote"
    ok "$type: the guest sees xvdb read-only: its write is refused" linux_has "$n" "xenhv-init: xvdb: write refused:"
    cmp -s "ro-$type.img" "ro-$type.orig"
    check "$type: the read-only image is unchanged"
    ok "$type: the guest powers off" grep -q "shut down, reason code 0 " "$n.xl"
    grep -a 'xenhv-init: xv\|blkfront' "$n.log" | sed 's/^/# /'
    linux_how_far "$n"
done
# Hot plug: a running PVH Linux with no disk gets one (xl block-attach),
# sees it, and lets it go (xl block-detach).
head -c $((4 << 20)) /dev/zero > hot.img
LINUX_CMDLINE=xenhv.disk=3 linux_cfg hot pvh 1
"$XLBIN" create -F hot.cfg > hot.xl 2>&1 &
wait_for 60 sh -c "grep -aq 'waiting for a disk' '$XENHV_RUNDIR/console/guest-hot.log'" ||
    linux_last_lines hot
"$XLBIN" block-attach hot "$scratch/hot.img,raw,xvdb,rw"
check "xl block-attach of a raw image to a running guest"
wait_for 20 sh -c "grep -aq 'xvdb plugged: 4194304 bytes' '$XENHV_RUNDIR/console/guest-hot.log'"
check "the guest's blkfront finds the new disk, 4 MiB"
"$XLBIN" block-list hot | awk 'NR == 2 { print $1, $4 }' | grep -qx '51728 4'
check "xl block-list: xvdb (51728), connected (state 4)"
"$XLBIN" list -l hot | grep -q "\"pdev_path\": \"$scratch/hot.img\""
check "the stored configuration has it (xl list -l)"
"$XLBIN" block-detach hot xvdc 2> err; [ $? = 1 ] && grep -qx 'Error: Device xvdc not connected.' err
check "xl block-detach of a disk that is not there: real xl's message"
"$XLBIN" block-detach hot xvdb
check "xl block-detach returns once the guest let the disk go"
wait_for 20 sh -c "grep -aq 'xvdb unplugged' '$XENHV_RUNDIR/console/guest-hot.log'"
check "the disk is gone from the guest"
[ "$("$XLBIN" block-list hot | wc -l)" = 1 ] && ! "$XLBIN" list -l hot | grep -q hot.img
check "and from xl block-list and the stored configuration"
wait_for 30 sh -c "! '$XLBIN' domid hot > /dev/null 2>&1"
check "the guest powers off"
linux_console hot > hot.log
grep -a 'xenhv-init: \(waiting\|xvdb\)' hot.log | sed 's/^/# /'

XENSTORED_PATH=$XENHV_RUNDIR/xenstored xenstore-ls /local/domain/0/backend/vbd > be.left 2>&1
[ ! -s be.left ] || grep -q 'not exist\|ENOENT' be.left
check "the disks' backend entries are gone with their domains"
done_testing
