/*
 * bench_xenhv.h: what the xenhv benchmarks share: a private run directory
 * with its own daemon (started by the control layer on first use, from
 * the build tree), stopped at the end, and a clock.
 */
#ifndef BENCH_XENHV_H
#define BENCH_XENHV_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char bench_rundir[64];

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fresh run directory for this benchmark's own daemon. */
static inline int bench_xenhv_setup(void)
{
    snprintf(bench_rundir, sizeof(bench_rundir), "/tmp/xenhv-bench.XXXXXX");
    if (!mkdtemp(bench_rundir))
        return -1;
    setenv("XENHV_RUNDIR", bench_rundir, 1);
    if (!getenv("XENHV"))
        setenv("XENHV", XENHV_BUILD_PATH, 1);
    return 0;
}

/* SIGTERM the daemon, then remove the run directory (the log stays
 * behind in it until then). */
static inline void bench_xenhv_teardown(void)
{
    char path[128];
    FILE *f;
    int pid = 0;

    snprintf(path, sizeof(path), "%s/xenhv.pid", bench_rundir);
    f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    if (pid > 0) {
        kill(pid, SIGTERM);
        for (int i = 0; i < 200 && kill(pid, 0) == 0; i++)
            usleep(10000);
    }
    snprintf(path, sizeof(path), "%s/xenhv.log", bench_rundir);
    unlink(path);
    rmdir(bench_rundir);
}

#endif
