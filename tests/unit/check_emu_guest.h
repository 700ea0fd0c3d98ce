/*
 * check_emu_guest.h: a small guest for the emu backend's unit tests: 4 MiB
 * of RAM at guest-physical 0, 4 KiB page tables built in it, an exit
 * handler that records what it saw and answers from fields the test sets,
 * and helpers to place code and descriptor tables.  The code blobs are
 * machine code with their assembly beside them in the tests.
 */
#ifndef CHECK_EMU_GUEST_H
#define CHECK_EMU_GUEST_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hval.h"

#define TG_RAM_SIZE (4u << 20)
#define TG_IDT      0x1000u
#define TG_CODE     0x2000u
#define TG_TARGET   0x3000u
#define TG_GDT      0x4000u
#define TG_TSS      0x5000u
#define TG_HANDLERS 0x6000u
#define TG_STACK    0xf000u
#define TG_PT_FIRST 0x10000u
#define TG_MAX_LOG  64

/* Unicorn 2.1.1 keeps a few small allocations past uc_close (its MMIO
 * regions' descriptors): not ours to fix, so LeakSanitizer skips them. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
const char *__lsan_default_suppressions(void)
{
    return "leak:libunicorn.so\n";
}

struct tguest {
    const struct hval_ops *ops;
    struct hval_vcpu *v;
    uint8_t *ram;
    uint64_t pt_next, cr3;
    struct hval_exit log[TG_MAX_LOG];
    int nlog;
    unsigned nexits;    /* all of them, past the log's end too */
    uint32_t in_data;   /* answer to port reads */
    uint64_t mmio_data; /* answer to MMIO reads */
    uint64_t msr_data;  /* answer to rdmsr */
    enum hval_answer io_answer;
    bool kick_on_io; /* port I/O exits kick the vCPU they come from */
};

static inline enum hval_answer tg_handler(struct hval_vcpu *v, struct hval_exit *e, void *opaque)
{
    struct tguest *g = opaque;

    switch (e->kind) {
    case HVAL_EXIT_IO:
        if (!e->io.write)
            e->io.data = g->in_data;
        break;
    case HVAL_EXIT_MMIO:
        if (!e->mmio.write)
            e->mmio.data = g->mmio_data;
        break;
    case HVAL_EXIT_MSR:
        if (!e->msr.write)
            e->msr.value = g->msr_data;
        break;
    case HVAL_EXIT_CPUID:
        if (e->cpuid.leaf != 0x40000000) {
            if (g->nlog < TG_MAX_LOG)
                g->log[g->nlog++] = *e;
            return HVAL_DEFAULT;
        }
        e->cpuid.eax = 0x40000002;
        memcpy(&e->cpuid.ebx, "XenV", 4);
        memcpy(&e->cpuid.ecx, "MMXe", 4);
        memcpy(&e->cpuid.edx, "nVMM", 4);
        break;
    default:
        break;
    }
    g->nexits++;
    if (e->kind == HVAL_EXIT_IO && g->kick_on_io)
        g->ops->kick(v);
    if (g->nlog < TG_MAX_LOG)
        g->log[g->nlog++] = *e;
    return e->kind == HVAL_EXIT_IO ? g->io_answer : HVAL_HANDLED;
}

static inline struct tguest *tg_new(void)
{
    struct tguest *g = calloc(1, sizeof(*g));
    ck_assert_ptr_nonnull(g);
    g->ram = aligned_alloc(4096, TG_RAM_SIZE);
    ck_assert_ptr_nonnull(g->ram);
    memset(g->ram, 0, TG_RAM_SIZE);
    g->ops = hval_backend("emu");
    ck_assert_ptr_nonnull(g->ops);
    struct hval_ram r = {0, TG_RAM_SIZE, g->ram};
    struct hval_vcpu_config cfg = {&r, 1, tg_handler, g};
    ck_assert_int_eq(g->ops->vcpu_create(&cfg, &g->v), 0);
    g->pt_next = TG_PT_FIRST;
    return g;
}

static inline void tg_free(struct tguest *g)
{
    g->ops->vcpu_destroy(g->v);
    free(g->ram);
    free(g);
}

static inline void tg_put(struct tguest *g, uint64_t gpa, const void *p, size_t n)
{
    ck_assert_uint_le(gpa + n, TG_RAM_SIZE);
    memcpy(g->ram + gpa, p, n);
}

static inline uint64_t tg_alloc_table(struct tguest *g)
{
    uint64_t t = g->pt_next;
    g->pt_next += 4096;
    memset(g->ram + t, 0, 4096);
    return t;
}

/* Map the 4 KiB page at va to pa in the 4-level tables at g->cr3. */
static inline void tg_map(struct tguest *g, uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t table = g->cr3;
    for (int level = 3; level >= 1; level--) {
        uint64_t *e = (uint64_t *)(g->ram + table) + ((va >> (12 + 9 * level)) & 511);
        if (!(*e & 1))
            *e = tg_alloc_table(g) | 7;
        table = *e & 0x000ffffffffff000ULL;
    }
    ((uint64_t *)(g->ram + table))[(va >> 12) & 511] = pa | flags;
}

/* 64-bit tables mapping the first 4 MiB one to one. */
static inline void tg_paging64(struct tguest *g)
{
    g->cr3 = tg_alloc_table(g);
    for (uint64_t a = 0; a < TG_RAM_SIZE; a += 4096)
        tg_map(g, a, a, 3);
}

static inline void tg_start32(struct tguest *g, uint32_t eip)
{
    struct hval_state st;
    hval_state_flat32(&st, eip);
    st.gpr[HVAL_RSP] = TG_STACK;
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
}

static inline void tg_start64(struct tguest *g, uint64_t rip)
{
    struct hval_state st;
    if (!g->cr3)
        tg_paging64(g);
    hval_state_long64(&st, rip, g->cr3);
    st.gpr[HVAL_RSP] = TG_STACK;
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
}

static inline struct hval_exit tg_run(struct tguest *g)
{
    struct hval_exit e;
    ck_assert_int_eq(g->ops->run(g->v, 0, &e), 0);
    return e;
}

static inline struct hval_regs tg_regs(struct tguest *g)
{
    struct hval_regs r;
    ck_assert_int_eq(g->ops->get_regs(g->v, &r), 0);
    return r;
}

#endif /* CHECK_EMU_GUEST_H */
