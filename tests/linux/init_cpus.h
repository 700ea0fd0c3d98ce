/*
 * init_cpus.h: what both test inits (init.c, lifecycle_init.c) ask of
 * /proc: how many CPUs the kernel shows.  Included by each, which is
 * built alone into a static /init.
 */
#ifndef INIT_CPUS_H
#define INIT_CPUS_H

#include <stdio.h>
#include <string.h>

/* The "processor" lines of /proc/cpuinfo, or -1 without /proc. */
static long count_cpus(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    long n = 0;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        n += !strncmp(line, "processor", 9);
    fclose(f);
    return n;
}

#endif
