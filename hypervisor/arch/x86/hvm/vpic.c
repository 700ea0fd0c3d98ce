/*
 * vpic.c: the 8259A PIC pair (master 0x20/0x21, slave 0xa0/0xa1, slave
 * on master pin 2) with the edge/level control registers at 0x4d0/0x4d1:
 * ICW1-4, OCW2 EOI and rotation commands, OCW3 register select, poll and
 * special mask, auto-EOI, special fully nested mode.  Its output reaches
 * vCPU 0 through LINT0.  Present where XEN_X86_EMU_PIC is.
 */
#include <errno.h>
#include <stdlib.h>

#include "domain.h"
#include "hvm_internal.h"

struct pic_chip {
    uint8_t irr, imr, isr, elcr, elcr_mask;
    uint8_t pin_level;    /* the input lines as driven */
    uint8_t priority_add; /* the lowest-priority IRQ + 1 */
    uint8_t irq_base;     /* ICW2 */
    uint8_t init_state;   /* 0 ready, else waiting for ICW2, ICW3, ICW4 */
    bool icw4_needed, single, auto_eoi, rotate_on_aeoi;
    bool special_mask, sfnm, poll, read_isr;
};

struct vpic {
    struct hvm_platform *p;
    struct pic_chip c[2]; /* master, slave */
};

/* Priority order position (0 highest) of the highest IRQ in mask, or 8. */
static unsigned priority(const struct pic_chip *c, uint8_t mask)
{
    unsigned n;

    if (!mask)
        return 8;
    for (n = 0; !(mask & (1u << ((n + c->priority_add) & 7))); n++)
        ;
    return n;
}

/* The IRQ this chip would present to the CPU now, or -1. */
static int chip_irq(const struct pic_chip *c, bool master)
{
    uint8_t isr = c->isr;
    unsigned req = priority(c, c->irr & ~c->imr);

    if (req == 8)
        return -1;
    if (c->special_mask)
        isr &= ~c->imr;
    if (master && c->sfnm)
        isr &= ~(1u << 2);
    if (req < priority(c, isr))
        return (int)((req + c->priority_add) & 7);
    return -1;
}

static void update(struct vpic *s)
{
    if (chip_irq(&s->c[1], false) >= 0)
        s->c[0].irr |= 1u << 2;
    else
        s->c[0].irr &= ~(1u << 2);
    hvm_pic_output_changed(s->p);
}

bool vpic_has_output(const struct vpic *s)
{
    return chip_irq(&s->c[0], true) >= 0;
}

static void chip_set(struct pic_chip *c, unsigned pin, bool level)
{
    uint8_t m = (uint8_t)(1u << pin);

    if (c->elcr & m) {
        if (level)
            c->irr |= m;
        else
            c->irr &= ~m;
    } else if (level && !(c->pin_level & m)) {
        c->irr |= m;
    }
    if (level)
        c->pin_level |= m;
    else
        c->pin_level &= ~m;
}

void vpic_set_irq(struct vpic *s, unsigned irq, bool level)
{
    if (irq >= 16 || irq == 2)
        return;
    chip_set(&s->c[irq >> 3], irq & 7, level);
    update(s);
}

static void chip_ack(struct pic_chip *c, unsigned irq)
{
    uint8_t m = (uint8_t)(1u << irq);

    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->priority_add = (irq + 1) & 7;
    } else {
        c->isr |= m;
    }
    if (!(c->elcr & m))
        c->irr &= ~m;
}

int vpic_intack(struct vpic *s)
{
    int irq = chip_irq(&s->c[0], true), vector;

    if (irq < 0) {
        vector = s->c[0].irq_base + 7; /* spurious */
    } else {
        chip_ack(&s->c[0], (unsigned)irq);
        if (irq == 2) {
            int irq2 = chip_irq(&s->c[1], false);

            if (irq2 >= 0)
                chip_ack(&s->c[1], (unsigned)irq2);
            else
                irq2 = 7; /* spurious IRQ 15 */
            vector = s->c[1].irq_base + irq2;
        } else {
            vector = s->c[0].irq_base + irq;
        }
    }
    update(s);
    return vector;
}

static void icw1(struct pic_chip *c, uint8_t val)
{
    c->imr = c->isr = 0;
    c->irr = c->elcr & c->pin_level; /* level inputs still asserted */
    c->priority_add = 0;
    c->read_isr = c->poll = c->special_mask = false;
    c->auto_eoi = c->rotate_on_aeoi = c->sfnm = false;
    c->icw4_needed = (val & 1) != 0;
    c->single = (val & 2) != 0;
    c->init_state = 1;
}

static void ocw2(struct pic_chip *c, uint8_t val)
{
    unsigned cmd = val >> 5, irq = val & 7, prio;

    switch (cmd) {
    case 0: /* rotate in auto-EOI mode: clear */
    case 4: /* ... set */
        c->rotate_on_aeoi = cmd == 4;
        break;
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        prio = priority(c, c->isr);
        if (prio == 8)
            break;
        irq = (prio + c->priority_add) & 7;
        c->isr &= ~(1u << irq);
        if (cmd == 5)
            c->priority_add = (irq + 1) & 7;
        break;
    case 3: /* specific EOI */
    case 7: /* rotate on specific EOI */
        c->isr &= ~(1u << irq);
        if (cmd == 7)
            c->priority_add = (irq + 1) & 7;
        break;
    case 6: /* set priority: irq becomes the lowest */
        c->priority_add = (irq + 1) & 7;
        break;
    default:
        break;
    }
}

static void ocw3(struct pic_chip *c, uint8_t val)
{
    if (val & 4)
        c->poll = true;
    if (val & 2)
        c->read_isr = (val & 1) != 0;
    if (val & 0x40)
        c->special_mask = (val & 0x20) != 0;
}

static void data_write(struct pic_chip *c, uint8_t val)
{
    switch (c->init_state) {
    case 1: /* ICW2 */
        c->irq_base = val & 0xf8;
        c->init_state = c->single ? (c->icw4_needed ? 3 : 0) : 2;
        break;
    case 2: /* ICW3: the cascade wiring is fixed */
        c->init_state = c->icw4_needed ? 3 : 0;
        break;
    case 3: /* ICW4 */
        c->auto_eoi = (val & 2) != 0;
        c->sfnm = (val & 0x10) != 0;
        c->init_state = 0;
        break;
    default: /* OCW1 */
        c->imr = val;
        break;
    }
}

static uint8_t poll_read(struct vpic *s, unsigned chip)
{
    struct pic_chip *c = &s->c[chip];
    int irq = chip_irq(c, chip == 0);

    c->poll = false;
    if (irq < 0)
        return 0;
    chip_ack(c, (unsigned)irq);
    if (chip == 1) { /* the slave's request no longer on master pin 2 */
        s->c[0].isr &= ~(1u << 2);
        s->c[0].irr &= ~(1u << 2);
    }
    update(s);
    return (uint8_t)(0x80 | irq);
}

static void byte_write(struct vpic *s, uint16_t port, uint8_t val)
{
    unsigned chip = (port == 0xa0 || port == 0xa1 || port == 0x4d1) ? 1 : 0;
    struct pic_chip *c = &s->c[chip];

    if (port == 0x4d0 || port == 0x4d1) {
        c->elcr = val & c->elcr_mask;
        /* A pin turned level follows its line; edge IRRs stay latched. */
        c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->pin_level & c->elcr));
    } else if (!(port & 1)) {
        if (val & 0x10)
            icw1(c, val);
        else if (val & 0x08)
            ocw3(c, val);
        else
            ocw2(c, val);
    } else {
        data_write(c, val);
    }
    update(s);
}

static uint8_t byte_read(struct vpic *s, uint16_t port)
{
    unsigned chip = (port == 0xa0 || port == 0xa1 || port == 0x4d1) ? 1 : 0;
    struct pic_chip *c = &s->c[chip];

    if (port == 0x4d0 || port == 0x4d1)
        return c->elcr;
    if (c->poll)
        return poll_read(s, chip);
    if (port & 1)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static bool port_ours(uint16_t port)
{
    return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 || port == 0x4d0 ||
           port == 0x4d1;
}

static int vpic_pio_read(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val)
{
    unsigned i;

    *val = 0;
    for (i = 0; i < size; i++) {
        uint16_t pt = (uint16_t)(port + i);

        *val |= (uint32_t)(port_ours(pt) ? byte_read(st, pt) : 0xff) << (8 * i);
    }
    return 0;
}

static int vpic_pio_write(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
    unsigned i;

    for (i = 0; i < size; i++) {
        uint16_t pt = (uint16_t)(port + i);

        if (port_ours(pt))
            byte_write(st, pt, (uint8_t)(val >> (8 * i)));
    }
    return 0;
}

/* Xen's struct hvm_hw_vpic, byte by byte: the flags are bitfields of
 * bytes 4 (init state, priority_add) and 5. */
static int vpic_save(void *st, struct hvm_save_ctx *ctx)
{
    struct vpic *s = st;
    unsigned i;
    int rc;

    for (i = 0; i < 2; i++) {
        const struct pic_chip *c = &s->c[i];
        uint8_t r[8] = {c->irr, c->imr, c->isr, c->irq_base};

        r[4] = (uint8_t)((c->init_state & 3) | (c->icw4_needed ? 4 : 0) | (c->single ? 8 : 0) |
                         (c->priority_add << 4));
        r[5] = (uint8_t)(c->read_isr | c->poll << 1 | c->auto_eoi << 2 | c->rotate_on_aeoi << 3 |
                         c->sfnm << 4 | c->special_mask << 5 | (i == 0) << 6);
        r[6] = c->elcr;
        r[7] = chip_irq(c, i == 0) >= 0;
        rc = hvm_save_record(ctx, HVM_SAVE_PIC, (uint16_t)i, r, sizeof(r));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int vpic_load(void *st, uint16_t type, uint16_t instance, const uint8_t *r, uint32_t len)
{
    struct vpic *s = st;
    struct pic_chip *c;

    if (instance > 1 || len != 8 || (r[4] >> 4) > 7 || ((r[5] >> 6) & 1) != (instance == 0))
        return -EINVAL;
    c = &s->c[instance];
    c->irr = r[0];
    c->imr = r[1];
    c->isr = r[2];
    c->irq_base = r[3] & 0xf8;
    c->init_state = r[4] & 3;
    c->icw4_needed = (r[4] & 4) != 0;
    c->single = (r[4] & 8) != 0;
    c->priority_add = r[4] >> 4;
    c->read_isr = r[5] & 1;
    c->poll = (r[5] >> 1) & 1;
    c->auto_eoi = (r[5] >> 2) & 1;
    c->rotate_on_aeoi = (r[5] >> 3) & 1;
    c->sfnm = (r[5] >> 4) & 1;
    c->special_mask = (r[5] >> 5) & 1;
    c->elcr = r[6] & c->elcr_mask;
    update(s);
    return 0;
}

static int vpic_init(struct hvm_platform *p, void **state)
{
    struct vpic *s = calloc(1, sizeof(*s));

    if (!s)
        return -ENOMEM;
    s->p = p;
    s->c[0].elcr_mask = 0xf8; /* IRQ 0, 1, 2 are edge only */
    s->c[1].elcr_mask = 0xde; /* IRQ 8, 13 are edge only */
    s->c[0].imr = s->c[1].imr = 0xff;
    p->vpic = s;
    *state = s;
    return 0;
}

static void vpic_destroy(void *st)
{
    struct vpic *s = st;

    s->p->vpic = NULL;
    free(s);
}

static const struct hvm_io_range vpic_pio[] = {{0x20, 2}, {0xa0, 2}, {0x4d0, 2}};

static const struct hvm_device vpic_device = {
    .name = "pic",
    .present = has_vpic,
    .init = vpic_init,
    .destroy = vpic_destroy,
    .pio = vpic_pio,
    .nr_pio = 3,
    .pio_read = vpic_pio_read,
    .pio_write = vpic_pio_write,
    .save_types = {HVM_SAVE_PIC},
    .save = vpic_save,
    .load = vpic_load,
};
HVM_DEVICE_REGISTER(vpic_device);
