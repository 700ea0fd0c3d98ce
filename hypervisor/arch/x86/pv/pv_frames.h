/*
 * pv_frames.h: the machine address space PV guests see, as on Xen.  One
 * global table of machine frames (mfn 0 .. PV_MAX_MFNS-1): each frame has
 * an owner domain, the guest frame (pfn) it backs, a page type with a
 * typed reference count and a general reference count.  The M2P table
 * (mfn -> pfn) is a sealed memfd, so it can be mapped read-only into PV
 * guests.  Frame contents live in the owner's RAM memfd at the frame's
 * pfn (kept in the frame table: the guest may rewrite its M2P entries
 * with MMU_MACHPHYS_UPDATE, which must not move the memory).
 *
 * The hypervisor's own frames (mfn PV_XEN_MFN_BASE..) are the M2P table
 * and the page tables mapping it read-only at RO_MPT_VIRT_START
 * (0xFFFF800000000000) in every PV guest's L4 (slot 256), the page of
 * Xen's reserved GDT entries (its flat selectors, FLAT_RING3_*) and a
 * zero page, all in one sealed memfd.  The CPU backend reaches them at guest-physical frame
 * PV_XEN_WINDOW_GFN.., where the vCPU runner maps that memfd read-only:
 * pv_machine_to_gfn() is the backend's translation of machine frames.
 *
 * Everything here runs under hv_lock (one caller at a time), except
 * pv_machine_to_gfn, which only reads.
 */
#ifndef XENHV_PV_FRAMES_H
#define XENHV_PV_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#define PV_MAX_MFNS     (1UL << 24) /* 64 GiB of machine frames */
#define PV_XEN_MFN_BASE 0x100UL     /* the hypervisor's frames */
#define PV_M2P_FRAMES   (PV_MAX_MFNS * 8 / 4096)
#define PV_M2P_L3       PV_M2P_FRAMES /* window frames after the table: */
#define PV_M2P_L2       (PV_M2P_L3 + 1)
#define PV_M2P_L1       (PV_M2P_L2 + 1) /* .. one per 2 MiB of M2P */
#define PV_M2P_END      (PV_M2P_L1 + PV_M2P_FRAMES / 512)
#define PV_XEN_GDT_PAGE (PV_M2P_END)     /* Xen's reserved GDT entries (0xe000..) */
#define PV_XEN_ZERO     (PV_M2P_END + 1) /* zeros: GDT pages the guest has not set */
#define PV_XEN_FRAMES   (PV_M2P_END + 2)
#define PV_FIRST_MFN    0x10000UL /* guests' frames from here */
/* Where the CPU backend sees what is not guest RAM (its physical space
 * ends at 64 GiB): the special frames (shared info), then the hypervisor
 * frames; PV guest RAM stays below PV_GFN_LIMIT. */
#define PV_GFN_LIMIT          ((1ULL << 24) - (1ULL << 16))
#define PV_SPECIAL_WINDOW_GFN PV_GFN_LIMIT
#define PV_XEN_WINDOW_GFN     (PV_GFN_LIMIT + 256)
#define PV_OWNER_XEN          0x7ff2u /* DOMID_XEN */
#define PV_RO_MPT_VIRT_START  0xFFFF800000000000ULL
#define PV_OWNER_NONE         0xffffu
#define PV_MAX_OWNERS         0x7ff0u /* DOMID_FIRST_RESERVED */
#define PV_INVALID_PFN        (~0ULL)
#define PV_M2P_BYTES          (PV_MAX_MFNS * sizeof(uint64_t))
#define PV_XEN_BYTES          (PV_XEN_FRAMES * 4096ULL)

/* Page types (Xen's PGT_*): what a frame is used as. */
enum pv_page_type {
    PV_PGT_NONE,
    PV_PGT_WRITABLE, /* mapped writable somewhere */
    PV_PGT_L1,
    PV_PGT_L2,
    PV_PGT_L3,
    PV_PGT_L4,
    PV_PGT_SEG_DESC, /* a GDT/LDT frame */
};

#define PV_FRAME_ALLOCATED 0x1 /* owned: holds one general reference */
#define PV_FRAME_PINNED    0x2 /* pinned page table: holds one typed reference */

struct pv_frame {
    uint32_t count;      /* general references (allocation included) */
    uint32_t type_count; /* references of type `type' */
    uint32_t backing;    /* the owner's guest frame holding the contents */
    uint16_t owner;      /* domid, PV_OWNER_NONE when free */
    uint8_t type;        /* enum pv_page_type; NONE when type_count is 0 */
    uint8_t flags;       /* PV_FRAME_* */
};

/* Set up the table and the M2P memfd (idempotent); -errno. */
int pv_frames_init(void);
/* The hypervisor frames' memfd (M2P first), -1 before init: the vCPU
 * runner maps it read-only at PV_XEN_WINDOW_GFN for PV domains. */
int pv_m2p_fd(void);
/* The L4 entry every PV guest's slot 256 holds (the M2P, read-only). */
uint64_t pv_m2p_l4e(void);
/*
 * The backend's view of a machine frame of domain owner: the guest-
 * physical frame where its contents are (its backing frame, or the
 * hypervisor window for the M2P and its tables), or ~0 for a frame the
 * domain may not reach.
 */
uint64_t pv_machine_to_gfn(unsigned owner, uint64_t mfn);
/* The hypervisor frames in the daemon (PV_XEN_BYTES from mfn
 * PV_XEN_MFN_BASE), for the vCPU runner to map at PV_XEN_WINDOW_GFN. */
void *pv_xen_frames(void);
/* The M2P table itself (mfn -> pfn; PV_INVALID_PFN when unassigned). */
uint64_t *pv_m2p(void);

/* The frame, or NULL when mfn is outside the machine space. */
struct pv_frame *pv_frame(uint64_t mfn);
/* Is mfn an allocated frame of domain owner? */
bool pv_frame_owned_by(uint64_t mfn, unsigned owner);

/*
 * Give owner 2^order machine frames (naturally aligned) for the guest
 * frames pfn..; their first mfn in *mfn.  -ENOMEM when the machine space
 * has no such run.
 */
int pv_frames_alloc(unsigned owner, uint64_t pfn, unsigned order, uint64_t *mfn);
/*
 * Take an allocated frame back from its owner.  -EBUSY while anything
 * but the allocation references it (a mapping, a page-table use): the
 * guest must unmap it first, so a frame never outlives its memory.
 */
int pv_frame_free(uint64_t mfn);

/* Where owner's guest frame 0 is in host memory (NULL: none). */
void pv_frames_set_ram_base(unsigned owner, void *base);
/* Host address of an allocated frame's contents, or NULL. */
void *pv_frame_map(uint64_t mfn);

/* Frames allocated in the machine space (for accounting and tests). */
uint64_t pv_frames_in_use(void);

#endif
