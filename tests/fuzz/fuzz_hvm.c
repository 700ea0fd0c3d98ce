/*
 * fuzz_hvm.c: libFuzzer target for the emulated HVM platform
 * (hypervisor/arch/x86/hvm/): the input picks the emulation flags and vCPU
 * count, then is a guest's stream of port, MMIO and MSR accesses, line
 * changes, raised vectors, serial input and clock steps (or first, as a
 * stream of save records to load), with every
 * offered interrupt taken.  Checks: no crash or sanitizer report, an
 * offered interrupt can be acknowledged, and one pass of the timers
 * leaves nothing due (no spinning on a hostile count).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "xenhv/hvm_platform.h"

static uint64_t now;

static uint64_t f_now(void *o)
{
    return now;
}
static int64_t f_wall(void *o)
{
    return 1700000000LL * 1000000000LL + (int64_t)now;
}

static const uint16_t ports[] = {0x20,   0x21,   0xa0,   0xa1,   0x4d0, 0x4d1, 0x40,   0x41,
                                 0x42,   0x43,   0x61,   0x70,   0x71,  0x3f8, 0x3f9,  0x3fa,
                                 0x3fb,  0x3fc,  0x3fd,  0x3fe,  0x3ff, 0xe9,  0xb000, 0xb001,
                                 0xb002, 0xb004, 0xb005, 0xb008, 0x80,  0xcf8};

static uint64_t take64(const uint8_t *d)
{
    uint64_t v;

    memcpy(&v, d, 8);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct hvm_platform_ops ops = {.now_ns = f_now, .wall_ns = f_wall};
    struct domain d;
    struct hvm_platform *p;
    struct hvm_intack ack;
    size_t i;
    unsigned v;

    if (size < 3)
        return 0;
    memset(&d, 0, sizeof(d));
    d.is_hvm = true;
    d.emulation_flags = (uint32_t)(data[0] | data[1] << 8) & 0x7ff;
    d.max_vcpus = 1 + data[2] % 4;
    now = 1000000000000ULL;
    p = hvm_platform_create(&d, &ops);
    if (!p)
        abort();
    if (data[2] & 0x80)
        hvm_platform_set_tsc_khz(p, 2000000);
    if (data[2] & 0x40) /* the rest as a saved state first */
        hvm_platform_load(p, data + 3, size - 3);
    for (i = 3; i + 10 <= size; i += 10) {
        unsigned op = data[i], vcpu = data[i + 1] % d.max_vcpus;
        uint64_t val = take64(data + i + 2);
        uint32_t v32 = (uint32_t)val;
        static const unsigned sizes[] = {1, 2, 4, 8};

        switch (op % 9) {
        case 0:
        case 1:
            hvm_platform_pio(p, vcpu, ports[(op >> 4) % (sizeof(ports) / sizeof(ports[0]))],
                             sizes[(op >> 2) % 3], op & 1, &v32);
            break;
        case 2:
            hvm_platform_mmio(p, vcpu, 0xfee00000ULL + (val >> 52), sizes[(op >> 4) & 3],
                              (op >> 6) & 1, &val);
            break;
        case 3:
            hvm_platform_mmio(p, vcpu, ((op & 0x80) ? 0xfed00000ULL : 0xfec00000ULL) + (val >> 54),
                              sizes[(op >> 4) & 3], (op >> 6) & 1, &val);
            break;
        case 4:
            hvm_platform_msr(
                p, vcpu, (op & 0x10) ? 0x800 + (uint32_t)(val >> 56) : ((op & 0x20) ? 0x1b : 0x6e0),
                (op >> 6) & 1, &val);
            break;
        case 5:
            hvm_platform_set_gsi(p, (unsigned)(val % 64), op & 0x10);
            break;
        case 6:
            if (op & 0x10)
                hvm_platform_raise_callback(p, vcpu, (uint8_t)val);
            else
                hvm_platform_raise_vector(p, vcpu, (uint8_t)val);
            break;
        case 7:
            hvm_platform_serial_input(p, data + i + 2, op % 9);
            break;
        default:
            now += val % 4000000000ULL;
            break;
        }
        hvm_platform_run_timers(p, now);
        if (hvm_platform_next_deadline(p) <= now)
            abort();
        for (v = 0; v < d.max_vcpus; v++) {
            if (hvm_irq_pending(p, v, op & 0x80, &ack) && hvm_irq_ack(p, v, &ack) != 0)
                abort();
        }
    }
    hvm_platform_destroy(p);
    return 0;
}
