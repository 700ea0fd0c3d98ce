/*
 * hvm_platform.h: the emulated HVM platform of one domain, as the vCPU
 * loop sees it (hypervisor/arch/x86/hvm/).  Which devices exist follows
 * the domain's emulation flags (XEN_X86_EMU_*), never "is PVH": the LAPIC
 * where XEN_X86_EMU_LAPIC is set (HVM and PVH), the PIC, IO-APIC, PIT,
 * HPET, RTC/CMOS, PM timer and COM1 UART on full HVM, port 0xe9 on every
 * HVM container (as Xen 4.17 registers it).
 *
 * Threading: every function here runs on the domain's thread, except
 * hvm_platform_raise_vector(), hvm_platform_raise_callback() and
 * hvm_platform_serial_input(), which any thread may call (they queue,
 * then call ops.kick); the queued work is taken in by hvm_irq_pending()
 * and hvm_platform_poll().
 *
 * The vCPU loop, per vCPU slice:
 *   hvm_platform_run_timers(p, now);
 *   if (hvm_irq_pending(p, v, IF && !interrupt-shadow, &ack) &&
 *       hvm_irq_ack(p, v, &ack) == 0)
 *       deliver ack.vector through the guest's IDT (NMI: vector 2);
 *   run until an exit or hvm_platform_next_deadline(p);
 *   port I/O, MMIO, MSR exits -> hvm_platform_pio/mmio/msr;
 *   HLT: while (!hvm_irq_wakes(p, v, IF)) sleep until the next deadline
 *        or a kick, then run the timers.
 */
#ifndef XENHV_HVM_PLATFORM_H
#define XENHV_HVM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;
struct hvm_platform;

/* What the platform asks of its caller.  Called on the domain's thread
 * (kick: on any thread), never with a platform lock held. */
enum hvm_cpu_event { HVM_CPU_INIT = 1, HVM_CPU_SIPI = 2 };
struct hvm_platform_ops {
    void *opaque;
    uint64_t (*now_ns)(void *opaque);          /* monotonic clock, ns */
    int64_t (*wall_ns)(void *opaque);          /* host realtime, ns since 1970 (RTC) */
    void (*kick)(void *opaque, unsigned vcpu); /* vcpu may have an interrupt */
    /* A vCPU got INIT, or a SIPI with its vector (start at vector << 12). */
    void (*cpu_event)(void *opaque, unsigned vcpu, enum hvm_cpu_event ev, uint8_t vector);
    /* Port 0xe9 bytes, for the hypervisor console. */
    void (*debug_write)(void *opaque, const char *buf, size_t len);
    /* COM1 output bytes, for the domain's serial console. */
    void (*serial_write)(void *opaque, const uint8_t *buf, size_t len);
    /* PM1a_CNT SLP_EN written with SLP_TYP (hvmloader's _S5 is 0). */
    void (*acpi_sleep)(void *opaque, unsigned slp_typ);
    /* The guest set its RTC: its time is now the host's + seconds (as Xen
     * moves d->time_offset; the toolstack keeps it for the next boot). */
    void (*time_offset_changed)(void *opaque, int64_t seconds);
};

/* Create from the domain's emulation flags, max_vcpus and time offset.
 * ops is copied; every callback may be NULL except now_ns.  NULL with
 * errno set on failure. */
struct hvm_platform *hvm_platform_create(const struct domain *d,
                                         const struct hvm_platform_ops *ops);
void hvm_platform_destroy(struct hvm_platform *p);
/* Names of the devices present, for logs and tests. */
unsigned hvm_platform_devices(const struct hvm_platform *p, const char **names, unsigned max);
/* XEN_DOMCTL_settimeoffset: the RTC moves by the change. */
void hvm_platform_set_time_offset(struct hvm_platform *p, int64_t seconds);
/* The boot order hvmloader reads from CMOS 0x3d/0x38, from xl.cfg boot=
 * ("cd" by default): up to three of a (floppy), c (disk), d (CD-ROM),
 * n (network).  -EINVAL for anything else, -ENODEV without an RTC. */
int hvm_platform_set_boot_order(struct hvm_platform *p, const char *order);
/* The TSC rate assumed for IA32_TSC_DEADLINE: guest TSC = now_ns * khz / 1e6
 * (0, the default, leaves TSC-deadline mode unsupported). */
void hvm_platform_set_tsc_khz(struct hvm_platform *p, uint64_t tsc_khz);

/* Exits.  Return 0 when handled, -ENOENT when no device claims the access
 * (the caller then reads all ones and drops writes), -EINVAL for an MSR
 * access that must #GP.  size is 1, 2 or 4 (MMIO: 1, 2, 4 or 8). */
int hvm_platform_pio(struct hvm_platform *p, unsigned vcpu, uint16_t port, unsigned size,
                     bool write, uint32_t *val);
int hvm_platform_mmio(struct hvm_platform *p, unsigned vcpu, uint64_t gpa, unsigned size,
                      bool write, uint64_t *val);
/* IA32_APIC_BASE (0x1b), IA32_TSC_DEADLINE (0x6e0), x2APIC 0x800-0x8ff. */
int hvm_platform_msr(struct hvm_platform *p, unsigned vcpu, uint32_t msr, bool write,
                     uint64_t *val);

/* Time: the earliest deadline (now_ns clock; UINT64_MAX if none), and
 * firing every timer due at now.  The loop sleeps until the deadline. */
uint64_t hvm_platform_next_deadline(const struct hvm_platform *p);
void hvm_platform_run_timers(struct hvm_platform *p, uint64_t now);
/* Take in queued cross-thread work (serial input, raised vectors). */
void hvm_platform_poll(struct hvm_platform *p);

/* Interrupts.  hvm_irq_pending() says what vcpu should take next: an NMI,
 * or (only when if_set, the guest's EFLAGS.IF, and the TPR allow) a
 * vector from its LAPIC or, through LINT0 ExtINT, from the PIC.
 * hvm_irq_ack() takes it (IRR to ISR, PIC INTA) as the CPU does when it
 * delivers it through the IDT; it may change ack->vector (PIC spurious
 * IRQ 7/15) and returns -EAGAIN if the interrupt went away meanwhile. */
enum hvm_intsrc {
    HVM_INTSRC_NONE,
    HVM_INTSRC_NMI,
    HVM_INTSRC_CALLBACK, /* the Xen callback vector: no IRR/ISR, no EOI */
    HVM_INTSRC_PIC,
    HVM_INTSRC_LAPIC,
};
struct hvm_intack {
    enum hvm_intsrc source;
    uint8_t vector;
};
bool hvm_irq_pending(struct hvm_platform *p, unsigned vcpu, bool if_set, struct hvm_intack *out);
int hvm_irq_ack(struct hvm_platform *p, unsigned vcpu, struct hvm_intack *ack);
/* Does vcpu have anything that ends HLT (with IF as given)? */
bool hvm_irq_wakes(struct hvm_platform *p, unsigned vcpu, bool if_set);

/* Raise a fixed, edge vector (16..255) in vcpu's LAPIC IRR: the guest
 * EOIs it (a per-vCPU upcall vector, HVMOP_set_evtchn_upcall_vector).
 * Any thread. */
int hvm_platform_raise_vector(struct hvm_platform *p, unsigned vcpu, uint8_t vector);
/* The Xen callback vector (HVM_PARAM_CALLBACK_IRQ, type vector), as Xen
 * injects it: outside the LAPIC (no ISR bit, no EOI, no TPR), once per
 * raise, whenever IF allows.  Any thread. */
int hvm_platform_raise_callback(struct hvm_platform *p, unsigned vcpu, uint8_t vector);
/* Drive a GSI (0..47) or ISA IRQ line (0..15, IRQ 0 is GSI 2): level
 * high or low, or an edge (pulse).  Domain thread. */
int hvm_platform_set_gsi(struct hvm_platform *p, unsigned gsi, bool level);
int hvm_platform_set_isa_irq(struct hvm_platform *p, unsigned isa_irq, bool level);

/* COM1 input from the serial console.  Any thread; returns the bytes
 * queued (the rest did not fit: try again later). */
size_t hvm_platform_serial_input(struct hvm_platform *p, const uint8_t *buf, size_t len);

/* Save/restore the devices' state as Xen's HVM save records (each a
 * struct hvm_save_descriptor and its payload: PIC 3 (instances 0 master,
 * 1 slave), IOAPIC 4, LAPIC 5 and LAPIC_REGS 6 per vCPU, PIT 10, RTC 11,
 * HPET 12, PMTIMER 13), without HEADER and END: the caller frames them
 * with the CPU records.  save returns the bytes written or -ENOSPC; load
 * skips record types that are not the platform's and returns -EINVAL for
 * a malformed stream or a record a device refuses.  Counters restart from
 * the saved counts, as on Xen. */
int hvm_platform_save(struct hvm_platform *p, uint8_t *buf, size_t len);
int hvm_platform_load(struct hvm_platform *p, const uint8_t *buf, size_t len);

/* A vCPU's APIC ID (2 * vcpu, as Xen's MADT says), and its LAPIC's reset
 * for INIT. */
uint32_t hvm_platform_apic_id(const struct hvm_platform *p, unsigned vcpu);
void hvm_platform_vcpu_reset(struct hvm_platform *p, unsigned vcpu);

#endif
