/*
 * check_hvm_timers.c: the platform's clocks: the 8254 PIT (modes 0, 2, 3,
 * counter latch and read-back, the counter 2 gate at port 0x61, no flood
 * from tiny counts), the RTC (BCD and binary time, 12-hour, the domain's
 * time offset, setting the time, UIP, periodic/update/alarm interrupts on
 * IRQ 8, CMOS bytes), the ACPI PM timer (rate, monotonic, TMR_STS and
 * the SCI, PM1a_CNT sleep) and the HPET (counter, legacy replacement,
 * level periodic timers through the IO-APIC, no flood).
 */
#include <errno.h>

#include "check_hvm.h"

#define PIT_HZ 1193182ULL

/* The PIC pair initialised and reaching vCPU 0 (vectors 0x20-0x2f). */
static void pic_ready(void)
{
    static const uint8_t seq[][2] = {{0x20, 0x11}, {0x21, 0x20}, {0x21, 0x04}, {0x21, 0x01},
                                     {0xa0, 0x11}, {0xa1, 0x28}, {0xa1, 0x02}, {0xa1, 0x01},
                                     {0x21, 0x00}, {0xa1, 0x00}};

    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(0, 0x350, 0x700);
    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        outb_(seq[i][0], seq[i][1]);
}

static void eoi(unsigned irq)
{
    if (irq >= 8)
        outb_(0xa0, 0x20);
    outb_(0x20, 0x20);
}

static uint64_t ticks_ns(uint64_t ticks)
{
    return (ticks * 1000000000ULL + PIT_HZ - 1) / PIT_HZ;
}

static uint16_t pit_read16(unsigned ch)
{
    uint16_t lo = (uint16_t)inb_((uint16_t)(0x40 + ch));
    uint16_t hi = (uint16_t)inb_((uint16_t)(0x40 + ch));

    return (uint16_t)(lo | hi << 8);
}

static uint16_t pit_latched(unsigned ch)
{
    uint16_t lo, hi;

    outb_(0x43, (uint8_t)(ch << 6)); /* counter latch */
    lo = (uint16_t)inb_((uint16_t)(0x40 + ch));
    hi = (uint16_t)inb_((uint16_t)(0x40 + ch));
    return (uint16_t)(lo | hi << 8);
}

START_TEST(pit_mode2_rate_generator)
{
    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    outb_(0x43, 0x34); /* counter 0, LSB then MSB, mode 2 */
    outb_(0x40, 11932 & 0xff);
    outb_(0x40, 11932 >> 8);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), T.now + ticks_ns(11932));
    for (int i = 0; i < 3; i++) {
        hvm_test_advance(ticks_ns(11932));
        ck_assert_int_eq(take_irq(0), 0x20);
        eoi(0);
        ck_assert_int_eq(take_irq(0), -1);
    }
    /* The count where the clock says: 119 ticks after a reload. */
    hvm_test_advance(100000);
    ck_assert_uint_eq(pit_latched(0), 11932 - 119);
    /* Latched, the value holds while time moves, then reads live again. */
    outb_(0x43, 0x00);
    hvm_test_advance(100000);
    ck_assert_uint_eq(pit_read16(0), 11932 - 119);
    ck_assert_uint_eq(pit_read16(0), 11932 - 238);
    hvm_test_stop();
}
END_TEST

START_TEST(pit_mode0_and_mode3_and_readback)
{
    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    /* Mode 0: OUT low until the count runs out, one interrupt. */
    outb_(0x43, 0x30);
    outb_(0x43, 0xe2);                                 /* read-back status of counter 0 */
    ck_assert_uint_eq(inb_(0x40), 0x40 | 0x30 | 0x00); /* OUT low, null count */
    outb_(0x40, 100);
    outb_(0x40, 0);
    outb_(0x43, 0xe2);
    ck_assert_uint_eq(inb_(0x40), 0x30); /* loaded, OUT low */
    hvm_test_advance(ticks_ns(100));
    ck_assert_int_eq(take_irq(0), 0x20);
    eoi(0);
    outb_(0x43, 0xe2);
    ck_assert_uint_eq(inb_(0x40), 0x80 | 0x30);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), UINT64_MAX);
    hvm_test_advance(1000000000);
    ck_assert_int_eq(take_irq(0), -1);
    /* Mode 3: the count goes down by two. */
    outb_(0x43, 0x36);
    outb_(0x40, 1000 & 0xff);
    outb_(0x40, 1000 >> 8);
    hvm_test_advance(100000); /* 119 ticks */
    ck_assert_uint_eq(pit_latched(0), 1000 - 238);
    /* Read-back of status and count together: status first. */
    outb_(0x43, 0xc2);
    ck_assert_uint_eq(inb_(0x40), 0x80 | 0x30 | (3 << 1));
    ck_assert_uint_eq(pit_read16(0), 1000 - 238);
    /* LSB-only access mode. */
    outb_(0x43, 0x54); /* counter 1, LSB, mode 2 */
    outb_(0x41, 200);
    hvm_test_advance(ticks_ns(50));
    ck_assert_uint_eq(inb_(0x41), 150);
    hvm_test_stop();
}
END_TEST

START_TEST(pit_tiny_counts_do_not_flood)
{
    unsigned irqs = 0, i;

    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    outb_(0x43, 0x34);
    outb_(0x40, 1);
    outb_(0x40, 0);
    ck_assert_uint_ge(hvm_platform_next_deadline(T.p), T.now + 100000);
    for (i = 0; i < 1000; i++) {
        hvm_test_advance(1000);
        if (take_irq(0) >= 0) {
            irqs++;
            eoi(0);
        }
    }
    ck_assert_uint_le(irqs, 10); /* 1 ms at most every 100 us */
    ck_assert_uint_ge(irqs, 9);
    /* A whole second in one step: one interrupt, not 10 000. */
    hvm_test_advance(1000000000);
    ck_assert_int_eq(take_irq(0), 0x20);
    eoi(0);
    ck_assert_int_eq(take_irq(0), -1);
    ck_assert_uint_gt(hvm_platform_next_deadline(T.p), T.now);
    /* Count 0 is 65536. */
    outb_(0x43, 0x34);
    outb_(0x40, 0);
    outb_(0x40, 0);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), T.now + ticks_ns(65536));
    hvm_test_stop();
}
END_TEST

START_TEST(pit_counter2_gate_port61)
{
    hvm_test_start(EMU_HVM, 1);
    outb_(0x61, 0x03);
    ck_assert_uint_eq(inb_(0x61) & 0x03, 0x03);
    outb_(0x61, 0x00);
    outb_(0x43, 0xb0); /* counter 2, LSB/MSB, mode 0 */
    outb_(0x42, 1000 & 0xff);
    outb_(0x42, 1000 >> 8);
    /* Gate low: counting held. */
    hvm_test_advance(1000000);
    ck_assert_uint_eq(pit_latched(2), 1000);
    ck_assert_uint_eq(inb_(0x61) & 0x20, 0);
    outb_(0x61, 0x01);
    hvm_test_advance(ticks_ns(500));
    ck_assert_uint_eq(pit_latched(2), 500);
    outb_(0x61, 0x00); /* held again */
    hvm_test_advance(ticks_ns(300));
    ck_assert_uint_eq(pit_latched(2), 500);
    outb_(0x61, 0x01);
    ck_assert_uint_eq(inb_(0x61) & 0x20, 0);
    hvm_test_advance(ticks_ns(501));
    ck_assert_uint_eq(inb_(0x61) & 0x20, 0x20); /* OUT2 high: done */
    hvm_test_stop();
}
END_TEST

/* ---- RTC ---- */
static uint8_t cmos(uint8_t idx)
{
    outb_(0x70, idx);
    return (uint8_t)inb_(0x71);
}
static void cmos_set(uint8_t idx, uint8_t v)
{
    outb_(0x70, idx);
    outb_(0x71, v);
}

START_TEST(rtc_time_bcd_binary_offset)
{
    /* Host time 1700000000: Tuesday 2023-11-14 22:13:20 UTC. */
    hvm_test_start(EMU_HVM, 1);
    ck_assert_uint_eq(cmos(0x0b), 0x02); /* 24 hour, BCD */
    ck_assert_uint_eq(cmos(0), 0x20);
    ck_assert_uint_eq(cmos(2), 0x13);
    ck_assert_uint_eq(cmos(4), 0x22);
    ck_assert_uint_eq(cmos(6), 3);
    ck_assert_uint_eq(cmos(7), 0x14);
    ck_assert_uint_eq(cmos(8), 0x11);
    ck_assert_uint_eq(cmos(9), 0x23);
    ck_assert_uint_eq(cmos(0x32), 0x20);
    ck_assert_uint_eq(cmos(0x0d), 0x80);
    hvm_test_advance(2000000000);
    ck_assert_uint_eq(cmos(0), 0x22);
    cmos_set(0x0b, 0x06); /* binary */
    ck_assert_uint_eq(cmos(0), 22);
    ck_assert_uint_eq(cmos(4), 22);
    ck_assert_uint_eq(cmos(9), 23);
    cmos_set(0x0b, 0x04); /* binary, 12 hour: 10 PM */
    ck_assert_uint_eq(cmos(4), 0x80 | 10);
    /* The BIOS bytes. */
    ck_assert_uint_eq(cmos(0x15), 0x80);
    ck_assert_uint_eq(cmos(0x16), 0x02);
    cmos_set(0x40, 0x5a);
    ck_assert_uint_eq(cmos(0x40), 0x5a);
    /* Boot order for hvmloader: "cd" by default, then xl.cfg's. */
    ck_assert_uint_eq(cmos(0x3d), 0x32);
    ck_assert_int_eq(hvm_platform_set_boot_order(T.p, "ndc"), 0);
    ck_assert_uint_eq(cmos(0x3d), 0x34);
    ck_assert_uint_eq(cmos(0x38), 0x20);
    ck_assert_int_eq(hvm_platform_set_boot_order(T.p, "cx"), -EINVAL);
    ck_assert_int_eq(hvm_platform_set_boot_order(T.p, "cdna"), -EINVAL);
    hvm_test_stop();
    /* The domain's time offset: an hour and a day ahead. */
    hvm_test_start_offset(EMU_HVM, 1, 3600 + 86400);
    ck_assert_uint_eq(cmos(4), 0x23);
    ck_assert_uint_eq(cmos(7), 0x15);
    /* settimeoffset back to none: the clock follows. */
    hvm_platform_set_time_offset(T.p, 0);
    ck_assert_uint_eq(cmos(4), 0x22);
    ck_assert_uint_eq(cmos(7), 0x14);
    ck_assert_uint_eq(T.offset_calls, 0);
    hvm_test_stop();
}
END_TEST

START_TEST(rtc_set_time_and_update_in_progress)
{
    hvm_test_start(EMU_HVM, 1);
    /* UIP: in the last 244 us before each second's update. */
    ck_assert_uint_eq(cmos(0x0a), 0x26);
    hvm_test_advance(1000000000 - 100000);
    ck_assert_uint_eq(cmos(0x0a), 0xa6);
    hvm_test_advance(200000);
    ck_assert_uint_eq(cmos(0x0a), 0x26);
    ck_assert_uint_eq(cmos(0), 0x21);
    /* SET halts updates; the time written runs from SET's release. */
    cmos_set(0x0b, 0x82);
    cmos_set(0, 0x05);
    cmos_set(2, 0x04);
    cmos_set(4, 0x03);
    cmos_set(7, 0x02);
    cmos_set(8, 0x01);
    cmos_set(9, 0x30);
    hvm_test_advance(5000000000ULL);
    ck_assert_uint_eq(cmos(0), 0x05);
    ck_assert_uint_eq(cmos(0x0a) & 0x80, 0); /* no UIP while SET */
    cmos_set(0x0b, 0x02);
    /* The guest's time is now 2030-01-02 03:04:05 when the host's is
     * 1700000006: the domain's time offset moves, as on Xen. */
    ck_assert_uint_eq(T.offset_calls, 1);
    ck_assert_int_eq(T.new_offset, 1893553445LL - 1700000006LL);
    hvm_test_advance(1000000000);
    ck_assert_uint_eq(cmos(0), 0x06);
    ck_assert_uint_eq(cmos(2), 0x04);
    ck_assert_uint_eq(cmos(9), 0x30);
    ck_assert_uint_eq(cmos(6), 4); /* 2030-01-02 was a Wednesday */
    /* Garbage in the time registers: no crash, a valid time after. */
    cmos_set(0x0b, 0x82);
    for (uint8_t r = 0; r < 10; r++)
        cmos_set(r, 0xff);
    cmos_set(0x32, 0xff);
    cmos_set(0x0b, 0x02);
    ck_assert_uint_le(cmos(8), 0x12);
    /* Index bit 7 (NMI disable) is not part of the index. */
    outb_(0x70, 0x80 | 0x0d);
    ck_assert_uint_eq(inb_(0x71), 0x80);
    cmos_set(0x0d, 0);
    ck_assert_uint_eq(cmos(0x0d), 0x80);
    hvm_test_stop();
}
END_TEST

START_TEST(rtc_periodic_update_alarm_irq8)
{
    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    cmos_set(0x0b, 0x42); /* PIE, 1024 Hz */
    ck_assert_uint_le(hvm_platform_next_deadline(T.p), T.now + 976563);
    hvm_test_advance(976563);
    ck_assert_int_eq(take_irq(0), 0x28);
    eoi(8);
    /* Until C is read, IRQ 8 stays high: no new edge. */
    hvm_test_advance(976563);
    ck_assert_int_eq(take_irq(0), -1);
    ck_assert_uint_eq(cmos(0x0c), 0xc0); /* IRQF, PF */
    ck_assert_uint_eq(cmos(0x0c), 0x00);
    hvm_test_advance(976563);
    ck_assert_int_eq(take_irq(0), 0x28);
    eoi(8);
    cmos(0x0c);
    /* Rate 0 stops it. */
    cmos_set(0x0a, 0x20);
    hvm_test_advance(10000000);
    ck_assert_int_eq(take_irq(0), -1);
    /* Update-ended: once a second. */
    cmos_set(0x0b, 0x12);
    cmos(0x0c);
    hvm_test_advance(1000000000);
    ck_assert_int_eq(take_irq(0), 0x28);
    eoi(8);
    ck_assert_uint_eq(cmos(0x0c) & 0x90, 0x90);
    /* Alarm: two seconds from now, hours and minutes "don't care". */
    cmos_set(0x0b, 0x22);
    {
        uint8_t sec = cmos(0);
        unsigned bin = ((sec >> 4) * 10 + (sec & 0xf) + 2) % 60;

        cmos_set(1, (uint8_t)((bin / 10) << 4 | bin % 10));
    }
    cmos_set(3, 0xc0);
    cmos_set(5, 0xc0);
    cmos(0x0c);
    hvm_test_advance(1000000000);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_advance(1000000000);
    ck_assert_int_eq(take_irq(0), 0x28);
    ck_assert_uint_eq(cmos(0x0c) & 0xa0, 0xa0);
    hvm_test_stop();
}
END_TEST

/* ---- PM timer ---- */
START_TEST(pm_timer_rate_and_monotonic)
{
    uint32_t a, b, prev;
    uint64_t seed = 1;

    hvm_test_start(EMU_HVM, 1);
    a = inl_(0xb008);
    hvm_test_advance(1000000000);
    b = inl_(0xb008);
    ck_assert_uint_eq(b - a, 3579545);
    hvm_test_advance(10000000);
    ck_assert_uint_eq(inl_(0xb008) - b, 35795);
    prev = inl_(0xb008);
    for (int i = 0; i < 1000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        hvm_test_advance((seed >> 33) % 5000000);
        a = inl_(0xb008);
        ck_assert_uint_ge(a, prev);
        prev = a;
    }
    /* Byte reads of the counter; writes do nothing. */
    outb_(0xb008, 0);
    ck_assert_uint_eq(inb_(0xb00b), (inl_(0xb008) >> 24) & 0xff);
    /* ACPI mode always: SCI_EN set. */
    ck_assert_uint_eq(inb_(0xb004) & 1, 1);
    outb_(0xb005, 0x20 | (5 << 2)); /* SLP_EN, SLP_TYP 5 */
    ck_assert_int_eq(T.sleep_typ, 5);
    ck_assert_uint_eq(inb_(0xb005) & 0x20, 0);
    hvm_test_stop();
}
END_TEST

START_TEST(pm_timer_status_and_sci)
{
    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    outb_(0x4d1, 0x02); /* IRQ 9 (the SCI) level */
    ck_assert_uint_eq(inb_(0xb000) & 1, 0);
    outb_(0xb002, 0x01); /* TMR_EN */
    ck_assert_uint_le(hvm_platform_next_deadline(T.p), T.now + 600000000000ULL);
    hvm_test_advance(600000000000ULL); /* 2^31 ticks: 599.9 s */
    ck_assert_uint_eq(inb_(0xb000) & 1, 1);
    ck_assert_int_eq(take_irq(0), 0x29);
    outb_(0xb000, 0x01); /* write 1 to clear */
    ck_assert_uint_eq(inb_(0xb000) & 1, 0);
    eoi(9);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_stop();
}
END_TEST

/* ---- HPET ---- */
static uint64_t hpet_rd(unsigned off)
{
    uint64_t v = 0;

    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfed00000ULL + off, 8, false, &v), 0);
    return v;
}
static void hpet_wr(unsigned off, uint64_t v)
{
    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfed00000ULL + off, 8, true, &v), 0);
}

START_TEST(hpet_counter_and_capabilities)
{
    hvm_test_start(EMU_HVM, 1);
    /* 8086, legacy replacement, 64-bit, three timers, 16 ns a tick. */
    ck_assert_uint_eq(mmio_rd(0xfed00000ULL), 0x8086a201);
    ck_assert_uint_eq(mmio_rd(0xfed00004ULL), 16000000);
    ck_assert_uint_eq(hpet_rd(0xf0), 0);
    hvm_test_advance(1000000);
    ck_assert_uint_eq(hpet_rd(0xf0), 0); /* halted until enabled */
    hpet_wr(0x10, 1);
    hvm_test_advance(1000000);
    ck_assert_uint_eq(hpet_rd(0xf0), 62500);
    ck_assert_uint_eq(mmio_rd(0xfed000f0ULL), 62500);
    hpet_wr(0xf0, 5); /* not while running */
    ck_assert_uint_eq(hpet_rd(0xf0), 62500);
    hpet_wr(0x10, 0);
    hvm_test_advance(1000000);
    ck_assert_uint_eq(hpet_rd(0xf0), 62500);
    hpet_wr(0xf0, 0x100000000ULL);
    hpet_wr(0x10, 1);
    hvm_test_advance(32);
    ck_assert_uint_eq(hpet_rd(0xf0), 0x100000002ULL);
    /* Timer capabilities: periodic, 64-bit, GSI 20-23; FSB not offered. */
    ck_assert_uint_eq(hpet_rd(0x100), 0x00f0000000000030ULL);
    hpet_wr(0x100, ~0ULL);
    ck_assert_uint_eq(hpet_rd(0x100) & 0xffff, 0x3f7e);
    hvm_test_stop();
    /* PVH has none. */
    hvm_test_start(EMU_PVH, 1);
    {
        uint64_t v;

        ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfed00000ULL, 4, false, &v), -ENOENT);
    }
    hvm_test_stop();
}
END_TEST

START_TEST(hpet_legacy_oneshot_and_level_periodic)
{
    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    /* Legacy replacement: timer 0 is IRQ 0; one shot 10 us ahead. */
    hpet_wr(0x10, 3);
    hpet_wr(0x100, 1ULL << 2);
    hpet_wr(0x108, hpet_rd(0xf0) + 625);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), T.now + 10000);
    hvm_test_advance(10000);
    ck_assert_int_eq(take_irq(0), 0x20);
    eoi(0);
    ck_assert_uint_eq(hvm_platform_next_deadline(T.p), UINT64_MAX);
    /* Timer 2: periodic, level, GSI 20 through the IO-APIC, 1 ms. */
    mmio_wr(0xfec00000ULL, 0x10 + 2 * 20);
    mmio_wr(0xfec00010ULL, 0x8060);
    hpet_wr(0x140, (1ULL << 1) | (1ULL << 2) | (1ULL << 3) | (20ULL << 9));
    hpet_wr(0x148, 62500);
    hvm_test_advance(1000000);
    ck_assert_int_eq(take_irq(0), 0x60);
    ck_assert_uint_eq(hpet_rd(0x20), 4);
    lapic_wr(0, 0xb0, 0);
    ck_assert_int_eq(take_irq(0), 0x60); /* still asserted */
    hpet_wr(0x20, 4);                    /* clear the status: line low */
    lapic_wr(0, 0xb0, 0);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_advance(1000000);
    ck_assert_int_eq(take_irq(0), 0x60);
    hpet_wr(0x20, 4);
    lapic_wr(0, 0xb0, 0);
    /* A one-tick period cannot flood: 10 kHz at most. */
    hpet_wr(0x140, (1ULL << 2) | (1ULL << 3) | (20ULL << 9));
    hpet_wr(0x148, 1);
    hvm_test_advance(1000000);
    ck_assert_uint_ge(hvm_platform_next_deadline(T.p), T.now + 1);
    ck_assert_uint_le(hvm_platform_next_deadline(T.p), T.now + 100000);
    /* A route the timer cannot take: nothing is delivered anywhere. */
    hpet_wr(0x140, (1ULL << 2) | (5ULL << 9));
    while (take_irq(0) >= 0) /* what the fast timer left */
        lapic_wr(0, 0xb0, 0);
    hpet_wr(0x148, hpet_rd(0xf0) + 10);
    hvm_test_advance(1000);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_stop();
}
END_TEST

Suite *hvm_timer_suite(void)
{
    Suite *s = suite_create("hvm_timers");
    TCase *tc = tcase_create("timers");

    tcase_add_test(tc, pit_mode2_rate_generator);
    tcase_add_test(tc, pit_mode0_and_mode3_and_readback);
    tcase_add_test(tc, pit_tiny_counts_do_not_flood);
    tcase_add_test(tc, pit_counter2_gate_port61);
    tcase_add_test(tc, rtc_time_bcd_binary_offset);
    tcase_add_test(tc, rtc_set_time_and_update_in_progress);
    tcase_add_test(tc, rtc_periodic_update_alarm_irq8);
    tcase_add_test(tc, pm_timer_rate_and_monotonic);
    tcase_add_test(tc, pm_timer_status_and_sci);
    tcase_add_test(tc, hpet_counter_and_capabilities);
    tcase_add_test(tc, hpet_legacy_oneshot_and_level_periodic);
    suite_add_tcase(s, tc);
    return s;
}
