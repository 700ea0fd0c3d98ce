/*
 * emu_vcpu.c: the emu backend's vCPU life cycle, guest-physical memory
 * (RAM mapped from host memory, everything else MMIO that exits), the
 * engine hooks and the run loop.  No hook sits on the hot path: only
 * instructions that exit on hardware too (in/out, cpuid, syscall, invalid
 * opcodes, exceptions; rdmsr/wrmsr in emu_msr.c) and accesses outside RAM
 * reach C.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu_internal.h"

#define EMU_MAX_MMIO_PAGES 1024

enum hval_answer emu_call_handler(struct hval_vcpu *v, struct hval_exit *exit)
{
    if (!v->handler)
        return HVAL_DEFAULT;
    return v->handler(v, exit, v->opaque);
}

/* A synchronous exit answered; HVAL_STOP ends the run with it. */
static enum hval_answer emu_sync_exit(struct hval_vcpu *v, struct hval_exit *exit)
{
    enum hval_answer a = emu_call_handler(v, exit);

    if (a == HVAL_STOP && v->ev == EMU_EV_NONE) {
        v->ev = EMU_EV_EXIT;
        v->ev_exit = *exit;
        v->ev_rip = emu_reg(v, UC_X86_REG_RIP); /* exact for in/out only */
        uc_emu_stop(v->uc);
    }
    return a;
}

bool emu_ram_overlaps(const struct hval_vcpu *v, uint64_t gpa, uint64_t size)
{
    for (size_t i = 0; i < v->nr_ram; i++)
        if (gpa < v->ram[i].gpa + v->ram[i].size && v->ram[i].gpa < gpa + size)
            return true;
    return false;
}

void *emu_gpa_to_hva(const struct hval_vcpu *v, uint64_t gpa, uint64_t len)
{
    for (size_t i = 0; i < v->nr_ram; i++) {
        const struct emu_ram *r = &v->ram[i];
        if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
            return r->hva + (gpa - r->gpa);
    }
    return NULL;
}

/* ---- MMIO: pages outside RAM, mapped on first touch ---- */

static uint64_t emu_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    struct emu_mmio_page *p = user;
    struct hval_exit e = {.kind = HVAL_EXIT_MMIO};

    e.mmio.gpa = p->gpa + offset;
    e.mmio.size = size;
    e.mmio.data = ~0ULL;
    if (emu_sync_exit(p->vcpu, &e) == HVAL_DEFAULT)
        return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
    return e.mmio.data;
}

static void emu_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value,
                           void *user)
{
    struct emu_mmio_page *p = user;
    struct hval_exit e = {.kind = HVAL_EXIT_MMIO};

    e.mmio.gpa = p->gpa + offset;
    e.mmio.size = size;
    e.mmio.write = true;
    e.mmio.data = value;
    emu_sync_exit(p->vcpu, &e);
}

static int emu_mmio_map_page(struct hval_vcpu *v, uint64_t gpa)
{
    struct emu_mmio_page *p;

    if (v->nr_mmio == v->cap_mmio) {
        size_t cap = v->cap_mmio ? v->cap_mmio * 2 : 16;
        struct emu_mmio_page **n = realloc(v->mmio, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        v->mmio = n;
        v->cap_mmio = cap;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->vcpu = v;
    p->gpa = gpa;
    if (uc_mmio_map(v->uc, gpa, EMU_PAGE_SIZE, emu_mmio_read, p, emu_mmio_write, p) != UC_ERR_OK) {
        free(p);
        return -EIO;
    }
    v->mmio[v->nr_mmio++] = p;
    return 0;
}

/*
 * A guest touching page after page outside RAM keeps no more than
 * EMU_MAX_MMIO_PAGES mapped from one run to the next: the oldest go (their
 * next access maps them again).  Not inside a run: TLB entries may point
 * at a page, so the TLB goes with them.
 */
static void emu_mmio_trim(struct hval_vcpu *v)
{
    size_t drop;

    if (v->nr_mmio <= EMU_MAX_MMIO_PAGES)
        return;
    drop = v->nr_mmio - EMU_MAX_MMIO_PAGES / 2;
    for (size_t i = 0; i < drop; i++) {
        uc_mem_unmap(v->uc, v->mmio[i]->gpa, EMU_PAGE_SIZE);
        free(v->mmio[i]);
    }
    memmove(v->mmio, v->mmio + drop, (v->nr_mmio - drop) * sizeof(*v->mmio));
    v->nr_mmio -= drop;
    uc_ctl_flush_tlb(v->uc);
}

int emu_mmio_unmap_range(struct hval_vcpu *v, uint64_t gpa, uint64_t size)
{
    bool any = false;

    for (size_t i = 0; i < v->nr_mmio;) {
        struct emu_mmio_page *p = v->mmio[i];
        if (p->gpa >= gpa && p->gpa - gpa < size) {
            uc_mem_unmap(v->uc, p->gpa, EMU_PAGE_SIZE);
            free(p);
            v->mmio[i] = v->mmio[--v->nr_mmio];
            any = true;
        } else {
            i++;
        }
    }
    if (any) /* entries of any virtual address may point at the pages */
        uc_ctl_flush_tlb(v->uc);
    return 0;
}

static bool emu_hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                              int64_t value, void *user)
{
    struct hval_vcpu *v = user;
    uint64_t page = addr & EMU_PAGE_MASK;

    if (type == UC_MEM_FETCH_UNMAPPED || emu_ram_overlaps(v, page, EMU_PAGE_SIZE)) {
        if (v->ev == EMU_EV_NONE) {
            v->ev = EMU_EV_EXIT;
            v->ev_exit.kind = HVAL_EXIT_ERROR;
            v->ev_exit.error.error = -EFAULT;
            v->ev_exit.error.gpa = addr;
        }
        return false;
    }
    /* An access that straddles two pages needs both. */
    if (emu_mmio_map_page(v, page) < 0)
        return false;
    if (((addr + size - 1) & EMU_PAGE_MASK) != page &&
        !emu_ram_overlaps(v, page + EMU_PAGE_SIZE, 1))
        emu_mmio_map_page(v, page + EMU_PAGE_SIZE);
    return true;
}

/* ---- instruction hooks ---- */

static uint32_t emu_hook_in(uc_engine *uc, uint32_t port, int size, void *user)
{
    struct hval_vcpu *v = user;
    struct hval_exit e = {.kind = HVAL_EXIT_IO};

    e.io.port = port;
    e.io.size = size;
    e.io.data = 0xffffffff;
    if (emu_sync_exit(v, &e) == HVAL_DEFAULT)
        return 0xffffffff;
    return e.io.data;
}

static void emu_hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    struct hval_vcpu *v = user;
    struct hval_exit e = {.kind = HVAL_EXIT_IO};

    e.io.port = port;
    e.io.size = size;
    e.io.write = true;
    e.io.data = size == 4 ? value : value & ((1u << (size * 8)) - 1);
    emu_sync_exit(v, &e);
}

static int emu_hook_cpuid(uc_engine *uc, void *user)
{
    struct hval_vcpu *v = user;
    struct hval_exit e = {.kind = HVAL_EXIT_CPUID};
    uint32_t eax = 0, ecx = 0;

    uc_reg_read(uc, UC_X86_REG_EAX, &eax);
    uc_reg_read(uc, UC_X86_REG_ECX, &ecx);
    e.cpuid.leaf = eax;
    e.cpuid.subleaf = ecx;
    uint32_t native[4] = {0, 0, 0, 0};
    emu_native_cpuid(eax, ecx, native); /* the handler's starting point */
    e.cpuid.eax = native[0];
    e.cpuid.ebx = native[1];
    e.cpuid.ecx = native[2];
    e.cpuid.edx = native[3];
    if (emu_sync_exit(v, &e) == HVAL_DEFAULT)
        return 0;
    uint64_t r[4] = {e.cpuid.eax, e.cpuid.ebx, e.cpuid.ecx, e.cpuid.edx};
    uc_reg_write(uc, UC_X86_REG_RAX, &r[0]);
    uc_reg_write(uc, UC_X86_REG_RBX, &r[1]);
    uc_reg_write(uc, UC_X86_REG_RCX, &r[2]);
    uc_reg_write(uc, UC_X86_REG_RDX, &r[3]);
    return 1;
}

static void emu_hook_syscall(uc_engine *uc, void *user)
{
    struct hval_vcpu *v = user;

    if (v->ev == EMU_EV_NONE)
        v->ev = EMU_EV_SYSCALL;
    uc_emu_stop(uc);
}

static bool emu_hook_invalid(uc_engine *uc, void *user)
{
    struct hval_vcpu *v = user;

    if (v->ev == EMU_EV_NONE)
        v->ev = EMU_EV_INVALID;
    uc_emu_stop(uc);
    return true;
}

/*
 * The only place a run is stopped for a kick or a time slice: at the
 * start of a block, before anything of it has run.
 *
 * Why there, and why rip is then set from the hook's address (unicorn
 * 2.1.1, checked against the library): generated code tests the exit
 * request at the start of every block and again after every guest load
 * and store; a stop requested from another thread (uc_emu_stop, or the
 * engine's own run timeout) is seen at whichever comes first.  On that
 * exit the engine resets rip to the start of the current block, unless a
 * UC_HOOK_CODE hook exists (the rdmsr/wrmsr sites of emu_msr.c) or a
 * timeout is set, and then leaves rip wherever it was last stored (rip is
 * not stored when one block jumps straight into the next, so that can be
 * the run's first address).  After a load or store the block is half run,
 * so the reset re-runs its first part (a counter loop counted too much),
 * and the stale rip jumps backwards or forwards.  Here, the check that
 * follows the hook ends the run before the block's first instruction, and
 * the hook knows that block's address, so rip is exact with or without
 * code hooks.  The price is a call per block.
 */
static uint64_t emu_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define EMU_SLICE_CHECK_BLOCKS 256 /* blocks between two reads of the clock */

static void emu_stop_at_block(struct hval_vcpu *v, uint64_t addr)
{
    v->stop_at_block = true;
    v->stop_la = addr;
    uc_emu_stop(v->uc);
}

static void emu_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct hval_vcpu *v = user;

    /* Another hook asked to stop (an exit answered HVAL_STOP, syscall...)
     * and the run went on into this block: stop it here, exactly (a code
     * hook that moved rip can even make the engine drop that request). */
    if (v->ev != EMU_EV_NONE) {
        emu_stop_at_block(v, addr);
        return;
    }
    if (atomic_load_explicit(&v->kick, memory_order_relaxed)) {
        emu_stop_at_block(v, addr);
        return;
    }
    /* The interrupt window: the run's first block is let run (the
     * instruction in an sti shadow, the hlt of `sti; hlt`), then the
     * first block start with IF set ends the run (sti, popf and iret end
     * their blocks, so that is right after them).  Only while asked. */
    if (v->irq_window) {
        if (v->first_block) {
            v->first_block = false;
        } else if (emu_reg(v, UC_X86_REG_EFLAGS) & (1u << 9)) /* IF */ {
            v->irq_window = false;
            emu_stop_at_block(v, addr);
            return;
        }
    }
    if (v->slice_end_ns && ++v->slice_blocks >= EMU_SLICE_CHECK_BLOCKS) {
        v->slice_blocks = 0;
        if (emu_now_ns() >= v->slice_end_ns)
            emu_stop_at_block(v, addr);
    }
}

/* After a run the block hook stopped: rip is the start of that block. */
static void emu_set_rip_from_block(struct hval_vcpu *v)
{
    struct hval_state st;
    uint64_t rip;

    if (emu_get_state(v, &st) < 0)
        return;
    rip = v->stop_la - st.seg[HVAL_CS].base;
    if (!(st.efer & X86_EFER_LMA) || !(st.seg[HVAL_CS].attr & HVAL_SEG_L))
        rip &= 0xffffffff;
    uc_reg_write(v->uc, UC_X86_REG_RIP, &rip);
}

static void emu_hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct hval_vcpu *v = user;

    if (v->ev == EMU_EV_NONE) {
        v->ev = EMU_EV_INTR;
        v->ev_intno = intno;
    }
    uc_emu_stop(uc);
}

/* ---- life cycle ---- */

static int emu_map_ram(struct hval_vcpu *v, const struct hval_ram *ram)
{
    if ((ram->gpa | ram->size) & ~EMU_PAGE_MASK || !ram->size || !ram->hva ||
        ((uintptr_t)ram->hva & ~EMU_PAGE_MASK))
        return -EINVAL;
    if (emu_ram_overlaps(v, ram->gpa, ram->size))
        return -EEXIST;
    if (v->nr_ram == v->cap_ram) {
        size_t cap = v->cap_ram ? v->cap_ram * 2 : 8;
        struct emu_ram *n = realloc(v->ram, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        v->ram = n;
        v->cap_ram = cap;
    }
    emu_mmio_unmap_range(v, ram->gpa, ram->size);
    if (uc_mem_map_ptr(v->uc, ram->gpa, ram->size, UC_PROT_ALL, ram->hva) != UC_ERR_OK)
        return -EIO;
    v->ram[v->nr_ram++] = (struct emu_ram){ram->gpa, ram->size, ram->hva};
    return 0;
}

static int emu_unmap_ram(struct hval_vcpu *v, uint64_t gpa, uint64_t size)
{
    for (size_t i = 0; i < v->nr_ram; i++) {
        if (v->ram[i].gpa == gpa && v->ram[i].size == size) {
            uc_ctl_flush_tb(v->uc);
            if (uc_mem_unmap(v->uc, gpa, size) != UC_ERR_OK)
                return -EIO;
            uc_ctl_flush_tlb(v->uc); /* the engine drops only identity entries */
            v->ram[i] = v->ram[--v->nr_ram];
            return 0;
        }
    }
    return -ENOENT;
}

static void emu_vcpu_destroy(struct hval_vcpu *v)
{
    if (!v)
        return;
    if (v->ctx)
        uc_context_free(v->ctx);
    if (v->uc)
        uc_close(v->uc);
    for (size_t i = 0; i < v->nr_mmio; i++)
        free(v->mmio[i]);
    free(v->mmio);
    free(v->ram);
    emu_smc_fini(v);
    emu_msr_fini(v);
    free(v);
}

static int emu_add_hooks(struct hval_vcpu *v)
{
    uc_hook h;
    uc_err e = UC_ERR_OK;

    e |= uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)emu_hook_in, v, 1, 0, UC_X86_INS_IN);
    e |= uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)emu_hook_out, v, 1, 0, UC_X86_INS_OUT);
    e |= uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)emu_hook_cpuid, v, 1, 0, UC_X86_INS_CPUID);
    e |=
        uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)emu_hook_syscall, v, 1, 0, UC_X86_INS_SYSCALL);
    e |= uc_hook_add(v->uc, &h, UC_HOOK_INSN_INVALID, (void *)emu_hook_invalid, v, 1, 0);
    e |= uc_hook_add(v->uc, &h, UC_HOOK_INTR, (void *)emu_hook_intr, v, 1, 0);
    e |= uc_hook_add(v->uc, &h, UC_HOOK_BLOCK, (void *)emu_hook_block, v, 1, 0);
    e |= uc_hook_add(v->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)emu_hook_unmapped, v, 1, 0);
    return e == UC_ERR_OK ? 0 : -EIO;
}

static int emu_vcpu_create(const struct hval_vcpu_config *cfg, struct hval_vcpu **out)
{
    struct hval_vcpu *v = calloc(1, sizeof(*v));
    int rc = -ENOMEM;

    if (!v)
        goto fail;
    v->handler = cfg->handler;
    v->opaque = cfg->opaque;
    v->machine_to_gfn = cfg->machine_to_gfn;
    v->machine_ctx = cfg->machine_ctx;
    v->syscall_exits = cfg->syscall_exits;
    v->overlay = cfg->overlay;
    rc = -EIO;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &v->uc) != UC_ERR_OK)
        goto fail;
    rc = emu_add_hooks(v);
    if (rc < 0)
        goto fail;
    /* No `until` address: runs end on exits only (and nothing is
     * translated twice to make an address stop). */
    if (uc_ctl_exits_enable(v->uc) != UC_ERR_OK)
        goto fail;
    for (size_t i = 0; i < cfg->nr_ram; i++) {
        rc = emu_map_ram(v, &cfg->ram[i]);
        if (rc < 0)
            goto fail;
    }
    rc = emu_state_probe(v);
    if (rc < 0)
        goto fail;
    rc = emu_smc_join(v, cfg->sibling);
    if (rc < 0)
        goto fail;
    rc = emu_mmu_init(v);
    if (rc < 0)
        goto fail;
    *out = v;
    return 0;
fail:
    emu_vcpu_destroy(v);
    return rc;
}

/* ---- running ---- */

/*
 * Safe from any thread at any instant: the flag makes the next run()
 * return at once and a run in progress stop at its next block start
 * (emu_hook_block).  Never uc_emu_stop() from here: the engine may then
 * stop half-way through a block with rip reset to the block's start or
 * left stale (see emu_hook_block), and instructions run twice or never.
 */
static void emu_kick(struct hval_vcpu *v)
{
    atomic_store(&v->kick, 1);
}

/* The runner's thread, between runs (see hval.h). */
static void emu_irq_window(struct hval_vcpu *v, bool on)
{
    v->irq_window = on;
}

/* The length of the in/out instruction at la, or 0. */
static unsigned emu_io_insn_len(struct hval_vcpu *v, uint64_t la)
{
    uint8_t b[8];

    if (emu_read_linear(v, la, b, sizeof(b)) < 0)
        return 0;
    for (unsigned i = 0; i < sizeof(b); i++) {
        switch (b[i]) {
        case 0x66:
        case 0x67:
        case 0xf2:
        case 0xf3:
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x64:
        case 0x65:
            continue;
        case 0xe4:
        case 0xe5:
        case 0xe6:
        case 0xe7:
            return i + 2;
        case 0xec:
        case 0xed:
        case 0xee:
        case 0xef:
        case 0x6c:
        case 0x6d:
        case 0x6e:
        case 0x6f:
            return i + 1;
        default:
            if (b[i] >= 0x40 && b[i] <= 0x4f)
                continue;
            return 0;
        }
    }
    return 0;
}

static bool emu_after_hlt(struct hval_vcpu *v);

/*
 * A run ended by an in/out handler: the rest of the translated block ran
 * first; if it reached a hlt, report the hlt on the next run.
 */
static void emu_io_stop_done(struct hval_vcpu *v)
{
    struct hval_state st;
    uint64_t cs_base;

    /* Stopped at a block start: the run did not end at a hlt. */
    if (v->ev_exit.kind != HVAL_EXIT_IO || v->stop_at_block || emu_get_state(v, &st) < 0)
        return;
    cs_base = st.seg[HVAL_CS].base;
    if (st.rip != v->ev_rip + emu_io_insn_len(v, cs_base + v->ev_rip) && emu_after_hlt(v))
        v->pending_hlt = true;
}

static bool emu_after_hlt(struct hval_vcpu *v)
{
    struct hval_state st;
    uint64_t la;
    uint8_t b = 0;

    if (emu_get_state(v, &st) < 0)
        return false;
    la = st.seg[HVAL_CS].base + st.rip - 1;
    if (!(st.efer & X86_EFER_LMA))
        la &= 0xffffffff;
    return emu_read_linear(v, la, &b, 1) == 0 && b == 0xf4;
}

/* What an invalid opcode was: a hypercall, or #UD for the guest. */
static void emu_describe_invalid(struct hval_vcpu *v, struct hval_exit *exit)
{
    uint8_t b[3] = {0};
    uint64_t rip = emu_reg(v, UC_X86_REG_RIP);
    struct hval_state st;

    if (emu_get_state(v, &st) == 0) {
        uint64_t la = st.seg[HVAL_CS].base + rip;
        if (!(st.efer & X86_EFER_LMA))
            la &= 0xffffffff;
        emu_read_linear(v, la, b, sizeof(b));
    }
    if (b[0] == 0x0f && b[1] == 0x01 && (b[2] == 0xc1 || b[2] == 0xd9)) {
        exit->kind = HVAL_EXIT_HYPERCALL;
        exit->hypercall.insn_len = 3;
        exit->hypercall.vmmcall = b[2] == 0xd9;
        rip += 3;
        if (!(st.efer & X86_EFER_LMA) || !(st.seg[HVAL_CS].attr & HVAL_SEG_L))
            rip &= 0xffffffff;
        uc_reg_write(v->uc, UC_X86_REG_RIP, &rip);
        return;
    }
    exit->kind = HVAL_EXIT_EXCEPTION;
    exit->exception.vector = 6;
}

static int emu_run(struct hval_vcpu *v, uint64_t timeout_us, struct hval_exit *exit)
{
    memset(exit, 0, sizeof(*exit));
    for (;;) {
        uc_err err;
        uint64_t rip;

        if (v->triple_fault) {
            exit->kind = HVAL_EXIT_TRIPLE_FAULT;
            return 0;
        }
        if (v->pending_hlt) {
            v->pending_hlt = false;
            exit->kind = HVAL_EXIT_HLT;
            return 0;
        }
        if (atomic_exchange(&v->kick, 0)) {
            exit->kind = HVAL_EXIT_INTERRUPTED;
            return 0;
        }
        emu_smc_before_run(v);
        emu_mmio_trim(v);
        v->ev = EMU_EV_NONE;
        rip = emu_reg(v, UC_X86_REG_RIP);
        v->pf_valid = false;
        /* Never the engine's own timeout: it stops the run from another
         * thread (see emu_kick). */
        v->slice_blocks = 0;
        v->slice_end_ns = timeout_us ? emu_now_ns() + timeout_us * 1000u : 0;
        v->stop_at_block = false;
        v->first_block = true;
        err = uc_emu_start(v->uc, rip, 0, 0, 0);
        v->slice_end_ns = 0;
        if (v->stop_at_block)
            emu_set_rip_from_block(v);

        if (v->pf_valid) {
            exit->kind = HVAL_EXIT_EXCEPTION;
            exit->exception.vector = 14;
            exit->exception.has_error_code = true;
            exit->exception.error_code = v->pf_ec;
            exit->exception.cr2 = v->pf_addr;
            return 0;
        }
        switch (v->ev) {
        case EMU_EV_EXIT:
            *exit = v->ev_exit;
            emu_io_stop_done(v);
            return 0;
        case EMU_EV_SYSCALL:
            if (v->syscall_exits) {
                exit->kind = HVAL_EXIT_HYPERCALL;
                exit->hypercall.insn_len = 2;
                exit->hypercall.syscall = true;
                return 0;
            }
            if (emu_do_syscall(v, exit) < 0 || exit->kind != HVAL_EXIT_NONE)
                return 0;
            continue;
        case EMU_EV_INTR:
            emu_exception_done(v, v->ev_intno);
            emu_describe_exception(v, v->ev_intno, exit);
            return 0;
        case EMU_EV_INVALID:
            emu_describe_invalid(v, exit);
            return 0;
        case EMU_EV_NONE:
            break;
        }
        if (err != UC_ERR_OK) {
            exit->kind = HVAL_EXIT_ERROR;
            exit->error.error = -EIO;
            return 0;
        }
        /* Stopped by the block hook (kick, time slice), or ended by the
         * guest (hlt).  Which one is known, not guessed from the kick flag:
         * a kick arriving as the guest halted used to turn the hlt into
         * "interrupted", and the next run went on past the hlt (the kick
         * tests ran into the bytes after it: a counter of 24,000,001 for
         * 12,000,000, an engine error).  A kick left set then ends the next
         * run at once. */
        if (v->stop_at_block) {
            atomic_store(&v->kick, 0);
            exit->kind = HVAL_EXIT_INTERRUPTED;
            return 0;
        }
        exit->kind = emu_after_hlt(v) ? HVAL_EXIT_HLT : HVAL_EXIT_INTERRUPTED;
        return 0;
    }
}

const struct hval_ops hval_emu_ops = {
    .name = "emu",
    .vcpu_create = emu_vcpu_create,
    .vcpu_destroy = emu_vcpu_destroy,
    .map_ram = emu_map_ram,
    .unmap_ram = emu_unmap_ram,
    .code_written = emu_code_written,
    .get_state = emu_get_state,
    .set_state = emu_set_state,
    .get_regs = emu_get_regs,
    .set_regs = emu_set_regs,
    .run = emu_run,
    .kick = emu_kick,
    .inject = emu_inject,
    .irq_window = emu_irq_window,
    .read_linear = emu_read_linear,
    .write_linear = emu_write_linear,
};
