/*
 * xs_service.h: the xenstore service of xenhv, as the daemon sees it.
 *
 * One service object owns the store, a Unix socket for privileged (dom0)
 * clients (libxl, Debian's xenstore-* tools with XENSTORED_PATH set) and
 * one connection per introduced guest domain over its xenstore ring page
 * (struct xenstore_domain_interface).  It runs its own thread.
 *
 * Every function here is thread-safe.  Callbacks are called with no
 * service lock held: notify_guest and map_ring on the service thread,
 * unmap_ring on the service thread or in xs_service_release_domain /
 * xs_service_stop_destroy.  Callbacks must not call into this API.
 * notify_guest may come just after the domain was released: ignore it.
 *
 * Errors are negative errno values.
 */
#ifndef XS_SERVICE_H
#define XS_SERVICE_H

#include <stdint.h>

struct xs_service;

/* Tell a guest that its xenstore ring has new data or space: raise the
 * event channel the guest passed at introduction. */
typedef void xs_notify_guest_fn(void *opaque, unsigned domid);

/*
 * For XS_INTRODUCE sent by a privileged client (libxl sends it after
 * building a domain: domid, the ring's guest frame, the event channel).
 * map_ring returns the host mapping of that frame (4096 bytes), or NULL to
 * refuse (the client gets EINVAL).  unmap_ring is called when such a
 * domain is released.  Without ring ops, XS_INTRODUCE records the domain
 * as introduced with no ring (watches, is_domain_introduced, quotas and
 * permissions still apply).
 */
struct xs_ring_ops {
    void *(*map_ring)(void *opaque, unsigned domid, uint64_t gfn, unsigned evtchn_port);
    void (*unmap_ring)(void *opaque, unsigned domid, void *ring_page);
    xs_notify_guest_fn *notify_guest;
    /* Optional: the domain's ring now signals on evtchn_port (XS_INTRODUCE
     * again, e.g. after a soft reset); 0 when nothing changed. */
    int (*rebind_port)(void *opaque, unsigned domid, unsigned evtchn_port);
};

/* A service with an empty store holding "/", "/local", "/local/domain"
 * and "/tool" (owner 0, others none).  NULL on allocation failure. */
struct xs_service *xs_service_create(void);

/* Optional; call before xs_service_start. */
void xs_service_set_ring_ops(struct xs_service *, const struct xs_ring_ops *ops, void *opaque);

/* Listen for privileged connections on socket_path (mode 0600; a stale
 * socket file is replaced).  Call before xs_service_start; may be called
 * more than once (e.g. "socket" and "socket_ro"). */
int xs_service_listen(struct xs_service *, const char *socket_path);

/* Start the service thread. */
int xs_service_start(struct xs_service *);

/* Stop the thread, close every connection, unlink the sockets, free all. */
void xs_service_stop_destroy(struct xs_service *);

/*
 * Introduce a guest domain whose ring page the caller has mapped
 * (ring_page: host mapping of the guest's xenstore page, which stays
 * mapped until xs_service_release_domain returns).  Fires @introduceDomain.
 * -EEXIST if the domain is already introduced, -EINVAL for a bad domid.
 */
int xs_service_introduce_domain(struct xs_service *, unsigned domid, void *ring_page,
                                unsigned evtchn_port, xs_notify_guest_fn *notify_guest,
                                void *opaque);

/* The guest notified its xenstore event channel: process its ring soon.
 * Cheap and non-blocking; callable from any thread (e.g. a vCPU thread). */
void xs_service_kick_domain(struct xs_service *, unsigned domid);

/* Forget a domain: its connection, watches and transactions go away and
 * @releaseDomain fires.  After this returns the service no longer touches
 * its ring page.  Nodes under /local/domain/<domid> stay (the toolstack
 * removes them).  -ENOENT if the domain was not introduced. */
int xs_service_release_domain(struct xs_service *, unsigned domid);

/* A domain shut down or crashed (Xen's VIRQ_DOM_EXC to xenstored): fire
 * @releaseDomain so that toolstacks look at the domains again. */
void xs_service_domain_exception(struct xs_service *);

/* One request as a privileged (dom0) client, from inside the daemon (the
 * console backend writing console/tty): type XS_*, payload as on the wire.
 * The reply's payload goes to reply (NUL-terminated, cut to reply_max).
 * Returns the reply's length or -errno (-EINVAL for an XS_ERROR reply). */
int xs_service_request(struct xs_service *, uint32_t type, const char *payload, uint32_t len,
                       char *reply, uint32_t reply_max);

#endif
