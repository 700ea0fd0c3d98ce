/*
 * pv_hypercall.c: the PV-only hypercalls (see pv_hypercall.h).  Lists
 * are copied in one element at a time, every value is checked before it
 * is used, and a list stops at its first failure with the count done
 * written back, as Xen does.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "pv_desc.h"
#include "pv_domain.h"
#include "pv_hypercall.h"
#include "pv_mm.h"
#include "public/callback.h"
#include "public/memory.h"
#include "public/xen.h"

#define PV_KERNEL_DPL        3            /* a 64-bit PV kernel runs in ring 3 */
#define MMU_UPDATE_PREEMPTED (1ULL << 31) /* count's flag on a continuation */

static struct pv_vcpu *pv_vcpu_of(struct hc_caller *c)
{
    struct pv_domain *pd = c->d ? pv_dom(c->d) : NULL;

    if (!pd || !c->v || c->v->id >= DOMAIN_MAX_VCPUS)
        return NULL;
    return &pd->vcpu[c->v->id];
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static bool in_hypervisor_hole(uint64_t va)
{
    return va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END;
}

/* Page tables. */

long do_pv_mmu_update(struct hc_caller *c, const uint64_t args[5])
{
    uint64_t reqs = args[0], count = args[1] & ~(uint64_t)MMU_UPDATE_PREEMPTED, pdone = args[2];
    uint64_t done = 0;
    struct pv_vcpu *pv = pv_vcpu_of(c);
    long rc = 0;

    if (!pv)
        return -ENOSYS;
    if (args[3] != DOMID_SELF && args[3] != c->d->domid)
        return -EPERM; /* no foreign page tables: no privileged PV guests */
    for (; done < count; done++) {
        struct mmu_update req;
        int flush = 0;

        rc = c->copy_from(c, reqs + done * sizeof(req), &req, sizeof(req));
        if (rc)
            break;
        switch (req.ptr & 7) {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_PRESERVE_AD:
            rc = pv_mmu_normal_update(c->d->domid, req.ptr & ~7ULL, req.val, &flush);
            break;
        case MMU_MACHPHYS_UPDATE:
            rc = pv_mmu_machphys_update(c->d->domid, req.ptr >> 12, req.val);
            break;
        default:
            rc = -ENOSYS;
        }
        if (flush)
            pv->pending |= PV_PENDING_TLB_FLUSH;
        if (rc)
            break;
    }
    if (pdone) {
        uint32_t d32 = (uint32_t)done;
        long r2 = c->copy_to(c, pdone, &d32, sizeof(d32));
        if (!rc)
            rc = r2;
    }
    return rc;
}

static long mmuext_one(struct hc_caller *c, struct pv_vcpu *pv, const struct mmuext_op *op)
{
    unsigned owner = c->d->domid;
    uint64_t mfn = op->arg1.mfn;
    long rc;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pv_pin_table(owner, mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_UNPIN_TABLE:
        return pv_unpin_table(owner, mfn);
    case MMUEXT_NEW_BASEPTR:
        if (!mfn)
            return -EINVAL;
        rc = pv_set_baseptr(owner, &pv->kernel_l4, mfn);
        if (!rc)
            pv->pending |= PV_PENDING_BASEPTR | PV_PENDING_TLB_FLUSH;
        return rc;
    case MMUEXT_NEW_USER_BASEPTR: /* 0: no user tables */
        return pv_set_baseptr(owner, &pv->user_l4, mfn);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        /* vCPUs of a domain share one thread: flushing the caller's TLB
         * before any other vCPU runs flushes them all. */
        pv->pending |= PV_PENDING_TLB_FLUSH;
        for (unsigned i = 0; i < c->d->max_vcpus && i < DOMAIN_MAX_VCPUS; i++)
            pv_dom(c->d)->vcpu[i].pending |= PV_PENDING_TLB_FLUSH;
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return 0;
    case MMUEXT_SET_LDT:
        rc = pv_desc_set_ldt(owner, pv, op->arg1.linear_addr, op->arg2.nr_ents);
        if (!rc)
            pv->pending |= PV_PENDING_DESC;
        return rc;
    case MMUEXT_CLEAR_PAGE:
    case MMUEXT_COPY_PAGE: {
        uint64_t src = op->arg2.src_mfn;
        rc = pv_get_page_type(mfn, owner, PV_PGT_WRITABLE);
        if (rc)
            return rc;
        if (op->cmd == MMUEXT_CLEAR_PAGE) {
            memset(pv_frame_map(mfn), 0, 4096);
        } else if (!(rc = pv_get_page(src, owner))) {
            memmove(pv_frame_map(mfn), pv_frame_map(src), 4096);
            pv_put_page(src);
        }
        pv_put_page_type(mfn);
        return rc;
    }
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;
    default:
        return -ENOSYS;
    }
}

long do_pv_mmuext_op(struct hc_caller *c, const uint64_t args[5])
{
    uint64_t ops = args[0], count = args[1] & ~(uint64_t)MMU_UPDATE_PREEMPTED, pdone = args[2];
    uint64_t done = 0;
    struct pv_vcpu *pv = pv_vcpu_of(c);
    long rc = 0;

    if (!pv)
        return -ENOSYS;
    if (args[3] != DOMID_SELF && args[3] != c->d->domid)
        return -EPERM;
    for (; done < count; done++) {
        struct mmuext_op op;

        rc = c->copy_from(c, ops + done * sizeof(op), &op, sizeof(op));
        if (!rc)
            rc = mmuext_one(c, pv, &op);
        if (rc)
            break;
    }
    if (pdone) {
        uint32_t d32 = (uint32_t)done;
        long r2 = c->copy_to(c, pdone, &d32, sizeof(d32));
        if (!rc)
            rc = r2;
    }
    return rc;
}

int pv_l1_entry_of(uint64_t l4_mfn, uint64_t va, uint64_t *ptr)
{
    uint64_t mfn = l4_mfn;

    if (!l4_mfn || !canonical(va) || in_hypervisor_hole(va))
        return -EINVAL;
    for (int level = 4; level > 1; level--) {
        const struct pv_frame *f = pv_frame(mfn);
        const uint64_t *t = pv_frame_map(mfn);
        uint64_t e;

        if (!f || !t || f->type != PV_PGT_L1 + level - 1)
            return -EINVAL;
        e = t[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & PV_PTE_P))
            return -EINVAL;
        mfn = (e & PV_PTE_ADDR) >> 12;
    }
    if (!pv_frame(mfn) || pv_frame(mfn)->type != PV_PGT_L1)
        return -EINVAL;
    *ptr = (mfn << 12) | (((va >> 12) & 511) * 8);
    return 0;
}

long do_pv_update_va_mapping(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    uint64_t ptr;
    int flush = 0;
    long rc;

    if (!pv)
        return -ENOSYS;
    rc = pv_l1_entry_of(pv->kernel_l4, args[0], &ptr);
    if (rc)
        return rc;
    rc = pv_mmu_normal_update(c->d->domid, ptr, args[1], &flush);
    if (rc)
        return rc;
    if ((args[2] & UVMF_FLUSHTYPE_MASK) || flush)
        pv->pending |= PV_PENDING_TLB_FLUSH;
    return 0;
}

/* The M2P: where it is mapped, and its frames (one per 2 MiB), as Xen
 * lays out xen_machphys_mfn_list and xen_machphys_mapping. */
struct machphys_mfn_list {
    uint32_t max_extents;
    uint64_t extent_start; /* XEN_GUEST_HANDLE(xen_pfn_t) */
    uint32_t nr_extents;
};
struct machphys_mapping {
    uint64_t v_start, v_end, max_mfn;
};

long pv_memory_op(struct hc_caller *c, unsigned cmd, uint64_t arg)
{
    long rc;

    if (cmd == XENMEM_machphys_mapping) {
        struct machphys_mapping m = {PV_RO_MPT_VIRT_START, PV_RO_MPT_VIRT_START + PV_M2P_BYTES,
                                     PV_MAX_MFNS - 1};
        return c->copy_to(c, arg, &m, sizeof(m));
    }
    if (cmd == XENMEM_machphys_mfn_list) {
        struct machphys_mfn_list l;
        uint32_t n;

        rc = c->copy_from(c, arg, &l, sizeof(l));
        if (rc)
            return rc;
        n = l.max_extents < PV_M2P_FRAMES / 512 ? l.max_extents : PV_M2P_FRAMES / 512;
        for (uint32_t i = 0; i < n; i++) {
            xen_pfn_t mfn = PV_XEN_MFN_BASE + (uint64_t)i * 512;
            rc = c->copy_to(c, l.extent_start + i * sizeof(mfn), &mfn, sizeof(mfn));
            if (rc)
                return rc;
        }
        l.nr_extents = n;
        return c->copy_to(c, arg + offsetof(struct machphys_mfn_list, nr_extents), &l.nr_extents,
                          sizeof(l.nr_extents));
    }
    return -ENOSYS;
}

/* Descriptor tables (pv_desc.c): the guest's GDT frames are typed
 * segdesc (never writable while in use) and every descriptor is checked;
 * the runner shows them to the CPU when the call returns. */

void pv_vcpu_drop_gdt(unsigned owner, struct pv_vcpu *pv)
{
    (void)owner;
    pv_desc_drop_gdt(pv);
    pv_desc_drop_ldt(pv);
}

long do_pv_set_gdt(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    uint64_t frames[PV_GDT_FRAMES];
    unsigned nr;
    long rc;

    if (!pv)
        return -ENOSYS;
    if (args[1] > PV_GDT_MAX_ENTS)
        return -EINVAL;
    nr = ((unsigned)args[1] * 8 + 4095) / 4096;
    rc = nr ? c->copy_from(c, args[0], frames, nr * sizeof(frames[0])) : 0;
    if (!rc)
        rc = pv_desc_set_gdt(c->d->domid, pv, frames, (unsigned)args[1]);
    if (!rc)
        pv->pending |= PV_PENDING_DESC;
    return rc;
}

long do_pv_update_descriptor(struct hc_caller *c, const uint64_t args[5])
{
    uint64_t ma = args[0], d = args[1], mfn = ma >> 12;
    unsigned owner;
    struct pv_frame *f;
    long rc;

    if (!pv_vcpu_of(c))
        return -ENOSYS;
    owner = c->d->domid;
    if (ma & 7)
        return -EINVAL;
    rc = pv_get_page(mfn, owner);
    if (rc)
        return rc;
    f = pv_frame(mfn);
    if (f->type == PV_PGT_SEG_DESC) {
        rc = pv_check_descriptor(&d);
    } else {
        rc = pv_get_page_type(mfn, owner, PV_PGT_WRITABLE);
        if (!rc)
            pv_put_page_type(mfn);
    }
    if (!rc)
        ((uint64_t *)pv_frame_map(mfn))[(ma & 4095) / 8] = d;
    pv_put_page(mfn);
    return rc;
}

/* Traps and callbacks. */

long do_pv_set_trap_table(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    struct trap_info t;
    long rc;

    if (!pv)
        return -ENOSYS;
    if (!args[0]) { /* NULL: every trap handler goes */
        memset(pv->traps, 0, sizeof(pv->traps));
        return 0;
    }
    for (unsigned i = 0; i < 256; i++) {
        rc = c->copy_from(c, args[0] + i * sizeof(t), &t, sizeof(t));
        if (rc)
            return rc;
        if (!t.address)
            break; /* the terminator */
        if (!canonical(t.address) || in_hypervisor_hole(t.address))
            return -EINVAL;
        pv->traps[t.vector] =
            (struct pv_trap){.address = t.address, .cs = t.cs, .flags = t.flags & 7, .set = true};
    }
    return 0;
}

static int set_callback(struct pv_vcpu *pv, unsigned type, uint64_t address, bool mask)
{
    if (address && (!canonical(address) || in_hypervisor_hole(address)))
        return -EINVAL;
    switch (type) {
    case CALLBACKTYPE_event:
        pv->event_cb = address, pv->event_cb_mask = mask;
        return 0;
    case CALLBACKTYPE_failsafe:
        pv->failsafe_cb = address, pv->failsafe_cb_mask = mask;
        return 0;
    case CALLBACKTYPE_syscall:
        pv->syscall_cb = address, pv->syscall_cb_mask = mask;
        return 0;
    case CALLBACKTYPE_nmi:
        pv->nmi_cb = address;
        return 0;
    default:
        return -EINVAL;
    }
}

long do_pv_set_callbacks(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    int rc;

    if (!pv)
        return -ENOSYS;
    /* event, failsafe, syscall (x86-64: no masking flags here). */
    rc = set_callback(pv, CALLBACKTYPE_event, args[0], false);
    if (!rc)
        rc = set_callback(pv, CALLBACKTYPE_failsafe, args[1], false);
    if (!rc)
        rc = set_callback(pv, CALLBACKTYPE_syscall, args[2], false);
    return rc;
}

long do_pv_callback_op(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    long rc;

    if (!pv)
        return -ENOSYS;
    if (args[0] == CALLBACKOP_register) {
        struct callback_register r;
        rc = c->copy_from(c, args[1], &r, sizeof(r));
        if (rc)
            return rc;
        if (r.flags & ~CALLBACKF_mask_events)
            return -EINVAL;
        return set_callback(pv, r.type, r.address, r.flags & CALLBACKF_mask_events);
    }
    if (args[0] == CALLBACKOP_unregister) {
        struct callback_unregister u;
        rc = c->copy_from(c, args[1], &u, sizeof(u));
        if (rc)
            return rc;
        /* Xen: the event and failsafe callbacks cannot be unregistered. */
        if (u.type == CALLBACKTYPE_event || u.type == CALLBACKTYPE_failsafe)
            return -EINVAL;
        return set_callback(pv, u.type, 0, false);
    }
    return -ENOSYS;
}

long do_pv_stack_switch(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);

    if (!pv)
        return -ENOSYS;
    /* As Xen's fixup_guest_stack_selector: an RPL 0 selector becomes the
     * ring the kernel really runs in (3). */
    pv->kernel_ss = (args[0] & 3) ? args[0] : args[0] | PV_KERNEL_DPL;
    pv->kernel_sp = args[1];
    return 0;
}

/* Segments and CPU state. */

long do_pv_set_segment_base(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    uint64_t base = args[1];

    if (!pv)
        return -ENOSYS;
    if (args[0] != SEGBASE_GS_USER_SEL && !canonical(base))
        return -EINVAL;
    switch (args[0]) {
    case SEGBASE_FS:
        pv->fs_base = base;
        break;
    case SEGBASE_GS_USER:
        pv->gs_base_user = base;
        break;
    case SEGBASE_GS_KERNEL:
        pv->gs_base_kernel = base;
        break;
    case SEGBASE_GS_USER_SEL:
        if (base > 0xffff)
            return -EINVAL;
        pv->gs_sel = (uint16_t)base;
        break;
    default:
        return -EINVAL;
    }
    pv->pending |= PV_PENDING_SEGBASE;
    return 0;
}

long do_pv_fpu_taskswitch(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);

    if (!pv)
        return -ENOSYS;
    pv->fpu_ts = args[0] != 0;
    pv->pending |= PV_PENDING_FPU_TS;
    return 0;
}

long do_pv_set_debugreg(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    uint64_t reg = args[0], val = args[1];

    if (!pv)
        return -ENOSYS;
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        if (!canonical(val) || in_hypervisor_hole(val))
            return -EPERM;
        break;
    case 6:
        if (val >> 32)
            return -EPERM;
        val = (val & 0xffffefffULL) | 0xffff0ff0ULL; /* the fixed bits */
        break;
    case 7:
        if (val >> 32)
            return -EPERM;
        /* No I/O breakpoints (R/W = 10b) and no general detect. */
        for (unsigned i = 0; i < 4; i++)
            if (((val >> (16 + 4 * i)) & 3) == 2 && (val & (0x3ULL << (2 * i))))
                return -EPERM;
        if (val & (1ULL << 13))
            return -EPERM;
        val |= 0x400;
        break;
    default:
        return -EINVAL;
    }
    pv->dr[reg] = val;
    pv->pending |= PV_PENDING_DEBUGREG;
    return 0;
}

long do_pv_get_debugreg(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);

    if (!pv)
        return -ENOSYS;
    switch (args[0]) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 6:
    case 7:
        return (long)pv->dr[args[0]];
    case 4:
    case 5: /* aliases of 6 and 7 */
        return (long)pv->dr[args[0] + 2];
    default:
        return -EINVAL;
    }
}

/* VM assists a 64-bit PV guest may turn on (Xen's set for 64-bit PV). */
#define VM_ASSIST_VALID                                                                            \
    ((1ULL << VMASST_TYPE_4gb_segments) | (1ULL << VMASST_TYPE_4gb_segments_notify) |              \
     (1ULL << VMASST_TYPE_writable_pagetables) | (1ULL << VMASST_TYPE_pae_extended_cr3) |          \
     (1ULL << VMASST_TYPE_architectural_iopl) | (1ULL << VMASST_TYPE_runstate_update_flag) |       \
     (1ULL << VMASST_TYPE_m2p_strict))

long do_pv_vm_assist(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_domain *pd = pv_dom(c->d);

    if (!pd)
        return -ENOSYS;
    if (args[1] >= 64 || !(VM_ASSIST_VALID & (1ULL << args[1])))
        return -EINVAL;
    switch (args[0]) {
    case VMASST_CMD_enable:
        pd->vm_assist |= 1ULL << args[1];
        return 0;
    case VMASST_CMD_disable:
        pd->vm_assist &= ~(1ULL << args[1]);
        return 0;
    default:
        return -ENOSYS;
    }
}

/* physdev_op, as Xen answers an unprivileged PV domain: it may set its
 * virtual IOPL (which port I/O it may then do: none of the machine's,
 * see pv_emul.c); it has no physical IRQs or devices to manage. */
#define PHYSDEVOP_set_iopl 6

long do_pv_physdev_op(struct hc_caller *c, const uint64_t args[5])
{
    struct pv_vcpu *pv = pv_vcpu_of(c);
    uint32_t iopl;
    long rc;

    if (!pv)
        return -ENOSYS;
    if (args[0] != PHYSDEVOP_set_iopl)
        return -ENOSYS;
    rc = c->copy_from(c, args[1], &iopl, sizeof(iopl));
    if (rc)
        return rc;
    if (iopl > 3)
        return -EINVAL;
    pv->iopl = iopl;
    return 0;
}

/* Calls a multicall may not hold: itself, and iret (it does not return). */
static bool multicall_allowed(uint64_t op)
{
    return op != __HYPERVISOR_multicall && op != __HYPERVISOR_iret;
}

long do_pv_multicall(struct hc_caller *c, const uint64_t args[5])
{
    uint64_t list = args[0], n = args[1];

    if (!pv_vcpu_of(c))
        return -ENOSYS;
    for (uint64_t i = 0; i < n; i++) {
        struct multicall_entry e;
        uint64_t addr = list + i * sizeof(e);
        long rc = c->copy_from(c, addr, &e, sizeof(e));

        if (rc)
            return rc;
        e.result = multicall_allowed(e.op)
                       ? (xen_ulong_t)hypercall_dispatch(c, e.op, (const uint64_t *)e.args)
                       : (xen_ulong_t)-EINVAL;
        rc = c->copy_to(c, addr + offsetof(struct multicall_entry, result), &e.result,
                        sizeof(e.result));
        if (rc)
            return rc;
    }
    return 0;
}

/* The PV column of the dispatch table (registered through pv_machine). */
pv_hypercall_fn *const pv_hypercall_table[PV_NR_HYPERCALLS] = {
    [__HYPERVISOR_set_trap_table] = do_pv_set_trap_table,
    [__HYPERVISOR_mmu_update] = do_pv_mmu_update,
    [__HYPERVISOR_set_gdt] = do_pv_set_gdt,
    [__HYPERVISOR_update_descriptor] = do_pv_update_descriptor,
    [__HYPERVISOR_stack_switch] = do_pv_stack_switch,
    [__HYPERVISOR_set_callbacks] = do_pv_set_callbacks,
    [__HYPERVISOR_fpu_taskswitch] = do_pv_fpu_taskswitch,
    [__HYPERVISOR_set_debugreg] = do_pv_set_debugreg,
    [__HYPERVISOR_get_debugreg] = do_pv_get_debugreg,
    [__HYPERVISOR_multicall] = do_pv_multicall,
    [__HYPERVISOR_update_va_mapping] = do_pv_update_va_mapping,
    [__HYPERVISOR_vm_assist] = do_pv_vm_assist,
    [__HYPERVISOR_set_segment_base] = do_pv_set_segment_base,
    [__HYPERVISOR_mmuext_op] = do_pv_mmuext_op,
    [__HYPERVISOR_callback_op] = do_pv_callback_op,
    [__HYPERVISOR_physdev_op] = do_pv_physdev_op,
};
