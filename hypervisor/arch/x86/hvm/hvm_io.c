/*
 * hvm_io.c: the platform of one domain: the devices present by its
 * emulation flags (from the linker set each device file adds itself to),
 * and the dispatch of port I/O, MMIO and LAPIC MSR exits to them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_internal.h"

/* The linker set: one pointer per device file (HVM_DEVICE_REGISTER). */
extern const struct hvm_device *const __start_xenhv_hvm_devices[];
extern const struct hvm_device *const __stop_xenhv_hvm_devices[];

struct hvm_platform *hvm_platform_create(const struct domain *d, const struct hvm_platform_ops *ops)
{
    const struct hvm_device *const *dp;
    struct hvm_platform *p;
    unsigned nr;
    int rc;

    if (!d || !ops || !ops->now_ns || !has_hvm_container(d) || d->max_vcpus == 0 ||
        d->max_vcpus > DOMAIN_MAX_VCPUS) {
        errno = EINVAL;
        return NULL;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->ops = *ops;
    p->emulation_flags = d->emulation_flags;
    p->nr_vcpus = d->max_vcpus;
    p->time_offset_s = d->time_offset_seconds;
    p->inbox = calloc(p->nr_vcpus, sizeof(*p->inbox));
    p->callback = calloc(p->nr_vcpus, sizeof(*p->callback));
    if (!p->inbox || !p->callback) {
        rc = -ENOMEM;
        goto fail;
    }
    nr = (unsigned)(__stop_xenhv_hvm_devices - __start_xenhv_hvm_devices);
    for (dp = __start_xenhv_hvm_devices; dp < __start_xenhv_hvm_devices + nr; dp++) {
        const struct hvm_device *dev = *dp;
        void *state = NULL;

        if (!dev->present(d))
            continue;
        if (p->nr_devs == HVM_MAX_DEVICES) {
            rc = -E2BIG;
            goto fail;
        }
        rc = dev->init(p, &state);
        if (rc < 0)
            goto fail;
        p->devs[p->nr_devs].dev = dev;
        p->devs[p->nr_devs].state = state;
        p->nr_devs++;
    }
    return p;
fail:
    hvm_platform_destroy(p);
    errno = -rc;
    return NULL;
}

void hvm_platform_destroy(struct hvm_platform *p)
{
    if (!p)
        return;
    while (p->nr_devs > 0) {
        p->nr_devs--;
        if (p->devs[p->nr_devs].dev->destroy)
            p->devs[p->nr_devs].dev->destroy(p->devs[p->nr_devs].state);
    }
    free(p->inbox);
    free(p->callback);
    free(p);
}

unsigned hvm_platform_devices(const struct hvm_platform *p, const char **names, unsigned max)
{
    unsigned i;

    for (i = 0; i < p->nr_devs && i < max; i++)
        names[i] = p->devs[i].dev->name;
    return p->nr_devs;
}

void hvm_platform_set_time_offset(struct hvm_platform *p, int64_t seconds)
{
    p->time_offset_s = seconds;
}

void hvm_platform_set_tsc_khz(struct hvm_platform *p, uint64_t tsc_khz)
{
    p->tsc_khz = tsc_khz;
}

static bool in_range(const struct hvm_io_range *r, unsigned nr, uint64_t addr, unsigned size)
{
    unsigned i;

    for (i = 0; i < nr; i++) {
        if (addr >= r[i].base && addr - r[i].base < r[i].len &&
            size <= r[i].len - (addr - r[i].base))
            return true;
    }
    return false;
}

int hvm_platform_pio(struct hvm_platform *p, unsigned vcpu, uint16_t port, unsigned size,
                     bool write, uint32_t *val)
{
    unsigned i;

    if (vcpu >= p->nr_vcpus || (size != 1 && size != 2 && size != 4))
        return -EINVAL;
    for (i = 0; i < p->nr_devs; i++) {
        const struct hvm_device *dev = p->devs[i].dev;

        if (!in_range(dev->pio, dev->nr_pio, port, size))
            continue;
        if (write)
            return dev->pio_write(p->devs[i].state, vcpu, port, size, *val);
        return dev->pio_read(p->devs[i].state, vcpu, port, size, val);
    }
    return -ENOENT;
}

int hvm_platform_mmio(struct hvm_platform *p, unsigned vcpu, uint64_t gpa, unsigned size,
                      bool write, uint64_t *val)
{
    unsigned i;

    if (vcpu >= p->nr_vcpus || (size != 1 && size != 2 && size != 4 && size != 8))
        return -EINVAL;
    for (i = 0; i < p->nr_devs; i++) {
        const struct hvm_device *dev = p->devs[i].dev;

        if (!in_range(dev->mmio, dev->nr_mmio, gpa, size))
            continue;
        if (write)
            return dev->mmio_write(p->devs[i].state, vcpu, gpa, size, *val);
        return dev->mmio_read(p->devs[i].state, vcpu, gpa, size, val);
    }
    return -ENOENT;
}

int hvm_platform_msr(struct hvm_platform *p, unsigned vcpu, uint32_t msr, bool write, uint64_t *val)
{
    struct vlapic *l;

    if (vcpu >= p->nr_vcpus)
        return -EINVAL;
    l = vlapic_of(p, vcpu);
    if (!l)
        return -ENOENT;
    return vlapic_msr(l, msr, write, val);
}

uint64_t hvm_platform_next_deadline(const struct hvm_platform *p)
{
    return hvm_timerq_next(&p->timers);
}

void hvm_platform_run_timers(struct hvm_platform *p, uint64_t now)
{
    hvm_timerq_run(&p->timers, now);
}

void hvm_platform_poll(struct hvm_platform *p)
{
    unsigned i, v, w;

    for (i = 0; i < p->nr_devs; i++) {
        if (p->devs[i].dev->poll)
            p->devs[i].dev->poll(p->devs[i].state);
    }
    if (!atomic_exchange(&p->inbox_any, false))
        return;
    for (v = 0; v < p->nr_vcpus; v++) {
        struct vlapic *l = vlapic_of(p, v);

        for (w = 0; w < 4; w++) {
            uint64_t bits = atomic_exchange(&p->inbox[v][w], 0);

            while (bits && l) {
                unsigned b = (unsigned)__builtin_ctzll(bits);

                bits &= bits - 1;
                vlapic_set_vector(l, (uint8_t)(w * 64 + b), false);
            }
        }
    }
}

int hvm_platform_raise_vector(struct hvm_platform *p, unsigned vcpu, uint8_t vector)
{
    if (vcpu >= p->nr_vcpus || vector < 16)
        return -EINVAL;
    if (!p->vlapic)
        return -ENODEV;
    atomic_fetch_or(&p->inbox[vcpu][vector / 64], 1ULL << (vector % 64));
    atomic_store(&p->inbox_any, true);
    hvm_kick(p, vcpu);
    return 0;
}

int hvm_platform_raise_callback(struct hvm_platform *p, unsigned vcpu, uint8_t vector)
{
    if (vcpu >= p->nr_vcpus || vector < 16)
        return -EINVAL;
    atomic_store(&p->callback[vcpu], (unsigned)vector + 1);
    hvm_kick(p, vcpu);
    return 0;
}

size_t hvm_platform_serial_input(struct hvm_platform *p, const uint8_t *buf, size_t len)
{
    size_t n;

    if (!p->uart)
        return 0;
    n = uart16550_input(p->uart, buf, len);
    if (n)
        hvm_kick(p, 0);
    return n;
}

uint32_t hvm_platform_apic_id(const struct hvm_platform *p, unsigned vcpu)
{
    return vcpu * 2;
}

void hvm_platform_vcpu_reset(struct hvm_platform *p, unsigned vcpu)
{
    struct vlapic *l = vcpu < p->nr_vcpus ? vlapic_of(p, vcpu) : NULL;

    if (l)
        vlapic_reset(l);
}
