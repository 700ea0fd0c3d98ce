/*
 * xs_codec.h: framing of XenStore wire messages from a byte stream (a
 * socket or a guest ring): a 16-byte header, then at most
 * XENSTORE_PAYLOAD_MAX bytes of payload.
 */
#ifndef XS_CODEC_H
#define XS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "public/io/xs_wire.h"

struct xs_reader {
    struct xsd_sockmsg hdr;
    uint32_t have; /* bytes of header + payload received */
    char payload[XENSTORE_PAYLOAD_MAX];
};

/* How many more bytes the current message needs (never 0). */
size_t xs_reader_want(const struct xs_reader *rd);
/* Take up to len bytes; *used says how many were taken.  Returns 1 when a
 * whole message is ready (in rd->hdr, rd->payload), 0 when more is needed,
 * -E2BIG for a payload longer than XENSTORE_PAYLOAD_MAX (the stream is
 * then unusable). */
int xs_reader_feed(struct xs_reader *rd, const void *data, size_t len, size_t *used);
/* Start the next message. */
void xs_reader_reset(struct xs_reader *rd);

#endif
