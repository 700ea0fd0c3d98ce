/*
 * memory.h: HYPERVISOR_memory_op sub-ops (Xen 4.17): reservations, the
 * physmap and address-space queries.  Written here from Xen's published
 * interface; only the numbers and layouts are Xen's.
 */
#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include "xen.h"

/* The low bits of a memory_op command are the sub-op; the rest is a
 * continuation start extent. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1 << MEMOP_EXTENT_SHIFT) - 1)

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page     2
#define XENMEM_current_reservation  3 /* arg: domid_t *; returns tot_pages */
#define XENMEM_maximum_reservation  4 /* arg: domid_t *; returns max_pages */
#define XENMEM_machphys_mfn_list    5
#define XENMEM_populate_physmap     6
#define XENMEM_add_to_physmap       7
#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map   10
#define XENMEM_exchange             11
#define XENMEM_machphys_mapping     12
#define XENMEM_set_memory_map       13
#define XENMEM_maximum_gpfn         14 /* arg: domid_t *; returns the highest gpfn */
#define XENMEM_remove_from_physmap  15
#define XENMEM_set_pod_target       16
#define XENMEM_get_pod_target       17
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_acquire_resource     28

#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x)&0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_vnode               (1 << 18)

struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* gpfns (populate/decrease) or OUT mfns */
    xen_ulong_t nr_extents;
    unsigned int extent_order;
    unsigned int mem_flags; /* XENMEMF_* */
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* XENMEM_add_to_physmap spaces. */
#define XENMAPSPACE_shared_info      0
#define XENMAPSPACE_grant_table      1
#define XENMAPSPACE_gmfn             2
#define XENMAPSPACE_gmfn_range       3
#define XENMAPSPACE_gmfn_foreign     4
#define XENMAPSPACE_dev_mmio         5
#define XENMAPIDX_grant_table_status 0x80000000U

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;
    unsigned int space; /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};

/* XENMEM_memory_map / XENMEM_set_memory_map: an e820 map by handle. */
struct xen_memory_map {
    unsigned int nr_entries;
    XEN_GUEST_HANDLE(void) buffer;
};
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};

#endif
