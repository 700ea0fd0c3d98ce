# bootloader_lib.sh: helpers for the xenhv-pygrub integration tests: build
# ext4 filesystem images from directory trees without root (mke2fs -d),
# place them in MBR or GPT partitioned disk images (sfdisk), run the
# bootloader, and read its output.  Source after lib.sh.
PYGRUB=$top_builddir/bootloader/xenhv-pygrub
command -v mke2fs >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
have_sfdisk=false
command -v sfdisk >/dev/null 2>&1 && have_sfdisk=true

# A guest's files: kernel and initrd with recognisable contents.
# make_tree DIR PREFIX: DIR/PREFIX/vmlinuz-6.1 and initrd.img-6.1 (PREFIX may be "").
make_tree() {
    mkdir -p "$1/$2"
    printf 'KERNEL 6.1 %s\n' "$1" >"$1/$2/vmlinuz-6.1"
    head -c 300000 /dev/urandom >>"$1/$2/vmlinuz-6.1"
    printf 'INITRD 6.1 %s\n' "$1" >"$1/$2/initrd.img-6.1"
    printf 'OLD KERNEL\n' >"$1/$2/vmlinuz-5.10"
}

# mkfs_dir DIR IMAGE SIZE: an ext4 image of DIR's tree.
mkfs_dir() {
    mke2fs -q -F -t ext4 -d "$1" "$2" "$3" >/dev/null 2>&1
}

# partitioned LABEL DISK FSIMAGE: a 40 MiB disk with a 4 MiB partition of
# junk first and FSIMAGE in the second partition at 10 MiB (marked
# bootable on MBR, so tried first; on GPT the junk is tried first).
partitioned() {
    rm -f "$2"
    truncate -s 40M "$2"
    if [ "$1" = gpt ]; then
        printf 'label: gpt\nstart=2048, size=8192, type=21686148-6449-6E6F-744E-656564454649\nstart=20480, size=40960, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n'
    else
        printf 'label: dos\nstart=2048, size=8192, type=82\nstart=20480, size=40960, type=83, bootable\n'
    fi | sfdisk -q "$2" >/dev/null 2>&1 || return 1
    head -c 4194304 /dev/urandom | dd of="$2" bs=512 seek=2048 conv=notrunc status=none
    dd if="$3" of="$2" bs=512 seek=20480 conv=notrunc status=none
}

# run_pygrub ARGS...: runs the bootloader with a fresh output directory
# ($outdir); stdout in $scratch/out, stderr in $scratch/err, status in $rc.
run_pygrub() {
    outdir=$(mktemp -d "$scratch/outdir.XXXXXX")
    "$PYGRUB" --output-directory="$outdir" "$@" >"$scratch/out" 2>"$scratch/err"
    rc=$?
}

# field NAME: the value of "NAME value" in a simple-format output.
field() {
    sed -n "s/^$1 //p" "$scratch/out"
}

# no_temporaries: the output directory is empty.
no_temporaries() {
    [ -z "$(ls -A "$outdir")" ]
}

# fails_with TEXT: the last run failed, said TEXT on stderr, left nothing.
fails_with() {
    [ "$rc" != 0 ] && grep -qF -- "$1" "$scratch/err" && no_temporaries
}
