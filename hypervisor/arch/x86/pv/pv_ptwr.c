/*
 * pv_ptwr.c: writable page tables, as Xen gives every 64-bit PV guest
 * (VMASST_TYPE_writable_pagetables, which Linux requires): the guest
 * kernel writes an entry of one of its own L1 tables, which it maps
 * read-only, straight from an instruction; the write faults, and the
 * entry is validated and written here as an mmu_update would write it,
 * then the instruction is skipped.  The forms emulated are the ones a
 * kernel uses on a page-table entry: mov (from a register or an
 * immediate), xchg and cmpxchg, 4 or 8 bytes, naturally aligned.  A
 * write the entry's checks refuse keeps the #PF for the guest.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pv_emul.h"
#include "pv_frames.h"
#include "pv_mm.h"

#define PF_PRESENT 0x1u
#define PF_WRITE   0x2u
#define PF_RSVD    0x8u
#define PF_FETCH   0x10u
#define RFLAGS_ZF  (1ULL << 6)

/* The L1 entry (machine address) mapping va in the tables at l4, or 0. */
static uint64_t l1e_maddr(unsigned owner, uint64_t l4, uint64_t va)
{
    uint64_t mfn = l4;

    for (int level = 4; level > 1; level--) {
        const uint64_t *t;
        uint64_t e;
        if (!pv_frame_owned_by(mfn, owner) || !(t = pv_frame_map(mfn)))
            return 0;
        e = t[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & PV_PTE_P) || (e & PV_PTE_PSE))
            return 0;
        mfn = (e & PV_PTE_ADDR) >> 12;
    }
    return pv_frame_owned_by(mfn, owner) ? (mfn << 12) | (((va >> 12) & 511) * 8) : 0;
}

/*
 * A ModRM memory operand at b[at] (64-bit addressing): its effective
 * address in *ea (rip-relative from the instruction's end, len bytes in
 * all, which the caller adds once known) and the bytes after the ModRM
 * byte (SIB, displacement); -1 for a register operand.
 */
static int modrm_ea(const struct hval_state *st, const uint8_t *b, unsigned avail, unsigned at,
                    uint8_t rex, uint64_t *ea, bool *riprel)
{
    unsigned mod, rm, n = 0;
    int64_t disp = 0;

    if (at >= avail)
        return -1;
    mod = b[at] >> 6;
    rm = b[at] & 7;
    *riprel = false;
    *ea = 0;
    if (mod == 3)
        return -1;
    if (rm == 4) {
        unsigned sib, base, index;
        if (at + 1 >= avail)
            return -1;
        sib = b[at + 1];
        n = 1;
        base = (sib & 7) | (rex & 1 ? 8 : 0);
        index = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
        if (index != 4)
            *ea += st->gpr[index] << (sib >> 6);
        if (mod == 0 && (sib & 7) == 5)
            mod = 2; /* disp32, no base */
        else
            *ea += st->gpr[base];
    } else if (mod == 0 && rm == 5) {
        *riprel = true;
        mod = 2;
    } else {
        *ea += st->gpr[rm | (rex & 1 ? 8 : 0)];
    }
    if (mod == 1) {
        if (at + 1 + n >= avail)
            return -1;
        disp = (int8_t)b[at + 1 + n];
        n += 1;
    } else if (mod == 2 || (mod == 0 && *riprel)) {
        int32_t d32;
        if (at + 1 + n + 4 > avail)
            return -1;
        memcpy(&d32, b + at + 1 + n, 4);
        disp = d32;
        n += 4;
    }
    *ea += (uint64_t)disp;
    return (int)n;
}

enum pv_emul_result pv_emulate_ptwr(struct pv_emul_env *env, uint32_t error, uint64_t cr2)
{
    struct hval_state *st = env->st;
    struct pv_vcpu *pv = env->pv;
    uint8_t b[15];
    unsigned n = 0, size = 4, reg, avail = sizeof(b);
    uint8_t rex = 0, op, seg = 0;
    bool riprel;
    uint64_t ea;
    bool twobyte = false;
    uint64_t ptr, old, val, src = 0, slot_off;
    int tail, flush = 0;
    enum { MOV, XCHG, CMPXCHG } kind;

    if ((error & (PF_PRESENT | PF_WRITE | PF_RSVD | PF_FETCH)) != (PF_PRESENT | PF_WRITE) ||
        !pv->kernel_mode)
        return PV_EMUL_NONE;
    ptr = l1e_maddr(env->domid, pv->kernel_l4, cr2);
    if (!ptr)
        return PV_EMUL_NONE;
    /* The frame written: is it one of the domain's L1 tables? */
    uint64_t pte = ((const uint64_t *)pv_frame_map(ptr >> 12))[(ptr & 4095) / 8];
    uint64_t target = (pte & PV_PTE_ADDR) >> 12;
    const struct pv_frame *f = pv_frame(target);
    if (!(pte & PV_PTE_P) || !f || f->type != PV_PGT_L1 || !pv_frame_owned_by(target, env->domid))
        return PV_EMUL_NONE;
    if (env->read_code(env->opaque, st->rip, b, sizeof(b))) {
        avail = 4096 - (unsigned)(st->rip & 4095);
        if (avail >= sizeof(b) || env->read_code(env->opaque, st->rip, b, avail))
            return PV_EMUL_NONE;
    }
    /* Prefixes: lock, operand size, segment (gs/fs are flat for these). */
    while (n < avail && (b[n] == 0xf0 || b[n] == 0x66 || b[n] == 0x2e || b[n] == 0x3e ||
                         b[n] == 0x26 || b[n] == 0x36 || b[n] == 0x64 || b[n] == 0x65)) {
        if (b[n] == 0x66)
            return PV_EMUL_NONE; /* 2-byte writes of an entry: not a kernel's */
        if (b[n] == 0x64 || b[n] == 0x65)
            seg = b[n];
        n++;
    }
    if (n < avail && (b[n] & 0xf0) == 0x40)
        rex = b[n++];
    if (rex & 8)
        size = 8;
    if (n >= avail)
        return PV_EMUL_NONE;
    op = b[n++];
    if (op == 0x0f) {
        if (n >= avail)
            return PV_EMUL_NONE;
        twobyte = true;
        op = b[n++];
    }
    if (!twobyte && op == 0x89)
        kind = MOV;
    else if (!twobyte && op == 0x87)
        kind = XCHG;
    else if (!twobyte && op == 0xc7 && n < avail && ((b[n] >> 3) & 7) == 0)
        kind = MOV;
    else if (twobyte && op == 0xb1)
        kind = CMPXCHG;
    else
        return PV_EMUL_NONE;
    reg = ((b[n] >> 3) & 7) | (rex & 4 ? 8 : 0);
    tail = modrm_ea(st, b, avail, n, rex, &ea, &riprel);
    if (tail < 0)
        return PV_EMUL_NONE;
    n += 1 + (unsigned)tail;
    if (op == 0xc7) {
        int32_t imm;
        if (n + 4 > avail)
            return PV_EMUL_NONE;
        memcpy(&imm, b + n, 4);
        n += 4;
        src = (uint64_t)(int64_t)imm;
    } else {
        src = st->gpr[reg];
    }
    if (riprel)
        ea += st->rip + n;
    if (seg)
        ea += st->seg[seg == 0x64 ? HVAL_FS : HVAL_GS].base;
    /* The fault's page (the CPU's CR2 may say only the page). */
    if ((ea & ~4095ULL) != (cr2 & ~4095ULL))
        return PV_EMUL_NONE;
    cr2 = ea;
    /* The write: within one entry, naturally aligned. */
    if (cr2 & (size - 1))
        return PV_EMUL_NONE;
    slot_off = cr2 & 7;
    uint64_t entry_ma = (target << 12) | (cr2 & 0xff8);
    old = ((const uint64_t *)pv_frame_map(target))[(cr2 & 0xff8) / 8];
    uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL << (slot_off * 8);
    uint64_t cur = size == 8 ? old : (old >> (slot_off * 8)) & 0xffffffffULL;
    src = size == 8 ? src : src & 0xffffffffULL;
    if (kind == CMPXCHG) {
        uint64_t expect = size == 8 ? st->gpr[HVAL_RAX] : st->gpr[HVAL_RAX] & 0xffffffffULL;
        if (cur != expect) {
            st->gpr[HVAL_RAX] = size == 8 ? cur : cur; /* 32-bit: upper half cleared */
            st->rflags &= ~RFLAGS_ZF;
            st->rip += n;
            return PV_EMUL_DONE;
        }
    }
    val = (old & ~mask) | (size == 8 ? src : src << (slot_off * 8));
    if (pv_mmu_normal_update(env->domid, entry_ma, val, &flush))
        return PV_EMUL_NONE;
    /* refused: the guest takes its #PF */ /* refused: the guest takes its #PF */
    if (kind == XCHG)
        st->gpr[reg] = size == 8 ? cur : cur & 0xffffffffULL;
    if (kind == CMPXCHG)
        st->rflags |= RFLAGS_ZF;
    pv->pending |= PV_PENDING_TLB_FLUSH;
    st->rip += n;
    return PV_EMUL_DONE;
}
