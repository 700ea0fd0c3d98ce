/*
 * vlapic.c: the local APIC of each vCPU, as Xen's vLAPIC presents it:
 * version 0x14 with six LVT entries, APIC ID 2 * vCPU, a 1 GHz bus clock
 * for the timer (one-shot, periodic, TSC-deadline), IPIs through the ICR
 * (INIT and SIPI reported to the caller), the xAPIC page at 0xfee00000
 * and the x2APIC MSRs 0x800-0x8ff.  Present where XEN_X86_EMU_LAPIC is.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

#define APIC_BASE_ADDR   0xfee00000ULL
#define APIC_BASE_BSP    (1ULL << 8)
#define APIC_BASE_EXTD   (1ULL << 10)
#define APIC_BASE_EN     (1ULL << 11)
#define APIC_VERSION     0x50014u /* max LVT 5, version 0x14 */
#define LVT_MASKED       (1u << 16)
#define NR_LVT           6 /* timer, thermal, perf, LINT0, LINT1, error */
#define LVT_TIMER        0
#define LVT_LINT0        3
#define SVR_ENABLE       (1u << 8)
#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)
#define TIMER_ONESHOT    0
#define TIMER_PERIODIC   1
#define TIMER_TSCDL      2
#define MSR_APIC_BASE    0x1b
#define MSR_TSC_DEADLINE 0x6e0

/* What each LVT keeps of a write (delivery status and remote IRR are
 * read-only). */
static const uint32_t lvt_write_mask[NR_LVT] = {0x700ff, 0x107ff, 0x107ff,
                                                0x1a7ff, 0x1a7ff, 0x100ff};

struct vlapic {
    struct hvm_platform *p;
    unsigned vcpu;
    uint64_t base_msr;
    uint32_t tpr, ldr, dfr, svr, esr, esr_pending, icr_lo, icr_hi;
    uint32_t lvt[NR_LVT];
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t tmict, tdcr;
    uint64_t timer_start, timer_period; /* ns; period of the count */
    uint64_t tsc_deadline;
    uint64_t tdt_restored; /* from a LAPIC record, armed by LAPIC_REGS */
    bool nmi_pending;
    struct hvm_timer timer;
};

struct vlapic_set {
    struct hvm_platform *p;
    struct vlapic *l;
};

struct vlapic *vlapic_of(struct hvm_platform *p, unsigned vcpu)
{
    return p->vlapic && vcpu < p->nr_vcpus ? p->vlapic[vcpu] : NULL;
}

static bool bit_test(const uint32_t *r, unsigned v)
{
    return r[v / 32] & (1u << (v % 32));
}
static void bit_set(uint32_t *r, unsigned v)
{
    r[v / 32] |= 1u << (v % 32);
}
static void bit_clear(uint32_t *r, unsigned v)
{
    r[v / 32] &= ~(1u << (v % 32));
}
static int highest(const uint32_t *r)
{
    int i;

    for (i = 7; i >= 0; i--) {
        if (r[i])
            return i * 32 + 31 - __builtin_clz(r[i]);
    }
    return -1;
}

static bool x2apic_mode(const struct vlapic *l)
{
    return (l->base_msr & APIC_BASE_EXTD) != 0;
}
static bool hw_enabled(const struct vlapic *l)
{
    return (l->base_msr & APIC_BASE_EN) != 0;
}
bool vlapic_enabled(const struct vlapic *l)
{
    return hw_enabled(l) && (l->svr & SVR_ENABLE);
}
uint32_t vlapic_id(const struct vlapic *l)
{
    return l->vcpu * 2;
}

static uint32_t ppr(const struct vlapic *l)
{
    int isrv = highest(l->isr);
    uint32_t isrc = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    return (l->tpr & 0xf0) >= isrc ? l->tpr & 0xff : isrc;
}
uint8_t vlapic_priority(const struct vlapic *l)
{
    return (uint8_t)ppr(l);
}

/* ---- timer ---- */
static unsigned timer_mode(const struct vlapic *l)
{
    return (l->lvt[LVT_TIMER] >> 17) & 3;
}
static uint64_t timer_divide(const struct vlapic *l)
{
    unsigned v = (l->tdcr & 3) | ((l->tdcr >> 1) & 4);

    return 1ULL << ((v + 1) & 7);
}

static void timer_fire(struct hvm_timer *t, uint64_t now)
{
    struct vlapic *l = t->data;
    uint32_t lvt = l->lvt[LVT_TIMER];

    if (!(lvt & LVT_MASKED))
        vlapic_set_vector(l, lvt & 0xff, false);
    hvm_kick(l->p, l->vcpu);
    if (timer_mode(l) == TIMER_PERIODIC && l->timer_period) {
        uint64_t period = l->timer_period;

        if (period < HVM_MIN_PERIOD_NS)
            period = HVM_MIN_PERIOD_NS;
        hvm_timer_set(&l->p->timers, t, hvm_next_period(l->timer_start, period, now));
    } else if (timer_mode(l) == TIMER_TSCDL) {
        l->tsc_deadline = 0;
    }
}

static void timer_start(struct vlapic *l)
{
    uint64_t now = hvm_now(l->p);
    uint64_t first;

    hvm_timer_stop(&l->p->timers, &l->timer);
    l->timer_start = now;
    l->timer_period = (uint64_t)l->tmict * timer_divide(l);
    if (l->tmict == 0 || timer_mode(l) == TIMER_TSCDL)
        return;
    first = l->timer_period;
    if (timer_mode(l) == TIMER_PERIODIC && first < HVM_MIN_PERIOD_NS)
        first = HVM_MIN_PERIOD_NS;
    hvm_timer_set(&l->p->timers, &l->timer, now + first);
}

/* Run the count on from left (1..TMICT) at the current divide. */
static void timer_continue(struct vlapic *l, uint32_t left, uint64_t now)
{
    uint64_t div = timer_divide(l), done = (uint64_t)(l->tmict - left) * div;
    uint64_t first = (uint64_t)left * div;

    l->timer_period = (uint64_t)l->tmict * div;
    l->timer_start = now >= done ? now - done : 0;
    if (timer_mode(l) == TIMER_PERIODIC && first < HVM_MIN_PERIOD_NS)
        first = HVM_MIN_PERIOD_NS;
    hvm_timer_set(&l->p->timers, &l->timer, now + first);
}

static uint32_t timer_current(const struct vlapic *l)
{
    uint64_t now, elapsed;

    if (l->tmict == 0 || l->timer_period == 0 || timer_mode(l) == TIMER_TSCDL)
        return 0;
    now = hvm_now(l->p);
    elapsed = now > l->timer_start ? now - l->timer_start : 0;
    if (timer_mode(l) == TIMER_PERIODIC)
        elapsed %= l->timer_period;
    else if (elapsed >= l->timer_period)
        return 0;
    return (uint32_t)((l->timer_period - elapsed) / timer_divide(l));
}

/* The clock time of a TSC value; UINT64_MAX if beyond the clock's range. */
static uint64_t tsc_to_ns(const struct vlapic *l, uint64_t tsc)
{
    unsigned __int128 ns = (unsigned __int128)tsc * 1000000u / l->p->tsc_khz;

    return ns >= UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static void tsc_deadline_write(struct vlapic *l, uint64_t tsc)
{
    uint64_t now = hvm_now(l->p), when;

    hvm_timer_stop(&l->p->timers, &l->timer);
    if (timer_mode(l) != TIMER_TSCDL || !l->p->tsc_khz) {
        l->tsc_deadline = 0;
        return;
    }
    l->tsc_deadline = tsc;
    if (tsc == 0)
        return;
    when = tsc_to_ns(l, tsc);
    if (when == UINT64_MAX)
        return; /* never, in this clock's lifetime */
    hvm_timer_set(&l->p->timers, &l->timer, when > now ? when : now);
}

/* ---- interrupt state ---- */
void vlapic_set_vector(struct vlapic *l, uint8_t vector, bool level)
{
    if (vector < 16) {
        l->esr_pending |= ESR_RECV_ILLEGAL;
        return;
    }
    if (!vlapic_enabled(l))
        return;
    bit_set(l->irr, vector);
    if (level)
        bit_set(l->tmr, vector);
    else
        bit_clear(l->tmr, vector);
}

void vlapic_set_nmi(struct vlapic *l)
{
    l->nmi_pending = true;
}

bool vlapic_take_nmi(struct vlapic *l, bool peek)
{
    bool was = l->nmi_pending;

    if (!peek)
        l->nmi_pending = false;
    return was;
}

int vlapic_pending(struct vlapic *l)
{
    int v;

    if (!vlapic_enabled(l))
        return -1;
    v = highest(l->irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (ppr(l) & 0xf0))
        return -1;
    return v;
}

void vlapic_ack(struct vlapic *l, uint8_t vector)
{
    bit_clear(l->irr, vector);
    bit_set(l->isr, vector);
}

bool vlapic_accepts_pic(const struct vlapic *l)
{
    return !hw_enabled(l) || (l->lvt[LVT_LINT0] & (LVT_MASKED | 0x700)) == 0x700;
}

static void eoi(struct vlapic *l)
{
    int v = highest(l->isr);

    if (v < 0)
        return;
    bit_clear(l->isr, (unsigned)v);
    if (bit_test(l->tmr, (unsigned)v)) {
        bit_clear(l->tmr, (unsigned)v);
        if (l->p->vioapic)
            vioapic_eoi(l->p->vioapic, (uint8_t)v);
    }
}

bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical)
{
    uint32_t id = vlapic_id(l);

    if (!hw_enabled(l))
        return false;
    if (dest == 0xffffffffu || (!x2apic_mode(l) && (dest & 0xff) == 0xff && dest <= 0xff))
        return true;
    if (!logical)
        return x2apic_mode(l) ? dest == id : (dest & 0xff) == (id & 0xff);
    if (x2apic_mode(l))
        return (dest >> 16) == (l->ldr >> 16) && (dest & l->ldr & 0xffff) != 0;
    dest &= 0xff;
    if ((l->dfr >> 28) == 0xf) /* flat */
        return (dest & (l->ldr >> 24)) != 0;
    /* cluster */
    return (dest >> 4) == (l->ldr >> 28) && (dest & (l->ldr >> 24) & 0xf) != 0;
}

static void send_ipi(struct vlapic *l, uint32_t lo, uint32_t dest)
{
    struct hvm_apic_msg m = {
        .vector = lo & 0xff,
        .delivery = (lo >> 8) & 7,
        .logical = (lo & (1u << 11)) != 0,
        .level = false,
        .dest = dest,
        .shorthand = (lo >> 18) & 3,
        .source_vcpu = l->vcpu,
    };

    /* INIT level de-assert: no effect on modern processors. */
    if (m.delivery == 5 && !(lo & (1u << 14)) && (lo & (1u << 15)))
        return;
    if ((m.delivery == 0 || m.delivery == 1) && m.vector < 16) {
        l->esr_pending |= ESR_SEND_ILLEGAL;
        return;
    }
    hvm_apic_deliver(l->p, &m);
}

void vlapic_reset(struct vlapic *l)
{
    unsigned i;

    hvm_timer_stop(&l->p->timers, &l->timer);
    l->tpr = 0;
    l->ldr = x2apic_mode(l) ? ((vlapic_id(l) >> 4) << 16) | (1u << (vlapic_id(l) & 0xf)) : 0;
    l->dfr = 0xffffffffu;
    l->svr = 0xff;
    l->esr = l->esr_pending = 0;
    l->icr_lo = l->icr_hi = 0;
    for (i = 0; i < NR_LVT; i++)
        l->lvt[i] = LVT_MASKED;
    memset(l->irr, 0, sizeof(l->irr));
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    l->tmict = l->tdcr = 0;
    l->timer_start = l->timer_period = 0;
    l->tsc_deadline = 0;
    l->nmi_pending = false;
}

/* ---- registers, by offset (xAPIC page) ---- */
static uint32_t reg_read(struct vlapic *l, unsigned off)
{
    if (off >= 0x100 && off < 0x180)
        return l->isr[(off - 0x100) >> 4];
    if (off >= 0x180 && off < 0x200)
        return l->tmr[(off - 0x180) >> 4];
    if (off >= 0x200 && off < 0x280)
        return l->irr[(off - 0x200) >> 4];
    if (off >= 0x320 && off <= 0x370)
        return l->lvt[(off - 0x320) >> 4];
    switch (off) {
    case 0x20:
        return x2apic_mode(l) ? vlapic_id(l) : vlapic_id(l) << 24;
    case 0x30:
        return APIC_VERSION;
    case 0x80:
        return l->tpr;
    case 0xa0:
        return ppr(l);
    case 0xd0:
        return l->ldr;
    case 0xe0:
        return l->dfr;
    case 0xf0:
        return l->svr;
    case 0x280:
        return l->esr;
    case 0x300:
        return l->icr_lo;
    case 0x310:
        return l->icr_hi;
    case 0x380:
        return l->tmict;
    case 0x390:
        return timer_current(l);
    case 0x3e0:
        return l->tdcr;
    default:
        return 0;
    }
}

static void lvt_write(struct vlapic *l, unsigned idx, uint32_t val)
{
    uint32_t keep = l->lvt[idx] & (1u << 14); /* remote IRR */
    unsigned old_mode = timer_mode(l);

    val &= lvt_write_mask[idx];
    if (idx == LVT_TIMER && ((val >> 17) & 3) == 3)
        val &= ~(3u << 17); /* reserved mode: one-shot */
    if (idx == LVT_TIMER && ((val >> 17) & 3) == TIMER_TSCDL && !l->p->tsc_khz)
        val &= ~(3u << 17);
    if (!(l->svr & SVR_ENABLE))
        val |= LVT_MASKED;
    l->lvt[idx] = (val & ~(1u << 14)) | keep;
    if (idx == LVT_TIMER && timer_mode(l) != old_mode) {
        /* Changing mode stops the timer (as Xen does). */
        hvm_timer_stop(&l->p->timers, &l->timer);
        l->tmict = 0;
        l->tsc_deadline = 0;
        l->timer_period = 0;
    }
}

/* Returns 0, or -EINVAL when an x2APIC write must #GP. */
static int reg_write(struct vlapic *l, unsigned off, uint32_t val)
{
    unsigned i;

    if (off >= 0x320 && off <= 0x370) {
        lvt_write(l, (off - 0x320) >> 4, val);
        return 0;
    }
    switch (off) {
    case 0x80:
        l->tpr = val & 0xff;
        return 0;
    case 0xb0:
        eoi(l);
        return 0;
    case 0xd0:
        if (!x2apic_mode(l))
            l->ldr = val & 0xff000000u;
        return 0;
    case 0xe0:
        if (!x2apic_mode(l))
            l->dfr = (val & 0xf0000000u) | 0x0fffffffu;
        return 0;
    case 0xf0:
        l->svr = val & 0x1ff;
        if (!(l->svr & SVR_ENABLE)) {
            for (i = 0; i < NR_LVT; i++)
                l->lvt[i] |= LVT_MASKED;
        }
        return 0;
    case 0x280:
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        return 0;
    case 0x300:
        l->icr_lo = val & 0xccfffu;
        send_ipi(l, l->icr_lo, x2apic_mode(l) ? l->icr_hi : l->icr_hi >> 24);
        return 0;
    case 0x310:
        l->icr_hi = x2apic_mode(l) ? val : val & 0xff000000u;
        return 0;
    case 0x380:
        if (timer_mode(l) == TIMER_TSCDL)
            return 0;
        l->tmict = val;
        timer_start(l);
        return 0;
    case 0x3e0: {
        uint32_t left = timer_current(l);

        l->tdcr = val & 0xb;
        l->timer_period = (uint64_t)l->tmict * timer_divide(l);
        if (l->tmict && left && timer_mode(l) != TIMER_TSCDL)
            timer_continue(l, left, hvm_now(l->p)); /* on from here, at the new rate */
        return 0;
    }
    default:
        return 0; /* read-only or reserved: ignored */
    }
}

/* ---- the xAPIC page ---- */
static int vlapic_mmio_read(void *s, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t *val)
{
    struct vlapic *l = ((struct vlapic_set *)s)->l + vcpu;
    unsigned off = (unsigned)(gpa - APIC_BASE_ADDR);
    uint32_t reg;

    if (!hw_enabled(l) || x2apic_mode(l))
        return -ENOENT;
    /* Bytes past the 32-bit register, up to the next one, read as 0. */
    reg = (off & 0xf) < 4 ? reg_read(l, off & ~0xfu) >> (8 * (off & 3)) : 0;
    *val = reg;
    if (size < 8)
        *val &= (1ULL << (8 * size)) - 1;
    return 0;
}

static int vlapic_mmio_write(void *s, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t val)
{
    struct vlapic *l = ((struct vlapic_set *)s)->l + vcpu;
    unsigned off = (unsigned)(gpa - APIC_BASE_ADDR);

    if (!hw_enabled(l) || x2apic_mode(l))
        return -ENOENT;
    if ((off & 0xf) != 0 || size < 4)
        return 0; /* only aligned 32-bit writes reach a register */
    reg_write(l, off, (uint32_t)val);
    return 0;
}

/* ---- MSRs ---- */
static int apic_base_write(struct vlapic *l, uint64_t val)
{
    uint64_t old = l->base_msr;

    if (val & ~0xffffff000ULL & ~(APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP))
        return -EINVAL;
    val = (val & ~APIC_BASE_BSP) | (old & APIC_BASE_BSP);
    if ((val & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EXTD)
        return -EINVAL; /* x2APIC without enable */
    if ((old & APIC_BASE_EXTD) && (val & APIC_BASE_EN) && !(val & APIC_BASE_EXTD))
        return -EINVAL; /* x2APIC back to xAPIC */
    if (!(old & APIC_BASE_EN) && (val & APIC_BASE_EXTD))
        return -EINVAL; /* disabled straight to x2APIC */
    l->base_msr = val;
    if ((old & APIC_BASE_EN) && !(val & APIC_BASE_EN)) {
        vlapic_reset(l);
    } else if (!(old & APIC_BASE_EXTD) && (val & APIC_BASE_EXTD)) {
        uint32_t id = vlapic_id(l);

        l->ldr = ((id >> 4) << 16) | (1u << (id & 0xf));
    }
    return 0;
}

/* The x2APIC registers (MSR 0x800 + offset / 16): readable, and for the
 * writable ones the bits a write may set (others #GP, as on hardware). */
#define X2_R 1
#define X2_W 2
static const struct {
    uint8_t access;
    uint32_t wmask;
} x2apic_regs[0x40] = {
    [0x02] = {X2_R, 0},                       /* ID */
    [0x03] = {X2_R, 0},                       /* version */
    [0x08] = {X2_R | X2_W, 0xff},             /* TPR */
    [0x0a] = {X2_R, 0},                       /* PPR */
    [0x0b] = {X2_W, 0},                       /* EOI: only 0 */
    [0x0d] = {X2_R, 0},                       /* LDR */
    [0x0f] = {X2_R | X2_W, 0x1ff},            /* SVR */
    [0x10 ... 0x27] = {X2_R, 0},              /* ISR, TMR, IRR */
    [0x28] = {X2_R | X2_W, 0},                /* ESR: only 0 */
    [0x30] = {X2_R | X2_W, 0xccfff},          /* ICR (64-bit) */
    [0x32] = {X2_R | X2_W, 0x710ff},          /* LVT timer */
    [0x33 ... 0x34] = {X2_R | X2_W, 0x117ff}, /* LVT thermal, perf */
    [0x35 ... 0x36] = {X2_R | X2_W, 0x1f7ff}, /* LVT LINT0, LINT1 */
    [0x37] = {X2_R | X2_W, 0x110ff},          /* LVT error */
    [0x38] = {X2_R | X2_W, 0xffffffff},       /* initial count */
    [0x39] = {X2_R, 0},                       /* current count */
    [0x3e] = {X2_R | X2_W, 0xb},              /* divide configuration */
    [0x3f] = {X2_W, 0xff},                    /* SELF IPI */
};

int vlapic_msr(struct vlapic *l, uint32_t msr, bool write, uint64_t *val)
{
    unsigned idx;

    if (msr == MSR_APIC_BASE) {
        if (write)
            return apic_base_write(l, *val);
        *val = l->base_msr;
        return 0;
    }
    if (msr == MSR_TSC_DEADLINE) {
        if (!l->p->tsc_khz)
            return -EINVAL;
        if (write)
            tsc_deadline_write(l, *val);
        else
            *val = timer_mode(l) == TIMER_TSCDL ? l->tsc_deadline : 0;
        return 0;
    }
    if (msr < 0x800 || msr > 0x8ff)
        return -ENOENT;
    idx = msr - 0x800;
    if (!x2apic_mode(l) || idx >= 0x40 || !(x2apic_regs[idx].access & (write ? X2_W : X2_R)))
        return -EINVAL;
    if (!write) {
        *val = idx == 0x30 ? ((uint64_t)l->icr_hi << 32) | l->icr_lo : reg_read(l, idx << 4);
        return 0;
    }
    if ((uint32_t)*val & ~x2apic_regs[idx].wmask)
        return -EINVAL;
    if (idx == 0x30) { /* ICR: the destination in the high half */
        l->icr_hi = (uint32_t)(*val >> 32);
        l->icr_lo = (uint32_t)*val;
        send_ipi(l, l->icr_lo, l->icr_hi);
        return 0;
    }
    if (*val >> 32)
        return -EINVAL;
    if (idx == 0x3f) {
        send_ipi(l, (uint32_t)*val | (1u << 18), 0); /* fixed, to self */
        return 0;
    }
    return reg_write(l, idx << 4, (uint32_t)*val);
}

/* ---- save/restore: Xen's LAPIC and LAPIC_REGS records ---- */
struct lapic_record {
    uint64_t apic_base_msr;
    uint32_t disabled; /* 1 software, 2 hardware */
    uint32_t timer_divisor;
    uint64_t tdt_msr;
};
/* Registers of the LAPIC_REGS page (offset / 16) that are saved. */
static const uint16_t saved_regs[] = {0x02, 0x03, 0x08, 0x0a, 0x0d, 0x0e, 0x0f, 0x28, 0x30, 0x31,
                                      0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3e};

static int vlapic_save(void *st, struct hvm_save_ctx *ctx)
{
    struct vlapic_set *set = st;
    uint8_t page[1024];
    unsigned v, i;
    int rc;

    for (v = 0; v < set->p->nr_vcpus; v++) {
        struct vlapic *l = &set->l[v];
        struct lapic_record r = {
            .apic_base_msr = l->base_msr,
            .disabled = (hw_enabled(l) ? 0 : 2) | ((l->svr & SVR_ENABLE) ? 0 : 1),
            .timer_divisor = (uint32_t)timer_divide(l),
            .tdt_msr = timer_mode(l) == TIMER_TSCDL ? l->tsc_deadline : 0,
        };
        uint32_t reg;

        rc = hvm_save_record(ctx, HVM_SAVE_LAPIC, (uint16_t)v, &r, sizeof(r));
        if (rc < 0)
            return rc;
        memset(page, 0, sizeof(page));
        for (i = 0; i < sizeof(saved_regs) / sizeof(saved_regs[0]); i++) {
            reg = reg_read(l, saved_regs[i] << 4);
            memcpy(page + (saved_regs[i] << 4), &reg, 4);
        }
        for (i = 0; i < 8; i++) {
            memcpy(page + 0x100 + 16 * i, &l->isr[i], 4);
            memcpy(page + 0x180 + 16 * i, &l->tmr[i], 4);
            memcpy(page + 0x200 + 16 * i, &l->irr[i], 4);
        }
        rc = hvm_save_record(ctx, HVM_SAVE_LAPIC_REGS, (uint16_t)v, page, sizeof(page));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static uint32_t page_reg(const uint8_t *page, unsigned off)
{
    uint32_t v;

    memcpy(&v, page + off, 4);
    return v;
}

static int lapic_regs_load(struct vlapic *l, const uint8_t *page)
{
    uint64_t now = hvm_now(l->p);
    unsigned i;
    uint32_t cur;

    hvm_timer_stop(&l->p->timers, &l->timer);
    l->tpr = page_reg(page, 0x80) & 0xff;
    if (!x2apic_mode(l)) {
        l->ldr = page_reg(page, 0xd0) & 0xff000000u;
        l->dfr = (page_reg(page, 0xe0) & 0xf0000000u) | 0x0fffffffu;
    }
    l->svr = page_reg(page, 0xf0) & 0x1ff;
    for (i = 0; i < 8; i++) {
        l->isr[i] = page_reg(page, 0x100 + 16 * i);
        l->tmr[i] = page_reg(page, 0x180 + 16 * i);
        l->irr[i] = page_reg(page, 0x200 + 16 * i);
    }
    l->isr[0] &= 0xffff0000u; /* vectors 0-15 cannot be pending */
    l->tmr[0] &= 0xffff0000u;
    l->irr[0] &= 0xffff0000u;
    l->esr = page_reg(page, 0x280) & 0xec;
    l->icr_lo = page_reg(page, 0x300) & 0xccfffu;
    l->icr_hi = page_reg(page, 0x310);
    for (i = 0; i < NR_LVT; i++) {
        uint32_t val = page_reg(page, 0x320 + 16 * i);

        l->lvt[i] = val & (lvt_write_mask[i] | (i >= 3 && i <= 4 ? (1u << 14) : 0));
        if (!(l->svr & SVR_ENABLE))
            l->lvt[i] |= LVT_MASKED;
    }
    if (timer_mode(l) == 3 || (timer_mode(l) == TIMER_TSCDL && !l->p->tsc_khz))
        l->lvt[LVT_TIMER] &= ~(3u << 17);
    l->tdcr = page_reg(page, 0x3e0) & 0xb;
    l->tmict = page_reg(page, 0x380);
    cur = page_reg(page, 0x390);
    l->timer_period = (uint64_t)l->tmict * timer_divide(l);
    l->tsc_deadline = 0;
    if (timer_mode(l) == TIMER_TSCDL) {
        l->tmict = 0;
        l->timer_period = 0;
        if (l->tdt_restored)
            tsc_deadline_write(l, l->tdt_restored);
    } else if (l->tmict && cur && cur <= l->tmict) {
        timer_continue(l, cur, now); /* from the saved current count */
    } else {
        l->timer_start = now;
        if (l->tmict && timer_mode(l) == TIMER_PERIODIC)
            hvm_timer_set(&l->p->timers, &l->timer, now + l->timer_period);
    }
    l->tdt_restored = 0;
    return 0;
}

static int vlapic_load(void *st, uint16_t type, uint16_t instance, const uint8_t *data,
                       uint32_t len)
{
    struct vlapic_set *set = st;
    struct vlapic *l;
    struct lapic_record r;

    if (instance >= set->p->nr_vcpus)
        return -EINVAL;
    l = &set->l[instance];
    if (type == HVM_SAVE_LAPIC_REGS)
        return len == 1024 ? lapic_regs_load(l, data) : -EINVAL;
    if (len != sizeof(r) && len != offsetof(struct lapic_record, tdt_msr))
        return -EINVAL;
    memset(&r, 0, sizeof(r));
    memcpy(&r, data, len);
    if ((r.apic_base_msr & ~0xffffff000ULL & ~(APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP)) ||
        (r.apic_base_msr & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EXTD)
        return -EINVAL;
    l->base_msr = (r.apic_base_msr & ~APIC_BASE_BSP) | (instance == 0 ? APIC_BASE_BSP : 0);
    if (x2apic_mode(l))
        l->ldr = ((vlapic_id(l) >> 4) << 16) | (1u << (vlapic_id(l) & 0xf));
    l->tdt_restored = r.tdt_msr;
    return 0;
}

/* ---- device ---- */
static const struct hvm_io_range vlapic_mmio[] = {{APIC_BASE_ADDR, 0x1000}};

static int vlapic_init(struct hvm_platform *p, void **state)
{
    struct vlapic_set *set = calloc(1, sizeof(*set));
    unsigned v;

    if (!set)
        return -ENOMEM;
    set->p = p;
    set->l = calloc(p->nr_vcpus, sizeof(*set->l));
    p->vlapic = calloc(p->nr_vcpus, sizeof(*p->vlapic));
    if (!set->l || !p->vlapic) {
        free(set->l);
        free(p->vlapic);
        p->vlapic = NULL;
        free(set);
        return -ENOMEM;
    }
    for (v = 0; v < p->nr_vcpus; v++) {
        struct vlapic *l = &set->l[v];

        l->p = p;
        l->vcpu = v;
        l->base_msr = APIC_BASE_ADDR | APIC_BASE_EN | (v == 0 ? APIC_BASE_BSP : 0);
        hvm_timer_init(&l->timer, timer_fire, l);
        vlapic_reset(l);
        p->vlapic[v] = l;
    }
    *state = set;
    return 0;
}

static void vlapic_destroy(void *s)
{
    struct vlapic_set *set = s;
    unsigned v;

    for (v = 0; v < set->p->nr_vcpus; v++)
        hvm_timer_stop(&set->p->timers, &set->l[v].timer);
    free(set->p->vlapic);
    set->p->vlapic = NULL;
    free(set->l);
    free(set);
}

static const struct hvm_device vlapic_device = {
    .name = "lapic",
    .present = has_vlapic,
    .init = vlapic_init,
    .destroy = vlapic_destroy,
    .mmio = vlapic_mmio,
    .nr_mmio = 1,
    .mmio_read = vlapic_mmio_read,
    .mmio_write = vlapic_mmio_write,
    .save_types = {HVM_SAVE_LAPIC, HVM_SAVE_LAPIC_REGS},
    .save = vlapic_save,
    .load = vlapic_load,
};
HVM_DEVICE_REGISTER(vlapic_device);
