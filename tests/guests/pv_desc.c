/*
 * pv_desc.c: a 64-bit PV guest's own descriptor tables, loaded into the
 * CPU as Xen does.  The guest gives a read-only frame to set_gdt, loads
 * its own code and data selectors (ring 3, where a PV kernel runs) by lret
 * and mov, returns to them from an exception (HYPERVISOR_iret), reads
 * TLS-like segments through FS and GS (a GDT entry, one changed with
 * update_descriptor, and an LDT entry after MMUEXT_SET_LDT; an LDT page
 * still writable at SET_LDT faults at the guest's address until it is
 * mapped read-only), and still has Xen's flat selectors.  Hostile requests get Xen's answers: a
 * writable frame, a frame that is not the guest's and too many entries
 * are refused (-XEN_EINVAL); system descriptors are refused; a DPL-0 code
 * descriptor is accepted with its DPL raised to 3 (Xen's fix-up); a
 * selector past the guest's entries, or one of Xen's ring-0 selectors, is
 * #GP; a hypercall's output into the guest's own L4 (mapped read-only)
 * is -EFAULT.  Last, the failsafe callback: HYPERVISOR_iret to a bad SS, then a
 * return with a DS whose descriptor went away, each enter the callback
 * with Xen's frame (rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss).
 */
#include "guest.h"
#include "callback.h"
#include "memory.h"
#include "version.h"

const char guest_name[] = "pv_desc";

#define SEL_CODE 0x0b   /* GDT entry 1, RPL 3 */
#define SEL_DATA 0x13   /* entry 2 */
#define SEL_TLS  0x1b   /* entry 3: base tls[0] */
#define SEL_TLS2 0x23   /* entry 4: base tls[1], written by update_descriptor */
#define SEL_DPL0 0x2b   /* entry 5: a DPL-0 code descriptor, fixed up */
#define SEL_NULL 0x33   /* entry 6: left zero */
#define SEL_LDT  0x07   /* LDT entry 0: base tls[2] */
#define SEL_LDT2 0x1007 /* entry 512 of the two-page LDT: base tls[0] */
#define SEL_PAST 0x1003 /* entry 512: past the guest's one frame */
#define SEL_XEN0 0xe013 /* Xen's ring-0 data, with RPL 3 */

#define PTE_RO (0x1ULL | 0x4ULL | 0x20ULL) /* present, user, accessed */

static uint64_t gdt[512] __aligned(4096);
static uint64_t ldt[512] __aligned(4096);
static uint64_t ldt2[1024] __aligned(4096);   /* its second page mapped late */
static uint64_t rw_page[512] __aligned(4096); /* stays mapped writable */
static uint64_t tls[3][2] = {
    {0x7153000000000001ULL}, {0x7153000000000002ULL}, {0x7153000000000003ULL}};
static volatile unsigned long fault_vector, fault_error, fault_cr2, fault_count;
static int failsafe_phase;

extern uint8_t hypercall_page[];
void pv_desc_failsafe(void);
void pv_desc_resume(void);
void __noreturn failsafe_in_kernel(const uint64_t *frame);

__asm__(".text\n"
        ".globl pv_desc_failsafe\n"
        "pv_desc_failsafe:\n"
        "    movq %rsp, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call failsafe_in_kernel\n"
        "    ud2\n"
        ".globl pv_desc_resume\n"
        "pv_desc_resume:\n"
        "    ud2\n");

/* A present code (64-bit) or data descriptor: 4 GiB, granular. */
static uint64_t desc(uint32_t base, int code, unsigned int dpl)
{
    return 0xffffULL | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)(code ? 0xa : 0x2) << 40) |
           (1ULL << 44) | ((uint64_t)dpl << 45) | (1ULL << 47) | (0xfULL << 48) |
           (code ? 1ULL << 53 : 1ULL << 54) | (1ULL << 55) | ((uint64_t)(base >> 24) << 56);
}

static unsigned long mfn_of(const void *va)
{
    return (unsigned long)virt_to_frame(va);
}

static void map_ro(const void *va)
{
    EXPECT_RC(
        HC3(__HYPERVISOR_update_va_mapping, va, ((uint64_t)mfn_of(va) << 12) | PTE_RO, UVMF_INVLPG),
        0, "map a descriptor page read-only");
}

static uint16_t read_sel(int which)
{
    uint16_t v = 0;

    switch (which) {
    case 0:
        __asm__ __volatile__("mov %%cs, %0" : "=r"(v));
        break;
    case 1:
        __asm__ __volatile__("mov %%ss, %0" : "=r"(v));
        break;
    case 2:
        __asm__ __volatile__("mov %%ds, %0" : "=r"(v));
        break;
    default:
        __asm__ __volatile__("mov %%fs, %0" : "=r"(v));
    }
    return v;
}

static uint64_t fs0(void)
{
    uint64_t v;
    __asm__ __volatile__("movq %%fs:0, %0" : "=r"(v));
    return v;
}

static uint64_t gs0(void)
{
    uint64_t v;
    __asm__ __volatile__("movq %%gs:0, %0" : "=r"(v));
    return v;
}

static void load_fs(uint16_t sel)
{
    __asm__ __volatile__("mov %0, %%fs" ::"r"(sel) : "memory");
}

/* A selector load that must fault (#GP, #PF): noted, and skipped. */
static int fault_handler(struct trap_frame *f)
{
    fault_vector = f->vector;
    fault_error = f->error_code;
    fault_cr2 = f->cr2;
    fault_count++;
    f->ip += 3; /* "mov %ax, %fs" with its operand-size prefix: 66 8e e0 */
    return 0;
}

static void load_fs_faulting(uint16_t sel, unsigned long vector, const char *what)
{
    unsigned long before = fault_count;

    __asm__ __volatile__(".byte 0x66, 0x8e, 0xe0" ::"a"(sel) : "memory"); /* mov %ax, %fs */
    CHECK(fault_count == before + 1 && fault_vector == vector, "%s: no exception %lu", what,
          vector);
}

static void expect_gp(uint16_t sel, const char *what)
{
    load_fs_faulting(sel, 13, what);
    CHECK(fault_error == (sel & ~3UL), "%s: #GP(0x%lx), expected #GP(0x%x)", what, fault_error,
          sel & ~3);
    gprintf("pv_desc: %s: #GP(0x%x): ok\n", what, sel & ~3);
}

static int bp_handler(struct trap_frame *f)
{
    (void)f;
    return 0;
}

/* HYPERVISOR_iret to pv_desc_resume with these selectors. */
static void __noreturn iret_to(uint16_t cs, uint16_t ss)
{
    __asm__ __volatile__("movq %%rsp, %%rcx\n\t"
                         "pushq %[ss]\n\t"
                         "pushq %%rcx\n\t"
                         "pushq $0x202\n\t"
                         "pushq %[cs]\n\t"
                         "pushq %[ip]\n\t"
                         "pushq $0\n\t"
                         "jmp *%[iret]"
                         :
                         : [ss] "r"((uint64_t)ss), [cs] "r"((uint64_t)cs),
                           [ip] "r"((uint64_t)(uintptr_t)pv_desc_resume),
                           [iret] "r"(hypercall_page + __HYPERVISOR_iret * 32)
                         : "rcx", "memory");
    __builtin_unreachable();
}

static void __noreturn bad_ds_return(void)
{
    uint16_t flat = FLAT_KERNEL_SS;

    /* DS holds our data selector; then its descriptor goes away. */
    __asm__ __volatile__("mov %0, %%ds\n\tmov %1, %%ss" ::"r"((uint16_t)SEL_DATA), "r"(flat));
    EXPECT_RC(HC4(__HYPERVISOR_update_descriptor, ((uint64_t)mfn_of(gdt) << 12) + 2 * 8, 0, 0, 0),
              0, "update_descriptor: the data descriptor in DS made not present");
    iret_to(FLAT_KERNEL_CS & ~3, FLAT_KERNEL_SS);
}

void __noreturn failsafe_in_kernel(const uint64_t *f)
{
    /* rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss */
    CHECK(f[6] == (uintptr_t)pv_desc_resume, "failsafe frame: rip 0x%lx", (unsigned long)f[6]);
    if (failsafe_phase == 0) {
        CHECK(f[10] == SEL_NULL && f[7] == (FLAT_KERNEL_CS & ~3),
              "failsafe frame: ss 0x%lx cs 0x%lx, expected 0x%x 0x%x", (unsigned long)f[10],
              (unsigned long)f[7], SEL_NULL, FLAT_KERNEL_CS & ~3);
        CHECK(f[2] == SEL_DATA && f[3] == SEL_DATA && f[4] == SEL_LDT2 && f[5] == SEL_TLS2,
              "failsafe frame: ds 0x%lx es 0x%lx fs 0x%lx gs 0x%lx", (unsigned long)f[2],
              (unsigned long)f[3], (unsigned long)f[4], (unsigned long)f[5]);
        gprintf("pv_desc: HYPERVISOR_iret to a null SS: the failsafe callback, Xen's frame: ok\n");
        failsafe_phase = 1;
        bad_ds_return();
    }
    CHECK(f[2] == SEL_DATA, "failsafe frame: ds 0x%lx, expected 0x%x", (unsigned long)f[2],
          SEL_DATA);
    CHECK(read_sel(2) == 0, "DS 0x%x after the failsafe callback, expected null", read_sel(2));
    gprintf("pv_desc: a return with DS's descriptor gone: the failsafe callback, ds in the frame, "
            "DS null: ok\n");
    guest_pass();
}

void guest_main(void)
{
    struct {
        uint32_t max;
        uint64_t list;
        uint32_t nr;
    } ml;
    unsigned long xen_mfn = 0, frames[1];
    struct callback_register fs = {.type = CALLBACKTYPE_failsafe,
                                   .address = (unsigned long)pv_desc_failsafe};

    guest_require_xen();
    CHECK(env_is_pv(), "not a PV guest");
    trap_set_handler(13, fault_handler);
    trap_set_handler(14, fault_handler);
    trap_set_handler(3, bp_handler);

    /* The guest's GDT: code, data, two TLS-like data segments. */
    gdt[1] = desc(0, 1, 3);
    gdt[2] = desc(0, 0, 3);
    gdt[3] = desc((uint32_t)(uintptr_t)&tls[0], 0, 3);
    map_ro(gdt);

    /* Refused: a frame mapped writable, one that is not the guest's, too
     * many entries. */
    frames[0] = mfn_of(rw_page);
    EXPECT_RC(HC2(__HYPERVISOR_set_gdt, frames, 512), -XEN_EINVAL,
              "set_gdt: a frame mapped writable");
    ml = (typeof(ml)){.max = 1, .list = (uint64_t)(uintptr_t)&xen_mfn};
    EXPECT_RC(HC2(__HYPERVISOR_memory_op, XENMEM_machphys_mfn_list, &ml), 0, "machphys_mfn_list");
    frames[0] = xen_mfn;
    EXPECT_RC(HC2(__HYPERVISOR_set_gdt, frames, 512), -XEN_EINVAL,
              "set_gdt: a frame that is not the guest's");
    frames[0] = mfn_of(gdt);
    EXPECT_RC(HC2(__HYPERVISOR_set_gdt, frames, 14 * 512 + 1), -XEN_EINVAL,
              "set_gdt: past the reserved entries");
    EXPECT_RC(HC2(__HYPERVISOR_set_gdt, frames, 512), 0, "set_gdt: the guest's own frame");
    EXPECT_RC(HC3(__HYPERVISOR_update_va_mapping, gdt, ((uint64_t)mfn_of(gdt) << 12) | PTE_RO | 0x2,
                  UVMF_INVLPG),
              -XEN_EBUSY, "the GDT frame cannot be mapped writable");

    /* Our own selectors in the CPU: CS by lret, SS and DS by mov. */
    __asm__ __volatile__("pushq %0\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:" ::"i"(SEL_CODE)
                         : "rax", "memory");
    __asm__ __volatile__("mov %0, %%ss\n\tmov %0, %%ds\n\tmov %0, %%es" ::"r"((uint16_t)SEL_DATA));
    CHECK(read_sel(0) == SEL_CODE && read_sel(1) == SEL_DATA && read_sel(2) == SEL_DATA,
          "cs 0x%x ss 0x%x ds 0x%x", read_sel(0), read_sel(1), read_sel(2));
    gprintf("pv_desc: own code and data selectors loaded (cs 0x%x, ss 0x%x): ok\n", SEL_CODE,
            SEL_DATA);
    __asm__ __volatile__("int3");
    CHECK(read_sel(0) == SEL_CODE && read_sel(1) == SEL_DATA,
          "after an exception's iret: cs 0x%x ss 0x%x", read_sel(0), read_sel(1));
    gprintf("pv_desc: an exception returns to them through HYPERVISOR_iret: ok\n");

    /* TLS-like segments: a GDT entry in FS, one written now in GS. */
    load_fs(SEL_TLS);
    CHECK(fs0() == tls[0][0], "%%fs:0 = 0x%lx", (unsigned long)fs0());
    EXPECT_RC(HC4(__HYPERVISOR_update_descriptor, ((uint64_t)mfn_of(gdt) << 12) + 4 * 8,
                  desc((uint32_t)(uintptr_t)&tls[1], 0, 3), 0, 0),
              0, "update_descriptor: a TLS segment");
    __asm__ __volatile__("mov %0, %%gs" ::"r"((uint16_t)SEL_TLS2) : "memory");
    CHECK(gs0() == tls[1][0], "%%gs:0 = 0x%lx", (unsigned long)gs0());
    gprintf("pv_desc: TLS through FS (GDT entry) and GS (update_descriptor): ok\n");

    /* Hostile descriptors. */
    EXPECT_RC(HC4(__HYPERVISOR_update_descriptor, ((uint64_t)mfn_of(gdt) << 12) + 5 * 8,
                  desc(0, 1, 0), 0, 0),
              0, "update_descriptor: a DPL-0 code descriptor (Xen raises its DPL)");
    CHECK(((gdt[5] >> 45) & 3) == 3, "its DPL is %lu", (unsigned long)((gdt[5] >> 45) & 3));
    gprintf("pv_desc: the DPL-0 code descriptor now has DPL 3: ok\n");
    EXPECT_RC(HC4(__HYPERVISOR_update_descriptor, ((uint64_t)mfn_of(gdt) << 12) + 6 * 8,
                  0x0000890000000067ULL, 0, 0),
              -XEN_EINVAL, "update_descriptor: a TSS");
    EXPECT_RC(HC4(__HYPERVISOR_update_descriptor, ((uint64_t)mfn_of(gdt) << 12) + 6 * 8,
                  0x0000ec0000081000ULL, 0, 0),
              -XEN_EINVAL, "update_descriptor: a call gate");
    EXPECT_RC(HC4(__HYPERVISOR_update_descriptor, (uint64_t)xen_mfn << 12, desc(0, 0, 3), 0, 0),
              -XEN_EINVAL, "update_descriptor: a frame that is not the guest's");
    CHECK(gdt[6] == 0, "entry 6 changed: 0x%lx", (unsigned long)gdt[6]);
    expect_gp(SEL_PAST, "a selector past the guest's entries");
    expect_gp(SEL_XEN0, "Xen's ring-0 data selector");
    expect_gp(SEL_NULL, "a null descriptor");
    load_fs(FLAT_RING3_DS32);
    CHECK(read_sel(3) == FLAT_RING3_DS32, "fs 0x%x", read_sel(3));
    gprintf("pv_desc: Xen's flat ring-3 selector 0x%x still loads: ok\n", FLAT_RING3_DS32);

    /* An LDT entry. */
    ldt[0] = desc((uint32_t)(uintptr_t)&tls[2], 0, 3);
    map_ro(ldt);
    {
        struct mmuext_op op = {.cmd = MMUEXT_SET_LDT,
                               .arg1.linear_addr = (unsigned long)(uintptr_t)ldt,
                               .arg2.nr_ents = 1};
        EXPECT_RC(HC4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF), 0, "MMUEXT_SET_LDT");
    }
    load_fs(SEL_LDT);
    CHECK(fs0() == tls[2][0], "%%fs:0 = 0x%lx through the LDT", (unsigned long)fs0());
    gprintf("pv_desc: TLS through an LDT entry in FS: ok\n");
    expect_gp(0x0f, "an LDT selector past its entries");

    /* A two-page LDT whose second page is still writable: a load from it
     * is a #PF at the guest's own address of the entry; once that page is
     * read-only the load works (looked up again, as Xen's LDT faults). */
    ldt2[512] = desc((uint32_t)(uintptr_t)&tls[0], 0, 3);
    map_ro(ldt2);
    load_fs(0); /* FS's LDT entry 0 is about to go */
    {
        struct mmuext_op op = {.cmd = MMUEXT_SET_LDT,
                               .arg1.linear_addr = (unsigned long)(uintptr_t)ldt2,
                               .arg2.nr_ents = 1024};
        EXPECT_RC(HC4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF), 0,
                  "MMUEXT_SET_LDT: two pages");
    }
    load_fs_faulting(SEL_LDT2, 14, "an LDT entry in a writable page");
    CHECK(fault_cr2 == (uintptr_t)&ldt2[512], "#PF at 0x%lx, expected 0x%lx", fault_cr2,
          (unsigned long)(uintptr_t)&ldt2[512]);
    gprintf("pv_desc: an LDT entry in a page still writable: #PF at its address: ok\n");
    map_ro(&ldt2[512]);
    load_fs(SEL_LDT2);
    CHECK(fs0() == tls[0][0], "%%fs:0 = 0x%lx through the late LDT page", (unsigned long)fs0());
    gprintf("pv_desc: mapped read-only, the same entry loads: ok\n");

    /* The hypervisor writes guest memory with the guest's rights: not
     * into its page tables, which it maps read-only. */
    {
        uint64_t *l4 = (uint64_t *)((start_info_t *)boot.start_info)->pt_base, before[2];
        before[0] = l4[0];
        before[1] = l4[1];
        EXPECT_RC(HC2(__HYPERVISOR_xen_version, XENVER_extraversion, l4), -XEN_EFAULT,
                  "xen_version's output into the guest's own L4 (mapped read-only)");
        CHECK(l4[0] == before[0] && l4[1] == before[1], "the L4 changed");
    }

    /* The failsafe callback. */
    EXPECT_RC(HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &fs), 0,
              "register the failsafe callback");
    iret_to(FLAT_KERNEL_CS & ~3, SEL_NULL);
}
