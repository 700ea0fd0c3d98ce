/*
 * smc_twice.c: self-modifying code, two patches to code on the same page
 * one after the other: each patch must take effect at the next call
 * (issue: a CPU engine that re-translates only on the first write to a
 * page misses the second).  Patched through the code's own address.
 */
#include "guest.h"

const char guest_name[] = "smc_twice";

/* One page of code, in .data so it is writable (no NX anywhere here). */
static uint8_t code_page[4096] __aligned(4096) __attribute__((section(".data.code")));

typedef unsigned int (*fn_t)(void);

/* At off: "mov $value, %eax; ret" */
static void emit(unsigned int off, uint32_t value)
{
    volatile uint8_t *p = code_page + off;

    p[0] = 0xb8;
    p[1] = (uint8_t)value;
    p[2] = (uint8_t)(value >> 8);
    p[3] = (uint8_t)(value >> 16);
    p[4] = (uint8_t)(value >> 24);
    p[5] = 0xc3;
    __asm__ __volatile__("" ::: "memory");
}

static unsigned int call(unsigned int off)
{
    return ((fn_t)(uintptr_t)(code_page + off))();
}

void guest_main(void)
{
    unsigned int i, got;

    emit(0, 1);
    CHECK((got = call(0)) == 1, "first version returned %u", got);
    emit(0, 2);
    CHECK((got = call(0)) == 2, "after one patch: %u, expected 2", got);
    emit(0, 3);
    CHECK((got = call(0)) == 3, "after a second patch: %u, expected 3", got);
    gprintf("smc_twice: two patches in a row to one function: ok\n");

    emit(64, 100);
    CHECK((got = call(64)) == 100, "second function returned %u", got);
    emit(0, 4);
    emit(64, 101);
    CHECK((got = call(0)) == 4 && (got = call(64)) == 101, "two functions patched: got %u", got);
    gprintf("smc_twice: two functions on one page patched back to back: ok\n");

    for (i = 5; i < 1000; i++) {
        emit(2048, i);
        CHECK((got = call(2048)) == i, "patch %u: the old code ran (%u)", i, got);
    }
    gprintf("smc_twice: 995 patches in a row: ok\n");
}
