/*
 * domctl.h: domain control operations of the toolstack (Xen 4.17,
 * interface version 0x15): command numbers and the request structure with
 * the sub-op payloads this project uses.  Written here from Xen's
 * published interface; only the numbers and layouts are Xen's.
 */
#ifndef XEN_PUBLIC_DOMCTL_H
#define XEN_PUBLIC_DOMCTL_H

#include "xen.h"
#include "grant_table.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* XEN_DOMCTL_createdomain (domctl.domain IN/OUT: 0 allocates one). */
#define XEN_DOMCTL_CDF_hvm          (1U << 0)
#define XEN_DOMCTL_CDF_hap          (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off      (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain    (1U << 4)
#define XEN_DOMCTL_CDF_iommu        (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt  (1U << 6)
#define XEN_DOMCTL_CDF_vpmu         (1U << 7)
#define XEN_DOMCTL_CDF_MAX          XEN_DOMCTL_CDF_vpmu

#define XEN_DOMCTL_IOMMU_no_sharept   (1U << 0)
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v)   ((v)&XEN_DOMCTL_GRANT_version_mask)

struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags; /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;
    int32_t max_maptrack_frames;
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo; also the element of sysctl getdomaininfolist. */
#define XEN_DOMINF_dying         (1U << 0)
#define XEN_DOMINF_hvm_guest     (1U << 1)
#define XEN_DOMINF_shutdown      (1U << 2)
#define XEN_DOMINF_paused        (1U << 3)
#define XEN_DOMINF_blocked       (1U << 4)
#define XEN_DOMINF_running       (1U << 5)
#define XEN_DOMINF_debugged      (1U << 6)
#define XEN_DOMINF_xs_domain     (1U << 7)
#define XEN_DOMINF_hap           (1U << 8)
#define XEN_DOMINF_shutdownmask  255
#define XEN_DOMINF_shutdownshift 16
#define XEN_INVALID_MAX_VCPU_ID  (~0U)

struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags; /* XEN_DOMINF_* */
    uint64_aligned_t tot_pages;
    uint64_aligned_t max_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame;
    uint64_aligned_t cpu_time;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;
};

struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    XEN_GUEST_HANDLE_64(vcpu_guest_context_t) ctxt;
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t online;
    uint8_t blocked;
    uint8_t running;
    uint64_aligned_t cpu_time;
    uint32_t cpu;
};

/* XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity */
#define XEN_VCPUAFFINITY_HARD  (1U << 0)
#define XEN_VCPUAFFINITY_SOFT  (1U << 1)
#define XEN_VCPUAFFINITY_FORCE (1U << 2)
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags; /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/* XEN_DOMCTL_scheduler_op; also XEN_SYSCTL_sched_id's answer. */
#define XEN_SCHEDULER_CREDIT           5
#define XEN_SCHEDULER_CREDIT2          6
#define XEN_SCHEDULER_ARINC653         7
#define XEN_SCHEDULER_RTDS             8
#define XEN_SCHEDULER_NULL             9
#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_scheduler_op {
    uint32_t sched_id; /* XEN_SCHEDULER_* */
    uint32_t cmd;      /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit2 credit;
        struct xen_domctl_sched_credit2 credit2;
        struct {
            uint32_t period, budget, flags;
        } rtds;
        struct {
            XEN_GUEST_HANDLE_64(void) vcpus;
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};

/* XEN_DOMCTL_gettscinfo / settscinfo */
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    uint64_aligned_t elapsed_nsec;
};

/* XEN_DOMCTL_get/set_paging_mempool_size */
struct xen_domctl_paging_mempool {
    uint64_aligned_t size; /* bytes */
};

struct xen_domctl_max_vcpus {
    uint32_t max;
};

struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

struct xen_domctl_settimeoffset {
    int64_aligned_t time_offset_seconds;
};

struct xen_domctl_hvmcontext {
    uint32_t size; /* IN: buffer size; OUT: bytes used (or needed, with a NULL buffer) */
    XEN_GUEST_HANDLE_64(uint8) buffer;
};

/* XEN_DOMCTL_gethvmcontext_partial: one record's payload. */
struct xen_domctl_hvmcontext_partial {
    uint32_t type;     /* HVM_SAVE_CODE_* */
    uint32_t instance; /* e.g. the vCPU */
    uint64_aligned_t bufsz;
    XEN_GUEST_HANDLE_64(uint8) buffer;
};

struct xen_domctl_address_size {
    uint32_t size;
};

/*
 * XEN_DOMCTL_getmemlist.  xenhv's reading (the toolstack addresses a
 * domain by guest frame): out[i] is the machine frame behind guest frame
 * start_pfn + i, ~0 when that frame is not populated, for at most
 * max_pfns frames; num_pfns says how many were written (0 past the
 * domain's highest frame).
 */
struct xen_domctl_getmemlist {
    uint64_aligned_t max_pfns;
    uint64_aligned_t start_pfn;
    XEN_GUEST_HANDLE_64(uint64) buffer;
    uint64_aligned_t num_pfns;
};

#define XEN_DOMCTL_createdomain            1
#define XEN_DOMCTL_destroydomain           2
#define XEN_DOMCTL_pausedomain             3
#define XEN_DOMCTL_unpausedomain           4
#define XEN_DOMCTL_getdomaininfo           5
#define XEN_DOMCTL_getmemlist              6
#define XEN_DOMCTL_setvcpuaffinity         9
#define XEN_DOMCTL_shadow_op               10
#define XEN_DOMCTL_max_mem                 11
#define XEN_DOMCTL_setvcpucontext          12
#define XEN_DOMCTL_getvcpucontext          13
#define XEN_DOMCTL_getvcpuinfo             14
#define XEN_DOMCTL_max_vcpus               15
#define XEN_DOMCTL_scheduler_op            16
#define XEN_DOMCTL_setdomainhandle         17
#define XEN_DOMCTL_setdebugging            18
#define XEN_DOMCTL_irq_permission          19
#define XEN_DOMCTL_iomem_permission        20
#define XEN_DOMCTL_ioport_permission       21
#define XEN_DOMCTL_hypercall_init          22
#define XEN_DOMCTL_soft_reset_cont         23
#define XEN_DOMCTL_settimeoffset           24
#define XEN_DOMCTL_getvcpuaffinity         25
#define XEN_DOMCTL_resumedomain            27
#define XEN_DOMCTL_sendtrigger             28
#define XEN_DOMCTL_subscribe               29
#define XEN_DOMCTL_gethvmcontext           33
#define XEN_DOMCTL_sethvmcontext           34
#define XEN_DOMCTL_set_address_size        35
#define XEN_DOMCTL_get_address_size        36
#define XEN_DOMCTL_set_ext_vcpucontext     42
#define XEN_DOMCTL_get_ext_vcpucontext     43
#define XEN_DOMCTL_set_target              46
#define XEN_DOMCTL_gethvmcontext_partial   55
#define XEN_DOMCTL_gettscinfo              59
#define XEN_DOMCTL_settscinfo              60
#define XEN_DOMCTL_getpageframeinfo3       61
#define XEN_DOMCTL_set_virq_handler        66
#define XEN_DOMCTL_setnodeaffinity         68
#define XEN_DOMCTL_getnodeaffinity         69
#define XEN_DOMCTL_get_cpu_policy          82
#define XEN_DOMCTL_set_cpu_policy          83
#define XEN_DOMCTL_soft_reset              79
#define XEN_DOMCTL_get_paging_mempool_size 85
#define XEN_DOMCTL_set_paging_mempool_size 86

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_paging_mempool paging_mempool;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_hvmcontext hvmcontext;
        struct xen_domctl_hvmcontext_partial hvmcontext_partial;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_getmemlist getmemlist;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif
