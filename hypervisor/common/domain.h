/*
 * domain.h: domains and vCPUs as xenhv holds them, and the lock that
 * serialises every change to them.  Domain 0 is the toolstack's own
 * domain: privileged, no memory, no vCPUs.
 *
 * Guest type is a kind (PV or HVM) plus the emulation flags chosen at
 * createdomain; PVH is an HVM domain without the emulated platform.  Code
 * tests features through the has_*() predicates below, never "is PVH".
 */
#ifndef XENHV_DOMAIN_H
#define XENHV_DOMAIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/domctl.h"
#include "public/hvm/params.h"
#include "public/xen.h"

#include "evtchn.h"
#include "gnttab.h"
#include "guest_ram.h"

#define DOMAIN_MAX_VCPUS 128

/* Serialises hypercalls and every domain-state change: the control
 * thread and (later) vCPU threads take it around a hypercall.  Never held
 * while calling into the xenstore service. */
extern pthread_mutex_t hv_lock;

struct vcpu {
    struct domain *domain;
    unsigned id;
    bool online;     /* has a context, may run once unpaused */
    bool ctxt_valid; /* ctxt was set by setvcpucontext */
    struct vcpu_guest_context ctxt;
    uint64_t affinity_hard; /* host CPUs it may run on (bit per CPU) */
    uint64_t affinity_soft; /* ... and prefers */
    void *backend;          /* the CPU backend's state for this vCPU */
    /* VCPUOP_register_vcpu_info: the daemon's mapping of the guest's
     * vcpu_info (else shared_info->vcpu_info[id], ids below 32). */
    bool vcpu_info_registered;
    struct vcpu_info *vcpu_info;
    bool blocked; /* the runner's: halted or blocked, waiting for an event */
    /* VCPUOP_register_runstate_memory_area: the guest's linear address of
     * its vcpu_runstate_info (0: none), written when registered. */
    uint64_t runstate_gva;
};

#define DOMAIN_WATCHDOG_TIMERS 2 /* Xen's NR_DOMAIN_WATCHDOG_TIMERS */

struct domain {
    domid_t domid;
    bool is_hvm;
    bool is_privileged;
    bool dying;
    uint32_t cdf_flags;       /* XEN_DOMCTL_CDF_* */
    uint32_t emulation_flags; /* XEN_X86_EMU_* */
    uint32_t misc_flags;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    unsigned pause_count; /* toolstack pauses; created paused */
    bool shutdown;
    unsigned shutdown_reason;
    int shutdown_code;  /* SCHEDOP_shutdown_code: -1 none */
    bool shinfo_compat; /* 32-bit HVM guest: Xen's compat shared-info layout */
    unsigned max_vcpus;
    struct vcpu **vcpus;
    struct guest_ram ram;
    void *shared_info; /* the daemon's mapping of the shared-info frame */
    uint64_t shared_info_mfn;
    int64_t time_offset_seconds;
    unsigned address_size; /* PV: 64 (or 32, refused for now) */
    uint64_t hvm_params[HVM_NR_PARAMS];
    uint8_t *hvm_context; /* the last sethvmcontext blob */
    uint32_t hvm_context_len;
    struct evtchn_table evtchn;
    struct gnttab gnttab;
    uint64_t cpu_time_ns;
    uint16_t sched_weight; /* credit2 */
    uint16_t sched_cap;
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint64_t paging_pool_bytes;
    /* Guest frames a backend in another thread wrote (blkback's reads
     * into the guest): the CPU backend drops translated code from them
     * on the domain's thread (domain_code_written). */
    uint64_t *code_written;
    unsigned nr_code_written, cap_code_written;
    /* SCHEDOP_watchdog (watchdog.c): armed timers' bits and deadlines. */
    uint8_t watchdog_armed;
    uint64_t watchdog_deadline[DOMAIN_WATCHDOG_TIMERS];
    /* Called (under hv_lock) when an event is raised for vCPU v: the CPU
     * backend sets it to wake the vCPU's thread. */
    void (*kick)(struct domain *d, unsigned vcpu);
    void *backend;
    void *pv; /* PV domains: machine frames and page tables (arch/x86/pv) */
    /* The toolstack connection building it (0: none): a domain still
     * held when that connection goes is half made and is destroyed. */
    uint64_t held_by;
};

/*
 * What the CPU backend (or whoever runs vCPUs) learns about a domain's
 * life.  unpaused and paused are called under hv_lock when the pause
 * count reaches or leaves 0; destroying is called without
 * hv_lock, after the domain left the table and before its memory goes:
 * it must stop the domain's vCPU threads (which may need hv_lock).
 */
struct domain_hooks {
    int (*unpaused)(struct domain *d); /* pause count went to 0: run */
    void (*paused)(struct domain *d);  /* pause count left 0: stop running */
    void (*destroying)(struct domain *d);
};
/* Register the hooks (once, before serving). */
void domain_set_hooks(const struct domain_hooks *hooks);
extern const struct domain_hooks *domain_hooks;

/* Feature predicates (DESIGN "Domain types"). */
static inline bool has_hvm_container(const struct domain *d)
{
    return d->is_hvm;
}
#define EMU_PREDICATE(name, flag)                                                                  \
    static inline bool has_##name(const struct domain *d)                                          \
    {                                                                                              \
        return d->emulation_flags & (flag);                                                        \
    }
EMU_PREDICATE(vlapic, XEN_X86_EMU_LAPIC)
EMU_PREDICATE(vhpet, XEN_X86_EMU_HPET)
EMU_PREDICATE(vpm, XEN_X86_EMU_PM)
EMU_PREDICATE(vrtc, XEN_X86_EMU_RTC)
EMU_PREDICATE(vioapic, XEN_X86_EMU_IOAPIC)
EMU_PREDICATE(vpic, XEN_X86_EMU_PIC)
EMU_PREDICATE(vvga, XEN_X86_EMU_VGA)
EMU_PREDICATE(viommu, XEN_X86_EMU_IOMMU)
EMU_PREDICATE(emulated_pit, XEN_X86_EMU_PIT)
EMU_PREDICATE(pirq, XEN_X86_EMU_USE_PIRQ)
EMU_PREDICATE(vpci, XEN_X86_EMU_VPCI)
#undef EMU_PREDICATE
/* Device model / ioreq servers exist where the emulated platform does. */
static inline bool has_ioreq_servers(const struct domain *d)
{
    return d->is_hvm && has_vpic(d);
}
/* 32-bit hypercalls: PV and full HVM, not PVH. */
static inline bool allows_32bit_hypercalls(const struct domain *d)
{
    return !d->is_hvm || has_vpic(d);
}

/* Is this combination of createdomain flags one xenhv accepts? */
bool domain_config_ok(const struct xen_domctl_createdomain *cfg);

/* Create dom0 (at start-up). */
int domain_create_dom0(void);
/* Create a domain from a createdomain request; *domid 0 = allocate. */
int domain_create(domid_t *domid, const struct xen_domctl_createdomain *cfg);
/* Take d out of the table (under hv_lock), closing its event channels. */
int domain_unlink(struct domain *d);
/* Then, still under hv_lock: drop the lock while the vCPUs stop and the
 * xenstore service releases the domain, take it again and free d. */
void domain_destroy_unlinked(struct domain *d);
void domain_free(struct domain *d);

struct domain *domain_lookup(domid_t domid); /* NULL if none */
/* Where vCPU vcpu's vcpu_info is: registered (VCPUOP_register_vcpu_info),
 * else its slot in shared info (ids below 32); NULL if neither. */
struct vcpu_info *domain_vcpu_info(struct domain *d, unsigned vcpu);
/* The calling thread is the one that runs d's vCPUs (set by the CPU
 * backend's domain thread when it starts). */
void domain_bind_thread(const struct domain *d);
bool domain_on_own_thread(const struct domain *d);
/* The next existing domain with id >= first, or NULL. */
struct domain *domain_next(domid_t first);
unsigned domain_count(void);

int domain_set_max_vcpus(struct domain *d, unsigned max);
/* The host's online CPUs as a bitmap (the first 64). */
uint64_t host_cpu_mask(void);
void domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
void domain_fill_info(const struct domain *d, struct xen_domctl_getdomaininfo *info);
/* XEN_DOMCTL_soft_reset (hv_lock held); see domain.c. */
int domain_soft_reset(struct domain *d);

/* The host wrote guest frame gfn from another thread than d's (hv_lock
 * held): queued for d's thread, which has the CPU backend drop code
 * translated from it before d's vCPUs run again, as a write through the
 * guest's own TLB would (a page read from disk and then executed must
 * not run what the frame held before).  -ENOMEM if it cannot be queued:
 * the caller must not use the frame then. */
int domain_code_written(struct domain *d, uint64_t gfn);
/* Take the queue (hv_lock held, on d's thread): *n frames, to be freed. */
uint64_t *domain_code_written_take(struct domain *d, unsigned *n);

/* For the daemon's shutdown: unlink every domain but dom0, in order. */
struct domain *domain_unlink_any(void);

#endif
