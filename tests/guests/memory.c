/*
 * memory.c: HYPERVISOR_memory_op: the memory map, reservations, the
 * highest gpfn, and (HVM/PVH) giving a page back with
 * decrease_reservation and populating it again.
 */
#include "guest.h"
#include "memory.h"

const char guest_name[] = "memory";

struct e820 {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static uint8_t spare[2 * 4096] __aligned(4096);

void guest_main(void)
{
    static struct e820 map[64];
    struct xen_memory_map mm = {.nr_entries = 64};
    domid_t self = DOMID_SELF;
    uint64_t ram = 0;
    long cur, max;
    unsigned int i;

    guest_require_xen();
    set_xen_guest_handle(mm.buffer, map);
    EXPECT_RC(memory_op(XENMEM_memory_map, &mm), 0, "XENMEM_memory_map");
    for (i = 0; i < mm.nr_entries && i < 64; i++)
        if (map[i].type == 1)
            ram += map[i].size;
    CHECK(ram >= 16ULL << 20, "the memory map has only %llu bytes of RAM", (unsigned long long)ram);
    cur = memory_op(XENMEM_current_reservation, &self);
    max = memory_op(XENMEM_maximum_reservation, &self);
    CHECK(cur > 0 && max >= cur, "reservation: current %ld, maximum %ld", cur, max);
    gprintf("memory: reservations: ok\n");
    CHECK(memory_op(XENMEM_maximum_gpfn, &self) > 0, "XENMEM_maximum_gpfn failed");
    gprintf("memory: XENMEM_maximum_gpfn: ok\n");

    if (!env_is_pv()) {
        xen_pfn_t gpfn = (xen_pfn_t)virt_to_frame(spare + 4096);
        struct xen_memory_reservation r = {.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF};
        volatile uint32_t *p = (volatile uint32_t *)(spare + 4096);

        set_xen_guest_handle(r.extent_start, &gpfn);
        EXPECT_RC(memory_op(XENMEM_decrease_reservation, &r), 1, "XENMEM_decrease_reservation");
        CHECK(memory_op(XENMEM_current_reservation, &self) == cur - 1,
              "current reservation did not drop by one page");
        EXPECT_RC(memory_op(XENMEM_populate_physmap, &r), 1, "XENMEM_populate_physmap");
        p[0] = 0xfeedf00d;
        p[1023] = 0x600dcafe;
        CHECK(p[0] == 0xfeedf00d && p[1023] == 0x600dcafe,
              "the repopulated page does not hold data");
        CHECK(memory_op(XENMEM_current_reservation, &self) == cur,
              "current reservation did not come back");
    }
    EXPECT_RC(memory_op(1000, NULL), -XEN_ENOSYS, "unknown XENMEM command");
}
