/*
 * vcpu.h: HYPERVISOR_vcpu_op (Xen 4.17 public ABI): bringing vCPUs up and
 * down, runstate, the per-vCPU timers and registering vcpu_info.  Written
 * here from Xen's published interface.
 */
#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include "xen.h"

/* Argument: vcpu_guest_context (PV) or vcpu_hvm_context (HVM, PVH). */
#define VCPUOP_initialise                    0
#define VCPUOP_up                            1
#define VCPUOP_down                          2
#define VCPUOP_is_up                         3
#define VCPUOP_get_runstate_info             4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer            6
#define VCPUOP_stop_periodic_timer           7
#define VCPUOP_set_singleshot_timer          8
#define VCPUOP_stop_singleshot_timer         9
#define VCPUOP_register_vcpu_info            10
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12
#define VCPUOP_register_vcpu_time_memory_area 13

#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3
struct vcpu_runstate_info {
    int state;
    uint64_t state_entry_time;
    uint64_t time[4]; /* ns spent in each RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

#define VCPU_SSHOTTMR_future (1 << 0) /* -ETIME if the deadline is past */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* system time */
    uint32_t flags;
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* frame holding the vcpu_info */
    uint32_t offset; /* its offset in that frame */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};

struct vcpu_get_physid {
    uint64_t phys_id;
};

#endif
