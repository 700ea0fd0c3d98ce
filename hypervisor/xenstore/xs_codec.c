/*
 * xs_codec.c: framing of XenStore wire messages from a byte stream.
 */
#include <errno.h>
#include <string.h>

#include "xs_codec.h"

#define HDR ((uint32_t)sizeof(struct xsd_sockmsg))

size_t xs_reader_want(const struct xs_reader *rd)
{
    if (rd->have < HDR)
        return HDR - rd->have;
    return HDR + rd->hdr.len - rd->have;
}

int xs_reader_feed(struct xs_reader *rd, const void *data, size_t len, size_t *used)
{
    const unsigned char *p = data;
    *used = 0;
    while (len) {
        if (rd->have < HDR) {
            size_t n = HDR - rd->have;
            if (n > len)
                n = len;
            memcpy((unsigned char *)&rd->hdr + rd->have, p, n);
            rd->have += (uint32_t)n;
            p += n;
            len -= n;
            *used += n;
            if (rd->have < HDR)
                return 0;
            if (rd->hdr.len > XENSTORE_PAYLOAD_MAX)
                return -E2BIG;
        }
        size_t n = HDR + rd->hdr.len - rd->have;
        if (n > len)
            n = len;
        memcpy(rd->payload + (rd->have - HDR), p, n);
        rd->have += (uint32_t)n;
        *used += n;
        break;
    }
    return rd->have >= HDR && rd->have == HDR + rd->hdr.len ? 1 : 0;
}

void xs_reader_reset(struct xs_reader *rd)
{
    rd->have = 0;
}
