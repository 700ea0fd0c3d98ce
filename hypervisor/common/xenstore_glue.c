/*
 * xenstore_glue.c: the xenstore service (hypervisor/xenstore/) as a part
 * of xenhv (see xenstore_glue.h).
 *
 * Lock order: the service calls map_ring/unmap_ring/notify_guest on its
 * own thread and they take hv_lock; so nothing here calls into the
 * service while holding hv_lock.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "log.h"
#include "xenstore_glue.h"
#include "public/io/xs_wire.h"
#include "xs_service.h"

static struct xs_service *xs_svc;
/* dom0's end of each introduced domain's xenstore event channel. */
static evtchn_port_t xs_local_port[DOMID_FIRST_RESERVED];

static void xs_port_event(void *opaque, struct domain *dom0, evtchn_port_t port)
{
    unsigned domid = (unsigned)(uintptr_t)opaque;

    if (xs_svc)
        xs_service_kick_domain(xs_svc, domid);
}

static void *glue_map_ring(void *opaque, unsigned domid, uint64_t gfn, unsigned port)
{
    struct domain *d, *dom0;
    evtchn_port_t local;
    void *ring = NULL;

    pthread_mutex_lock(&hv_lock);
    d = domid < DOMID_FIRST_RESERVED ? domain_lookup((domid_t)domid) : NULL;
    dom0 = domain_lookup(0);
    if (!d || d->dying || d->is_privileged || !guest_ram_populated(&d->ram, gfn))
        goto out;
    if (evtchn_bind_interdomain(dom0, (domid_t)domid, port, &local))
        goto out;
    ring = guest_ram_map(&d->ram, gfn, 1);
    if (!ring) {
        evtchn_close(dom0, local);
        goto out;
    }
    evtchn_test_and_clear(dom0, local);
    evtchn_set_handler(dom0, local, xs_port_event, (void *)(uintptr_t)domid);
    xs_local_port[domid] = local;
out:
    pthread_mutex_unlock(&hv_lock);
    if (!ring)
        log_warn("xenstore: cannot introduce domain %u (frame %#llx, port %u)", domid,
                 (unsigned long long)gfn, port);
    return ring;
}

static void glue_unmap_ring(void *opaque, unsigned domid, void *ring_page)
{
    guest_ram_unmap(ring_page, 1);
    if (domid >= DOMID_FIRST_RESERVED)
        return;
    pthread_mutex_lock(&hv_lock);
    if (xs_local_port[domid]) {
        evtchn_close(domain_lookup(0), xs_local_port[domid]);
        xs_local_port[domid] = 0;
    }
    pthread_mutex_unlock(&hv_lock);
}

/* XS_INTRODUCE again (soft reset): bind dom0 to the ring's new port and
 * close the old end.  When the port cannot be bound (the same, still
 * connected one: an introduce after resume) nothing changes. */
static int glue_rebind_port(void *opaque, unsigned domid, unsigned port)
{
    struct domain *dom0;
    evtchn_port_t local;

    if (domid >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    pthread_mutex_lock(&hv_lock);
    dom0 = domain_lookup(0);
    if (!dom0 || !domain_lookup((domid_t)domid) ||
        evtchn_bind_interdomain(dom0, (domid_t)domid, port, &local)) {
        pthread_mutex_unlock(&hv_lock);
        return 0;
    }
    if (xs_local_port[domid])
        evtchn_close(dom0, xs_local_port[domid]);
    evtchn_set_handler(dom0, local, xs_port_event, (void *)(uintptr_t)domid);
    xs_local_port[domid] = local;
    pthread_mutex_unlock(&hv_lock);
    log_info("xenstore: domain %u rebound to port %u", domid, port);
    return 0;
}

static void glue_notify_guest(void *opaque, unsigned domid)
{
    if (domid >= DOMID_FIRST_RESERVED)
        return;
    pthread_mutex_lock(&hv_lock);
    if (xs_local_port[domid])
        evtchn_send(domain_lookup(0), xs_local_port[domid]);
    pthread_mutex_unlock(&hv_lock);
}

static const struct xs_ring_ops glue_ring_ops = {
    .map_ring = glue_map_ring,
    .unmap_ring = glue_unmap_ring,
    .notify_guest = glue_notify_guest,
    .rebind_port = glue_rebind_port,
};

int xenstore_glue_start(const char *socket_path)
{
    int rc;

    xs_svc = xs_service_create();
    if (!xs_svc)
        return -ENOMEM;
    xs_service_set_ring_ops(xs_svc, &glue_ring_ops, NULL);
    rc = xs_service_listen(xs_svc, socket_path);
    if (!rc)
        rc = xs_service_start(xs_svc);
    if (rc) {
        xs_service_stop_destroy(xs_svc);
        xs_svc = NULL;
    }
    return rc;
}

void xenstore_glue_stop(void)
{
    if (xs_svc)
        xs_service_stop_destroy(xs_svc);
    xs_svc = NULL;
}

void xenstore_glue_release(unsigned domid)
{
    if (xs_svc)
        xs_service_release_domain(xs_svc, domid);
    if (domid >= DOMID_FIRST_RESERVED)
        return;
    pthread_mutex_lock(&hv_lock);
    if (xs_local_port[domid]) {
        evtchn_close(domain_lookup(0), xs_local_port[domid]);
        xs_local_port[domid] = 0;
    }
    pthread_mutex_unlock(&hv_lock);
}

void xenstore_glue_domain_exception(void)
{
    if (xs_svc)
        xs_service_domain_exception(xs_svc);
}

int xenstore_glue_write(const char *path, const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    if (!xs_svc)
        return -ENODEV;
    if (pl + vl > sizeof(buf))
        return -E2BIG;
    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    int rc = xs_service_request(xs_svc, XS_WRITE, buf, (uint32_t)(pl + vl), NULL, 0);
    return rc < 0 ? rc : 0;
}

int xenstore_glue_rm(const char *path)
{
    if (!xs_svc)
        return -ENODEV;
    int rc = xs_service_request(xs_svc, XS_RM, path, (uint32_t)strlen(path) + 1, NULL, 0);
    return rc < 0 && rc != -EINVAL ? rc : 0;
}

int xenstore_glue_read(const char *path, char *value, size_t max)
{
    if (!xs_svc)
        return -ENODEV;
    int rc =
        xs_service_request(xs_svc, XS_READ, path, (uint32_t)strlen(path) + 1, value, (uint32_t)max);
    return rc < 0 ? rc : 0;
}

int xenstore_glue_directory(const char *path, char *buf, size_t max)
{
    if (!xs_svc)
        return -ENODEV;
    return xs_service_request(xs_svc, XS_DIRECTORY, path, (uint32_t)strlen(path) + 1, buf,
                              (uint32_t)max);
}
