/*
 * guest_ram.c: a domain's memory as one memfd (see guest_ram.h).
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_ram.h"

#define BITS_PER_WORD 64

int guest_ram_init(struct guest_ram *ram, unsigned domid)
{
    char name[32];
    int fd;

    *ram = (struct guest_ram){.memfd = -1};
    snprintf(name, sizeof(name), "xenhv-dom%u", domid);
    fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -errno;
    /* Sparse: nothing is backed until populated.  Sealed so that no
     * holder of the fd (a toolstack mapping it) can shrink it under the
     * daemon's mappings. */
    if (ftruncate(fd, (off_t)(GUEST_MEMFD_FRAMES * GUEST_PAGE_SIZE)) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    ram->memfd = fd;
    return 0;
}

void guest_ram_fini(struct guest_ram *ram)
{
    for (size_t i = 0; i < GUEST_NR_CHUNKS; i++)
        free(ram->chunks[i]);
    if (ram->memfd >= 0)
        close(ram->memfd);
    *ram = (struct guest_ram){.memfd = -1};
}

bool guest_ram_populated(const struct guest_ram *ram, uint64_t gpfn)
{
    const uint64_t *chunk;
    uint64_t bit;

    if (gpfn >= GUEST_RAM_FRAMES)
        return false;
    chunk = ram->chunks[gpfn / GUEST_CHUNK_FRAMES];
    if (!chunk)
        return false;
    bit = gpfn % GUEST_CHUNK_FRAMES;
    return (chunk[bit / BITS_PER_WORD] >> (bit % BITS_PER_WORD)) & 1;
}

static int set_populated(struct guest_ram *ram, uint64_t gpfn, bool on)
{
    uint64_t **chunk = &ram->chunks[gpfn / GUEST_CHUNK_FRAMES];
    uint64_t bit = gpfn % GUEST_CHUNK_FRAMES;

    if (!*chunk) {
        if (!on)
            return 0;
        *chunk = calloc(GUEST_CHUNK_FRAMES / BITS_PER_WORD, sizeof(uint64_t));
        if (!*chunk)
            return -ENOMEM;
    }
    if (on)
        (*chunk)[bit / BITS_PER_WORD] |= 1ULL << (bit % BITS_PER_WORD);
    else
        (*chunk)[bit / BITS_PER_WORD] &= ~(1ULL << (bit % BITS_PER_WORD));
    return 0;
}

static int check_extent(uint64_t gpfn, unsigned order)
{
    uint64_t n;

    if (order > GUEST_MAX_ORDER)
        return -EINVAL;
    n = 1ULL << order;
    if (gpfn & (n - 1) || gpfn >= GUEST_RAM_FRAMES || n > GUEST_RAM_FRAMES - gpfn)
        return -EINVAL;
    return 0;
}

/* Back n frames at gpfn (in range): all or nothing. */
static int populate_frames(struct guest_ram *ram, uint64_t gpfn, uint64_t n)
{
    uint64_t fresh = 0;
    int rc;

    for (uint64_t i = 0; i < n; i++)
        fresh += !guest_ram_populated(ram, gpfn + i);
    if (fresh > ram->max_pages || ram->tot_pages > ram->max_pages - fresh)
        return -ENOMEM;
    /* No fallocate: a memfd's pages are zero until touched, and the
     * domain's limit is kept above; backing 64 MiB up front cleared every
     * page (tens of ms per create) for pages most guests never touch. */
    /* Machine frames first (a failure there leaves nothing to undo); if
     * marking fails below, they stay with the domain until it goes. */
    if (ram->machine && (rc = ram->machine->populated(ram->machine_priv, gpfn, n)))
        return rc;
    for (uint64_t i = 0; i < n; i++) {
        rc = set_populated(ram, gpfn + i, true);
        if (rc) {
            /* Undo: frames marked so far go back. */
            for (uint64_t j = 0; j < i; j++)
                set_populated(ram, gpfn + j, false);
            return rc;
        }
    }
    ram->tot_pages += fresh;
    if (gpfn + n - 1 > ram->max_gpfn)
        ram->max_gpfn = gpfn + n - 1;
    return 0;
}

int guest_ram_populate(struct guest_ram *ram, uint64_t gpfn, unsigned order)
{
    int rc = check_extent(gpfn, order);

    return rc ? rc : populate_frames(ram, gpfn, 1ULL << order);
}

int guest_ram_populate_run(struct guest_ram *ram, uint64_t gpfn, unsigned order, uint64_t count)
{
    int rc = check_extent(gpfn, order);

    if (rc)
        return rc;
    if (count > (GUEST_RAM_FRAMES - gpfn) >> order)
        return -EINVAL;
    return populate_frames(ram, gpfn, count << order);
}

int guest_ram_release(struct guest_ram *ram, uint64_t gpfn, unsigned order)
{
    uint64_t n = 1ULL << order;
    int rc = check_extent(gpfn, order);

    if (rc)
        return rc;
    for (uint64_t i = 0; i < n; i++)
        if (!guest_ram_populated(ram, gpfn + i))
            return -ENOENT;
    if (ram->machine && (rc = ram->machine->releasing(ram->machine_priv, gpfn, n)))
        return rc;
    if (fallocate(ram->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t)(gpfn << GUEST_PAGE_SHIFT), (off_t)(n << GUEST_PAGE_SHIFT)))
        return -errno;
    for (uint64_t i = 0; i < n; i++)
        set_populated(ram, gpfn + i, false);
    ram->tot_pages -= n;
    return 0;
}

int guest_ram_allocate(struct guest_ram *ram, unsigned order, uint64_t *gpfn)
{
    uint64_t n, start, pass;

    if (order > GUEST_MAX_ORDER)
        return -EINVAL;
    n = 1ULL << order;
    /* Two passes: from the hint to the end, then from 0. */
    for (pass = 0; pass < 2; pass++) {
        start = pass ? 0 : (ram->alloc_hint + n - 1) & ~(n - 1);
        for (; start + n <= GUEST_RAM_FRAMES; start += n) {
            uint64_t i;

            if (!ram->chunks[start / GUEST_CHUNK_FRAMES] && n <= GUEST_CHUNK_FRAMES) {
                i = n; /* a whole empty chunk: free */
            } else {
                for (i = 0; i < n && !guest_ram_populated(ram, start + i); i++)
                    ;
            }
            if (i == n) {
                int rc = guest_ram_populate(ram, start, order);
                if (rc)
                    return rc;
                ram->alloc_hint = start + n;
                *gpfn = start;
                return 0;
            }
        }
    }
    return -ENOMEM;
}

int guest_ram_special(struct guest_ram *ram, unsigned idx, uint64_t *mfn)
{
    off_t off = (off_t)(GUEST_SPECIAL_MFN(idx) << GUEST_PAGE_SHIFT);

    if (idx >= GUEST_NR_SPECIAL)
        return -EINVAL;
    if (!ram->special_used[idx]) {
        if (fallocate(ram->memfd, 0, off, GUEST_PAGE_SIZE))
            return errno == ENOSPC ? -ENOMEM : -errno;
        if (ram->machine) { /* a PV domain's: a machine frame too */
            int rc = ram->machine->populated(ram->machine_priv, GUEST_SPECIAL_MFN(idx), 1);
            if (rc)
                return rc;
        }
        ram->special_used[idx] = true;
    }
    *mfn = GUEST_SPECIAL_MFN(idx);
    return 0;
}

bool guest_ram_mappable(const struct guest_ram *ram, uint64_t frame)
{
    if (frame < GUEST_RAM_FRAMES)
        return guest_ram_populated(ram, frame);
    if (frame < GUEST_MEMFD_FRAMES)
        return ram->special_used[frame - GUEST_RAM_FRAMES];
    return false;
}

void *guest_ram_map(const struct guest_ram *ram, uint64_t frame, uint64_t count)
{
    void *p;

    if (frame >= GUEST_MEMFD_FRAMES || count > GUEST_MEMFD_FRAMES - frame)
        return NULL;
    p = mmap(NULL, count << GUEST_PAGE_SHIFT, PROT_READ | PROT_WRITE, MAP_SHARED, ram->memfd,
             (off_t)(frame << GUEST_PAGE_SHIFT));
    return p == MAP_FAILED ? NULL : p;
}

void guest_ram_unmap(void *p, uint64_t count)
{
    if (p)
        munmap(p, count << GUEST_PAGE_SHIFT);
}
