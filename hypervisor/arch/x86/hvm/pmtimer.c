/*
 * pmtimer.c: the ACPI PM block at the addresses hvmloader's FADT gives
 * (Xen's v1 layout): PM1a_EVT at 0xb000 (status, enable), PM1a_CNT at
 * 0xb004 and the PM timer at 0xb008, a 32-bit counter (TMR_VAL_EXT) at
 * 3.579545 MHz.  TMR_STS is set each time bit 31 of the counter flips
 * and, with TMR_EN, raises the SCI (ISA IRQ 9).  Writing SLP_EN asks the
 * caller to enter the sleep state SLP_TYP.  Present where XEN_X86_EMU_PM is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

#define PM_BASE     0xb000
#define PM_TMR      0xb008
#define PM_HZ       3579545ULL
#define SCI_IRQ     9
#define TMR_STS     (1u << 0)
#define TMR_EN      (1u << 0)
#define STS_CLEAR   0x8731u /* TMR, BM, GBL, PWRBTN, SLPBTN, RTC, WAK */
#define EN_WRITABLE 0x0721u /* TMR, GBL, PWRBTN, SLPBTN, RTC */
#define CNT_SCI_EN  (1u << 0)
#define CNT_SLP_EN  (1u << 13)

struct pmtimer {
    struct hvm_platform *p;
    uint64_t base_ns;     /* the counter was 0 here */
    uint64_t tick_offset; /* added to the ticks since base_ns (restore) */
    uint64_t last_msb;    /* counter >> 31 when TMR_STS was last brought up to date */
    uint16_t sts, en, cnt;
    bool sci;
    struct hvm_timer timer; /* next flip of bit 31, while TMR_EN */
};

static uint64_t ticks(const struct pmtimer *s, uint64_t now)
{
    uint64_t d = now > s->base_ns ? now - s->base_ns : 0;

    return (uint64_t)((unsigned __int128)d * PM_HZ / 1000000000u) + s->tick_offset;
}

static void update(struct pmtimer *s, uint64_t now)
{
    uint64_t msb = ticks(s, now) >> 31;
    bool sci;

    if (msb != s->last_msb) {
        s->sts |= TMR_STS;
        s->last_msb = msb;
    }
    sci = (s->sts & s->en & EN_WRITABLE) != 0;
    if (sci != s->sci) {
        s->sci = sci;
        hvm_isa_irq_set(s->p, SCI_IRQ, sci);
    }
    hvm_timer_stop(&s->p->timers, &s->timer);
    if (s->en & TMR_EN) {
        uint64_t next = ((msb + 1) << 31) - s->tick_offset; /* tick of the next flip */
        uint64_t when =
            s->base_ns + (uint64_t)(((unsigned __int128)next * 1000000000u + PM_HZ - 1) / PM_HZ);

        hvm_timer_set(&s->p->timers, &s->timer, when);
    }
}

static void pm_timer_fire(struct hvm_timer *t, uint64_t now)
{
    update(t->data, now);
}

static uint8_t byte_read(struct pmtimer *s, uint16_t port, uint32_t counter)
{
    switch (port) {
    case 0xb000:
    case 0xb001:
        return (uint8_t)(s->sts >> (8 * (port & 1)));
    case 0xb002:
    case 0xb003:
        return (uint8_t)(s->en >> (8 * (port & 1)));
    case 0xb004:
    case 0xb005:
        return (uint8_t)((s->cnt & ~CNT_SLP_EN) >> (8 * (port & 1)));
    case 0xb008:
    case 0xb009:
    case 0xb00a:
    case 0xb00b:
        return (uint8_t)(counter >> (8 * (port - PM_TMR)));
    default:
        return 0xff;
    }
}

static void byte_write(struct pmtimer *s, uint16_t port, uint8_t v)
{
    unsigned sh = 8 * (port & 1);

    switch (port) {
    case 0xb000:
    case 0xb001:
        s->sts &= (uint16_t) ~((unsigned)v << sh & STS_CLEAR);
        break;
    case 0xb002:
    case 0xb003:
        s->en = (uint16_t)((s->en & ~(0xffu << sh)) | (((unsigned)v << sh) & EN_WRITABLE));
        break;
    case 0xb004:
    case 0xb005:
        s->cnt = (uint16_t)((s->cnt & ~(0xffu << sh)) | ((unsigned)v << sh));
        s->cnt |= CNT_SCI_EN; /* no SMI_CMD: ACPI mode always */
        if (s->cnt & CNT_SLP_EN) {
            s->cnt &= (uint16_t)~CNT_SLP_EN;
            if (s->p->ops.acpi_sleep)
                s->p->ops.acpi_sleep(s->p->ops.opaque, (s->cnt >> 10) & 7);
        }
        break;
    default: /* the timer and the gaps are read-only */
        break;
    }
}

static int pm_read(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val)
{
    struct pmtimer *s = st;
    uint64_t now = hvm_now(s->p);
    uint32_t counter = (uint32_t)ticks(s, now);
    unsigned i;

    update(s, now);
    *val = 0;
    for (i = 0; i < size; i++)
        *val |= (uint32_t)byte_read(s, (uint16_t)(port + i), counter) << (8 * i);
    return 0;
}

static int pm_write(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
    struct pmtimer *s = st;
    uint64_t now = hvm_now(s->p);
    unsigned i;

    update(s, now);
    for (i = 0; i < size; i++)
        byte_write(s, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
    update(s, now);
    return 0;
}

/* Xen's struct hvm_hw_pmtimer: the counter, PM1a_STS, PM1a_EN. */
static int pm_save(void *st, struct hvm_save_ctx *ctx)
{
    struct pmtimer *s = st;
    uint64_t now = hvm_now(s->p);
    uint8_t r[8];
    uint32_t tmr;

    update(s, now);
    tmr = (uint32_t)ticks(s, now);
    memcpy(r, &tmr, 4);
    memcpy(r + 4, &s->sts, 2);
    memcpy(r + 6, &s->en, 2);
    return hvm_save_record(ctx, HVM_SAVE_PMTIMER, 0, r, sizeof(r));
}

static int pm_load(void *st, uint16_t type, uint16_t instance, const uint8_t *r, uint32_t len)
{
    struct pmtimer *s = st;
    uint64_t now = hvm_now(s->p);
    uint32_t tmr;
    uint16_t sts, en;

    if (instance != 0 || len != 8)
        return -EINVAL;
    memcpy(&tmr, r, 4);
    memcpy(&sts, r + 4, 2);
    memcpy(&en, r + 6, 2);
    s->tick_offset = 0;
    /* The counter goes on from the saved value, never backwards. */
    s->tick_offset = (uint64_t)(uint32_t)(tmr - (uint32_t)ticks(s, now));
    s->last_msb = ticks(s, now) >> 31;
    s->sts = sts & STS_CLEAR;
    s->en = en & EN_WRITABLE;
    update(s, now);
    return 0;
}

static int pm_init(struct hvm_platform *p, void **state)
{
    struct pmtimer *s = calloc(1, sizeof(*s));

    if (!s)
        return -ENOMEM;
    s->p = p;
    s->base_ns = hvm_now(p);
    s->cnt = CNT_SCI_EN;
    hvm_timer_init(&s->timer, pm_timer_fire, s);
    *state = s;
    return 0;
}

static void pm_destroy(void *st)
{
    struct pmtimer *s = st;

    hvm_timer_stop(&s->p->timers, &s->timer);
    free(s);
}

static const struct hvm_io_range pm_pio[] = {{PM_BASE, 6}, {PM_TMR, 4}};

static const struct hvm_device pm_device = {
    .name = "pmtimer",
    .present = has_vpm,
    .init = pm_init,
    .destroy = pm_destroy,
    .pio = pm_pio,
    .nr_pio = 2,
    .pio_read = pm_read,
    .pio_write = pm_write,
    .save_types = {HVM_SAVE_PMTIMER},
    .save = pm_save,
    .load = pm_load,
};
HVM_DEVICE_REGISTER(pm_device);
