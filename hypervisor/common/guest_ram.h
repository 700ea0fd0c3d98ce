/*
 * guest_ram.h: a domain's memory.  All of it is one memfd: guest frame n
 * is at offset n * 4096 (PV domains add machine frames: guest_ram_machine).
 * Frames become real on populate (accounted in tot_pages against
 * max_pages) and go back on decrease.  Past the guest frames sit the
 * domain's special frames (shared info, grant table), which are not
 * accounted to the domain, as Xen keeps them on its own heap.
 */
#ifndef XENHV_GUEST_RAM_H
#define XENHV_GUEST_RAM_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_PAGE_SHIFT   12
#define GUEST_PAGE_SIZE    4096UL
#define GUEST_RAM_FRAMES   (1UL << 24) /* 64 GiB of guest-physical space */
#define GUEST_CHUNK_FRAMES (1UL << 15) /* frames per populated-bitmap chunk */
#define GUEST_NR_CHUNKS    (GUEST_RAM_FRAMES / GUEST_CHUNK_FRAMES)
#define GUEST_MAX_ORDER    18 /* 1 GiB extents */

/* Special frames, after the guest frames. */
#define GUEST_SPECIAL_SHARED_INFO 0
#define GUEST_SPECIAL_GRANT_FIRST 1
#define GUEST_MAX_GRANT_FRAMES    64
#define GUEST_NR_SPECIAL          (GUEST_SPECIAL_GRANT_FIRST + GUEST_MAX_GRANT_FRAMES)
#define GUEST_SPECIAL_MFN(i)      (GUEST_RAM_FRAMES + (i))
#define GUEST_MEMFD_FRAMES        (GUEST_RAM_FRAMES + GUEST_NR_SPECIAL)

/* Machine frames behind guest frames (PV domains, arch/x86/pv): told when
 * frames are populated (all or nothing) and before they are released
 * (-EBUSY while still in use keeps them). */
struct guest_ram_machine {
    int (*populated)(void *priv, uint64_t gpfn, uint64_t n);
    int (*releasing)(void *priv, uint64_t gpfn, uint64_t n);
};

struct guest_ram {
    const struct guest_ram_machine *machine; /* NULL: frame = machine frame */
    void *machine_priv;
    int memfd;
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t max_gpfn;   /* highest frame ever populated */
    uint64_t alloc_hint; /* where increase_reservation looks first */
    uint64_t *chunks[GUEST_NR_CHUNKS];
    bool special_used[GUEST_NR_SPECIAL];
};

int guest_ram_init(struct guest_ram *ram, unsigned domid);
void guest_ram_fini(struct guest_ram *ram);

bool guest_ram_populated(const struct guest_ram *ram, uint64_t gpfn);

/* Back 2^order frames at gpfn (aligned).  -EINVAL out of range or
 * misaligned, -ENOMEM past max_pages or when the host has no memory. */
int guest_ram_populate(struct guest_ram *ram, uint64_t gpfn, unsigned order);
/* Populate count consecutive extents from gpfn, all or nothing. */
int guest_ram_populate_run(struct guest_ram *ram, uint64_t gpfn, unsigned order, uint64_t count);
/* Give back 2^order frames at gpfn; -ENOENT if any is not populated. */
int guest_ram_release(struct guest_ram *ram, uint64_t gpfn, unsigned order);
/* Find and populate 2^order free frames; their first frame in *gpfn. */
int guest_ram_allocate(struct guest_ram *ram, unsigned order, uint64_t *gpfn);

/* Back special frame idx; returns its machine frame number. */
int guest_ram_special(struct guest_ram *ram, unsigned idx, uint64_t *mfn);

/* May the toolstack map this frame (populated RAM or a special frame)? */
bool guest_ram_mappable(const struct guest_ram *ram, uint64_t frame);

/* Map count frames at frame into the daemon (MAP_SHARED); NULL on error. */
void *guest_ram_map(const struct guest_ram *ram, uint64_t frame, uint64_t count);
void guest_ram_unmap(void *p, uint64_t count);

#endif
