/*
 * smc_alias.c (64-bit: pv64, pvh, hvm64): self-modifying code through a
 * second virtual mapping of the same page, as Linux patches its text: the
 * code is written through the alias and must run new at its own address.
 */
#include "guest.h"

const char guest_name[] = "smc_alias";

static uint8_t code_page[4096] __aligned(4096) __attribute__((section(".data.code")));

typedef unsigned int (*fn_t)(void);

static void emit(volatile uint8_t *p, uint32_t value)
{
    p[0] = 0xb8; /* mov $value, %eax; ret */
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
    volatile uint8_t *alias;
    unsigned int i, got;

    emit(code_page, 1);
    CHECK((got = call(0)) == 1, "first version returned %u", got);
    alias = map_frame(ALIAS_SLOT_TEST, virt_to_frame(code_page), 1);
    CHECK(alias != NULL, "cannot map the code page a second time");
    CHECK(alias[0] == 0xb8, "the alias does not show the code page");
    gprintf("smc_alias: second mapping of the code page: ok\n");

    emit(alias, 2);
    CHECK((got = call(0)) == 2, "patched through the alias: the old code ran (%u)", got);
    gprintf("smc_alias: patch through the alias runs: ok\n");
    for (i = 3; i < 500; i++) {
        emit(alias + (i & 1) * 128, i);
        CHECK((got = call((i & 1) * 128)) == i, "patch %u through the alias: got %u", i, got);
    }
    gprintf("smc_alias: 497 patches through the alias: ok\n");
}
