/*
 * emu_internal.h: the emu backend's vCPU (one unicorn engine per vCPU)
 * and what its files share.  Nothing outside backends/emu_*.c sees this.
 */
#ifndef XENHV_EMU_INTERNAL_H
#define XENHV_EMU_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "hval.h"

#define EMU_PAGE_SIZE 4096ULL
#define EMU_PAGE_MASK (~(EMU_PAGE_SIZE - 1))

#define X86_CR0_PE    0x1ULL
#define X86_CR0_PG    0x80000000ULL
#define X86_CR4_PSE   0x10ULL
#define X86_CR4_PAE   0x20ULL
#define X86_EFER_SCE  0x1ULL
#define X86_EFER_LME  0x100ULL
#define X86_EFER_LMA  0x400ULL
#define X86_EFER_NXE  0x800ULL
#define X86_RFLAGS_TF 0x100ULL
#define X86_RFLAGS_IF 0x200ULL
#define X86_RFLAGS_NT 0x4000ULL
#define X86_RFLAGS_RF 0x10000ULL
#define X86_RFLAGS_VM 0x20000ULL
#define X86_RFLAGS_AC 0x40000ULL

struct emu_ram {
    uint64_t gpa, size;
    uint8_t *hva;
};

/* A guest-physical page outside RAM, mapped as MMIO on its first access. */
struct emu_mmio_page {
    struct hval_vcpu *vcpu;
    uint64_t gpa;
};

/* What a hook saw, for run() to report once the engine has stopped. */
enum emu_event { EMU_EV_NONE, EMU_EV_EXIT, EMU_EV_SYSCALL, EMU_EV_INTR, EMU_EV_INVALID };

struct hval_vcpu {
    uc_engine *uc;
    hval_exit_handler handler;
    void *opaque;
    uint64_t (*machine_to_gfn)(void *ctx, uint64_t mfn); /* PV, see hval.h */
    void *machine_ctx;
    bool syscall_exits;
    const struct hval_overlay *overlay; /* PV, see hval.h (emu_mmu.c) */

    struct emu_ram *ram;
    size_t nr_ram, cap_ram;
    struct emu_mmio_page **mmio;
    size_t nr_mmio, cap_mmio;

    uc_context *ctx;
    size_t segs_off; /* offset of the segment caches in a saved context */

    enum emu_event ev;
    struct hval_exit ev_exit;
    uint32_t ev_intno;
    uint64_t ev_rip;
    bool pending_hlt; /* a hlt ran after a handler ended the run */

    bool triple_fault;
    uint64_t cr8;          /* task priority: kept here, the engine has no TPR */
    int in_api;            /* our own MSR accesses bypass the MSR exit */
    atomic_int kick;       /* set by kick(), seen by the block hook */
    uint64_t slice_end_ns; /* CLOCK_MONOTONIC end of a timed run, or 0 */
    unsigned slice_blocks; /* blocks since the clock was last read */
    /* The run ends at the start of the block at stop_la (cs base + rip),
     * which the block hook saw: rip is set from it (emu_vcpu.c). */
    bool stop_at_block;
    bool irq_window;  /* stop at a block start with IF set (not the first) */
    bool first_block; /* the run's first block has not started yet */
    uint64_t stop_la;

    /* A guest page fault seen by the TLB fill (emu_mmu.c). */
    bool pf_valid;
    uint64_t pf_addr;
    uint32_t pf_ec;

    /* rdmsr/wrmsr sites with a hook (emu_msr.c), by virtual address, and
     * the (frame, address) pairs already scanned for them. */
    uint64_t *msr_sites;
    size_t nr_msr_sites, cap_msr_sites;
    struct emu_msr_scanned *msr_scanned;

    /* Self-modifying code (emu_smc.c). */
    struct emu_group *group; /* the domain's vCPUs, sharing frame states */
    unsigned group_bit;
    unsigned smc_req; /* EMU_SMC_FLUSH_*, done before the next resume */
    bool smc_in_invalidate;
    uint64_t smc_flips; /* code frames written since creation */
};

#define EMU_SMC_FLUSH_TB  0x1
#define EMU_SMC_FLUSH_TLB 0x2

/* emu_vcpu.c */
enum hval_answer emu_call_handler(struct hval_vcpu *v, struct hval_exit *exit);
bool emu_ram_overlaps(const struct hval_vcpu *v, uint64_t gpa, uint64_t size);
void *emu_gpa_to_hva(const struct hval_vcpu *v, uint64_t gpa, uint64_t len);
int emu_mmio_unmap_range(struct hval_vcpu *v, uint64_t gpa, uint64_t size);

/* emu_state.c */
int emu_state_probe(struct hval_vcpu *v);
/* The CPU model's own answer to cpuid leaf/subleaf (emu_cpuid.c). */
int emu_native_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);
int emu_get_state(struct hval_vcpu *v, struct hval_state *st);
int emu_set_state(struct hval_vcpu *v, const struct hval_state *st);
int emu_get_regs(struct hval_vcpu *v, struct hval_regs *regs);
int emu_set_regs(struct hval_vcpu *v, const struct hval_regs *regs);
uint64_t emu_reg(struct hval_vcpu *v, int regid);
void emu_exception_done(struct hval_vcpu *v, uint32_t intno);

/* emu_deliver.c and emu_mmu.c */
struct emu_paging {
    uint64_t cr0, cr3, cr4, efer;
};
void emu_paging_read(struct hval_vcpu *v, struct emu_paging *pg);
int emu_read_linear(struct hval_vcpu *v, uint64_t la, void *buf, size_t len);
int emu_write_linear(struct hval_vcpu *v, uint64_t la, const void *buf, size_t len);
int emu_inject(struct hval_vcpu *v, const struct hval_event *ev);
int emu_do_syscall(struct hval_vcpu *v, struct hval_exit *exit);
void emu_describe_exception(struct hval_vcpu *v, uint32_t intno, struct hval_exit *exit);

/* emu_mmu.c */
struct emu_walk {
    uint64_t gpa;
    bool write, user, exec, dirty;
    bool ad_ok; /* every accessed bit on the path was already set */
};
int emu_mmu_init(struct hval_vcpu *v);
int emu_walk(struct hval_vcpu *v, const struct emu_paging *pg, uint64_t la, bool set_ad, bool dirty,
             struct emu_walk *w);
int emu_translate(struct hval_vcpu *v, const struct emu_paging *pg, uint64_t la, bool *writable,
                  uint64_t *gpa);

/* emu_msr.c */
/* A code page is fetched through va from gpa; unchanged: this vCPU held
 * code from the frame already, so the frame was not written since it was
 * last scanned through any address (emu_smc.c). */
void emu_msr_scan(struct hval_vcpu *v, uint64_t va, uint64_t gpa, bool unchanged);
void emu_msr_fini(struct hval_vcpu *v);

/* emu_smc.c */
#define EMU_MAX_GROUP 64 /* vCPUs sharing guest memory */
int emu_smc_join(struct hval_vcpu *v, struct hval_vcpu *sibling);
int emu_smc_fill(struct hval_vcpu *v, uint64_t va, uint64_t gpa, uc_mem_type type, int perms);
void emu_smc_before_run(struct hval_vcpu *v);
void emu_smc_fini(struct hval_vcpu *v);
int emu_code_written(struct hval_vcpu *v, uint64_t gpa, uint64_t len);

#endif /* XENHV_EMU_INTERNAL_H */
