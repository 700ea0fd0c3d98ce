/*
 * tests/linux/init.c: the whole userspace of the Linux boot test, a static
 * /init for a tiny initramfs.  It prints a banner, what the kernel says it
 * runs on (uname, the CPU model from /proc/cpuinfo), how many CPUs it sees,
 * then powers the machine off.  With xenhv.watchdog=N on the kernel's
 * command line it instead loads /watchdog.ko and /xen_wdt.ko (the
 * watchdog core and Linux's Xen watchdog driver, timeout N seconds), pets /dev/watchdog for 2N
 * seconds and then hangs, for the hypervisor's watchdog to end it.  Every line starts with
 * "xenhv-init:" so a test can find it in the console log.
 */
#define _GNU_SOURCE /* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "init_cpus.h"

/* The first line of /proc/cpuinfo that starts with key, value only. */
static int cpuinfo_value(const char *key, char *out, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    int found = 0;

    if (!f)
        return 0;
    while (!found && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, key, strlen(key)) || !colon)
            continue;
        colon += 1 + (colon[1] == ' ');
        colon[strcspn(colon, "\n")] = 0;
        snprintf(out, size, "%s", colon);
        found = 1;
    }
    fclose(f);
    return found;
}

/* The value of xenhv.KEY= on the kernel's command line, 0 without. */
static int cmdline_value(const char *key)
{
    char line[4096];
    const char *opt;
    int fd = open("/proc/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, line, sizeof(line) - 1) : -1;

    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    line[n] = 0;
    opt = strstr(line, key);
    return opt && opt[strlen(key)] == '=' ? atoi(opt + strlen(key) + 1) : 0;
}

/* insmod: the module file at path, with its parameters. */
static int load_module(const char *path, const char *params)
{
    int fd = open(path, O_RDONLY);

    if (fd < 0 || syscall(SYS_finit_module, fd, params, 0)) {
        dprintf(1, "xenhv-init: cannot load %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static void watchdog_hang(int timeout)
{
    const struct timespec half = {0, 500000000};
    char params[32];
    int fd;

    snprintf(params, sizeof(params), "timeout=%d", timeout);
    if (load_module("/watchdog.ko", "") || load_module("/xen_wdt.ko", params))
        return;
    dprintf(1, "xenhv-init: xen_wdt loaded (%s)\n", params);
    fd = open("/dev/watchdog", O_WRONLY);
    if (fd < 0) {
        dprintf(1, "xenhv-init: /dev/watchdog: %s\n", strerror(errno));
        return;
    }
    for (int i = 0; i < 4 * timeout; i++) {
        if (write(fd, "x", 1) != 1) {
            dprintf(1, "xenhv-init: petting /dev/watchdog: %s\n", strerror(errno));
            return;
        }
        nanosleep(&half, NULL);
    }
    dprintf(1, "xenhv-init: watchdog: petted every 0.5 s for %d s\n", 2 * timeout);
    dprintf(1, "xenhv-init: watchdog: hanging\n");
    for (;;)
        pause();
}

static const struct timespec tenth = {0, 100000000};

/* The block device at path once its driver made it (up to seconds s). */
static int open_disk(const char *path, int flags, int seconds)
{
    int fd = -1;

    for (int i = 0; i < 10 * seconds && fd < 0; i++) {
        fd = open(path, flags);
        if (fd < 0 && (errno == ENOENT || errno == ENXIO))
            nanosleep(&tenth, NULL);
        else
            break;
    }
    return fd;
}

/* POSIX cksum(1) of buf: CRC-32 (0x04c11db7, MSB first) over the bytes
 * and then the length, inverted; the host checks with cksum. */
static uint32_t posix_cksum(const unsigned char *buf, size_t n)
{
    uint32_t crc = 0;

    for (size_t i = 0, len = n; i < n || len; i++) {
        unsigned char b;
        if (i < n) {
            b = buf[i];
        } else {
            b = len & 0xff;
            len >>= 8;
        }
        crc ^= (uint32_t)b << 24;
        for (int k = 0; k < 8; k++)
            crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
    return ~crc;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* xenhv.disk=2 (bench/bench_disk.sh): all of xvda read, then written, in
 * 1 MiB direct I/O (no page cache), timed here. */
static void disk_bench(void)
{
    const size_t chunk = 1 << 20;
    unsigned char *buf = aligned_alloc(4096, chunk);
    uint64_t bytes = 0, t0, t1, t2;
    int fd;

    if (!buf)
        return;
    fd = open_disk("/dev/xvda", O_RDWR | O_DIRECT, 10);
    if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes)) {
        dprintf(1, "xenhv-init: xvda: %s\n", strerror(errno));
        return;
    }
    t0 = mono_ms();
    for (uint64_t off = 0; off + chunk <= bytes; off += chunk)
        if (pread(fd, buf, chunk, (off_t)off) != (ssize_t)chunk) {
            dprintf(1, "xenhv-init: xvda: reading: %s\n", strerror(errno));
            return;
        }
    t1 = mono_ms();
    for (uint64_t off = 0; off + chunk <= bytes; off += chunk)
        if (pwrite(fd, buf, chunk, (off_t)off) != (ssize_t)chunk) {
            dprintf(1, "xenhv-init: xvda: writing: %s\n", strerror(errno));
            return;
        }
    fdatasync(fd);
    t2 = mono_ms();
    close(fd);
    dprintf(1, "xenhv-init: disk bench: %llu MiB read in %llu ms, written in %llu ms\n",
            (unsigned long long)(bytes >> 20), (unsigned long long)(t1 - t0),
            (unsigned long long)(t2 - t1));
}

/* xenhv.disk=3 (hot plug): xvdb must appear while this waits (xl
 * block-attach), with its size, then go again (xl block-detach). */
static void disk_hotplug(void)
{
    uint64_t bytes = 0;
    int fd, i;

    dprintf(1, "xenhv-init: waiting for a disk\n");
    fd = open_disk("/dev/xvdb", O_RDONLY, 60);
    if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes)) {
        dprintf(1, "xenhv-init: xvdb: %s\n", strerror(errno));
        return;
    }
    close(fd);
    dprintf(1, "xenhv-init: xvdb plugged: %llu bytes\n", (unsigned long long)bytes);
    for (i = 0; i < 600 && access("/sys/block/xvdb", F_OK) == 0; i++)
        nanosleep(&tenth, NULL);
    dprintf(1, "xenhv-init: xvdb %s\n", i < 600 ? "unplugged" : "still there");
}

static void disk_test(void)
{
    static unsigned char mib[1 << 20];
    const char marker[] = "xenhv-init wrote this through blkfront";
    uint64_t bytes = 0;
    int fd = open_disk("/dev/xvda", O_RDWR, 10);

    if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) ||
        read(fd, mib, sizeof(mib)) != (ssize_t)sizeof(mib)) {
        dprintf(1, "xenhv-init: xvda: %s\n", strerror(errno));
        return;
    }
    dprintf(1, "xenhv-init: xvda: %llu bytes, first MiB cksum %u\n", (unsigned long long)bytes,
            posix_cksum(mib, sizeof(mib)));
    if (pwrite(fd, marker, sizeof(marker), 512 * 1024) != (ssize_t)sizeof(marker) || fsync(fd))
        dprintf(1, "xenhv-init: xvda: writing: %s\n", strerror(errno));
    else
        dprintf(1, "xenhv-init: xvda: marker written and synced\n");
    close(fd);
    /* Opened for writing, but the write itself is refused, by Linux
     * (the backend said read-only) or else by the backend. */
    fd = open_disk("/dev/xvdb", O_RDWR, 10);
    if (fd < 0)
        dprintf(1, "xenhv-init: xvdb: %s\n", strerror(errno));
    else if (pwrite(fd, marker, sizeof(marker), 0) != (ssize_t)sizeof(marker) || fsync(fd))
        dprintf(1, "xenhv-init: xvdb: write refused: %s\n", strerror(errno));
    else
        dprintf(1, "xenhv-init: xvdb: write went through\n");
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    struct utsname u;
    char model[256] = "?";
    int watchdog, disk;

    /* /dev for the console when the kernel gave none, and for
     * /dev/watchdog. */
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    if (fcntl(1, F_GETFD) < 0) {
        int fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
    }
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
        dprintf(1, "xenhv-init: mount /proc: %s\n", strerror(errno));
    mount("sysfs", "/sys", "sysfs", 0, NULL);

    dprintf(1, "xenhv-init: hello from userspace (pid %ld)\n", (long)getpid());
    if (!uname(&u))
        dprintf(1, "xenhv-init: uname: %s %s %s\n", u.sysname, u.release, u.machine);
    if (cpuinfo_value("model name", model, sizeof(model)))
        dprintf(1, "xenhv-init: cpu: %s\n", model);
    dprintf(1, "xenhv-init: cpus: %ld\n", count_cpus());
    watchdog = cmdline_value("xenhv.watchdog");
    if (watchdog > 0)
        watchdog_hang(watchdog); /* returns only when it went wrong */
    disk = cmdline_value("xenhv.disk");
    if (disk > 0 && !load_module("/xen-blkfront.ko", "")) {
        if (disk == 1)
            disk_test();
        else if (disk == 2)
            disk_bench();
        else if (disk == 3)
            disk_hotplug();
    }
    dprintf(1, "xenhv-init: powering off\n");
    sync();
    reboot(RB_POWER_OFF);
    dprintf(1, "xenhv-init: reboot(RB_POWER_OFF) failed: %s\n", strerror(errno));
    for (;;)
        pause();
}
