/*
 * vpit.c: the 8254 PIT (counters at 0x40-0x42, control word at 0x43) and
 * the port 0x61 bits it drives (gate of counter 2, speaker data, OUT2,
 * the refresh toggle).  Counters are computed from the clock, not
 * stepped: a read says where the count is now.  Counter 0 pulses ISA
 * IRQ 0 on each rising edge of OUT (modes 0, 2, 3, 4), at most every
 * HVM_MIN_PERIOD_NS, so a count of 1 or 2 cannot flood the host.  BCD
 * counting is accepted and reported in the status, counted in binary.
 * Present where XEN_X86_EMU_PIT is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

#define PIT_HZ 1193182ULL

struct pit_channel {
    uint32_t init; /* 1..65536 (a written 0 is 65536) */
    uint8_t rw;    /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t mode;  /* 0..5 */
    bool bcd;
    bool gate;
    bool counting;   /* count loaded (and, modes 1/5, triggered) */
    bool null_count; /* count written, not yet loaded into CE */
    bool frozen;     /* gate low in mode 0/4: count held at frozen_d */
    uint64_t frozen_d;
    uint64_t load_ns;  /* counting started (ticks from here) */
    uint8_t write_lsb; /* first byte of an LSB/MSB write */
    bool write_msb_next, read_msb_next;
    bool count_latched, status_latched;
    uint16_t latched_count;
    uint8_t latched_status;
    bool latched_msb_next;
};

struct vpit {
    struct hvm_platform *p;
    struct pit_channel ch[3];
    uint8_t port61;         /* bits 0 (gate 2) and 1 (speaker data) */
    struct hvm_timer timer; /* counter 0's next rising edge */
};

static uint64_t ns_to_ticks(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * PIT_HZ / 1000000000u);
}
static uint64_t ticks_to_ns(uint64_t t) /* rounded up: the tick has happened */
{
    return (uint64_t)(((unsigned __int128)t * 1000000000u + PIT_HZ - 1) / PIT_HZ);
}

/* Ticks counted since the count was loaded. */
static uint64_t elapsed(const struct pit_channel *c, uint64_t now)
{
    if (!c->counting)
        return 0;
    if (c->frozen)
        return c->frozen_d;
    return now > c->load_ns ? ns_to_ticks(now - c->load_ns) : 0;
}

static uint16_t count_at(const struct pit_channel *c, uint64_t d)
{
    if (!c->counting)
        return (uint16_t)c->init;
    switch (c->mode) {
    case 2:
        return (uint16_t)(c->init - d % c->init);
    case 3:
        return (uint16_t)(c->init - (2 * d) % c->init);
    default: /* 0, 1, 4, 5: down through 0, wrapping */
        return (uint16_t)((c->init - d) & 0xffff);
    }
}

static bool out_at(const struct pit_channel *c, uint64_t d)
{
    if (!c->counting)
        return c->mode != 0; /* mode 0 drives OUT low from the control word */
    switch (c->mode) {
    case 0:
    case 1:
        return d >= c->init;
    case 2:
        return !c->gate || d % c->init != c->init - 1;
    case 3:
        return !c->gate || d % c->init < (c->init + 1) / 2;
    default: /* 4, 5: low for one tick at count 0 */
        return d != c->init;
    }
}

/* Counter 0: arm the timer at the next rising edge of OUT after now. */
static void arm_irq0(struct vpit *s, uint64_t now)
{
    struct pit_channel *c = &s->ch[0];
    uint64_t d, k, when, min_d;

    hvm_timer_stop(&s->p->timers, &s->timer);
    if (!c->counting || c->frozen)
        return;
    d = elapsed(c, now);
    switch (c->mode) {
    case 0: /* terminal count, once */
        if (d >= c->init)
            return;
        when = c->load_ns + ticks_to_ns(c->init);
        break;
    case 4: /* strobe ends after count 0, once */
        if (d > c->init)
            return;
        when = c->load_ns + ticks_to_ns(c->init + 1);
        break;
    case 2:
    case 3: /* every init ticks; no faster than HVM_MIN_PERIOD_NS */
        min_d = ns_to_ticks(now + HVM_MIN_PERIOD_NS - c->load_ns);
        k = (min_d > d ? min_d : d) / c->init + 1;
        when = c->load_ns + ticks_to_ns(k * c->init);
        break;
    default: /* 1, 5: need a gate edge, which counter 0 never gets */
        return;
    }
    hvm_timer_set(&s->p->timers, &s->timer, when);
}

static void irq0_fire(struct hvm_timer *t, uint64_t now)
{
    struct vpit *s = t->data;

    hvm_isa_irq_pulse(s->p, 0);
    arm_irq0(s, now);
}

static void load_count(struct vpit *s, unsigned n, uint32_t value, uint64_t now)
{
    struct pit_channel *c = &s->ch[n];

    c->init = value ? value : 65536;
    c->null_count = false;
    c->frozen = false;
    c->load_ns = now;
    /* Modes 1 and 5 wait for a gate edge; the others start now (if gated on). */
    c->counting = !(c->mode == 1 || c->mode == 5);
    if (c->counting && !c->gate && (c->mode == 0 || c->mode == 4)) {
        c->frozen = true;
        c->frozen_d = 0;
    }
    if (n == 0)
        arm_irq0(s, now);
}

static void set_gate(struct vpit *s, unsigned n, bool gate, uint64_t now)
{
    struct pit_channel *c = &s->ch[n];
    uint64_t d;

    if (gate == c->gate)
        return;
    d = elapsed(c, now);
    c->gate = gate;
    switch (c->mode) {
    case 0:
    case 4: /* gate low suspends counting */
        if (!gate && c->counting) {
            c->frozen = true;
            c->frozen_d = d;
        } else if (gate && c->frozen) {
            c->frozen = false;
            c->load_ns = now - ticks_to_ns(c->frozen_d);
        }
        break;
    default: /* 1, 2, 3, 5: a rising gate (re)starts the count */
        if (gate && c->init) {
            c->counting = true;
            c->load_ns = now;
        }
        break;
    }
    if (n == 0)
        arm_irq0(s, now);
}

static uint8_t status_byte(const struct pit_channel *c, uint64_t now)
{
    return (uint8_t)((out_at(c, elapsed(c, now)) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
                     (c->rw << 4) | (c->mode << 1) | (c->bcd ? 1 : 0));
}

static void latch_count(struct pit_channel *c, uint64_t now)
{
    if (c->count_latched)
        return;
    c->latched_count = count_at(c, elapsed(c, now));
    c->count_latched = true;
    c->latched_msb_next = c->rw == 2;
}

static void control_write(struct vpit *s, uint8_t val, uint64_t now)
{
    unsigned n = val >> 6, i;
    struct pit_channel *c;

    if (n == 3) { /* read-back */
        for (i = 0; i < 3; i++) {
            if (!(val & (2u << i)))
                continue;
            if (!(val & 0x20))
                latch_count(&s->ch[i], now);
            if (!(val & 0x10) && !s->ch[i].status_latched) {
                s->ch[i].latched_status = status_byte(&s->ch[i], now);
                s->ch[i].status_latched = true;
            }
        }
        return;
    }
    c = &s->ch[n];
    if (((val >> 4) & 3) == 0) { /* counter latch */
        latch_count(c, now);
        return;
    }
    c->rw = (val >> 4) & 3;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4; /* 6, 7 are 2, 3 */
    c->bcd = val & 1;
    c->counting = false;
    c->frozen = false;
    c->null_count = true;
    c->write_msb_next = c->rw == 2;
    c->read_msb_next = c->rw == 2;
    c->count_latched = false;
    if (n == 0)
        arm_irq0(s, now);
}

static void counter_write(struct vpit *s, unsigned n, uint8_t val, uint64_t now)
{
    struct pit_channel *c = &s->ch[n];

    switch (c->rw) {
    case 1:
        load_count(s, n, val, now);
        break;
    case 2:
        load_count(s, n, (uint32_t)val << 8, now);
        break;
    case 3:
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
        } else {
            c->write_msb_next = false;
            load_count(s, n, c->write_lsb | ((uint32_t)val << 8), now);
        }
        break;
    default: /* no control word yet */
        break;
    }
}

static uint8_t counter_read(struct vpit *s, unsigned n, uint64_t now)
{
    struct pit_channel *c = &s->ch[n];
    uint16_t v;
    bool msb;

    if (c->status_latched) {
        c->status_latched = false;
        return c->latched_status;
    }
    if (c->count_latched) {
        v = c->latched_count;
        msb = c->latched_msb_next;
        if (c->rw == 3 && !msb)
            c->latched_msb_next = true;
        else
            c->count_latched = false;
    } else {
        v = count_at(c, elapsed(c, now));
        msb = c->read_msb_next;
        if (c->rw == 3)
            c->read_msb_next = !c->read_msb_next;
    }
    return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static uint8_t port61_read(struct vpit *s, uint64_t now)
{
    const struct pit_channel *c = &s->ch[2];
    uint8_t v = s->port61 & 3;

    if ((now / 15000) & 1) /* the refresh bit toggles every 15 us */
        v |= 0x10;
    if (out_at(c, elapsed(c, now)))
        v |= 0x20;
    return v;
}

static int vpit_read(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val)
{
    struct vpit *s = st;
    uint64_t now = hvm_now(s->p);

    if (port == 0x61)
        *val = port61_read(s, now);
    else if (port == 0x43)
        *val = 0xff; /* the control word is write-only */
    else
        *val = counter_read(s, port - 0x40, now);
    if (size > 1)
        *val |= 0xffffff00u & (size == 2 ? 0xffffu : 0xffffffffu);
    return 0;
}

static int vpit_write(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
    struct vpit *s = st;
    uint64_t now = hvm_now(s->p);

    if (port == 0x61) {
        s->port61 = val & 3;
        set_gate(s, 2, val & 1, now);
    } else if (port == 0x43) {
        control_write(s, (uint8_t)val, now);
    } else {
        counter_write(s, port - 0x40, (uint8_t)val, now);
    }
    return 0;
}

/* Xen's struct hvm_hw_pit: 16 bytes a counter, then the speaker bit.
 * Read/write states are Xen's RW_STATE_*: 1 LSB, 2 MSB, 3/4 the first and
 * second byte of a word. */
struct pit_record_channel {
    uint32_t count;
    uint16_t latched_count;
    uint8_t count_latched, status_latched, status, read_state, write_state, write_latch;
    uint8_t rw_mode, mode, bcd, gate;
};
struct pit_record {
    struct pit_record_channel ch[3];
    uint32_t speaker_data_on;
    uint32_t pad0;
};

static uint8_t rw_state(const struct pit_channel *c, bool msb_next)
{
    return c->rw == 3 ? (msb_next ? 4 : 3) : c->rw;
}

static int vpit_save(void *st, struct hvm_save_ctx *ctx)
{
    struct vpit *s = st;
    struct pit_record r;
    unsigned i;

    memset(&r, 0, sizeof(r));
    for (i = 0; i < 3; i++) {
        const struct pit_channel *c = &s->ch[i];
        struct pit_record_channel *o = &r.ch[i];

        o->count = c->init;
        o->latched_count = c->latched_count;
        o->count_latched = c->count_latched ? rw_state(c, c->latched_msb_next) : 0;
        o->status_latched = c->status_latched;
        o->status = c->latched_status;
        o->read_state = rw_state(c, c->read_msb_next);
        o->write_state = rw_state(c, c->write_msb_next);
        o->write_latch = c->write_lsb;
        o->rw_mode = c->rw;
        o->mode = c->mode;
        o->bcd = c->bcd;
        o->gate = c->gate;
    }
    r.speaker_data_on = (s->port61 >> 1) & 1;
    return hvm_save_record(ctx, HVM_SAVE_PIT, 0, &r, sizeof(r));
}

static int vpit_load(void *st, uint16_t type, uint16_t instance, const uint8_t *data, uint32_t len)
{
    struct vpit *s = st;
    uint64_t now = hvm_now(s->p);
    struct pit_record r;
    unsigned i;

    if (instance != 0 || len != sizeof(r))
        return -EINVAL;
    memcpy(&r, data, sizeof(r));
    for (i = 0; i < 3; i++) {
        const struct pit_record_channel *o = &r.ch[i];

        if (o->count > 65536 || o->rw_mode > 3 || o->mode > 7 || o->count_latched > 4 ||
            o->read_state > 4 || o->write_state > 4)
            return -EINVAL;
    }
    for (i = 0; i < 3; i++) {
        const struct pit_record_channel *o = &r.ch[i];
        struct pit_channel *c = &s->ch[i];

        c->rw = o->rw_mode;
        c->mode = o->mode > 5 ? o->mode - 4 : o->mode;
        c->bcd = o->bcd & 1;
        c->gate = i == 2 ? o->gate & 1 : true;
        c->count_latched = o->count_latched != 0;
        c->latched_count = o->latched_count;
        c->latched_msb_next = o->count_latched == 2 || o->count_latched == 4;
        c->status_latched = o->status_latched & 1;
        c->latched_status = o->status;
        c->read_msb_next = o->read_state == 2 || o->read_state == 4;
        c->write_msb_next = o->write_state == 2 || o->write_state == 4;
        c->write_lsb = o->write_latch;
        c->null_count = false;
        c->counting = false;
        c->frozen = false;
        c->init = o->count ? o->count : 65536;
        if (c->rw) /* counting again from the saved count, as Xen does */
            load_count(s, i, o->count & 0xffff, now);
    }
    s->port61 = (uint8_t)((s->ch[2].gate ? 1 : 0) | (r.speaker_data_on & 1) << 1);
    return 0;
}

static int vpit_init(struct hvm_platform *p, void **state)
{
    struct vpit *s = calloc(1, sizeof(*s));
    unsigned i;

    if (!s)
        return -ENOMEM;
    s->p = p;
    for (i = 0; i < 3; i++) {
        s->ch[i].init = 65536;
        s->ch[i].gate = i != 2;
    }
    hvm_timer_init(&s->timer, irq0_fire, s);
    *state = s;
    return 0;
}

static void vpit_destroy(void *st)
{
    struct vpit *s = st;

    hvm_timer_stop(&s->p->timers, &s->timer);
    free(s);
}

static const struct hvm_io_range vpit_pio[] = {{0x40, 4}, {0x61, 1}};

static const struct hvm_device vpit_device = {
    .name = "pit",
    .present = has_emulated_pit,
    .init = vpit_init,
    .destroy = vpit_destroy,
    .pio = vpit_pio,
    .nr_pio = 2,
    .pio_read = vpit_read,
    .pio_write = vpit_write,
    .save_types = {HVM_SAVE_PIT},
    .save = vpit_save,
    .load = vpit_load,
};
HVM_DEVICE_REGISTER(vpit_device);
