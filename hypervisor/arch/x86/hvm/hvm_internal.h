/*
 * hvm_internal.h: what the emulated devices share: the platform object,
 * the device registry (a linker set: each device file registers itself
 * with HVM_DEVICE_REGISTER), the per-domain timer queue and the interrupt
 * routing calls between the interrupt controllers.
 */
#ifndef XENHV_HVM_INTERNAL_H
#define XENHV_HVM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "xenhv/hvm_platform.h"

#define HVM_NR_GSIS       48 /* IO-APIC pins, as Xen's vIOAPIC */
#define HVM_MAX_DEVICES   16
#define HVM_MIN_PERIOD_NS 100000u /* periodic interrupts: at most 10 kHz */

/* ---- timer queue (hvm_timer.c) ---- */
struct hvm_timer {
    struct hvm_timer *next;
    uint64_t deadline;
    bool armed;
    uint64_t run_gen; /* the run_timers pass that last fired it */
    void (*fn)(struct hvm_timer *t, uint64_t now);
    void *data;
};
struct hvm_timerq {
    struct hvm_timer *head; /* armed timers, earliest first */
    uint64_t run_gen;
};
void hvm_timer_init(struct hvm_timer *t, void (*fn)(struct hvm_timer *, uint64_t), void *data);
void hvm_timer_set(struct hvm_timerq *q, struct hvm_timer *t, uint64_t deadline);
void hvm_timer_stop(struct hvm_timerq *q, struct hvm_timer *t);
uint64_t hvm_timerq_next(const struct hvm_timerq *q);
void hvm_timerq_run(struct hvm_timerq *q, uint64_t now);
/* Next deadline of a periodic source started at start with period ns:
 * the first start + k*period after now (ticks missed are dropped). */
uint64_t hvm_next_period(uint64_t start, uint64_t period, uint64_t now);

/* ---- save records (hvm_save.c) ---- */
#define HVM_SAVE_PIC        3
#define HVM_SAVE_IOAPIC     4
#define HVM_SAVE_LAPIC      5
#define HVM_SAVE_LAPIC_REGS 6
#define HVM_SAVE_PIT        10
#define HVM_SAVE_RTC        11
#define HVM_SAVE_HPET       12
#define HVM_SAVE_PMTIMER    13
struct hvm_save_ctx {
    uint8_t *buf;
    size_t len, used;
};
/* Append a record (descriptor + payload); -ENOSPC when it does not fit. */
int hvm_save_record(struct hvm_save_ctx *c, uint16_t type, uint16_t instance, const void *data,
                    uint32_t len);

/* ---- device registry (hvm_io.c) ---- */
struct hvm_io_range {
    uint64_t base;
    uint32_t len;
};
struct hvm_device {
    const char *name;
    bool (*present)(const struct domain *d);
    int (*init)(struct hvm_platform *p, void **state);
    void (*destroy)(void *state);
    const struct hvm_io_range *pio;
    unsigned nr_pio;
    const struct hvm_io_range *mmio;
    unsigned nr_mmio;
    /* Accesses inside a claimed range; size 1/2/4 (MMIO also 8). */
    int (*pio_read)(void *s, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val);
    int (*pio_write)(void *s, unsigned vcpu, uint16_t port, unsigned size, uint32_t val);
    int (*mmio_read)(void *s, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t *val);
    int (*mmio_write)(void *s, unsigned vcpu, uint64_t gpa, unsigned size, uint64_t val);
    void (*poll)(void *s); /* take in cross-thread input */
    /* Save/restore as Xen's HVM save records (hvm_save.c): save adds the
     * device's records; load takes one record of a type in save_types
     * (hostile: every field checked, -EINVAL if unacceptable). */
    uint16_t save_types[2];
    int (*save)(void *s, struct hvm_save_ctx *ctx);
    int (*load)(void *s, uint16_t type, uint16_t instance, const uint8_t *data, uint32_t len);
};
#define HVM_DEVICE_REGISTER(dev)                                                                   \
    static const struct hvm_device *const hvm_devptr_##dev                                         \
        __attribute__((section("xenhv_hvm_devices"), used)) = &(dev)

struct vlapic;
struct vpic;
struct vioapic;
struct uart16550;
struct vrtc;

struct hvm_platform {
    struct hvm_platform_ops ops;
    uint32_t emulation_flags;
    unsigned nr_vcpus;
    int64_t time_offset_s;
    uint64_t tsc_khz;
    struct hvm_timerq timers;
    struct {
        const struct hvm_device *dev;
        void *state;
    } devs[HVM_MAX_DEVICES];
    unsigned nr_devs;
    /* Interrupt controllers, set by their init (NULL when absent). */
    struct vlapic **vlapic; /* [nr_vcpus] */
    struct vpic *vpic;
    struct vioapic *vioapic;
    struct uart16550 *uart;
    struct vrtc *rtc;
    /* GSI lines: how many sources hold each high (wired-OR). */
    uint8_t gsi_level[HVM_NR_GSIS];
    /* Vectors raised from other threads: per vCPU, 256 bits. */
    _Atomic uint64_t (*inbox)[4];
    atomic_bool inbox_any;
    /* Xen callback vector raised, per vCPU: vector + 1, 0 for none. */
    _Atomic unsigned *callback;
};

static inline uint64_t hvm_now(const struct hvm_platform *p)
{
    return p->ops.now_ns(p->ops.opaque);
}
static inline void hvm_kick(struct hvm_platform *p, unsigned vcpu)
{
    if (p->ops.kick)
        p->ops.kick(p->ops.opaque, vcpu);
}

/* ---- interrupt routing (hvm_irq.c) ---- */
/* A device drives ISA IRQ line irq (0..15): to the PIC pin and GSI. */
void hvm_isa_irq_set(struct hvm_platform *p, unsigned irq, bool level);
void hvm_isa_irq_pulse(struct hvm_platform *p, unsigned irq);
/* Deliver an interrupt message (from the IO-APIC or an IPI). */
struct hvm_apic_msg {
    uint8_t vector;
    uint8_t
        delivery; /* APIC_DM_* >> 8: 0 fixed, 1 lowest, 2 SMI, 4 NMI, 5 INIT, 6 SIPI, 7 ExtINT */
    bool logical;
    bool level; /* trigger mode: level (TMR set; EOI goes to the IO-APIC) */
    uint32_t dest;
    unsigned shorthand; /* 0 none, 1 self, 2 all incl. self, 3 all but self */
    unsigned source_vcpu;
};
void hvm_apic_deliver(struct hvm_platform *p, const struct hvm_apic_msg *m);
/* The PIC's INT output changed: recheck vCPU 0's LINT0. */
void hvm_pic_output_changed(struct hvm_platform *p);

/* ---- controllers' entry points, for the routing ---- */
void vpic_set_irq(struct vpic *s, unsigned irq, bool level);
bool vpic_has_output(const struct vpic *s);
int vpic_intack(struct vpic *s); /* vector (spurious IRQ 7/15 if none) */

void vioapic_set_pin(struct vioapic *s, unsigned pin, bool level);
void vioapic_eoi(struct vioapic *s, uint8_t vector);

struct vlapic *vlapic_of(struct hvm_platform *p, unsigned vcpu);
bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical);
void vlapic_set_vector(struct vlapic *l, uint8_t vector, bool level);
void vlapic_set_nmi(struct vlapic *l);
int vlapic_pending(struct vlapic *l); /* highest deliverable vector or -1 */
void vlapic_ack(struct vlapic *l, uint8_t vector);
bool vlapic_take_nmi(struct vlapic *l, bool peek);
bool vlapic_accepts_pic(const struct vlapic *l);
bool vlapic_enabled(const struct vlapic *l);
uint8_t vlapic_priority(const struct vlapic *l); /* for lowest priority */
int vlapic_msr(struct vlapic *l, uint32_t msr, bool write, uint64_t *val);
uint32_t vlapic_id(const struct vlapic *l);
void vlapic_reset(struct vlapic *l);

size_t uart16550_input(struct uart16550 *u, const uint8_t *buf, size_t len);

#endif
