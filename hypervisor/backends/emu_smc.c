/*
 * emu_smc.c: keeping translated code in step with guest memory.
 *
 * Unicorn 2.1.1 write-protects a page holding translated code only until
 * the first write to it through a TLB entry: later writes through that
 * entry are fast and miss the code (two patches of one page in a row; a
 * patch through a second mapping).  So the backend keeps every RAM frame
 * either "code" or "data" for each vCPU, through the permissions it gives
 * TLB entries (emu_mmu.c): a frame some vCPU holds code from is writable
 * through nobody's TLB, and a frame some vCPU may write through its TLB is
 * executable through nobody else's.  The first write to a code frame, or
 * the first fetch from a data frame, misses the TLB and comes here: the
 * frame changes side; the writer drops its translated code for the frame
 * (and its executable TLB entries) there and then, the fetcher its
 * writable entries; the domain's other vCPUs (one engine each, never
 * running at the same time) drop theirs before they next run.  The hot
 * path has no hook; a frame that flips between code and data pays a TLB
 * flush (and on a write a retranslation) each time.  The host's own writes
 * (builder, grant copies, foreign maps) cost nothing unless the frame held
 * code.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu_internal.h"

#define CHUNK_FRAMES (1u << 18) /* 1 GiB of frames per state chunk */
#define MAX_CHUNKS   64         /* 64 GiB of guest-physical space */

/* One frame: which vCPUs hold translated code from it, and which may have
 * writable TLB entries for it (bit i: the group's vCPU i). */
struct emu_frame {
    uint64_t code, wgrant;
};

#define CHUNK_BYTES (CHUNK_FRAMES * sizeof(struct emu_frame))

struct emu_group {
    unsigned refs;
    struct hval_vcpu *vcpu[EMU_MAX_GROUP];
    struct emu_frame *chunk[MAX_CHUNKS];
};

int emu_smc_join(struct hval_vcpu *v, struct hval_vcpu *sibling)
{
    struct emu_group *g = sibling ? sibling->group : NULL;

    if (!g) {
        g = calloc(1, sizeof(*g));
        if (!g)
            return -ENOMEM;
        if (sibling) {
            g->vcpu[0] = sibling;
            sibling->group = g;
            sibling->group_bit = 0;
            g->refs = 1;
        }
    }
    for (unsigned i = 0; i < EMU_MAX_GROUP; i++) {
        if (!g->vcpu[i]) {
            g->vcpu[i] = v;
            g->refs++;
            v->group = g;
            v->group_bit = i;
            return 0;
        }
    }
    return -ENOSPC;
}

void emu_smc_fini(struct hval_vcpu *v)
{
    struct emu_group *g = v->group;
    uint64_t b;

    if (!g)
        return;
    b = 1ULL << v->group_bit;
    g->vcpu[v->group_bit] = NULL;
    /* The last one out frees; others clear their bits where set (a write
     * to every entry would back every page of every chunk). */
    for (int c = 0; g->refs > 1 && c < MAX_CHUNKS; c++)
        for (uint32_t i = 0; g->chunk[c] && i < CHUNK_FRAMES; i++)
            if ((g->chunk[c][i].code | g->chunk[c][i].wgrant) & b)
                g->chunk[c][i].code &= ~b, g->chunk[c][i].wgrant &= ~b;
    if (--g->refs == 0) {
        for (int c = 0; c < MAX_CHUNKS; c++)
            if (g->chunk[c])
                munmap(g->chunk[c], CHUNK_BYTES);
        free(g);
    }
    v->group = NULL;
}

static struct emu_frame *emu_frame(struct emu_group *g, uint64_t frame, bool alloc)
{
    uint64_t c = frame / CHUNK_FRAMES;

    if (c >= MAX_CHUNKS)
        return NULL;
    if (!g->chunk[c]) {
        void *p;
        if (!alloc)
            return NULL;
        /* Pages of zeros on first touch: not calloc, which (once malloc
         * has raised its mmap threshold past 4 MiB) clears the whole chunk
         * up front, ~1 ms of page faults at every domain's first fetch. */
        p = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        g->chunk[c] = p;
    }
    return &g->chunk[c][frame % CHUNK_FRAMES];
}

/* The other vCPUs in mask drop what they hold before they next run. */
static void emu_smc_others(struct emu_group *g, uint64_t mask, unsigned what)
{
    for (unsigned i = 0; mask && i < EMU_MAX_GROUP; i++, mask >>= 1)
        if ((mask & 1) && g->vcpu[i])
            g->vcpu[i]->smc_req |= what;
}

/*
 * Called from the TLB fill of a page (emu_mmu.c) with the rights the
 * guest's tables give; returns the rights the TLB entry gets.  The flushes
 * below run inside the fill, which the engine allows: it looks the TLB
 * entry up again after a fill.
 */
int emu_smc_fill(struct hval_vcpu *v, uint64_t va, uint64_t gpa, uc_mem_type type, int perms)
{
    struct emu_group *g = v->group;
    struct emu_frame *f;
    uint64_t me = 1ULL << v->group_bit;

    if (v->smc_in_invalidate)
        return perms | UC_PROT_EXEC;
    if (!emu_gpa_to_hva(v, gpa, 1))
        return perms; /* MMIO: no translated code */
    f = emu_frame(g, gpa >> 12, true);
    if (!f)
        return perms & ~UC_PROT_WRITE;
    switch (type) {
    case UC_MEM_FETCH:
        emu_msr_scan(v, va, gpa, f->code & me);
        if (!(f->code & me)) {
            f->code |= me;
            if (f->wgrant & me)
                uc_ctl_flush_tlb(v->uc); /* writes come back here */
            emu_smc_others(g, f->wgrant & ~me, EMU_SMC_FLUSH_TLB);
            f->wgrant = 0;
        }
        return perms & ~UC_PROT_WRITE;
    case UC_MEM_WRITE:
        if (f->code & me) {
            /* Drop the frame's translated code (through this page's own
             * address, which the nested fill maps to the frame) and the
             * executable entries: fetches come back here. */
            v->smc_flips++;
            v->smc_in_invalidate = true;
            uc_ctl_remove_cache(v->uc, va, va + EMU_PAGE_SIZE);
            v->smc_in_invalidate = false;
            uc_ctl_flush_tlb(v->uc);
        }
        emu_smc_others(g, f->code & ~me, EMU_SMC_FLUSH_TB | EMU_SMC_FLUSH_TLB);
        f->code = 0;
        f->wgrant |= me;
        return perms & ~UC_PROT_EXEC;
    default:
        /* Executable entries come only from fetches (see emu_msr.c). */
        if (f->code)
            return perms & ~(UC_PROT_WRITE | UC_PROT_EXEC);
        if (perms & UC_PROT_WRITE)
            f->wgrant |= me;
        return perms & ~UC_PROT_EXEC;
    }
}

/* Before resuming: what other vCPUs' and the host's writes asked for. */
void emu_smc_before_run(struct hval_vcpu *v)
{
    if (v->smc_req & EMU_SMC_FLUSH_TB)
        uc_ctl_flush_tb(v->uc);
    if (v->smc_req & EMU_SMC_FLUSH_TLB)
        uc_ctl_flush_tlb(v->uc);
    v->smc_req = 0;
}

int emu_code_written(struct hval_vcpu *v, uint64_t gpa, uint64_t len)
{
    struct emu_group *g = v->group;

    for (uint64_t n = gpa >> 12; len && n <= (gpa + len - 1) >> 12; n++) {
        struct emu_frame *f = emu_frame(g, n, false);
        if (f && f->code) {
            emu_smc_others(g, f->code, EMU_SMC_FLUSH_TB | EMU_SMC_FLUSH_TLB);
            f->code = 0;
        }
    }
    return 0;
}
