/*
 * pv_desc.c: a 64-bit PV vCPU's GDT and LDT as the CPU sees them (see
 * pv_desc.h): the segdesc references on their frames, the vCPU's linear
 * overlay that shows them in the hypervisor hole, and the descriptor
 * checks of a selector load at CPL 3 (HYPERVISOR_iret's CS and SS, the
 * data segments checked on the way back to the guest).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pv_desc.h"
#include "pv_domain.h"
#include "pv_frames.h"
#include "pv_hypercall.h"
#include "pv_mm.h"
#include "public/xen.h"

#define DESC_TYPE(d)  (((d) >> 40) & 0xf)
#define DESC_S        (1ULL << 44)
#define DESC_DPL(d)   (((d) >> 45) & 3)
#define DESC_P        (1ULL << 47)
#define DESC_L        (1ULL << 53)
#define DESC_DB       (1ULL << 54)
#define DESC_G        (1ULL << 55)
#define TYPE_CODE     0x8
#define TYPE_CONFORM  0x4 /* code */
#define TYPE_READABLE 0x2 /* code */
#define TYPE_WRITABLE 0x2 /* data */

int pv_desc_set_gdt(unsigned owner, struct pv_vcpu *pv, const uint64_t *frames, unsigned ents)
{
    unsigned nr = (ents * 8 + 4095) / 4096, i;
    int rc = 0;

    if (ents > PV_GDT_MAX_ENTS)
        return -EINVAL;
    for (i = 0; i < nr; i++) {
        rc = pv_get_page_type(frames[i], owner, PV_PGT_SEG_DESC);
        if (rc)
            break;
    }
    if (rc) {
        while (i--)
            pv_put_page_type(frames[i]);
        return rc;
    }
    pv_desc_drop_gdt(pv);
    memcpy(pv->gdt_frames, frames, nr * sizeof(frames[0]));
    pv->gdt_nr_frames = nr;
    pv->gdt_ents = ents;
    return 0;
}

void pv_desc_drop_gdt(struct pv_vcpu *pv)
{
    for (unsigned i = 0; i < pv->gdt_nr_frames; i++)
        pv_put_page_type(pv->gdt_frames[i]);
    pv->gdt_nr_frames = pv->gdt_ents = 0;
}

void pv_desc_drop_ldt(struct pv_vcpu *pv)
{
    for (unsigned i = 0; i < pv->ldt_nr_frames; i++)
        if (pv->ldt_frames[i])
            pv_put_page_type(pv->ldt_frames[i]);
    pv->ldt_nr_frames = 0;
    pv->ldt_base = pv->ldt_ents = 0;
}

/* The frame mapped at va by the kernel's tables, read-only, or 0. */
static uint64_t ldt_frame_at(const struct pv_vcpu *pv, uint64_t va)
{
    uint64_t ptr, e;
    const uint64_t *l1;

    if (pv_l1_entry_of(pv->kernel_l4, va, &ptr) || !(l1 = pv_frame_map(ptr >> 12)))
        return 0;
    e = l1[(ptr & 4095) / 8];
    return (e & PV_PTE_P) ? (e & PV_PTE_ADDR) >> 12 : 0;
}

int pv_desc_set_ldt(unsigned owner, struct pv_vcpu *pv, uint64_t base, unsigned ents)
{
    unsigned nr = (ents * 8 + 4095) / 4096;

    if ((base & 0xfff) || ents > PV_LDT_MAX_ENTS ||
        (uint64_t)((int64_t)(base << 16) >> 16) != base ||
        (ents && base >= HYPERVISOR_VIRT_START && base < HYPERVISOR_VIRT_END))
        return -EINVAL;
    pv_desc_drop_ldt(pv);
    for (unsigned i = 0; i < nr; i++) {
        uint64_t mfn = ldt_frame_at(pv, base + i * 4096ULL);
        pv->ldt_frames[i] = mfn && !pv_get_page_type(mfn, owner, PV_PGT_SEG_DESC) ? mfn : 0;
    }
    pv->ldt_nr_frames = nr;
    pv->ldt_base = base;
    pv->ldt_ents = ents;
    return 0;
}

int pv_desc_ldt_fault(unsigned owner, unsigned vcpu, struct pv_vcpu *pv, uint64_t la,
                      uint64_t *guest_la)
{
    uint64_t start = pv_gdt_virt(vcpu) + PV_LDT_PAGE * 4096ULL, off = la - start, mfn;
    unsigned i;

    if (la < start || off >= pv->ldt_ents * 8)
        return -EINVAL;
    i = (unsigned)(off / 4096);
    if (!pv->ldt_frames[i]) {
        mfn = ldt_frame_at(pv, pv->ldt_base + i * 4096ULL);
        if (mfn && !pv_get_page_type(mfn, owner, PV_PGT_SEG_DESC)) {
            pv->ldt_frames[i] = mfn;
            return 0;
        }
    }
    *guest_la = pv->ldt_base + off;
    return -ENOENT;
}

static uint64_t frame_gpa(unsigned owner, uint64_t mfn)
{
    uint64_t gfn = pv_machine_to_gfn(owner, mfn);

    return gfn == ~0ULL ? ~0ULL : gfn << 12;
}

void pv_desc_refresh(unsigned owner, unsigned vcpu, struct pv_vcpu *pv, struct hval_state *st)
{
    struct hval_overlay *o = &pv->overlay;
    uint64_t zero = frame_gpa(PV_OWNER_XEN, PV_XEN_MFN_BASE + PV_XEN_ZERO);

    o->la = pv_gdt_virt(vcpu);
    for (unsigned i = 0; i < HVAL_OVERLAY_PAGES; i++)
        o->gpa[i] = ~0ULL;
    for (unsigned i = 0; i < PV_GDT_FRAMES; i++)
        o->gpa[i] = i < pv->gdt_nr_frames ? frame_gpa(owner, pv->gdt_frames[i]) : zero;
    o->gpa[PV_GDT_FRAMES] = frame_gpa(PV_OWNER_XEN, PV_XEN_MFN_BASE + PV_XEN_GDT_PAGE);
    for (unsigned i = 0; i < pv->ldt_nr_frames; i++)
        if (pv->ldt_frames[i])
            o->gpa[PV_LDT_PAGE + i] = frame_gpa(owner, pv->ldt_frames[i]);
    st->gdtr.base = o->la;
    st->gdtr.limit = PV_GDT_LIMIT;
    if (pv->ldt_ents)
        st->ldtr = (struct hval_segment){.base = o->la + PV_LDT_PAGE * 4096ULL,
                                         .limit = (uint32_t)(pv->ldt_ents * 8 - 1),
                                         .selector = PV_LDT_SELECTOR,
                                         .attr = 0x2 | HVAL_SEG_P};
    else
        st->ldtr = (struct hval_segment){0};
}

/* The descriptor sel names in the vCPU's tables (0: a zero page), or
 * -EINVAL past the table's limit or in an absent LDT page. */
static int read_desc(const struct pv_vcpu *pv, uint16_t sel, uint64_t *d)
{
    unsigned idx = sel >> 3;
    uint64_t mfn;
    const uint64_t *t;

    if (sel & 4) { /* LDT */
        if (idx >= pv->ldt_ents || !(mfn = pv->ldt_frames[idx / 512]))
            return -EINVAL;
        t = pv_frame_map(mfn);
    } else if (idx >= PV_GDT_MAX_ENTS) { /* Xen's page */
        if (idx >= PV_GDT_MAX_ENTS + 512)
            return -EINVAL;
        t = (const uint64_t *)pv_xen_frames() + PV_XEN_GDT_PAGE * 512;
    } else if (idx / 512 < pv->gdt_nr_frames) {
        t = pv_frame_map(pv->gdt_frames[idx / 512]);
    } else {
        *d = 0;
        return 0;
    }
    if (!t)
        return -EINVAL;
    *d = t[idx % 512];
    return 0;
}

int pv_desc_load(const struct pv_vcpu *pv, uint16_t sel, enum pv_seg_use use,
                 struct hval_segment *seg)
{
    uint64_t d;
    unsigned type;

    if (!(sel & ~3)) { /* null: data segments only (SS at CPL 3 never) */
        *seg = (struct hval_segment){.selector = sel};
        return use == PV_SEG_DATA ? 0 : -EINVAL;
    }
    if (read_desc(pv, sel, &d) || !(d & DESC_S) || !(d & DESC_P))
        return -EINVAL;
    type = DESC_TYPE(d);
    switch (use) {
    case PV_SEG_CS: /* iretq to CPL 3 (RPL 3) */
        if ((sel & 3) != 3 || !(type & TYPE_CODE) || ((d & DESC_L) && (d & DESC_DB)))
            return -EINVAL;
        if ((type & TYPE_CONFORM) ? DESC_DPL(d) > 3 : DESC_DPL(d) != 3)
            return -EINVAL;
        break;
    case PV_SEG_SS:
        if ((sel & 3) != 3 || (type & TYPE_CODE) || !(type & TYPE_WRITABLE) || DESC_DPL(d) != 3)
            return -EINVAL;
        break;
    case PV_SEG_DATA: /* data, or readable code; DPL >= max(CPL, RPL) */
        if ((type & TYPE_CODE) && !(type & TYPE_READABLE))
            return -EINVAL;
        if (!((type & TYPE_CODE) && (type & TYPE_CONFORM)) && DESC_DPL(d) < 3)
            return -EINVAL;
        break;
    }
    seg->selector = sel;
    seg->base = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
    seg->limit = (uint32_t)((d & 0xffff) | (((d >> 48) & 0xf) << 16));
    if (d & DESC_G)
        seg->limit = (seg->limit << 12) | 0xfff;
    seg->attr = (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 8));
    return 0;
}
