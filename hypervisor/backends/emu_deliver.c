/*
 * emu_deliver.c: what the engine leaves to the backend: walking the
 * guest's page tables, delivering events through the guest's IDT (real
 * mode, 32-bit protected mode, long mode, with stack switches from the
 * TSS), SYSCALL, and describing the exceptions the engine stops on.
 * Guest tables are hostile: every access is checked, none is trusted.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "emu_internal.h"

static int emu_access_linear(struct hval_vcpu *v, uint64_t la, void *buf, size_t len, bool write)
{
    struct emu_paging pg;
    uint8_t *b = buf;

    emu_paging_read(v, &pg);
    while (len) {
        size_t chunk = EMU_PAGE_SIZE - (la & (EMU_PAGE_SIZE - 1));
        uint64_t gpa;
        uint8_t *p;
        bool writable;
        if (chunk > len)
            chunk = len;
        if (emu_translate(v, &pg, la, &writable, &gpa) < 0)
            return -EFAULT;
        /* Supervisor rights: a read-only page is written only with
         * CR0.WP clear (a PV guest's page tables stay out of reach). */
        if (write && !writable && (pg.cr0 & 0x10000ULL)) /* CR0.WP */
            return -EFAULT;
        p = emu_gpa_to_hva(v, gpa, chunk);
        if (!p)
            return -EFAULT;
        if (write)
            memcpy(p, b, chunk);
        else
            memcpy(b, p, chunk);
        la += chunk;
        b += chunk;
        len -= chunk;
    }
    return 0;
}

int emu_read_linear(struct hval_vcpu *v, uint64_t la, void *buf, size_t len)
{
    return emu_access_linear(v, la, buf, len, false);
}

int emu_write_linear(struct hval_vcpu *v, uint64_t la, const void *buf, size_t len)
{
    return emu_access_linear(v, la, (void *)buf, len, true);
}

/* ---- event delivery ---- */

static bool emu_vector_has_error_code(unsigned vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
}

/* Read a code or stack segment's descriptor into a hidden-part segment. */
static int emu_read_descriptor(struct hval_vcpu *v, const struct hval_state *st, uint16_t sel,
                               struct hval_segment *seg)
{
    const struct hval_dtable *gdt = &st->gdtr;
    uint64_t base = (sel & 4) ? st->ldtr.base : gdt->base;
    uint32_t limit = (sel & 4) ? st->ldtr.limit : gdt->limit;
    uint8_t d[8];

    if ((sel & ~3) == 0 || (uint32_t)(sel & ~7) + 7 > limit)
        return -EFAULT;
    if (emu_read_linear(v, base + (sel & ~7), d, 8) < 0)
        return -EFAULT;
    if (!(d[5] & 0x80) || !(d[5] & 0x10))
        return -EFAULT;
    seg->selector = sel;
    seg->base = d[2] | (d[3] << 8) | (d[4] << 16) | ((uint32_t)d[7] << 24);
    seg->limit = d[0] | (d[1] << 8) | ((d[6] & 0xf) << 16);
    seg->attr = d[5] | ((d[6] >> 4) << 8);
    if (seg->attr & HVAL_SEG_G)
        seg->limit = (seg->limit << 12) | 0xfff;
    return 0;
}

static int emu_push(struct hval_vcpu *v, uint64_t ss_base, uint64_t *sp, uint64_t mask,
                    uint64_t val, unsigned size)
{
    *sp = (*sp - size) & mask;
    return emu_write_linear(v, (ss_base + *sp) & (mask | 0xffffffffULL), &val, size);
}

static int emu_deliver_real(struct hval_vcpu *v, struct hval_state *st, unsigned vec)
{
    uint8_t ivt[4];
    uint64_t sp = st->gpr[HVAL_RSP] & 0xffff;
    uint64_t ssb = st->seg[HVAL_SS].base;

    if (vec * 4 + 3 > st->idtr.limit || emu_read_linear(v, st->idtr.base + vec * 4, ivt, 4) < 0)
        return -EFAULT;
    if (emu_push(v, ssb, &sp, 0xffff, st->rflags & 0xffff, 2) < 0 ||
        emu_push(v, ssb, &sp, 0xffff, st->seg[HVAL_CS].selector, 2) < 0 ||
        emu_push(v, ssb, &sp, 0xffff, st->rip & 0xffff, 2) < 0)
        return -EFAULT;
    st->gpr[HVAL_RSP] = (st->gpr[HVAL_RSP] & ~0xffffULL) | sp;
    st->rflags &= ~(X86_RFLAGS_IF | X86_RFLAGS_TF | X86_RFLAGS_AC);
    st->seg[HVAL_CS].selector = ivt[2] | (ivt[3] << 8);
    st->seg[HVAL_CS].base = (uint64_t)st->seg[HVAL_CS].selector << 4;
    st->rip = ivt[0] | (ivt[1] << 8);
    return 0;
}

static int emu_deliver_pm(struct hval_vcpu *v, struct hval_state *st, unsigned vec, bool soft,
                          bool has_ec, uint32_t ec)
{
    bool lm = st->efer & X86_EFER_LMA;
    unsigned gsize = lm ? 16 : 8, cpl = st->seg[HVAL_CS].selector & 3, newcpl, ist = 0;
    uint8_t g[16];
    struct hval_segment cs, ss = st->seg[HVAL_SS];
    uint64_t off, sp = st->gpr[HVAL_RSP], old_sp = sp, mask = lm ? ~0ULL : 0xffffffffULL;
    uint16_t old_ss = st->seg[HVAL_SS].selector;
    bool stack_switch;

    if (vec * gsize + gsize - 1 > st->idtr.limit)
        return -ERANGE;
    if (emu_read_linear(v, st->idtr.base + vec * gsize, g, gsize) < 0)
        return -EFAULT;
    unsigned type = g[5] & 0xf, dpl = (g[5] >> 5) & 3;
    if (type != 0xe && type != 0xf)
        return -ERANGE;
    if (soft && dpl < cpl)
        return -EPERM;
    if (!(g[5] & 0x80))
        return -ENOENT;
    off = g[0] | (g[1] << 8) | ((uint64_t)g[6] << 16) | ((uint64_t)g[7] << 24);
    if (lm) {
        off |= ((uint64_t)g[8] | ((uint64_t)g[9] << 8) | ((uint64_t)g[10] << 16) |
                ((uint64_t)g[11] << 24))
               << 32;
        ist = g[4] & 7;
    }
    if (emu_read_descriptor(v, st, g[2] | (g[3] << 8), &cs) < 0 || !(cs.attr & 0x8))
        return -EFAULT;
    newcpl = (cs.attr & 0x4) ? cpl : HVAL_SEG_DPL(cs.attr);
    if (newcpl > cpl || (lm && !(cs.attr & HVAL_SEG_L)))
        return -EFAULT;
    stack_switch = newcpl < cpl;
    if (lm) {
        if (stack_switch || ist) {
            uint64_t at = ist ? st->tr.base + 0x24 + 8 * (ist - 1) : st->tr.base + 4 + 8 * newcpl;
            if (emu_read_linear(v, at, &sp, 8) < 0)
                return -EFAULT;
        }
        if (stack_switch) {
            memset(&ss, 0, sizeof(ss));
            ss.selector = newcpl;
        }
        sp &= ~0xfULL;
    } else if (stack_switch) {
        uint32_t esp;
        uint16_t sel;
        if (emu_read_linear(v, st->tr.base + 4 + 8 * newcpl, &esp, 4) < 0 ||
            emu_read_linear(v, st->tr.base + 8 + 8 * newcpl, &sel, 2) < 0 ||
            emu_read_descriptor(v, st, sel, &ss) < 0)
            return -EFAULT;
        sp = esp;
    }
    unsigned w = lm ? 8 : 4;
    if (lm || stack_switch) {
        if (emu_push(v, ss.base, &sp, mask, old_ss, w) < 0 ||
            emu_push(v, ss.base, &sp, mask, old_sp, w) < 0)
            return -EFAULT;
    }
    if (emu_push(v, ss.base, &sp, mask, st->rflags, w) < 0 ||
        emu_push(v, ss.base, &sp, mask, st->seg[HVAL_CS].selector, w) < 0 ||
        emu_push(v, ss.base, &sp, mask, st->rip, w) < 0 ||
        (has_ec && emu_push(v, ss.base, &sp, mask, ec, w) < 0))
        return -EFAULT;
    cs.selector = (cs.selector & ~3) | newcpl;
    st->seg[HVAL_CS] = cs;
    st->seg[HVAL_SS] = ss;
    st->gpr[HVAL_RSP] = sp;
    st->rip = off;
    st->rflags &= ~(X86_RFLAGS_TF | X86_RFLAGS_NT | X86_RFLAGS_RF | X86_RFLAGS_VM);
    if (type == 0xe)
        st->rflags &= ~X86_RFLAGS_IF;
    return 0;
}

static int emu_deliver(struct hval_vcpu *v, struct hval_state *st, unsigned vec, bool soft,
                       bool has_ec, uint32_t ec)
{
    if (!(st->cr0 & X86_CR0_PE))
        return emu_deliver_real(v, st, vec);
    return emu_deliver_pm(v, st, vec, soft, has_ec, ec);
}

int emu_inject(struct hval_vcpu *v, const struct hval_event *ev)
{
    struct hval_state st;
    bool soft = ev->kind == HVAL_EVENT_SOFTINT;
    unsigned vec = ev->kind == HVAL_EVENT_NMI ? 2 : ev->vector;
    bool has_ec = ev->kind == HVAL_EVENT_EXCEPTION && ev->has_error_code;
    int rc;

    if (ev->kind == HVAL_EVENT_EXCEPTION && ev->vector >= 32)
        return -EINVAL;
    rc = emu_get_state(v, &st);
    if (rc < 0)
        return rc;
    if (ev->kind == HVAL_EVENT_EXTINT && !(st.rflags & X86_RFLAGS_IF))
        return -EAGAIN;
    if (ev->kind == HVAL_EVENT_EXCEPTION && ev->vector == 14)
        st.cr2 = ev->cr2;
    rc = emu_deliver(v, &st, vec, soft, has_ec, ev->error_code);
    if (rc < 0 && vec != 8 && rc != -EFAULT) {
        /* A bad gate is a fault of its own, with the IDT entry in the
         * error code: #GP (beyond the limit, a wrong type, an int n above
         * its gate's DPL) or #NP (not present). */
        uint32_t ec = vec * 8 + 2 + (soft ? 0 : 1);
        unsigned fault = rc == -ENOENT ? 11 : 13;
        rc = emu_deliver(v, &st, fault, false, true, ec);
    }
    if (rc < 0 && (vec == 8 || emu_deliver(v, &st, 8, false, true, 0) < 0)) {
        v->triple_fault = true;
        return 0;
    }
    return emu_set_state(v, &st);
}

/* ---- SYSCALL: the engine only reports it ---- */

int emu_do_syscall(struct hval_vcpu *v, struct hval_exit *exit)
{
    struct hval_state st;
    int rc = emu_get_state(v, &st);
    uint16_t sel;

    if (rc < 0)
        return rc;
    /* The engine left rip past the 2-byte instruction. */
    if (!(st.efer & X86_EFER_SCE) || !(st.cr0 & X86_CR0_PE)) {
        struct hval_regs r;
        exit->kind = HVAL_EXIT_EXCEPTION;
        exit->exception.vector = 6;
        rc = emu_get_regs(v, &r);
        if (rc < 0)
            return rc;
        r.rip -= 2;
        return emu_set_regs(v, &r);
    }
    bool from64 = (st.efer & X86_EFER_LMA) && (st.seg[HVAL_CS].attr & HVAL_SEG_L);

    sel = (st.star >> 32) & 0xfffc;
    st.seg[HVAL_CS] =
        (struct hval_segment){0, 0xffffffff, sel, 0xb | HVAL_SEG_S | HVAL_SEG_P | HVAL_SEG_G};
    st.seg[HVAL_SS] =
        (struct hval_segment){0, 0xffffffff, (uint16_t)(sel + 8),
                              0x3 | HVAL_SEG_S | HVAL_SEG_P | HVAL_SEG_DB | HVAL_SEG_G};
    if (st.efer & X86_EFER_LMA) {
        st.gpr[HVAL_RCX] = st.rip;
        st.gpr[HVAL_R11] = st.rflags & ~X86_RFLAGS_RF;
        st.seg[HVAL_CS].attr |= HVAL_SEG_L;
        st.rip = from64 ? st.lstar : st.cstar;
        st.rflags &= ~(st.sfmask | X86_RFLAGS_RF);
    } else {
        st.gpr[HVAL_RCX] = st.rip & 0xffffffff;
        st.seg[HVAL_CS].attr |= HVAL_SEG_DB;
        st.rip = st.star & 0xffffffff;
        st.rflags &= ~(X86_RFLAGS_IF | X86_RFLAGS_VM | X86_RFLAGS_RF);
    }
    st.rflags |= 2;
    return emu_set_state(v, &st);
}

/* ---- exceptions the engine stopped on ---- */

/* The linear address of a mov-to-segment memory operand (32/64-bit
 * addressing; b points at the ModRM byte), or false. */
static bool emu_modrm_la(const struct hval_state *st, const uint8_t *b, size_t n, unsigned rex,
                         bool long64, int addr_bits, int seg, uint64_t next_rip, uint64_t *la)
{
    unsigned mod = b[0] >> 6, rm = b[0] & 7, p = 1;
    uint64_t ea = 0;
    int base = -1;
    bool rip_rel = false;

    if (addr_bits == 16)
        return false;
    if (rm == 4) {
        unsigned sib = b[1], idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        p = 2;
        if (idx != 4)
            ea = st->gpr[idx] << (sib >> 6);
        if ((sib & 7) == 5 && mod == 0) {
            base = -2; /* disp32, no base */
        } else {
            base = (int)((sib & 7) | ((rex & 1) << 3));
        }
    } else if (rm == 5 && mod == 0) {
        base = -2;
        rip_rel = long64;
    } else {
        base = (int)(rm | ((rex & 1) << 3));
    }
    if (base >= 0)
        ea += st->gpr[base];
    if (mod == 1 && p < n) {
        ea += (uint64_t)(int64_t)(int8_t)b[p];
        p += 1;
    } else if (mod == 2 || base == -2) {
        int32_t d;
        if (p + 4 > n)
            return false;
        memcpy(&d, b + p, 4);
        ea += (uint64_t)(int64_t)d;
        p += 4;
    }
    if (rip_rel)
        ea += next_rip + p;
    if (addr_bits == 32)
        ea &= 0xffffffff;
    if (seg < 0)
        seg = (base == HVAL_RSP || base == HVAL_RBP) ? HVAL_SS : HVAL_DS;
    if (!long64 || seg == HVAL_FS || seg == HVAL_GS)
        ea += st->seg[seg].base;
    *la = (st->efer & X86_EFER_LMA) ? ea : ea & 0xffffffff;
    return true;
}

/*
 * The selector a faulting segment load tried to load (mov to a segment
 * register from a register or memory, pop of a segment register), or -1:
 * #TS, #NP, #SS and #GP report it in their error code, and the engine
 * reports only the vector.
 */
static int emu_loaded_selector(struct hval_vcpu *v, const struct hval_state *st, uint64_t la)
{
    bool long64 = (st->efer & X86_EFER_LMA) && (st->seg[HVAL_CS].attr & HVAL_SEG_L);
    int addr_bits = long64 ? 64 : (st->seg[HVAL_CS].attr & HVAL_SEG_DB) ? 32 : 16;
    uint8_t b[16];
    unsigned rex = 0, i = 0;
    int seg = -1;
    uint16_t sel;
    uint64_t at;

    if (emu_read_linear(v, la, b, sizeof(b)) < 0 &&
        emu_read_linear(v, la, b, EMU_PAGE_SIZE - (la & (EMU_PAGE_SIZE - 1))) < 0)
        return -1;
    for (; i < sizeof(b) - 6; i++) {
        static const int8_t seg_prefix[8] = {HVAL_ES, HVAL_CS, HVAL_SS, HVAL_DS};
        if ((b[i] & 0xe7) == 0x26) { /* 26 2e 36 3e */
            seg = seg_prefix[(b[i] >> 3) & 3];
        } else if (b[i] == 0x64 || b[i] == 0x65) {
            seg = b[i] == 0x64 ? HVAL_FS : HVAL_GS;
        } else if (b[i] == 0x67) {
            addr_bits = long64 ? 32 : addr_bits == 32 ? 16 : 32;
        } else if (b[i] == 0x66 || b[i] == 0xf2 || b[i] == 0xf3 || b[i] == 0xf0) {
        } else if (long64 && (b[i] & 0xf0) == 0x40) {
            rex = b[i];
            continue;
        } else {
            break;
        }
        rex = 0;
    }
    if (b[i] == 0x8e) {
        unsigned modrm = b[i + 1];
        if ((modrm >> 6) == 3) {
            sel = (uint16_t)st->gpr[(modrm & 7) | ((rex & 1) << 3)];
            return sel;
        }
        if (!emu_modrm_la(st, b + i + 1, sizeof(b) - i - 1, rex, long64, addr_bits, seg,
                          st->rip + i + 1, &at))
            return -1;
    } else if (b[i] == 0x07 || b[i] == 0x17 || b[i] == 0x1f ||
               (b[i] == 0x0f && (b[i + 1] == 0xa1 || b[i + 1] == 0xa9))) {
        uint64_t sp = st->gpr[HVAL_RSP];
        if (!long64)
            sp = (st->seg[HVAL_SS].attr & HVAL_SEG_DB) ? sp & 0xffffffff : sp & 0xffff;
        at = long64 ? sp : st->seg[HVAL_SS].base + sp;
        if (!(st->efer & X86_EFER_LMA))
            at &= 0xffffffff;
    } else {
        return -1;
    }
    if (emu_read_linear(v, at, &sel, sizeof(sel)) < 0)
        return -1;
    return sel;
}

void emu_describe_exception(struct hval_vcpu *v, uint32_t intno, struct hval_exit *exit)
{
    struct hval_state st;
    uint8_t before[2] = {0};
    bool soft = intno >= 32 || intno == 3 || intno == 4;

    exit->kind = HVAL_EXIT_EXCEPTION;
    exit->exception.vector = intno;
    if (emu_get_state(v, &st) < 0)
        return;
    uint64_t la = st.seg[HVAL_CS].base + st.rip;
    if (!(st.efer & X86_EFER_LMA))
        la &= 0xffffffff;
    /* An int n leaves rip after its two bytes; a fault leaves it on the insn. */
    if (!soft && emu_read_linear(v, la - 2, before, 2) == 0 && before[0] == 0xcd &&
        before[1] == intno)
        soft = true;
    exit->exception.software = soft;
    if (soft)
        return;
    exit->exception.has_error_code = emu_vector_has_error_code(intno);
    if (intno >= 10 && intno <= 13) {
        /* A null selector (into SS) is #GP(0); any other, its index and TI. */
        int sel = emu_loaded_selector(v, &st, la);
        if (sel > 3)
            exit->exception.error_code = (uint32_t)sel & 0xfffc;
    }
    if (intno == 14) {
        struct emu_paging pg = {st.cr0, st.cr3, st.cr4, st.efer};
        uint64_t gpa;
        bool writable = false;
        uint32_t ec = 0;
        exit->exception.cr2 = st.cr2;
        if (emu_translate(v, &pg, st.cr2, &writable, &gpa) == 0) {
            ec |= 1; /* present: a protection fault; a read could not fault */
            if (!writable)
                ec |= 2;
        }
        if ((st.seg[HVAL_CS].selector & 3) == 3)
            ec |= 4;
        if ((st.efer & X86_EFER_NXE) && (st.cr2 & EMU_PAGE_MASK) == (la & EMU_PAGE_MASK))
            ec |= 0x10;
        exit->exception.error_code = ec;
    }
}
