#!/bin/sh
# bootloader_hostile.sh: xenhv-pygrub on hostile and broken disk images:
# each fails with a message naming the disk and the reason, exits
# non-zero, and leaves nothing in the output directory.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/bootloader_lib.sh"

# build NAME CONFIG-TEXT: an image whose /boot/grub/grub.cfg is CONFIG-TEXT.
build() {
    make_tree "$scratch/$1" boot
    mkdir -p "$scratch/$1/boot/grub"
    printf '%s\n' "$2" >"$scratch/$1/boot/grub/grub.cfg"
}
good='menuentry Debian { linux /boot/vmlinuz-6.1 root=/dev/xvda1; initrd /boot/initrd.img-6.1 }'

build sb "$good"
mkfs_dir "$scratch/sb" "$scratch/sb.img" 16M
cp "$scratch/sb.img" "$scratch/sb-bad.img"
printf '\0\0' | dd of="$scratch/sb-bad.img" bs=1 seek=1080 conv=notrunc status=none # s_magic
run_pygrub "$scratch/sb.img"
ok "control: the intact image boots" test "$rc" = 0
run_pygrub "$scratch/sb-bad.img"
ok "corrupt superblock: fails naming the disk and the reason" \
    fails_with "$scratch/sb-bad.img: no bootable filesystem (none): whole disk: not an ext2/3/4 filesystem"

build loop 'source /boot/grub/grub.cfg'
mkfs_dir "$scratch/loop" "$scratch/loop.img" 16M
run_pygrub "$scratch/loop.img"
ok "configuration including itself: fails as a loop" \
    fails_with "/boot/grub/grub.cfg:1: includes nested deeper than 8 (a loop?)"

build unclosed 'menuentry Debian {
 linux /boot/vmlinuz-6.1'
mkfs_dir "$scratch/unclosed" "$scratch/unclosed.img" 16M
run_pygrub "$scratch/unclosed.img"
ok "unclosed menuentry: fails naming file and line" \
    fails_with '/boot/grub/grub.cfg:1: menuentry "Debian" not closed'

build symloop 'menuentry Debian { linux /boot/a }'
ln -s b "$scratch/symloop/boot/a"
ln -s a "$scratch/symloop/boot/b"
mkfs_dir "$scratch/symloop" "$scratch/symloop.img" 16M
run_pygrub "$scratch/symloop.img"
ok "symlink loop for the kernel: fails" fails_with "/boot/a: too many levels of symbolic links"

build huge "$good"
truncate -s 600M "$scratch/huge/boot/vmlinuz-6.1"
mkfs_dir "$scratch/huge" "$scratch/huge.img" 16M
run_pygrub "$scratch/huge.img"
ok "600 MiB kernel: refused at the 512 MiB cap" fails_with "more than the limit of 512 MiB"

build bigramdisk "$good"
truncate -s 1100M "$scratch/bigramdisk/boot/initrd.img-6.1"
mkfs_dir "$scratch/bigramdisk" "$scratch/bigramdisk.img" 16M
run_pygrub "$scratch/bigramdisk.img"
ok "1100 MiB ramdisk: refused, and the kernel already copied is removed" \
    fails_with "more than the limit of 1024 MiB"

build bigcfg ""
head -c 1100000 /dev/zero | tr '\0' '#' >"$scratch/bigcfg/boot/grub/grub.cfg"
mkfs_dir "$scratch/bigcfg" "$scratch/bigcfg.img" 16M
run_pygrub "$scratch/bigcfg.img"
ok "configuration over 1 MiB: refused" fails_with "/boot/grub/grub.cfg: larger than 1048576 bytes"

build nokernel 'menuentry Debian { linux /boot/vmlinuz-7.0 }'
mkfs_dir "$scratch/nokernel" "$scratch/nokernel.img" 16M
run_pygrub "$scratch/nokernel.img"
ok "entry naming a missing kernel: fails" fails_with "kernel /boot/vmlinuz-7.0: No such file or directory"

mkdir -p "$scratch/nocfg/etc"
mkfs_dir "$scratch/nocfg" "$scratch/nocfg.img" 16M
run_pygrub "$scratch/nocfg.img"
ok "no boot configuration: says so" fails_with "whole disk: no boot configuration"

if $have_sfdisk; then
    truncate -s 8M "$scratch/beyond.img"
    printf 'label: dos\nstart=2048, size=8192, type=83\n' | sfdisk -q --no-tell-kernel "$scratch/beyond.img" >/dev/null 2>&1 ||
        printf 'label: dos\nstart=2048, size=8192, type=83\n' | sfdisk -q "$scratch/beyond.img" >/dev/null 2>&1
    truncate -s 2M "$scratch/beyond.img" # the partition now runs past the end
    run_pygrub "$scratch/beyond.img"
    ok "MBR partition beyond the disk's end: no usable partition" \
        fails_with "MBR partition table with no usable partition"

    partitioned gpt "$scratch/gpt.img" "$scratch/sb.img"
    printf 'XXXX' | dd of="$scratch/gpt.img" bs=1 seek=$((512 + 16)) conv=notrunc status=none
    run_pygrub "$scratch/gpt.img"
    ok "GPT with a bad primary header: the backup header is used" test "$rc" = 0
    size=$(stat -c %s "$scratch/gpt.img")
    printf 'XXXX' | dd of="$scratch/gpt.img" bs=1 seek=$((size - 512 + 16)) conv=notrunc status=none
    run_pygrub "$scratch/gpt.img"
    ok "GPT with both headers corrupt: bad partition table" \
        fails_with "$scratch/gpt.img: bad partition table: GPT: GPT header checksum mismatch"

    # An extended partition whose EBR links to itself.
    truncate -s 40M "$scratch/ebr.img"
    printf 'label: dos\nstart=2048, size=8192, type=83\nstart=20480, size=61440, type=5\nstart=22528, size=40960, type=83\n' |
        sfdisk -q "$scratch/ebr.img" >/dev/null 2>&1
    dd if="$scratch/sb.img" of="$scratch/ebr.img" bs=512 seek=22528 conv=notrunc status=none
    run_pygrub --output-format=simple "$scratch/ebr.img"
    ok "control: a logical partition (5) boots" \
        test "$rc" = 0 -a -n "$(grep 'from partition 5' "$scratch/err")"
    # the EBR's link entry (at 462) gets relative start 0: itself
    printf '\005\0\0\0\0\0\0\0\001\0\0\0' |
        dd of="$scratch/ebr.img" bs=1 seek=$((20480 * 512 + 462 + 4)) conv=notrunc status=none
    run_pygrub "$scratch/ebr.img"
    ok "EBR chain linking to itself: bad partition table" \
        fails_with "bad partition table: MBR: logical partition chain loops"
else
    for n in 1 2 3 4 5; do
        tap_n=$((tap_n + 1))
        echo "ok $tap_n # SKIP partition tables: sfdisk (util-linux fdisk) not installed"
    done
fi

run_pygrub "$scratch/does-not-exist.img"
ok "missing disk image: fails naming it" fails_with "does-not-exist.img: cannot open the disk image"

run_pygrub --output-format=xml "$scratch/sb.img"
ok "unknown output format: usage error (exit 2)" test "$rc" = 2

done_testing
