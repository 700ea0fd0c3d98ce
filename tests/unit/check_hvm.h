/*
 * check_hvm.h: the emulated HVM platform's unit tests: a platform made
 * for a domain with given emulation flags, run on a test clock the tests
 * move by hand, with every callback recorded (kicks, INIT/SIPI, port
 * 0xe9 lines, serial output, ACPI sleep), and port/MMIO helpers.
 */
#ifndef CHECK_HVM_H
#define CHECK_HVM_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "domain.h"
#include "public/arch-x86/xen.h"
#include "xenhv/hvm_platform.h"

#define EMU_HVM (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)
#define EMU_PVH XEN_X86_EMU_LAPIC

struct hvm_test {
    struct domain d;
    struct hvm_platform *p;
    uint64_t now; /* ns, the monotonic clock */
    int64_t wall; /* ns since 1970 at creation */
    unsigned kicks;
    unsigned nr_events;
    struct {
        unsigned vcpu;
        enum hvm_cpu_event ev;
        uint8_t vector;
    } events[16];
    char debug[1024];
    size_t debug_len;
    unsigned debug_calls;
    uint8_t serial[1024];
    size_t serial_len;
    int sleep_typ;
    int64_t new_offset; /* from time_offset_changed */
    unsigned offset_calls;
};

extern struct hvm_test T;

/* Make T.p for a domain with these flags and vCPUs (clock at 1e12 ns). */
void hvm_test_start(uint32_t emu_flags, unsigned vcpus);
/* The same, for a domain whose clock is time_offset_s ahead of the host's. */
void hvm_test_start_offset(uint32_t emu_flags, unsigned vcpus, int64_t time_offset_s);
void hvm_test_stop(void);
/* Move the clock and fire what is due. */
void hvm_test_advance(uint64_t ns);

uint32_t inb_(uint16_t port);
void outb_(uint16_t port, uint8_t v);
uint32_t inl_(uint16_t port);
uint32_t mmio_rd(uint64_t gpa);
void mmio_wr(uint64_t gpa, uint32_t v);
uint32_t lapic_rd(unsigned vcpu, unsigned off);
void lapic_wr(unsigned vcpu, unsigned off, uint32_t v);
/* Take the next interrupt for vcpu (IF set) as the CPU would: -1 if none. */
int take_irq(unsigned vcpu);

Suite *hvm_platform_suite(void);
Suite *hvm_irqchip_suite(void);
Suite *hvm_timer_suite(void);
Suite *hvm_uart_suite(void);

#endif
