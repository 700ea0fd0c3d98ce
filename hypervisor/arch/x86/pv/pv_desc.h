/*
 * pv_desc.h: a 64-bit PV vCPU's descriptor tables as the CPU sees them,
 * as Xen lays them out.  The guest's GDT frames (set_gdt, at most 14:
 * entries 0..7167) and LDT frames (MMUEXT_SET_LDT) hold segdesc typed
 * references and appear, with Xen's reserved GDT page (its flat
 * selectors, 0xe000..) as GDT page 14, in the vCPU's per-vCPU area of
 * the hypervisor hole (Xen's PERDOMAIN GDT/LDT area): 128 KiB per vCPU,
 * 16 pages of GDT then 16 of LDT, read-only to the guest.  The backend
 * reaches them through the vCPU's linear overlay (hval.h), never through
 * the guest's page tables; GDTR and LDTR point there.  GDT pages the
 * guest did not give read as zeros (null descriptors).
 */
#ifndef XENHV_PV_DESC_H
#define XENHV_PV_DESC_H

#include <stdint.h>

#include "hval.h"

struct pv_vcpu;

#define PV_GDT_LDT_VIRT_START 0xFFFF820000000000ULL /* L4 slot 260 */
#define PV_GDT_LDT_VCPU_SHIFT 17                    /* 128 KiB per vCPU */
#define PV_GDT_FRAMES         14                    /* FIRST_RESERVED_GDT_PAGE */
#define PV_GDT_MAX_ENTS       (PV_GDT_FRAMES * 512) /* FIRST_RESERVED_GDT_ENTRY */
#define PV_GDT_LIMIT          (15 * 4096 - 1)       /* through Xen's page */
#define PV_LDT_PAGE           16                    /* overlay page of LDT entry 0 */
#define PV_LDT_MAX_ENTS       8192
#define PV_LDT_SELECTOR       0xe050 /* Xen's LDT entry, in its reserved page */

/* The vCPU's area: GDT at its start, LDT 64 KiB in. */
static inline uint64_t pv_gdt_virt(unsigned vcpu)
{
    return PV_GDT_LDT_VIRT_START + ((uint64_t)vcpu << PV_GDT_LDT_VCPU_SHIFT);
}

/* set_gdt: take segdesc references on frames[0..] (owner's, not mapped
 * writable: each frame is validated) for ents entries, then drop the old
 * ones.  -EINVAL (too many entries, a frame refused) leaves the old GDT. */
int pv_desc_set_gdt(unsigned owner, struct pv_vcpu *pv, const uint64_t *frames, unsigned ents);
void pv_desc_drop_gdt(struct pv_vcpu *pv);
/*
 * MMUEXT_SET_LDT: ents entries at linear base (page aligned, canonical,
 * outside the hypervisor hole), resolved now through the kernel's page
 * tables: each page's frame takes a segdesc reference.  A page that is
 * not mapped, or mapped writable, stays absent until a descriptor load
 * faults on it (pv_desc_ldt_fault).  -EINVAL for a bad base or count.
 */
int pv_desc_set_ldt(unsigned owner, struct pv_vcpu *pv, uint64_t base, unsigned ents);
void pv_desc_drop_ldt(struct pv_vcpu *pv);

/*
 * A page fault at la in the vCPU's LDT pages (the CPU reading a
 * descriptor): as Xen's LDT mapping fault, the page is looked up again
 * (the guest may have mapped it read-only since SET_LDT): 0 when it now
 * is (refresh and retry), -ENOENT with the guest's own linear address of
 * it in *guest_la (a #PF there for the guest), -EINVAL when la is not in
 * the LDT.
 */
int pv_desc_ldt_fault(unsigned owner, unsigned vcpu, struct pv_vcpu *pv, uint64_t la,
                      uint64_t *guest_la);

/* Fill the vCPU's overlay from its tables and point GDTR/LDTR there. */
void pv_desc_refresh(unsigned owner, unsigned vcpu, struct pv_vcpu *pv, struct hval_state *st);

enum pv_seg_use { PV_SEG_CS, PV_SEG_SS, PV_SEG_DATA };
/*
 * Load selector sel for use at CPL 3 as the CPU would (iretq, mov to a
 * segment register): the descriptor read from the vCPU's tables and
 * checked (present, S, code/data of the right kind, DPL and RPL); a
 * null data selector is allowed.  0 with *seg filled, or -EINVAL.
 */
int pv_desc_load(const struct pv_vcpu *pv, uint16_t sel, enum pv_seg_use use,
                 struct hval_segment *seg);

#endif
