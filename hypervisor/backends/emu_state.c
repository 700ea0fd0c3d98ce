/*
 * emu_state.c: a vCPU's architectural state in and out of the engine.
 *
 * Unicorn exposes segment selectors but not their hidden parts, and from
 * its 64-bit mode a write of CS, DS, ES or SS sets only the selector (so it
 * never enters flat 32-bit protected mode by itself).  So the segment
 * caches are read and written in a saved engine context, at an offset
 * found once per vCPU by probing with known FS/GS bases and checked against
 * the selectors and the hidden flags (LMA, CS64) the engine starts with.
 * Control registers and EFER are written the way a guest enters its mode
 * (paging on then off leaves long mode), so the engine derives everything
 * else itself; the segment-derived hidden flags (CPL, CS32, SS32, ADDSEG,
 * CS64) are set exactly as the engine's own segment loads set them.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "emu_internal.h"

#define FS_PROBE 0x5a17c0de11223344ULL
#define GS_PROBE 0x6b28d1ef55667788ULL

/* Engine segment cache, as the context holds it. */
struct emu_seg_cache {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;
    uint32_t flags;
};

static const int emu_gpr_reg[HVAL_NR_GPRS] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

static const uint32_t emu_state_msrs[] = {
    0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102, 0x174, 0x175, 0x176, 0x277,
};

static uint64_t *emu_msr_field(struct hval_state *st, uint32_t index)
{
    switch (index) {
    case 0xc0000081:
        return &st->star;
    case 0xc0000082:
        return &st->lstar;
    case 0xc0000083:
        return &st->cstar;
    case 0xc0000084:
        return &st->sfmask;
    case 0xc0000102:
        return &st->kernel_gs_base;
    case 0x174:
        return &st->sysenter_cs;
    case 0x175:
        return &st->sysenter_esp;
    case 0x176:
        return &st->sysenter_eip;
    default:
        return &st->pat;
    }
}

uint64_t emu_reg(struct hval_vcpu *v, int regid)
{
    uint64_t val = 0;
    uc_reg_read(v->uc, regid, &val);
    return val;
}

static int emu_wreg(struct hval_vcpu *v, int regid, uint64_t val)
{
    return uc_reg_write(v->uc, regid, &val) == UC_ERR_OK ? 0 : -EINVAL;
}

static uint64_t emu_rdmsr(struct hval_vcpu *v, uint32_t index)
{
    uc_x86_msr m = {.rid = index};
    v->in_api++;
    uc_reg_read(v->uc, UC_X86_REG_MSR, &m);
    v->in_api--;
    return m.value;
}

static void emu_wrmsr(struct hval_vcpu *v, uint32_t index, uint64_t value)
{
    uc_x86_msr m = {.rid = index, .value = value};
    v->in_api++;
    uc_reg_write(v->uc, UC_X86_REG_MSR, &m);
    v->in_api--;
}

static uint16_t flags_to_attr(uint32_t flags)
{
    return ((flags >> 8) & 0xff) | (((flags >> 20) & 0xf) << 8);
}

static uint32_t attr_to_flags(uint16_t attr)
{
    return ((uint32_t)(attr & 0xff) << 8) | ((uint32_t)((attr >> 8) & 0xf) << 20);
}

/* Segment cache s of the saved context (which is not 8-byte aligned). */
static struct emu_seg_cache emu_ctx_seg(struct hval_vcpu *v, int s)
{
    struct emu_seg_cache c;
    memcpy(&c, (const uint8_t *)v->ctx + v->segs_off + s * sizeof(c), sizeof(c));
    return c;
}

/*
 * The engine's "exception in flight" (QEMU's old_exception), from the
 * segment caches in unicorn 2.1.1's saved context.  The engine sets it on
 * every fault it raises and clears it only when it delivers one itself,
 * which it never does here (the backend delivers): left set, a #DE or #GP
 * followed later by any #GP, #TS, #NP, #SS or #DE became a #DF.
 */
#define EMU_OLD_EXCEPTION_FROM_SEGS 5280

/* A fault the engine reported has been taken over by the backend: no
 * exception is in flight any more.  Written only where the context holds
 * the vector just reported, so another engine layout is left alone. */
void emu_exception_done(struct hval_vcpu *v, uint32_t intno)
{
    size_t off = v->segs_off + EMU_OLD_EXCEPTION_FROM_SEGS;
    int32_t cur, none = -1;

    if (off + sizeof(cur) > uc_context_size(v->uc) || uc_context_save(v->uc, v->ctx) != UC_ERR_OK)
        return;
    memcpy(&cur, (uint8_t *)v->ctx + off, sizeof(cur));
    if (cur != (int32_t)intno)
        return;
    memcpy((uint8_t *)v->ctx + off, &none, sizeof(none));
    uc_context_restore(v->uc, v->ctx);
}

int emu_state_probe(struct hval_vcpu *v)
{
    size_t size = uc_context_size(v->uc);
    uint16_t cs = 0;

    if (uc_context_alloc(v->uc, &v->ctx) != UC_ERR_OK)
        return -ENOMEM;
    if (emu_wreg(v, UC_X86_REG_FS_BASE, FS_PROBE) < 0 || emu_wreg(v, UC_X86_REG_GS_BASE, GS_PROBE))
        return -EIO;
    uc_context_save(v->uc, v->ctx);
    uc_reg_read(v->uc, UC_X86_REG_CS, &cs);
    for (size_t off = 0; off + 2 * sizeof(struct emu_seg_cache) <= size; off += 4) {
        const uint8_t *p = (const uint8_t *)v->ctx + off;
        uint64_t fs, gs;
        memcpy(&fs, p, 8);
        memcpy(&gs, p + sizeof(struct emu_seg_cache), 8);
        if (fs != FS_PROBE || gs != GS_PROBE)
            continue;
        size_t base_off = offsetof(struct emu_seg_cache, base);
        size_t segs = off - base_off - HVAL_FS * sizeof(struct emu_seg_cache);
        if (off < base_off + HVAL_FS * sizeof(struct emu_seg_cache))
            continue;
        v->segs_off = segs;
        if (emu_ctx_seg(v, HVAL_CS).selector != cs)
            continue;
        /* The engine starts in 64-bit mode: LMA and CS64 in the hidden flags. */
        uint32_t hflags;
        memcpy(&hflags, (const uint8_t *)v->ctx + segs - 8, 4);
        if ((hflags & 0xc000) != 0xc000)
            continue;
        emu_wreg(v, UC_X86_REG_FS_BASE, 0);
        emu_wreg(v, UC_X86_REG_GS_BASE, 0);
        return 0;
    }
    return -ENOTSUP;
}

int emu_get_regs(struct hval_vcpu *v, struct hval_regs *regs)
{
    void *vals[HVAL_NR_GPRS];

    for (int i = 0; i < HVAL_NR_GPRS; i++)
        vals[i] = &regs->gpr[i];
    if (uc_reg_read_batch(v->uc, (int *)emu_gpr_reg, vals, HVAL_NR_GPRS) != UC_ERR_OK)
        return -EIO;
    regs->rip = emu_reg(v, UC_X86_REG_RIP);
    regs->rflags = emu_reg(v, UC_X86_REG_RFLAGS);
    return 0;
}

int emu_set_regs(struct hval_vcpu *v, const struct hval_regs *regs)
{
    void *vals[HVAL_NR_GPRS];

    for (int i = 0; i < HVAL_NR_GPRS; i++)
        vals[i] = (void *)&regs->gpr[i];
    if (uc_reg_write_batch(v->uc, (int *)emu_gpr_reg, vals, HVAL_NR_GPRS) != UC_ERR_OK)
        return -EIO;
    if (emu_wreg(v, UC_X86_REG_RIP, regs->rip) < 0 ||
        emu_wreg(v, UC_X86_REG_RFLAGS, regs->rflags) < 0)
        return -EIO;
    return 0;
}

static void emu_get_mmr(struct hval_vcpu *v, int regid, struct hval_segment *s)
{
    uc_x86_mmr m = {0};
    uc_reg_read(v->uc, regid, &m);
    s->base = m.base;
    s->limit = m.limit;
    s->selector = m.selector;
    s->attr = flags_to_attr(m.flags);
}

int emu_get_state(struct hval_vcpu *v, struct hval_state *st)
{
    struct hval_regs regs;
    uc_x86_mmr m;

    memset(st, 0, sizeof(*st));
    if (emu_get_regs(v, &regs) < 0)
        return -EIO;
    memcpy(st->gpr, regs.gpr, sizeof(st->gpr));
    st->rip = regs.rip;
    st->rflags = regs.rflags;

    if (uc_context_save(v->uc, v->ctx) != UC_ERR_OK)
        return -EIO;
    for (int s = 0; s < HVAL_NR_SEGS; s++) {
        struct emu_seg_cache c = emu_ctx_seg(v, s);
        st->seg[s].selector = c.selector;
        st->seg[s].base = c.base;
        st->seg[s].limit = c.limit;
        st->seg[s].attr = flags_to_attr(c.flags);
    }
    emu_get_mmr(v, UC_X86_REG_LDTR, &st->ldtr);
    emu_get_mmr(v, UC_X86_REG_TR, &st->tr);
    memset(&m, 0, sizeof(m));
    uc_reg_read(v->uc, UC_X86_REG_GDTR, &m);
    st->gdtr.base = m.base;
    st->gdtr.limit = m.limit;
    memset(&m, 0, sizeof(m));
    uc_reg_read(v->uc, UC_X86_REG_IDTR, &m);
    st->idtr.base = m.base;
    st->idtr.limit = m.limit;

    st->cr0 = emu_reg(v, UC_X86_REG_CR0);
    st->cr2 = emu_reg(v, UC_X86_REG_CR2);
    st->cr3 = emu_reg(v, UC_X86_REG_CR3);
    st->cr4 = emu_reg(v, UC_X86_REG_CR4);
    st->cr8 = v->cr8; /* the engine's CR8 register id writes past its cr[] */
    for (int i = 0; i < 4; i++)
        st->dr[i] = emu_reg(v, UC_X86_REG_DR0 + i);
    st->dr6 = emu_reg(v, UC_X86_REG_DR6);
    st->dr7 = emu_reg(v, UC_X86_REG_DR7);
    st->efer = emu_rdmsr(v, 0xc0000080);
    for (size_t i = 0; i < sizeof(emu_state_msrs) / sizeof(emu_state_msrs[0]); i++)
        *emu_msr_field(st, emu_state_msrs[i]) = emu_rdmsr(v, emu_state_msrs[i]);

    struct hval_fpu *f = &st->fpu;
    uint16_t w;
    uc_reg_read(v->uc, UC_X86_REG_FPCW, &f->fcw);
    uc_reg_read(v->uc, UC_X86_REG_FPSW, &f->fsw);
    uc_reg_read(v->uc, UC_X86_REG_FPTAG, &f->ftw);
    w = 0;
    uc_reg_read(v->uc, UC_X86_REG_FOP, &w);
    f->fop = w;
    uc_reg_read(v->uc, UC_X86_REG_FCS, &f->fcs);
    uc_reg_read(v->uc, UC_X86_REG_FDS, &f->fds);
    uc_reg_read(v->uc, UC_X86_REG_FIP, &f->fip);
    uc_reg_read(v->uc, UC_X86_REG_FDP, &f->fdp);
    for (int i = 0; i < 8; i++)
        uc_reg_read(v->uc, UC_X86_REG_FP0 + i, f->st[i]);
    uc_reg_read(v->uc, UC_X86_REG_MXCSR, &f->mxcsr);
    for (int i = 0; i < 16; i++) {
        int id = i < 8 ? UC_X86_REG_XMM0 + i : UC_X86_REG_XMM8 + (i - 8);
        uc_reg_read(v->uc, id, f->xmm[i]);
    }
    return 0;
}

/* ---- loading the mode: control registers and segments ---- */

/* The engine's hidden flags that follow from the segment registers. */
#define HF_CPL_MASK    0x3u
#define HF_CS32_MASK   (1u << 4)
#define HF_SS32_MASK   (1u << 5)
#define HF_ADDSEG_MASK (1u << 6)
#define HF_LMA_MASK    (1u << 14)
#define HF_CS64_MASK   (1u << 15)
#define HF_SEG_MASKS   (HF_CPL_MASK | HF_CS32_MASK | HF_SS32_MASK | HF_ADDSEG_MASK | HF_CS64_MASK)

static void emu_set_dtable(struct hval_vcpu *v, int regid, uint64_t base, uint32_t limit,
                           uint16_t sel, uint32_t flags)
{
    uc_x86_mmr m = {.selector = sel, .base = base, .limit = limit, .flags = flags};
    uc_reg_write(v->uc, regid, &m);
}

/*
 * Put the segment caches in the saved context, with the hidden flags the
 * engine derives from them (as its own segment loads would), and load it.
 */
static int emu_load_segments(struct hval_vcpu *v, const struct hval_state *st)
{
    uint8_t *ctx = (uint8_t *)v->ctx;
    uint32_t hflags;
    bool pe = st->cr0 & X86_CR0_PE, vm = st->rflags & X86_RFLAGS_VM;
    const struct hval_segment *cs = &st->seg[HVAL_CS];

    if (uc_context_save(v->uc, v->ctx) != UC_ERR_OK)
        return -EIO;
    for (int s = 0; s < HVAL_NR_SEGS; s++) {
        struct emu_seg_cache c = {
            .selector = st->seg[s].selector,
            .base = st->seg[s].base,
            .limit = st->seg[s].limit,
            .flags = attr_to_flags(st->seg[s].attr),
        };
        if (!(st->efer & X86_EFER_LMA) || !(cs->attr & HVAL_SEG_L))
            c.base &= 0xffffffff;
        memcpy(ctx + v->segs_off + s * sizeof(c), &c, sizeof(c));
    }
    memcpy(&hflags, ctx + v->segs_off - 8, 4);
    hflags &= ~HF_SEG_MASKS;
    hflags |= !pe ? 0 : vm ? 3 : (cs->selector & 3);
    if ((hflags & HF_LMA_MASK) && (cs->attr & HVAL_SEG_L))
        hflags |= HF_CS32_MASK | HF_SS32_MASK | HF_CS64_MASK;
    else {
        if (cs->attr & HVAL_SEG_DB)
            hflags |= HF_CS32_MASK;
        if (st->seg[HVAL_SS].attr & HVAL_SEG_DB)
            hflags |= HF_SS32_MASK;
        if (!pe || vm || !(hflags & HF_CS32_MASK) ||
            (st->seg[HVAL_DS].base | st->seg[HVAL_ES].base | st->seg[HVAL_SS].base) != 0)
            hflags |= HF_ADDSEG_MASK;
    }
    memcpy(ctx + v->segs_off - 8, &hflags, 4);
    return uc_context_restore(v->uc, v->ctx) == UC_ERR_OK ? 0 : -EIO;
}

static int emu_load_mode(struct hval_vcpu *v, const struct hval_state *st)
{
    bool pg = st->cr0 & X86_CR0_PG;
    int rc;

    if ((st->efer & X86_EFER_LMA) && !(pg && (st->cr4 & X86_CR4_PAE) && (st->efer & X86_EFER_LME)))
        return -EINVAL;
    if (!(st->cr0 & X86_CR0_PE) && pg)
        return -EINVAL;
    /* Long mode is only left by turning paging off (the engine starts in
     * it with paging off), so turn paging on first, then off. */
    emu_wreg(v, UC_X86_REG_RFLAGS, 0x2);
    emu_wreg(v, UC_X86_REG_CR0, 0x80000011);
    emu_wreg(v, UC_X86_REG_CR0, 0x11);
    /* Then enter the target's mode, the way a guest does. */
    emu_wrmsr(v, 0xc0000080, st->efer & ~X86_EFER_LMA);
    emu_wreg(v, UC_X86_REG_CR4, st->cr4);
    emu_wreg(v, UC_X86_REG_CR3, st->cr3);
    emu_wreg(v, UC_X86_REG_CR0, st->cr0);
    if ((emu_rdmsr(v, 0xc0000080) & X86_EFER_LMA) != (st->efer & X86_EFER_LMA))
        return -EINVAL;
    emu_wreg(v, UC_X86_REG_RFLAGS, st->rflags);
    rc = emu_load_segments(v, st);
    if (rc < 0)
        return rc;
    emu_set_dtable(v, UC_X86_REG_GDTR, st->gdtr.base, st->gdtr.limit, 0, 0);
    emu_set_dtable(v, UC_X86_REG_IDTR, st->idtr.base, st->idtr.limit, 0, 0);
    emu_set_dtable(v, UC_X86_REG_LDTR, st->ldtr.base, st->ldtr.limit, st->ldtr.selector,
                   attr_to_flags(st->ldtr.attr));
    emu_set_dtable(v, UC_X86_REG_TR, st->tr.base, st->tr.limit, st->tr.selector,
                   attr_to_flags(st->tr.attr));
    return 0;
}

static bool emu_same_seg(const struct hval_segment *a, const struct hval_segment *b)
{
    return a->selector == b->selector && a->base == b->base && a->limit == b->limit &&
           (a->attr | 1) == (b->attr | 1);
}

/* Does the mode part of st differ from the vCPU's? */
static bool emu_mode_differs(const struct hval_state *cur, const struct hval_state *st)
{
    for (int s = 0; s < HVAL_NR_SEGS; s++) {
        if (s == HVAL_FS || s == HVAL_GS) {
            struct hval_segment a = cur->seg[s], b = st->seg[s];
            a.base = b.base = 0;
            if (!emu_same_seg(&a, &b))
                return true;
        } else if (!emu_same_seg(&cur->seg[s], &st->seg[s])) {
            return true;
        }
    }
    return cur->cr0 != st->cr0 || cur->cr4 != st->cr4 || cur->efer != st->efer ||
           !emu_same_seg(&cur->ldtr, &st->ldtr) || !emu_same_seg(&cur->tr, &st->tr) ||
           cur->gdtr.base != st->gdtr.base || cur->gdtr.limit != st->gdtr.limit ||
           cur->idtr.base != st->idtr.base || cur->idtr.limit != st->idtr.limit;
}

int emu_set_state(struct hval_vcpu *v, const struct hval_state *st)
{
    struct hval_state cur;
    struct hval_regs regs;
    int rc;

    rc = emu_get_state(v, &cur);
    if (rc < 0)
        return rc;
    if (emu_mode_differs(&cur, st)) {
        rc = emu_load_mode(v, st);
        if (rc < 0) {
            emu_load_mode(v, &cur);
            emu_set_regs(v, &(struct hval_regs){.rip = cur.rip, .rflags = cur.rflags});
            return rc;
        }
    }
    emu_wreg(v, UC_X86_REG_FS_BASE, st->seg[HVAL_FS].base);
    emu_wreg(v, UC_X86_REG_GS_BASE, st->seg[HVAL_GS].base);
    /* 2.1.1 writes a CR2 value into CR3 as well: CR3 again after it. */
    emu_wreg(v, UC_X86_REG_CR2, st->cr2);
    emu_wreg(v, UC_X86_REG_CR3, st->cr3);
    v->cr8 = st->cr8 & 0xf;
    for (int i = 0; i < 4; i++)
        emu_wreg(v, UC_X86_REG_DR0 + i, st->dr[i]);
    emu_wreg(v, UC_X86_REG_DR6, st->dr6);
    emu_wreg(v, UC_X86_REG_DR7, st->dr7);
    for (size_t i = 0; i < sizeof(emu_state_msrs) / sizeof(emu_state_msrs[0]); i++)
        emu_wrmsr(v, emu_state_msrs[i], *emu_msr_field((struct hval_state *)st, emu_state_msrs[i]));

    const struct hval_fpu *f = &st->fpu;
    uc_reg_write(v->uc, UC_X86_REG_FPCW, &f->fcw);
    uc_reg_write(v->uc, UC_X86_REG_FPSW, &f->fsw);
    uc_reg_write(v->uc, UC_X86_REG_FPTAG, &f->ftw);
    uc_reg_write(v->uc, UC_X86_REG_FOP, &f->fop);
    uc_reg_write(v->uc, UC_X86_REG_FCS, &f->fcs);
    uc_reg_write(v->uc, UC_X86_REG_FDS, &f->fds);
    uc_reg_write(v->uc, UC_X86_REG_FIP, &f->fip);
    uc_reg_write(v->uc, UC_X86_REG_FDP, &f->fdp);
    for (int i = 0; i < 8; i++)
        uc_reg_write(v->uc, UC_X86_REG_FP0 + i, f->st[i]);
    uc_reg_write(v->uc, UC_X86_REG_MXCSR, &f->mxcsr);
    for (int i = 0; i < 16; i++) {
        int id = i < 8 ? UC_X86_REG_XMM0 + i : UC_X86_REG_XMM8 + (i - 8);
        uc_reg_write(v->uc, id, f->xmm[i]);
    }
    memcpy(regs.gpr, st->gpr, sizeof(regs.gpr));
    regs.rip = st->rip;
    regs.rflags = st->rflags;
    return emu_set_regs(v, &regs);
}
