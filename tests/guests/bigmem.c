/*
 * bigmem.c: a 4 GiB guest that touches little of its memory: it checks
 * the size it was given and writes and reads back one word in each GiB of
 * the RAM it can address (below 4 GiB for hvm32) and the last RAM page.
 */
#include "guest.h"

const char guest_name[] = "bigmem";

static unsigned int touched;

static void touch(uint64_t paddr)
{
    volatile uint32_t *p;

#ifdef GUEST_PV
    const unsigned long *p2m = (const unsigned long *)((start_info_t *)boot.start_info)->mfn_list;
    uint8_t *page = map_frame(ALIAS_SLOT_TEST, p2m[paddr >> 12], 1);
    CHECK(page, "cannot map pfn %llu", (unsigned long long)(paddr >> 12));
    p = (volatile uint32_t *)(page + (paddr & 0xfff));
#else
    if (paddr != (uintptr_t)paddr || !frame_to_virt(paddr >> 12, 0))
        return; /* not addressable from here */
    p = (volatile uint32_t *)(uintptr_t)paddr;
#endif
    *p = 0xb16b00b5 ^ (uint32_t)(paddr >> 12);
    CHECK(*p == (0xb16b00b5 ^ (uint32_t)(paddr >> 12)), "memory at %#llx does not hold data",
          (unsigned long long)paddr);
    touched++;
}

void guest_main(void)
{
    uint64_t gib = 1ULL << 30, a;
    unsigned int i;

    CHECK(boot.mem_bytes >= 4 * gib - 64 * (1ULL << 20),
          "the guest has %llu MiB, expected about 4096",
          (unsigned long long)(boot.mem_bytes >> 20));
    gprintf("bigmem: about 4 GiB of RAM: ok\n");
    if (env_is_pv()) {
        for (a = 16ULL << 20; a < boot.mem_bytes; a += gib)
            touch(a);
        touch(boot.mem_bytes - 4096);
    } else {
        for (i = 0; i < boot.nr_memmap; i++) {
            const struct boot_memmap *m = &boot.memmap[i];
            if (m->type != 1 || m->addr + m->size <= (16ULL << 20))
                continue;
            for (a = m->addr < (16ULL << 20) ? (16ULL << 20) : m->addr; a < m->addr + m->size;
                 a += gib)
                touch(a);
            touch(m->addr + m->size - 4096);
        }
    }
    CHECK(touched >= 3, "only %u places touched", touched);
    gprintf("bigmem: touched a few pages across the whole range: ok\n");
}
