/*
 * sipi.c: bringing up the APs as an OS does on bare metal: INIT, SIPI,
 * SIPI through the LAPIC's ICR (no Xen vCPU hypercalls), with a real-mode
 * trampoline in a page below 1 MiB.  Each AP enters it at CS = V << 8,
 * IP 0, switches to protected mode (hvm64: then long mode on the boot
 * page tables), takes a stack and reports its APIC ID.  Then: a SIPI to a
 * running AP is ignored; INIT stops one AP (wait-for-SIPI) and a SIPI
 * starts it again (VCPUOP_up refuses it meanwhile: INIT made it
 * uninitialised, as on Xen).
 */
#include "guest.h"
#include "asm.h"

const char guest_name[] = "sipi";

#define NR_CPUS    4
#define TRAMP_PAGE 0x8000u /* SIPI vector 0x08 */
#define LAPIC_BASE 0xfee00000ul
#define LAPIC_ID   0x020
#define LAPIC_SVR  0x0f0
#define LAPIC_ICR  0x300
#define LAPIC_ICR2 0x310
#define ICR_BUSY   (1u << 12)
#define ICR_INIT   0x00000500u
#define ICR_SIPI   0x00000600u
#define ICR_ASSERT 0x00004000u
#define ICR_LEVEL  0x00008000u
#define ICR_ALLBUT 0x000c0000u /* destination shorthand: all excluding self */
#define MAX_STARTS GUEST_MAX_CPUS
#define STR_(x)    #x
#define STR(x)     STR_(x)

/*
 * The trampoline, copied to TRAMP_PAGE: 16-bit code addressing its own
 * page through DS = CS; the GDT register value and the far pointer to
 * sipi_ap32 are filled in by the BSP.  sipi_ap32 (in this image, flat
 * 32-bit) takes a start slot and its stack, then (hvm64) enters long mode
 * and calls sipi_ap_main(slot).
 */
__asm__("    .pushsection .text\n"
        "    .code16\n"
        "    .globl sipi_tramp, sipi_tramp_end, sipi_tramp_gdtr, sipi_tramp_far\n"
        "sipi_tramp:\n"
        "    cli\n"
        "    movw %cs, %ax\n"
        "    movw %ax, %ds\n"
        "    lgdtl sipi_tramp_gdtr - sipi_tramp\n"
        "    movl %cr0, %eax\n"
        "    orl $1, %eax\n"
        "    movl %eax, %cr0\n"
        "    ljmpl *(sipi_tramp_far - sipi_tramp)\n"
        "    .balign 8\n"
        "sipi_tramp_gdtr:\n"
        "    .word 0\n"
        "    .long 0\n"
        "    .balign 8\n"
        "sipi_tramp_far:\n"
        "    .long 0\n"
        "    .word 0\n"
        "sipi_tramp_end:\n"
        "    .code32\n"
        "    .globl sipi_ap32\n"
        "sipi_ap32:\n"
        "    movl $" STR(
            SEL_DATA) ", %eax\n"
                      "    movl %eax, %ds\n"
                      "    movl %eax, %es\n"
                      "    movl %eax, %ss\n"
                      "    movl %eax, %fs\n"
                      "    movl %eax, %gs\n"
                      "    movl $1, %ecx\n"
                      "    lock xaddl %ecx, sipi_next_slot\n"
                      "    cmpl $" STR(
                          MAX_STARTS) ", %ecx\n"
                                      "    jae 9f\n"
                                      "    leal 1(%ecx), %eax\n"
                                      "    imull $" STR(
                                          STACK_SIZE) ", %eax\n"
                                                      "    addl $cpu_stacks, %eax\n"
                                                      "    movl %eax, %esp\n"
#ifdef __x86_64__
                                                      "    movl %cr4, %eax\n"
                                                      "    orl $0x20, %eax\n" /* PAE */
                                                      "    movl %eax, %cr4\n"
                                                      "    movl $boot_pml4, %eax\n"
                                                      "    movl %eax, %cr3\n"
                                                      "    movl %ecx, %ebx\n"
                                                      "    movl $0xc0000080, %ecx\n" /* EFER.LME */
                                                      "    rdmsr\n"
                                                      "    orl $0x100, %eax\n"
                                                      "    wrmsr\n"
                                                      "    movl %cr0, %eax\n"
                                                      "    orl $0x80000001, %eax\n" /* PG | PE */
                                                      "    movl %eax, %cr0\n"
                                                      "    ljmp $" STR(
                                                          SEL_CODE64) ", $1f\n"
                                                                      "    .code64\n"
                                                                      "1:  movl %esp, %esp\n"
                                                                      "    movl %ebx, %edi\n"
                                                                      "    call sipi_ap_main\n"
                                                                      "    ud2\n"
                                                                      "    .code32\n"
#else
                                                      "    pushl %ecx\n"
                                                      "    call sipi_ap_main\n"
                                                      "    ud2\n"
#endif
                                                                      "9:  cli\n"
                                                                      "    hlt\n"
                                                                      "    jmp 9b\n"
#ifdef __x86_64__
                                                                      "    .code64\n"
#endif
                                                                      "    .popsection\n");

extern const char sipi_tramp[], sipi_tramp_end[], sipi_tramp_gdtr[], sipi_tramp_far[];
extern const char sipi_ap32[];
extern const struct {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed)) gdt_desc;

volatile uint32_t sipi_next_slot = 1;              /* slot 0: the BSP's stack */
static volatile uint32_t slot_apic_id[MAX_STARTS]; /* APIC ID + 1 */
static volatile uint32_t slot_mode_ok[MAX_STARTS];
static volatile uint32_t arrived;

static uint32_t lapic_read(unsigned int reg)
{
    return *(volatile uint32_t *)(LAPIC_BASE + reg);
}

static void lapic_write(unsigned int reg, uint32_t val)
{
    *(volatile uint32_t *)(LAPIC_BASE + reg) = val;
}

/* Is this CPU in the mode the kernel runs in (hvm64: long mode; hvm32:
 * protected mode without paging)? */
static int in_kernel_mode(void)
{
    unsigned long cr0;

    __asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
#ifdef __x86_64__
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
    return (cr0 & 0x80000001ul) == 0x80000001ul && (lo & (1u << 10));
#else
    return (cr0 & 0x80000001ul) == 1;
#endif
}

void sipi_ap_main(unsigned long slot);
void sipi_ap_main(unsigned long slot)
{
    traps_load_cpu();
    slot_mode_ok[slot] = in_kernel_mode();
    slot_apic_id[slot] = (lapic_read(LAPIC_ID) >> 24) + 1;
    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    for (;;) /* idle, as an OS's AP (hlt with interrupts off would take it down) */
        __asm__ __volatile__("sti; hlt");
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
    lapic_write(LAPIC_ICR2, apic_id << 24);
    lapic_write(LAPIC_ICR, icr);
    while (lapic_read(LAPIC_ICR) & ICR_BUSY)
        cpu_relax();
}

static void delay_us(uint64_t us)
{
    uint64_t end = xen_system_time_ns() + us * 1000;

    while (xen_system_time_ns() < end)
        sched_op(SCHEDOP_yield, NULL);
}

static void wait_arrivals(uint32_t n)
{
    uint64_t deadline = xen_system_time_ns() + 10000000000ull;

    while (arrived < n) {
        CHECK(xen_system_time_ns() < deadline, "only %u of %u AP starts arrived", arrived, n);
        sched_op(SCHEDOP_yield, NULL);
    }
}

static long is_up(unsigned int cpu)
{
    return vcpu_op(VCPUOP_is_up, cpu, NULL);
}

void guest_main(void)
{
    uint8_t *tramp = (uint8_t *)(uintptr_t)TRAMP_PAGE;
    size_t len = (size_t)(sipi_tramp_end - sipi_tramp);
    uint32_t ids = 0, seen;
    unsigned int cpu, slot;

    guest_require_xen();
    CHECK(boot.nr_vcpus >= NR_CPUS, "the domain has %u vCPUs, the test needs %u", boot.nr_vcpus,
          NR_CPUS);
    gprintf("sipi: %u vCPUs: ok\n", NR_CPUS);
    for (cpu = 1; cpu < NR_CPUS; cpu++)
        CHECK(is_up(cpu) == 0, "vCPU %u is up before INIT-SIPI-SIPI", cpu);

    /* The trampoline, with this kernel's GDT and 32-bit entry. */
    memcpy(tramp, sipi_tramp, len);
    memcpy(tramp + (sipi_tramp_gdtr - sipi_tramp), &gdt_desc, 6);
    uint32_t far_off = (uint32_t)(uintptr_t)sipi_ap32;
    uint16_t far_sel = SEL_CODE32;
    memcpy(tramp + (sipi_tramp_far - sipi_tramp), &far_off, 4);
    memcpy(tramp + (sipi_tramp_far - sipi_tramp) + 4, &far_sel, 2);

    lapic_write(LAPIC_SVR, 0x1ff); /* software-enabled, spurious vector 0xff */
    CHECK((lapic_read(LAPIC_ID) >> 24) == 0, "the BSP's APIC ID is %u", lapic_read(LAPIC_ID) >> 24);
    gprintf("sipi: BSP APIC ID 0: ok\n");

    /* INIT (assert, de-assert), 10 ms, SIPI, 200 us, SIPI: Intel's MP
     * start-up sequence, to every AP at once. */
    send_ipi(0, ICR_ALLBUT | ICR_LEVEL | ICR_ASSERT | ICR_INIT);
    send_ipi(0, ICR_ALLBUT | ICR_LEVEL | ICR_INIT);
    delay_us(10000);
    CHECK(arrived == 0, "an AP ran after INIT alone");
    gprintf("sipi: INIT to all but self: no AP runs: ok\n");
    send_ipi(0, ICR_ALLBUT | ICR_ASSERT | ICR_SIPI | (TRAMP_PAGE >> 12));
    delay_us(200);
    send_ipi(0, ICR_ALLBUT | ICR_ASSERT | ICR_SIPI | (TRAMP_PAGE >> 12));
    wait_arrivals(NR_CPUS - 1);
    gprintf("sipi: SIPI, SIPI: %u APs ran the real-mode trampoline: ok\n", NR_CPUS - 1);
    delay_us(20000);
    CHECK(sipi_next_slot == NR_CPUS, "%u AP starts for %u APs: a second SIPI restarted one",
          sipi_next_slot - 1, NR_CPUS - 1);
    gprintf("sipi: each AP started once: ok\n");
    for (slot = 1; slot < NR_CPUS; slot++) {
        uint32_t id = slot_apic_id[slot] - 1;
        CHECK(slot_apic_id[slot] && id < 32, "AP start %u reported no APIC ID", slot);
        CHECK(!(ids & (1u << id)), "two APs reported APIC ID %u", id);
        CHECK(slot_mode_ok[slot], "the AP with APIC ID %u is not in the kernel's mode", id);
        ids |= 1u << id;
    }
    for (seen = ids; seen; seen &= seen - 1)
        gprintf("sipi: AP with APIC ID %u up in the kernel's mode: ok\n",
                (unsigned int)__builtin_ctz(seen));
    for (cpu = 1; cpu < NR_CPUS; cpu++)
        CHECK(is_up(cpu) > 0, "vCPU %u is not up after its SIPI", cpu);
    gprintf("sipi: VCPUOP_is_up says the APs are up: ok\n");

    /* A SIPI to an AP that is not waiting for one does nothing. */
    send_ipi(4, ICR_ASSERT | ICR_SIPI | (TRAMP_PAGE >> 12));
    delay_us(20000);
    CHECK(sipi_next_slot == NR_CPUS, "a SIPI restarted a running AP");
    gprintf("sipi: a SIPI to a running AP is ignored: ok\n");

    /* INIT stops the AP with APIC ID 4 (vCPU 2); a SIPI starts it again. */
    send_ipi(4, ICR_LEVEL | ICR_ASSERT | ICR_INIT);
    send_ipi(4, ICR_LEVEL | ICR_INIT);
    CHECK(is_up(2) == 0, "vCPU 2 is still up after INIT");
    CHECK(is_up(1) > 0 && is_up(3) > 0, "INIT to APIC ID 4 stopped another vCPU");
    gprintf("sipi: INIT to APIC ID 4: vCPU 2 waits for SIPI: ok\n");
    CHECK(vcpu_op(VCPUOP_up, 2, NULL) == -XEN_EINVAL, "VCPUOP_up started the INIT-reset vCPU 2");
    CHECK(is_up(2) == 0, "vCPU 2 is up after a refused VCPUOP_up");
    gprintf("sipi: VCPUOP_up refuses vCPU 2 (not initialised since INIT): ok\n");
    send_ipi(4, ICR_ASSERT | ICR_SIPI | (TRAMP_PAGE >> 12));
    wait_arrivals(NR_CPUS);
    CHECK(slot_apic_id[NR_CPUS] == 4 + 1, "the restarted AP reported APIC ID %u",
          slot_apic_id[NR_CPUS] - 1);
    CHECK(slot_mode_ok[NR_CPUS], "the restarted AP is not in the kernel's mode");
    CHECK(is_up(2) > 0, "vCPU 2 is not up after its SIPI");
    gprintf("sipi: SIPI after INIT restarts APIC ID 4: ok\n");
}
