/*
 * evtchn.h: event channels, per domain (2-level ABI: up to 4096 ports).
 * A port is closed, unbound (waiting for remote_dom), interdomain, virq
 * or ipi.  Sending on an interdomain port marks the remote port pending
 * in the remote domain's shared info and kicks its vCPU, or calls the
 * handler a daemon-internal consumer (xenstore, console) set on it.
 */
#ifndef XENHV_EVTCHN_H
#define XENHV_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include "public/event_channel.h"

#define EVTCHN_2L_NR_PORTS 4096

struct domain;
struct hc_caller;
typedef void evtchn_handler_fn(void *opaque, struct domain *d, evtchn_port_t port);

struct evtchn {
    uint8_t state; /* EVTCHNSTAT_* */
    bool pending;  /* for domains without a shared-info page (dom0) */
    domid_t remote_dom;
    evtchn_port_t remote_port;
    uint32_t vcpu;
    uint32_t virq;
    evtchn_handler_fn *handler;
    void *opaque;
    uint64_t conn_id; /* dom0: the toolstack connection that opened it */
};

struct evtchn_table {
    struct evtchn *ports;
    unsigned nr_ports; /* allocated entries */
    unsigned max_port; /* highest port this domain may use */
    /* Events raised by other threads while the domain's vCPUs may run,
     * for the domain's own thread to set (evtchn_apply_deferred). */
    uint64_t deferred[EVTCHN_2L_NR_PORTS / 64];
    bool any_deferred;
};

int evtchn_init(struct domain *d, unsigned max_port);
/* Close every port (unbinding the remote ends) and free the table. */
void evtchn_fini(struct domain *d);

/* The operations, on behalf of a privileged caller or the domain itself.
 * Return 0 or -errno. */
int evtchn_alloc_unbound(struct domain *d, domid_t remote_dom, evtchn_port_t *port);
int evtchn_bind_interdomain(struct domain *d, domid_t remote_dom, evtchn_port_t remote_port,
                            evtchn_port_t *local_port);
int evtchn_close(struct domain *d, evtchn_port_t port);
/* Close d's ports opened by toolstack connection conn_id (it went away,
 * as closing /dev/xen/evtchn closes the ports bound through it). */
unsigned evtchn_close_conn(struct domain *d, uint64_t conn_id);
int evtchn_send(struct domain *d, evtchn_port_t port);
int evtchn_status(struct domain *d, evtchn_port_t port, struct evtchn_status *st);

/* Raise port in d (the receiving side).  From a thread other than d's
 * own while d's vCPUs may run (d->kick set), the event is deferred: d's
 * thread sets it between runs (see evtchn.c). */
void evtchn_set_pending(struct domain *d, evtchn_port_t port);
/* Deferred events for d?  Lock-free, for d's thread before it scans. */
bool evtchn_has_deferred(struct domain *d);
/* Set d's deferred events (hv_lock held, on d's own thread). */
void evtchn_apply_deferred(struct domain *d);
/* Mark pending-selector word and evtchn_upcall_pending in vcpu's
 * vcpu_info, and kick it. */
void evtchn_mark_upcall(struct domain *d, unsigned vcpu, unsigned word);
/* Raise VIRQ virq of vcpu, if bound: 0 or -ENOENT. */
int evtchn_send_virq(struct domain *d, unsigned vcpu, unsigned virq);
/* Every open port of d to the log (the 'e' debug key): pending, masked
 * and selector bits, state, vCPU, in-daemon consumer, the other end. */
void evtchn_dump(struct domain *d);
/* Is port pending in d's shared info? */
bool evtchn_is_pending(struct domain *d, evtchn_port_t port);

/* Let a daemon-internal consumer receive events sent to d's port. */
int evtchn_set_handler(struct domain *d, evtchn_port_t port, evtchn_handler_fn *fn, void *opaque);

/* Is port pending (and clear it)?  For consumers polling dom0 ports. */
bool evtchn_test_and_clear(struct domain *d, evtchn_port_t port);

long do_event_channel_op(struct hc_caller *c, const uint64_t args[5]);

#endif
