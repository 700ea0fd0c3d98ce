#!/bin/sh
# bench_disk.sh: PV disk throughput.  Debian's Linux (PVH, 1 vCPU) reads
# and then writes all of a SIZE_MIB raw image through its own blkfront
# and xenhv's block backend, in 1 MiB direct I/O timed inside the guest
# (tests/linux/init.c, xenhv.disk=2); the baseline, in the same run, is
# the host doing the same to the same file with dd (1 MiB, direct I/O).
# Prints MiB/s for both and their ratio.  Needs the kernel and its
# xen-blkfront.ko (scripts/setup assets), cpio and a static libc.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
XL=$top/xl/xl
LINUX=${XENHV_LINUX_KERNEL:-${XDG_CACHE_HOME:-$HOME/.cache}/xenhv/linux/vmlinuz}
BLKFRONT=$(dirname "$LINUX")/xen-blkfront.ko
SIZE_MIB=${SIZE_MIB:-64}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-disk.XXXXXX")
export XENHV_RUNDIR=$tmp/run
trap 'kill $(cat "$XENHV_RUNDIR/xenhv.pid" 2>/dev/null) 2>/dev/null; rm -rf "$tmp"' EXIT
[ -f "$LINUX" ] && [ -f "$BLKFRONT" ] || {
    echo "bench_disk: skipped: no kernel or xen-blkfront.ko beside $LINUX (scripts/setup assets)"
    exit 0
}

mkdir -p "$tmp/rd" &&
    gcc -static -O2 -o "$tmp/rd/init" "$top/tests/linux/init.c" &&
    cp "$BLKFRONT" "$tmp/rd/" &&
    (cd "$tmp/rd" && find . -mindepth 1 | cpio -o -H newc --quiet | gzip > "$tmp/initrd.gz") ||
    exit 1
head -c $((SIZE_MIB << 20)) /dev/urandom > "$tmp/disk.img"
cat > "$tmp/disk.cfg" << EOF_CFG
name = "bench-disk"
type = "pvh"
kernel = "$LINUX"
ramdisk = "$tmp/initrd.gz"
cmdline = "console=hvc0 xenhv.disk=2"
memory = 256
vcpus = 1
disk = [ "$tmp/disk.img,raw,xvda,rw" ]
on_poweroff = "destroy"
EOF_CFG
"$XL" create -F "$tmp/disk.cfg" > /dev/null 2>&1
line=$(grep -a "xenhv-init: disk bench:" "$XENHV_RUNDIR/console/guest-bench-disk.log" | tr -d "\r")
[ -n "$line" ] || {
    echo "bench_disk: the guest did not report"
    tail -5 "$XENHV_RUNDIR/console/guest-bench-disk.log"
    exit 1
}
set -- $line
mib=$4 read_ms=$8 write_ms=${12}

# The host, same file, same I/O size, direct.
t0=$(date +%s%N)
dd if="$tmp/disk.img" of=/dev/null bs=1M count="$mib" iflag=direct 2> /dev/null
t1=$(date +%s%N)
dd if=/dev/zero of="$tmp/disk.img" bs=1M count="$mib" oflag=direct conv=notrunc,fdatasync 2> /dev/null
t2=$(date +%s%N)
host_read_ms=$(((t1 - t0) / 1000000)) host_write_ms=$(((t2 - t1) / 1000000))

rate() { awk -v m="$1" -v ms="$2" 'BEGIN { printf "%.1f", (ms > 0 ? m * 1000 / ms : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }'; }
printf '%-34s %10s %10s %7s\n' "1 MiB direct I/O, $mib MiB" "guest" "host" "ratio"
printf '%-34s %8s/s %8s/s %7s\n' "read (MiB)" "$(rate "$mib" "$read_ms")" \
    "$(rate "$mib" "$host_read_ms")" "$(ratio "$read_ms" "$host_read_ms")"
printf '%-34s %8s/s %8s/s %7s\n' "write + fdatasync (MiB)" "$(rate "$mib" "$write_ms")" \
    "$(rate "$mib" "$host_write_ms")" "$(ratio "$write_ms" "$host_write_ms")"
