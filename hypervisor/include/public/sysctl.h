/*
 * sysctl.h: system-wide control operations of the toolstack (Xen 4.17,
 * interface version 0x15): command numbers and the payloads this project
 * uses.  Written here from Xen's published interface; only the numbers and
 * layouts are Xen's.
 */
#ifndef XEN_PUBLIC_SYSCTL_H
#define XEN_PUBLIC_SYSCTL_H

#include "xen.h"
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* XEN_SYSCTL_readconsole: read (and optionally clear) the console ring. */
struct xen_sysctl_readconsole {
    uint8_t clear;       /* IN: clear the ring after reading */
    uint8_t incremental; /* IN: start at index */
    uint8_t pad0, pad1;
    uint32_t index; /* IN/OUT: next index to read with incremental */
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count; /* IN: buffer size; OUT: bytes written */
};

/* XEN_SYSCTL_physinfo */
#define XEN_SYSCTL_PHYSCAP_hvm                (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv                 (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio           (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap                (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow             (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace            (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu               (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1          (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2          (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX                XEN_SYSCTL_PHYSCAP_gnttab_v2

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities; /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;
    uint64_aligned_t free_pages;
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];
};

/* XEN_SYSCTL_getdomaininfolist: domains with id >= first_domain. */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint32_t max_domains;
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains; /* OUT */
};

/* XEN_SYSCTL_cputopoinfo: with a NULL handle, the number of CPUs. */
#define XEN_INVALID_CORE_ID   (~0U)
#define XEN_INVALID_SOCKET_ID (~0U)
#define XEN_INVALID_NODE_ID   (~0U)
struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cputopo_t);
struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus; /* IN: entries in cputopo; OUT: CPUs on the host */
    XEN_GUEST_HANDLE_64(xen_sysctl_cputopo_t) cputopo;
};

/* XEN_SYSCTL_numainfo: with NULL handles, the number of nodes. */
#define XEN_INVALID_MEM_SZ    (~0ULL)
#define XEN_INVALID_NODE_DIST (~0U)
struct xen_sysctl_meminfo {
    uint64_t memsize;
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_meminfo_t);
struct xen_sysctl_numainfo {
    uint32_t num_nodes;
    XEN_GUEST_HANDLE_64(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE_64(uint32) distance; /* node i to j at i * num_nodes + j */
};

/* XEN_SYSCTL_sched_id */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

#define XEN_SYSCTL_readconsole            1
#define XEN_SYSCTL_tbuf_op                2
#define XEN_SYSCTL_physinfo               3
#define XEN_SYSCTL_sched_id               4
#define XEN_SYSCTL_perfc_op               5
#define XEN_SYSCTL_getdomaininfolist      6
#define XEN_SYSCTL_debug_keys             7
#define XEN_SYSCTL_getcpuinfo             8
#define XEN_SYSCTL_availheap              9
#define XEN_SYSCTL_get_pmstat             10
#define XEN_SYSCTL_cpu_hotplug            11
#define XEN_SYSCTL_pm_op                  12
#define XEN_SYSCTL_page_offline_op        14
#define XEN_SYSCTL_lockprof_op            15
#define XEN_SYSCTL_cputopoinfo            16
#define XEN_SYSCTL_numainfo               17
#define XEN_SYSCTL_cpupool_op             18
#define XEN_SYSCTL_scheduler_op           19
#define XEN_SYSCTL_coverage_op            20
#define XEN_SYSCTL_psr_cmt_op             21
#define XEN_SYSCTL_pcitopoinfo            22
#define XEN_SYSCTL_psr_alloc              23
#define XEN_SYSCTL_get_cpu_levelling_caps 25
#define XEN_SYSCTL_get_cpu_featureset     26
#define XEN_SYSCTL_livepatch_op           27
#define XEN_SYSCTL_get_cpu_policy         29

/* XEN_SYSCTL_debug_keys: press these keys (Xen's keyhandlers). */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(char) keys;
    uint32_t nr_keys;
};

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_debug_keys debug_keys;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif
