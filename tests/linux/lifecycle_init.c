/*
 * tests/linux/lifecycle_init.c: the static /init (and /sbin/poweroff, /sbin/reboot) of
 * the Linux lifecycle test.  As init (pid 1) it prints a banner, measures
 * its clocks (20 sleeps of 50 ms, CLOCK_MONOTONIC against CLOCK_REALTIME),
 * runs a small SMP workload (two threads pinned to two CPUs: spinning with
 * sched_yield, a futex ping-pong), then stays alive as an init does: it
 * reaps children, onlines CPUs made available again (as udev would),
 * prints a tick with its clock readings, MemTotal and online CPU count
 * every second, and answers the signals the kernel's orderly shutdown
 * paths send to init: SIGTERM (what /sbin/reboot sends, run by
 * orderly_reboot() on a Xen reboot request in Linux 6.1's
 * drivers/xen/manage.c) or SIGINT (ctrl_alt_del() with Ctrl-Alt-Del
 * disabled) reboots; SIGUSR2 (what /sbin/poweroff sends, run by
 * orderly_poweroff() on a Xen poweroff request) powers off.  Run as
 * "poweroff" or "reboot" it is that /sbin/poweroff or /sbin/reboot
 * (busybox's conventions).  Every line starts with "xenhv-init:" (or
 * "xenhv-poweroff:", "xenhv-reboot:") so a test can find it on hvc0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init_cpus.h"

#define SPIN_ROUNDS     200000
#define PINGPONG_ROUNDS 2000

static long long ns_of(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* MemTotal from /proc/meminfo, kB (the balloon driver lowers it). */
static long mem_total_kb(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    long kb = -1;

    if (!f)
        return -1;
    while (kb < 0 && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %ld kB", &kb) != 1)
            kb = -1;
    fclose(f);
    return kb;
}

/*
 * What udev's CPU rule does on a Xen guest: a vCPU the toolstack makes
 * available again (xl vcpu-set, cpu/N/availability) comes back present
 * but offline; write 1 to its online file.
 */
static void online_new_cpus(void)
{
    char path[64], c;

    for (int cpu = 1; cpu < 64; cpu++) {
        snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
        int fd = open(path, O_RDWR);
        if (fd < 0)
            continue;
        if (read(fd, &c, 1) == 1 && c == '0') {
            int ok = pwrite(fd, "1", 1, 0) == 1;
            dprintf(1, "xenhv-init: cpu %d %s\n", cpu,
                    ok ? "brought online" : "could not be brought online");
        }
        close(fd);
    }
}

static void print_clocks(const char *what)
{
    long long mono = ns_of(CLOCK_MONOTONIC), real = ns_of(CLOCK_REALTIME);

    dprintf(1, "xenhv-init: %s mono=%lld.%09lld real=%lld.%09lld mem=%ldkB cpus=%ld\n", what,
            mono / 1000000000, mono % 1000000000, real / 1000000000, real % 1000000000,
            mem_total_kb(), sysconf(_SC_NPROCESSORS_ONLN));
}

/* 20 sleeps of 50 ms: about 1 s on both clocks if timers fire on time. */
static void clock_check(void)
{
    long long m0, r0, m1, r1;
    struct timespec fifty = {0, 50000000};

    print_clocks("clock start");
    m0 = ns_of(CLOCK_MONOTONIC);
    r0 = ns_of(CLOCK_REALTIME);
    for (int i = 0; i < 20; i++)
        nanosleep(&fifty, NULL);
    m1 = ns_of(CLOCK_MONOTONIC);
    r1 = ns_of(CLOCK_REALTIME);
    dprintf(1, "xenhv-init: 20 sleeps of 50 ms: monotonic %lld ms, realtime %lld ms\n",
            (m1 - m0) / 1000000, (r1 - r0) / 1000000);
    print_clocks("clock end");
}

/* The SMP workload: two threads, each pinned to its own CPU if there are two. */
static atomic_long spin_total;
static atomic_int turn;
static long pingpong_done[2];

static long futex(atomic_int *addr, int op, int val)
{
    return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void *worker(void *arg)
{
    long me = (long)arg;
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(me % (ncpus > 0 ? ncpus : 1), &set);
    sched_setaffinity(0, sizeof(set), &set);
    for (long i = 0; i < SPIN_ROUNDS; i++) {
        atomic_fetch_add(&spin_total, 1);
        if (i % 1000 == 0)
            sched_yield();
    }
    /* Ping-pong: thread me runs when turn == me, then hands over. */
    for (long i = 0; i < PINGPONG_ROUNDS; i++) {
        int t;
        while ((t = atomic_load(&turn)) != me)
            futex(&turn, FUTEX_WAIT_PRIVATE, t);
        pingpong_done[me]++;
        atomic_store(&turn, !me);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1);
    }
    dprintf(1, "xenhv-init: smp: thread %ld finished on cpu %d\n", me, sched_getcpu());
    return NULL;
}

static void smp_check(void)
{
    pthread_t t[2];
    long long m0 = ns_of(CLOCK_MONOTONIC);
    int ok;

    for (long i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i)) {
            dprintf(1, "xenhv-init: smp: pthread_create failed\n");
            return;
        }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    ok = atomic_load(&spin_total) == 2L * SPIN_ROUNDS && pingpong_done[0] == PINGPONG_ROUNDS &&
         pingpong_done[1] == PINGPONG_ROUNDS;
    dprintf(1, "xenhv-init: smp: spin total %ld, ping-pong %ld+%ld in %lld ms: %s\n",
            (long)atomic_load(&spin_total), pingpong_done[0], pingpong_done[1],
            (ns_of(CLOCK_MONOTONIC) - m0) / 1000000, ok ? "correct" : "WRONG");
}

/* /sbin/poweroff and /sbin/reboot: ask init, as busybox's do. */
static int halt_main(const char *name)
{
    int reboot = !strcmp(name, "reboot");

    dprintf(2, "xenhv-%s: asking init to %s\n", name, reboot ? "reboot" : "power off");
    return kill(1, reboot ? SIGTERM : SIGUSR2) ? 1 : 0;
}

static void open_console(void)
{
    if (fcntl(1, F_GETFD) >= 0)
        return;
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/console", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
    }
}

int main(int argc, char **argv)
{
    const char *base = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
    sigset_t wait_for;
    long tick = 0;

    base = base ? base + 1 : (argc > 0 && argv[0] ? argv[0] : "");
    if (getpid() != 1)
        return halt_main(strcmp(base, "reboot") ? "poweroff" : "reboot");

    open_console();
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);

    /* Ctrl-Alt-Del (and Xen's reboot request) become SIGINT to init. */
    reboot(RB_DISABLE_CAD);
    sigemptyset(&wait_for);
    sigaddset(&wait_for, SIGINT);
    sigaddset(&wait_for, SIGTERM);
    sigaddset(&wait_for, SIGUSR1);
    sigaddset(&wait_for, SIGUSR2);
    sigaddset(&wait_for, SIGCHLD);
    sigprocmask(SIG_BLOCK, &wait_for, NULL);

    dprintf(1, "xenhv-init: hello from userspace (pid %ld)\n", (long)getpid());
    dprintf(1, "xenhv-init: lifecycle mode, cpus: %ld\n", count_cpus());
    clock_check();
    smp_check();
    dprintf(1, "xenhv-init: ready\n");

    for (;;) {
        struct timespec one = {1, 0};
        siginfo_t info;
        int sig = sigtimedwait(&wait_for, &info, &one);
        char what[32];

        if (sig < 0) {
            online_new_cpus();
            snprintf(what, sizeof(what), "tick %ld", ++tick);
            print_clocks(what);
            continue;
        }
        if (sig == SIGCHLD) {
            while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
            continue;
        }
        if (sig == SIGINT || sig == SIGTERM) {
            dprintf(1, "xenhv-init: signal %d: rebooting\n", sig);
            sync();
            reboot(RB_AUTOBOOT);
        } else {
            dprintf(1, "xenhv-init: signal %d: powering off\n", sig);
            sync();
            reboot(RB_POWER_OFF);
        }
        dprintf(1, "xenhv-init: reboot() failed: %s\n", strerror(errno));
    }
}
