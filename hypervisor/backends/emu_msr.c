/*
 * emu_msr.c: rdmsr/wrmsr exits.  Unicorn 2.1.1 refuses instruction hooks
 * for rdmsr and wrmsr, and its CPU model reads unknown MSRs as 0 and drops
 * writes to them.  So when a code page is first fetched through a virtual
 * address (every executable TLB entry comes from such a fetch, emu_mmu.c),
 * its bytes are scanned for the two opcodes and each site gets a code hook
 * of its own, placed before it is translated.  The hook checks that an
 * rdmsr or wrmsr really starts there, lets the CPU model keep the MSRs it
 * owns (and the #GP at CPL > 0), and otherwise asks the exit handler and
 * skips the instruction.  Code elsewhere carries no hook.  A frame whose
 * code the vCPU still holds (not written since) is not scanned again
 * through an address it was scanned through: after every TLB flush (PV
 * guests flush at each kernel/user switch) the rescans were a tenth of a
 * PV Linux boot.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

#define EMU_MAX_MSR_SITES  4096
#define EMU_MSR_SCAN_SLOTS 1024 /* frames remembered, direct-mapped */
#define EMU_MSR_SCAN_VAS   4    /* addresses remembered per frame */

struct emu_msr_scanned {
    uint64_t frame_plus1; /* 0: empty */
    unsigned nva;
    uint64_t va[EMU_MSR_SCAN_VAS];
};

/* MSRs the CPU model owns; every other rdmsr/wrmsr exits. */
static const uint32_t emu_native_msrs[] = {
    0x10,       /* TSC */
    0x174,      /* SYSENTER_CS */
    0x175,      /* SYSENTER_ESP */
    0x176,      /* SYSENTER_EIP */
    0x277,      /* PAT */
    0xc0000080, /* EFER */
    0xc0000081, /* STAR */
    0xc0000082, /* LSTAR */
    0xc0000083, /* CSTAR */
    0xc0000084, /* SFMASK */
    0xc0000100, /* FS_BASE */
    0xc0000101, /* GS_BASE */
    0xc0000102, /* KERNEL_GS_BASE */
};

static bool emu_msr_native(uint32_t index)
{
    for (size_t i = 0; i < sizeof(emu_native_msrs) / sizeof(emu_native_msrs[0]); i++)
        if (emu_native_msrs[i] == index)
            return true;
    return false;
}

static void emu_msr_site_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct hval_vcpu *v = user;
    struct hval_exit e = {.kind = HVAL_EXIT_MSR};
    uint8_t op[2];
    uint16_t cs = 0;
    uint64_t rcx = 0, rax = 0, rdx = 0, rip;

    if (size != 2 || emu_read_linear(v, addr, op, 2) < 0 || op[0] != 0x0f ||
        (op[1] != 0x30 && op[1] != 0x32))
        return;
    uc_reg_read(uc, UC_X86_REG_CS, &cs);
    uc_reg_read(uc, UC_X86_REG_RCX, &rcx);
    if ((cs & 3) != 0 || emu_msr_native((uint32_t)rcx))
        return;
    e.msr.index = (uint32_t)rcx;
    e.msr.write = op[1] == 0x30;
    if (e.msr.write) {
        uc_reg_read(uc, UC_X86_REG_RAX, &rax);
        uc_reg_read(uc, UC_X86_REG_RDX, &rdx);
        e.msr.value = (uint32_t)rax | (rdx << 32);
    }
    enum hval_answer a = emu_call_handler(v, &e);
    if (a == HVAL_DEFAULT)
        return;
    if (!e.msr.write) {
        rax = (uint32_t)e.msr.value;
        rdx = e.msr.value >> 32;
        uc_reg_write(uc, UC_X86_REG_RAX, &rax);
        uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    }
    /* Past the instruction: the engine resumes at the new rip. */
    uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    rip += 2;
    uc_reg_write(uc, UC_X86_REG_RIP, &rip);
    if (a == HVAL_STOP && v->ev == EMU_EV_NONE) {
        v->ev = EMU_EV_EXIT;
        v->ev_exit = e;
        uc_emu_stop(uc);
    }
}

static bool emu_msr_site_known(struct hval_vcpu *v, uint64_t va)
{
    for (size_t i = 0; i < v->nr_msr_sites; i++)
        if (v->msr_sites[i] == va)
            return true;
    return false;
}

static void emu_msr_add_site(struct hval_vcpu *v, uint64_t va)
{
    uc_hook h;

    if (emu_msr_site_known(v, va) || v->nr_msr_sites >= EMU_MAX_MSR_SITES)
        return;
    if (v->nr_msr_sites == v->cap_msr_sites) {
        size_t cap = v->cap_msr_sites ? v->cap_msr_sites * 2 : 16;
        uint64_t *n = realloc(v->msr_sites, cap * sizeof(*n));
        if (!n)
            return;
        v->msr_sites = n;
        v->cap_msr_sites = cap;
    }
    if (uc_hook_add(v->uc, &h, UC_HOOK_CODE, (void *)emu_msr_site_hook, v, va, va) != UC_ERR_OK)
        return;
    v->msr_sites[v->nr_msr_sites++] = va;
}

/* Was frame scanned through va since it last changed?  Records it when
 * not (the caller scans then). */
static bool emu_msr_scanned_before(struct hval_vcpu *v, uint64_t va, uint64_t gpa, bool unchanged)
{
    uint64_t frame = gpa >> 12;
    struct emu_msr_scanned *s;

    if (!v->msr_scanned)
        v->msr_scanned = calloc(EMU_MSR_SCAN_SLOTS, sizeof(*v->msr_scanned));
    if (!v->msr_scanned)
        return false;
    s = &v->msr_scanned[frame % EMU_MSR_SCAN_SLOTS];
    if (!unchanged || s->frame_plus1 != frame + 1) {
        s->frame_plus1 = frame + 1;
        s->nva = 0;
    }
    for (unsigned i = 0; i < s->nva; i++)
        if (s->va[i] == va)
            return true;
    if (s->nva < EMU_MSR_SCAN_VAS)
        s->va[s->nva++] = va;
    return false;
}

/* A code page is being fetched through va (page-aligned) from gpa. */
void emu_msr_scan(struct hval_vcpu *v, uint64_t va, uint64_t gpa, bool unchanged)
{
    const uint8_t *p = emu_gpa_to_hva(v, gpa, EMU_PAGE_SIZE);
    const uint8_t *q, *end;

    if (!p)
        return;
    /* A page ending in 0x0f depends on the next one too: always scanned. */
    if (p[EMU_PAGE_SIZE - 1] != 0x0f && emu_msr_scanned_before(v, va, gpa, unchanged))
        return;
    end = p + EMU_PAGE_SIZE;
    for (q = p; (q = memchr(q, 0x0f, end - q)) != NULL; q++) {
        /* An opcode may straddle into the next page. */
        const uint8_t *next = q + 1 < end ? q + 1 : emu_gpa_to_hva(v, gpa + EMU_PAGE_SIZE, 1);
        if (next && (*next == 0x30 || *next == 0x32))
            emu_msr_add_site(v, va + (q - p));
    }
}

void emu_msr_fini(struct hval_vcpu *v)
{
    free(v->msr_scanned);
    free(v->msr_sites);
}
