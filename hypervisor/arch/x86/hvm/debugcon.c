/*
 * debugcon.c: port 0xe9, the Xen/Bochs debug console: bytes written go
 * to the hypervisor console a line at a time (as Xen's hvm_print_line
 * buffers them); reads return all ones, as on Xen where nothing answers
 * a read.  Registered for every HVM container (HVM and PVH), as Xen 4.17
 * registers it, since PVH kernels (Linux's early xen console) write it.
 */
#include <errno.h>
#include <stdlib.h>

#include "domain.h"
#include "hvm_internal.h"

#define DEBUGCON_PORT 0xe9
#define DEBUGCON_LINE 128

struct debugcon {
    struct hvm_platform *p;
    char line[DEBUGCON_LINE];
    size_t len;
};

static void flush(struct debugcon *s)
{
    if (s->len && s->p->ops.debug_write)
        s->p->ops.debug_write(s->p->ops.opaque, s->line, s->len);
    s->len = 0;
}

static int debugcon_read(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val)
{
    *val = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return 0;
}

static int debugcon_write(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
    struct debugcon *s = st;
    char c = (char)(val & 0xff); /* the low byte, whatever the width */

    s->line[s->len++] = c;
    if (c == '\n' || s->len == DEBUGCON_LINE)
        flush(s);
    return 0;
}

static int debugcon_init(struct hvm_platform *p, void **state)
{
    struct debugcon *s = calloc(1, sizeof(*s));

    if (!s)
        return -ENOMEM;
    s->p = p;
    *state = s;
    return 0;
}

static void debugcon_destroy(void *st)
{
    flush(st);
    free(st);
}

static const struct hvm_io_range debugcon_pio[] = {{DEBUGCON_PORT, 1}};

static const struct hvm_device debugcon_device = {
    .name = "debugcon",
    .present = has_hvm_container,
    .init = debugcon_init,
    .destroy = debugcon_destroy,
    .pio = debugcon_pio,
    .nr_pio = 1,
    .pio_read = debugcon_read,
    .pio_write = debugcon_write,
};
HVM_DEVICE_REGISTER(debugcon_device);
