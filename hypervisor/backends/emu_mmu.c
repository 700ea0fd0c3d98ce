/*
 * emu_mmu.c: the vCPU's address translation.  The engine runs with its
 * virtual TLB (UC_TLB_VIRTUAL) and asks this file on every TLB miss: the
 * guest's page tables are walked here (paging off, 32-bit, PAE, 4-level;
 * large pages; A and D bits; U/S, R/W with CR0.WP, NX), a miss that is a
 * guest page fault stops the run with the exact error code and CR2, and
 * the permissions given to each TLB entry serve the self-modifying-code
 * tracking of emu_smc.c.  A PV vCPU's hypervisor overlay (hval.h: its
 * GDT/LDT area) translates without the guest's tables, read-only.
 * Nothing here runs on a TLB hit.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "emu_internal.h"

#define PTE_P      0x1ULL
#define PTE_RW     0x2ULL
#define PTE_US     0x4ULL
#define PTE_A      0x20ULL
#define PTE_D      0x40ULL
#define PTE_PS     0x80ULL
#define PTE_NX     (1ULL << 63)
#define PTE_ADDR   0x000ffffffffff000ULL
#define X86_CR0_WP 0x10000ULL

void emu_paging_read(struct hval_vcpu *v, struct emu_paging *pg)
{
    static int regs[] = {UC_X86_REG_CR0, UC_X86_REG_CR3, UC_X86_REG_CR4};
    void *vals[] = {&pg->cr0, &pg->cr3, &pg->cr4};
    uc_x86_msr m = {.rid = 0xc0000080};

    pg->cr0 = pg->cr3 = pg->cr4 = 0;
    uc_reg_read_batch(v->uc, regs, vals, 3);
    v->in_api++;
    uc_reg_read(v->uc, UC_X86_REG_MSR, &m);
    v->in_api--;
    pg->efer = m.value;
}

/* A page-table entry in guest RAM, or NULL. */
static void *emu_pte(struct hval_vcpu *v, uint64_t gpa, unsigned size)
{
    return emu_gpa_to_hva(v, gpa, size);
}

static uint64_t emu_pte_get(void *p, unsigned size)
{
    uint64_t e = 0;
    memcpy(&e, p, size);
    return e;
}

static void emu_pte_set_bits(void *p, unsigned size, uint64_t bits)
{
    uint64_t e = emu_pte_get(p, size) | bits;
    memcpy(p, &e, size);
}

/* A frame the walk met, as a guest-physical address: PV tables hold
 * machine frames (hval.h, machine_to_gfn); ~0 when unreachable. */
static uint64_t emu_walk_frame(const struct hval_vcpu *v, uint64_t addr)
{
    uint64_t gfn;

    if (!v->machine_to_gfn)
        return addr;
    gfn = v->machine_to_gfn(v->machine_ctx, addr >> 12);
    return gfn == ~0ULL ? ~0ULL : (gfn << 12) | (addr & 0xfff);
}

/* la inside the vCPU's hypervisor overlay (hval.h): its translation,
 * read-only and supervisor; true when la is in the overlay at all. */
static bool emu_overlay_walk(const struct hval_vcpu *v, uint64_t la, struct emu_walk *w)
{
    const struct hval_overlay *o = v->overlay;
    uint64_t page;

    if (!o || la < o->la || la - o->la >= (uint64_t)HVAL_OVERLAY_PAGES * EMU_PAGE_SIZE)
        return false;
    page = o->gpa[(la - o->la) / EMU_PAGE_SIZE];
    w->write = w->user = w->exec = false;
    w->dirty = w->ad_ok = true;
    w->gpa = page == ~0ULL ? ~0ULL : (page & EMU_PAGE_MASK) | (la & (EMU_PAGE_SIZE - 1));
    return true;
}

/*
 * Walk la.  0 with the translation and the rights the tables give;
 * -ENOENT when an entry is not present.  With set_ad, A bits are set along
 * the walk and D on the leaf when dirty.
 */
int emu_walk(struct hval_vcpu *v, const struct emu_paging *pg, uint64_t la, bool set_ad, bool dirty,
             struct emu_walk *w)
{
    bool nxe = pg->efer & X86_EFER_NXE;
    void *path[5];
    unsigned nr = 0, esize, levels, shift0 = 12;
    uint64_t table, e = 0;

    w->write = w->user = w->exec = true;
    w->dirty = true;
    w->gpa = ~0ULL;
    w->ad_ok = true;
    if (!(pg->cr0 & X86_CR0_PG)) {
        w->gpa = (pg->efer & X86_EFER_LMA) ? la : (la & 0xffffffff);
        return 0;
    }
    if ((pg->efer & X86_EFER_LMA) && emu_overlay_walk(v, la, w))
        return w->gpa == ~0ULL ? -ENOENT : 0;
    if (pg->efer & X86_EFER_LMA) {
        /* A non-canonical address is never walked (the fault is #GP on
         * hardware; the caller sees a not-present miss at it). */
        if ((uint64_t)((int64_t)(la << 16) >> 16) != la)
            return -ENOENT;
        esize = 8;
        levels = 4;
        table = emu_walk_frame(v, pg->cr3 & PTE_ADDR);
        if (table == ~0ULL)
            return -ENOENT;
    } else if (pg->cr4 & X86_CR4_PAE) {
        void *p;
        la &= 0xffffffff;
        p = emu_pte(v, (pg->cr3 & 0xffffffe0) + ((la >> 30) & 3) * 8, 8);
        if (!p || !((e = emu_pte_get(p, 8)) & PTE_P))
            return -ENOENT;
        esize = 8;
        levels = 2;
        table = e & PTE_ADDR;
    } else {
        la &= 0xffffffff;
        esize = 4;
        levels = 2;
        table = pg->cr3 & 0xfffff000;
    }
    for (int level = levels - 1; level >= 0; level--) {
        unsigned bits = esize == 8 ? 9 : 10;
        unsigned shift = shift0 + bits * level;
        uint64_t idx = (la >> shift) & ((1u << bits) - 1);
        void *p = emu_pte(v, table + idx * esize, esize);
        if (!p)
            return -ENOENT;
        e = emu_pte_get(p, esize);
        if (!(e & PTE_P))
            return -ENOENT;
        path[nr++] = p;
        if (!(e & PTE_A))
            w->ad_ok = false;
        w->write = w->write && (e & PTE_RW);
        w->user = w->user && (e & PTE_US);
        if (nxe && esize == 8 && (e & PTE_NX))
            w->exec = false;
        bool large =
            level > 0 && (e & PTE_PS) && (esize == 8 ? (level <= 2) : (pg->cr4 & X86_CR4_PSE) != 0);
        if (level == 0 || large) {
            uint64_t mask = (1ULL << shift) - 1, frame;
            if (esize == 8)
                frame = (e & PTE_ADDR) & ~mask;
            else if (large)
                frame = (e & 0xffc00000) | ((e & 0x1fe000) << 19); /* PSE-36/40 */
            else
                frame = e & 0xfffff000;
            w->gpa = esize == 8 ? emu_walk_frame(v, frame | (la & mask)) : frame | (la & mask);
            if (w->gpa == ~0ULL)
                return -ENOENT;
            w->dirty = e & PTE_D;
            break;
        }
        table = esize == 8 ? emu_walk_frame(v, e & PTE_ADDR) : (e & 0xfffff000);
        if (table == ~0ULL)
            return -ENOENT;
    }
    if (set_ad) {
        for (unsigned i = 0; i < nr; i++)
            if (!(emu_pte_get(path[i], esize) & PTE_A))
                emu_pte_set_bits(path[i], esize, PTE_A);
        if (dirty && !w->dirty) {
            emu_pte_set_bits(path[nr - 1], esize, PTE_D);
            w->dirty = true;
        }
    }
    return 0;
}

int emu_translate(struct hval_vcpu *v, const struct emu_paging *pg, uint64_t la, bool *writable,
                  uint64_t *gpa)
{
    struct emu_walk w;
    int rc = emu_walk(v, pg, la, false, false, &w);

    if (rc < 0)
        return -EFAULT;
    if (writable)
        *writable = w.write;
    *gpa = w.gpa;
    return 0;
}

/* Is la inside a descriptor table the CPU reads with supervisor rights? */
static bool emu_implicit_supervisor(struct hval_vcpu *v, uint64_t page)
{
    static const int regs[] = {UC_X86_REG_GDTR, UC_X86_REG_IDTR, UC_X86_REG_LDTR, UC_X86_REG_TR};

    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        uc_x86_mmr m = {0};
        uc_reg_read(v->uc, regs[i], &m);
        if (regs[i] == UC_X86_REG_LDTR && !(m.selector & ~7))
            continue; /* no LDT loaded */
        if (page <= m.base + m.limit && m.base < page + EMU_PAGE_SIZE)
            return true;
    }
    return false;
}

static bool emu_tlb_fill(uc_engine *uc, uint64_t va, uc_mem_type type, uc_tlb_entry *res,
                         void *user)
{
    struct hval_vcpu *v = user;
    struct emu_paging pg;
    struct emu_walk w;
    bool write = type == UC_MEM_WRITE, fetch = type == UC_MEM_FETCH;
    uint16_t cs = 0;
    bool usr;
    int perms;

    emu_paging_read(v, &pg);
    uc_reg_read(uc, UC_X86_REG_CS, &cs);
    usr = (cs & 3) == 3 && (pg.cr0 & X86_CR0_PE);
    if (emu_walk(v, &pg, va, false, false, &w) < 0)
        goto fault;
    if (v->smc_in_invalidate) {
        res->paddr = w.gpa & EMU_PAGE_MASK;
        res->perms = UC_PROT_READ | UC_PROT_EXEC;
        return true;
    }
    if (usr && !w.user && !fetch && emu_implicit_supervisor(v, va))
        usr = false;
    if ((usr && !w.user) || (fetch && !w.exec))
        goto fault;
    if (write && !w.write && (usr || (pg.cr0 & X86_CR0_WP)))
        goto fault;
    /* Now the access is allowed: account it in the tables. */
    if (!w.ad_ok || (write && !w.dirty))
        emu_walk(v, &pg, va, true, write, &w);
    perms = UC_PROT_READ;
    if (w.exec)
        perms |= UC_PROT_EXEC;
    if ((w.write || (!usr && !(pg.cr0 & X86_CR0_WP))) && w.dirty)
        perms |= UC_PROT_WRITE;
    res->paddr = w.gpa & EMU_PAGE_MASK;
    res->perms = emu_smc_fill(v, va, res->paddr, type, perms);
    return true;
fault:
    v->pf_valid = true;
    v->pf_addr = va;
    v->pf_ec = (w.gpa != ~0ULL ? 1 : 0) | (write ? 2 : 0) | (usr ? 4 : 0) |
               (fetch && (pg.efer & X86_EFER_NXE) ? 0x10 : 0);
    return false;
}

int emu_mmu_init(struct hval_vcpu *v)
{
    uc_hook h;

    if (uc_ctl_tlb_mode(v->uc, UC_TLB_VIRTUAL) != UC_ERR_OK)
        return -EIO;
    if (uc_hook_add(v->uc, &h, UC_HOOK_TLB_FILL, (void *)emu_tlb_fill, v, 1, 0) != UC_ERR_OK)
        return -EIO;
    return 0;
}
