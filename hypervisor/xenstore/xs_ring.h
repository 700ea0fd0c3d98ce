/*
 * xs_ring.h: a guest's xenstore connection over its shared ring page.
 * The page is the guest's: every index read from it is read once, checked
 * (a producer more than a ring ahead is a broken connection) and masked;
 * lengths are bounded by the codec.  A broken ring is ignored from then on
 * (and its error field set), never trusted again.
 */
#ifndef XS_RING_H
#define XS_RING_H

#include <stdbool.h>

#include "public/io/xs_wire.h"
#include "xs_codec.h"
#include "xs_core.h"

struct xs_ring {
    struct xenstore_domain_interface *intf;
    struct xs_reader rd;
    bool broken;
};

void xs_ring_init(struct xs_ring *r, void *page);
/* Handle up to max complete requests from the guest; *notify is set if
 * the guest should be told (space freed).  Returns true if more requests
 * may be waiting (called again later). */
bool xs_ring_process(struct xs_ring *r, struct xs_conn *c, unsigned max, bool *notify);
/* Move queued output into the response ring; *notify set if any was. */
void xs_ring_flush(struct xs_ring *r, struct xs_conn *c, bool *notify);

#endif
