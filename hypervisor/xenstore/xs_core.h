/*
 * xs_core.h: the pure xenstore core: the store (tree, domains, quotas),
 * connections as the core sees them (identity, output queue, watches,
 * transactions) and request processing.  No sockets, threads or rings:
 * the service feeds it complete messages and drains each connection's
 * output queue.
 */
#ifndef XS_CORE_H
#define XS_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "public/io/xs_wire.h"
#include "xs_tree.h"

#define XS_DOMID_FIRST_RESERVED 0x7ff0u

struct xs_store;
struct xs_txn;
struct xs_watch;

/* Per-domain limits, applied to unprivileged connections only. */
struct xs_quota {
    uint32_t entries;      /* nodes a domain may own */
    uint32_t entry_size;   /* bytes of one node's value */
    uint32_t watches;      /* watches per connection */
    uint32_t transactions; /* open transactions per connection */
    uint32_t perms;        /* entries in one node's permission list */
    uint32_t out_bytes;    /* queued output before watch events are dropped */
};

/* One message waiting to go out: header and payload, contiguous. */
struct xs_msg {
    struct xs_msg *next;
    uint32_t len; /* sizeof(header) + payload */
    uint32_t off; /* bytes already sent */
    unsigned char data[];
};

struct xs_conn {
    struct xs_store *store;
    uint32_t domid;
    bool privileged;
    /* Output queue. */
    struct xs_msg *out_head, *out_tail;
    uint32_t out_bytes;
    /* Watches and transactions. */
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns;
    uint32_t next_txid;
    uint64_t dropped_events;
    struct xs_conn *next; /* in the store's list */
    void *owner;          /* the service's transport state */
};

/*
 * Ring hooks for XS_INTRODUCE from a client: the core asks the service to
 * attach a ring for (domid, gfn, port).  Return 0, or a negative errno
 * (the client gets it).  NULL hooks: domains are introduced ring-less.
 */
struct xs_core_hooks {
    int (*attach)(void *opaque, struct xs_store *st, uint32_t domid, uint64_t gfn, uint32_t port);
    void (*detach)(void *opaque, struct xs_store *st, uint32_t domid);
    /* XS_INTRODUCE of a domain already introduced: its ring's event
     * channel may be a new one (after a soft reset), as cxenstored. */
    int (*rebind)(void *opaque, struct xs_store *st, uint32_t domid, uint32_t port);
    void *opaque;
};

struct xs_store *xs_store_new(void);
void xs_store_free(struct xs_store *st);
struct xs_quota *xs_store_quota(struct xs_store *st);
void xs_store_set_hooks(struct xs_store *st, const struct xs_core_hooks *hooks);

/* Connections: privileged ones (dom0 sockets) bypass permissions and quotas. */
struct xs_conn *xs_conn_new(struct xs_store *st, uint32_t domid, bool privileged);
void xs_conn_free(struct xs_conn *c);

/* Process one complete request (payload: hdr->len bytes, already bounded
 * by XENSTORE_PAYLOAD_MAX).  Replies and watch events go on output queues. */
void xs_conn_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const char *payload);

/* Forget the connection's watches, transactions and queued output (a
 * guest reconnecting its ring). */
void xs_conn_reset(struct xs_conn *c);

/* Output queue: the first message, and consuming n bytes of it. */
struct xs_msg *xs_conn_out_peek(struct xs_conn *c);
void xs_conn_out_consume(struct xs_conn *c, uint32_t n);

/* Domains.  A domain's connection (for its ring) is created by the caller
 * and handed over; NULL for a ring-less domain.  Fires @introduceDomain. */
int xs_domain_introduce(struct xs_store *st, uint32_t domid, struct xs_conn *conn);
bool xs_domain_introduced(struct xs_store *st, uint32_t domid);
struct xs_conn *xs_domain_conn(struct xs_store *st, uint32_t domid);
/* Forget the domain (frees its connection; fires @releaseDomain).  The
 * detach hook is not called: the caller knows. */
int xs_domain_release(struct xs_store *st, uint32_t domid);
/* Nodes owned by a domain (for quota accounting). */
uint32_t xs_domain_entries(struct xs_store *st, uint32_t domid);

/* Fire a special watch ("@introduceDomain", "@releaseDomain"). */
void xs_store_fire_special(struct xs_store *st, const char *name);

/* Set when some connection's output queue grew; the service clears it. */
bool xs_store_take_output_pending(struct xs_store *st);
/* Iterate connections. */
struct xs_conn *xs_store_conns(struct xs_store *st);

/* Internal, shared between xs_core.c, xs_txn.c and xs_watch.c. */
struct xs_event; /* a change to report to watchers */
int xs_errno_from_name(const char *name);
const char *xs_errno_name(int err);

#endif
