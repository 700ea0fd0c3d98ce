/*
 * hvm_save.c: the platform's state as Xen's HVM save records: each device
 * writes its records, and a stream of records is handed back to the
 * devices by type.  The stream is hostile on the way in: every
 * descriptor's length is checked against what is left.
 */
#include <errno.h>
#include <string.h>

#include "public/arch-x86/hvm/save.h"

#include "hvm_internal.h"

int hvm_save_record(struct hvm_save_ctx *c, uint16_t type, uint16_t instance, const void *data,
                    uint32_t len)
{
    struct hvm_save_descriptor desc = {.typecode = type, .instance = instance, .length = len};

    if (c->len - c->used < sizeof(desc) || c->len - c->used - sizeof(desc) < len)
        return -ENOSPC;
    memcpy(c->buf + c->used, &desc, sizeof(desc));
    memcpy(c->buf + c->used + sizeof(desc), data, len);
    c->used += sizeof(desc) + len;
    return 0;
}

int hvm_platform_save(struct hvm_platform *p, uint8_t *buf, size_t len)
{
    struct hvm_save_ctx c = {.buf = buf, .len = len};
    unsigned i;
    int rc;

    for (i = 0; i < p->nr_devs; i++) {
        if (!p->devs[i].dev->save)
            continue;
        rc = p->devs[i].dev->save(p->devs[i].state, &c);
        if (rc < 0)
            return rc;
    }
    return c.used > INT32_MAX ? -ENOSPC : (int)c.used;
}

int hvm_platform_load(struct hvm_platform *p, const uint8_t *buf, size_t len)
{
    size_t off = 0;
    unsigned i;

    while (off < len) {
        struct hvm_save_descriptor desc;

        if (len - off < sizeof(desc))
            return -EINVAL;
        memcpy(&desc, buf + off, sizeof(desc));
        off += sizeof(desc);
        if (desc.length > len - off)
            return -EINVAL;
        for (i = 0; i < p->nr_devs; i++) {
            const struct hvm_device *dev = p->devs[i].dev;

            if (!dev->load || !desc.typecode ||
                (dev->save_types[0] != desc.typecode && dev->save_types[1] != desc.typecode))
                continue;
            if (dev->load(p->devs[i].state, desc.typecode, desc.instance, buf + off, desc.length) <
                0)
                return -EINVAL;
            break;
        }
        off += desc.length;
    }
    return 0;
}
