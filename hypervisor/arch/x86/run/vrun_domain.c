/*
 * vrun_domain.c: one host thread per domain runs its vCPUs in turn, a
 * slice each while more than one is runnable; a ticker thread ends slices
 * and wakes nothing else, so a domain whose vCPUs are all blocked sleeps
 * until its nearest timer or a kick (an event, pause, destroy).  Also the
 * domain hooks (unpaused, paused, destroying), the guest_run table
 * (block, poll, timers, vCPU up/down, shutdown) and event/interrupt
 * delivery before each entry.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console_backend.h"
#include "console_ring.h"
#include "evtchn.h"
#include "hvm_context.h"
#include "hypercall.h"
#include "log.h"
#include "public/hvm/hvm_vcpu.h"
#include "public/sched.h"
#include "pv_domain.h"
#include "vrun_internal.h"
#include "watchdog.h"
#include "xenstore_glue.h"

#define SLICE_NS 10000000ull /* 10 ms: vCPUs of a domain take turns */
/* An interrupt waiting for the guest's IF, on a backend without an
 * interrupt-window exit: looked at again this soon. */
#define IRQ_WINDOW_NS 500000ull
#define RFLAGS_IF     (1u << 9)

const struct hval_ops *vrun_ops;
const struct vrun_pv_ops *vrun_pv;
static uint64_t boot_ns;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vrun_now(void)
{
    return mono_ns() - boot_ns;
}

static struct timespec abs_ts(uint64_t sys)
{
    uint64_t t = sys + boot_ns;
    return (struct timespec){(time_t)(t / 1000000000ull), (long)(t % 1000000000ull)};
}

static void cond_init_mono(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

void vrun_register_pv(const struct vrun_pv_ops *ops)
{
    vrun_pv = ops;
}

/* The ticker: ends slices (kicks a vCPU whose slice is over). */
static pthread_mutex_t tk_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tk_cond;
static struct vrun_dom *tk_list;
static pthread_t tk_thread;
static bool tk_started, tk_stop;

static void *ticker_main(void *arg)
{
    pthread_mutex_lock(&tk_lock);
    while (!tk_stop) {
        uint64_t now = vrun_now(), next = UINT64_MAX;
        for (struct vrun_dom *rd = tk_list; rd; rd = rd->tk_next) {
            if (!rd->slice_end)
                continue;
            if (rd->slice_end <= now) {
                vrun_ops->kick(rd->slice_hv);
                rd->slice_end = 0;
            } else if (rd->slice_end < next) {
                next = rd->slice_end;
            }
        }
        if (next == UINT64_MAX) {
            pthread_cond_wait(&tk_cond, &tk_lock);
        } else {
            struct timespec ts = abs_ts(next);
            pthread_cond_timedwait(&tk_cond, &tk_lock, &ts);
        }
    }
    pthread_mutex_unlock(&tk_lock);
    return NULL;
}

static void ticker_arm(struct vrun_dom *rd, struct hval_vcpu *hv, uint64_t end)
{
    pthread_mutex_lock(&tk_lock);
    rd->slice_hv = hv;
    rd->slice_end = end;
    pthread_cond_signal(&tk_cond);
    pthread_mutex_unlock(&tk_lock);
}

static void ticker_disarm(struct vrun_dom *rd)
{
    pthread_mutex_lock(&tk_lock);
    rd->slice_end = 0;
    pthread_mutex_unlock(&tk_lock);
}

static void ticker_add(struct vrun_dom *rd, bool add)
{
    pthread_mutex_lock(&tk_lock);
    struct vrun_dom **pp = &tk_list;
    while (*pp && *pp != rd)
        pp = &(*pp)->tk_next;
    if (add && !*pp) {
        rd->tk_next = tk_list;
        tk_list = rd;
    } else if (!add && *pp) {
        *pp = rd->tk_next;
    }
    rd->slice_end = 0;
    pthread_mutex_unlock(&tk_lock);
}

struct vcpu_info *vrun_vcpu_info(struct vrun_vcpu *vc)
{
    return domain_vcpu_info(vc->rd->d, vc->id);
}

static bool upcall_pending(struct vrun_vcpu *vc)
{
    struct vcpu_info *vi = vrun_vcpu_info(vc);
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

static uint8_t callback_vector(struct vrun_dom *rd)
{
    uint64_t via = rd->d->hvm_params[HVM_PARAM_CALLBACK_IRQ];
    return (via >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR ? (uint8_t)via : 0;
}

void vrun_kick(struct domain *d, unsigned vcpu)
{
    struct vrun_dom *rd = d->backend;

    if (!rd)
        return;
    pthread_mutex_lock(&rd->lock);
    rd->wake = true;
    pthread_cond_signal(&rd->cond);
    /*
     * The running vCPU stops at its next block start, whichever vCPU the
     * event is for: the target takes it at once, or gets its turn if it
     * was blocked (a lone runnable vCPU runs without slices).  The stop is
     * exact (emu_vcpu.c); it was not once an rdmsr/wrmsr site had a code
     * hook (every HVM/PVH guest has one), the likely cause of the hvm64
     * xenstore guest's crashes (~1 run in 7) when events first kicked.
     */
    if (rd->active)
        rd->ops->kick(rd->active);
    pthread_mutex_unlock(&rd->lock);
}

/* Shut the domain down (hv_lock held). */
static void vrun_shutdown(struct domain *d, unsigned reason)
{
    struct vrun_dom *rd = d->backend;

    if (d->shutdown)
        return;
    if (d->shutdown_code >= 0)
        reason = (unsigned)d->shutdown_code;
    d->shutdown = true;
    d->shutdown_reason = reason;
    if (rd) {
        pthread_mutex_lock(&rd->lock);
        rd->running = false;
        if (rd->active)
            rd->ops->kick(rd->active);
        pthread_mutex_unlock(&rd->lock);
    }
    log_info("domain %u shut down (reason %u)", d->domid, reason);
    xenstore_glue_domain_exception();
}

void vrun_crash(struct vrun_dom *rd, const char *why)
{
    char msg[160];
    int n = snprintf(msg, sizeof(msg), "(XEN) domain %u crashed: %s\n", rd->d->domid, why);

    console_ring_write(msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    log_warn("domain %u crashed: %s", rd->d->domid, why);
    pthread_mutex_lock(&hv_lock);
    vrun_shutdown(rd->d, SHUTDOWN_crash);
    pthread_mutex_unlock(&hv_lock);
}

/* hvm_hw_cpu (XEN_DOMCTL_sethvmcontext) to the backend's state. */
static void state_from_hw_cpu(struct hval_state *st, const struct hvm_hw_cpu *c)
{
    hval_state_flat32(st, (uint32_t)c->rip);
    st->gpr[HVAL_RAX] = c->rax;
    st->gpr[HVAL_RBX] = c->rbx;
    st->gpr[HVAL_RCX] = c->rcx;
    st->gpr[HVAL_RDX] = c->rdx;
    st->gpr[HVAL_RBP] = c->rbp;
    st->gpr[HVAL_RSI] = c->rsi;
    st->gpr[HVAL_RDI] = c->rdi;
    st->gpr[HVAL_RSP] = c->rsp;
    st->gpr[HVAL_R8] = c->r8;
    st->gpr[HVAL_R9] = c->r9;
    st->gpr[HVAL_R10] = c->r10;
    st->gpr[HVAL_R11] = c->r11;
    st->gpr[HVAL_R12] = c->r12;
    st->gpr[HVAL_R13] = c->r13;
    st->gpr[HVAL_R14] = c->r14;
    st->gpr[HVAL_R15] = c->r15;
    st->rip = c->rip;
    st->rflags = c->rflags | 2;
    st->cr0 = c->cr0;
    st->cr2 = c->cr2;
    st->cr3 = c->cr3;
    st->cr4 = c->cr4;
    st->dr[0] = c->dr0;
    st->dr[1] = c->dr1;
    st->dr[2] = c->dr2;
    st->dr[3] = c->dr3;
    st->dr6 = c->dr6;
    st->dr7 = c->dr7;
    vrun_seg_from(&st->seg[HVAL_CS], c->cs_sel, c->cs_limit, c->cs_base, c->cs_arbytes);
    vrun_seg_from(&st->seg[HVAL_DS], c->ds_sel, c->ds_limit, c->ds_base, c->ds_arbytes);
    vrun_seg_from(&st->seg[HVAL_ES], c->es_sel, c->es_limit, c->es_base, c->es_arbytes);
    vrun_seg_from(&st->seg[HVAL_FS], c->fs_sel, c->fs_limit, c->fs_base, c->fs_arbytes);
    vrun_seg_from(&st->seg[HVAL_GS], c->gs_sel, c->gs_limit, c->gs_base, c->gs_arbytes);
    vrun_seg_from(&st->seg[HVAL_SS], c->ss_sel, c->ss_limit, c->ss_base, c->ss_arbytes);
    vrun_seg_from(&st->tr, c->tr_sel, c->tr_limit, c->tr_base, c->tr_arbytes);
    vrun_seg_from(&st->ldtr, c->ldtr_sel, c->ldtr_limit, c->ldtr_base, c->ldtr_arbytes);
    st->idtr = (struct hval_dtable){c->idtr_base, (uint16_t)c->idtr_limit};
    st->gdtr = (struct hval_dtable){c->gdtr_base, (uint16_t)c->gdtr_limit};
    st->sysenter_cs = c->sysenter_cs;
    st->sysenter_esp = c->sysenter_esp;
    st->sysenter_eip = c->sysenter_eip;
    st->kernel_gs_base = c->shadow_gs;
    st->lstar = c->msr_lstar;
    st->star = c->msr_star;
    st->cstar = c->msr_cstar;
    st->sfmask = c->msr_syscall_mask;
    st->efer = c->msr_efer;
}

int vrun_vcpu_create(struct vrun_vcpu *vc, const struct hval_state *st)
{
    struct vrun_dom *rd = vc->rd;
    struct hval_vcpu *sibling = NULL;
    struct hval_vcpu_config cfg = {.handler = vrun_exit_handler, .opaque = vc};
    int rc;

    for (unsigned i = 0; i < rd->nvc && !sibling; i++)
        sibling = rd->vc[i].hv;
    cfg.sibling = sibling;
    if (!rd->d->is_hvm && vrun_pv && vrun_pv->vcpu_config)
        vrun_pv->vcpu_config(rd->d, vc->id, &cfg);
    rc = rd->ops->vcpu_create(&cfg, &vc->hv);
    if (rc)
        return rc;
    rc = vrun_mem_map_vcpu(rd, vc->hv);
    if (!rc && !rd->d->is_hvm && vrun_pv && vrun_pv->vcpu_created)
        rc = vrun_pv->vcpu_created(rd->d, vc->hv);
    if (!rc)
        rc = rd->ops->set_state(vc->hv, st);
    if (rc) {
        rd->ops->vcpu_destroy(vc->hv);
        vc->hv = NULL;
    }
    return rc;
}

/* vCPU 0's first state: the HVM context's CPU record, or the PV hooks. */
static int boot_state(struct vrun_dom *rd, struct hval_state *st)
{
    struct domain *d = rd->d;
    const uint8_t *payload;
    uint32_t plen;
    int rc;

    pthread_mutex_lock(&hv_lock);
    if (!d->is_hvm) {
        rc = vrun_pv ? vrun_pv->initial_state(d, 0, st) : -EOPNOTSUPP;
    } else if (!d->hvm_context) {
        rc = -ENOENT;
    } else {
        rc = hvm_context_find(d->hvm_context, d->hvm_context_len, HVM_SAVE_CODE_CPU, 0, &payload,
                              &plen);
        if (!rc && plen < sizeof(struct hvm_hw_cpu))
            rc = -EINVAL;
        if (!rc) {
            struct hvm_hw_cpu cpu;
            memcpy(&cpu, payload, sizeof(cpu));
            state_from_hw_cpu(st, &cpu);
        }
    }
    pthread_mutex_unlock(&hv_lock);
    return rc;
}

/* Is rip at the hlt of `sti; hlt`?  The engine may stop between the two
 * (STI ends its block) and has no interrupt shadow to tell; delivering
 * there would run the handler before the hlt and lose the wake-up. */
static bool in_sti_shadow(struct vrun_vcpu *vc, const struct hval_regs *regs)
{
    uint8_t b[2];

    if (!regs->rip || vc->rd->ops->read_linear(vc->hv, regs->rip - 1, b, 2))
        return false;
    return b[0] == 0xfb && b[1] == 0xf4;
}

/* Events and interrupts before an entry. */
/* Inject what is due; true if something still waits (IF clear, an sti
 * shadow, or more pending behind what was injected). */
static bool deliver_interrupts(struct vrun_vcpu *vc)
{
    struct vrun_dom *rd = vc->rd;
    struct hval_regs regs;
    struct hvm_intack ack;
    uint8_t cb = callback_vector(rd);
    bool if_set;

    if (!rd->d->is_hvm && vrun_pv && vrun_pv->deliver_events) {
        vrun_pv->deliver_events(vc, vc->hv);
        return false;
    }
    if (rd->ops->get_regs(vc->hv, &regs))
        return false;
    if_set = regs.rflags & RFLAGS_IF;
    if (if_set && in_sti_shadow(vc, &regs))
        goto waiting; /* `sti; hlt`: the hlt comes first, then its wake-up */
    if (cb && if_set && upcall_pending(vc)) {
        struct hval_event ev = {.kind = HVAL_EVENT_EXTINT, .vector = cb};
        if (rd->ops->inject(vc->hv, &ev) == 0)
            goto waiting;
    }
    if (rd->plat && hvm_irq_pending(rd->plat, vc->id, if_set, &ack) &&
        hvm_irq_ack(rd->plat, vc->id, &ack) == 0) {
        struct hval_event ev = {.kind = ack.source == HVM_INTSRC_NMI ? HVAL_EVENT_NMI
                                                                     : HVAL_EVENT_EXTINT,
                                .vector = ack.source == HVM_INTSRC_NMI ? 2 : ack.vector};
        rd->ops->inject(vc->hv, &ev);
    }
waiting:
    return (cb && upcall_pending(vc)) || (rd->plat && hvm_irq_wakes(rd->plat, vc->id, true));
}

static bool vcpu_if_set(struct vrun_vcpu *vc)
{
    struct hval_regs regs;
    return vc->hv && !vc->rd->ops->get_regs(vc->hv, &regs) && (regs.rflags & RFLAGS_IF);
}

/* Does a blocked vCPU wake now? */
static void update_wake(struct vrun_vcpu *vc, uint64_t now)
{
    struct vrun_dom *rd = vc->rd;
    bool wake = false;

    switch (vc->state) {
    case VC_HLT: {
        bool ifs = vcpu_if_set(vc);
        wake = (ifs && callback_vector(rd) && upcall_pending(vc)) ||
               (rd->plat && hvm_irq_wakes(rd->plat, vc->id, ifs));
        break;
    }
    case VC_BLOCKED:
        wake = upcall_pending(vc) || (rd->plat && hvm_irq_wakes(rd->plat, vc->id, true));
        break;
    case VC_POLL:
        wake = vc->poll_timeout && now >= vc->poll_timeout;
        for (unsigned i = 0; !wake && i < vc->npoll; i++)
            wake = evtchn_is_pending(rd->d, vc->poll_ports[i]);
        break;
    default:
        return;
    }
    if (wake) {
        vc->state = VC_RUNNABLE;
        vrun_rs_set(vc, RUNSTATE_runnable, now);
    }
}

static void run_vcpu_timers(struct vrun_dom *rd, uint64_t now)
{
    for (unsigned i = 0; i < rd->nvc; i++) {
        struct vrun_vcpu *vc = &rd->vc[i];
        bool fire = false;
        if (vc->timer && now >= vc->timer) {
            vc->timer = 0;
            fire = true;
        }
        if (vc->period && now >= vc->period_next) {
            vc->period_next += vc->period;
            if (vc->period_next <= now)
                vc->period_next = now + vc->period;
            fire = true;
        }
        if (fire) {
            pthread_mutex_lock(&hv_lock);
            evtchn_send_virq(rd->d, vc->id, VIRQ_TIMER);
            pthread_mutex_unlock(&hv_lock);
        }
    }
}

/* A watchdog timer the guest stopped poking: the domain is shut down,
 * as Xen's domain_watchdog_timeout, with its message in xl dmesg. */
static void run_watchdog(struct vrun_dom *rd, uint64_t now)
{
    if (!watchdog_take_expired(rd->d, now))
        return;
    log_warn("Watchdog timer fired for domain %u", rd->d->domid);
    pthread_mutex_lock(&hv_lock);
    vrun_shutdown(rd->d, SHUTDOWN_watchdog);
    pthread_mutex_unlock(&hv_lock);
}

static uint64_t next_deadline(struct vrun_dom *rd)
{
    uint64_t next = rd->plat ? hvm_platform_next_deadline(rd->plat) : UINT64_MAX;
    uint64_t watchdog = watchdog_next(rd->d);

    if (watchdog < next)
        next = watchdog;

    for (unsigned i = 0; i < rd->nvc; i++) {
        struct vrun_vcpu *vc = &rd->vc[i];
        if (vc->state == VC_DOWN)
            continue;
        if (vc->timer && vc->timer < next)
            next = vc->timer;
        if (vc->period && vc->period_next < next)
            next = vc->period_next;
        if (vc->state == VC_POLL && vc->poll_timeout && vc->poll_timeout < next)
            next = vc->poll_timeout;
    }
    return next;
}

/* Frames other threads wrote (domain_code_written). */
static void apply_code_written(struct vrun_dom *rd)
{
    uint64_t *gfns;
    unsigned n;

    pthread_mutex_lock(&hv_lock);
    gfns = domain_code_written_take(rd->d, &n);
    pthread_mutex_unlock(&hv_lock);
    for (unsigned i = 0; i < n; i++)
        vrun_code_written(rd, gfns[i] << 12, 4096);
    free(gfns);
}

/*
 * hlt with interrupts off on an HVM or PVH vCPU takes it down, and the
 * domain powers off once no vCPU is left up, as Xen's hvm_hlt and
 * hvm_vcpu_down: it is how Linux's halt and power-off end when there is
 * no ACPI sleep register (a PVH Linux reaches its "System halted" there).
 */
static void hlt_vcpu_down(struct vrun_vcpu *vc)
{
    struct vrun_dom *rd = vc->rd;
    char msg[96];
    int n;

    vrun_vcpu_down(vc->v);
    for (unsigned i = 0; i < rd->nvc; i++)
        if (rd->vc[i].state != VC_DOWN)
            return;
    n = snprintf(msg, sizeof(msg), "(XEN) d%u: all vCPUs offline -- powering off\n", rd->d->domid);
    console_ring_write(msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    pthread_mutex_lock(&hv_lock);
    vrun_shutdown(rd->d, SHUTDOWN_poweroff);
    pthread_mutex_unlock(&hv_lock);
}

static void handle_exit(struct vrun_vcpu *vc, struct hval_exit *e)
{
    struct vrun_dom *rd = vc->rd;
    char why[96];

    switch (e->kind) {
    case HVAL_EXIT_HYPERCALL:
        if (!rd->d->is_hvm && vrun_pv) {
            if (vrun_pv->exit(vc, vc->hv, e))
                vrun_crash(rd, "PV hypercall exit failed");
            return;
        }
        vrun_handle_hypercall(vc, e);
        return;
    case HVAL_EXIT_HLT:
        if (rd->d->is_hvm && !vcpu_if_set(vc)) {
            hlt_vcpu_down(vc);
            return;
        }
        vc->state = VC_HLT;
        vrun_rs_set(vc, RUNSTATE_blocked, vrun_now());
        return;
    case HVAL_EXIT_EXCEPTION: {
        if (!rd->d->is_hvm && vrun_pv) {
            if (vrun_pv->exit(vc, vc->hv, e))
                vrun_crash(rd, "PV exception exit failed");
            return;
        }
        struct hval_event ev = {
            .kind = e->exception.software ? HVAL_EVENT_SOFTINT : HVAL_EVENT_EXCEPTION,
            .vector = e->exception.vector,
            .has_error_code = e->exception.has_error_code,
            .error_code = e->exception.error_code,
            .cr2 = e->exception.cr2,
        };
        if (e->exception.vector == 2 && !e->exception.software)
            ev.kind = HVAL_EVENT_NMI;
        /* A non-canonical address is #GP(0), not a page fault. */
        uint64_t top = e->exception.cr2 >> 47;
        if (ev.kind == HVAL_EVENT_EXCEPTION && ev.vector == 14 && top && top != 0x1ffff) {
            ev.vector = 13;
            ev.error_code = 0;
            ev.cr2 = 0;
        }
        if (rd->ops->inject(vc->hv, &ev)) {
            snprintf(why, sizeof(why), "vcpu %u cannot take exception %u", vc->id,
                     e->exception.vector);
            vrun_crash(rd, why);
        }
        return;
    }
    case HVAL_EXIT_TRIPLE_FAULT:
        snprintf(why, sizeof(why), "vcpu %u triple fault", vc->id);
        vrun_crash(rd, why);
        return;
    case HVAL_EXIT_ERROR:
        snprintf(why, sizeof(why), "vcpu %u: CPU error %d at gpa %#llx", vc->id, e->error.error,
                 (unsigned long long)e->error.gpa);
        vrun_crash(rd, why);
        return;
    default:
        return;
    }
}

/*
 * Wake-ups: the invariant.
 *
 * Whatever can make a vCPU runnable (an event channel send or unmask, a
 * VIRQ, a LAPIC/IO-APIC interrupt or IPI, INIT/SIPI, a timer) changes
 * guest-visible state first (pending bits, IRR, the inbox) and then calls
 * vrun_kick(), which sets rd->wake and kicks rd->active, both under
 * rd->lock.  The domain thread
 *   1. clears rd->wake (under rd->lock) and only then looks at every
 *      vCPU's wake condition (scan_wakeups);
 *   2. publishes the vCPU it runs as rd->active under rd->lock, and only
 *      if rd->wake is still clear (publish_active); otherwise it scans
 *      again;
 *   3. sleeps (no vCPU runnable) only if rd->wake is clear, under rd->lock.
 * So every wake-up is either seen by a scan that starts after it, or
 * kicks the run that was published before it (the run ends at its next
 * block start), or stops the sleep.  A timer armed inside a run (LAPIC,
 * through an exit handler) moves the run's end (vrun_deadline_changed).
 *
 * The hole this closes: the scan looked at a halted vCPU, then an event
 * for it came before the runnable one was published; rd->wake was set
 * but nobody looked at it, and the lone runnable vCPU ran with no end
 * (a 2-vCPU PVH Linux hung about 1 boot in 8, its AP spinning for the
 * halted BSP; PV Linux stalled in stop_machine).  A lone runnable vCPU
 * therefore needs no time slice while others are halted or blocked.
 */
static unsigned scan_wakeups(struct vrun_dom *rd)
{
    unsigned nrunnable = 0;
    uint64_t now;

    pthread_mutex_lock(&rd->lock);
    rd->wake = false;
    pthread_mutex_unlock(&rd->lock);
    /* Code written by other threads goes before the events that tell of
     * it: the event flag is read first, so a write queued before an event
     * was raised is seen with it. */
    bool events = evtchn_has_deferred(rd->d);
    if (__atomic_load_n(&rd->d->nr_code_written, __ATOMIC_SEQ_CST))
        apply_code_written(rd);
    if (events) { /* events from other threads */
        pthread_mutex_lock(&hv_lock);
        evtchn_apply_deferred(rd->d);
        pthread_mutex_unlock(&hv_lock);
    }
    now = vrun_now();
    if (rd->plat) {
        hvm_platform_poll(rd->plat);
        hvm_platform_run_timers(rd->plat, now);
    }
    run_vcpu_timers(rd, now);
    run_watchdog(rd, now);
    vrun_apply_cpu_events(rd); /* from the IO-APIC */
    for (unsigned i = 0; i < rd->nvc; i++) {
        update_wake(&rd->vc[i], now);
        nrunnable += rd->vc[i].state == VC_RUNNABLE;
    }
    return nrunnable;
}

/* vc's run may start: no wake-up came since the last scan.  Also false
 * when the domain may not run now (paused, stopping). */
static bool publish_active(struct vrun_vcpu *vc, bool *again)
{
    struct vrun_dom *rd = vc->rd;
    bool ok;

    pthread_mutex_lock(&rd->lock);
    *again = rd->wake && rd->running && !rd->stop;
    ok = rd->running && !rd->stop && !rd->wake;
    if (ok)
        rd->active = vc->hv;
    pthread_mutex_unlock(&rd->lock);
    return ok;
}

/* Domain thread, inside a run (exit handlers): the platform may have
 * armed a timer sooner than the run's end; end the run then. */
void vrun_deadline_changed(struct vrun_dom *rd)
{
    uint64_t next;

    if (!rd->plat || !rd->run_hv)
        return;
    next = hvm_platform_next_deadline(rd->plat);
    if (next < rd->run_end) {
        rd->run_end = next;
        ticker_arm(rd, rd->run_hv, next);
    }
}

/* Run vc, already published as rd->active (publish_active). */
static void run_slice(struct vrun_vcpu *vc, unsigned nrunnable, uint64_t deadline)
{
    struct vrun_dom *rd = vc->rd;
    struct hval_exit e;
    uint64_t start = vrun_now(), end;
    bool irq_waits = false;
    int rc;

    vrun_time_update(vc, start);
    if (rd->d->is_hvm || vrun_pv) /* PV: events to the guest's callback */
        irq_waits = deliver_interrupts(vc);
    /*
     * A slice only when another vCPU waits its turn or a timer is due (the
     * ticker kicks the vCPU at its end); a lone vCPU runs until it exits
     * or an event kicks it (vrun_kick; see the invariant above).
     */
    end = nrunnable > 1 ? start + SLICE_NS : UINT64_MAX;
    if (deadline < end)
        end = deadline;
    /* An event the guest cannot take yet (interrupts off, an sti shadow,
     * more behind the one injected): the backend's interrupt-window exit
     * ends the run as soon as IF is set; without one, it is tried again
     * after IRQ_WINDOW_NS, not at the next exit (a PVH Linux lost about
     * half its timer ticks, its clock lagging).  Either way it stays
     * pending in the platform/vcpu_info until delivered: nothing is lost,
     * at worst late. */
    if (irq_waits && rd->ops->irq_window)
        rd->ops->irq_window(vc->hv, true);
    else if (irq_waits && start + IRQ_WINDOW_NS < end)
        end = start + IRQ_WINDOW_NS;
    rd->run_hv = vc->hv;
    rd->run_end = end;
    if (end != UINT64_MAX)
        ticker_arm(rd, vc->hv, end);
    vrun_rs_set(vc, RUNSTATE_running, start);
    rc = rd->ops->run(vc->hv, 0, &e);
    if (irq_waits && rd->ops->irq_window)
        rd->ops->irq_window(vc->hv, false);
    if (rd->run_end != UINT64_MAX)
        ticker_disarm(rd);
    rd->run_hv = NULL;
    pthread_mutex_lock(&rd->lock);
    rd->active = NULL;
    pthread_mutex_unlock(&rd->lock);
    __atomic_fetch_add(&rd->d->cpu_time_ns, vrun_now() - start, __ATOMIC_RELAXED);
    if (rc)
        vrun_crash(rd, "the CPU backend failed");
    else
        handle_exit(vc, &e); /* a hypercall sees its vCPU running */
    if (vc->rs_state == RUNSTATE_running)
        vrun_rs_set(vc, RUNSTATE_runnable, vrun_now());
    vrun_apply_cpu_events(rd); /* INIT/SIPI it sent */
}

static void *domain_thread(void *arg)
{
    struct vrun_dom *rd = arg;
    struct hval_state st;
    int rc;

    domain_bind_thread(rd->d);
    rc = boot_state(rd, &st);
    if (!rc)
        rc = vrun_vcpu_create(&rd->vc[0], &st);
    if (rc) {
        log_error("domain %u: cannot start vcpu 0: %s", rd->d->domid, strerror(-rc));
        vrun_crash(rd, "vcpu 0 cannot start");
    } else {
        rd->vc[0].state = VC_RUNNABLE;
        vrun_rs_set(&rd->vc[0], RUNSTATE_runnable, vrun_now());
        pthread_mutex_lock(&hv_lock);
        rd->vc[0].v->online = true;
        pthread_mutex_unlock(&hv_lock);
    }
    for (;;) {
        pthread_mutex_lock(&rd->lock);
        while (!rd->stop && !rd->running)
            pthread_cond_wait(&rd->cond, &rd->lock);
        if (rd->stop) {
            pthread_mutex_unlock(&rd->lock);
            break;
        }
        pthread_mutex_unlock(&rd->lock);

        unsigned nrunnable = scan_wakeups(rd);
        if (nrunnable) {
            for (unsigned k = 0; k < rd->nvc; k++) {
                struct vrun_vcpu *vc = &rd->vc[(rd->rr + k) % rd->nvc];
                bool again = true;
                /* Scanned again before each slice: the previous one may
                 * have woken a vCPU (an event-channel IPI: its turn comes
                 * in this round, not after the sender's next slice, often
                 * a spin waiting for it), started one (SIPI, VCPUOP_up) or
                 * armed a timer; with the round's first count an AP Linux
                 * had just started ran alone, spinning for the BSP. */
                if (k)
                    nrunnable = scan_wakeups(rd);
                /* A turn is a slice of time, not one run: a vCPU whose
                 * runs end at once (hypercalls, event bounces) ran a few
                 * microseconds per round while the other spun 10 ms (PV
                 * Linux with vcpus=2 stalled in stop_machine: vCPU 0
                 * runnable 82 s of 90, vCPU 1 running 82 s). */
                uint64_t turn_end = vrun_now() + SLICE_NS;
                bool ran;
                do {
                    ran = false;
                    again = true;
                    while (again) {
                        if (vc->state != VC_RUNNABLE || !vc->hv)
                            break;
                        if (publish_active(vc, &again)) {
                            uint64_t dl = next_deadline(rd);
                            if (nrunnable > 1 && turn_end < dl)
                                dl = turn_end;
                            run_slice(vc, nrunnable, dl);
                            ran = true;
                            break;
                        }
                        if (again)
                            nrunnable = scan_wakeups(rd);
                    }
                    if (ran && nrunnable > 1 && vrun_now() < turn_end)
                        nrunnable = scan_wakeups(rd);
                    else
                        break;
                } while (nrunnable > 1);
            }
            rd->rr = (rd->rr + 1) % rd->nvc;
            continue;
        }
        /* Everything blocked: sleep until the nearest deadline or a kick. */
        uint64_t deadline = next_deadline(rd);
        pthread_mutex_lock(&rd->lock);
        if (!rd->wake && !rd->stop && rd->running) {
            if (deadline == UINT64_MAX) {
                pthread_cond_wait(&rd->cond, &rd->lock);
            } else {
                struct timespec ts = abs_ts(deadline);
                pthread_cond_timedwait(&rd->cond, &rd->lock, &ts);
            }
        }
        pthread_mutex_unlock(&rd->lock);
    }
    ticker_add(rd, false);
    for (unsigned i = 0; i < rd->nvc; i++)
        if (rd->vc[i].hv) {
            rd->ops->vcpu_destroy(rd->vc[i].hv);
            rd->vc[i].hv = NULL;
        }
    return NULL;
}

/* Platform callbacks. */
static uint64_t plat_now(void *opaque)
{
    return vrun_now();
}

static int64_t plat_wall(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void plat_kick(void *opaque, unsigned vcpu)
{
    struct vrun_dom *rd = opaque;
    vrun_kick(rd->d, vcpu);
}

static void plat_debug_write(void *opaque, const char *buf, size_t len)
{
    vrun_debug_write(opaque, buf, len);
}

static void plat_serial_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct vrun_dom *rd = opaque;
    console_backend_serial_out(rd->d->domid, buf, len);
}

static void plat_acpi_sleep(void *opaque, unsigned slp_typ)
{
    struct vrun_dom *rd = opaque;
    pthread_mutex_lock(&hv_lock);
    vrun_shutdown(rd->d, SHUTDOWN_poweroff);
    pthread_mutex_unlock(&hv_lock);
}

static void plat_time_offset(void *opaque, int64_t seconds)
{
    struct vrun_dom *rd = opaque;
    pthread_mutex_lock(&hv_lock);
    rd->d->time_offset_seconds = seconds;
    pthread_mutex_unlock(&hv_lock);
}

static void serial_in(void *opaque, const uint8_t *buf, size_t len)
{
    struct vrun_dom *rd = opaque;
    if (rd->plat)
        hvm_platform_serial_input(rd->plat, buf, len);
}

static void rd_free(struct vrun_dom *rd)
{
    if (!rd)
        return;
    if (rd->plat)
        hvm_platform_destroy(rd->plat);
    vrun_mem_fini(rd);
    pthread_mutex_destroy(&rd->lock);
    pthread_cond_destroy(&rd->cond);
    free(rd->vc);
    free(rd);
}

static struct vrun_dom *rd_new(struct domain *d)
{
    struct vrun_dom *rd = calloc(1, sizeof(*rd));

    if (!rd)
        return NULL;
    rd->d = d;
    rd->ops = vrun_ops;
    pthread_mutex_init(&rd->lock, NULL);
    cond_init_mono(&rd->cond);
    rd->nvc = d->max_vcpus;
    rd->vc = calloc(rd->nvc, sizeof(*rd->vc));
    if (!rd->vc || vrun_mem_init(rd))
        goto fail;
    for (unsigned i = 0; i < rd->nvc; i++) {
        rd->vc[i].rd = rd;
        rd->vc[i].v = d->vcpus[i];
        rd->vc[i].id = i;
        rd->vc[i].state = VC_DOWN;
        rd->vc[i].rs_state = RUNSTATE_offline;
        rd->vc[i].wait_sipi = d->is_hvm && i != 0; /* APs, as after power-up */
    }
    if (d->is_hvm) {
        struct hvm_platform_ops pops = {
            .opaque = rd,
            .now_ns = plat_now,
            .wall_ns = plat_wall,
            .kick = plat_kick,
            .cpu_event = vrun_cpu_event,
            .debug_write = plat_debug_write,
            .serial_write = plat_serial_write,
            .acpi_sleep = plat_acpi_sleep,
            .time_offset_changed = plat_time_offset,
        };
        rd->plat = hvm_platform_create(d, &pops);
        if (!rd->plat)
            goto fail;
    }
    return rd;
fail:
    rd_free(rd);
    return NULL;
}

/* Domain hooks. */
static int hook_unpaused(struct domain *d)
{
    struct vrun_dom *rd = d->backend;
    int rc;

    if (!d->is_hvm && !vrun_pv)
        return 0; /* PV: nothing runs it yet */
    if (!rd) {
        rd = rd_new(d);
        if (!rd)
            return -ENOMEM;
        d->backend = rd;
        d->kick = vrun_kick;
        if (d->is_hvm && d->hvm_params[HVM_PARAM_CONSOLE_PFN]) {
            rc = console_backend_attach(d, d->hvm_params[HVM_PARAM_CONSOLE_PFN],
                                        (evtchn_port_t)d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN],
                                        has_vpic(d) ? serial_in : NULL, rd);
            if (rc)
                log_warn("domain %u: no console: %s", d->domid, strerror(-rc));
        } else if (!d->is_hvm && vrun_pv->console) {
            uint64_t gfn;
            uint32_t port;
            rc = vrun_pv->console(d, &gfn, &port);
            if (!rc)
                rc = console_backend_attach(d, gfn, port, NULL, rd);
            if (rc)
                log_warn("domain %u: no console: %s", d->domid, strerror(-rc));
        }
    }
    pthread_mutex_lock(&rd->lock);
    rd->running = !d->shutdown;
    rd->wake = true;
    pthread_cond_signal(&rd->cond);
    pthread_mutex_unlock(&rd->lock);
    if (!rd->started) {
        log_info("domain %u: vcpu 0 starts", d->domid);
        ticker_add(rd, true);
        rc = pthread_create(&rd->thread, NULL, domain_thread, rd);
        if (rc) {
            ticker_add(rd, false);
            return -rc;
        }
        rd->started = true;
    }
    return 0;
}

static void hook_paused(struct domain *d)
{
    struct vrun_dom *rd = d->backend;

    if (!rd)
        return;
    pthread_mutex_lock(&rd->lock);
    rd->running = false;
    if (rd->active)
        rd->ops->kick(rd->active);
    pthread_mutex_unlock(&rd->lock);
}

static void hook_destroying(struct domain *d)
{
    struct vrun_dom *rd = d->backend;

    console_backend_detach(d->domid);
    if (!rd)
        return;
    pthread_mutex_lock(&rd->lock);
    rd->stop = true;
    pthread_cond_signal(&rd->cond);
    if (rd->active)
        rd->ops->kick(rd->active);
    pthread_mutex_unlock(&rd->lock);
    if (rd->started)
        pthread_join(rd->thread, NULL);
    pthread_mutex_lock(&hv_lock);
    d->kick = NULL;
    d->backend = NULL;
    for (unsigned i = 0; i < d->max_vcpus; i++)
        d->vcpus[i]->vcpu_info = NULL;
    pthread_mutex_unlock(&hv_lock);
    rd_free(rd);
}

static const struct domain_hooks vrun_hooks = {
    .unpaused = hook_unpaused,
    .paused = hook_paused,
    .destroying = hook_destroying,
};

/* The guest_run table (hv_lock held, on the calling vCPU's thread). */
static void gr_yield(struct vcpu *v)
{
}

static void gr_block(struct vcpu *v)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    if (vc) {
        vc->state = VC_BLOCKED;
        vrun_rs_set(vc, RUNSTATE_blocked, vrun_now());
    }
}

static void gr_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned n, uint64_t timeout)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    if (!vc)
        return;
    memcpy(vc->poll_ports, ports, n * sizeof(*ports));
    vc->npoll = n;
    vc->poll_timeout = timeout;
    vc->state = VC_POLL;
    vrun_rs_set(vc, RUNSTATE_blocked, vrun_now());
}

static void gr_set_timer(struct vcpu *v, uint64_t deadline)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    if (vc)
        vc->timer = deadline;
}

static void gr_set_periodic(struct vcpu *v, uint64_t period)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    if (!vc)
        return;
    vc->period = period;
    vc->period_next = period ? vrun_now() + period : 0;
}

static const struct guest_run_ops vrun_guest_ops = {
    .now_ns = vrun_now,
    .yield = gr_yield,
    .block = gr_block,
    .poll = gr_poll,
    .shutdown = vrun_shutdown,
    .set_timer = gr_set_timer,
    .set_periodic = gr_set_periodic,
    .vcpu_initialise = vrun_vcpu_initialise,
    .vcpu_up = vrun_vcpu_up,
    .vcpu_down = vrun_vcpu_down,
    .vcpu_is_up = vrun_vcpu_is_up,
    .register_vcpu_info = vrun_register_vcpu_info,
    .runstate = vrun_runstate,
    .runstate_area = vrun_runstate_area,
    .physmap_changed = vrun_physmap_changed,
};

int vrun_init(const char *rundir)
{
    int rc;

    boot_ns = mono_ns();
    vrun_ops = hval_backend("emu");
    if (!vrun_ops)
        return -ENODEV;
    vrun_calibrate_tsc();
    cond_init_mono(&tk_cond);
    rc = pthread_create(&tk_thread, NULL, ticker_main, NULL);
    if (rc)
        return -rc;
    tk_started = true;
    rc = console_backend_start(rundir);
    if (rc)
        log_warn("console backend: %s", strerror(-rc));
    domain_set_hooks(&vrun_hooks);
    guest_run_set_ops(&vrun_guest_ops);
    return 0;
}

void vrun_fini(void)
{
    if (tk_started) {
        pthread_mutex_lock(&tk_lock);
        tk_stop = true;
        pthread_cond_signal(&tk_cond);
        pthread_mutex_unlock(&tk_lock);
        pthread_join(tk_thread, NULL);
        tk_started = false;
    }
    console_backend_stop();
}
