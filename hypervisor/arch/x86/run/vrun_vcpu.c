/*
 * vrun_vcpu.c: a vCPU's life around its runs: starting and stopping it
 * (VCPUOP_initialise / up / down / is_up, and INIT and SIPI as the LAPIC
 * and IO-APIC send them), its vcpu_info registration, and its runstate
 * (accounting, VCPUOP_get_runstate_info and the guest's runstate area).
 * The domain thread (vrun_domain.c) runs what is runnable.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvm_context.h"
#include "hypercall.h"
#include "log.h"
#include "public/hvm/hvm_vcpu.h"
#include "public/sched.h"
#include "pv_domain.h"
#include "vrun_internal.h"

/* hvm_hw_cpu (XEN_DOMCTL_sethvmcontext) to the backend's state. */
void vrun_seg_from(struct hval_segment *s, uint32_t sel, uint32_t limit, uint64_t base, uint32_t ar)
{
    s->selector = (uint16_t)sel;
    s->limit = limit;
    s->base = base;
    s->attr = (ar & 0x10000) ? 0 : (uint16_t)(ar & 0xfff);
}

struct vrun_vcpu *vrun_vc_of(struct vcpu *v)
{
    struct vrun_dom *rd = v->domain->backend;
    return rd && v->id < rd->nvc ? &rd->vc[v->id] : NULL;
}

/*
 * The guest's runstate area (VCPUOP_register_runstate_memory_area),
 * rewritten at every runstate change as Xen's update_runstate_area:
 * copied out through the vCPU's own page tables (a bad address is the
 * guest's problem: nothing is written), in the 32-bit layout (int state,
 * then the uint64s packed at offset 4) for a 32-bit caller.  With
 * VMASST_TYPE_runstate_update_flag (PV guests may ask; HVM has no
 * vm_assist), XEN_RUNSTATE_UPDATE is set in state_entry_time before the
 * area changes and cleared after, so a reader on another vCPU can retry.
 * (Here all of a domain's vCPUs run on its one thread, and the area is
 * written only between runs, so no guest reader sees it half-written.)
 */
#define XEN_RUNSTATE_UPDATE (1ull << 63)
#define RS_NATIVE_SIZE      48u
#define RS_COMPAT_SIZE      44u
_Static_assert(sizeof(struct vcpu_runstate_info) == RS_NATIVE_SIZE, "runstate layout");

static bool rs_update_flag(struct vrun_vcpu *vc)
{
    const struct pv_domain *pd = vc->rd->d->is_hvm ? NULL : pv_dom(vc->rd->d);
    return pd && (pd->vm_assist & (1ull << VMASST_TYPE_runstate_update_flag));
}

static void rs_write_area(struct vrun_vcpu *vc)
{
    struct vrun_dom *rd = vc->rd;
    uint8_t b[RS_NATIVE_SIZE];
    int32_t state = vc->rs_state;
    uint64_t entry = vc->rs_entry;
    unsigned at = vc->rs_compat ? 4 : 8, size = vc->rs_compat ? RS_COMPAT_SIZE : RS_NATIVE_SIZE;
    bool flag = rs_update_flag(vc);
    uint8_t old;

    if (!vc->rs_gva || !vc->hv)
        return;
    /* The whole area must be reachable first: a flag set and then left
     * set by a failed write would make the guest's reader retry for ever. */
    if (rd->ops->read_linear(vc->hv, vc->rs_gva, b, size))
        return;
    old = b[at + 7];
    if (flag) { /* the flag first, in the byte holding bit 63 */
        uint8_t top = old | 0x80;
        if (rd->ops->write_linear(vc->hv, vc->rs_gva + at + 7, &top, 1))
            return;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        entry |= XEN_RUNSTATE_UPDATE;
    }
    memset(b, 0, sizeof(b));
    memcpy(b, &state, 4);
    memcpy(b + at, &entry, 8);
    memcpy(b + at + 8, vc->rs_time, sizeof(vc->rs_time));
    if (rd->ops->write_linear(vc->hv, vc->rs_gva, b, size)) {
        if (flag) /* put the byte back: no flag left behind */
            rd->ops->write_linear(vc->hv, vc->rs_gva + at + 7, &old, 1);
        return;
    }
    if (flag) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        entry &= ~XEN_RUNSTATE_UPDATE;
        rd->ops->write_linear(vc->hv, vc->rs_gva + at, &entry, 8);
    }
}

/* Runstate accounting. */
void vrun_rs_set(struct vrun_vcpu *vc, int state, uint64_t now)
{
    vc->v->blocked = state == RUNSTATE_blocked;
    if (vc->rs_state >= 0 && vc->rs_state < 4 && now > vc->rs_entry)
        vc->rs_time[vc->rs_state] += now - vc->rs_entry;
    vc->rs_state = state;
    vc->rs_entry = now;
    rs_write_area(vc);
}

/*
 * INIT and SIPI (LAPIC ICR writes, IO-APIC messages) are recorded here and
 * applied by apply_cpu_events() on the domain thread once the sender's run
 * has ended: no vCPU's state changes under a running engine, and the
 * sender itself may be a target.  The sender is kicked, so its run ends
 * at its next block start.  (Not HVAL_STOP from the MMIO exit: the emu
 * backend then leaves RIP at the start of the block holding the ICR
 * write, and the write happens again.)
 */
void vrun_cpu_event(void *opaque, unsigned vcpu, enum hvm_cpu_event ev, uint8_t vector)
{
    struct vrun_dom *rd = opaque;
    struct vrun_vcpu *vc;

    if (vcpu >= rd->nvc)
        return;
    vc = &rd->vc[vcpu];
    if (ev == HVM_CPU_INIT) {
        vc->init_pending = true;
        vc->sipi_pending = 0; /* a SIPI before it no longer matters */
    } else if (ev == HVM_CPU_SIPI) {
        /* Only an AP waiting for SIPI takes one (after INIT, the BSP runs
         * from the reset vector); the first of the pair wins. */
        bool waits = vc->init_pending ? vc->id != 0 : vc->wait_sipi;
        if (!waits || vc->sipi_pending)
            return;
        vc->sipi_pending = (uint16_t)(vector + 1);
    } else {
        return;
    }
    rd->cpu_events = true;
    if (rd->active) /* this thread's own vCPU, in its exit handler */
        rd->ops->kick(rd->active);
}

#define CR0_CD_NW 0x60000000ull
/* EDX after INIT: the processor signature, CPUID.1.EAX of the engine's
 * CPU (unicorn 2.1.1's default model: family 6, model 6, stepping 3). */
#define HVM_RESET_EDX 0x663

/*
 * The state INIT leaves (SDM vol. 3, processor state following power-up,
 * reset or INIT), running at cs_sel:ip with CS base cs_base: real mode,
 * 64 KiB segments, CR0 = CD NW ET (CD/NW kept from before), EFER 0.  INIT
 * keeps x87/SSE state and the other MSRs: taken from old when there is one.
 */
static void init_state(struct hval_state *st, const struct hval_state *old, uint16_t cs_sel,
                       uint64_t cs_base, uint64_t ip)
{
    hval_state_flat32(st, 0);
    if (old) {
        st->fpu = old->fpu;
        st->star = old->star;
        st->lstar = old->lstar;
        st->cstar = old->cstar;
        st->sfmask = old->sfmask;
        st->kernel_gs_base = old->kernel_gs_base;
        st->sysenter_cs = old->sysenter_cs;
        st->sysenter_esp = old->sysenter_esp;
        st->sysenter_eip = old->sysenter_eip;
        st->pat = old->pat;
    }
    for (int s = 0; s < HVAL_NR_SEGS; s++)
        st->seg[s] = (struct hval_segment){.base = 0, .limit = 0xffff, .selector = 0, .attr = 0x93};
    st->seg[HVAL_CS] =
        (struct hval_segment){.base = cs_base, .limit = 0xffff, .selector = cs_sel, .attr = 0x9b};
    st->ldtr = (struct hval_segment){.limit = 0xffff, .attr = 0x82};
    st->tr = (struct hval_segment){.limit = 0xffff, .attr = 0x8b};
    st->gdtr = st->idtr = (struct hval_dtable){0, 0xffff};
    st->rip = ip;
    st->rflags = 2;
    st->cr0 = (old ? old->cr0 & CR0_CD_NW : CR0_CD_NW) | 0x10;
    st->cr2 = st->cr3 = st->cr4 = st->cr8 = 0;
    st->efer = 0;
    st->dr6 = 0xffff0ff0;
    st->dr7 = 0x400;
    st->gpr[HVAL_RDX] = HVM_RESET_EDX;
}

static void set_online(struct vrun_vcpu *vc, bool online)
{
    pthread_mutex_lock(&hv_lock);
    vc->v->online = online;
    pthread_mutex_unlock(&hv_lock);
}

/* Load st into vc (creating its backend vCPU the first time) and make it
 * runnable; a failure crashes the domain. */
static void start_at(struct vrun_vcpu *vc, const struct hval_state *st)
{
    struct vrun_dom *rd = vc->rd;
    int rc = vc->hv ? rd->ops->set_state(vc->hv, st) : vrun_vcpu_create(vc, st);

    if (rc) {
        char why[64];
        snprintf(why, sizeof(why), "vcpu %u cannot start: %s", vc->id, strerror(-rc));
        vrun_crash(rd, why);
        return;
    }
    vc->wait_sipi = false;
    vc->state = VC_RUNNABLE;
    vrun_rs_set(vc, RUNSTATE_runnable, vrun_now());
    set_online(vc, true);
}

/* INIT: the LAPIC is reset; the BSP restarts at the reset vector (what
 * is there is the platform's: nothing, without firmware), an AP stops and
 * waits for SIPI, as after the SDM's INIT. */
static void cpu_init(struct vrun_vcpu *vc)
{
    struct vrun_dom *rd = vc->rd;
    struct hval_state old, st;
    bool have_old = vc->hv && !rd->ops->get_state(vc->hv, &old);

    if (rd->plat)
        hvm_platform_vcpu_reset(rd->plat, vc->id);
    vc->have_init = false;
    vc->npoll = 0;
    vc->poll_timeout = 0;
    if (vc->id == 0) {
        init_state(&st, have_old ? &old : NULL, 0xf000, 0xffff0000, 0xfff0);
        start_at(vc, &st);
        return;
    }
    vc->wait_sipi = true;
    vc->state = VC_DOWN;
    vrun_rs_set(vc, RUNSTATE_offline, vrun_now());
    set_online(vc, false);
}

/* SIPI with vector V to an AP waiting for it: real mode at V<<8:0. */
static void cpu_sipi(struct vrun_vcpu *vc, uint8_t vector)
{
    struct vrun_dom *rd = vc->rd;
    struct hval_state old, st;
    bool have_old;

    if (!vc->wait_sipi || vc->id == 0)
        return;
    have_old = vc->hv && !rd->ops->get_state(vc->hv, &old);
    init_state(&st, have_old ? &old : NULL, (uint16_t)(vector << 8), (uint64_t)vector << 12, 0);
    start_at(vc, &st);
}

/* Domain thread, no vCPU running: apply the recorded INITs and SIPIs. */
void vrun_apply_cpu_events(struct vrun_dom *rd)
{
    if (!rd->cpu_events)
        return;
    rd->cpu_events = false;
    for (unsigned i = 0; i < rd->nvc; i++) {
        struct vrun_vcpu *vc = &rd->vc[i];
        bool init = vc->init_pending;
        uint16_t sipi = vc->sipi_pending;

        vc->init_pending = false;
        vc->sipi_pending = 0;
        if (init)
            cpu_init(vc);
        if (sipi)
            cpu_sipi(vc, (uint8_t)(sipi - 1));
    }
}

int vrun_vcpu_initialise(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    struct vcpu_hvm_context ctx;
    struct hval_state *st;
    int rc;

    if (!vc)
        return -EINVAL;
    /* Once per vCPU, as Xen; again after INIT reset it. */
    if ((vc->hv && !vc->wait_sipi) || vc->have_init)
        return -EEXIST;
    if (!v->domain->is_hvm) { /* PV: a vcpu_guest_context, the PV hooks' */
        if (!vrun_pv || !vrun_pv->vcpu_initialise)
            return -EOPNOTSUPP;
        rc = vrun_pv->vcpu_initialise(c, v->domain, vc->id, arg, &vc->init);
        if (!rc)
            vc->have_init = true;
        return rc;
    }
    rc = c->copy_from(c, arg, &ctx, sizeof(ctx));
    if (rc)
        return rc;
    st = &vc->init;
    if (ctx.mode == VCPU_HVM_MODE_64B) {
        const struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;
        hval_state_long64(st, r->rip, r->cr3);
        st->gpr[HVAL_RAX] = r->rax;
        st->gpr[HVAL_RCX] = r->rcx;
        st->gpr[HVAL_RDX] = r->rdx;
        st->gpr[HVAL_RBX] = r->rbx;
        st->gpr[HVAL_RSP] = r->rsp;
        st->gpr[HVAL_RBP] = r->rbp;
        st->gpr[HVAL_RSI] = r->rsi;
        st->gpr[HVAL_RDI] = r->rdi;
        st->rflags = r->rflags | 2;
        st->cr0 = r->cr0;
        st->cr4 = r->cr4;
        st->efer = r->efer | (1u << 10); /* LMA */
        if (!(r->cr0 & 0x80000001u) || !(r->efer & (1u << 8)))
            return -EINVAL; /* 64-bit mode needs paging and LME */
    } else if (ctx.mode == VCPU_HVM_MODE_32B) {
        const struct vcpu_hvm_x86_32 *r = &ctx.cpu_regs.x86_32;
        hval_state_flat32(st, r->eip);
        st->gpr[HVAL_RAX] = r->eax;
        st->gpr[HVAL_RCX] = r->ecx;
        st->gpr[HVAL_RDX] = r->edx;
        st->gpr[HVAL_RBX] = r->ebx;
        st->gpr[HVAL_RSP] = r->esp;
        st->gpr[HVAL_RBP] = r->ebp;
        st->gpr[HVAL_RSI] = r->esi;
        st->gpr[HVAL_RDI] = r->edi;
        st->rflags = r->eflags | 2;
        st->cr0 = r->cr0 ? r->cr0 : st->cr0;
        st->cr3 = r->cr3;
        st->cr4 = r->cr4;
        st->efer = r->efer;
        if (r->cs_ar)
            vrun_seg_from(&st->seg[HVAL_CS], st->seg[HVAL_CS].selector, r->cs_limit, r->cs_base,
                          r->cs_ar);
        if (r->ds_ar)
            vrun_seg_from(&st->seg[HVAL_DS], st->seg[HVAL_DS].selector, r->ds_limit, r->ds_base,
                          r->ds_ar);
        if (r->ss_ar)
            vrun_seg_from(&st->seg[HVAL_SS], st->seg[HVAL_SS].selector, r->ss_limit, r->ss_base,
                          r->ss_ar);
        if (r->es_ar)
            vrun_seg_from(&st->seg[HVAL_ES], st->seg[HVAL_ES].selector, r->es_limit, r->es_base,
                          r->es_ar);
        if (r->tr_ar)
            vrun_seg_from(&st->tr, 0, r->tr_limit, r->tr_base, r->tr_ar);
    } else {
        return -EINVAL;
    }
    vc->have_init = true;
    vc->wait_sipi = false; /* initialised: SIPIs are ignored until INIT, as Xen */
    return 0;
}

int vrun_vcpu_up(struct vcpu *v)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    int rc;

    if (!vc)
        return -EINVAL;
    /* Not initialised (never, or reset by INIT since): -EINVAL, as Xen. */
    if (vc->wait_sipi && !vc->have_init)
        return -EINVAL;
    if (vc->have_init) {
        rc = vc->hv ? vc->rd->ops->set_state(vc->hv, &vc->init) : vrun_vcpu_create(vc, &vc->init);
        if (rc)
            return rc;
        vc->have_init = false;
    } else if (!vc->hv) {
        return -EINVAL;
    }
    vc->wait_sipi = false;
    if (vc->state == VC_DOWN) {
        vc->state = VC_RUNNABLE;
        vrun_rs_set(vc, RUNSTATE_runnable, vrun_now());
    }
    v->online = true;
    return 0;
}

int vrun_vcpu_down(struct vcpu *v)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);

    if (!vc)
        return -EINVAL;
    vc->state = VC_DOWN;
    vrun_rs_set(vc, RUNSTATE_offline, vrun_now());
    v->online = false;
    return 0;
}

bool vrun_vcpu_is_up(struct vcpu *v)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    return vc && vc->state != VC_DOWN;
}

int vrun_register_vcpu_info(struct vcpu *v, uint64_t gfn, uint32_t offset)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    uint8_t *page;
    struct vcpu_info *old, *vi;

    if (!vc || gfn >= GUEST_RAM_FRAMES)
        return -EINVAL;
    page = vrun_gfn_hva(vc->rd, gfn);
    if (!page)
        return -EINVAL;
    vi = (struct vcpu_info *)(page + offset);
    old = vrun_vcpu_info(vc);
    if (old)
        memmove(vi, old, sizeof(*vi));
    else
        memset(vi, 0, sizeof(*vi));
    v->vcpu_info = vi;
    v->vcpu_info_registered = true;
    /* As Xen: everything may be pending; the guest scans. */
    __atomic_store_n(&vi->evtchn_pending_sel, ~(xen_ulong_t)0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    vrun_time_update(vc, vrun_now());
    return 0;
}

void vrun_runstate(struct vcpu *v, struct vcpu_runstate_info *out)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);
    uint64_t now = vrun_now();

    if (!vc)
        return;
    out->state = vc->rs_state;
    out->state_entry_time = vc->rs_entry;
    memcpy(out->time, vc->rs_time, sizeof(out->time));
    if (vc->rs_state >= 0 && vc->rs_state < 4 && now > vc->rs_entry)
        out->time[vc->rs_state] += now - vc->rs_entry;
}

void vrun_runstate_area(struct vcpu *v, uint64_t gva, bool compat)
{
    struct vrun_vcpu *vc = vrun_vc_of(v);

    if (!vc)
        return;
    vc->rs_gva = gva;
    vc->rs_compat = compat;
}
