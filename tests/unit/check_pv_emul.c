/*
 * check_pv_emul.c: what xenhv emulates for a 64-bit PV kernel running in
 * ring 3 (hypervisor/arch/x86/pv/pv_emul.c, pv_ptwr.c), on instruction
 * bytes given here: rdmsr/wrmsr of the MSRs Xen gives PV guests (others
 * #GP), port I/O under the virtual IOPL (an unprivileged domain's ports
 * read all ones), control registers, cli/sti leaving the event mask, the
 * forced-emulation prefix before cpuid, Xen's PV CPUID policy, and
 * writable page tables: an xchg/cmpxchg/mov into a real, pinned L1 table
 * of a domain validated as mmu_update would, a hostile entry refused with
 * the table unchanged.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "public/xen.h"
#include "pv_domain.h"
#include "pv_emul.h"
#include "pv_frames.h"
#include "pv_mm.h"

#define DOM       0x7003
#define RAM_PAGES 32

static uint8_t code[16];
static struct hval_state st;
static struct pv_vcpu pv;
static struct vcpu_info vi;

static int read_code(void *opaque, uint64_t la, void *buf, size_t len)
{
    (void)opaque;
    (void)la;
    if (len > sizeof(code))
        return -EFAULT;
    memcpy(buf, code, len);
    return 0;
}

static struct pv_emul_env env = {DOM, &st, &pv, &vi, read_code, NULL};

static void set_code(const void *bytes, size_t n)
{
    memset(code, 0x90, sizeof(code));
    memcpy(code, bytes, n);
}

static void reset(void)
{
    memset(&st, 0, sizeof(st));
    memset(&pv, 0, sizeof(pv));
    memset(&vi, 0, sizeof(vi));
    st.rip = 0x1000;
    st.cr0 = 0x80050033;
    st.efer = 0xd01;
    pv.kernel_mode = true;
    pv.cr4 = pv_guest_cr4(0);
}

START_TEST(msrs)
{
    static const uint8_t wrmsr[] = {0x0f, 0x30}, rdmsr[] = {0x0f, 0x32};

    reset();
    set_code(wrmsr, sizeof(wrmsr));
    st.gpr[HVAL_RCX] = 0xc0000101; /* GS_BASE, as Linux's startup_xen */
    st.gpr[HVAL_RDX] = 0xffffffff;
    st.gpr[HVAL_RAX] = 0x83044000;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.seg[HVAL_GS].base, 0xffffffff83044000ULL);
    ck_assert_uint_eq(pv.gs_base_kernel, 0xffffffff83044000ULL);
    ck_assert_uint_eq(st.rip, 0x1002);
    st.gpr[HVAL_RDX] = 0x12345678; /* not canonical */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_GP);
    ck_assert_uint_eq(st.rip, 0x1002);
    st.gpr[HVAL_RCX] = 0x277; /* PAT: only Xen's own */
    st.gpr[HVAL_RDX] = 0;
    st.gpr[HVAL_RAX] = 0x06;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_GP);

    set_code(rdmsr, sizeof(rdmsr));
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq((st.gpr[HVAL_RDX] << 32) | st.gpr[HVAL_RAX], PV_GUEST_PAT);
    st.gpr[HVAL_RCX] = 0x179; /* MCG_CAP: Xen's vMCE, two banks */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX] & 0xff, 2);
    st.gpr[HVAL_RCX] = 0x17a;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], 0);
    st.gpr[HVAL_RCX] = 0x1a0; /* anything else: #GP, as Xen 4.17 */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_GP);
    st.gpr[HVAL_RCX] = 0xc0000080;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], 0xd01);
    /* From user mode the CPU's #GP stands. */
    pv.kernel_mode = false;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_NONE);
}
END_TEST

START_TEST(port_io)
{
    static const uint8_t in_dx[] = {0xec}, in_imm32[] = {0xe5, 0x71}, out_dx[] = {0x66, 0xef};

    reset();
    set_code(in_dx, sizeof(in_dx));
    st.gpr[HVAL_RAX] = 0x1234;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_NONE); /* IOPL 0: #GP */
    pv.iopl = 1;                                         /* PHYSDEVOP_set_iopl, as Linux */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], 0x12ff);
    ck_assert_uint_eq(st.rip, 0x1001);
    set_code(in_imm32, sizeof(in_imm32));
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], 0xffffffff);
    ck_assert_uint_eq(st.rip, 0x1003);
    set_code(out_dx, sizeof(out_dx));
    st.gpr[HVAL_RAX] = 0x55;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], 0x55);
    ck_assert_uint_eq(st.rip, 0x1005);
    pv.kernel_mode = false; /* user mode needs IOPL 3 */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_NONE);
}
END_TEST

START_TEST(control_registers)
{
    static const uint8_t rd_cr4[] = {0x0f, 0x20, 0xe0}, wr_cr4[] = {0x0f, 0x22, 0xe0},
                         wr_cr0[] = {0x0f, 0x22, 0xc0}, rd_cr3[] = {0x0f, 0x20, 0xd9},
                         cli[] = {0xfa}, clts[] = {0x0f, 0x06};

    reset();
    set_code(rd_cr4, sizeof(rd_cr4));
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], 0x660); /* PAE MCE OSFXSR OSXMMEXCPT */
    set_code(wr_cr4, sizeof(wr_cr4));
    st.gpr[HVAL_RAX] = 0x660 | 0x80 | 0x4; /* PGE is Xen's, TSD the guest's */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(pv.cr4, 0x664);
    set_code(wr_cr0, sizeof(wr_cr0));
    st.gpr[HVAL_RAX] = st.cr0 | 8; /* TS only */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert(pv.fpu_ts);
    ck_assert(pv.pending & PV_PENDING_FPU_TS);
    st.gpr[HVAL_RAX] = st.cr0 & ~0x80000000ULL; /* paging off: no */
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_GP);
    set_code(clts, sizeof(clts));
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert(!pv.fpu_ts);
    set_code(rd_cr3, sizeof(rd_cr3));
    pv.kernel_l4 = 0x12345;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RCX], 0x12345000);
    /* cli under the virtual IOPL is skipped; the event mask stays. */
    set_code(cli, sizeof(cli));
    pv.iopl = 1;
    st.rip = 0x1000;
    ck_assert_int_eq(pv_emulate_gp(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(vi.evtchn_upcall_mask, 0);
    ck_assert_uint_eq(st.rip, 0x1001);
}
END_TEST

START_TEST(forced_cpuid)
{
    static const uint8_t xen_cpuid[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
    static const uint8_t ud2[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x90, 0x90};
    uint32_t r[4] = {0, ~0u, ~0u, ~0u};

    reset();
    set_code(xen_cpuid, sizeof(xen_cpuid));
    ck_assert_int_eq(pv_emulate_ud(&env), PV_EMUL_DONE);
    ck_assert_uint_eq(st.rip, 0x1005); /* onto the cpuid */
    set_code(ud2, sizeof(ud2));
    ck_assert_int_eq(pv_emulate_ud(&env), PV_EMUL_NONE);

    pv_cpuid_policy(&pv, 1, r);
    ck_assert_uint_eq(r[1] >> 24, 0);        /* no APIC ID */
    ck_assert_uint_eq(r[3] & (1u << 3), 0);  /* PSE */
    ck_assert_uint_eq(r[3] & (1u << 13), 0); /* PGE */
    ck_assert_uint_eq(r[3] & (1u << 12), 0); /* MTRR */
    ck_assert_uint_ne(r[3] & (1u << 16), 0); /* PAT stays */
    ck_assert_uint_eq(r[2] & (1u << 5), 0);  /* VMX */
    ck_assert_uint_ne(r[2] & (1u << 31), 0); /* hypervisor */
    ck_assert_uint_eq(r[2] & (1u << 27), 0); /* OSXSAVE: CR4 says no */
    pv.cr4 = pv_guest_cr4(1u << 18);
    r[2] = ~0u;
    pv_cpuid_policy(&pv, 1, r);
    ck_assert_uint_ne(r[2] & (1u << 27), 0);
    r[3] = ~0u;
    pv_cpuid_policy(&pv, 0x80000001, r);
    ck_assert_uint_eq(r[3] & (1u << 26), 0); /* 1 GiB pages */
}
END_TEST

/* A domain with RAM: its frames 1..4 are L4, L3, L2, L1 mapping frames
 * 8..15 at virtual 0x8000 writable and the tables at 0x11000.. read-only
 * (the L1 at 0x14000), pinned. */
static uint8_t *ram;
static uint64_t mfn[RAM_PAGES];

static uint64_t *table(uint64_t m)
{
    return pv_frame_map(m);
}

static void setup_tables(void)
{
    reset();
    ck_assert_int_eq(pv_frames_init(), 0);
    ram = calloc(RAM_PAGES, 4096);
    ck_assert_ptr_nonnull(ram);
    pv_frames_set_ram_base(DOM, ram);
    for (unsigned i = 0; i < RAM_PAGES; i++)
        ck_assert_int_eq(pv_frames_alloc(DOM, i, 0, &mfn[i]), 0);
    table(mfn[1])[0] = (mfn[2] << 12) | 0x63; /* the kernel's: no user bit */
    table(mfn[2])[0] = (mfn[3] << 12) | 0x63;
    table(mfn[3])[0] = (mfn[4] << 12) | 0x63;
    for (unsigned i = 8; i < 16; i++)
        table(mfn[4])[i] = (mfn[i] << 12) | 0x63; /* kernel pages: no user bit */
    for (unsigned i = 1; i <= 4; i++)
        table(mfn[4])[16 + i] = (mfn[i] << 12) | 0x21;
    ck_assert_int_eq(pv_pin_table(DOM, mfn[1], 4), 0);
    ck_assert_int_eq(pv_set_baseptr(DOM, &pv.kernel_l4, mfn[1]), 0);
}

static void teardown_tables(void)
{
    pv_set_baseptr(DOM, &pv.kernel_l4, 0);
    for (unsigned i = 0; i < RAM_PAGES; i++)
        pv_frame_unpin_dying(mfn[i]);
    for (unsigned i = 0; i < RAM_PAGES; i++)
        ck_assert_int_eq(pv_frame_free(mfn[i]), 0);
    pv_frames_set_ram_base(DOM, NULL);
    free(ram);
}

START_TEST(entries_get_the_user_bit)
{
    /* Validated kernel entries carry the user bit and Xen's bit 52. */
    ck_assert_uint_eq(table(mfn[4])[9], (mfn[9] << 12) | 0x67 | PV_PTE_GUEST_KERNEL);
    ck_assert_uint_eq(table(mfn[1])[0] & PV_PTE_US, PV_PTE_US);
}
END_TEST

START_TEST(writable_page_tables)
{
    static const uint8_t xchg[] = {0x48, 0x87, 0x10}; /* xchg %rdx,(%rax) */
    static const uint8_t cmpxchg[] = {0xf0, 0x48, 0x0f,
                                      0xb1, 0x51, 0x08}; /* lock cmpxchg %rdx,8(%rcx) */
    static const uint8_t mov_imm[] = {0x48, 0xc7, 0x40, 0x50, 0, 0, 0, 0}; /* movq $0,0x50(%rax) */
    uint64_t l1_va = 0x14000, old9 = table(mfn[4])[9];

    set_code(xchg, sizeof(xchg));
    st.gpr[HVAL_RAX] = l1_va + 9 * 8;
    st.gpr[HVAL_RDX] = (mfn[20] << 12) | 0x61; /* frame 20, read-only */
    /* The CPU's CR2 may give only the page: the address is decoded. */
    ck_assert_int_eq(pv_emulate_ptwr(&env, 3, l1_va), PV_EMUL_DONE);
    ck_assert_uint_eq(table(mfn[4])[9], (mfn[20] << 12) | 0x65 | PV_PTE_GUEST_KERNEL);
    ck_assert_uint_eq(st.gpr[HVAL_RDX], old9);
    ck_assert_uint_eq(st.rip, 0x1003);
    ck_assert(pv.pending & PV_PENDING_TLB_FLUSH);
    /* Hostile: the L4 mapped writable.  Refused, the #PF stays. */
    st.gpr[HVAL_RDX] = (mfn[1] << 12) | 0x63;
    uint64_t before = table(mfn[4])[9];
    ck_assert_int_eq(pv_emulate_ptwr(&env, 3, l1_va), PV_EMUL_NONE);
    ck_assert_uint_eq(table(mfn[4])[9], before);
    ck_assert_uint_eq(st.rip, 0x1003);
    /* Another domain's frame or none at all: refused too. */
    st.gpr[HVAL_RDX] = (0x5000ULL << 12) | 0x61;
    ck_assert_int_eq(pv_emulate_ptwr(&env, 3, l1_va), PV_EMUL_NONE);
    /* A read or an instruction fetch is not a page-table write. */
    ck_assert_int_eq(pv_emulate_ptwr(&env, 1, l1_va), PV_EMUL_NONE);
    ck_assert_int_eq(pv_emulate_ptwr(&env, 0x13, l1_va), PV_EMUL_NONE);

    /* cmpxchg: a stale expected value fails and loads the current one. */
    set_code(cmpxchg, sizeof(cmpxchg));
    st.gpr[HVAL_RCX] = l1_va + 9 * 8 - 8;
    st.gpr[HVAL_RAX] = 0;
    st.gpr[HVAL_RDX] = 0;
    st.rflags = 0x40;
    ck_assert_int_eq(pv_emulate_ptwr(&env, 3, l1_va), PV_EMUL_DONE);
    ck_assert_uint_eq(st.gpr[HVAL_RAX], table(mfn[4])[9]);
    ck_assert_uint_eq(st.rflags & 0x40, 0);
    ck_assert_uint_eq(table(mfn[4])[9], before);
    /* ... and succeeds with it, clearing the entry. */
    ck_assert_int_eq(pv_emulate_ptwr(&env, 3, l1_va), PV_EMUL_DONE);
    ck_assert_uint_eq(table(mfn[4])[9], 0);
    ck_assert_uint_eq(st.rflags & 0x40, 0x40);
    /* mov of an immediate clears entry 10: frame 10's writable use goes. */
    set_code(mov_imm, sizeof(mov_imm));
    st.gpr[HVAL_RAX] = l1_va;
    uint32_t count10 = pv_frame(mfn[10])->type_count;
    ck_assert_int_eq(pv_emulate_ptwr(&env, 7, l1_va), PV_EMUL_DONE);
    ck_assert_uint_eq(table(mfn[4])[10], 0);
    ck_assert_uint_eq(pv_frame(mfn[10])->type_count, count10 - 1);
    /* A write into another page than the fault's is not emulated. */
    st.gpr[HVAL_RAX] = l1_va + 4096;
    ck_assert_int_eq(pv_emulate_ptwr(&env, 7, l1_va), PV_EMUL_NONE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pv_emul");
    TCase *tc = tcase_create("emulation");
    TCase *tp = tcase_create("page_tables");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, msrs);
    tcase_add_test(tc, port_io);
    tcase_add_test(tc, control_registers);
    tcase_add_test(tc, forced_cpuid);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(tp, setup_tables, teardown_tables);
    tcase_add_test(tp, entries_get_the_user_bit);
    tcase_add_test(tp, writable_page_tables);
    suite_add_tcase(s, tp);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
