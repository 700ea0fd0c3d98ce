#!/bin/sh
# bootloader_images.sh: xenhv-pygrub on ext4 disk images built without
# root: GRUB 2, GRUB legacy and extlinux configurations, whole-disk and in
# MBR and GPT partitions (a separate /boot partition too); pygrub's output
# formats and options; the copied kernel and ramdisk are the guest's files.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/bootloader_lib.sh"

# --- GRUB 2 on a whole-disk filesystem -------------------------------------
g2=$scratch/g2
make_tree "$g2" boot
ln -s boot/vmlinuz-6.1 "$g2/vmlinuz"
mkdir -p "$g2/boot/grub"
cat >"$g2/boot/grub/grub.cfg" <<'CFG'
set default="0"
if [ "${next_entry}" ] ; then
   set default="${next_entry}"
fi
function load_video {
  insmod all_video
}
set kver=6.1
menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple' {
	load_video
	search --no-floppy --fs-uuid --set=root 0000
	linux	/boot/vmlinuz-${kver} root=/dev/xvda1 ro quiet
	initrd	/boot/initrd.img-$kver
}
submenu 'Advanced options' {
	menuentry 'Debian, with Linux 5.10' --id old {
		linux /boot/vmlinuz-5.10 root=/dev/xvda1 ro single
	}
}
menuentry 'Through a symlink' {
	linux /vmlinuz root=/dev/xvda1
}
CFG
mkfs_dir "$g2" "$scratch/g2.img" 16M

run_pygrub --output-format=simple -q "$scratch/g2.img"
ok "grub.cfg: exits 0" test "$rc" = 0
ok "grub.cfg: kernel copied is the guest's default kernel" cmp "$(field kernel)" "$g2/boot/vmlinuz-6.1"
ok "grub.cfg: ramdisk copied is the guest's initrd" cmp "$(field ramdisk)" "$g2/boot/initrd.img-6.1"
ok "grub.cfg: args are the entry's command line" test "$(field args)" = "root=/dev/xvda1 ro quiet"
ok "grub.cfg: the copies are in a private 0700 directory under --output-directory" \
    test "$(stat -c %a "$(dirname "$(field kernel)")")" = 700 -a \
    "$(dirname "$(dirname "$(field kernel)")")" = "$outdir"
ok "simple format ends with an empty line" test "$(tail -c 2 "$scratch/out" | od -An -c | tr -d ' ')" = '\n\n'
ok "-q: nothing on stderr" test ! -s "$scratch/err"

run_pygrub --output-format=sxp "$scratch/g2.img"
k=$(sed -n 's/^linux (kernel \([^)]*\)).*/\1/p' "$scratch/out")
ok "sxp format: linux (kernel K)(ramdisk R)(args \"A\")" \
    grep -qxE 'linux \(kernel [^)]+/kernel\)\(ramdisk [^)]+/ramdisk\)\(args "root=/dev/xvda1 ro quiet"\)' "$scratch/out"
ok "sxp format: the kernel named exists" cmp "$k" "$g2/boot/vmlinuz-6.1"
ok "without -q the chosen entry is named on stderr" grep -q 'booting "Debian GNU/Linux"' "$scratch/err"

run_pygrub --output="$scratch/result" --output-format=simple0 "$scratch/g2.img"
ok "--output: stdout stays empty" test "$rc" = 0 -a ! -s "$scratch/out"
ok "simple0 format: NUL-terminated items and an empty one last, as libxl reads" \
    test "$(tr '\0' '|' <"$scratch/result" | sed 's|/[^ |]*/kernel|K|; s|/[^ |]*/ramdisk|R|')" = \
    "kernel K|ramdisk R|args root=/dev/xvda1 ro quiet||"

run_pygrub --output-format=simple --entry=1 "$scratch/g2.img"
ok "--entry=1: the first entry of the submenu (flat index)" cmp "$(field kernel)" "$g2/boot/vmlinuz-5.10"
ok "--entry=1: its args, and no ramdisk line" test "$(field args)" = "root=/dev/xvda1 ro single" -a -z "$(field ramdisk)"
ok "--entry=1: no ramdisk file left beside the kernel" test "$(ls "$(dirname "$(field kernel)")")" = kernel

run_pygrub --output-format=simple "--entry=Through a symlink" "$scratch/g2.img"
ok "--entry=TITLE; a symlinked kernel is followed" cmp "$(field kernel)" "$g2/boot/vmlinuz-6.1"

run_pygrub --output-format=simple --entry=nosuch "$scratch/g2.img"
ok "--entry naming nothing: warns and boots the default" \
    test "$rc" = 0 -a "$(field args)" = "root=/dev/xvda1 ro quiet" -a -n "$(grep 'no entry "nosuch"' "$scratch/err")"

run_pygrub --output-format=simple --args=console=hvc0 --extra_args=debug "$scratch/g2.img"
ok "--args and --extra_args are appended to the entry's" \
    test "$(field args)" = "root=/dev/xvda1 ro quiet console=hvc0 debug"

run_pygrub --output-format=simple --kernel=/boot/vmlinuz-5.10 --ramdisk=/boot/initrd.img-6.1 \
    --default_args=root=/dev/xvdb "$scratch/g2.img"
ok "--kernel/--ramdisk boot those files, args from --default_args" \
    test "$rc" = 0 -a "$(field args)" = "root=/dev/xvdb"
ok "--kernel: that kernel is copied" cmp "$(field kernel)" "$g2/boot/vmlinuz-5.10"
ok "--ramdisk: that ramdisk is copied" cmp "$(field ramdisk)" "$g2/boot/initrd.img-6.1"

run_pygrub --output-format=simple --not-really "$scratch/g2.img"
ok "--not-really: names the guest's files and copies nothing" \
    test "$(field kernel)" = "<kernel:/boot/vmlinuz-6.1>" -a \
    "$(field ramdisk)" = "<ramdisk:/boot/initrd.img-6.1>" -a -z "$(ls -A "$outdir")"

run_pygrub -l "$scratch/g2.img"
ok "-l lists every entry and copies nothing" \
    test "$rc" = 0 -a "$(grep -c '^title:' "$scratch/out")" = 3 -a -z "$(ls -A "$outdir")"

run_pygrub --isconfig "$g2/boot/grub/grub.cfg"
ok "--isconfig reads a configuration on the host" grep -qx '  kernel: /boot/vmlinuz-6.1' "$scratch/out"

if [ "$(id -u)" = 0 ]; then
    chmod 700 "$scratch/g2.img"
    run_pygrub --output-format=simple --runas=65534 "$scratch/g2.img"
    ok "--runas: a root-only disk image and output directory still work" \
        test "$rc" = 0 -a "$(stat -c %a "$outdir")" = 700
    ok "--runas: the kernel copied is the guest's" cmp "$(field kernel)" "$g2/boot/vmlinuz-6.1"
    run_pygrub --output-format=simple --runas=65534 --kernel=/nonexistent "$scratch/g2.img"
    ok "--runas: a failure leaves nothing behind" fails_with "--kernel /nonexistent"
else
    for n in 1 2 3; do
        tap_n=$((tap_n + 1))
        echo "ok $tap_n # SKIP --runas needs root"
    done
fi

# --- GRUB legacy menu.lst ---------------------------------------------------
lg=$scratch/lg
make_tree "$lg" boot
mkdir -p "$lg/boot/grub"
cat >"$lg/boot/grub/menu.lst" <<'CFG'
default 1
timeout 5
title Debian 5.10
	root (hd0,0)
	kernel /boot/vmlinuz-5.10 root=/dev/xvda1 ro
title Debian 6.1
	root (hd0,0)
	kernel (hd0,0)/boot/vmlinuz-6.1 root=/dev/xvda1 ro console=hvc0
	initrd /boot/initrd.img-6.1
CFG
mkfs_dir "$lg" "$scratch/lg.img" 16M
run_pygrub --output-format=simple "$scratch/lg.img"
ok "menu.lst: default 1 boots the second title" cmp "$(field kernel)" "$lg/boot/vmlinuz-6.1"
ok "menu.lst: its initrd and args" \
    test "$(field args)" = "root=/dev/xvda1 ro console=hvc0" -a -n "$(field ramdisk)"

# --- extlinux.conf ------------------------------------------------------------
ex=$scratch/ex
make_tree "$ex" boot
mkdir -p "$ex/boot/extlinux"
cat >"$ex/boot/extlinux/extlinux.conf" <<'CFG'
DEFAULT linux
TIMEOUT 50
LABEL old
  KERNEL ../vmlinuz-5.10
LABEL linux
  MENU LABEL Debian 6.1
  LINUX ../vmlinuz-6.1
  APPEND root=/dev/xvda1 initrd=../initrd.img-6.1 ro
CFG
mkfs_dir "$ex" "$scratch/ex.img" 16M
run_pygrub --output-format=simple "$scratch/ex.img"
ok "extlinux.conf: DEFAULT label, paths relative to the config's directory" \
    cmp "$(field kernel)" "$ex/boot/vmlinuz-6.1"
ok "extlinux.conf: initrd= from APPEND is the ramdisk" cmp "$(field ramdisk)" "$ex/boot/initrd.img-6.1"
ok "extlinux.conf: args without initrd=" test "$(field args)" = "root=/dev/xvda1 ro"

# --- several initrds: loaded one after the other, as GRUB does ----------------
mi=$scratch/mi
make_tree "$mi" boot
printf 'MICROCODE\n' >"$mi/boot/ucode.img"
mkdir -p "$mi/boot/grub"
printf 'menuentry arch {\n linux /boot/vmlinuz-6.1 rw\n initrd /boot/ucode.img /boot/initrd.img-6.1\n}\n' \
    >"$mi/boot/grub/grub.cfg"
mkfs_dir "$mi" "$scratch/mi.img" 16M
run_pygrub --output-format=simple "$scratch/mi.img"
cat "$mi/boot/ucode.img" "$mi/boot/initrd.img-6.1" >"$scratch/mi.expected"
ok "initrd with two files: the ramdisk is both, concatenated in order" \
    cmp "$(field ramdisk)" "$scratch/mi.expected"

# --- partitioned disks: a separate /boot partition ------------------------------
bt=$scratch/bt
make_tree "$bt" ""
mkdir -p "$bt/grub"
cat >"$bt/grub/grub.cfg" <<'CFG'
menuentry 'Debian' {
	linux /boot/vmlinuz-6.1 root=/dev/xvda2
	initrd /initrd.img-6.1
}
CFG
mkfs_dir "$bt" "$scratch/bt.img" 20M
for label in dos gpt; do
    if $have_sfdisk && partitioned $label "$scratch/disk-$label.img" "$scratch/bt.img"; then
        run_pygrub --output-format=simple "$scratch/disk-$label.img"
        ok "$label disk: the filesystem in partition 2 boots" test "$rc" = 0
        ok "$label disk: /boot/vmlinuz found on the /boot partition as /vmlinuz" \
            cmp "$(field kernel)" "$bt/vmlinuz-6.1"
        ok "$label disk: ramdisk" cmp "$(field ramdisk)" "$bt/initrd.img-6.1"
        ok "$label disk: partition named on stderr" grep -q 'from partition 2' "$scratch/err"
    else
        for n in 1 2 3 4; do
            tap_n=$((tap_n + 1))
            echo "ok $tap_n # SKIP $label disk: sfdisk (util-linux fdisk) not installed"
        done
    fi
done

if [ -f "$scratch/disk-dos.img" ]; then
    run_pygrub --output-format=simple --offset=$((20480 * 512)) "$scratch/disk-dos.img"
    ok "--offset: the filesystem at that byte offset" test "$rc" = 0 -a -n "$(field kernel)"
fi

done_testing
