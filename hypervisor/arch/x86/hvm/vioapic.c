/*
 * vioapic.c: the IO-APIC at 0xfec00000 as Xen's vIOAPIC presents it:
 * version 0x11, 48 pins, IOREGSEL at 0x00 and IOWIN at 0x10, the
 * redirection table, edge and level pins (remote IRR cleared by the
 * LAPIC's EOI of the vector, the pin redelivered if still asserted).
 * Polarity is recorded, not applied: a line "high" means asserted, as
 * in Xen.  Present where XEN_X86_EMU_IOAPIC is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

#define IOAPIC_BASE     0xfec00000ULL
#define IOAPIC_LEN      0x100
#define IOAPIC_VERSION  0x11
#define RTE_MASKED      (1ULL << 16)
#define RTE_LEVEL       (1ULL << 15)
#define RTE_REMOTE_IRR  (1ULL << 14)
#define RTE_WRITABLE_LO 0x1afffULL /* vector, mode, dest mode, polarity, trigger, mask */
#define RTE_WRITABLE_HI 0xff000000ULL

struct vioapic {
    struct hvm_platform *p;
    uint32_t ioregsel;
    uint32_t id;
    uint64_t rte[HVM_NR_GSIS];
    uint64_t asserted; /* pin lines, one bit per pin */
};

static void deliver(struct vioapic *s, unsigned pin)
{
    uint64_t e = s->rte[pin];
    struct hvm_apic_msg m = {
        .vector = (uint8_t)e,
        .delivery = (e >> 8) & 7,
        .logical = (e >> 11) & 1,
        .level = (e & RTE_LEVEL) != 0,
        .dest = (uint32_t)(e >> 56),
    };

    if (m.level)
        s->rte[pin] |= RTE_REMOTE_IRR;
    hvm_apic_deliver(s->p, &m);
}

/* Deliver a level pin that is asserted, unmasked and not in service. */
static void recheck_level(struct vioapic *s, unsigned pin)
{
    uint64_t e = s->rte[pin];

    if ((e & RTE_LEVEL) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) && (s->asserted >> pin) & 1)
        deliver(s, pin);
}

void vioapic_set_pin(struct vioapic *s, unsigned pin, bool level)
{
    bool was;

    if (pin >= HVM_NR_GSIS)
        return;
    was = (s->asserted >> pin) & 1;
    if (level)
        s->asserted |= 1ULL << pin;
    else
        s->asserted &= ~(1ULL << pin);
    if (s->rte[pin] & RTE_MASKED)
        return;
    if (s->rte[pin] & RTE_LEVEL)
        recheck_level(s, pin);
    else if (level && !was)
        deliver(s, pin);
}

void vioapic_eoi(struct vioapic *s, uint8_t vector)
{
    unsigned pin;

    for (pin = 0; pin < HVM_NR_GSIS; pin++) {
        if ((uint8_t)s->rte[pin] != vector || !(s->rte[pin] & RTE_REMOTE_IRR))
            continue;
        s->rte[pin] &= ~RTE_REMOTE_IRR;
        recheck_level(s, pin);
    }
}

static uint32_t reg_read(const struct vioapic *s)
{
    unsigned idx = s->ioregsel;

    switch (idx) {
    case 0:
        return s->id << 24;
    case 1:
        return ((HVM_NR_GSIS - 1) << 16) | IOAPIC_VERSION;
    case 2:
        return s->id << 24;
    default:
        if (idx >= 0x10 && idx < 0x10 + 2 * HVM_NR_GSIS) {
            uint64_t e = s->rte[(idx - 0x10) / 2];

            return (idx & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
        }
        return 0xffffffffu;
    }
}

static void reg_write(struct vioapic *s, uint32_t val)
{
    unsigned idx = s->ioregsel, pin;
    uint64_t e;

    if (idx == 0) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    if (idx < 0x10 || idx >= 0x10 + 2 * HVM_NR_GSIS)
        return; /* version, arbitration, beyond the table: read-only */
    pin = (idx - 0x10) / 2;
    e = s->rte[pin];
    if (idx & 1) {
        e = (e & 0xffffffffULL) | (((uint64_t)val & RTE_WRITABLE_HI) << 32);
    } else {
        e = (e & ~RTE_WRITABLE_LO) | (val & RTE_WRITABLE_LO);
        if (!(e & RTE_LEVEL))
            e &= ~RTE_REMOTE_IRR;
    }
    s->rte[pin] = e;
    recheck_level(s, pin);
}

static int vioapic_mmio_read(void *st, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t *val)
{
    struct vioapic *s = st;
    unsigned off = (unsigned)(gpa - IOAPIC_BASE);
    uint32_t reg;

    if ((off & ~3u) == 0x00)
        reg = s->ioregsel;
    else if ((off & ~3u) == 0x10)
        reg = reg_read(s);
    else
        reg = 0;
    *val = reg >> (8 * (off & 3));
    if (size < 8)
        *val &= (1ULL << (8 * size)) - 1;
    return 0;
}

static int vioapic_mmio_write(void *st, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t val)
{
    struct vioapic *s = st;
    unsigned off = (unsigned)(gpa - IOAPIC_BASE);

    if (off == 0x00)
        s->ioregsel = (uint32_t)val & 0xff;
    else if (off == 0x10 && size >= 4)
        reg_write(s, (uint32_t)val);
    return 0; /* other offsets and partial window writes: ignored */
}

/* Xen's struct hvm_hw_vioapic: base, IOREGSEL, ID, 48 entries. */
struct ioapic_record {
    uint64_t base_address;
    uint32_t ioregsel;
    uint32_t id;
    uint64_t rte[HVM_NR_GSIS];
};

static int vioapic_save(void *st, struct hvm_save_ctx *ctx)
{
    struct vioapic *s = st;
    struct ioapic_record r = {.base_address = IOAPIC_BASE, .ioregsel = s->ioregsel, .id = s->id};

    memcpy(r.rte, s->rte, sizeof(r.rte));
    return hvm_save_record(ctx, HVM_SAVE_IOAPIC, 0, &r, sizeof(r));
}

static int vioapic_load(void *st, uint16_t type, uint16_t instance, const uint8_t *data,
                        uint32_t len)
{
    struct vioapic *s = st;
    struct ioapic_record r;
    unsigned pin;

    if (instance != 0 || len != sizeof(r))
        return -EINVAL;
    memcpy(&r, data, sizeof(r));
    if (r.base_address != IOAPIC_BASE)
        return -EINVAL;
    s->ioregsel = r.ioregsel & 0xff;
    s->id = r.id & 0xf;
    for (pin = 0; pin < HVM_NR_GSIS; pin++) {
        uint64_t e = r.rte[pin] & (RTE_WRITABLE_LO | (RTE_WRITABLE_HI << 32) | RTE_REMOTE_IRR);

        if (!(e & RTE_LEVEL))
            e &= ~RTE_REMOTE_IRR;
        s->rte[pin] = e;
    }
    return 0;
}

static int vioapic_init(struct hvm_platform *p, void **state)
{
    struct vioapic *s = calloc(1, sizeof(*s));
    unsigned pin;

    if (!s)
        return -ENOMEM;
    s->p = p;
    s->id = 1; /* hvmloader's MADT IO-APIC ID */
    for (pin = 0; pin < HVM_NR_GSIS; pin++)
        s->rte[pin] = RTE_MASKED;
    p->vioapic = s;
    *state = s;
    return 0;
}

static void vioapic_destroy(void *st)
{
    struct vioapic *s = st;

    s->p->vioapic = NULL;
    free(s);
}

static const struct hvm_io_range vioapic_mmio[] = {{IOAPIC_BASE, IOAPIC_LEN}};

static const struct hvm_device vioapic_device = {
    .name = "ioapic",
    .present = has_vioapic,
    .init = vioapic_init,
    .destroy = vioapic_destroy,
    .mmio = vioapic_mmio,
    .nr_mmio = 1,
    .mmio_read = vioapic_mmio_read,
    .mmio_write = vioapic_mmio_write,
    .save_types = {HVM_SAVE_IOAPIC},
    .save = vioapic_save,
    .load = vioapic_load,
};
HVM_DEVICE_REGISTER(vioapic_device);
