/*
 * check_hvm_platform.c: the emulated HVM platform as a whole: which
 * devices a domain gets from its emulation flags, the dispatch of exits,
 * the timer queue, the Xen callback vector and vectors raised from other
 * threads.  Also the test harness (check_hvm.h) and the runner.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "check_hvm.h"
#include "hvm_internal.h"

struct hvm_test T;
static atomic_uint kicks_any_thread;

static uint64_t t_now(void *o)
{
    return T.now;
}
static int64_t t_wall(void *o)
{
    return T.wall + (int64_t)(T.now - 1000000000000ULL);
}
static void t_kick(void *o, unsigned vcpu)
{
    atomic_fetch_add(&kicks_any_thread, 1);
}
static void t_event(void *o, unsigned vcpu, enum hvm_cpu_event ev, uint8_t vector)
{
    if (T.nr_events < 16) {
        T.events[T.nr_events].vcpu = vcpu;
        T.events[T.nr_events].ev = ev;
        T.events[T.nr_events].vector = vector;
    }
    T.nr_events++;
}
static void t_debug(void *o, const char *buf, size_t len)
{
    if (T.debug_len + len < sizeof(T.debug)) {
        memcpy(T.debug + T.debug_len, buf, len);
        T.debug_len += len;
    }
    T.debug_calls++;
}
static void t_serial(void *o, const uint8_t *buf, size_t len)
{
    if (T.serial_len + len <= sizeof(T.serial)) {
        memcpy(T.serial + T.serial_len, buf, len);
        T.serial_len += len;
    }
}
static void t_sleep(void *o, unsigned typ)
{
    T.sleep_typ = (int)typ;
}

static void t_offset(void *o, int64_t seconds)
{
    T.new_offset = seconds;
    T.offset_calls++;
}

static const struct hvm_platform_ops test_ops = {
    .time_offset_changed = t_offset,
    .now_ns = t_now,
    .wall_ns = t_wall,
    .kick = t_kick,
    .cpu_event = t_event,
    .debug_write = t_debug,
    .serial_write = t_serial,
    .acpi_sleep = t_sleep,
};

void hvm_test_start(uint32_t emu_flags, unsigned vcpus)
{
    hvm_test_start_offset(emu_flags, vcpus, 0);
}

void hvm_test_start_offset(uint32_t emu_flags, unsigned vcpus, int64_t time_offset_s)
{
    memset(&T, 0, sizeof(T));
    T.d.is_hvm = true;
    T.d.time_offset_seconds = time_offset_s;
    T.d.emulation_flags = emu_flags;
    T.d.max_vcpus = vcpus;
    T.now = 1000000000000ULL;
    T.wall = 1700000000LL * 1000000000LL; /* 2023-11-14 22:13:20 UTC */
    T.sleep_typ = -1;
    atomic_store(&kicks_any_thread, 0);
    T.p = hvm_platform_create(&T.d, &test_ops);
    ck_assert_ptr_nonnull(T.p);
}

void hvm_test_stop(void)
{
    hvm_platform_destroy(T.p);
    T.p = NULL;
}

void hvm_test_advance(uint64_t ns)
{
    T.now += ns;
    hvm_platform_run_timers(T.p, T.now);
}

uint32_t inb_(uint16_t port)
{
    uint32_t v = 0;

    ck_assert_int_eq(hvm_platform_pio(T.p, 0, port, 1, false, &v), 0);
    return v;
}
void outb_(uint16_t port, uint8_t v)
{
    uint32_t val = v;

    ck_assert_int_eq(hvm_platform_pio(T.p, 0, port, 1, true, &val), 0);
}
uint32_t inl_(uint16_t port)
{
    uint32_t v = 0;

    ck_assert_int_eq(hvm_platform_pio(T.p, 0, port, 4, false, &v), 0);
    return v;
}
uint32_t mmio_rd(uint64_t gpa)
{
    uint64_t v = 0;

    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, gpa, 4, false, &v), 0);
    return (uint32_t)v;
}
void mmio_wr(uint64_t gpa, uint32_t v)
{
    uint64_t val = v;

    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, gpa, 4, true, &val), 0);
}
uint32_t lapic_rd(unsigned vcpu, unsigned off)
{
    uint64_t v = 0;

    ck_assert_int_eq(hvm_platform_mmio(T.p, vcpu, 0xfee00000ULL + off, 4, false, &v), 0);
    return (uint32_t)v;
}
void lapic_wr(unsigned vcpu, unsigned off, uint32_t v)
{
    uint64_t val = v;

    ck_assert_int_eq(hvm_platform_mmio(T.p, vcpu, 0xfee00000ULL + off, 4, true, &val), 0);
}
int take_irq(unsigned vcpu)
{
    struct hvm_intack ack;

    if (!hvm_irq_pending(T.p, vcpu, true, &ack))
        return -1;
    ck_assert_int_eq(hvm_irq_ack(T.p, vcpu, &ack), 0);
    return ack.vector;
}

/* ---- presence by emulation flags ---- */
static bool has_device(const char *name)
{
    const char *names[16];
    unsigned n = hvm_platform_devices(T.p, names, 16), i;

    for (i = 0; i < n && i < 16; i++) {
        if (!strcmp(names[i], name))
            return true;
    }
    return false;
}

static int pio_rc(uint16_t port)
{
    uint32_t v;

    return hvm_platform_pio(T.p, 0, port, 1, false, &v);
}

START_TEST(hvm_flags_give_the_full_platform)
{
    static const char *const all[] = {"lapic", "pic",     "ioapic", "pit",     "hpet",
                                      "rtc",   "pmtimer", "uart",   "debugcon"};
    const char *names[16];
    unsigned i;
    uint64_t v;

    hvm_test_start(EMU_HVM, 2);
    ck_assert_uint_eq(hvm_platform_devices(T.p, names, 16), 9);
    for (i = 0; i < 9; i++)
        ck_assert_msg(has_device(all[i]), "%s missing", all[i]);
    ck_assert_int_eq(pio_rc(0x20), 0);
    ck_assert_int_eq(pio_rc(0x40), 0);
    ck_assert_int_eq(pio_rc(0x70), 0);
    ck_assert_int_eq(pio_rc(0x3f8), 0);
    ck_assert_int_eq(pio_rc(0xb008), 0);
    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfec00000ULL, 4, false, &v), 0);
    /* Nothing at a port no device claims. */
    ck_assert_int_eq(pio_rc(0x80), -ENOENT);
    hvm_test_stop();
}
END_TEST

START_TEST(pvh_flags_give_only_the_lapic)
{
    uint64_t v;

    hvm_test_start(EMU_PVH, 2);
    ck_assert(has_device("lapic"));
    ck_assert(has_device("debugcon")); /* every HVM container, as Xen */
    ck_assert_uint_eq(hvm_platform_devices(T.p, NULL, 0), 2);
    ck_assert_int_eq(pio_rc(0x20), -ENOENT);
    ck_assert_int_eq(pio_rc(0xa1), -ENOENT);
    ck_assert_int_eq(pio_rc(0x4d0), -ENOENT);
    ck_assert_int_eq(pio_rc(0x40), -ENOENT);
    ck_assert_int_eq(pio_rc(0x61), -ENOENT);
    ck_assert_int_eq(pio_rc(0x70), -ENOENT);
    ck_assert_int_eq(pio_rc(0x3f8), -ENOENT);
    ck_assert_int_eq(pio_rc(0xb008), -ENOENT);
    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfec00000ULL, 4, false, &v), -ENOENT);
    /* The LAPIC answers: its version register. */
    ck_assert_uint_eq(lapic_rd(1, 0x30), 0x50014);
    ck_assert_uint_eq(lapic_rd(1, 0x20), 2u << 24);
    ck_assert_int_eq(hvm_platform_set_boot_order(T.p, "c"), -ENODEV);
    /* No PIC: nothing reaches vCPU 0 through LINT0. */
    ck_assert_int_eq(hvm_platform_set_isa_irq(T.p, 1, true), 0);
    ck_assert_int_eq(take_irq(0), -1);
    hvm_test_stop();
}
END_TEST

START_TEST(each_flag_controls_its_device)
{
    uint64_t v;

    hvm_test_start(EMU_HVM & ~XEN_X86_EMU_PIT, 1);
    ck_assert(!has_device("pit"));
    ck_assert_int_eq(pio_rc(0x40), -ENOENT);
    ck_assert_int_eq(pio_rc(0x70), 0);
    hvm_test_stop();
    hvm_test_start(EMU_HVM & ~(XEN_X86_EMU_RTC | XEN_X86_EMU_PM | XEN_X86_EMU_IOAPIC), 1);
    ck_assert(!has_device("rtc") && !has_device("pmtimer") && !has_device("ioapic"));
    ck_assert_int_eq(pio_rc(0x71), -ENOENT);
    ck_assert_int_eq(pio_rc(0xb000), -ENOENT);
    ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfec00010ULL, 4, false, &v), -ENOENT);
    ck_assert(has_device("pit") && has_device("pic"));
    hvm_test_stop();
    /* No LAPIC flag, no LAPIC: its MSRs are not handled here. */
    hvm_test_start(0, 1);
    ck_assert(!has_device("lapic"));
    v = 0;
    ck_assert_int_eq(hvm_platform_msr(T.p, 0, 0x1b, false, &v), -ENOENT);
    ck_assert_int_eq(hvm_platform_raise_vector(T.p, 0, 0x40), -ENODEV);
    hvm_test_stop();
}
END_TEST

START_TEST(pv_domains_and_bad_arguments_are_refused)
{
    struct domain d;
    struct hvm_platform_ops ops = {0};

    memset(&d, 0, sizeof(d));
    d.max_vcpus = 1;
    d.emulation_flags = EMU_HVM;
    ops.now_ns = NULL;
    d.is_hvm = true;
    ck_assert_ptr_null(hvm_platform_create(&d, &ops)); /* no clock */
    hvm_test_start(EMU_HVM, 2);
    d.is_hvm = false;
    ck_assert_ptr_null(hvm_platform_create(&d, &(struct hvm_platform_ops){.now_ns = t_now}));
    ck_assert_int_eq(errno, EINVAL);
    {
        uint32_t v = 0;
        uint64_t q = 0;

        ck_assert_int_eq(hvm_platform_pio(T.p, 2, 0x20, 1, false, &v), -EINVAL);
        ck_assert_int_eq(hvm_platform_pio(T.p, 0, 0x20, 3, false, &v), -EINVAL);
        ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfec00000ULL, 16, false, &q), -EINVAL);
        /* An access straddling the end of a device's range is not its. */
        ck_assert_int_eq(hvm_platform_pio(T.p, 0, 0x3ff, 2, false, &v), -ENOENT);
        ck_assert_int_eq(hvm_platform_mmio(T.p, 0, 0xfec000fcULL, 8, false, &q), -ENOENT);
        ck_assert_int_eq(hvm_platform_raise_vector(T.p, 2, 0x40), -EINVAL);
        ck_assert_int_eq(hvm_platform_raise_vector(T.p, 0, 15), -EINVAL);
        ck_assert_int_eq(hvm_platform_set_gsi(T.p, 48, true), -EINVAL);
        ck_assert_int_eq(hvm_platform_set_isa_irq(T.p, 16, true), -EINVAL);
    }
    hvm_test_stop();
}
END_TEST

/* ---- the timer queue ---- */
static unsigned fired[4];
static struct hvm_timerq *fire_q;
static void count_fire(struct hvm_timer *t, uint64_t now)
{
    fired[(uintptr_t)t->data]++;
}
static void rearm_in_past(struct hvm_timer *t, uint64_t now)
{
    fired[(uintptr_t)t->data]++;
    hvm_timer_set(fire_q, t, now - 5); /* a device bug or hostile value */
}

START_TEST(timer_queue_orders_and_fires_once_per_pass)
{
    struct hvm_timerq q = {0};
    struct hvm_timer a, b, c;

    memset(fired, 0, sizeof(fired));
    fire_q = &q;
    hvm_timer_init(&a, count_fire, (void *)0);
    hvm_timer_init(&b, count_fire, (void *)1);
    hvm_timer_init(&c, rearm_in_past, (void *)2);
    ck_assert_uint_eq(hvm_timerq_next(&q), UINT64_MAX);
    hvm_timer_set(&q, &a, 300);
    hvm_timer_set(&q, &b, 100);
    hvm_timer_set(&q, &c, 200);
    ck_assert_uint_eq(hvm_timerq_next(&q), 100);
    hvm_timer_set(&q, &b, 400); /* re-arming moves it */
    ck_assert_uint_eq(hvm_timerq_next(&q), 200);
    hvm_timer_stop(&q, &a);
    hvm_timerq_run(&q, 250);
    ck_assert_uint_eq(fired[2], 1);
    ck_assert_uint_eq(fired[0], 0);
    /* c re-armed itself in the past: due next pass, not spinning now. */
    ck_assert_uint_eq(hvm_timerq_next(&q), 251);
    hvm_timerq_run(&q, 1000);
    ck_assert_uint_eq(fired[2], 2);
    ck_assert_uint_eq(fired[1], 1);
    ck_assert_uint_eq(fired[0], 0);
    hvm_timer_stop(&q, &c);
    ck_assert_uint_eq(hvm_timerq_next(&q), UINT64_MAX);
    ck_assert_uint_eq(hvm_next_period(1000, 100, 1000), 1100);
    ck_assert_uint_eq(hvm_next_period(1000, 100, 1350), 1400);
    ck_assert_uint_eq(hvm_next_period(1000, 100, 500), 1000);
}
END_TEST

/* ---- the Xen callback vector and raised vectors ---- */
START_TEST(callback_vector_needs_no_eoi)
{
    struct hvm_intack ack, again;

    hvm_test_start(EMU_PVH, 2);
    /* LAPIC still software-disabled (SVR 0xff): the callback still comes. */
    ck_assert_int_eq(hvm_platform_raise_callback(T.p, 1, 0xf3), 0);
    ck_assert(!hvm_irq_pending(T.p, 0, true, &ack));
    ck_assert(!hvm_irq_pending(T.p, 1, false, &ack)); /* IF clear */
    ck_assert(hvm_irq_pending(T.p, 1, true, &ack));
    ck_assert_int_eq(ack.source, HVM_INTSRC_CALLBACK);
    ck_assert_uint_eq(ack.vector, 0xf3);
    again = ack;
    ck_assert_int_eq(hvm_irq_ack(T.p, 1, &ack), 0);
    ck_assert(!hvm_irq_pending(T.p, 1, true, &ack));
    ck_assert_int_eq(hvm_irq_ack(T.p, 1, &again), -EAGAIN); /* taken once */
    /* Nothing in service: a lower vector through the LAPIC still arrives. */
    lapic_wr(1, 0xf0, 0x1ff);
    ck_assert_uint_eq(lapic_rd(1, 0x100 + 0x70), 0); /* ISR of 0xf3 clear */
    ck_assert_int_eq(hvm_platform_raise_vector(T.p, 1, 0x31), 0);
    ck_assert_int_eq(take_irq(1), 0x31);
    ck_assert_uint_eq(lapic_rd(1, 0x110), 1u << 17); /* 0x31 in service */
    lapic_wr(1, 0xb0, 0);
    ck_assert_uint_eq(lapic_rd(1, 0x110), 0);
    ck_assert_uint_ge(atomic_load(&kicks_any_thread), 2);
    hvm_test_stop();
}
END_TEST

static void *raiser(void *arg)
{
    unsigned i;

    for (i = 0; i < 200; i++)
        hvm_platform_raise_vector(T.p, i % 2, (uint8_t)(0x40 + i % 64));
    return NULL;
}

START_TEST(vectors_raised_from_other_threads_arrive)
{
    pthread_t th[2];
    unsigned i, v, n;

    hvm_test_start(EMU_HVM, 2);
    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(1, 0xf0, 0x1ff);
    for (i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, raiser, NULL), 0);
    for (i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    hvm_platform_poll(T.p);
    /* vCPU 0 got the even vectors, vCPU 1 the odd ones, each once. */
    for (v = 0; v < 2; v++) {
        int prev = 256, x;

        n = 0;
        while ((x = take_irq(v)) >= 0) {
            ck_assert_int_lt(x, prev);
            ck_assert_int_eq(x % 2, (int)v);
            prev = x;
            lapic_wr(v, 0xb0, 0);
            n++;
        }
        ck_assert_uint_eq(n, 32);
    }
    ck_assert_uint_eq(atomic_load(&kicks_any_thread), 400);
    hvm_test_stop();
}
END_TEST

/* ---- save and restore ---- */
static void put_record(uint8_t *buf, size_t *off, uint16_t type, uint16_t inst, const void *data,
                       uint32_t len)
{
    struct {
        uint16_t type, inst;
        uint32_t len;
    } d = {type, inst, len};

    memcpy(buf + *off, &d, 8);
    memcpy(buf + *off + 8, data, len);
    *off += 8 + len;
}

START_TEST(save_and_restore_round_trip)
{
    static uint8_t a[16384], b[16384], bad[2048];
    struct hvm_platform *pa, *pb;
    int na, nb;
    size_t off, n;
    unsigned counts[16] = {0};

    hvm_test_start(EMU_HVM, 2);
    pa = T.p;
    /* A platform in use: PIC, IO-APIC, LAPICs with a timer and a pending
     * vector, the PIT counting, the RTC interrupting, the PM timer on. */
    outb_(0x20, 0x11);
    outb_(0x21, 0x30);
    outb_(0x21, 0x04);
    outb_(0x21, 0x01);
    outb_(0x21, 0xa5);
    outb_(0x4d1, 0x0c);
    mmio_wr(0xfec00000ULL, 0x10 + 40);
    mmio_wr(0xfec00010ULL, 0x8077);
    lapic_wr(1, 0xf0, 0x1ff);
    lapic_wr(1, 0x80, 0x20);
    lapic_wr(1, 0x3e0, 0x3);
    lapic_wr(1, 0x320, 0x20041);
    lapic_wr(1, 0x380, 100000);
    hvm_platform_raise_vector(T.p, 1, 0x51);
    hvm_platform_poll(T.p);
    outb_(0x43, 0x34);
    outb_(0x40, 0xe8);
    outb_(0x40, 0x03);
    outb_(0x70, 0x0b);
    outb_(0x71, 0x42);
    outb_(0xb002, 0x01);
    {
        uint64_t q = 1;

        hvm_platform_mmio(T.p, 0, 0xfed00010ULL, 8, true, &q); /* HPET on */
        q = (1ULL << 2) | (1ULL << 3) | (21ULL << 9);
        hvm_platform_mmio(T.p, 0, 0xfed00140ULL, 8, true, &q);
        q = 100000;
        hvm_platform_mmio(T.p, 0, 0xfed00148ULL, 8, true, &q);
    }
    hvm_test_advance(12345678);
    na = hvm_platform_save(T.p, a, sizeof(a));
    ck_assert_int_gt(na, 0);
    ck_assert_int_eq(hvm_platform_save(T.p, a, 100), -ENOSPC);
    for (off = 0; off < (size_t)na; off += 8 + (a[off + 4] | a[off + 5] << 8)) {
        ck_assert_uint_lt(a[off], 16);
        counts[a[off]]++;
    }
    ck_assert_uint_eq(counts[3], 2);  /* PIC: master and slave */
    ck_assert_uint_eq(counts[4], 1);  /* IO-APIC */
    ck_assert_uint_eq(counts[5], 2);  /* LAPIC per vCPU */
    ck_assert_uint_eq(counts[6], 2);  /* LAPIC_REGS per vCPU */
    ck_assert_uint_eq(counts[10], 1); /* PIT */
    ck_assert_uint_eq(counts[11], 1); /* RTC */
    ck_assert_uint_eq(counts[12], 1); /* HPET */
    ck_assert_uint_eq(counts[13], 1); /* PM timer */
    /* A fresh platform loads it and saves the same records. */
    pb = hvm_platform_create(&T.d, &test_ops);
    ck_assert_ptr_nonnull(pb);
    ck_assert_int_eq(hvm_platform_load(pb, a, (size_t)na), 0);
    nb = hvm_platform_save(pb, b, sizeof(b));
    ck_assert_int_eq(nb, na);
    ck_assert(!memcmp(a, b, (size_t)na));
    /* And behaves the same: the pending vector, the timers. */
    T.p = pb;
    ck_assert_uint_eq(inb_(0x21), 0xa5);
    ck_assert_int_eq(take_irq(1), 0x51);
    ck_assert_uint_le(hvm_platform_next_deadline(pb), T.now + 1600000);
    hvm_platform_destroy(pb);
    T.p = pa;
    /* Hostile streams. */
    pb = hvm_platform_create(&T.d, &test_ops);
    ck_assert_int_eq(hvm_platform_load(pb, a, 7), -EINVAL);     /* cut descriptor */
    ck_assert_int_eq(hvm_platform_load(pb, a, 8 + 4), -EINVAL); /* cut payload */
    off = 0;
    put_record(bad, &off, 2, 0, "cpu state is not ours", 21); /* skipped */
    ck_assert_int_eq(hvm_platform_load(pb, bad, off), 0);
    n = off;
    put_record(bad, &off, 5, 7, a + 8, 24); /* LAPIC of a vCPU that does not exist */
    ck_assert_int_eq(hvm_platform_load(pb, bad, off), -EINVAL);
    off = n;
    {
        uint8_t pic[8] = {0, 0, 0, 0x20, 0, 0};

        put_record(bad, &off, 3, 0, pic, 8); /* master without its is_master bit */
        ck_assert_int_eq(hvm_platform_load(pb, bad, off), -EINVAL);
    }
    off = n;
    {
        uint8_t pit[56] = {0};

        pit[13] = 9; /* mode 9 */
        put_record(bad, &off, 10, 0, pit, 56);
        ck_assert_int_eq(hvm_platform_load(pb, bad, off), -EINVAL);
        memset(pit, 0, sizeof(pit));
        pit[2] = 2; /* count 0x20000 */
        off = n;
        put_record(bad, &off, 10, 0, pit, 56);
        ck_assert_int_eq(hvm_platform_load(pb, bad, off), -EINVAL);
    }
    off = n;
    {
        uint8_t io[400] = {0};

        put_record(bad, &off, 4, 0, io, 400); /* base address 0 */
        ck_assert_int_eq(hvm_platform_load(pb, bad, off), -EINVAL);
        off = n;
        io[0] = 0x00, io[1] = 0x00, io[2] = 0xc0, io[3] = 0xfe; /* right base, short */
        put_record(bad, &off, 4, 0, io, 399);
        ck_assert_int_eq(hvm_platform_load(pb, bad, off), -EINVAL);
    }
    hvm_platform_destroy(pb);
    hvm_test_stop();
}
END_TEST

/* ---- a hostile guest ---- */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

START_TEST(random_accesses_from_a_hostile_guest)
{
    static const uint16_t ports[] = {0x20,   0x21,   0xa0,   0xa1,  0x4d0, 0x4d1, 0x40,
                                     0x41,   0x42,   0x43,   0x61,  0x70,  0x71,  0xb000,
                                     0xb002, 0xb004, 0xb008, 0x3f8, 0x3f9, 0x3fa, 0x3fb,
                                     0x3fc,  0x3fd,  0x3fe,  0x3ff, 0xe9};
    static const unsigned sizes[] = {1, 2, 4};
    unsigned i, v;
    struct hvm_intack ack;

    hvm_test_start(EMU_HVM, 4);
    hvm_platform_set_tsc_khz(T.p, 3000000);
    for (i = 0; i < 100000; i++) {
        uint64_t r = rnd(), val = rnd();
        uint32_t v32 = (uint32_t)val;
        unsigned vcpu = (unsigned)(r >> 8) % 4;

        switch (r % 6) {
        case 0:
            hvm_platform_pio(T.p, vcpu, ports[(r >> 16) % 26], sizes[(r >> 24) % 3], (r >> 30) & 1,
                             &v32);
            break;
        case 1:
            hvm_platform_mmio(T.p, vcpu, 0xfee00000ULL + ((r >> 16) & 0xfff), 4, (r >> 30) & 1,
                              &val);
            break;
        case 2:
            if ((r >> 31) & 1)
                hvm_platform_mmio(T.p, vcpu, 0xfed00000ULL + ((r >> 16) & 0x3f8), 8, (r >> 30) & 1,
                                  &val);
            else
                hvm_platform_mmio(T.p, vcpu, 0xfec00000ULL + ((r >> 16) & 0x1f), 4, (r >> 30) & 1,
                                  &val);
            break;
        case 3:
            hvm_platform_msr(T.p, vcpu,
                             (r >> 16) & 1 ? 0x800 + ((r >> 17) & 0xff)
                                           : ((r >> 17) & 1 ? 0x1b : 0x6e0),
                             (r >> 30) & 1, &val);
            break;
        case 4:
            hvm_platform_set_gsi(T.p, (unsigned)(val % 48), (r >> 30) & 1);
            break;
        default:
            hvm_test_advance(val % 2000000);
            break;
        }
        /* The CPU takes what is offered, as a guest with IF set would. */
        for (v = 0; v < 4; v++) {
            if (hvm_irq_pending(T.p, v, true, &ack))
                ck_assert_int_eq(hvm_irq_ack(T.p, v, &ack), 0);
        }
        /* Whatever the guest did, one pass leaves nothing due: no spinning. */
        hvm_platform_run_timers(T.p, T.now);
        ck_assert_uint_gt(hvm_platform_next_deadline(T.p), T.now);
    }
    hvm_test_stop();
}
END_TEST

Suite *hvm_platform_suite(void)
{
    Suite *s = suite_create("hvm_platform");
    TCase *tc = tcase_create("platform");

    tcase_add_test(tc, hvm_flags_give_the_full_platform);
    tcase_add_test(tc, pvh_flags_give_only_the_lapic);
    tcase_add_test(tc, each_flag_controls_its_device);
    tcase_add_test(tc, pv_domains_and_bad_arguments_are_refused);
    tcase_add_test(tc, timer_queue_orders_and_fires_once_per_pass);
    tcase_add_test(tc, callback_vector_needs_no_eoi);
    tcase_add_test(tc, vectors_raised_from_other_threads_arrive);
    tcase_add_test(tc, random_accesses_from_a_hostile_guest);
    tcase_add_test(tc, save_and_restore_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hvm_platform_suite());
    int failed;

    srunner_add_suite(sr, hvm_irqchip_suite());
    srunner_add_suite(sr, hvm_timer_suite());
    srunner_add_suite(sr, hvm_uart_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
