/*
 * vrun_internal.h: the runner's per-domain and per-vCPU state, shared by
 * vrun_domain.c (threads, scheduling, hooks), vrun_exit.c (exits,
 * hypercalls, CPUID/MSR) and vrun_mem.c (guest-physical memory).
 */
#ifndef XENHV_VRUN_INTERNAL_H
#define XENHV_VRUN_INTERNAL_H

#include <pthread.h>

#include "domain.h"
#include "guest_run.h"
#include "hval.h"
#include "vrun.h"
#include "xenhv/hvm_platform.h"

enum vc_state { VC_DOWN, VC_RUNNABLE, VC_HLT, VC_BLOCKED, VC_POLL };

struct vrun_vcpu {
    struct vrun_dom *rd;
    struct vcpu *v;
    unsigned id;
    struct hval_vcpu *hv; /* created on first up, on the domain's thread */
    enum vc_state state;
    bool have_init;        /* VCPUOP_initialise gave a state not loaded yet */
    bool wait_sipi;        /* an AP after INIT (or never started): a SIPI starts it */
    bool init_pending;     /* INIT/SIPI IPIs received, applied after the sender's run */
    uint16_t sipi_pending; /* the SIPI's vector + 1, 0: none */
    struct hval_state init;
    uint64_t timer; /* one-shot deadline (system time), 0: none */
    uint64_t period, period_next;
    evtchn_port_t poll_ports[GUEST_POLL_MAX_PORTS];
    unsigned npoll;
    uint64_t poll_timeout;
    int rs_state;
    uint64_t rs_entry, rs_time[4];
    uint64_t rs_gva; /* the guest's runstate area (linear), 0: none */
    bool rs_compat;  /* ... in the 32-bit layout */
};

struct vrun_region {
    uint64_t gfn, n;
    void *hva;
};

struct vrun_dom {
    struct domain *d;
    const struct hval_ops *ops;
    pthread_t thread;
    bool started;
    pthread_mutex_t lock; /* running, stop, wake, active */
    pthread_cond_t cond;
    bool running, stop, wake;
    bool cpu_events; /* some vCPU has init_pending/sipi_pending (domain thread) */
    struct hval_vcpu *active;
    /* the run in progress (domain thread only) */
    struct hval_vcpu *run_hv;
    uint64_t run_end;
    /* the ticker's (under its lock) */
    uint64_t slice_end;
    struct hval_vcpu *slice_hv;
    struct vrun_dom *tk_next;
    struct hvm_platform *plat;
    uint8_t *ram; /* the whole memfd (guest frames and special frames) */
    struct vrun_region *reg;
    size_t nreg, capreg;
    struct {
        uint64_t gfn, mfn;
    } overlay[GUEST_NR_SPECIAL];
    unsigned noverlay;
    struct vrun_vcpu *vc;
    unsigned nvc;
    unsigned rr;
    char dbg_line[256]; /* port 0xe9 line being assembled */
    unsigned dbg_len;
};

extern const struct hval_ops *vrun_ops;
extern const struct vrun_pv_ops *vrun_pv;

/* vrun_mem.c */
int vrun_mem_init(struct vrun_dom *rd);
void vrun_mem_fini(struct vrun_dom *rd);
int vrun_mem_map_vcpu(struct vrun_dom *rd, struct hval_vcpu *hv);
int vrun_physmap_changed(struct domain *d, uint64_t gfn, uint64_t n, uint64_t special_mfn);
void *vrun_gfn_hva(struct vrun_dom *rd, uint64_t gfn); /* mapped RAM page, or NULL */
/* The host wrote [gpa, gpa+len), which may hold code: every vCPU's
 * backend drops what it translated from it (domain thread). */
void vrun_code_written(struct vrun_dom *rd, uint64_t gpa, uint64_t len);

/* vrun_exit.c */
enum hval_answer vrun_exit_handler(struct hval_vcpu *hv, struct hval_exit *e, void *opaque);
void vrun_handle_hypercall(struct vrun_vcpu *vc, struct hval_exit *e);
void vrun_time_update(struct vrun_vcpu *vc, uint64_t now);
void vrun_calibrate_tsc(void);
void vrun_debug_write(struct vrun_dom *rd, const char *buf, size_t len);

/* vrun_domain.c */
struct vcpu_info *vrun_vcpu_info(struct vrun_vcpu *vc);
void vrun_crash(struct vrun_dom *rd, const char *why);
void vrun_kick(struct domain *d, unsigned vcpu);
int vrun_vcpu_create(struct vrun_vcpu *vc, const struct hval_state *st);
void vrun_deadline_changed(struct vrun_dom *rd);

/* vrun_vcpu.c: a vCPU's life around its runs. */
struct vrun_vcpu *vrun_vc_of(struct vcpu *v);
void vrun_seg_from(struct hval_segment *s, uint32_t sel, uint32_t limit, uint64_t base,
                   uint32_t ar);
void vrun_rs_set(struct vrun_vcpu *vc, int state, uint64_t now);
void vrun_cpu_event(void *opaque, unsigned vcpu, enum hvm_cpu_event ev, uint8_t vector);
void vrun_apply_cpu_events(struct vrun_dom *rd);
int vrun_vcpu_initialise(struct hc_caller *c, struct vcpu *v, uint64_t arg);
int vrun_vcpu_up(struct vcpu *v);
int vrun_vcpu_down(struct vcpu *v);
bool vrun_vcpu_is_up(struct vcpu *v);
int vrun_register_vcpu_info(struct vcpu *v, uint64_t gfn, uint32_t offset);
void vrun_runstate(struct vcpu *v, struct vcpu_runstate_info *out);
void vrun_runstate_area(struct vcpu *v, uint64_t gva, bool compat);

#endif
