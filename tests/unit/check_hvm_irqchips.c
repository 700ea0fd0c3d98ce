/*
 * check_hvm_irqchips.c: the interrupt controllers: the 8259A pair (init
 * sequence, IRR/ISR/EOI, masking, priorities and rotation, cascade, ELCR
 * level pins, auto-EOI, poll), the IO-APIC (redirection table, edge and
 * level pins with EOI, masking, destinations) and the LAPIC (IDs, TPR and
 * priorities, timer one-shot/periodic/TSC-deadline on the timer queue,
 * IPIs with INIT/SIPI, x2APIC MSRs).
 */
#include <errno.h>

#include "check_hvm.h"

static void pic_init(uint8_t icw4)
{
    outb_(0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
    outb_(0x21, 0x20); /* ICW2: vectors 0x20-0x27 */
    outb_(0x21, 0x04); /* ICW3: slave on IRQ 2 */
    outb_(0x21, icw4);
    outb_(0xa0, 0x11);
    outb_(0xa1, 0x28);
    outb_(0xa1, 0x02);
    outb_(0xa1, icw4);
    outb_(0x21, 0x00); /* OCW1: all unmasked */
    outb_(0xa1, 0x00);
}

/* Virtual wire: vCPU 0's LAPIC passes the PIC's output (LINT0 ExtINT). */
static void virtual_wire(void)
{
    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(0, 0x350, 0x700);
}

static uint8_t pic_isr(uint16_t cmd)
{
    outb_(cmd, 0x0b);
    return (uint8_t)inb_(cmd);
}
static uint8_t pic_irr(uint16_t cmd)
{
    outb_(cmd, 0x0a);
    return (uint8_t)inb_(cmd);
}

START_TEST(pic_init_irr_isr_eoi)
{
    hvm_test_start(EMU_HVM, 1);
    virtual_wire();
    pic_init(0x01);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_platform_set_isa_irq(T.p, 1, true);
    ck_assert_uint_eq(pic_irr(0x20), 0x02);
    ck_assert_int_eq(take_irq(0), 0x21);
    ck_assert_uint_eq(pic_isr(0x20), 0x02);
    ck_assert_uint_eq(pic_irr(0x20), 0x00);
    /* Lower priority waits while IRQ 1 is in service; higher nests. */
    hvm_platform_set_isa_irq(T.p, 3, true);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_platform_set_isa_irq(T.p, 0, true);
    ck_assert_int_eq(take_irq(0), 0x20);
    ck_assert_uint_eq(pic_isr(0x20), 0x03);
    outb_(0x20, 0x20); /* non-specific EOI: the highest, IRQ 0 */
    ck_assert_uint_eq(pic_isr(0x20), 0x02);
    ck_assert_int_eq(take_irq(0), -1);
    outb_(0x20, 0x61); /* specific EOI, IRQ 1 */
    ck_assert_int_eq(take_irq(0), 0x23);
    outb_(0x20, 0x20);
    /* Edge: a line held high does not interrupt again; a new edge does. */
    ck_assert_int_eq(take_irq(0), -1);
    hvm_platform_set_isa_irq(T.p, 1, false);
    hvm_platform_set_isa_irq(T.p, 1, true);
    ck_assert_int_eq(take_irq(0), 0x21);
    outb_(0x20, 0x20);
    /* The IMR reads back; IF clear holds PIC interrupts. */
    outb_(0x21, 0xa5);
    ck_assert_uint_eq(inb_(0x21), 0xa5);
    hvm_platform_set_isa_irq(T.p, 4, false);
    hvm_platform_set_isa_irq(T.p, 4, true);
    {
        struct hvm_intack ack;

        outb_(0x21, 0x00);
        ck_assert(!hvm_irq_pending(T.p, 0, false, &ack));
        ck_assert(hvm_irq_pending(T.p, 0, true, &ack));
        ck_assert_int_eq(ack.source, HVM_INTSRC_PIC);
    }
    hvm_test_stop();
}
END_TEST

START_TEST(pic_masking_and_cascade)
{
    hvm_test_start(EMU_HVM, 1);
    virtual_wire();
    pic_init(0x01);
    outb_(0x21, 0x10); /* mask IRQ 4 */
    hvm_platform_set_isa_irq(T.p, 4, true);
    ck_assert_int_eq(take_irq(0), -1);
    ck_assert_uint_eq(pic_irr(0x20), 0x10); /* latched while masked */
    outb_(0x21, 0x00);
    ck_assert_int_eq(take_irq(0), 0x24);
    outb_(0x20, 0x20);
    /* Slave IRQ 12: through master pin 2, both ISRs set. */
    hvm_platform_set_isa_irq(T.p, 12, true);
    ck_assert_int_eq(take_irq(0), 0x2c);
    ck_assert_uint_eq(pic_isr(0xa0), 0x10);
    ck_assert_uint_eq(pic_isr(0x20), 0x04);
    outb_(0xa0, 0x20);
    outb_(0x20, 0x20);
    ck_assert_uint_eq(pic_isr(0x20), 0);
    /* Masking the cascade pin masks the whole slave. */
    outb_(0x21, 0x04);
    hvm_platform_set_isa_irq(T.p, 9, true);
    ck_assert_int_eq(take_irq(0), -1);
    outb_(0x21, 0x00);
    ck_assert_int_eq(take_irq(0), 0x29);
    hvm_test_stop();
}
END_TEST

START_TEST(pic_priorities_rotation_aeoi_poll)
{
    hvm_test_start(EMU_HVM, 1);
    virtual_wire();
    pic_init(0x01);
    hvm_platform_set_isa_irq(T.p, 1, true);
    hvm_platform_set_isa_irq(T.p, 5, true);
    outb_(0x20, 0xc3); /* IRQ 3 lowest: order 4 5 6 7 0 1 2 3 */
    ck_assert_int_eq(take_irq(0), 0x25);
    outb_(0x20, 0x20);
    ck_assert_int_eq(take_irq(0), 0x21);
    outb_(0x20, 0xa0); /* rotate on non-specific EOI: IRQ 1 becomes lowest */
    hvm_platform_set_isa_irq(T.p, 1, false);
    hvm_platform_set_isa_irq(T.p, 1, true);
    hvm_platform_set_isa_irq(T.p, 2 + 4, true); /* IRQ 6 */
    ck_assert_int_eq(take_irq(0), 0x26);        /* order 2 3 4 5 6 7 0 1 */
    outb_(0x20, 0x20);
    ck_assert_int_eq(take_irq(0), 0x21);
    outb_(0x20, 0x20);
    /* Auto-EOI (ICW4 bit 1): nothing stays in service. */
    pic_init(0x03);
    hvm_platform_set_isa_irq(T.p, 7, false);
    hvm_platform_set_isa_irq(T.p, 7, true);
    ck_assert_int_eq(take_irq(0), 0x27);
    ck_assert_uint_eq(pic_isr(0x20), 0);
    /* Poll: the highest request as 0x80 | IRQ, acknowledged. */
    pic_init(0x01);
    hvm_platform_set_isa_irq(T.p, 3, false);
    hvm_platform_set_isa_irq(T.p, 3, true);
    outb_(0x20, 0x0c);
    ck_assert_uint_eq(inb_(0x20), 0x83);
    ck_assert_uint_eq(pic_isr(0x20), 0x08);
    outb_(0x20, 0x0c);
    ck_assert_uint_eq(inb_(0x20), 0x00); /* nothing more requested */
    hvm_test_stop();
}
END_TEST

START_TEST(pic_elcr_level_pins)
{
    hvm_test_start(EMU_HVM, 1);
    virtual_wire();
    pic_init(0x01);
    outb_(0x4d0, 0xff);
    ck_assert_uint_eq(inb_(0x4d0), 0xf8); /* IRQ 0-2 cannot be level */
    outb_(0x4d1, 0xff);
    ck_assert_uint_eq(inb_(0x4d1), 0xde); /* nor IRQ 8 and 13 */
    outb_(0x4d0, 0x00);
    outb_(0x4d1, 0x04); /* IRQ 10 level */
    hvm_platform_set_gsi(T.p, 10, true);
    ck_assert_int_eq(take_irq(0), 0x2a);
    outb_(0xa0, 0x20);
    outb_(0x20, 0x20);
    /* Still asserted: again. */
    ck_assert_int_eq(take_irq(0), 0x2a);
    hvm_platform_set_gsi(T.p, 10, false);
    outb_(0xa0, 0x20);
    outb_(0x20, 0x20);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_stop();
}
END_TEST

/* ---- IO-APIC ---- */
static void ioapic_wr(unsigned idx, uint32_t v)
{
    mmio_wr(0xfec00000ULL, idx);
    mmio_wr(0xfec00010ULL, v);
}
static uint32_t ioapic_rd(unsigned idx)
{
    mmio_wr(0xfec00000ULL, idx);
    return mmio_rd(0xfec00010ULL);
}

START_TEST(ioapic_redirection_level_and_edge)
{
    hvm_test_start(EMU_HVM, 2);
    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(1, 0xf0, 0x1ff);
    ck_assert_uint_eq(ioapic_rd(1), 0x2f0011);   /* 48 pins, version 0x11 */
    ck_assert_uint_eq(ioapic_rd(0x10), 0x10000); /* masked at reset */
    /* Pin 20: level, vector 0x55, physical to APIC ID 2 (vCPU 1). */
    ioapic_wr(0x10 + 2 * 20 + 1, 2u << 24);
    ioapic_wr(0x10 + 2 * 20, 0x8055);
    ck_assert_uint_eq(ioapic_rd(0x10 + 2 * 20 + 1), 2u << 24);
    hvm_platform_set_gsi(T.p, 20, true);
    ck_assert_int_eq(take_irq(0), -1);
    ck_assert_int_eq(take_irq(1), 0x55);
    ck_assert_uint_eq(ioapic_rd(0x10 + 2 * 20) & (1u << 14), 1u << 14);  /* remote IRR */
    ck_assert_uint_eq(lapic_rd(1, 0x180 + 0x20) & (1u << 21), 1u << 21); /* TMR */
    /* EOI with the line still high: remote IRR clears, redelivered. */
    lapic_wr(1, 0xb0, 0);
    ck_assert_int_eq(take_irq(1), 0x55);
    hvm_platform_set_gsi(T.p, 20, false);
    lapic_wr(1, 0xb0, 0);
    ck_assert_uint_eq(ioapic_rd(0x10 + 2 * 20) & (1u << 14), 0);
    ck_assert_int_eq(take_irq(1), -1);
    /* Pin 21: edge; one interrupt per rising edge. */
    ioapic_wr(0x10 + 2 * 21 + 1, 0);
    ioapic_wr(0x10 + 2 * 21, 0x0056);
    hvm_platform_set_gsi(T.p, 21, true);
    ck_assert_int_eq(take_irq(0), 0x56);
    lapic_wr(0, 0xb0, 0);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_platform_set_gsi(T.p, 21, false);
    hvm_platform_set_gsi(T.p, 21, true);
    ck_assert_int_eq(take_irq(0), 0x56);
    lapic_wr(0, 0xb0, 0);
    /* A level pin asserted while masked arrives when unmasked. */
    ioapic_wr(0x10 + 2 * 22, 0x18057);
    hvm_platform_set_gsi(T.p, 22, true);
    ck_assert_int_eq(take_irq(0), -1);
    ioapic_wr(0x10 + 2 * 22, 0x8057);
    ck_assert_int_eq(take_irq(0), 0x57);
    lapic_wr(0, 0xb0, 0);
    hvm_test_stop();
}
END_TEST

START_TEST(ioapic_isa_irq0_destinations_and_hostile_indexes)
{
    hvm_test_start(EMU_HVM, 2);
    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(1, 0xf0, 0x1ff);
    /* ISA IRQ 0 is GSI 2. */
    ioapic_wr(0x10 + 2 * 2, 0x0030);
    hvm_platform_set_isa_irq(T.p, 0, true);
    ck_assert_int_eq(take_irq(0), 0x30);
    lapic_wr(0, 0xb0, 0);
    /* Logical flat: LDR bits 0 and 1, destination 0x03 reaches both. */
    lapic_wr(0, 0xd0, 0x01000000);
    lapic_wr(1, 0xd0, 0x02000000);
    ioapic_wr(0x10 + 2 * 30 + 1, 0x03u << 24);
    ioapic_wr(0x10 + 2 * 30, 0x0800 | 0x0061);
    hvm_platform_set_gsi(T.p, 30, true);
    ck_assert_int_eq(take_irq(0), 0x61);
    ck_assert_int_eq(take_irq(1), 0x61);
    lapic_wr(0, 0xb0, 0);
    lapic_wr(1, 0xb0, 0);
    /* Lowest priority: the vCPU with the lower TPR. */
    lapic_wr(0, 0x80, 0x20);
    ioapic_wr(0x10 + 2 * 31 + 1, 0x03u << 24);
    ioapic_wr(0x10 + 2 * 31, 0x0900 | 0x0062);
    hvm_platform_set_gsi(T.p, 31, true);
    ck_assert_int_eq(take_irq(1), 0x62);
    ck_assert_int_eq(take_irq(0), -1);
    /* Read-only bits and reserved bits stay as they are. */
    ioapic_wr(0x10 + 2 * 40, 0xffffffff);
    ck_assert_uint_eq(ioapic_rd(0x10 + 2 * 40), 0x1afff);
    ioapic_wr(1, 0);
    ck_assert_uint_eq(ioapic_rd(1), 0x2f0011);
    ck_assert_uint_eq(ioapic_rd(0x10 + 2 * 48), 0xffffffffu); /* past the table */
    ioapic_wr(0xff, 0x12345678);
    mmio_wr(0xfec00000ULL, 0x1234);
    ck_assert_uint_eq(mmio_rd(0xfec00000ULL), 0x34);
    hvm_test_stop();
}
END_TEST

/* ---- LAPIC ---- */
START_TEST(lapic_ids_tpr_priorities)
{
    hvm_test_start(EMU_HVM, 3);
    ck_assert_uint_eq(lapic_rd(2, 0x20), 4u << 24);
    ck_assert_uint_eq(hvm_platform_apic_id(T.p, 2), 4);
    ck_assert_uint_eq(lapic_rd(0, 0x30), 0x50014);
    ck_assert_uint_eq(lapic_rd(0, 0xf0), 0xff); /* software-disabled at reset */
    ck_assert_uint_eq(lapic_rd(0, 0x350), 0x10000);
    lapic_wr(0, 0xf0, 0x1ff);
    hvm_platform_raise_vector(T.p, 0, 0x45);
    lapic_wr(0, 0x80, 0x40); /* TPR class 4 blocks 0x45 */
    ck_assert_int_eq(take_irq(0), -1);
    lapic_wr(0, 0x80, 0x3f);
    ck_assert_int_eq(take_irq(0), 0x45);
    ck_assert_uint_eq(lapic_rd(0, 0xa0), 0x40); /* PPR: the ISR class */
    /* In service 0x45: same class waits, higher class nests. */
    hvm_platform_raise_vector(T.p, 0, 0x42);
    hvm_platform_raise_vector(T.p, 0, 0x61);
    ck_assert_int_eq(take_irq(0), 0x61);
    lapic_wr(0, 0xb0, 0);
    ck_assert_int_eq(take_irq(0), -1);
    lapic_wr(0, 0xb0, 0);
    ck_assert_int_eq(take_irq(0), 0x42);
    lapic_wr(0, 0xb0, 0);
    ck_assert_uint_eq(lapic_rd(0, 0xa0), 0x3f);
    /* Software disable masks every LVT, and LVT writes stay masked. */
    lapic_wr(0, 0x350, 0x700);
    lapic_wr(0, 0xf0, 0xff);
    ck_assert_uint_eq(lapic_rd(0, 0x350), 0x10700);
    lapic_wr(0, 0x320, 0x40);
    ck_assert_uint_eq(lapic_rd(0, 0x320), 0x10040);
    /* Reserved bits of an LVT are dropped. */
    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(0, 0x370, 0xffffffff);
    ck_assert_uint_eq(lapic_rd(0, 0x370), 0x100ff);
    hvm_test_stop();
}
END_TEST

START_TEST(lapic_timer_oneshot_periodic_deadline)
{
    uint64_t v;

    hvm_test_start(EMU_HVM, 1);
    lapic_wr(0, 0xf0, 0x1ff);
    /* One-shot: 1 000 000 bus cycles at 1 GHz, divide by 1. */
    lapic_wr(0, 0x3e0, 0xb);
    lapic_wr(0, 0x320, 0x40);
    lapic_wr(0, 0x380, 1000000);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), T.now + 1000000);
    hvm_test_advance(500000);
    ck_assert_uint_eq(lapic_rd(0, 0x390), 500000);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_advance(500000);
    ck_assert_int_eq(take_irq(0), 0x40);
    lapic_wr(0, 0xb0, 0);
    ck_assert_uint_eq(lapic_rd(0, 0x390), 0);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), UINT64_MAX);
    /* Periodic: 62500 cycles divided by 16 = 1 ms. */
    lapic_wr(0, 0x3e0, 0x3);
    lapic_wr(0, 0x320, 0x20041);
    lapic_wr(0, 0x380, 62500);
    for (int i = 0; i < 3; i++) {
        hvm_test_advance(1000000);
        ck_assert_int_eq(take_irq(0), 0x41);
        lapic_wr(0, 0xb0, 0);
    }
    ck_assert_uint_eq(lapic_rd(0, 0x390), 62500);
    /* A new divide mid-count: the count goes on from where it was. */
    hvm_test_advance(500000); /* 31250 left at /16 */
    lapic_wr(0, 0x3e0, 0x1);  /* /4 */
    ck_assert_uint_eq(lapic_rd(0, 0x390), 31250);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), T.now + 125000);
    hvm_test_advance(125000);
    ck_assert_int_eq(take_irq(0), 0x41);
    lapic_wr(0, 0xb0, 0);
    ck_assert_uint_eq(lapic_rd(0, 0x390), 62500);
    lapic_wr(0, 0x3e0, 0x3);
    /* Ten periods missed: one interrupt, and the next in the future. */
    hvm_test_advance(10000000);
    ck_assert_int_eq(take_irq(0), 0x41);
    lapic_wr(0, 0xb0, 0);
    ck_assert_int_eq(take_irq(0), -1);
    ck_assert_uint_gt(hvm_platform_next_deadline(T.p), T.now);
    /* A count of 1 cannot make the host spin: at most every 100 us. */
    lapic_wr(0, 0x3e0, 0xb);
    lapic_wr(0, 0x380, 1);
    ck_assert_uint_ge(hvm_platform_next_deadline(T.p), T.now + 100000);
    /* Masked: the timer runs, nothing is raised. */
    lapic_wr(0, 0x320, 0x30041);
    hvm_test_advance(1000000);
    ck_assert_int_eq(take_irq(0), -1);
    /* TSC deadline needs a TSC rate; then fires at the TSC value. */
    v = 1;
    ck_assert_int_eq(hvm_platform_msr(T.p, 0, 0x6e0, true, &v), -EINVAL);
    hvm_platform_set_tsc_khz(T.p, 2000000); /* 2 GHz: 2 ticks a ns */
    lapic_wr(0, 0x320, 0x40042);
    ck_assert_uint_eq(lapic_rd(0, 0x320), 0x40042);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), UINT64_MAX); /* mode change stops */
    v = T.now * 2 + 10000;
    ck_assert_int_eq(hvm_platform_msr(T.p, 0, 0x6e0, true, &v), 0);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), T.now + 5000);
    hvm_test_advance(5000);
    ck_assert_int_eq(take_irq(0), 0x42);
    ck_assert_int_eq(hvm_platform_msr(T.p, 0, 0x6e0, false, &v), 0);
    ck_assert_uint_eq(v, 0);
    hvm_test_stop();
}
END_TEST

START_TEST(lapic_ipis_init_sipi_nmi)
{
    struct hvm_intack ack;

    hvm_test_start(EMU_HVM, 3);
    for (unsigned i = 0; i < 3; i++)
        lapic_wr(i, 0xf0, 0x1ff);
    /* Fixed, physical destination APIC ID 2 = vCPU 1. */
    lapic_wr(0, 0x310, 2u << 24);
    lapic_wr(0, 0x300, 0x4070);
    ck_assert_int_eq(take_irq(1), 0x70);
    ck_assert_int_eq(take_irq(0), -1);
    /* All excluding self. */
    lapic_wr(1, 0x300, 0xc4071);
    ck_assert_int_eq(take_irq(0), 0x71);
    ck_assert_int_eq(take_irq(2), 0x71);
    ck_assert_int_eq(take_irq(1), -1);
    /* INIT and SIPI to APIC ID 4 (vCPU 2) go to the caller. */
    lapic_wr(0, 0x310, 4u << 24);
    lapic_wr(0, 0x300, 0x4500);
    lapic_wr(0, 0x300, 0x8500); /* INIT level de-assert: nothing */
    lapic_wr(0, 0x300, 0x4608);
    ck_assert_uint_eq(T.nr_events, 2);
    ck_assert_uint_eq(T.events[0].vcpu, 2);
    ck_assert_int_eq(T.events[0].ev, HVM_CPU_INIT);
    ck_assert_int_eq(T.events[1].ev, HVM_CPU_SIPI);
    ck_assert_uint_eq(T.events[1].vector, 0x08);
    /* NMI: taken even with IF clear. */
    lapic_wr(0, 0x310, 2u << 24);
    lapic_wr(0, 0x300, 0x4400);
    ck_assert(hvm_irq_pending(T.p, 1, false, &ack));
    ck_assert_int_eq(ack.source, HVM_INTSRC_NMI);
    ck_assert_int_eq(hvm_irq_ack(T.p, 1, &ack), 0);
    ck_assert(!hvm_irq_pending(T.p, 1, false, &ack));
    /* An illegal vector is not sent; ESR says so after a write. */
    lapic_wr(0, 0x300, 0x4005);
    ck_assert_int_eq(take_irq(1), -1);
    lapic_wr(0, 0x280, 0);
    ck_assert_uint_eq(lapic_rd(0, 0x280), 0x20);
    hvm_test_stop();
}
END_TEST

static int msr(unsigned vcpu, uint32_t idx, bool write, uint64_t *v)
{
    return hvm_platform_msr(T.p, vcpu, idx, write, v);
}

START_TEST(lapic_x2apic_msrs)
{
    uint64_t v, m;

    hvm_test_start(EMU_HVM, 2);
    ck_assert_int_eq(msr(0, 0x1b, false, &v), 0);
    ck_assert_uint_eq(v, 0xfee00900); /* enabled, BSP */
    ck_assert_int_eq(msr(1, 0x1b, false, &v), 0);
    ck_assert_uint_eq(v, 0xfee00800);
    ck_assert_int_eq(msr(0, 0x808, false, &v), -EINVAL); /* xAPIC mode */
    ck_assert_int_eq(msr(0, 0x123, false, &v), -ENOENT); /* not an APIC MSR */
    v = 0xfee00c00;
    ck_assert_int_eq(msr(1, 0x1b, true, &v), 0);
    ck_assert_int_eq(msr(1, 0x1b, false, &v), 0);
    ck_assert_uint_eq(v, 0xfee00c00); /* BSP bit is read-only */
    ck_assert_int_eq(hvm_platform_mmio(T.p, 1, 0xfee00030ULL, 4, false, &m), -ENOENT);
    ck_assert_int_eq(msr(1, 0x802, false, &v), 0);
    ck_assert_uint_eq(v, 2);
    ck_assert_int_eq(msr(1, 0x80d, false, &v), 0);
    ck_assert_uint_eq(v, 1u << 2); /* cluster 0, bit 2 */
    v = 0x1ff;
    ck_assert_int_eq(msr(1, 0x80f, true, &v), 0);
    lapic_wr(0, 0xf0, 0x1ff);
    /* ICR as one 64-bit write: to APIC ID 0 (vCPU 0, still xAPIC). */
    v = 0x4072;
    ck_assert_int_eq(msr(1, 0x830, true, &v), 0);
    ck_assert_int_eq(take_irq(0), 0x72);
    v = 0x73;
    ck_assert_int_eq(msr(1, 0x83f, true, &v), 0); /* self IPI */
    ck_assert_int_eq(take_irq(1), 0x73);
    v = 0;
    ck_assert_int_eq(msr(1, 0x80b, true, &v), 0); /* EOI */
    ck_assert_int_eq(msr(1, 0x810 + 3, false, &v), 0);
    ck_assert_uint_eq(v, 0);
    /* Hostile writes #GP. */
    v = 5;
    ck_assert_int_eq(msr(1, 0x802, true, &v), -EINVAL); /* ID read-only */
    ck_assert_int_eq(msr(1, 0x80b, true, &v), -EINVAL); /* EOI must be 0 */
    v = 0x100;
    ck_assert_int_eq(msr(1, 0x808, true, &v), -EINVAL); /* TPR reserved bits */
    v = 1ULL << 40;
    ck_assert_int_eq(msr(1, 0x832, true, &v), -EINVAL);
    ck_assert_int_eq(msr(1, 0x80e, false, &v), -EINVAL); /* no DFR in x2APIC */
    v = 0x4072 | (1u << 13);
    ck_assert_int_eq(msr(1, 0x830, true, &v), -EINVAL);
    /* Mode changes the SDM forbids. */
    v = 0xfee00800;
    ck_assert_int_eq(msr(1, 0x1b, true, &v), -EINVAL); /* x2APIC -> xAPIC */
    v = 0xfee00400;
    ck_assert_int_eq(msr(0, 0x1b, true, &v), -EINVAL); /* EXTD without EN */
    v = 0xfee00800 | (1ULL << 60);
    ck_assert_int_eq(msr(0, 0x1b, true, &v), -EINVAL);
    /* Disabling is always allowed; then the page is gone. */
    v = 0;
    ck_assert_int_eq(msr(0, 0x1b, true, &v), 0);
    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfee00030ULL, 4, false, &m), -ENOENT);
    v = 0xfee00c00;
    ck_assert_int_eq(msr(0, 0x1b, true, &v), -EINVAL); /* disabled -> x2APIC */
    hvm_test_stop();
}
END_TEST

/* INIT/SIPI with destination shorthands and through the x2APIC ICR all
 * reach ops.cpu_event, one event per target in vCPU order; the INIT
 * reset (hvm_platform_vcpu_reset) clears the LAPIC but keeps its ID and
 * base MSR. */
START_TEST(lapic_init_sipi_shorthands_x2apic_reset)
{
    uint64_t v;

    hvm_test_start(EMU_HVM, 4);
    lapic_wr(0, 0x300, 0xc4500); /* INIT, all excluding self */
    ck_assert_uint_eq(T.nr_events, 3);
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_uint_eq(T.events[i].vcpu, i + 1);
        ck_assert_int_eq(T.events[i].ev, HVM_CPU_INIT);
    }
    lapic_wr(1, 0x300, 0x84609); /* SIPI 0x09, all including self */
    ck_assert_uint_eq(T.nr_events, 7);
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_uint_eq(T.events[3 + i].vcpu, i);
        ck_assert_int_eq(T.events[3 + i].ev, HVM_CPU_SIPI);
        ck_assert_uint_eq(T.events[3 + i].vector, 0x09);
    }
    lapic_wr(2, 0x300, 0x44500); /* INIT to self */
    ck_assert_uint_eq(T.nr_events, 8);
    ck_assert_uint_eq(T.events[7].vcpu, 2);
    /* x2APIC: one 64-bit ICR write, the destination in the high half. */
    v = 0xfee00c00;
    ck_assert_int_eq(msr(3, 0x1b, true, &v), 0);
    v = (4ULL << 32) | 0x4500;
    ck_assert_int_eq(msr(3, 0x830, true, &v), 0);
    v = (4ULL << 32) | 0x4620;
    ck_assert_int_eq(msr(3, 0x830, true, &v), 0);
    ck_assert_uint_eq(T.nr_events, 10);
    ck_assert_uint_eq(T.events[8].vcpu, 2);
    ck_assert_int_eq(T.events[8].ev, HVM_CPU_INIT);
    ck_assert_uint_eq(T.events[9].vcpu, 2);
    ck_assert_int_eq(T.events[9].ev, HVM_CPU_SIPI);
    ck_assert_uint_eq(T.events[9].vector, 0x20);
    /* Reset after INIT: TPR, SVR, LVTs and pending vectors go. */
    lapic_wr(2, 0xf0, 0x1ff);
    lapic_wr(2, 0x80, 0x20);
    lapic_wr(2, 0x350, 0x700);
    lapic_wr(0, 0x310, 4u << 24);
    lapic_wr(0, 0x300, 0x4080);
    hvm_platform_vcpu_reset(T.p, 2);
    ck_assert_uint_eq(lapic_rd(2, 0xf0), 0xff);
    ck_assert_uint_eq(lapic_rd(2, 0x80), 0);
    ck_assert_uint_eq(lapic_rd(2, 0x350), 0x10000);
    ck_assert_uint_eq(lapic_rd(2, 0x20) >> 24, 4);
    ck_assert_int_eq(take_irq(2), -1);
    ck_assert_int_eq(msr(2, 0x1b, false, &v), 0);
    ck_assert_uint_eq(v, 0xfee00800);
    hvm_test_stop();
}
END_TEST

Suite *hvm_irqchip_suite(void)
{
    Suite *s = suite_create("hvm_irqchips");
    TCase *tc = tcase_create("irqchips");

    tcase_add_test(tc, pic_init_irr_isr_eoi);
    tcase_add_test(tc, pic_masking_and_cascade);
    tcase_add_test(tc, pic_priorities_rotation_aeoi_poll);
    tcase_add_test(tc, pic_elcr_level_pins);
    tcase_add_test(tc, ioapic_redirection_level_and_edge);
    tcase_add_test(tc, ioapic_isa_irq0_destinations_and_hostile_indexes);
    tcase_add_test(tc, lapic_ids_tpr_priorities);
    tcase_add_test(tc, lapic_timer_oneshot_periodic_deadline);
    tcase_add_test(tc, lapic_ipis_init_sipi_nmi);
    tcase_add_test(tc, lapic_x2apic_msrs);
    tcase_add_test(tc, lapic_init_sipi_shorthands_x2apic_reset);
    suite_add_tcase(s, tc);
    return s;
}
