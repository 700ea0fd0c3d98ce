/*
 * bench_emu.c: guest instructions per second on the emu CPU backend
 * (hypervisor/backends/) against bare unicorn running the same loop on the
 * same library, measured in the same run: a compute loop of 8 instructions
 * with one store, and a store-free variant, in 32-bit and 64-bit mode.
 * The backend runs the 64-bit loop with paging (its own TLB fills), bare
 * unicorn in its flat 64-bit mode.  Prints iterations/s, instructions/s and
 * the ratio emu/bare (target: at least 0.9).  Runs alternate between the
 * two and the best of each counts, so a loaded machine skews both alike.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "backend.h"
#include "hval.h"

#define RAM_SIZE   (4u << 20)
#define CODE       0x2000u
#define PT_BASE    0x10000u
#define STACK      0xf000u
#define INSNS      8 /* per iteration */
#define ITERATIONS 40000000u
#define REPEATS    7 /* bare and emu alternate; the best run of each counts */

/* 1: add %eax,%ebx; xor %ebx,%edx; lea 1(%edx),%eax; rol $3,%edx;
 *    mov %eax,0x8000; inc %esi; dec %ecx; jnz 1b; hlt */
static const uint8_t loop32_store[] = {0x01, 0xc3, 0x31, 0xda, 0x8d, 0x42, 0x01, 0xc1, 0xc2, 0x03,
                                       0xa3, 0x00, 0x80, 0x00, 0x00, 0x46, 0x49, 0x75, 0xed, 0xf4};
/* The same with add %edx,%edi for the store. */
static const uint8_t loop32_nostore[] = {0x01, 0xc3, 0x31, 0xda, 0x8d, 0x42, 0x01, 0xc1, 0xc2,
                                         0x03, 0x01, 0xd7, 0x46, 0x49, 0x75, 0xf0, 0xf4};
/* 64-bit encodings of the same instructions (32-bit operands). */
static const uint8_t loop64_store[] = {0x01, 0xc3, 0x31, 0xda, 0x67, 0x8d, 0x42, 0x01, 0xc1,
                                       0xc2, 0x03, 0x89, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00,
                                       0xff, 0xc6, 0xff, 0xc9, 0x75, 0xe8, 0xf4};
static const uint8_t loop64_nostore[] = {0x01, 0xc3, 0x31, 0xda, 0x67, 0x8d, 0x42,
                                         0x01, 0xc1, 0xc2, 0x03, 0x01, 0xd7, 0xff,
                                         0xc6, 0xff, 0xc9, 0x75, 0xed, 0xf4};

/* TLB misses: 768 loads on distinct 4 KiB pages after a CR3 reload:
 * 1: mov %cr3,%rax; mov %rax,%cr3; mov $0x100000,%edi; mov $768,%edx;
 * 2: mov (%rdi),%eax; add $4096,%rdi; dec %edx; jnz 2b; dec %ecx; jnz 1b; hlt */
static const uint8_t loop64_tlb[] = {0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8, 0xbf, 0x00, 0x00,
                                     0x10, 0x00, 0xba, 0x00, 0x03, 0x00, 0x00, 0x8b, 0x07,
                                     0x48, 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00, 0xff, 0xca,
                                     0x75, 0xf3, 0xff, 0xc9, 0x75, 0xdf, 0xf4};
/* Self-modifying code: patch the function at 0x3000, call it:
 * 1: mov %cl,0x3001; call 0x3000; dec %ecx; jnz 1b; hlt */
static const uint8_t loop64_smc[] = {0x88, 0x0c, 0x25, 0x01, 0x30, 0x00, 0x00, 0xe8, 0xf4,
                                     0x0f, 0x00, 0x00, 0xff, 0xc9, 0x75, 0xf0, 0xf4};
static const uint8_t smc_function[] = {0xb8, 0x00, 0x00, 0x00, 0x00, 0xc3}; /* mov $0,%eax; ret */

struct loop {
    const char *name;
    bool long_mode;
    const uint8_t *code;
    size_t len;
    uint32_t iterations;
    unsigned insns; /* per iteration */
    bool pages_4k;  /* 4 KiB page tables (else 2 MiB pages) */
    bool smc;       /* the patched function at 0x3000 */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Identity page tables for the 4 MiB at PT_BASE; their root. */
static uint64_t page_tables(uint8_t *ram, bool pages_4k)
{
    uint64_t *pml4 = (uint64_t *)(ram + PT_BASE), *pdpt = pml4 + 512, *pd = pml4 + 1024;
    uint64_t *pt = pml4 + 1536;

    memset(pml4, 0, 5 * 4096);
    pml4[0] = (PT_BASE + 0x1000) | 3;
    pdpt[0] = (PT_BASE + 0x2000) | 3;
    for (int i = 0; i < 2; i++) {
        if (!pages_4k) {
            pd[i] = (i * 0x200000ULL) | 0x83; /* 2 MiB pages */
            continue;
        }
        pd[i] = (PT_BASE + 0x3000 + i * 0x1000) | 3;
        for (int j = 0; j < 512; j++)
            pt[i * 512 + j] = (i * 0x200000ULL + j * 4096ULL) | 3;
    }
    return PT_BASE;
}

/* Seconds for one run of the loop on bare unicorn, or < 0. */
static double run_bare(const struct loop *l, uint8_t *ram)
{
    uc_engine *uc;
    uint64_t rcx = l->iterations;
    double t0, t;

    if (uc_open(UC_ARCH_X86, l->long_mode ? UC_MODE_64 : UC_MODE_32, &uc) != UC_ERR_OK)
        return -1;
    if (uc_mem_map_ptr(uc, 0, RAM_SIZE, UC_PROT_ALL, ram) != UC_ERR_OK) {
        uc_close(uc);
        return -1;
    }
    uint64_t rsp = STACK;
    uc_reg_write(uc, l->long_mode ? UC_X86_REG_RCX : UC_X86_REG_ECX, &rcx);
    uc_reg_write(uc, l->long_mode ? UC_X86_REG_RSP : UC_X86_REG_ESP, &rsp);
    if (l->pages_4k) { /* the engine's own paging, as a guest would turn it on */
        uint64_t cr4 = 0x20, cr3 = page_tables(ram, true), cr0 = 0x80000011;
        uc_reg_write(uc, UC_X86_REG_CR4, &cr4);
        uc_reg_write(uc, UC_X86_REG_CR3, &cr3);
        uc_reg_write(uc, UC_X86_REG_CR0, &cr0);
    }
    t0 = now();
    uc_err err = uc_emu_start(uc, CODE, 0, 0, 0);
    t = now() - t0;
    uc_close(uc);
    return err == UC_ERR_OK ? t : -1;
}

/* Seconds for one run of the loop through the emu backend, or < 0. */
static double run_emu(const struct loop *l, uint8_t *ram)
{
    const struct hval_ops *ops = hval_backend("emu");
    struct hval_ram r = {0, RAM_SIZE, ram};
    struct hval_vcpu_config cfg = {&r, 1, NULL, NULL};
    struct hval_vcpu *v;
    struct hval_state st;
    struct hval_exit e;
    double t0, t = -1;

    if (!ops || ops->vcpu_create(&cfg, &v) < 0)
        return -1;
    if (l->long_mode) {
        hval_state_long64(&st, CODE, page_tables(ram, l->pages_4k));
    } else {
        hval_state_flat32(&st, CODE);
    }
    st.gpr[HVAL_RCX] = l->iterations;
    st.gpr[HVAL_RSP] = STACK;
    if (ops->set_state(v, &st) == 0) {
        t0 = now();
        if (ops->run(v, 0, &e) == 0 && e.kind == HVAL_EXIT_HLT)
            t = now() - t0;
    }
    ops->vcpu_destroy(v);
    return t;
}

static double once(double (*run)(const struct loop *, uint8_t *), const struct loop *l,
                   uint8_t *ram)
{
    memset(ram, 0, RAM_SIZE);
    memcpy(ram + CODE, l->code, l->len);
    if (l->smc)
        memcpy(ram + 0x3000, smc_function, sizeof(smc_function));
    return run(l, ram);
}

/* Microseconds per hypercall exit and resume, and per state access. */
static int exit_costs(uint8_t *ram)
{
    static const uint8_t hypercall_loop[] = {0x0f, 0x01, 0xc1, 0xeb, 0xfb}; /* 1: vmcall; jmp 1b */
    const struct hval_ops *ops = hval_backend("emu");
    struct hval_ram r = {0, RAM_SIZE, ram};
    struct hval_vcpu_config cfg = {&r, 1, NULL, NULL, NULL};
    struct hval_vcpu *v;
    struct hval_state st;
    struct hval_regs regs;
    struct hval_exit e;
    const int n = 20000;
    double t0, t_exit, t_regs, t_get, t_set;

    memset(ram, 0, RAM_SIZE);
    memcpy(ram + CODE, hypercall_loop, sizeof(hypercall_loop));
    if (!ops || ops->vcpu_create(&cfg, &v) < 0)
        return -1;
    hval_state_long64(&st, CODE, page_tables(ram, false));
    st.gpr[HVAL_RSP] = STACK;
    if (ops->set_state(v, &st) < 0)
        goto fail;
    t0 = now();
    for (int i = 0; i < n; i++)
        if (ops->run(v, 0, &e) < 0 || e.kind != HVAL_EXIT_HYPERCALL)
            goto fail;
    t_exit = now() - t0;
    t0 = now();
    for (int i = 0; i < n; i++) {
        ops->get_regs(v, &regs);
        regs.gpr[HVAL_RAX] = i;
        ops->set_regs(v, &regs);
    }
    t_regs = now() - t0;
    t0 = now();
    for (int i = 0; i < n; i++)
        ops->get_state(v, &st);
    t_get = now() - t0;
    t0 = now();
    for (int i = 0; i < n; i++) {
        st.seg[HVAL_DS].selector = i & 1 ? 0x10 : 0x18; /* a mode load each time */
        ops->set_state(v, &st);
    }
    t_set = now() - t0;
    ops->vcpu_destroy(v);
    printf("emu exits: hypercall exit+resume %.2f us, get+set regs %.2f us, get_state %.2f us, "
           "set_state with segments %.2f us\n",
           t_exit / n * 1e6, t_regs / n * 1e6, t_get / n * 1e6, t_set / n * 1e6);
    return 0;
fail:
    ops->vcpu_destroy(v);
    return -1;
}

int main(void)
{
    static const struct loop loops[] = {
        {"32-bit store", false, loop32_store, sizeof(loop32_store), ITERATIONS, INSNS},
        {"32-bit no-store", false, loop32_nostore, sizeof(loop32_nostore), ITERATIONS, INSNS},
        {"64-bit store", true, loop64_store, sizeof(loop64_store), ITERATIONS, INSNS},
        {"64-bit no-store", true, loop64_nostore, sizeof(loop64_nostore), ITERATIONS, INSNS},
        /* The costs of the backend's own TLB fills and of its SMC tracking
         * (bare unicorn misses most of these patches: a speed reference). */
        {"64-bit TLB miss", true, loop64_tlb, sizeof(loop64_tlb), 2000, 5 + 4 * 768, true},
        {"64-bit SMC", true, loop64_smc, sizeof(loop64_smc), 20000, 6, true, true},
    };
    uint8_t *ram = aligned_alloc(4096, RAM_SIZE);
    int rc = EXIT_SUCCESS;

    if (!ram)
        return EXIT_FAILURE;
    printf("bench_emu: loops on the emu backend and on bare unicorn %s, best of %d\n",
           emu_engine_version(), REPEATS);
    printf("%-16s %14s %14s %16s %9s\n", "loop", "bare iter/s", "emu iter/s", "emu insn/s",
           "emu/bare");
    for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
        double tb = -1, te = -1;
        for (int r = 0; r < REPEATS; r++) {
            double b = once(run_bare, &loops[i], ram), e = once(run_emu, &loops[i], ram);
            if (b <= 0 || e <= 0) {
                tb = te = -1;
                break;
            }
            tb = tb < 0 || b < tb ? b : tb;
            te = te < 0 || e < te ? e : te;
        }
        if (tb <= 0 || te <= 0) {
            printf("%-16s failed to run\n", loops[i].name);
            rc = EXIT_FAILURE;
            continue;
        }
        double n = loops[i].iterations;
        printf("%-16s %14.0f %14.0f %16.0f %9.2f\n", loops[i].name, n / tb, n / te,
               loops[i].insns * (n / te), tb / te);
    }
    if (exit_costs(ram) < 0)
        rc = EXIT_FAILURE;
    free(ram);
    return rc;
}
