/*
 * check_emu_vcpu.c: the CPU backend table on the emu backend, each part
 * with a guest of a few instructions: the two entry states, every exit
 * kind (port I/O, MMIO with its data, CPUID, MSRs, hypercalls in both modes,
 * HLT, exceptions with error code and CR2, triple fault, a vCPU stopped
 * from another thread or by its time slice), the whole state in and out,
 * and events delivered through a guest IDT.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

#include "check_emu_guest.h"

/* mov $5,%eax; .byte 0x48 (dec %eax; a REX prefix in 64-bit code);
 * out %al,$0x80; hlt */
static const uint8_t blob_e32[] = {0xb8, 0x05, 0x00, 0x00, 0x00, 0x48, 0xe6, 0x80, 0xf4};

/* movabs $0x100000000,%rax; shr $32,%rax; out %al,$0x80; hlt */
static const uint8_t blob_e64[] = {0x48, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                                   0x00, 0x48, 0xc1, 0xe8, 0x20, 0xe6, 0x80, 0xf4};

/* 32-bit: mov $0xab,%al; out %al,$0x80; mov $0x3f8,%dx; mov $0x1234,%ax;
 * out %ax,%dx; mov $0xdeadbeef,%eax; out %eax,%dx; in %dx,%eax;
 * mov %eax,0x500; in $0x71,%al; mov %al,0x504; hlt */
static const uint8_t blob_io32[] = {
    0xb0, 0xab, 0xe6, 0x80, 0x66, 0xba, 0xf8, 0x03, 0x66, 0xb8, 0x34, 0x12,
    0x66, 0xef, 0xb8, 0xef, 0xbe, 0xad, 0xde, 0xef, 0xed, 0xa3, 0x00, 0x05,
    0x00, 0x00, 0xe4, 0x71, 0xa2, 0x04, 0x05, 0x00, 0x00, 0xf4,
};

/* 64-bit: movl $0x11223344,0x600010; mov 0x600020,%eax; mov %eax,0x500;
 * movq $7,0x600ff8; hlt */
static const uint8_t blob_mmio64[] = {
    0xc7, 0x04, 0x25, 0x10, 0x00, 0x60, 0x00, 0x44, 0x33, 0x22, 0x11, 0x8b, 0x04,
    0x25, 0x20, 0x00, 0x60, 0x00, 0x89, 0x04, 0x25, 0x00, 0x05, 0x00, 0x00, 0x48,
    0xc7, 0x04, 0x25, 0xf8, 0x0f, 0x60, 0x00, 0x07, 0x00, 0x00, 0x00, 0xf4,
};

/* 32-bit: mov $0x40000000,%eax; cpuid; mov %ebx,0x500; mov %ecx,0x504;
 * mov %edx,0x508; xor %eax,%eax; cpuid; mov %ebx,0x510; hlt */
static const uint8_t blob_cpuid32[] = {
    0xb8, 0x00, 0x00, 0x00, 0x40, 0x0f, 0xa2, 0x89, 0x1d, 0x00, 0x05, 0x00,
    0x00, 0x89, 0x0d, 0x04, 0x05, 0x00, 0x00, 0x89, 0x15, 0x08, 0x05, 0x00,
    0x00, 0x31, 0xc0, 0x0f, 0xa2, 0x89, 0x1d, 0x10, 0x05, 0x00, 0x00, 0xf4,
};

/* Both modes: mov $17,%eax; vmcall; out %al,$0x80; vmmcall; hlt */
static const uint8_t blob_hypercall[] = {0xb8, 0x11, 0x00, 0x00, 0x00, 0x0f, 0x01,
                                         0xc1, 0xe6, 0x80, 0x0f, 0x01, 0xd9, 0xf4};

/* 64-bit: 2000 ud2; 2002 mov 0x7fff0000,%rax; 200a movb $1,0x3000;
 * 2012 int3; 2013 int $0x80; 2015 hlt */
static const uint8_t blob_exc64[] = {
    0x0f, 0x0b, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0xff, 0x7f, 0xc6,
    0x04, 0x25, 0x00, 0x30, 0x00, 0x00, 0x01, 0xcc, 0xcd, 0x80, 0xf4,
};

/* 64-bit: mov $0x40000000,%ecx; mov $0x1000,%eax; mov $2,%edx; wrmsr;
 * mov $0x40000001,%ecx; rdmsr; mov %eax,0x500; mov %edx,0x504;
 * mov $0xc0000082,%ecx; mov $0x5000,%eax; xor %edx,%edx; wrmsr (LSTAR); hlt */
static const uint8_t blob_msr64[] = {
    0xb9, 0x00, 0x00, 0x00, 0x40, 0xb8, 0x00, 0x10, 0x00, 0x00, 0xba, 0x02, 0x00, 0x00,
    0x00, 0x0f, 0x30, 0xb9, 0x01, 0x00, 0x00, 0x40, 0x0f, 0x32, 0x89, 0x04, 0x25, 0x00,
    0x05, 0x00, 0x00, 0x89, 0x14, 0x25, 0x04, 0x05, 0x00, 0x00, 0xb9, 0x82, 0x00, 0x00,
    0xc0, 0xb8, 0x00, 0x50, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x30, 0xf4,
};

static const uint8_t blob_loop[] = {0xeb, 0xfe};          /* 1: jmp 1b */
static const uint8_t blob_syscall[] = {0x0f, 0x05, 0xf4}; /* syscall; hlt */
static const uint8_t blob_hlt[] = {0xf4};                 /* hlt */

static void assert_io(const struct hval_exit *e, uint16_t port, int size, bool write, uint32_t data)
{
    ck_assert_int_eq(e->kind, HVAL_EXIT_IO);
    ck_assert_uint_eq(e->io.port, port);
    ck_assert_int_eq(e->io.size, size);
    ck_assert_int_eq(e->io.write, write);
    ck_assert_uint_eq(e->io.data, data);
}

static void set_rip(struct tguest *g, uint64_t rip)
{
    struct hval_regs r = tg_regs(g);
    r.rip = rip;
    ck_assert_int_eq(g->ops->set_regs(g->v, &r), 0);
}

/* ---- entry states ---- */

START_TEST(entry_flat32_runs_32bit_code)
{
    struct tguest *g = tg_new();
    struct hval_state st;

    tg_put(g, TG_CODE, blob_e32, sizeof(blob_e32));
    tg_start32(g, TG_CODE);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    ck_assert_uint_eq(st.cr0 & 0x80000001, 1);
    ck_assert_uint_eq(st.efer, 0);
    ck_assert(st.seg[HVAL_CS].attr & HVAL_SEG_DB);
    ck_assert(!(st.seg[HVAL_CS].attr & HVAL_SEG_L));
    ck_assert_uint_eq(st.seg[HVAL_CS].limit, 0xffffffff);

    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 1);
    assert_io(&g->log[0], 0x80, 1, true, 4); /* 0x48 was dec %eax */
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + sizeof(blob_e32));
    tg_free(g);
}
END_TEST

START_TEST(entry_long64_with_page_tables)
{
    struct tguest *g = tg_new();
    const uint64_t high = 0xffffffff80000000ULL;

    tg_paging64(g);
    tg_map(g, high, TG_CODE, 3);
    tg_put(g, TG_CODE, blob_e64, sizeof(blob_e64));
    tg_start64(g, high);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 1);
    assert_io(&g->log[0], 0x80, 1, true, 1);
    ck_assert_uint_eq(tg_regs(g).rip, high + sizeof(blob_e64));
    /* The walk set the accessed bit of the leaf entry. */
    uint64_t *pml4 = (uint64_t *)(g->ram + g->cr3);
    ck_assert(pml4[511] & 0x20);
    tg_free(g);
}
END_TEST

/* ---- exits ---- */

START_TEST(port_io_with_data)
{
    struct tguest *g = tg_new();
    uint32_t got;

    g->in_data = 0xcafef00d;
    tg_put(g, TG_CODE, blob_io32, sizeof(blob_io32));
    tg_start32(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 5);
    assert_io(&g->log[0], 0x80, 1, true, 0xab);
    assert_io(&g->log[1], 0x3f8, 2, true, 0x1234);
    assert_io(&g->log[2], 0x3f8, 4, true, 0xdeadbeef);
    assert_io(&g->log[3], 0x3f8, 4, false, 0xcafef00d);
    assert_io(&g->log[4], 0x71, 1, false, 0xcafef00d);
    memcpy(&got, g->ram + 0x500, 4);
    ck_assert_uint_eq(got, 0xcafef00d);
    ck_assert_uint_eq(g->ram[0x504], 0x0d);
    tg_free(g);
}
END_TEST

START_TEST(port_io_can_end_the_run)
{
    struct tguest *g = tg_new();

    g->io_answer = HVAL_STOP;
    tg_put(g, TG_CODE, blob_e32, sizeof(blob_e32));
    tg_start32(g, TG_CODE);
    struct hval_exit e = tg_run(g);
    assert_io(&e, 0x80, 1, true, 4);
    g->io_answer = HVAL_HANDLED;
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 1); /* the out ran once */
    tg_free(g);
}
END_TEST

START_TEST(mmio_outside_ram_exits_with_data)
{
    struct tguest *g = tg_new();
    uint32_t got;

    tg_paging64(g);
    tg_map(g, 0x600000, 0xfee00000, 3); /* a virtual page on the LAPIC's address */
    g->mmio_data = 0x55667788;
    tg_put(g, TG_CODE, blob_mmio64, sizeof(blob_mmio64));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 4);
    ck_assert_int_eq(g->log[0].kind, HVAL_EXIT_MMIO);
    ck_assert_uint_eq(g->log[0].mmio.gpa, 0xfee00010);
    ck_assert_int_eq(g->log[0].mmio.size, 4);
    ck_assert(g->log[0].mmio.write);
    ck_assert_uint_eq(g->log[0].mmio.data, 0x11223344);
    ck_assert_uint_eq(g->log[1].mmio.gpa, 0xfee00020);
    ck_assert(!g->log[1].mmio.write);
    ck_assert_int_eq(g->log[1].mmio.size, 4);
    /* The engine splits an 8-byte access in two 4-byte ones, low half first. */
    ck_assert_uint_eq(g->log[2].mmio.gpa, 0xfee00ff8);
    ck_assert_int_eq(g->log[2].mmio.size, 4);
    ck_assert_uint_eq(g->log[2].mmio.data, 7);
    ck_assert_uint_eq(g->log[3].mmio.gpa, 0xfee00ffc);
    ck_assert_uint_eq(g->log[3].mmio.data, 0);
    memcpy(&got, g->ram + 0x500, 4);
    ck_assert_uint_eq(got, 0x55667788);
    tg_free(g);
}
END_TEST

/* 32-bit: mov $0x10000000,%esi; mov $1100,%ecx; 1: mov (%esi),%eax;
 * add $4096,%esi; dec %ecx; jnz 1b; hlt */
static const uint8_t blob_mmio_scan[] = {0xbe, 0x00, 0x00, 0x00, 0x10, 0xb9, 0x4c, 0x04,
                                         0x00, 0x00, 0x8b, 0x06, 0x81, 0xc6, 0x00, 0x10,
                                         0x00, 0x00, 0x49, 0x75, 0xf5, 0xf4};

START_TEST(mmio_pages_touched_by_the_thousand)
{
    struct tguest *g = tg_new();

    tg_put(g, TG_CODE, blob_mmio_scan, sizeof(blob_mmio_scan));
    tg_start32(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(g->nexits, 1100);
    ck_assert_uint_eq(g->log[TG_MAX_LOG - 1].mmio.gpa, 0x10000000 + (TG_MAX_LOG - 1) * 4096);
    set_rip(g, TG_CODE); /* again, with the oldest pages gone */
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(g->nexits, 2200);
    tg_free(g);
}
END_TEST

START_TEST(cpuid_answered_by_the_hypervisor)
{
    struct tguest *g = tg_new();

    tg_put(g, TG_CODE, blob_cpuid32, sizeof(blob_cpuid32));
    tg_start32(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(memcmp(g->ram + 0x500, "XenVMMXenVMM", 12), 0);
    ck_assert_int_eq(g->nlog, 2);
    ck_assert_int_eq(g->log[0].kind, HVAL_EXIT_CPUID);
    ck_assert_uint_eq(g->log[0].cpuid.leaf, 0x40000000);
    ck_assert_uint_eq(g->log[1].cpuid.leaf, 0);
    ck_assert_uint_ne(*(uint32_t *)(g->ram + 0x510), 0); /* the CPU model's vendor */
    tg_free(g);
}
END_TEST

START_TEST(msr_access_answered_by_the_hypervisor)
{
    struct tguest *g = tg_new();
    struct hval_state st;
    uint32_t got[2];

    g->msr_data = 0x1122334455667788ULL;
    tg_put(g, TG_CODE, blob_msr64, sizeof(blob_msr64));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 2); /* LSTAR is the CPU's own */
    ck_assert_int_eq(g->log[0].kind, HVAL_EXIT_MSR);
    ck_assert_uint_eq(g->log[0].msr.index, 0x40000000);
    ck_assert(g->log[0].msr.write);
    ck_assert_uint_eq(g->log[0].msr.value, 0x200001000ULL);
    ck_assert_int_eq(g->log[1].kind, HVAL_EXIT_MSR);
    ck_assert_uint_eq(g->log[1].msr.index, 0x40000001);
    ck_assert(!g->log[1].msr.write);
    memcpy(got, g->ram + 0x500, 8);
    ck_assert_uint_eq(got[0], 0x55667788);
    ck_assert_uint_eq(got[1], 0x11223344);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    ck_assert_uint_eq(st.lstar, 0x5000);
    tg_free(g);
}
END_TEST

static void hypercalls(struct tguest *g)
{
    struct hval_exit e;
    struct hval_regs r;

    tg_put(g, TG_CODE, blob_hypercall, sizeof(blob_hypercall));
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HYPERCALL);
    ck_assert(!e.hypercall.vmmcall);
    ck_assert_int_eq(e.hypercall.insn_len, 3);
    r = tg_regs(g);
    ck_assert_uint_eq(r.rip, TG_CODE + 8);
    ck_assert_uint_eq(r.gpr[HVAL_RAX] & 0xffffffff, 17);
    r.gpr[HVAL_RAX] = 99; /* the hypercall's result */
    ck_assert_int_eq(g->ops->set_regs(g->v, &r), 0);
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HYPERCALL);
    ck_assert(e.hypercall.vmmcall);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + 13);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 1);
    assert_io(&g->log[0], 0x80, 1, true, 99);
}

START_TEST(hypercall_32bit)
{
    struct tguest *g = tg_new();
    tg_start32(g, TG_CODE);
    hypercalls(g);
    tg_free(g);
}
END_TEST

START_TEST(hypercall_64bit)
{
    struct tguest *g = tg_new();
    tg_start64(g, TG_CODE);
    hypercalls(g);
    tg_free(g);
}
END_TEST

/* mov $0x1230,%ax; mov %ax,%ds (past the GDT limit); hlt */
static const uint8_t blob_bad_seg32[] = {0x66, 0xb8, 0x30, 0x12, 0x8e, 0xd8, 0xf4};

START_TEST(bad_segment_load_is_gp_with_selector)
{
    struct tguest *g = tg_new();
    struct hval_exit e;

    tg_put(g, TG_CODE, blob_bad_seg32, sizeof(blob_bad_seg32));
    tg_start32(g, TG_CODE);
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
    ck_assert_uint_eq(e.exception.vector, 13);
    ck_assert(e.exception.has_error_code);
    ck_assert_uint_eq(e.exception.error_code, 0x1230);
    ck_assert(!e.exception.software);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + 4); /* on the mov to %ds */
    tg_free(g);
}
END_TEST

/* xor %ecx,%ecx; div %ecx (#DE), then the bad segment load: a #GP, not a
 * #DF (the engine must not think the #DE is still being delivered). */
static const uint8_t blob_div0[] = {0x31, 0xc9, 0xf7, 0xf1};

START_TEST(fault_after_fault_is_no_double_fault)
{
    struct tguest *g = tg_new();
    struct hval_exit e;

    tg_put(g, TG_CODE, blob_div0, sizeof(blob_div0));
    tg_put(g, TG_TARGET, blob_bad_seg32, sizeof(blob_bad_seg32));
    tg_start32(g, TG_CODE);
    for (int i = 0; i < 3; i++) {
        set_rip(g, TG_CODE);
        e = tg_run(g);
        ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
        ck_assert_uint_eq(e.exception.vector, 0);
        set_rip(g, TG_TARGET);
        e = tg_run(g);
        ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
        ck_assert_uint_eq(e.exception.vector, 13);
        ck_assert_uint_eq(e.exception.error_code, 0x1230);
    }
    tg_free(g);
}
END_TEST

START_TEST(exceptions_exit_with_vector_error_code_cr2)
{
    struct tguest *g = tg_new();
    struct hval_exit e;

    tg_paging64(g);
    tg_map(g, TG_TARGET, TG_TARGET, 1); /* read-only */
    tg_put(g, TG_CODE, blob_exc64, sizeof(blob_exc64));
    tg_start64(g, TG_CODE);

    e = tg_run(g); /* ud2 */
    ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
    ck_assert_int_eq(e.exception.vector, 6);
    ck_assert(!e.exception.software);
    ck_assert_uint_eq(tg_regs(g).rip, 0x2000);

    set_rip(g, 0x2002); /* a read of an unmapped address */
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
    ck_assert_int_eq(e.exception.vector, 14);
    ck_assert(e.exception.has_error_code);
    ck_assert_uint_eq(e.exception.error_code, 0);
    ck_assert_uint_eq(e.exception.cr2, 0x7fff0000);
    ck_assert_uint_eq(tg_regs(g).rip, 0x2002);

    set_rip(g, 0x200a); /* a write to a read-only page */
    e = tg_run(g);
    ck_assert_int_eq(e.exception.vector, 14);
    ck_assert_uint_eq(e.exception.error_code, 3);
    ck_assert_uint_eq(e.exception.cr2, 0x3000);
    ck_assert_uint_eq(tg_regs(g).rip, 0x200a);
    ck_assert_uint_eq(g->ram[0x3000], 0);

    set_rip(g, 0x2012); /* int3: a trap, rip after it */
    e = tg_run(g);
    ck_assert_int_eq(e.exception.vector, 3);
    ck_assert(e.exception.software);
    ck_assert_uint_eq(tg_regs(g).rip, 0x2013);

    e = tg_run(g); /* int $0x80 */
    ck_assert_int_eq(e.exception.vector, 0x80);
    ck_assert(e.exception.software);
    ck_assert_uint_eq(tg_regs(g).rip, 0x2015);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    tg_free(g);
}
END_TEST

/* ---- events through the guest's IDT ---- */

static void gdt_put(struct tguest *g, bool long_mode)
{
    uint64_t gdt[3] = {0, long_mode ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL,
                       0x00cf93000000ffffULL};
    tg_put(g, TG_GDT, gdt, sizeof(gdt));
}

static void gate64(struct tguest *g, unsigned vec, uint64_t off, uint8_t type_attr)
{
    uint8_t d[16] = {off,       off >> 8,  0x08,      0,         0,         type_attr,
                     off >> 16, off >> 24, off >> 32, off >> 40, off >> 48, off >> 56};
    tg_put(g, TG_IDT + vec * 16, d, 16);
}

static void gate32(struct tguest *g, unsigned vec, uint32_t off)
{
    uint8_t d[8] = {off, off >> 8, 0x08, 0, 0, 0x8e, off >> 16, off >> 24};
    tg_put(g, TG_IDT + vec * 8, d, 8);
}

static void start_with_idt(struct tguest *g, bool long_mode, uint64_t rflags)
{
    struct hval_state st;

    gdt_put(g, long_mode);
    if (long_mode) {
        tg_paging64(g);
        hval_state_long64(&st, TG_CODE, g->cr3);
    } else {
        hval_state_flat32(&st, TG_CODE);
    }
    st.gdtr = (struct hval_dtable){TG_GDT, 0x17};
    st.idtr = (struct hval_dtable){TG_IDT, long_mode ? 0xfff : 0x7ff};
    st.gpr[HVAL_RSP] = TG_STACK;
    st.rflags = rflags;
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
}

START_TEST(inject_exception_through_idt_64)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_EXCEPTION, 13, true, 0x1234, 0};
    uint64_t frame[6];

    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    tg_put(g, TG_HANDLERS, blob_hlt, 1);
    gate64(g, 13, TG_HANDLERS, 0x8e);
    start_with_idt(g, true, 0x202);
    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    struct hval_regs r = tg_regs(g);
    ck_assert_uint_eq(r.rip, TG_HANDLERS + 1);
    ck_assert_uint_eq(r.rflags & 0x200, 0); /* interrupt gate: IF off */
    ck_assert_uint_eq(r.gpr[HVAL_RSP], TG_STACK - 48);
    memcpy(frame, g->ram + TG_STACK - 48, sizeof(frame));
    ck_assert_uint_eq(frame[0], 0x1234);   /* error code */
    ck_assert_uint_eq(frame[1], TG_CODE);  /* rip */
    ck_assert_uint_eq(frame[2], 0x08);     /* cs */
    ck_assert_uint_eq(frame[3], 0x202);    /* rflags */
    ck_assert_uint_eq(frame[4], TG_STACK); /* rsp */
    ck_assert_uint_eq(frame[5], 0x10);     /* ss */
    tg_free(g);
}
END_TEST

START_TEST(inject_external_interrupt_honours_if)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_EXTINT, 0x30, false, 0, 0};

    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    tg_put(g, TG_HANDLERS, blob_hlt, 1);
    gate64(g, 0x30, TG_HANDLERS, 0x8e);
    start_with_idt(g, true, 0x2);
    ck_assert_int_eq(g->ops->inject(g->v, &ev), -EAGAIN);
    struct hval_regs r = tg_regs(g);
    r.rflags |= 0x200;
    ck_assert_int_eq(g->ops->set_regs(g->v, &r), 0);
    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    r = tg_regs(g);
    ck_assert_uint_eq(r.rip, TG_HANDLERS + 1);
    ck_assert_uint_eq(r.gpr[HVAL_RSP], TG_STACK - 40); /* no error code */
    tg_free(g);
}
END_TEST

/* The interrupt-window exit: with interrupts off and the window asked
 * for, the run ends right after sti (before the instruction after it),
 * IF set; a run that starts at the hlt of `sti; hlt` (the runner does not
 * deliver there) still halts: its first block is let run. */
START_TEST(irq_window_ends_the_run_after_sti)
{
    static const uint8_t code[] = {0x90, 0x90, 0xfb, 0x90, 0xeb, 0xfe}; /* nop nop sti nop jmp $ */
    static const uint8_t sti_hlt[] = {0xfb, 0xf4};                      /* sti; hlt */
    struct tguest *g = tg_new();
    struct hval_regs r;

    ck_assert_ptr_nonnull(g->ops->irq_window);
    tg_put(g, TG_CODE, code, sizeof(code));
    start_with_idt(g, true, 0x2);
    g->ops->irq_window(g->v, true);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_INTERRUPTED);
    r = tg_regs(g);
    ck_assert_uint_eq(r.rip, TG_CODE + 3);
    ck_assert(r.rflags & 0x200);
    tg_free(g);
    g = tg_new();
    tg_put(g, TG_CODE, sti_hlt, sizeof(sti_hlt));
    start_with_idt(g, true, 0x2);
    g->ops->irq_window(g->v, true);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_INTERRUPTED);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + 1); /* at the hlt, in sti's shadow */
    g->ops->irq_window(g->v, true);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT); /* a run from there halts first */
    g->ops->irq_window(g->v, false);
    tg_free(g);
}
END_TEST

START_TEST(inject_page_fault_through_idt_32)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_EXCEPTION, 14, true, 2, 0xdead000};
    struct hval_state st;
    uint32_t frame[4];

    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    tg_put(g, TG_HANDLERS, blob_hlt, 1);
    gate32(g, 14, TG_HANDLERS);
    start_with_idt(g, false, 0x2);
    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    ck_assert_uint_eq(st.cr2, 0xdead000);
    ck_assert_uint_eq(st.rip, TG_HANDLERS + 1);
    ck_assert_uint_eq(st.gpr[HVAL_RSP], TG_STACK - 16);
    memcpy(frame, g->ram + TG_STACK - 16, sizeof(frame));
    ck_assert_uint_eq(frame[0], 2);
    ck_assert_uint_eq(frame[1], TG_CODE);
    ck_assert_uint_eq(frame[2], 0x08);
    ck_assert_uint_eq(frame[3], 0x2);
    tg_free(g);
}
END_TEST

/* User mode: mov 0x7000,%eax (a supervisor page); int $0x80; hlt */
static const uint8_t blob_user[] = {0x8b, 0x04, 0x25, 0x00, 0x70, 0x00, 0x00, 0xcd, 0x80, 0xf4};

/* A 64-bit guest in user mode at TG_CODE, kernel GDT/TSS/IDT in place. */
static void start_user64(struct tguest *g)
{
    struct hval_state st;
    uint64_t gdt[5] = {0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL, 0x00affb000000ffffULL,
                       0x00cff3000000ffffULL};
    uint64_t rsp0 = TG_STACK;

    tg_put(g, TG_GDT, gdt, sizeof(gdt));
    tg_put(g, TG_TSS + 4, &rsp0, 8);
    tg_put(g, TG_CODE, blob_user, sizeof(blob_user));
    tg_put(g, TG_HANDLERS, blob_hlt, 1);
    tg_paging64(g);
    tg_map(g, TG_CODE, TG_CODE, 7);
    tg_map(g, 0xe000, 0xe000, 7); /* the user stack */
    hval_state_long64(&st, TG_CODE, g->cr3);
    st.seg[HVAL_CS] = (struct hval_segment){0, 0xffffffff, 0x1b, 0xafb};
    st.seg[HVAL_SS] = (struct hval_segment){0, 0xffffffff, 0x23, 0xcf3};
    st.gpr[HVAL_RSP] = 0xe800;
    st.gdtr = (struct hval_dtable){TG_GDT, 0x27};
    st.idtr = (struct hval_dtable){TG_IDT, 0xfff};
    st.tr.base = TG_TSS;
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
}

START_TEST(user_mode_fault_and_interrupt_to_kernel_stack)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_SOFTINT, 0x80, false, 0, 0};
    struct hval_state st;
    struct hval_exit e;
    uint64_t frame[5];

    gate64(g, 0x80, TG_HANDLERS, 0xee); /* DPL 3: int $0x80 allowed from user mode */
    start_user64(g);
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
    ck_assert_int_eq(e.exception.vector, 14);
    ck_assert_uint_eq(e.exception.error_code, 5); /* present, user */
    ck_assert_uint_eq(e.exception.cr2, 0x7000);
    set_rip(g, TG_CODE + 7);
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
    ck_assert_int_eq(e.exception.vector, 0x80);
    ck_assert(e.exception.software);

    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    ck_assert_uint_eq(st.seg[HVAL_CS].selector, 0x08);
    ck_assert_uint_eq(st.gpr[HVAL_RSP], TG_STACK - 40);
    memcpy(frame, g->ram + TG_STACK - 40, sizeof(frame));
    ck_assert_uint_eq(frame[0], TG_CODE + 9); /* past int $0x80 */
    ck_assert_uint_eq(frame[1], 0x1b);
    ck_assert_uint_eq(frame[3], 0xe800);
    ck_assert_uint_eq(frame[4], 0x23);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(tg_regs(g).rip, TG_HANDLERS + 1);
    tg_free(g);
}
END_TEST

START_TEST(int_n_above_its_gate_dpl_is_a_gp)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_SOFTINT, 0x80, false, 0, 0};
    uint64_t ec;

    gate64(g, 0x80, TG_HANDLERS, 0x8e); /* DPL 0 */
    gate64(g, 13, TG_HANDLERS, 0x8e);
    start_user64(g);
    set_rip(g, TG_CODE + 9); /* as if past int $0x80 */
    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(tg_regs(g).gpr[HVAL_RSP], TG_STACK - 48);
    memcpy(&ec, g->ram + TG_STACK - 48, 8);
    ck_assert_uint_eq(ec, 0x80 * 8 + 2); /* the IDT entry, not external */
    tg_free(g);
}
END_TEST

START_TEST(inject_interrupt_in_real_mode)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_EXTINT, 8, false, 0, 0};
    struct hval_state st;
    uint16_t ivt8[2] = {0x0001, 0x0300}; /* 0300:0001 = 0x3001 */
    uint16_t frame[3];

    tg_put(g, 8 * 4, ivt8, sizeof(ivt8));
    tg_put(g, 0x3001, blob_hlt, 1);
    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    hval_state_flat32(&st, 0);
    st.cr0 = 0x10; /* real mode */
    for (int s = 0; s < HVAL_NR_SEGS; s++)
        st.seg[s] = (struct hval_segment){0, 0xffff, 0, 0x93};
    st.seg[HVAL_CS] = (struct hval_segment){0x200, 0xffff, 0x20, 0x9b};
    st.rip = 0; /* 0020:0000 = TG_CODE */
    st.gpr[HVAL_RSP] = 0xf000;
    st.rflags = 0x202;
    st.idtr = (struct hval_dtable){0, 0x3ff};
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    ck_assert_uint_eq(st.seg[HVAL_CS].selector, 0x300);
    ck_assert_uint_eq(st.seg[HVAL_CS].base, 0x3000);
    ck_assert_uint_eq(st.rip, 2);
    ck_assert_uint_eq(st.rflags & 0x200, 0);
    memcpy(frame, g->ram + 0xf000 - 6, sizeof(frame));
    ck_assert_uint_eq(frame[0], 0);     /* ip */
    ck_assert_uint_eq(frame[1], 0x20);  /* cs */
    ck_assert_uint_eq(frame[2], 0x202); /* flags */
    tg_free(g);
}
END_TEST

START_TEST(undeliverable_fault_is_a_triple_fault)
{
    struct tguest *g = tg_new();
    struct hval_event ev = {HVAL_EVENT_EXCEPTION, 13, true, 0, 0};
    struct hval_state st;

    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    st.idtr.limit = 0; /* no gates at all */
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
    ck_assert_int_eq(g->ops->inject(g->v, &ev), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_TRIPLE_FAULT);
    tg_free(g);
}
END_TEST

/* ---- state ---- */

START_TEST(state_round_trip)
{
    struct tguest *g = tg_new();
    struct hval_state st, got;

    tg_paging64(g);
    hval_state_long64(&st, 0xffffffff80001234ULL, g->cr3);
    for (int i = 0; i < HVAL_NR_GPRS; i++)
        st.gpr[i] = 0x1111111111111111ULL * (i + 1) + i;
    st.rflags = 0x247;
    st.seg[HVAL_DS] = (struct hval_segment){0, 0, 0, 0}; /* null, as 64-bit kernels have */
    st.seg[HVAL_FS] = (struct hval_segment){0x7f0000001000ULL, 0xffffffff, 0x2b, 0xcf3};
    st.seg[HVAL_GS].base = 0xffff888000000000ULL;
    st.gdtr = (struct hval_dtable){0xffffffff81000000ULL, 0x7f};
    st.idtr = (struct hval_dtable){0xffffffff81001000ULL, 0xfff};
    st.tr = (struct hval_segment){0xffffffff81002000ULL, 0x67, 0x40, 0x8b};
    st.ldtr = (struct hval_segment){0x5000, 0xff, 0x50, 0x82};
    st.cr2 = 0xabcdef;
    st.cr4 |= 0x80; /* PGE */
    st.cr8 = 5;
    st.star = 0x0023001000000000ULL;
    st.lstar = 0xffffffff81800000ULL;
    st.cstar = 0xffffffff81800100ULL;
    st.sfmask = 0x47700;
    st.kernel_gs_base = 0x7f0000002000ULL;
    st.sysenter_cs = 0x10;
    st.sysenter_esp = 0xffffffff81803000ULL;
    st.sysenter_eip = 0xffffffff81804000ULL;
    st.pat = 0x0007040600070406ULL;
    st.fpu.fcw = 0x27f;
    st.fpu.mxcsr = 0x1fa0;
    for (int i = 0; i < 16; i++)
        memset(st.fpu.xmm[i], 0x10 + i, 16);
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
    ck_assert_int_eq(g->ops->get_state(g->v, &got), 0);

    ck_assert_int_eq(memcmp(got.gpr, st.gpr, sizeof(st.gpr)), 0);
    ck_assert_uint_eq(got.rip, st.rip);
    ck_assert_uint_eq(got.rflags, st.rflags);
    for (int s = 0; s < HVAL_NR_SEGS; s++) {
        ck_assert_uint_eq(got.seg[s].selector, st.seg[s].selector);
        ck_assert_uint_eq(got.seg[s].base, st.seg[s].base);
        ck_assert_uint_eq(got.seg[s].limit, st.seg[s].limit);
        ck_assert_uint_eq(got.seg[s].attr, st.seg[s].attr);
    }
    ck_assert_int_eq(memcmp(&got.tr, &st.tr, sizeof(st.tr)), 0);
    ck_assert_int_eq(memcmp(&got.ldtr, &st.ldtr, sizeof(st.ldtr)), 0);
    ck_assert_uint_eq(got.gdtr.base, st.gdtr.base);
    ck_assert_uint_eq(got.gdtr.limit, st.gdtr.limit);
    ck_assert_uint_eq(got.idtr.base, st.idtr.base);
    ck_assert_uint_eq(got.idtr.limit, st.idtr.limit);
    ck_assert_uint_eq(got.cr0, st.cr0);
    ck_assert_uint_eq(got.cr2, st.cr2);
    ck_assert_uint_eq(got.cr3, st.cr3);
    ck_assert_uint_eq(got.cr4, st.cr4);
    ck_assert_uint_eq(got.cr8, st.cr8);
    ck_assert_uint_eq(got.efer, st.efer);
    ck_assert_uint_eq(got.star, st.star);
    ck_assert_uint_eq(got.lstar, st.lstar);
    ck_assert_uint_eq(got.cstar, st.cstar);
    ck_assert_uint_eq(got.sfmask, st.sfmask);
    ck_assert_uint_eq(got.kernel_gs_base, st.kernel_gs_base);
    ck_assert_uint_eq(got.sysenter_cs, st.sysenter_cs);
    ck_assert_uint_eq(got.sysenter_esp, st.sysenter_esp);
    ck_assert_uint_eq(got.sysenter_eip, st.sysenter_eip);
    ck_assert_uint_eq(got.pat, st.pat);
    ck_assert_uint_eq(got.fpu.fcw, st.fpu.fcw);
    ck_assert_uint_eq(got.fpu.mxcsr, st.fpu.mxcsr);
    ck_assert_int_eq(memcmp(got.fpu.xmm, st.fpu.xmm, sizeof(st.fpu.xmm)), 0);
    tg_free(g);
}
END_TEST

START_TEST(state_round_trip_32bit_segments)
{
    struct tguest *g = tg_new();
    struct hval_state st, got;

    hval_state_flat32(&st, 0x1000);
    st.seg[HVAL_DS] = (struct hval_segment){0x100000, 0xfffff, 0x18, 0x93};
    st.seg[HVAL_ES] = (struct hval_segment){0x2000, 0xffff, 0x20, 0x493};
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
    ck_assert_int_eq(g->ops->get_state(g->v, &got), 0);
    for (int s = 0; s < HVAL_NR_SEGS; s++)
        ck_assert_int_eq(memcmp(&got.seg[s], &st.seg[s], sizeof(st.seg[s])), 0);
    /* The DS base applies to data accesses: mov %eax,0x500 lands at 0x100500. */
    static const uint8_t code[] = {0xb8, 0x78, 0x56, 0x34, 0x12, 0xa3, 0x00, 0x05, 0, 0, 0xf4};
    tg_put(g, 0x1000, code, sizeof(code));
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(*(uint32_t *)(g->ram + 0x100500), 0x12345678);
    tg_free(g);
}
END_TEST

START_TEST(syscall_enters_lstar)
{
    struct tguest *g = tg_new();
    struct hval_state st;

    tg_put(g, TG_CODE, blob_syscall, sizeof(blob_syscall));
    tg_put(g, TG_HANDLERS, blob_hlt, 1);
    tg_paging64(g);
    hval_state_long64(&st, TG_CODE, g->cr3);
    st.gpr[HVAL_RSP] = TG_STACK;
    st.star = 0x0023000800000000ULL;
    st.lstar = TG_HANDLERS;
    st.sfmask = 0x200;
    st.rflags = 0x202;
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->ops->get_state(g->v, &st), 0);
    ck_assert_uint_eq(st.rip, TG_HANDLERS + 1);
    ck_assert_uint_eq(st.gpr[HVAL_RCX], TG_CODE + 2);
    ck_assert_uint_eq(st.gpr[HVAL_R11], 0x202);
    ck_assert_uint_eq(st.rflags & 0x200, 0);
    ck_assert_uint_eq(st.seg[HVAL_CS].selector, 0x08);
    ck_assert_uint_eq(st.seg[HVAL_SS].selector, 0x10);
    tg_free(g);
}
END_TEST

/* PV: tables hold machine frames (here gfn + 0x1000); SYSCALL exits. */
static uint64_t pv_m2g(void *ctx, uint64_t mfn)
{
    return mfn >= 0x1000 && mfn < 0x1000 + TG_RAM_SIZE / 4096 ? mfn - 0x1000 : ~0ULL;
}

START_TEST(pv_machine_frames_and_syscall_exits)
{
    /* mov 0x3000,%rax; syscall; mov 0x4000,%rbx; hlt */
    static const uint8_t code[] = {0x48, 0x8b, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00, 0x0f, 0x05,
                                   0x48, 0x8b, 0x1c, 0x25, 0x00, 0x40, 0x00, 0x00, 0xf4};
    struct tguest *g = tg_new();
    struct hval_state st;
    struct hval_exit e;
    uint64_t *t = (uint64_t *)(g->ram + TG_PT_FIRST), val = 0x1122334455667788ULL;

    g->ops->vcpu_destroy(g->v);
    struct hval_ram r = {0, TG_RAM_SIZE, g->ram};
    struct hval_vcpu_config cfg = {&r, 1, tg_handler, g};
    cfg.machine_to_gfn = pv_m2g;
    cfg.syscall_exits = true;
    ck_assert_int_eq(g->ops->vcpu_create(&cfg, &g->v), 0);
    /* L4, L3, L2, L1 at gfn 0x10..0x13, entries naming machine frames. */
    memset(t, 0, 4 * 4096);
    t[0] = ((0x11 + 0x1000ULL) << 12) | 7;
    t[512] = ((0x12 + 0x1000ULL) << 12) | 7;
    t[1024] = ((0x13 + 0x1000ULL) << 12) | 7;
    t[1536 + 2] = ((0x2 + 0x1000ULL) << 12) | 3; /* code */
    t[1536 + 3] = ((0x5 + 0x1000ULL) << 12) | 3; /* data, at gfn 5 */
    t[1536 + 4] = (0x50ULL << 12) | 3;           /* a frame not the guest's */
    tg_put(g, TG_CODE, code, sizeof(code));
    tg_put(g, 0x5000, &val, 8);
    hval_state_long64(&st, TG_CODE, (0x10 + 0x1000ULL) << 12);
    ck_assert_int_eq(g->ops->set_state(g->v, &st), 0);
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HYPERCALL);
    ck_assert(e.hypercall.syscall);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + 10);
    ck_assert_uint_eq(tg_regs(g).gpr[HVAL_RAX], val);
    e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_EXCEPTION);
    ck_assert_uint_eq(e.exception.vector, 14);
    ck_assert_uint_eq(e.exception.cr2, 0x4000);
    ck_assert_uint_eq(e.exception.error_code & 1, 0); /* not present */
    tg_free(g);
}
END_TEST

/* ---- stopping a running vCPU ---- */

struct kicker {
    struct tguest *g;
    atomic_int done;
};

static void *kick_until_done(void *arg)
{
    struct kicker *k = arg;
    struct timespec ts = {0, 10 * 1000 * 1000};

    while (!atomic_load(&k->done)) {
        nanosleep(&ts, NULL);
        k->g->ops->kick(k->g->v);
    }
    return NULL;
}

START_TEST(kick_from_another_thread)
{
    struct tguest *g = tg_new();
    struct kicker k = {g, 0};
    pthread_t t;

    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(pthread_create(&t, NULL, kick_until_done, &k), 0);
    struct hval_exit e = tg_run(g);
    atomic_store(&k.done, 1);
    pthread_join(t, NULL);
    ck_assert_int_eq(e.kind, HVAL_EXIT_INTERRUPTED);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE);
    tg_free(g);
}
END_TEST

/*
 * A loop of several chained blocks with side effects in memory and in
 * registers: a counter read, incremented and stored, an odd-iteration
 * count in its own block.  Any instruction run twice shows in the totals.
 *     mov $N,%ecx; xor %esi,%esi
 * 1:  mov 0x3000,%eax; inc %eax; mov %eax,0x3000; test $1,%ecx; jz 2f
 *     inc %esi
 * 2:  dec %ecx; jnz 1b; hlt
 */
#define KICK_LOOPS 12000000u
static const uint8_t blob_count_loop[] = {0xb9,
                                          KICK_LOOPS & 0xff,
                                          (KICK_LOOPS >> 8) & 0xff,
                                          (KICK_LOOPS >> 16) & 0xff,
                                          0x00,
                                          0x31,
                                          0xf6,
                                          0xa1,
                                          0x00,
                                          0x30,
                                          0x00,
                                          0x00,
                                          0x40,
                                          0xa3,
                                          0x00,
                                          0x30,
                                          0x00,
                                          0x00,
                                          0xf7,
                                          0xc1,
                                          0x01,
                                          0x00,
                                          0x00,
                                          0x00,
                                          0x74,
                                          0x01,
                                          0x46,
                                          0x49,
                                          0x75,
                                          0xe9,
                                          0xf4};

struct busy_kicker {
    struct tguest *g;
    atomic_int done;
    unsigned kicks;
};

static void *kick_hard(void *arg)
{
    struct busy_kicker *k = arg;
    struct timespec ts = {0, 10 * 1000};

    while (!atomic_load(&k->done)) {
        k->g->ops->kick(k->g->v);
        k->kicks++;
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/*
 * Run g to its first exit that is not a kick's, with another thread
 * kicking it every ~10 us meanwhile; *interrupted counts the kicked runs.
 */
static struct hval_exit run_kicked(struct tguest *g, unsigned *interrupted)
{
    struct busy_kicker k = {g, 0, 0};
    struct hval_exit e;
    pthread_t t;

    *interrupted = 0;
    ck_assert_int_eq(pthread_create(&t, NULL, kick_hard, &k), 0);
    while ((e = tg_run(g)).kind == HVAL_EXIT_INTERRUPTED)
        (*interrupted)++;
    atomic_store(&k.done, 1);
    pthread_join(t, NULL);
    return e;
}

/*
 * The bytes of a wrmsr somewhere in the code page, never run: the backend
 * gives such a site a code hook (emu_msr.c), and with any code hook the
 * engine no longer resets rip to a block's start when it stops, so a stop
 * is exact only if the backend sets rip itself (emu_hook_block).
 */
static void put_msr_site(struct tguest *g)
{
    static const uint8_t wrmsr[] = {0x0f, 0x30};

    tg_put(g, TG_CODE + 0x800, wrmsr, sizeof(wrmsr));
}

static void kicked_count_loop(bool msr_site)
{
    struct tguest *g = tg_new();
    unsigned interrupted;
    uint32_t counter;
    struct hval_exit e;

    tg_put(g, TG_CODE, blob_count_loop, sizeof(blob_count_loop));
    if (msr_site)
        put_msr_site(g);
    tg_start32(g, TG_CODE);
    e = run_kicked(g, &interrupted);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HLT);
    memcpy(&counter, g->ram + TG_TARGET, sizeof(counter));
    ck_assert_uint_eq(counter, KICK_LOOPS);
    ck_assert_uint_eq(tg_regs(g).gpr[HVAL_RSI], KICK_LOOPS / 2);
    ck_assert_uint_eq(tg_regs(g).gpr[HVAL_RCX], 0);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + sizeof(blob_count_loop));
    ck_assert_uint_gt(interrupted, 0);
    tg_free(g);
}

START_TEST(kicks_at_any_instant_never_repeat_an_instruction)
{
    kicked_count_loop(false);
    kicked_count_loop(true);
}
END_TEST

/* The same through call and ret (blocks left by an indirect jump):
 *     mov $N,%ecx
 * 1:  call 2f; dec %ecx; jnz 1b; hlt
 * 2:  incl 0x3000; ret */
static const uint8_t blob_call_loop[] = {0xb9,
                                         KICK_LOOPS & 0xff,
                                         (KICK_LOOPS >> 8) & 0xff,
                                         (KICK_LOOPS >> 16) & 0xff,
                                         0x00,
                                         0xe8,
                                         0x04,
                                         0x00,
                                         0x00,
                                         0x00,
                                         0x49,
                                         0x75,
                                         0xf8,
                                         0xf4,
                                         0xff,
                                         0x05,
                                         0x00,
                                         0x30,
                                         0x00,
                                         0x00,
                                         0xc3};

/* Its 64-bit form, under paging: dec %ecx is ff c9, incl takes a SIB. */
static const uint8_t blob_call_loop64[] = {0xb9,
                                           KICK_LOOPS & 0xff,
                                           (KICK_LOOPS >> 8) & 0xff,
                                           (KICK_LOOPS >> 16) & 0xff,
                                           0x00,
                                           0xe8,
                                           0x05,
                                           0x00,
                                           0x00,
                                           0x00,
                                           0xff,
                                           0xc9,
                                           0x75,
                                           0xf7,
                                           0xf4,
                                           0xff,
                                           0x04,
                                           0x25,
                                           0x00,
                                           0x30,
                                           0x00,
                                           0x00,
                                           0xc3};

static void kicked_call_loop(bool long64, bool msr_site)
{
    struct tguest *g = tg_new();
    unsigned interrupted;
    uint32_t counter;
    struct hval_exit e;

    if (long64) {
        tg_put(g, TG_CODE, blob_call_loop64, sizeof(blob_call_loop64));
        tg_start64(g, TG_CODE);
    } else {
        tg_put(g, TG_CODE, blob_call_loop, sizeof(blob_call_loop));
        tg_start32(g, TG_CODE);
    }
    if (msr_site)
        put_msr_site(g);
    e = run_kicked(g, &interrupted);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HLT);
    memcpy(&counter, g->ram + TG_TARGET, sizeof(counter));
    ck_assert_uint_eq(counter, KICK_LOOPS);
    ck_assert_uint_eq(tg_regs(g).gpr[HVAL_RSP], TG_STACK);
    tg_free(g);
}

START_TEST(kicks_during_calls_never_repeat_an_instruction)
{
    kicked_call_loop(false, false);
    kicked_call_loop(true, false);
    kicked_call_loop(false, true);
    kicked_call_loop(true, true);
}
END_TEST

/*
 * Kicks while the loop's wrmsr exits to the hypervisor each time (its code
 * hook moves rip past the instruction): every write is seen once.
 *     mov $N,%ebx
 * 1:  mov $0x40000000,%ecx; mov %ebx,%eax; xor %edx,%edx; wrmsr
 *     incl 0x3000; dec %ebx; jnz 1b; hlt
 */
#define MSR_LOOPS 200000u
START_TEST(kicks_during_msr_exits_never_repeat_an_instruction)
{
    static const uint8_t blob[] = {0xbb,
                                   MSR_LOOPS & 0xff,
                                   (MSR_LOOPS >> 8) & 0xff,
                                   (MSR_LOOPS >> 16) & 0xff,
                                   0x00,
                                   0xb9,
                                   0x00,
                                   0x00,
                                   0x00,
                                   0x40,
                                   0x89,
                                   0xd8,
                                   0x31,
                                   0xd2,
                                   0x0f,
                                   0x30,
                                   0xff,
                                   0x05,
                                   0x00,
                                   0x30,
                                   0x00,
                                   0x00,
                                   0x4b,
                                   0x75,
                                   0xec,
                                   0xf4};
    struct tguest *g = tg_new();
    unsigned interrupted;
    uint32_t counter;
    struct hval_exit e;

    tg_put(g, TG_CODE, blob, sizeof(blob));
    tg_start32(g, TG_CODE);
    e = run_kicked(g, &interrupted);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HLT);
    memcpy(&counter, g->ram + TG_TARGET, sizeof(counter));
    ck_assert_uint_eq(counter, MSR_LOOPS);
    ck_assert_uint_eq(g->nexits, MSR_LOOPS);
    ck_assert_int_eq(g->log[0].kind, HVAL_EXIT_MSR);
    ck_assert_uint_eq(g->log[0].msr.index, 0x40000000);
    ck_assert_uint_eq(g->log[0].msr.value, MSR_LOOPS);
    ck_assert_uint_eq(g->log[TG_MAX_LOG - 1].msr.value, MSR_LOOPS - TG_MAX_LOG + 1);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + sizeof(blob));
    tg_free(g);
}
END_TEST

/*
 * A kick that arrives while the guest halts keeps the hlt: the port write
 * kicks the vCPU from its own exit handler, after the block holding the
 * out and the hlt has started, so the run ends at the hlt with a kick
 * pending.  The hlt is reported (it was once reported as "interrupted",
 * and the next run went on past it); the pending kick ends the next run.
 *     out %al,$0x80; hlt; out %al,$0x81; hlt
 */
START_TEST(kick_as_the_guest_halts_keeps_the_hlt)
{
    static const uint8_t blob[] = {0xe6, 0x80, 0xf4, 0xe6, 0x81, 0xf4};
    struct tguest *g = tg_new();

    tg_put(g, TG_CODE, blob, sizeof(blob));
    tg_start32(g, TG_CODE);
    g->kick_on_io = true;
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + 3);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_INTERRUPTED);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + 3);
    g->kick_on_io = false;
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_uint_eq(tg_regs(g).rip, TG_CODE + sizeof(blob));
    ck_assert_int_eq(g->nlog, 2);
    assert_io(&g->log[1], 0x81, 1, true, 0);
    tg_free(g);
}
END_TEST

START_TEST(time_slice_ends_the_run)
{
    struct tguest *g = tg_new();
    struct hval_exit e;

    tg_put(g, TG_CODE, blob_loop, sizeof(blob_loop));
    tg_start32(g, TG_CODE);
    ck_assert_int_eq(g->ops->run(g->v, 20000, &e), 0);
    ck_assert_int_eq(e.kind, HVAL_EXIT_INTERRUPTED);
    tg_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("emu_vcpu");
    TCase *tc = tcase_create("entry");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, entry_flat32_runs_32bit_code);
    tcase_add_test(tc, entry_long64_with_page_tables);
    suite_add_tcase(s, tc);

    tc = tcase_create("exits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, port_io_with_data);
    tcase_add_test(tc, port_io_can_end_the_run);
    tcase_add_test(tc, mmio_outside_ram_exits_with_data);
    tcase_add_test(tc, mmio_pages_touched_by_the_thousand);
    tcase_add_test(tc, cpuid_answered_by_the_hypervisor);
    tcase_add_test(tc, msr_access_answered_by_the_hypervisor);
    tcase_add_test(tc, hypercall_32bit);
    tcase_add_test(tc, hypercall_64bit);
    tcase_add_test(tc, exceptions_exit_with_vector_error_code_cr2);
    tcase_add_test(tc, bad_segment_load_is_gp_with_selector);
    tcase_add_test(tc, fault_after_fault_is_no_double_fault);
    tcase_add_test(tc, kick_from_another_thread);
    tcase_add_test(tc, time_slice_ends_the_run);
    suite_add_tcase(s, tc);

    /* Kick storms: a kick every ~10 us during loops of chained blocks,
     * with and without a code hook in the engine; any instruction run
     * twice or skipped shows in the totals. */
    tc = tcase_create("kick_storm");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, kicks_at_any_instant_never_repeat_an_instruction);
    tcase_add_test(tc, kicks_during_calls_never_repeat_an_instruction);
    tcase_add_test(tc, kicks_during_msr_exits_never_repeat_an_instruction);
    tcase_add_test(tc, kick_as_the_guest_halts_keeps_the_hlt);
    suite_add_tcase(s, tc);

    tc = tcase_create("events");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, inject_exception_through_idt_64);
    tcase_add_test(tc, inject_external_interrupt_honours_if);
    tcase_add_test(tc, irq_window_ends_the_run_after_sti);
    tcase_add_test(tc, inject_page_fault_through_idt_32);
    tcase_add_test(tc, user_mode_fault_and_interrupt_to_kernel_stack);
    tcase_add_test(tc, int_n_above_its_gate_dpl_is_a_gp);
    tcase_add_test(tc, inject_interrupt_in_real_mode);
    tcase_add_test(tc, undeliverable_fault_is_a_triple_fault);
    tcase_add_test(tc, syscall_enters_lstar);
    tcase_add_test(tc, pv_machine_frames_and_syscall_exits);
    suite_add_tcase(s, tc);

    tc = tcase_create("state");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, state_round_trip);
    tcase_add_test(tc, state_round_trip_32bit_segments);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
