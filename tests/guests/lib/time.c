/*
 * time.c: Xen system time (ns since boot) from this vCPU's
 * vcpu_time_info in shared info and the TSC.
 */
#include "guest.h"

void time_init(void)
{
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* (delta * mul) >> 32 without a 128-bit type (32-bit builds). */
static uint64_t scale(uint64_t delta, uint32_t mul)
{
    uint64_t lo = (delta & 0xffffffffu) * mul, hi = (delta >> 32) * mul;

    return hi + (lo >> 32);
}

uint64_t xen_system_time_ns(void)
{
    volatile struct vcpu_time_info *t;
    uint32_t ver, mul;
    uint64_t ts, sys, delta;
    int8_t shift;

    if (!shared_info)
        return 0;
    t = &vcpu_info_of(smp_cpu_id())->time;
    do {
        ver = t->version;
        __sync_synchronize();
        ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        delta = rdtsc() - ts;
        __sync_synchronize();
    } while ((ver & 1) || ver != t->version);
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return sys + scale(delta, mul);
}
