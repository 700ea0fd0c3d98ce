/*
 * xs_ring.c: a guest's xenstore connection over its shared ring page:
 * requests from req[], replies and watch events to rsp[].
 */
#include <string.h>

#include "xs_ring.h"

/* Stop taking requests while this much output waits for the guest. */
#define OUT_BACKLOG 65536u

void xs_ring_init(struct xs_ring *r, void *page)
{
    memset(r, 0, sizeof(*r));
    r->intf = page;
    __atomic_store_n(&r->intf->server_features,
                     XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR,
                     __ATOMIC_RELEASE);
}

/* The guest asked to start over (connection = XENSTORE_RECONNECT): drop
 * what is in flight, its watches and transactions, zero the indexes and
 * the error, and say it is connected again. */
static bool reconnect(struct xs_ring *r, struct xs_conn *c)
{
    struct xenstore_domain_interface *intf = r->intf;
    if (__atomic_load_n(&intf->connection, __ATOMIC_ACQUIRE) != XENSTORE_RECONNECT)
        return false;
    xs_conn_reset(c);
    xs_reader_reset(&r->rd);
    r->broken = false;
    intf->req_cons = intf->req_prod = 0;
    intf->rsp_cons = intf->rsp_prod = 0;
    intf->error = XENSTORE_ERROR_NONE;
    __atomic_store_n(&intf->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
    return true;
}

static void ring_break(struct xs_ring *r, uint32_t error)
{
    r->broken = true;
    __atomic_store_n(&r->intf->error, error, __ATOMIC_RELEASE);
}

bool xs_ring_process(struct xs_ring *r, struct xs_conn *c, unsigned max, bool *notify)
{
    struct xenstore_domain_interface *intf = r->intf;
    unsigned done = 0;

    if (reconnect(r, c))
        *notify = true;
    while (!r->broken && done < max && c->out_bytes < OUT_BACKLOG) {
        XENSTORE_RING_IDX cons = __atomic_load_n(&intf->req_cons, __ATOMIC_RELAXED);
        XENSTORE_RING_IDX prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX avail = prod - cons;
        if (avail > XENSTORE_RING_SIZE) {
            ring_break(r, XENSTORE_ERROR_RINGIDX);
            return false;
        }
        if (!avail)
            return false;
        /* One contiguous chunk, no more than the message needs. */
        size_t n = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
        if (n > avail)
            n = avail;
        size_t want = xs_reader_want(&r->rd);
        if (n > want)
            n = want;
        char chunk[XENSTORE_RING_SIZE];
        memcpy(chunk, intf->req + MASK_XENSTORE_IDX(cons), n);
        size_t used;
        int rc = xs_reader_feed(&r->rd, chunk, n, &used);
        __atomic_store_n(&intf->req_cons, cons + (XENSTORE_RING_IDX)used, __ATOMIC_RELEASE);
        /* The guest checks req_cons after moving req_prod to decide
         * whether to notify: our store must be seen before we look at
         * req_prod again (a store-load pair, so a full fence). */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        *notify = true;
        if (rc < 0) {
            ring_break(r, XENSTORE_ERROR_PROTO);
            return false;
        }
        if (rc == 1) {
            xs_conn_request(c, &r->rd.hdr, r->rd.payload);
            xs_reader_reset(&r->rd);
            done++;
        }
    }
    return !r->broken && done >= max;
}

void xs_ring_flush(struct xs_ring *r, struct xs_conn *c, bool *notify)
{
    struct xenstore_domain_interface *intf = r->intf;
    struct xs_msg *m;

    while (!r->broken && (m = xs_conn_out_peek(c))) {
        XENSTORE_RING_IDX prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_RELAXED);
        XENSTORE_RING_IDX cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX used = prod - cons;
        if (used > XENSTORE_RING_SIZE) {
            ring_break(r, XENSTORE_ERROR_RINGIDX);
            return;
        }
        size_t space = XENSTORE_RING_SIZE - used;
        if (!space)
            return;
        size_t n = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
        if (n > space)
            n = space;
        if (n > m->len - m->off)
            n = m->len - m->off;
        memcpy(intf->rsp + MASK_XENSTORE_IDX(prod), m->data + m->off, n);
        __atomic_store_n(&intf->rsp_prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* as for req_cons above */
        xs_conn_out_consume(c, (uint32_t)n);
        *notify = true;
    }
}
