/*
 * pv_mm.h: a PV guest's page tables as Xen validates them.  Page-table
 * entries hold machine frame numbers; a frame becomes an L1..L4 table by
 * a typed reference, taken only after every entry in it was checked: a
 * guest maps only frames it owns, a frame in use as a page table (pinned
 * or reachable from a base pointer) is never mapped writable, and a
 * writable frame never becomes a table.  Entries are changed only through
 * pv_mmu_update() and friends, which take the references of the new entry
 * before dropping the old one.  The Xen-reserved L4 slots (the hypervisor
 * hole, 0xFFFF800000000000-0xFFFF87FFFFFFFFFF) are not the guest's: an
 * L4 that becomes a table gets the read-only M2P in slot 256 and nothing
 * in the others, whatever the guest wrote there.
 *
 * Errors are Xen's: -EINVAL for bad flags, wrong types and frames a
 * table may not reference, -EBUSY for an L1 entry whose frame cannot be
 * taken (another domain's, or a page table mapped writable), -EPERM for
 * an L1 entry outside the machine's RAM (Xen's "I/O space"); a table
 * that fails validation gives its first bad entry's error.
 */
#ifndef XENHV_PV_MM_H
#define XENHV_PV_MM_H

#include <stdint.h>

#include "pv_frames.h"

#define PV_L4_HOLE_FIRST 256 /* slots of 0xFFFF800000000000.. */
#define PV_L4_HOLE_LAST  271 /* .. 0xFFFF87FFFFFFFFFF */

/* Page-table entry bits. */
#define PV_PTE_P            0x001ULL
#define PV_PTE_RW           0x002ULL
#define PV_PTE_US           0x004ULL
#define PV_PTE_PWT          0x008ULL
#define PV_PTE_PCD          0x010ULL
#define PV_PTE_A            0x020ULL
#define PV_PTE_D            0x040ULL
#define PV_PTE_PSE          0x080ULL /* PAT in an L1 entry */
#define PV_PTE_G            0x100ULL
#define PV_PTE_AVAIL        0xe00ULL
#define PV_PTE_ADDR         0x000ffffffffff000ULL
#define PV_PTE_NX           (1ULL << 63)
#define PV_PTE_GUEST_KERNEL (1ULL << 52) /* Xen's mark of a kernel L1 entry */

/* References: a general one on a frame owner owns; a typed one (taking
 * the general one too), validating the frame's entries when the frame
 * takes a page-table type. */
int pv_get_page(uint64_t mfn, unsigned owner);
void pv_put_page(uint64_t mfn);
int pv_get_page_type(uint64_t mfn, unsigned owner, enum pv_page_type type);
void pv_put_page_type(uint64_t mfn);

/* The references an entry of a level-`level' table holds (0 for a
 * non-present entry); and dropping them. */
/* A validated entry as it is stored: the user bit the ring-3 kernel needs. */
uint64_t pv_adjust_entry(unsigned level, uint64_t e);
int pv_get_entry(unsigned level, uint64_t e, unsigned owner);
void pv_put_entry(unsigned level, uint64_t e);

/* A segment descriptor a 64-bit PV guest may have in its GDT/LDT: not
 * present, or a code/data segment (its DPL raised to 3, the guest
 * kernel's ring, as Xen fixes it up; its accessed bit set, so the CPU
 * never writes the tables).  System descriptors are refused.
 * 0 (with *d fixed up) or -EINVAL. */
int pv_check_descriptor(uint64_t *d);

/* MMU_NORMAL_PT_UPDATE: write val at machine address ptr (8-aligned) of
 * a frame owner owns.  In a table the entry is validated; in an ordinary
 * frame it is a plain write.  *flush is set when a live table changed. */
int pv_mmu_normal_update(unsigned owner, uint64_t ptr, uint64_t val, int *flush);
/* MMU_MACHPHYS_UPDATE: the guest's own M2P entry for a frame it owns. */
int pv_mmu_machphys_update(unsigned owner, uint64_t mfn, uint64_t pfn);

/* MMUEXT_PIN_Ln_TABLE / MMUEXT_UNPIN_TABLE. */
int pv_pin_table(unsigned owner, uint64_t mfn, unsigned level);
int pv_unpin_table(unsigned owner, uint64_t mfn);

/* A base pointer (CR3 of the kernel or user page tables): an L4 typed
 * reference, swapped for the old one (0 = none). */
int pv_set_baseptr(unsigned owner, uint64_t *cur_mfn, uint64_t new_mfn);

/* A dying domain: drop the pin of one of its frames (if pinned).  Once
 * every frame is unpinned and the base pointers dropped, the tables'
 * references are gone and every frame can be freed. */
void pv_frame_unpin_dying(uint64_t mfn);

#endif
