/*
 * pv_emul.c: privileged instructions of a 64-bit PV guest, emulated as
 * Xen's emulate_privileged_op does (see pv_emul.h).  The guest kernel
 * runs in ring 3, so what it may do as a kernel faults with #GP(0) and is
 * done here: port I/O when its virtual IOPL (PHYSDEVOP_set_iopl) allows
 * it, an unprivileged domain's ports reading all ones and ignoring
 * writes; rdmsr/wrmsr of the MSRs Xen gives PV guests (segment bases,
 * EFER, PAT, TSC; anything else #GP); moves from CR0/2/3/4 and to CR0 (TS
 * only), CR2, CR3 (a new base pointer), CR4 (its guest bits); clts;
 * wbinvd/invd and cli/sti (skipped, as Xen skips them).  The forced-emulation
 * prefix (ud2a 'x' 'e' 'n') before cpuid is taken off so the cpuid runs.
 * The instruction bytes are read through the guest's tables, at most 15.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <x86intrin.h>

#include "pv_emul.h"
#include "pv_mm.h"
#include "public/xen.h"

#define MAX_INSN 15

#define CR0_TS            (1ULL << 3)
#define CR4_TSD           (1ULL << 2)
#define CR4_DE            (1ULL << 3)
#define CR4_PAE           (1ULL << 5)
#define CR4_MCE           (1ULL << 6)
#define CR4_OSFXSR        (1ULL << 9)
#define CR4_OSXMMEXCPT    (1ULL << 10)
#define CR4_FSGSBASE      (1ULL << 16)
#define CR4_OSXSAVE       (1ULL << 18)
#define RFLAGS_IOPL_SHIFT 12

#define EFER_VISIBLE 0xd01ULL /* SCE LME LMA NXE */

#define MSR_IA32_TSC       0x10u
#define MSR_PAT            0x277u
#define MSR_MCG_CAP        0x179u
#define MSR_MCG_STATUS     0x17au
#define MSR_MC0_CTL        0x400u /* 4 per bank: CTL STATUS ADDR MISC */
#define PV_MC_BANKS        2u     /* Xen's vMCE: two banks, MCG_TES_P */
#define PV_MCG_CAP         ((1ULL << 11) | PV_MC_BANKS)
#define MSR_EFER           0xc0000080u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_SHADOW_GS_BASE 0xc0000102u

uint64_t pv_guest_cr4(uint64_t requested)
{
    return (requested & (CR4_TSD | CR4_DE | CR4_FSGSBASE | CR4_OSXSAVE)) | CR4_PAE | CR4_MCE |
           CR4_OSFXSR | CR4_OSXMMEXCPT;
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int pv_rdmsr(struct pv_emul_env *env, uint32_t index, uint64_t *val)
{
    const struct hval_state *st = env->st;

    switch (index) {
    case MSR_FS_BASE:
        *val = st->seg[HVAL_FS].base;
        return 0;
    case MSR_GS_BASE:
        *val = st->seg[HVAL_GS].base;
        return 0;
    case MSR_SHADOW_GS_BASE:
        *val = st->kernel_gs_base;
        return 0;
    case MSR_EFER:
        *val = st->efer & EFER_VISIBLE;
        return 0;
    case MSR_PAT:
        *val = PV_GUEST_PAT;
        return 0;
    case MSR_IA32_TSC:
        *val = __rdtsc();
        return 0;
    case MSR_MCG_CAP:
        *val = PV_MCG_CAP;
        return 0;
    case MSR_MCG_STATUS:
        *val = 0; /* no machine check in progress, ever */
        return 0;
    default:
        if (index >= MSR_MC0_CTL && index < MSR_MC0_CTL + 4 * PV_MC_BANKS) {
            *val = (index - MSR_MC0_CTL) % 4 == 0 ? ~0ULL : 0; /* banks on, nothing logged */
            return 0;
        }
        return -EPERM;
    }
}

int pv_wrmsr(struct pv_emul_env *env, uint32_t index, uint64_t val)
{
    struct hval_state *st = env->st;
    struct pv_vcpu *pv = env->pv;

    switch (index) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
        if (!canonical(val))
            return -EPERM;
        /* Only the kernel gets here: GS is its own, the shadow the user's. */
        if (index == MSR_FS_BASE)
            st->seg[HVAL_FS].base = pv->fs_base = val;
        else if (index == MSR_GS_BASE)
            st->seg[HVAL_GS].base = pv->gs_base_kernel = val;
        else
            st->kernel_gs_base = pv->gs_base_user = val;
        return 0;
    case MSR_EFER: /* nothing may change */
        return val == (st->efer & EFER_VISIBLE) ? 0 : -EPERM;
    case MSR_PAT:
        return val == PV_GUEST_PAT ? 0 : -EPERM;
    case MSR_MCG_STATUS:
        return 0;
    default: /* the vMCE banks take writes and keep nothing */
        return index >= MSR_MC0_CTL && index < MSR_MC0_CTL + 4 * PV_MC_BANKS ? 0 : -EPERM;
    }
}

/* The decoded instruction. */
struct insn {
    uint8_t b[MAX_INSN];
    unsigned len, n; /* bytes read, bytes used */
    unsigned opsize; /* 2 or 4 (8 with REX.W) */
    uint8_t rex;
};

static int fetch(struct pv_emul_env *env, struct insn *in)
{
    uint64_t rip = env->st->rip;
    size_t len = MAX_INSN;

    /* Up to the end of the page when the next one is not there. */
    if (env->read_code(env->opaque, rip, in->b, len)) {
        len = 4096 - (rip & 4095);
        if (len > MAX_INSN || env->read_code(env->opaque, rip, in->b, len))
            return -EFAULT;
    }
    in->len = (unsigned)len;
    return 0;
}

static int next(struct insn *in)
{
    return in->n < in->len ? in->b[in->n++] : -1;
}

/* Prefixes (operand size, REX; segments, lock and rep are skipped). */
static int prefixes(struct insn *in)
{
    int c;

    in->opsize = 4;
    for (;;) {
        c = next(in);
        if (c == 0x66)
            in->opsize = 2;
        else if (c == 0x2e || c == 0x36 || c == 0x3e || c == 0x26 || c == 0x64 || c == 0x65 ||
                 c == 0xf0 || c == 0xf2 || c == 0xf3 || c == 0x67)
            continue;
        else
            break;
    }
    if (c >= 0x40 && c <= 0x4f) {
        in->rex = (uint8_t)c;
        if (c & 8)
            in->opsize = 8;
        c = next(in);
    }
    return c;
}

/* May the guest do port I/O here?  Its virtual IOPL against ring 1 for
 * the kernel, 3 for user mode (Xen's iopl_ok). */
static bool io_allowed(const struct pv_emul_env *env)
{
    unsigned cpl = env->pv->kernel_mode ? 1 : 3;

    return cpl <= env->pv->iopl;
}

static void set_gpr_sized(struct hval_state *st, int reg, unsigned size, uint64_t v)
{
    uint64_t *r = &st->gpr[reg];

    if (size == 1)
        *r = (*r & ~0xffULL) | (v & 0xff);
    else if (size == 2)
        *r = (*r & ~0xffffULL) | (v & 0xffff);
    else
        *r = (uint32_t)v; /* a 32-bit result clears the top half */
}

static enum pv_emul_result port_io(struct pv_emul_env *env, struct insn *in, int op)
{
    struct hval_state *st = env->st;
    unsigned size = (op & 1) ? (in->opsize == 2 ? 2 : 4) : 1;
    bool write = op & 2; /* e6 e7 ee ef: out */

    if ((op & 0xfc) == 0xe4 && next(in) < 0) /* e4-e7: an imm8 port */
        return PV_EMUL_NONE;
    if (!io_allowed(env))
        return PV_EMUL_NONE; /* #GP, as the CPU would */
    /* An unprivileged domain has no ports: reads are all ones, writes
     * are dropped (Xen's guest_io_read/guest_io_write). */
    if (!write)
        set_gpr_sized(st, HVAL_RAX, size, ~0ULL);
    return PV_EMUL_DONE;
}

static enum pv_emul_result mov_cr(struct pv_emul_env *env, struct insn *in, bool to_cr)
{
    struct hval_state *st = env->st;
    struct pv_vcpu *pv = env->pv;
    int modrm = next(in);
    unsigned cr, reg;
    uint64_t v;

    if (modrm < 0)
        return PV_EMUL_NONE;
    cr = ((unsigned)modrm >> 3 & 7) | (in->rex & 4 ? 8 : 0);
    reg = ((unsigned)modrm & 7) | (in->rex & 1 ? 8 : 0);
    if (!to_cr) {
        switch (cr) {
        case 0:
            v = (st->cr0 & ~CR0_TS) | (pv->fpu_ts ? CR0_TS : 0);
            break;
        case 2:
            v = env->vi ? env->vi->arch.cr2 : 0;
            break;
        case 3:
            v = (pv->kernel_mode ? pv->kernel_l4 : pv->user_l4) << 12;
            break;
        case 4:
            v = pv->cr4;
            break;
        default:
            return PV_EMUL_GP;
        }
        st->gpr[reg] = v;
        return PV_EMUL_DONE;
    }
    v = st->gpr[reg];
    switch (cr) {
    case 0: /* only TS may change */
        if ((v ^ st->cr0) & ~CR0_TS)
            return PV_EMUL_GP;
        pv->fpu_ts = v & CR0_TS;
        pv->pending |= PV_PENDING_FPU_TS;
        return PV_EMUL_DONE;
    case 2:
        if (env->vi)
            env->vi->arch.cr2 = v;
        return PV_EMUL_DONE;
    case 3:
        if (!pv->kernel_mode || pv_set_baseptr(env->domid, &pv->kernel_l4, v >> 12))
            return PV_EMUL_GP;
        pv->pending |= PV_PENDING_BASEPTR | PV_PENDING_TLB_FLUSH;
        return PV_EMUL_DONE;
    case 4:
        pv->cr4 = pv_guest_cr4(v);
        return PV_EMUL_DONE;
    default:
        return PV_EMUL_GP;
    }
}

static enum pv_emul_result two_byte(struct pv_emul_env *env, struct insn *in)
{
    struct hval_state *st = env->st;
    int op = next(in);
    uint64_t v;

    if (!env->pv->kernel_mode)
        return PV_EMUL_NONE; /* ring 3 for real */
    switch (op) {
    case 0x06: /* clts */
        env->pv->fpu_ts = false;
        env->pv->pending |= PV_PENDING_FPU_TS;
        return PV_EMUL_DONE;
    case 0x08: /* invd */
    case 0x09: /* wbinvd: an unprivileged domain's is ignored */
        return PV_EMUL_DONE;
    case 0x20:
    case 0x22:
        return mov_cr(env, in, op == 0x22);
    case 0x30: /* wrmsr */
        v = (st->gpr[HVAL_RDX] << 32) | (uint32_t)st->gpr[HVAL_RAX];
        return pv_wrmsr(env, (uint32_t)st->gpr[HVAL_RCX], v) ? PV_EMUL_GP : PV_EMUL_DONE;
    case 0x32: /* rdmsr */
        if (pv_rdmsr(env, (uint32_t)st->gpr[HVAL_RCX], &v))
            return PV_EMUL_GP;
        st->gpr[HVAL_RAX] = (uint32_t)v;
        st->gpr[HVAL_RDX] = v >> 32;
        return PV_EMUL_DONE;
    default:
        return PV_EMUL_NONE;
    }
}

enum pv_emul_result pv_emulate_gp(struct pv_emul_env *env)
{
    struct insn in = {0};
    enum pv_emul_result r;
    int op;

    if (fetch(env, &in))
        return PV_EMUL_NONE;
    op = prefixes(&in);
    if (op == 0x0f)
        r = two_byte(env, &in);
    else if ((op >= 0xe4 && op <= 0xe7) || (op >= 0xec && op <= 0xef))
        r = port_io(env, &in, op);
    else if ((op == 0xfa || op == 0xfb) && io_allowed(env))
        /* cli/sti under the virtual IOPL do nothing, as on Xen: the event
         * mask is not touched, since a popf could never undo it. */
        r = PV_EMUL_DONE;
    else
        r = PV_EMUL_NONE;
    if (r == PV_EMUL_DONE)
        env->st->rip += in.n;
    return r;
}

enum pv_emul_result pv_emulate_ud(struct pv_emul_env *env)
{
    static const uint8_t sig[7] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
    uint8_t b[sizeof(sig)];

    if (env->read_code(env->opaque, env->st->rip, b, sizeof(b)) || memcmp(b, sig, sizeof(b)))
        return PV_EMUL_NONE;
    env->st->rip += 5; /* the cpuid itself exits to the CPUID policy */
    return PV_EMUL_DONE;
}

/*
 * Xen's CPUID policy for PV guests, on the CPU's own answer: what a PV
 * guest cannot use is hidden (Xen's featureset marks these HVM-only or
 * unavailable): VME, PSE, PSE36, PGE, MTRR (its page tables take no
 * superpages or global pages; no MTRRs), DS, ACPI, TM, PBE; MONITOR,
 * VMX, SMX, EST, TM2, xTPR, PDCM, DCA, x2APIC, TSC-deadline; 1 GiB pages
 * and SVM; the APIC IDs.  The hypervisor bit is set and OSXSAVE follows
 * the guest's CR4.  Leaves 5 (MONITOR), 6 (power) and 0xa (PMU) are empty.
 */
#define L1_EDX_HIDE                                                                                \
    ((1u << 1) | (1u << 3) | (1u << 12) | (1u << 13) | (1u << 17) | (1u << 21) | (1u << 22) |      \
     (1u << 29) | (1u << 31))
#define L1_ECX_HIDE                                                                                \
    ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) |           \
     (1u << 14) | (1u << 15) | (1u << 18) | (1u << 21) | (1u << 24) | (1u << 27))
#define L1_ECX_OSXSAVE    (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
#define E1_EDX_HIDE       ((1u << 26) | (1u << 3) | (1u << 17)) /* 1 GiB pages, PSE, PSE36 */
#define E1_ECX_HIDE       ((1u << 2) | (1u << 3))               /* SVM, extended APIC space */

void pv_cpuid_policy(const struct pv_vcpu *pv, uint32_t leaf, uint32_t r[4])
{
    switch (leaf) {
    case 1:
        r[1] &= 0x00ffffffu; /* no APIC ID */
        r[2] = (r[2] & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
        if (pv->cr4 & CR4_OSXSAVE)
            r[2] |= r[2] & (1u << 26) ? L1_ECX_OSXSAVE : 0;
        r[3] &= ~L1_EDX_HIDE;
        break;
    case 5:
    case 6:
    case 0xa:
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 0x80000001:
        r[2] &= ~E1_ECX_HIDE;
        r[3] &= ~E1_EDX_HIDE;
        break;
    }
}
