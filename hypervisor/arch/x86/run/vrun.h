/*
 * vrun.h: the vCPU runner: one host thread per domain runs its vCPUs on
 * the CPU backend (hval.h), time-sliced, and sleeps while they are all
 * blocked; guest hypercalls, CPUID, MSRs, port I/O and MMIO exits, event
 * and interrupt delivery, timers, shutdown and crash.  HVM and PVH here;
 * PV plugs in through struct vrun_pv_ops (arch/x86/pv/).
 *
 * Locks: hv_lock (domain.h) before a runner domain's lock, never the
 * other way; the ticker's lock is taken alone.
 */
#ifndef XENHV_VRUN_H
#define XENHV_VRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "hval.h"

struct domain;
struct hc_caller;
struct vrun_vcpu;

/* Start the runner: calibrate the TSC, start the ticker, register the
 * domain hooks and the guest_run table.  0 or -errno. */
int vrun_init(const char *rundir);
void vrun_fini(void);

/* Xen system time: ns since the daemon started (CLOCK_MONOTONIC). */
uint64_t vrun_now(void);

/*
 * The PV hooks (another file's): a PV domain's vCPUs run on the same
 * threads and scheduler; only their entry state and their hypercall and
 * exception exits differ.  Without registered ops PV domains do not run.
 *  initial_state: vCPU n's state from its setvcpucontext (hv_lock held);
 *  exit: a HYPERCALL or EXCEPTION exit; 0 when handled, -errno crashes.
 */
struct vrun_pv_ops {
    int (*initial_state)(struct domain *d, unsigned vcpu, struct hval_state *st);
    int (*exit)(struct vrun_vcpu *vc, struct hval_vcpu *hv, struct hval_exit *exit);
    /* The backend options of a PV vCPU (machine frames, SYSCALL exits),
     * and what it maps besides guest RAM once created. */
    void (*vcpu_config)(struct domain *d, unsigned vcpu, struct hval_vcpu_config *cfg);
    int (*vcpu_created)(struct domain *d, struct hval_vcpu *hv);
    /* Before an entry: events go to the guest's callback (not an IDT). */
    void (*deliver_events)(struct vrun_vcpu *vc, struct hval_vcpu *hv);
    /* VCPUOP_initialise: the guest's vcpu_guest_context at arg (hv_lock
     * held), as the vCPU's first state. */
    int (*vcpu_initialise)(struct hc_caller *c, struct domain *d, unsigned vcpu, uint64_t arg,
                           struct hval_state *st);
    /* The PV console ring (guest frame) and its event channel. */
    int (*console)(struct domain *d, uint64_t *gfn, uint32_t *port);
    /* A CPUID leaf outside Xen's: the PV policy applied to the CPU's
     * answer in *exit; HVAL_DEFAULT leaves it to the CPU. */
    enum hval_answer (*cpuid)(struct vrun_vcpu *vc, struct hval_exit *exit);
};
void vrun_register_pv(const struct vrun_pv_ops *ops);

/* For the PV hooks: the guest hypercall path (args already decoded). */
long vrun_hypercall(struct vrun_vcpu *vc, int kind, bool compat, uint64_t nr,
                    const uint64_t args[5]);

#endif
