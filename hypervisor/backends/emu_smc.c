/*
 * emu_smc.c: keeping translated code in step with guest memory.
 *
 * Unicorn 2.1.1 write-protects a page holding translated code only until
 * the first write to it through a TLB entry: later writes through that
 * entry are fast and miss the code (two patches of one page in a row; a
 * patch through a second mapping).  So the backend keeps every RAM frame
 * either "code" or "data", through the permissions it gives TLB entries
 * (emu_mmu.c): a code frame is never writable through the TLB and a data
 * frame never executable.  The first write to a code frame, or the first
 * fetch from a data frame, misses the TLB and comes here: the frame
 * changes side, its translated code (on a write) and the TLB entries of
 * its old side are dropped there and then.  The hot path has no hook; a
 * frame that flips between code and data pays a TLB flush (and on a write
 * a retranslation) each time.  The host's own writes (builder, grant
 * copies, foreign maps) cost nothing unless the frame held code.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "emu_internal.h"

#define FRAME_CODE   0x1        /* fetched from since its last write */
#define FRAME_WGRANT 0x2        /* writable TLB entries may exist */
#define CHUNK_FRAMES (1u << 18) /* 1 GiB of frames per state chunk */
#define MAX_CHUNKS   64         /* 64 GiB of guest-physical space */

static uint8_t *emu_frame_state(struct hval_vcpu *v, uint64_t frame, bool alloc)
{
    uint64_t chunk = frame / CHUNK_FRAMES;

    if (chunk >= MAX_CHUNKS)
        return NULL;
    if (!v->smc_frames) {
        if (!alloc)
            return NULL;
        v->smc_frames = calloc(MAX_CHUNKS, sizeof(uint8_t *));
        if (!v->smc_frames)
            return NULL;
    }
    if (!v->smc_frames[chunk]) {
        if (!alloc)
            return NULL;
        v->smc_frames[chunk] = calloc(CHUNK_FRAMES, 1);
        if (!v->smc_frames[chunk])
            return NULL;
    }
    return &v->smc_frames[chunk][frame % CHUNK_FRAMES];
}

/*
 * Called from the TLB fill of a RAM page (emu_mmu.c) with the rights the
 * guest's tables give; returns the rights the TLB entry gets.  Both
 * flushes below run inside the fill, which the engine allows: it looks
 * the TLB entry up again after a fill.
 */
int emu_smc_fill(struct hval_vcpu *v, uint64_t va, uint64_t gpa, uc_mem_type type, int perms)
{
    uint8_t *st;

    if (v->smc_in_invalidate)
        return perms | UC_PROT_EXEC;
    if (!emu_gpa_to_hva(v, gpa, 1))
        return perms; /* MMIO: no translated code */
    st = emu_frame_state(v, gpa >> 12, true);
    if (!st)
        return perms & ~UC_PROT_WRITE;
    switch (type) {
    case UC_MEM_FETCH:
        emu_msr_scan(v, va, gpa);
        if (!(*st & FRAME_CODE)) {
            *st |= FRAME_CODE;
            if (*st & FRAME_WGRANT) {
                /* Writable entries for the frame go: writes come back here. */
                *st &= ~FRAME_WGRANT;
                uc_ctl_flush_tlb(v->uc);
            }
        }
        return perms & ~UC_PROT_WRITE;
    case UC_MEM_WRITE:
        if (*st & FRAME_CODE) {
            /* Drop the frame's translated code (through this page's own
             * address, which the nested fill maps to the frame), and the
             * executable entries: fetches come back here. */
            *st &= ~FRAME_CODE;
            v->smc_flips++;
            v->smc_in_invalidate = true;
            uc_ctl_remove_cache(v->uc, va, va + EMU_PAGE_SIZE);
            v->smc_in_invalidate = false;
            uc_ctl_flush_tlb(v->uc);
        }
        *st |= FRAME_WGRANT;
        return perms & ~UC_PROT_EXEC;
    default:
        /* Executable entries come only from fetches (see emu_msr.c). */
        if (*st & FRAME_CODE)
            return perms & ~(UC_PROT_WRITE | UC_PROT_EXEC);
        if (perms & UC_PROT_WRITE)
            *st |= FRAME_WGRANT;
        return perms & ~UC_PROT_EXEC;
    }
}

/* Before resuming: what the host's writes of code asked for. */
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
    bool code = false;

    for (uint64_t f = gpa >> 12; len && f <= (gpa + len - 1) >> 12; f++) {
        uint8_t *st = emu_frame_state(v, f, false);
        if (st && (*st & FRAME_CODE)) {
            *st &= ~FRAME_CODE;
            code = true;
        }
    }
    if (!code)
        return 0;
    v->smc_req |= EMU_SMC_FLUSH_TB | EMU_SMC_FLUSH_TLB;
    return 0;
}

void emu_smc_fini(struct hval_vcpu *v)
{
    if (!v->smc_frames)
        return;
    for (int i = 0; i < MAX_CHUNKS; i++)
        free(v->smc_frames[i]);
    free(v->smc_frames);
}
