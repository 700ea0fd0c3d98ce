# linux_lib.sh: what the tests booting Debian 12's own Linux kernel share
# (sourced after lib.sh and xenhv_lib.sh, in $scratch): the kernel, or a
# skip saying how to get it (`scripts/setup assets`; XENHV_LINUX_KERNEL
# names another bzImage); an initramfs around a static /init of
# tests/linux/; the guest's xl.cfg; its console log.
LINUX_KERNEL=${XENHV_LINUX_KERNEL:-${XDG_CACHE_HOME:-$HOME/.cache}/xenhv/linux/vmlinuz}

linux_skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

# linux_initramfs INIT_SOURCE [GCC_FLAGS [LINK...]]: initrd.gz holding
# /init built from tests/linux/INIT_SOURCE, and LINKs (e.g. sbin/poweroff)
# to it, and the files LINUX_RD_FILES names (at its top); skips the whole
# test without the kernel, cpio or static libc.
linux_initramfs() {
    [ -f "$LINUX_KERNEL" ] ||
        linux_skip_all "no Debian kernel at $LINUX_KERNEL: run scripts/setup assets (apt-get download of linux-image-6.1.*-amd64, nothing installed)"
    command -v cpio > /dev/null || linux_skip_all "cpio not installed (apt-get install cpio)"
    src=$1 flags=${2:-}
    [ $# -ge 2 ] && shift 2 || shift $#
    mkdir -p rd/sbin &&
        ${CC:-gcc} -static -O2 $flags -o rd/init "$top_srcdir/tests/linux/$src" 2> init.err ||
        linux_skip_all "cannot link a static init (libc6-dev): $(head -1 init.err)"
    for link in "$@"; do
        ln rd/init "rd/$link" || linux_skip_all "cannot link rd/$link"
    done
    for file in ${LINUX_RD_FILES:-}; do
        cp "$file" rd/ || linux_skip_all "cannot copy $file into the initramfs"
    done
    (cd rd && find . -mindepth 1 | cpio -o -H newc --quiet | gzip -9 > ../initrd.gz) ||
        linux_skip_all "cannot pack the initramfs with cpio"
    echo "# kernel: $(cat "$(dirname "$LINUX_KERNEL")/VERSION" 2> /dev/null || echo "$LINUX_KERNEL")"
}

# linux_cfg NAME TYPE VCPUS [ON_REBOOT]: NAME.cfg, the kernel with the
# initramfs on hvc0 (and LINUX_CMDLINE on its command line), 256 MiB, and
# the lines of LINUX_CFG_EXTRA.
linux_cfg() {
    cat > "$1.cfg" << LINUX_CFG
name = "$1"
type = "$2"
kernel = "$LINUX_KERNEL"
ramdisk = "$scratch/initrd.gz"
cmdline = "console=hvc0${LINUX_CMDLINE:+ $LINUX_CMDLINE}"
memory = 256
vcpus = $3
on_poweroff = "destroy"
on_reboot = "${4:-destroy}"
on_crash = "destroy"
${LINUX_CFG_EXTRA:-}
LINUX_CFG
}

# linux_console NAME: the guest's console log so far.
linux_console() {
    cat "$XENHV_RUNDIR/console/guest-$1.log" 2> /dev/null
}

# linux_last_lines NAME: how far it got, as TAP comments.
linux_last_lines() {
    echo "# $1: last console lines:"
    linux_console "$1" | tail -15 | sed 's/^/#   /'
}

# linux_has NAME TEXT: TEXT is a line (or part of one) of NAME.log.
linux_has() {
    grep -qF -- "$2" "$1.log"
}

# linux_how_far NAME: unless the init of linux_boot NAME powered off, how
# far it got: its last console lines, xl's and the hypervisor's.
linux_how_far() {
    linux_has "$1" "xenhv-init: powering off" && return 0
    linux_last_lines "$1"
    tail -5 "$1.xl" | sed 's/^/#   xl: /'
    "$XLBIN" dmesg 2> /dev/null | tail -10 | sed 's/^/#   dmesg: /'
}

# linux_boot NAME TYPE VCPUS: NAME.cfg run by xl create -F (it returns
# when the domain is gone, or after LINUX_BOOT_TIMEOUT seconds); NAME.xl
# is xl's output, NAME.log the console, NAME.ms the wall-clock time.
linux_boot() {
    linux_cfg "$1" "$2" "$3"
    t0=$(date +%s%N)
    timeout "${LINUX_BOOT_TIMEOUT:-120}" "$XLBIN" create -F "$1.cfg" > "$1.xl" 2>&1
    echo $((($(date +%s%N) - t0) / 1000000)) > "$1.ms"
    "$XLBIN" destroy "$1" > /dev/null 2>&1
    linux_console "$1" > "$1.log"
}

# linux_boot_checks NAME VCPUS: what a user checks of linux_boot NAME with
# the init of tests/linux/init.c: the kernel's banner, /init run, init's
# lines on hvc0 (uname, CPU model, VCPUS CPUs), a poweroff, the domain
# gone; with more than one vCPU, the kernel bringing them all up.  The
# checks are named "vcpus=N: ..." then.  Tells how far it got if it did
# not power off.
linux_boot_checks() {
    n=$1 cpus=$2 p=
    [ "$cpus" = 1 ] || p="vcpus=$cpus: "
    echo "# ${p}boot to poweroff: $(cat "$n.ms") ms (xl create -F, wall clock)"
    ok "${p}console shows the kernel's banner (Linux version 6.1)" linux_has "$n" "Linux version 6.1"
    [ "$cpus" = 1 ] ||
        ok "${p}the kernel brings up every CPU" linux_has "$n" "smp: Brought up 1 node, $cpus CPUs"
    ok "${p}the kernel runs /init from the initramfs" linux_has "$n" "Run /init as init process"
    ok "${p}init prints its banner on hvc0" linux_has "$n" "xenhv-init: hello from userspace (pid 1)"
    ok "${p}init's uname is the kernel's" linux_has "$n" "xenhv-init: uname: Linux 6.1"
    ok "${p}init reads /proc/cpuinfo" linux_has "$n" "xenhv-init: cpu: "
    ok "${p}init sees $cpus CPU(s)" linux_has "$n" "xenhv-init: cpus: $cpus"
    ok "${p}init powers off" linux_has "$n" "xenhv-init: powering off"
    ok "${p}the domain shut down with reason poweroff" grep -q "shut down, reason code 0 " "$n.xl"
    ! "$XLBIN" list "$n" > /dev/null 2>&1
    check "${p}the domain is gone afterwards"
    linux_how_far "$n"
}
