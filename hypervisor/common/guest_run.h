/*
 * guest_run.h: what the guest hypercalls (sched_op, set_timer_op,
 * vcpu_op, console_io, the guest rows of memory_op) need from whoever runs
 * vCPUs: blocking, timers, bringing vCPUs up and down, shutdown, and
 * keeping the CPU's view of guest-physical memory in step.  The vCPU
 * runner (arch/x86/run/) registers its table at start-up; without one
 * (unit tests) those hypercalls answer -ENOSYS.
 *
 * Every function is called on the calling vCPU's thread with hv_lock
 * held, and must not sleep: block/poll/yield only record what the vCPU
 * does once the hypercall returns.
 */
#ifndef XENHV_GUEST_RUN_H
#define XENHV_GUEST_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "public/event_channel.h"
#include "public/vcpu.h"

struct domain;
struct vcpu;
struct hc_caller;

#define GUEST_POLL_MAX_PORTS 128 /* SCHEDOP_poll: more is -EINVAL, as Xen's limit */

struct guest_run_ops {
    uint64_t (*now_ns)(void); /* Xen system time: ns since the daemon started */
    void (*yield)(struct vcpu *v);
    void (*block)(struct vcpu *v);
    /* Sleep until one of ports is pending or timeout (system time, 0: none). */
    void (*poll)(struct vcpu *v, const evtchn_port_t *ports, unsigned n, uint64_t timeout);
    /* SHUTDOWN_*: stop every vCPU, tell the toolstack. */
    void (*shutdown)(struct domain *d, unsigned reason);
    /* The one-shot timer (set_timer_op and VCPUOP_*_singleshot_timer):
     * deadline in system time, 0 cancels.  VIRQ_TIMER when it fires. */
    void (*set_timer)(struct vcpu *v, uint64_t deadline);
    void (*set_periodic)(struct vcpu *v, uint64_t period_ns); /* 0 stops */
    /* VCPUOP_initialise with the caller's argument (HVM: vcpu_hvm_context). */
    int (*vcpu_initialise)(struct hc_caller *c, struct vcpu *v, uint64_t arg);
    int (*vcpu_up)(struct vcpu *v);
    int (*vcpu_down)(struct vcpu *v);
    bool (*vcpu_is_up)(struct vcpu *v);
    /* VCPUOP_register_vcpu_info: the vcpu_info now lives at gfn:offset. */
    int (*register_vcpu_info)(struct vcpu *v, uint64_t gfn, uint32_t offset);
    void (*runstate)(struct vcpu *v, struct vcpu_runstate_info *out);
    /* VCPUOP_register_runstate_memory_area: rewrite the runstate at guest
     * linear address gva (0: nowhere) at every change; compat: the 32-bit
     * layout.  Optional. */
    void (*runstate_area)(struct vcpu *v, uint64_t gva, bool compat);
    /* Guest-physical frames [gfn, gfn+n) changed (populated, released, or
     * a special frame put there: special_mfn, else ~0). */
    int (*physmap_changed)(struct domain *d, uint64_t gfn, uint64_t n, uint64_t special_mfn);
};

extern const struct guest_run_ops *guest_run;
void guest_run_set_ops(const struct guest_run_ops *ops);

/* Handlers with a row in the hypercall table (guest columns). */
long do_sched_op(struct hc_caller *c, const uint64_t args[5]);
long do_set_timer_op(struct hc_caller *c, const uint64_t args[5]);
long do_vcpu_op(struct hc_caller *c, const uint64_t args[5]);
long do_console_io(struct hc_caller *c, const uint64_t args[5]);

#endif
