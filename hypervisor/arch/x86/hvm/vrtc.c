/*
 * vrtc.c: the MC146818 RTC and its CMOS (index 0x70, data 0x71).  The
 * time is the host's clock plus the domain's time offset (or what the
 * guest set), read in BCD or binary, 12 or 24 hour, century at 0x32 (the
 * FADT's CENTURY); UIP in register A for the 244 us before each update;
 * periodic, update-ended and alarm interrupts on ISA IRQ 8 (IRQF in C,
 * cleared by reading C).  The other CMOS bytes are plain NVRAM: hvmloader
 * writes the memory sizes there and reads the boot order (0x3d, 0x38).  Present where
 * XEN_X86_EMU_RTC is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

#define RTC_IRQ     8
#define REG_A       0x0a
#define REG_B       0x0b
#define REG_C       0x0c
#define REG_D       0x0d
#define REG_CENTURY 0x32
#define A_UIP       0x80
#define A_DV_32KHZ  0x20
#define B_SET       0x80
#define B_PIE       0x40
#define B_AIE       0x20
#define B_UIE       0x10
#define B_BINARY    0x04
#define B_24H       0x02
#define C_IRQF      0x80
#define C_PF        0x40
#define C_AF        0x20
#define C_UF        0x10
#define NS          1000000000ULL
#define UIP_NS      244000ULL

struct vrtc {
    struct hvm_platform *p;
    uint8_t cmos[128];
    uint8_t index;
    /* Guest time: seconds at base_ns (guest epoch seconds); while SET,
     * cmos[0..9] hold the frozen time instead. */
    int64_t base_s;
    uint64_t base_ns;
    uint64_t last_second; /* second index last checked for UF/AF */
    uint64_t last_period; /* periodic tick index last checked for PF */
    int64_t offset;       /* the domain's time offset base_s includes */
    bool irq;
    struct hvm_timer periodic, update;
};

/* ---- calendar (proleptic Gregorian, UTC) ---- */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

struct rtc_tm {
    int64_t year;
    unsigned mon, mday, hour, min, sec, wday;
};

static void civil_from_seconds(int64_t t, struct rtc_tm *tm)
{
    int64_t days = (t >= 0 ? t : t - 86399) / 86400, era, y;
    unsigned secs = (unsigned)(t - days * 86400), doe, yoe, doy, mp;

    tm->hour = secs / 3600;
    tm->min = secs / 60 % 60;
    tm->sec = secs % 60;
    tm->wday = (unsigned)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = (unsigned)(days - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    tm->mday = doy - (153 * mp + 2) / 5 + 1;
    tm->mon = mp < 10 ? mp + 3 : mp - 9;
    tm->year = y + (tm->mon <= 2);
}

/* ---- register encoding ---- */
static uint8_t to_reg(const struct vrtc *s, unsigned v)
{
    return (s->cmos[REG_B] & B_BINARY) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}
static unsigned from_reg(const struct vrtc *s, uint8_t v)
{
    if (s->cmos[REG_B] & B_BINARY)
        return v;
    return ((v >> 4) & 0xf) * 10 + (v & 0xf);
}
static uint8_t hour_to_reg(const struct vrtc *s, unsigned h)
{
    if (s->cmos[REG_B] & B_24H)
        return to_reg(s, h);
    return (uint8_t)(to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}
static unsigned hour_from_reg(const struct vrtc *s, uint8_t v)
{
    unsigned h;

    if (s->cmos[REG_B] & B_24H)
        return from_reg(s, v);
    h = from_reg(s, v & 0x7f) % 12;
    return h + ((v & 0x80) ? 12 : 0);
}

static int64_t now_seconds(const struct vrtc *s, uint64_t now, uint64_t *frac_ns)
{
    uint64_t d = now > s->base_ns ? now - s->base_ns : 0;

    if (frac_ns)
        *frac_ns = d % NS;
    return s->base_s + (int64_t)(d / NS);
}

/* Fill cmos[0..9] and the century from guest time t. */
static void store_time(struct vrtc *s, int64_t t)
{
    struct rtc_tm tm;

    civil_from_seconds(t, &tm);
    s->cmos[0] = to_reg(s, tm.sec);
    s->cmos[2] = to_reg(s, tm.min);
    s->cmos[4] = hour_to_reg(s, tm.hour);
    s->cmos[6] = to_reg(s, tm.wday + 1);
    s->cmos[7] = to_reg(s, tm.mday);
    s->cmos[8] = to_reg(s, tm.mon);
    s->cmos[9] = to_reg(s, (unsigned)(((tm.year % 100) + 100) % 100));
    s->cmos[REG_CENTURY] = to_reg(s, (unsigned)((tm.year / 100) % 100));
}

/* Guest time from cmos[0..9] (hostile: every field clamped to range). */
static int64_t load_time(const struct vrtc *s)
{
    unsigned sec = from_reg(s, s->cmos[0]) % 60, min = from_reg(s, s->cmos[2]) % 60;
    unsigned hour = hour_from_reg(s, s->cmos[4]) % 24, mday = from_reg(s, s->cmos[7]);
    unsigned mon = from_reg(s, s->cmos[8]), year = from_reg(s, s->cmos[9]) % 100;
    unsigned cent = from_reg(s, s->cmos[REG_CENTURY]) % 100;

    if (mon < 1 || mon > 12)
        mon = 1;
    if (mday < 1 || mday > 31)
        mday = 1;
    if (cent == 0)
        cent = 20;
    return days_from_civil((int64_t)cent * 100 + year, mon, mday) * 86400 + hour * 3600 + min * 60 +
           sec;
}

/* The toolstack moved the domain's time offset: move the clock with it. */
static void sync_offset(struct vrtc *s)
{
    if (s->p->time_offset_s != s->offset) {
        s->base_s += s->p->time_offset_s - s->offset;
        s->offset = s->p->time_offset_s;
    }
}

/* The guest set the time to t at now: a new time offset, as on Xen. */
static void guest_set_time(struct vrtc *s, int64_t t, uint64_t now)
{
    struct hvm_platform *p = s->p;
    int64_t host_s;

    s->base_s = t;
    s->base_ns = now;
    s->last_second = (uint64_t)t;
    if (!p->ops.wall_ns)
        return;
    host_s = p->ops.wall_ns(p->ops.opaque) / (int64_t)NS;
    s->offset = p->time_offset_s = t - host_s;
    if (p->ops.time_offset_changed)
        p->ops.time_offset_changed(p->ops.opaque, s->offset);
}

/* ---- interrupts ---- */
static uint64_t period_ns(const struct vrtc *s)
{
    unsigned rs = s->cmos[REG_A] & 0xf;

    if (rs == 0)
        return 0;
    if (rs < 3)
        rs += 7; /* 1, 2: 256 and 128 Hz */
    return ((1ULL << (rs - 1)) * NS) / 32768;
}

static void update_irq(struct vrtc *s)
{
    uint8_t c = s->cmos[REG_C], b = s->cmos[REG_B];
    bool irq = (c & b & (C_PF | C_AF | C_UF)) != 0;

    if (irq)
        s->cmos[REG_C] |= C_IRQF;
    if (irq != s->irq) {
        s->irq = irq;
        hvm_isa_irq_set(s->p, RTC_IRQ, irq);
    }
}

static bool alarm_matches(const struct vrtc *s, int64_t t)
{
    struct rtc_tm tm;
    const uint8_t al[3] = {s->cmos[1], s->cmos[3], s->cmos[5]};

    civil_from_seconds(t, &tm);
    return ((al[0] & 0xc0) == 0xc0 || from_reg(s, al[0]) == tm.sec) &&
           ((al[1] & 0xc0) == 0xc0 || from_reg(s, al[1]) == tm.min) &&
           ((al[2] & 0xc0) == 0xc0 || hour_from_reg(s, al[2]) == tm.hour);
}

/* Bring PF, UF and AF up to date with the clock (lazily, as C is read or
 * a timer fires). */
static void catch_up(struct vrtc *s, uint64_t now)
{
    uint64_t period = period_ns(s), second;
    int64_t t;

    if (period) {
        uint64_t idx = now / period; /* ticks on the clock's own grid */

        if (idx != s->last_period) {
            s->last_period = idx;
            s->cmos[REG_C] |= C_PF;
        }
    }
    if (s->cmos[REG_B] & B_SET)
        return;
    t = now_seconds(s, now, NULL);
    second = (uint64_t)t;
    if (second != s->last_second) {
        s->last_second = second;
        s->cmos[REG_C] |= C_UF;
        if (alarm_matches(s, t))
            s->cmos[REG_C] |= C_AF;
    }
}

static void arm_timers(struct vrtc *s, uint64_t now)
{
    uint64_t period = period_ns(s), frac;

    hvm_timer_stop(&s->p->timers, &s->periodic);
    hvm_timer_stop(&s->p->timers, &s->update);
    if ((s->cmos[REG_B] & B_PIE) && period) {
        if (period < HVM_MIN_PERIOD_NS)
            period = HVM_MIN_PERIOD_NS;
        hvm_timer_set(&s->p->timers, &s->periodic, hvm_next_period(0, period, now));
    }
    if ((s->cmos[REG_B] & (B_UIE | B_AIE)) && !(s->cmos[REG_B] & B_SET)) {
        now_seconds(s, now, &frac);
        hvm_timer_set(&s->p->timers, &s->update, now + (NS - frac));
    }
}

static void rtc_timer_fire(struct hvm_timer *t, uint64_t now)
{
    struct vrtc *s = t->data;

    sync_offset(s);
    catch_up(s, now);
    update_irq(s);
    arm_timers(s, now);
}

/* ---- registers ---- */
static uint8_t data_read(struct vrtc *s, uint64_t now)
{
    uint8_t i = s->index, v;
    uint64_t frac;

    switch (i) {
    case REG_A:
        v = s->cmos[REG_A] & 0x7f;
        now_seconds(s, now, &frac);
        if ((v & 0x70) == A_DV_32KHZ && !(s->cmos[REG_B] & B_SET) && frac >= NS - UIP_NS)
            v |= A_UIP;
        return v;
    case REG_C:
        catch_up(s, now);
        v = s->cmos[REG_C];
        s->cmos[REG_C] = 0;
        update_irq(s);
        return v;
    case REG_D:
        return 0x80; /* valid RAM and time */
    default:
        if ((i <= 9 || i == REG_CENTURY) && !(s->cmos[REG_B] & B_SET))
            store_time(s, now_seconds(s, now, NULL));
        return s->cmos[i];
    }
}

static void data_write(struct vrtc *s, uint8_t v, uint64_t now)
{
    uint8_t i = s->index, old;

    switch (i) {
    case REG_A:
        s->cmos[REG_A] = v & 0x7f;
        break;
    case REG_B:
        old = s->cmos[REG_B];
        if (!(old & B_SET))
            store_time(s, now_seconds(s, now, NULL)); /* in the old format */
        if (v & B_SET)
            v &= (uint8_t)~B_UIE;
        if ((old ^ v) & (B_BINARY | B_24H)) {
            /* Re-encode the frozen registers in the new format. */
            int64_t t = load_time(s);

            s->cmos[REG_B] = v;
            store_time(s, t);
        }
        s->cmos[REG_B] = v;
        if ((old & B_SET) && !(v & B_SET))
            guest_set_time(s, load_time(s), now);
        break;
    case REG_C:
    case REG_D:
        break; /* read-only */
    default:
        if (i <= 9 || i == REG_CENTURY) {
            bool running = !(s->cmos[REG_B] & B_SET);

            if (running)
                store_time(s, now_seconds(s, now, NULL));
            s->cmos[i] = v;
            if (running && i != 1 && i != 3 && i != 5)
                guest_set_time(s, load_time(s), now);
        } else {
            s->cmos[i] = v;
        }
        break;
    }
    update_irq(s);
    arm_timers(s, now);
}

static int vrtc_read(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val)
{
    struct vrtc *s = st;

    sync_offset(s);
    *val = port == 0x70 ? 0xff : data_read(s, hvm_now(s->p));
    if (size > 1)
        *val |= 0xffffff00u & (size == 2 ? 0xffffu : 0xffffffffu);
    return 0;
}

static int vrtc_write(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
    struct vrtc *s = st;

    sync_offset(s);
    if (port == 0x70)
        s->index = val & 0x7f; /* bit 7: NMI disable, ignored */
    else
        data_write(s, (uint8_t)val, hvm_now(s->p));
    return 0;
}

/* Xen's struct hvm_hw_rtc: registers 0-13 and the index.  The time in
 * them is not restored: the clock is the host's plus the domain's time
 * offset, which the toolstack restores (a halted clock, SET, is kept). */
static int vrtc_save(void *st, struct hvm_save_ctx *ctx)
{
    struct vrtc *s = st;
    uint8_t r[16];

    sync_offset(s);
    if (!(s->cmos[REG_B] & B_SET))
        store_time(s, now_seconds(s, hvm_now(s->p), NULL));
    memcpy(r, s->cmos, 14);
    r[REG_D] = 0x80;
    r[14] = s->index;
    r[15] = 0;
    return hvm_save_record(ctx, HVM_SAVE_RTC, 0, r, sizeof(r));
}

static int vrtc_load(void *st, uint16_t type, uint16_t instance, const uint8_t *r, uint32_t len)
{
    struct vrtc *s = st;
    uint64_t now = hvm_now(s->p);

    if (instance != 0 || len < 16)
        return -EINVAL;
    sync_offset(s);
    s->cmos[REG_A] = r[REG_A] & 0x7f;
    s->cmos[REG_B] = r[REG_B];
    s->cmos[REG_C] = r[REG_C] & (C_IRQF | C_PF | C_AF | C_UF);
    s->cmos[1] = r[1];
    s->cmos[3] = r[3];
    s->cmos[5] = r[5];
    if (r[REG_B] & B_SET)
        memcpy(s->cmos, r, 10); /* the halted time */
    s->index = r[14] & 0x7f;
    s->last_second = (uint64_t)now_seconds(s, now, NULL);
    s->last_period = period_ns(s) ? now / period_ns(s) : 0;
    update_irq(s);
    arm_timers(s, now);
    return 0;
}

int hvm_platform_set_boot_order(struct hvm_platform *p, const char *order)
{
    static const char devs[] = "acdn"; /* CMOS codes 1 to 4 */
    uint8_t code[3] = {0, 0, 0};
    size_t i;

    if (!p->rtc)
        return -ENODEV;
    if (!order || strlen(order) > 3)
        return -EINVAL;
    for (i = 0; order[i]; i++) {
        const char *c = strchr(devs, order[i]); /* order[i] is not NUL */

        if (!c)
            return -EINVAL;
        code[i] = (uint8_t)(c - devs + 1);
    }
    p->rtc->cmos[0x3d] = (uint8_t)(code[0] | code[1] << 4);
    p->rtc->cmos[0x38] = (uint8_t)((p->rtc->cmos[0x38] & 0x0f) | code[2] << 4);
    return 0;
}

static int vrtc_init(struct hvm_platform *p, void **state)
{
    struct vrtc *s = calloc(1, sizeof(*s));
    uint64_t now;
    int64_t wall;

    if (!s)
        return -ENOMEM;
    s->p = p;
    now = hvm_now(p);
    wall = p->ops.wall_ns ? p->ops.wall_ns(p->ops.opaque) : 0;
    s->base_s = wall / (int64_t)NS + p->time_offset_s;
    s->offset = p->time_offset_s;
    /* Keep the second boundary where the host's is. */
    s->base_ns = now;
    if (wall > 0 && now >= (uint64_t)(wall % (int64_t)NS))
        s->base_ns = now - (uint64_t)(wall % (int64_t)NS);
    s->last_second = (uint64_t)s->base_s;
    s->cmos[REG_A] = A_DV_32KHZ | 6; /* 1024 Hz */
    s->cmos[REG_B] = B_24H;
    s->cmos[REG_D] = 0x80;
    s->cmos[0x15] = 0x80; /* base memory: 640 KiB */
    s->cmos[0x16] = 0x02;
    s->cmos[0x3d] = 0x32; /* boot order "cd", libxl's default */
    hvm_timer_init(&s->periodic, rtc_timer_fire, s);
    hvm_timer_init(&s->update, rtc_timer_fire, s);
    store_time(s, s->base_s);
    p->rtc = s;
    *state = s;
    return 0;
}

static void vrtc_destroy(void *st)
{
    struct vrtc *s = st;

    s->p->rtc = NULL;
    hvm_timer_stop(&s->p->timers, &s->periodic);
    hvm_timer_stop(&s->p->timers, &s->update);
    free(s);
}

static const struct hvm_io_range vrtc_pio[] = {{0x70, 2}};

static const struct hvm_device vrtc_device = {
    .name = "rtc",
    .present = has_vrtc,
    .init = vrtc_init,
    .destroy = vrtc_destroy,
    .pio = vrtc_pio,
    .nr_pio = 1,
    .pio_read = vrtc_read,
    .pio_write = vrtc_write,
    .save_types = {HVM_SAVE_RTC},
    .save = vrtc_save,
    .load = vrtc_load,
};
HVM_DEVICE_REGISTER(vrtc_device);
