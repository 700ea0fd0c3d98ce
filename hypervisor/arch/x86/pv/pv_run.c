/*
 * pv_run.c: a 64-bit PV vCPU on the runner (arch/x86/run/vrun.h).  The
 * guest kernel runs at CPL 3, as on Xen: its kernel mode is a flag here
 * (pv_vcpu.kernel_mode), with the kernel's L4 in CR3, and user mode runs
 * on the user L4; switching is toggle_mode() (CR3 and the GS bases).
 * SYSCALL exits: from the kernel it is a hypercall (the hypercall page's
 * stubs), from user mode it enters the kernel's syscall callback.
 * Exceptions and events are bounced to the trap table and the event
 * callback on the x86-64 PV frame: rcx, r11, [error code], rip, cs (the
 * saved event mask in bits 32-39; RPL 0 for an interrupted kernel), rflags
 * (IF = events were unmasked), rsp, ss; 16-byte aligned, on the kernel
 * stack (stack_switch) when coming from user mode.  No handler, or a
 * frame that cannot be written: the domain is crashed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hypercall.h"
#include "log.h"
#include "pv_desc.h"
#include "pv_domain.h"
#include "pv_emul.h"
#include "pv_frames.h"
#include "pv_hypercall.h"
#include "pv_mm.h"
#include "pv_run.h"
#include "public/sched.h"
#include "public/xen.h"
#include "vrun_internal.h"

#define RFLAGS_TF   (1ULL << 8)
#define RFLAGS_IF   (1ULL << 9)
#define RFLAGS_IOPL (3ULL << 12)
#define RFLAGS_NT   (1ULL << 14)
#define RFLAGS_RF   (1ULL << 16)
#define RFLAGS_VM   (1ULL << 17)
#define RFLAGS_AC   (1ULL << 18)
#define CR0_TS      (1ULL << 3)

#define ATTR_CODE64_DPL3 (0xb | HVAL_SEG_S | (3u << 5) | HVAL_SEG_P | HVAL_SEG_L | HVAL_SEG_G)
#define ATTR_DATA_DPL3   (0x3 | HVAL_SEG_S | (3u << 5) | HVAL_SEG_P | HVAL_SEG_DB | HVAL_SEG_G)

static struct pv_vcpu *pv_of(struct vrun_vcpu *vc)
{
    struct pv_domain *pd = pv_dom(vc->rd->d);

    return pd && vc->id < DOMAIN_MAX_VCPUS ? &pd->vcpu[vc->id] : NULL;
}

static void set_seg(struct hval_segment *s, uint16_t sel, uint16_t attr)
{
    *s = (struct hval_segment){.base = 0, .limit = 0xffffffff, .selector = sel, .attr = attr};
}

/* Kernel <-> user: the other L4 in CR3, the GS bases swapped. */
static void toggle_mode(struct pv_vcpu *pv, struct hval_state *st)
{
    uint64_t gs = st->seg[HVAL_GS].base;

    pv->kernel_mode = !pv->kernel_mode;
    st->cr3 = (pv->kernel_mode ? pv->kernel_l4 : pv->user_l4) << 12;
    st->seg[HVAL_GS].base = st->kernel_gs_base;
    st->kernel_gs_base = gs;
}

static int load_context(struct domain *d, unsigned n, struct hval_state *st)
{
    struct pv_domain *pd = pv_dom(d);
    const struct vcpu_guest_context *c;
    struct pv_vcpu *pv;
    int rc;

    if (!pd || n >= d->max_vcpus || n >= DOMAIN_MAX_VCPUS || !d->vcpus[n]->ctxt_valid)
        return -EINVAL;
    c = &d->vcpus[n]->ctxt;
    pv = &pd->vcpu[n];
    /* The builder's tables become the kernel's L4: validated here. */
    rc = pv_set_baseptr(d->domid, &pv->kernel_l4, c->ctrlreg[3] >> 12);
    if (rc) {
        log_error("domain %u: vCPU %u: its page tables are refused (%d)", d->domid, n, rc);
        return rc;
    }
    if (c->ctrlreg[1] >> 12 && (rc = pv_set_baseptr(d->domid, &pv->user_l4, c->ctrlreg[1] >> 12)))
        return rc;
    pv->kernel_mode = true;
    pv->cr4 = pv_guest_cr4(0);
    pv->iopl = 0;
    pv->kernel_ss = c->kernel_ss;
    pv->kernel_sp = c->kernel_sp;
    pv->event_cb = c->event_callback_eip;
    pv->failsafe_cb = c->failsafe_callback_eip;
    pv->failsafe_cb_mask = c->flags & VGCF_failsafe_disables_events;
    pv->syscall_cb = c->syscall_callback_eip;
    pv->syscall_cb_mask = c->flags & VGCF_syscall_disables_events;
    /* The context's GDT (Xen: as set_gdt) and LDT. */
    rc = c->gdt_ents > PV_GDT_MAX_ENTS || c->ldt_ents > PV_LDT_MAX_ENTS
             ? -EINVAL
             : pv_desc_set_gdt(d->domid, pv, c->gdt_frames, (unsigned)c->gdt_ents);
    if (!rc)
        rc = pv_desc_set_ldt(d->domid, pv, c->ldt_base, (unsigned)c->ldt_ents);
    if (rc) {
        log_error("domain %u: vCPU %u: its descriptor tables are refused", d->domid, n);
        return -EINVAL;
    }
    for (unsigned i = 0; i < 256; i++)
        if (c->trap_ctxt[i].address)
            pv->traps[c->trap_ctxt[i].vector] = (struct pv_trap){.address = c->trap_ctxt[i].address,
                                                                 .cs = c->trap_ctxt[i].cs,
                                                                 .flags = c->trap_ctxt[i].flags & 7,
                                                                 .set = true};
    hval_state_long64(st, c->user_regs.rip, pv->kernel_l4 << 12);
    st->gpr[HVAL_RAX] = c->user_regs.rax;
    st->gpr[HVAL_RBX] = c->user_regs.rbx;
    st->gpr[HVAL_RCX] = c->user_regs.rcx;
    st->gpr[HVAL_RDX] = c->user_regs.rdx;
    st->gpr[HVAL_RSI] = c->user_regs.rsi;
    st->gpr[HVAL_RDI] = c->user_regs.rdi;
    st->gpr[HVAL_RBP] = c->user_regs.rbp;
    st->gpr[HVAL_RSP] = c->user_regs.rsp;
    st->gpr[HVAL_R8] = c->user_regs.r8;
    st->gpr[HVAL_R9] = c->user_regs.r9;
    st->gpr[HVAL_R10] = c->user_regs.r10;
    st->gpr[HVAL_R11] = c->user_regs.r11;
    st->gpr[HVAL_R12] = c->user_regs.r12;
    st->gpr[HVAL_R13] = c->user_regs.r13;
    st->gpr[HVAL_R14] = c->user_regs.r14;
    st->gpr[HVAL_R15] = c->user_regs.r15;
    /* Real IF is always set; the guest's is its event mask. */
    st->rflags = (c->user_regs.rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF | 2;
    set_seg(&st->seg[HVAL_CS], FLAT_KERNEL_CS, ATTR_CODE64_DPL3);
    for (int s = 0; s < HVAL_NR_SEGS; s++)
        if (s != HVAL_CS)
            set_seg(&st->seg[s], s == HVAL_SS ? FLAT_KERNEL_SS : 0, ATTR_DATA_DPL3);
    st->seg[HVAL_FS].base = c->fs_base;
    st->seg[HVAL_GS].base = c->gs_base_kernel;
    st->kernel_gs_base = c->gs_base_user;
    pv_desc_refresh(d->domid, n, pv, st);
    return 0;
}

/* The boot vCPU: its context, and its L4 pinned, as Xen's domain builder
 * pins the tables it built (the kernel unpins them once it has its own). */
static int initial_state(struct domain *d, unsigned n, struct hval_state *st)
{
    int rc = load_context(d, n, st);
    uint64_t l4 = rc || !pv_dom(d) ? 0 : pv_dom(d)->vcpu[n].kernel_l4;

    if (l4 && !(pv_frame(l4)->flags & PV_FRAME_PINNED))
        rc = pv_pin_table(d->domid, l4, 4);
    /* Events start masked in every vcpu_info of the shared info, as Xen's
     * builder leaves them; the kernel unmasks when it is ready. */
    if (!rc && d->shared_info)
        for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
            ((struct shared_info *)d->shared_info)->vcpu_info[i].evtchn_upcall_mask = 1;
    return rc;
}

/* VCPUOP_initialise: a secondary vCPU's context, checked like the boot
 * vCPU's (its tables validated as its kernel L4). */
static int vcpu_initialise(struct hc_caller *c, struct domain *d, unsigned n, uint64_t arg,
                           struct hval_state *st)
{
    struct vcpu *v;
    int rc;

    if (n >= d->max_vcpus || n >= DOMAIN_MAX_VCPUS)
        return -EINVAL;
    v = d->vcpus[n];
    rc = c->copy_from(c, arg, &v->ctxt, sizeof(v->ctxt));
    if (rc)
        return rc;
    v->ctxt_valid = true;
    rc = load_context(d, n, st);
    if (rc)
        v->ctxt_valid = false;
    return rc;
}

static void vcpu_config(struct domain *d, unsigned vcpu, struct hval_vcpu_config *cfg)
{
    cfg->machine_to_gfn = pv_domain_machine_to_gfn;
    cfg->machine_ctx = d;
    cfg->syscall_exits = true;
    if (pv_dom(d) && vcpu < DOMAIN_MAX_VCPUS)
        cfg->overlay = &pv_dom(d)->vcpu[vcpu].overlay;
}

/* The special frames (shared info) and the hypervisor's frames (the M2P
 * and its tables), where pv_machine_to_gfn says they are. */
static int vcpu_created(struct domain *d, struct hval_vcpu *hv)
{
    struct pv_domain *pd = pv_dom(d);
    struct hval_ram special = {PV_SPECIAL_WINDOW_GFN << GUEST_PAGE_SHIFT,
                               GUEST_NR_SPECIAL << GUEST_PAGE_SHIFT,
                               pd->ram + (GUEST_RAM_FRAMES << GUEST_PAGE_SHIFT)};
    struct hval_ram xen = {PV_XEN_WINDOW_GFN << GUEST_PAGE_SHIFT, PV_XEN_BYTES, pv_xen_frames()};
    int rc = vrun_ops->map_ram(hv, &special);

    return rc ? rc : vrun_ops->map_ram(hv, &xen);
}

/* Push the PV frame and enter handler eip in guest kernel mode.  The
 * failsafe callback's frame has ds, es, fs, gs (segs) after rcx and r11. */
static int bounce_frame(struct vrun_vcpu *vc, struct hval_state *st, uint64_t eip, bool has_error,
                        uint32_t error, bool mask_events, const uint16_t *segs)
{
    struct pv_vcpu *pv = pv_of(vc);
    struct vcpu_info *vi = vrun_vcpu_info(vc);
    uint64_t frame[12], rsp, saved_cs = st->seg[HVAL_CS].selector;
    uint8_t saved_mask = vi ? vi->evtchn_upcall_mask : 0;
    unsigned n = 0;

    if (!eip)
        return -ENOENT;
    frame[n++] = st->gpr[HVAL_RCX];
    frame[n++] = st->gpr[HVAL_R11];
    for (unsigned i = 0; segs && i < 4; i++)
        frame[n++] = segs[i];
    if (has_error)
        frame[n++] = error;
    frame[n++] = st->rip;
    uint64_t interrupted_rsp = st->gpr[HVAL_RSP], interrupted_ss = st->seg[HVAL_SS].selector;
    uint64_t rflags = (st->rflags & ~(RFLAGS_IF | RFLAGS_IOPL)) | (saved_mask ? 0 : RFLAGS_IF);
    if (pv->kernel_mode) {
        rsp = interrupted_rsp;
        saved_cs &= ~3; /* tells the guest: kernel context */
    } else {
        toggle_mode(pv, st);
        rsp = pv->kernel_sp;
    }
    frame[n++] = saved_cs | ((uint64_t)saved_mask << 32);
    frame[n++] = rflags;
    frame[n++] = interrupted_rsp;
    frame[n++] = interrupted_ss;
    rsp = (rsp & ~15ULL) - n * 8;
    /* The frame is written through the kernel's tables. */
    if (vrun_ops->set_state(vc->hv, st) || vrun_ops->write_linear(vc->hv, rsp, frame, n * 8))
        return -EFAULT;
    if (mask_events && vi)
        vi->evtchn_upcall_mask = 1;
    st->gpr[HVAL_RSP] = rsp;
    st->rip = eip;
    set_seg(&st->seg[HVAL_CS], FLAT_KERNEL_CS, ATTR_CODE64_DPL3);
    set_seg(&st->seg[HVAL_SS], FLAT_KERNEL_SS, ATTR_DATA_DPL3);
    st->rflags &= ~(RFLAGS_TF | RFLAGS_VM | RFLAGS_RF | RFLAGS_NT | RFLAGS_AC);
    st->rflags |= RFLAGS_IF;
    return vrun_ops->set_state(vc->hv, st);
}

static int bounce(struct vrun_vcpu *vc, struct hval_state *st, uint64_t eip, bool has_error,
                  uint32_t error, bool mask_events)
{
    return bounce_frame(vc, st, eip, has_error, error, mask_events, NULL);
}

/* An exception for the guest: its trap table's handler. */
static int bounce_trap(struct vrun_vcpu *vc, struct hval_state *st, unsigned vector, bool has_error,
                       uint32_t error, bool software)
{
    struct pv_vcpu *pv = pv_of(vc);
    const struct pv_trap *t = &pv->traps[vector & 255];

    /* int n needs a gate the caller's ring (3) may use, else #GP. */
    if (software && vector != 3 && vector != 4 && (!t->set || (t->flags & 3) < 3))
        return bounce_trap(vc, st, 13, true, (vector << 3) | 2, false);
    if (!t->set) {
        log_error("domain %u: vCPU %u: exception %u (error %#x) at %#llx with no handler",
                  vc->rd->d->domid, vc->id, vector, error, (unsigned long long)st->rip);
        return -ENOENT;
    }
    return bounce(vc, st, t->address, has_error, error, t->flags & 4);
}

/* What the hypercalls left pending, applied to the vCPU. */
static bool apply_pending(struct vrun_vcpu *vc, struct pv_vcpu *pv, struct hval_state *st)
{
    unsigned p = pv->pending;

    if (!p)
        return false;
    pv->pending = 0;
    if ((p & PV_PENDING_BASEPTR) && pv->kernel_mode)
        st->cr3 = pv->kernel_l4 << 12;
    if (p & PV_PENDING_SEGBASE) {
        st->seg[HVAL_FS].base = pv->fs_base;
        st->seg[HVAL_GS].base = pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user;
        st->kernel_gs_base = pv->kernel_mode ? pv->gs_base_user : pv->gs_base_kernel;
    }
    if (p & PV_PENDING_DEBUGREG) {
        memcpy(st->dr, pv->dr, sizeof(st->dr[0]) * 4);
        st->dr6 = pv->dr[6];
        st->dr7 = pv->dr[7];
    }
    if (p & PV_PENDING_FPU_TS)
        st->cr0 = pv->fpu_ts ? st->cr0 | CR0_TS : st->cr0 & ~CR0_TS;
    if (p & PV_PENDING_DESC)
        pv_desc_refresh(vc->rd->d->domid, vc->id, pv, st);
    return true; /* setting the state reloads CR3: the TLB is flushed */
}

/*
 * The failsafe callback: returning to the guest failed to load one of its
 * segment selectors.  As Xen: a frame with the segment registers the
 * guest had (ds, es, fs, gs) on top of the state it was returning to, the
 * failing data segments null.
 */
static int failsafe(struct vrun_vcpu *vc, struct hval_state *st, unsigned bad_data)
{
    struct pv_vcpu *pv = pv_of(vc);
    static const int order[4] = {HVAL_DS, HVAL_ES, HVAL_FS, HVAL_GS};
    uint16_t segs[4];

    for (unsigned i = 0; i < 4; i++) {
        segs[i] = st->seg[order[i]].selector;
        if (bad_data & (1u << order[i])) {
            uint64_t base = st->seg[order[i]].base;
            st->seg[order[i]] = (struct hval_segment){0};
            if (order[i] == HVAL_FS || order[i] == HVAL_GS)
                st->seg[order[i]].base = base; /* 64-bit bases stay */
        }
    }
    if (!pv->failsafe_cb) {
        log_error("domain %u: a segment reload failed with no failsafe callback", vc->rd->d->domid);
        return -ENOENT;
    }
    return bounce_frame(vc, st, pv->failsafe_cb, false, 0, pv->failsafe_cb_mask, segs);
}

/* HYPERVISOR_iret: the frame the guest pushed (struct iret_context).  CS
 * and SS come from its descriptor tables, as iretq loads them, and the
 * data segments it has loaded must still be valid there (what Xen finds
 * when it reloads them); a failure goes to the failsafe callback. */
static int do_iret(struct vrun_vcpu *vc, struct hval_state *st)
{
    static const int data_segs[4] = {HVAL_DS, HVAL_ES, HVAL_FS, HVAL_GS};
    struct pv_vcpu *pv = pv_of(vc);
    struct vcpu_info *vi = vrun_vcpu_info(vc);
    struct iret_context ic;
    struct hval_segment cs, ss, tmp;
    unsigned bad_data = 0;
    bool ok;

    if (vrun_ops->read_linear(vc->hv, st->gpr[HVAL_RSP], &ic, sizeof(ic)))
        return -EFAULT;
    st->gpr[HVAL_RAX] = ic.rax;
    if (!(ic.flags & VGCF_in_syscall)) {
        st->gpr[HVAL_R11] = ic.r11;
        st->gpr[HVAL_RCX] = ic.rcx;
    }
    if ((ic.cs & 3) == 3) { /* to user mode */
        if (!pv->user_l4) {
            log_error("domain %u: iret to user mode with no user page tables", vc->rd->d->domid);
            return -EINVAL;
        }
        if (pv->kernel_mode)
            toggle_mode(pv, st);
    }
    if (vi)
        vi->evtchn_upcall_mask = !(ic.rflags & RFLAGS_IF);
    st->rip = ic.rip;
    st->gpr[HVAL_RSP] = ic.rsp;
    st->rflags = (ic.rflags & ~(RFLAGS_IOPL | RFLAGS_VM | RFLAGS_NT)) | RFLAGS_IF | 2;
    /* RPL 3 forced, as Xen does: the guest kernel runs in ring 3. */
    ok = !pv_desc_load(pv, (uint16_t)(ic.cs | 3), PV_SEG_CS, &cs) &&
         !pv_desc_load(pv, (uint16_t)(ic.ss | 3), PV_SEG_SS, &ss);
    for (unsigned i = 0; i < 4; i++) {
        const struct hval_segment *s = &st->seg[data_segs[i]];
        if ((s->selector & ~3) && pv_desc_load(pv, s->selector, PV_SEG_DATA, &tmp))
            bad_data |= 1u << data_segs[i];
    }
    if (!ok || bad_data) {
        st->seg[HVAL_CS].selector = (uint16_t)(ic.cs | 3);
        st->seg[HVAL_SS].selector = (uint16_t)(ic.ss | 3);
        if (ok) {
            st->seg[HVAL_CS] = cs;
            st->seg[HVAL_SS] = ss;
        }
        return failsafe(vc, st, bad_data);
    }
    st->seg[HVAL_CS] = cs;
    st->seg[HVAL_SS] = ss;
    return vrun_ops->set_state(vc->hv, st);
}

/* XENHV_PV_TRACE=1 in xenhv's environment logs every PV hypercall and
 * exception (a developer's aid for bringing up a guest kernel). */
static bool tracing(void)
{
    static int on = -1;

    if (on < 0)
        on = getenv("XENHV_PV_TRACE") != NULL;
    return on;
}

static int hypercall(struct vrun_vcpu *vc, struct hval_state *st)
{
    struct pv_vcpu *pv = pv_of(vc);
    uint64_t nr = st->gpr[HVAL_RAX];
    const uint64_t args[5] = {st->gpr[HVAL_RDI], st->gpr[HVAL_RSI], st->gpr[HVAL_RDX],
                              st->gpr[HVAL_R10], st->gpr[HVAL_R8]};
    long ret;

    if (nr == __HYPERVISOR_iret) {
        int rc = do_iret(vc, st);
        if (tracing())
            log_info("d%u v%u iret to %#llx = %d", vc->rd->d->domid, vc->id,
                     (unsigned long long)st->rip, rc);
        return rc;
    }
    if (nr == __HYPERVISOR_sched_op && args[0] == SCHEDOP_block) {
        struct vcpu_info *vi = vrun_vcpu_info(vc);
        if (vi) /* blocking enables event delivery, atomically */
            vi->evtchn_upcall_mask = 0;
    }
    ret = vrun_hypercall(vc, CALLER_PV, false, nr, args);
    if (tracing())
        log_info("d%u v%u hc %llu (%#llx %#llx %#llx %#llx) = %ld at %#llx", vc->rd->d->domid,
                 vc->id, (unsigned long long)nr, (unsigned long long)args[0],
                 (unsigned long long)args[1], (unsigned long long)args[2],
                 (unsigned long long)args[3], ret, (unsigned long long)st->rip);
    /* The call may have changed other state (VCPUOP on itself): re-read. */
    if (vrun_ops->get_state(vc->hv, st))
        return -EIO;
    st->gpr[HVAL_RAX] = (uint64_t)ret;
    if (apply_pending(vc, pv, st))
        return vrun_ops->set_state(vc->hv, st);
    struct hval_regs r;
    if (vrun_ops->get_regs(vc->hv, &r))
        return -EIO;
    r.gpr[HVAL_RAX] = (uint64_t)ret;
    return vrun_ops->set_regs(vc->hv, &r);
}

static int read_code(void *opaque, uint64_t la, void *buf, size_t len)
{
    struct vrun_vcpu *vc = opaque;

    return vrun_ops->read_linear(vc->hv, la, buf, len) ? -EFAULT : 0;
}

/* What Xen emulates (pv_emul.c): a privileged instruction's #GP(0), the
 * forced-emulation prefix's #UD.  1: done (or #GP bounced), 0: not
 * emulated, -errno: the domain crashes. */
static int emulate(struct vrun_vcpu *vc, struct pv_vcpu *pv, struct hval_state *st,
                   const struct hval_exit *e)
{
    struct pv_emul_env env = {vc->rd->d->domid, st, pv, vrun_vcpu_info(vc), read_code, vc};
    enum pv_emul_result r;

    if (e->exception.software)
        return 0;
    if (e->exception.vector == 13 && e->exception.has_error_code && !e->exception.error_code)
        r = pv_emulate_gp(&env);
    else if (e->exception.vector == 6)
        r = pv_emulate_ud(&env);
    else if (e->exception.vector == 14)
        r = pv_emulate_ptwr(&env, e->exception.error_code, e->exception.cr2);
    else
        return 0;
    if (r == PV_EMUL_NONE)
        return 0;
    if (r == PV_EMUL_GP) {
        int rc = bounce_trap(vc, st, 13, true, 0, false);
        return rc ? rc : 1;
    }
    apply_pending(vc, pv, st);
    return vrun_ops->set_state(vc->hv, st) ? -EIO : 1;
}

static int pv_exit(struct vrun_vcpu *vc, struct hval_vcpu *hv, struct hval_exit *e)
{
    struct pv_vcpu *pv = pv_of(vc);
    struct hval_state st;

    if (!pv || vrun_ops->get_state(hv, &st))
        return -EIO;
    if (e->kind == HVAL_EXIT_HYPERCALL) {
        if (!e->hypercall.syscall) /* vmcall from a PV guest: #UD */
            return bounce_trap(vc, &st, 6, false, 0, false);
        if (pv->kernel_mode)
            return hypercall(vc, &st);
        /* A user process's syscall: the kernel's syscall callback, with
         * rcx and r11 as the instruction leaves them. */
        st.gpr[HVAL_RCX] = st.rip;
        st.gpr[HVAL_R11] = st.rflags;
        if (!pv->syscall_cb) {
            log_error("domain %u: syscall with no syscall callback", vc->rd->d->domid);
            return -ENOENT;
        }
        return bounce(vc, &st, pv->syscall_cb, false, 0, pv->syscall_cb_mask);
    }
    if (e->kind == HVAL_EXIT_EXCEPTION) {
        struct vcpu_info *vi = vrun_vcpu_info(vc);
        uint64_t cr2 = e->exception.cr2;
        int em;
        if (tracing())
            log_info("d%u v%u exception %u err %#x cr2 %#llx at %#llx", vc->rd->d->domid, vc->id,
                     e->exception.vector, e->exception.error_code,
                     (unsigned long long)e->exception.cr2, (unsigned long long)st.rip);
        em = emulate(vc, pv, &st, e);
        if (em)
            return em < 0 ? em : 0;
        /* A non-canonical address: #GP(0), as the CPU faults before any walk. */
        if (e->exception.vector == 14 && (uint64_t)((int64_t)(cr2 << 16) >> 16) != cr2)
            return bounce_trap(vc, &st, 13, true, 0, false);
        if (e->exception.vector == 14) { /* the CPU reading an absent LDT page? */
            uint64_t la;
            int r = pv_desc_ldt_fault(vc->rd->d->domid, vc->id, pv, cr2, &la);
            if (r == 0) {
                pv_desc_refresh(vc->rd->d->domid, vc->id, pv, &st);
                return vrun_ops->set_state(hv, &st); /* retry */
            }
            if (r == -ENOENT)
                cr2 = la;
        }
        if (e->exception.vector == 14 && vi)
            vi->arch.cr2 = cr2;
        return bounce_trap(vc, &st, e->exception.vector, e->exception.has_error_code,
                           e->exception.error_code, e->exception.software);
    }
    return -EINVAL;
}

/* Before an entry: a pending upcall goes to the event callback, events
 * masked, unless the guest masked them. */
static void deliver_events(struct vrun_vcpu *vc, struct hval_vcpu *hv)
{
    struct pv_vcpu *pv = pv_of(vc);
    struct vcpu_info *vi = vrun_vcpu_info(vc);
    struct hval_state st;

    if (!pv || !vi || !pv->event_cb || vi->evtchn_upcall_mask ||
        !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return;
    if (vrun_ops->get_state(hv, &st) || bounce(vc, &st, pv->event_cb, false, 0, true))
        vrun_crash(vc->rd, "cannot deliver an event to the PV guest");
}

/* Read guest-virtual memory of a PV domain through the tables at l4 (only
 * the domain's own frames; no page crossing). */
static int read_virt(struct domain *d, uint64_t l4, uint64_t va, void *out, size_t len)
{
    uint64_t mfn = l4, e;

    if ((va & 4095) + len > 4096)
        return -EINVAL;
    for (int level = 3; level >= 0; level--) {
        const uint64_t *t;
        if (!pv_frame_owned_by(mfn, d->domid) || !(t = pv_frame_map(mfn)))
            return -EFAULT;
        e = t[(va >> (12 + 9 * level)) & 511];
        if (!(e & PV_PTE_P) || (level && (e & PV_PTE_PSE)))
            return -EFAULT;
        mfn = (e & PV_PTE_ADDR) >> 12;
    }
    if (!pv_frame_owned_by(mfn, d->domid))
        return -EFAULT;
    memcpy(out, (const uint8_t *)pv_frame_map(mfn) + (va & 4095), len);
    return 0;
}

/* The console the builder described in start_info (at vCPU 0's %rsi). */
static int console(struct domain *d, uint64_t *gfn, uint32_t *port)
{
    const struct vcpu_guest_context *c;
    start_info_t si;
    int rc;

    if (!d->max_vcpus || !d->vcpus[0]->ctxt_valid)
        return -ENOENT;
    c = &d->vcpus[0]->ctxt;
    rc = read_virt(d, c->ctrlreg[3] >> 12, c->user_regs.rsi, &si, sizeof(si));
    if (rc)
        return rc;
    if (strncmp(si.magic, "xen-3.0-x86_64", 14))
        return -EINVAL;
    *gfn = pv_machine_to_gfn(d->domid, si.console.domU.mfn);
    *port = si.console.domU.evtchn;
    return *gfn < PV_GFN_LIMIT ? 0 : -EINVAL;
}

static enum hval_answer cpuid(struct vrun_vcpu *vc, struct hval_exit *e)
{
    struct pv_vcpu *pv = pv_of(vc);
    uint32_t r[4] = {e->cpuid.eax, e->cpuid.ebx, e->cpuid.ecx, e->cpuid.edx};

    if (!pv)
        return HVAL_DEFAULT;
    pv_cpuid_policy(pv, e->cpuid.leaf, r);
    e->cpuid.eax = r[0];
    e->cpuid.ebx = r[1];
    e->cpuid.ecx = r[2];
    e->cpuid.edx = r[3];
    return HVAL_HANDLED;
}

const struct vrun_pv_ops pv_vrun_ops = {
    .initial_state = initial_state,
    .exit = pv_exit,
    .vcpu_config = vcpu_config,
    .vcpu_created = vcpu_created,
    .deliver_events = deliver_events,
    .console = console,
    .vcpu_initialise = vcpu_initialise,
    .cpuid = cpuid,
};
