/*
 * vhpet.c: the HPET at 0xfed00000 as Xen presents it: vendor 0x8086, a
 * 64-bit main counter at 62.5 MHz (16 ns a tick), three 64-bit timers
 * (one-shot or periodic, 32-bit mode, edge or level) routed to GSI 20-23,
 * or in legacy replacement timer 0 to ISA IRQ 0 and timer 1 to ISA IRQ 8.
 * The counter is computed from the clock.  Periodic timers fire at most
 * every HVM_MIN_PERIOD_NS and a late timer fires once, so no comparator
 * or period a guest writes can make the host spin.  FSB delivery is not
 * offered.  Present where XEN_X86_EMU_HPET is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

#define HPET_BASE      0xfed00000ULL
#define HPET_LEN       0x400
#define HPET_TIMERS    3
#define TICK_NS        16
#define PERIOD_FS      16000000ULL /* 16 ns */
#define CFG_ENABLE     1ULL
#define CFG_LEGACY     2ULL
#define TN_LEVEL       (1ULL << 1)
#define TN_ENABLE      (1ULL << 2)
#define TN_PERIODIC    (1ULL << 3)
#define TN_PERIODIC_OK (1ULL << 4)
#define TN_64BIT_OK    (1ULL << 5)
#define TN_SETVAL      (1ULL << 6)
#define TN_32BIT       (1ULL << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_CAP   (0x00f00000ULL << 32) /* GSI 20-23 */
#define TN_WRITABLE    (TN_LEVEL | TN_ENABLE | TN_PERIODIC | TN_SETVAL | TN_32BIT | (0x1fULL << 9))

struct hpet_timer {
    struct vhpet *h;
    unsigned n;
    uint64_t config, cmp, period;
    bool line; /* the level line is held */
    struct hvm_timer timer;
};

struct vhpet {
    struct hvm_platform *p;
    uint64_t config, isr;
    uint64_t counter_base; /* the counter at base_ns (or, stopped, now) */
    uint64_t base_ns;
    struct hpet_timer t[HPET_TIMERS];
};

static uint64_t counter(const struct vhpet *h, uint64_t now)
{
    if (!(h->config & CFG_ENABLE))
        return h->counter_base;
    return h->counter_base + (now > h->base_ns ? (now - h->base_ns) / TICK_NS : 0);
}

/* The line a timer drives: ISA IRQ (legacy), GSI, or none (-1). */
static int timer_gsi(const struct hpet_timer *t, bool *isa)
{
    unsigned route = (t->config >> TN_ROUTE_SHIFT) & 0x1f;

    *isa = false;
    if ((t->h->config & CFG_LEGACY) && t->n < 2) {
        *isa = true;
        return t->n == 0 ? 0 : 8;
    }
    if (!((TN_ROUTE_CAP >> 32) & (1u << route)))
        return -1;
    return (int)route;
}

static void set_line(struct hpet_timer *t, bool level)
{
    bool isa;
    int line = timer_gsi(t, &isa);

    t->line = level;
    if (line < 0)
        return;
    if (isa)
        hvm_isa_irq_set(t->h->p, (unsigned)line, level);
    else
        hvm_platform_set_gsi(t->h->p, (unsigned)line, level);
}

static void raise_irq(struct hpet_timer *t)
{
    if (!(t->config & TN_ENABLE))
        return;
    if (t->config & TN_LEVEL) {
        t->h->isr |= 1ULL << t->n;
        set_line(t, true);
    } else {
        set_line(t, true);
        set_line(t, false);
    }
}

/* Arm t's host timer at the comparator's next match after now. */
static void arm(struct hpet_timer *t, uint64_t now)
{
    struct vhpet *h = t->h;
    uint64_t c = counter(h, now), diff, mask;

    hvm_timer_stop(&h->p->timers, &t->timer);
    if (!(h->config & CFG_ENABLE))
        return;
    mask = (t->config & TN_32BIT) ? 0xffffffffULL : ~0ULL;
    diff = (t->cmp - c) & mask; /* ticks to the match; 0 means now */
    if (diff == 0)
        diff = mask == ~0ULL ? 0 : 1ULL << 32;
    if (diff > (UINT64_MAX - now) / TICK_NS)
        return; /* beyond the end of time */
    hvm_timer_set(&h->p->timers, &t->timer, now + diff * TICK_NS);
}

static void hpet_fire(struct hvm_timer *ht, uint64_t now)
{
    struct hpet_timer *t = ht->data;
    struct vhpet *h = t->h;
    uint64_t mask = (t->config & TN_32BIT) ? 0xffffffffULL : ~0ULL;
    uint64_t c = counter(h, now) & mask, step;

    raise_irq(t);
    if ((t->config & TN_PERIODIC) && t->period) {
        /* Next comparator value after now, at most 10 kHz. */
        step = t->period;
        if (step < (HVM_MIN_PERIOD_NS + TICK_NS - 1) / TICK_NS)
            step = (HVM_MIN_PERIOD_NS + TICK_NS - 1) / TICK_NS;
        t->cmp = (t->cmp + (((c - t->cmp) & mask) / step + 1) * step) & mask;
        arm(t, now);
    } else if (t->config & TN_32BIT) {
        arm(t, now); /* matches again after the 32-bit wrap */
    }
}

static uint64_t reg_read(struct vhpet *h, unsigned off, uint64_t now)
{
    if (off >= 0x100 && off < 0x100 + 0x20 * HPET_TIMERS) {
        const struct hpet_timer *t = &h->t[(off - 0x100) / 0x20];

        switch (off & 0x1f) {
        case 0x00:
            return t->config | TN_PERIODIC_OK | TN_64BIT_OK | TN_ROUTE_CAP;
        case 0x08:
            return t->cmp;
        default:
            return 0; /* FSB route: not offered */
        }
    }
    switch (off) {
    case 0x000:
        return (PERIOD_FS << 32) | 0x8086ULL << 16 | (1ULL << 15) /* legacy */ |
               (1ULL << 13) /* 64-bit */ | (uint64_t)(HPET_TIMERS - 1) << 8 | 0x01;
    case 0x010:
        return h->config;
    case 0x020:
        return h->isr;
    case 0x0f0:
        return counter(h, now);
    default:
        return 0;
    }
}

static void timer_write(struct vhpet *h, struct hpet_timer *t, unsigned reg, uint64_t val,
                        uint64_t mask, uint64_t now)
{
    if (reg == 0x00) {
        uint64_t old = t->config;

        t->config = (t->config & ~(mask & TN_WRITABLE)) | (val & mask & TN_WRITABLE);
        if ((old ^ t->config) & (TN_LEVEL | TN_ENABLE) && t->line) {
            set_line(t, false); /* no longer level or enabled: let go */
            h->isr &= ~(1ULL << t->n);
        }
        if (t->config & TN_32BIT)
            t->cmp &= 0xffffffffULL;
    } else if (reg == 0x08) {
        uint64_t cmp = (t->cmp & ~mask) | (val & mask);

        if (t->config & TN_32BIT)
            cmp &= 0xffffffffULL;
        if ((t->config & TN_PERIODIC) && !(t->config & TN_SETVAL)) {
            t->period = cmp; /* a periodic timer's comparator write sets the period */
            t->cmp = counter(h, now) + cmp;
        } else {
            if (t->config & TN_PERIODIC)
                t->period = cmp;
            t->cmp = cmp;
        }
        if (t->config & TN_32BIT) {
            t->cmp &= 0xffffffffULL;
            t->period &= 0xffffffffULL;
        }
        t->config &= ~TN_SETVAL;
    } else {
        return; /* FSB route */
    }
    arm(t, now);
}

static void reg_write(struct vhpet *h, unsigned off, uint64_t val, uint64_t mask, uint64_t now)
{
    unsigned i;

    if (off >= 0x100 && off < 0x100 + 0x20 * HPET_TIMERS) {
        timer_write(h, &h->t[(off - 0x100) / 0x20], off & 0x18, val, mask, now);
        return;
    }
    switch (off) {
    case 0x010: {
        uint64_t old = h->config, c = counter(h, now);

        h->config = (h->config & ~(mask & 3)) | (val & mask & 3);
        if ((old ^ h->config) & CFG_ENABLE) {
            h->counter_base = c; /* starts or stops here */
            h->base_ns = now;
        }
        if ((old ^ h->config) & CFG_LEGACY) {
            for (i = 0; i < HPET_TIMERS; i++) {
                if (h->t[i].line) {
                    set_line(&h->t[i], false);
                    h->isr &= ~(1ULL << i);
                }
            }
        }
        for (i = 0; i < HPET_TIMERS; i++)
            arm(&h->t[i], now);
        break;
    }
    case 0x020: /* write 1 to clear a level timer's status */
        for (i = 0; i < HPET_TIMERS; i++) {
            if ((val & mask & h->isr) & (1ULL << i)) {
                h->isr &= ~(1ULL << i);
                set_line(&h->t[i], false);
            }
        }
        break;
    case 0x0f0: /* the counter: writable while stopped */
        if (!(h->config & CFG_ENABLE))
            h->counter_base = (h->counter_base & ~mask) | (val & mask);
        break;
    default:
        break;
    }
}

/* 4- and 8-byte accesses, naturally aligned; a 4-byte access is a half. */
static int hpet_access(void *st, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
    struct vhpet *h = st;
    unsigned off = (unsigned)(gpa - HPET_BASE), shift = 8 * (off & 4);
    uint64_t now = hvm_now(h->p), mask;

    if ((size != 4 && size != 8) || (off & (size - 1))) {
        if (!write)
            *val = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
        return 0;
    }
    mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;
    if (write)
        reg_write(h, off & ~7u, (*val << (size == 8 ? 0 : shift)) & mask, mask, now);
    else
        *val = size == 8 ? reg_read(h, off, now) : (uint32_t)(reg_read(h, off & ~7u, now) >> shift);
    return 0;
}

static int hpet_read(void *st, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t *val)
{
    return hpet_access(st, gpa, size, false, val);
}

static int hpet_write(void *st, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t val)
{
    return hpet_access(st, gpa, size, true, &val);
}

/* Xen's struct hvm_hw_hpet: the register page (0x400 bytes) and each
 * timer's period. */
#define HPET_RECORD (HPET_LEN + 8 * HPET_TIMERS)

static void put64(uint8_t *r, unsigned off, uint64_t v)
{
    memcpy(r + off, &v, 8);
}
static uint64_t get64(const uint8_t *r, unsigned off)
{
    uint64_t v;

    memcpy(&v, r + off, 8);
    return v;
}

static int hpet_save(void *st, struct hvm_save_ctx *ctx)
{
    struct vhpet *h = st;
    uint64_t now = hvm_now(h->p);
    uint8_t r[HPET_RECORD];
    unsigned i;

    memset(r, 0, sizeof(r));
    put64(r, 0x000, reg_read(h, 0x000, now));
    put64(r, 0x010, h->config);
    put64(r, 0x020, h->isr);
    put64(r, 0x0f0, counter(h, now));
    for (i = 0; i < HPET_TIMERS; i++) {
        put64(r, 0x100 + 0x20 * i, reg_read(h, 0x100 + 0x20 * i, now));
        put64(r, 0x108 + 0x20 * i, h->t[i].cmp);
        put64(r, HPET_LEN + 8 * i, h->t[i].period);
    }
    return hvm_save_record(ctx, HVM_SAVE_HPET, 0, r, sizeof(r));
}

static int hpet_load(void *st, uint16_t type, uint16_t instance, const uint8_t *r, uint32_t len)
{
    struct vhpet *h = st;
    uint64_t now = hvm_now(h->p);
    unsigned i;

    if (instance != 0 || len != HPET_RECORD)
        return -EINVAL;
    for (i = 0; i < HPET_TIMERS; i++) {
        if (h->t[i].line)
            set_line(&h->t[i], false);
    }
    h->config = get64(r, 0x010) & (CFG_ENABLE | CFG_LEGACY);
    h->isr = get64(r, 0x020) & ((1u << HPET_TIMERS) - 1);
    h->counter_base = get64(r, 0x0f0);
    h->base_ns = now;
    for (i = 0; i < HPET_TIMERS; i++) {
        struct hpet_timer *t = &h->t[i];
        uint64_t mask;

        t->config = get64(r, 0x100 + 0x20 * i) & TN_WRITABLE & ~TN_SETVAL;
        mask = (t->config & TN_32BIT) ? 0xffffffffULL : ~0ULL;
        t->cmp = get64(r, 0x108 + 0x20 * i) & mask;
        t->period = get64(r, HPET_LEN + 8 * i) & mask;
        if (!(t->config & TN_LEVEL))
            h->isr &= ~(1ULL << i);
        if (h->isr & (1ULL << i))
            set_line(t, true);
        arm(t, now);
    }
    return 0;
}

static int hpet_init(struct hvm_platform *p, void **state)
{
    struct vhpet *h = calloc(1, sizeof(*h));
    unsigned i;

    if (!h)
        return -ENOMEM;
    h->p = p;
    h->base_ns = hvm_now(p);
    for (i = 0; i < HPET_TIMERS; i++) {
        h->t[i].h = h;
        h->t[i].n = i;
        h->t[i].cmp = ~0ULL;
        hvm_timer_init(&h->t[i].timer, hpet_fire, &h->t[i]);
    }
    *state = h;
    return 0;
}

static void hpet_destroy(void *st)
{
    struct vhpet *h = st;
    unsigned i;

    for (i = 0; i < HPET_TIMERS; i++)
        hvm_timer_stop(&h->p->timers, &h->t[i].timer);
    free(h);
}

static const struct hvm_io_range hpet_mmio[] = {{HPET_BASE, HPET_LEN}};

static const struct hvm_device hpet_device = {
    .name = "hpet",
    .present = has_vhpet,
    .init = hpet_init,
    .destroy = hpet_destroy,
    .mmio = hpet_mmio,
    .nr_mmio = 1,
    .mmio_read = hpet_read,
    .mmio_write = hpet_write,
    .save_types = {HVM_SAVE_HPET},
    .save = hpet_save,
    .load = hpet_load,
};
HVM_DEVICE_REGISTER(hpet_device);
