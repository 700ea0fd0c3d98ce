#!/bin/sh
# guest_kernels.sh: the guest kernels of tests/guests and examples/guests
# are built for their environments with the Xen ELF notes each boot needs,
# and those that do not need Xen run under QEMU TCG as PVH kernels
# (qemu-system-x86_64 -M microvm -kernel) and print exactly their expected
# output.  The QEMU part is skipped when QEMU is not installed.
. "$top_srcdir/tests/integration/lib.sh"

gsrc=$top_srcdir/tests/guests
gbld=$top_builddir/tests/guests
meta() { sed -n "s/^# $2: //p" "$gsrc/$1.expected" | head -1; }

# 1. Every guest is built for every environment its expected file names.
for exp in "$gsrc"/*.expected; do
    base=$(basename "$exp" .expected)
    case $base in *.*) continue ;; esac
    missing=
    for env in $(meta "$base" envs); do
        [ -s "$gbld/$env/$base.elf" ] || missing="$missing $env"
    done
    [ -z "$missing" ]
    check "guest $base built for $(meta "$base" envs)${missing:+ (missing:$missing)}"
done
ok "example guest hello built for pv64 pvh hvm32 hvm64" sh -c '
    for e in pv64 pvh hvm32 hvm64; do
        [ -s "$1/examples/guests/hello/$e/hello.elf" ] || exit 1
    done' sh "$top_builddir"

# 2. The notes each boot needs.  readelf prints note types it does not
# know as "Unknown note type: (0x000000NN)".
notes() { readelf -n "$1" 2>/dev/null | sed -n 's/.*note type: (0x000000\([0-9a-f]*\)).*/\1/p' | tr '\n' ' '; }
if command -v readelf >/dev/null 2>&1; then
    n=$(notes "$gbld/pvh/compute.elf")
    case " $n " in *" 12 "*) true ;; *) false ;; esac
    check "pvh kernel has XEN_ELFNOTE_PHYS32_ENTRY"
    n=$(readelf -n "$gbld/pv64/compute.elf" | grep -c '^ *Xen ')
    [ "$n" -ge 8 ]
    check "pv64 kernel has its Xen notes ($n)"
    n=$(notes "$gbld/hvm64/compute.elf")
    case " $n " in *" 12 "*) false ;; *) true ;; esac
    check "hvm64 firmware has no PVH entry note"
    readelf -h "$gbld/hvm32/compute.elf" | grep -q 'ELF32'
    check "hvm32 firmware is a 32-bit ELF"
else
    for t in 1 2 3 4; do tap_n=$((tap_n + 1)); echo "ok $tap_n - ELF notes # SKIP readelf not installed"; done
fi

# 3. Under QEMU (PVH boot, no Xen).
QEMU=$(command -v qemu-system-x86_64 || true)
run_qemu() { # ELF MEMORY CMDLINE RAMDISK
    timeout 60 "$QEMU" -accel tcg -M microvm -m "$2" -nodefaults -nographic -no-reboot \
        -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=1 -kernel "$1" \
        ${3:+-append "$3"} ${4:+-initrd "$4"} </dev/null 2>/dev/null |
        grep -v '^guest: not running on Xen'
}
for exp in "$gsrc"/*.expected; do
    base=$(basename "$exp" .expected)
    case $base in *.*) continue ;; esac
    [ "$(meta "$base" needs-xen)" = no ] || continue
    case " $(meta "$base" envs) " in *" pvh "*) ;; *) continue ;; esac
    if [ -z "$QEMU" ]; then
        tap_n=$((tap_n + 1)); echo "ok $tap_n - $base under QEMU # SKIP qemu-system-x86_64 not installed"
        continue
    fi
    rd=$(meta "$base" ramdisk)
    run_qemu "$gbld/pvh/$base.elf" "$(meta "$base" memory)M" "$(meta "$base" cmdline)" \
        "${rd:+$gsrc/$rd}" >"$scratch/$base.out"
    grep -v '^# ' "$exp" >"$scratch/$base.want"
    cmp -s "$scratch/$base.want" "$scratch/$base.out" ||
        diff "$scratch/$base.want" "$scratch/$base.out" | sed 's/^/# /' | head -20
    cmp -s "$scratch/$base.want" "$scratch/$base.out"
    check "$base under QEMU prints its expected output"
done
if [ -n "$QEMU" ]; then
    run_qemu "$gbld/pvh/xenstore.elf" 64M >"$scratch/noxen.out"
    grep -qx 'RESULT: FAIL xenstore: not running on Xen' "$scratch/noxen.out"
    check "a guest that needs Xen fails cleanly without it"
    run_qemu "$top_builddir/examples/guests/hello/pvh/hello.elf" 64M "greeting=hi" \
        "$gsrc/modules.txt" >"$scratch/hello.out"
    grep -qx 'hello: Xen guest example running as PVH, 64-bit' "$scratch/hello.out" &&
        grep -qx 'hello: command line: "greeting=hi"' "$scratch/hello.out" &&
        grep -q '^hello: module 0 (ramdisk): 12288 bytes, first bytes: 58 45 4e 48' "$scratch/hello.out"
    check "hello prints its banner (environment, cmdline, ramdisk)"
else
    for t in 1 2; do tap_n=$((tap_n + 1)); echo "ok $tap_n - hello/no-Xen under QEMU # SKIP qemu-system-x86_64 not installed"; done
fi
done_testing
