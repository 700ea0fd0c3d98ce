/*
 * xenstore.c: a xenstore client on the guest's ring (io/xs_wire.h): one
 * request at a time; watch events that arrive meanwhile are queued for
 * xs_read_watch().  Paths without a leading '/' are relative to the
 * domain's home (/local/domain/<domid>), as xenstored resolves them.
 */
#include "guest.h"
#include "io/xs_wire.h"

#define XS_WAIT_NS 5000000000ULL /* a reply later than this is an error */

static volatile struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static uint32_t next_req_id = 1;

#define EVQ_LEN 8
static struct {
    char path[256];
    char token[64];
} evq[EVQ_LEN];
static unsigned int evq_head, evq_count;

static char reply[XENSTORE_PAYLOAD_MAX + 1];
static struct xsd_sockmsg reply_hdr;
static xs_wait_fn *wait_for_event = evtchn_wait_since;

void xs_set_wait(xs_wait_fn *fn)
{
    wait_for_event = fn ? fn : evtchn_wait_since;
}

int xs_init(void)
{
    if (!boot.on_xen || !boot.store_pfn)
        return -XEN_ENODEV;
    ring = frame_to_virt(boot.store_pfn, ALIAS_SLOT_STORE);
    port = boot.store_evtchn;
    return ring ? 0 : -XEN_ENODEV;
}

static int notify_as_linux;

void xs_notify_as_linux(int on)
{
    notify_as_linux = on;
}

static int ring_write(const void *data, size_t len)
{
    const char *p = data;
    XENSTORE_RING_IDX first_prod = ring->req_prod;

    while (len) {
        unsigned long snap = evtchn_snapshot(port);
        XENSTORE_RING_IDX cons = ring->req_cons, prod = ring->req_prod;
        __sync_synchronize();
        if (prod - cons > XENSTORE_RING_SIZE)
            return -XEN_EIO;
        if (prod - cons == XENSTORE_RING_SIZE) {
            evtchn_send(port);
            if (wait_for_event(port, snap, XS_WAIT_NS))
                return -XEN_ETIMEDOUT;
            continue;
        }
        while (len && prod - cons < XENSTORE_RING_SIZE) {
            ring->req[MASK_XENSTORE_IDX(prod)] = *p++;
            prod++, len--;
        }
        __sync_synchronize();
        ring->req_prod = prod;
    }
    /* Linux's xb_write: no event when the store had not yet read up to
     * where this write began (it is still reading, and will see it); no
     * fence between the req_prod store and this load, as there. */
    if (notify_as_linux && (int32_t)(ring->req_cons - first_prod) < 0)
        return 0;
    return evtchn_send(port);
}

static int ring_read(void *data, size_t len, uint64_t timeout_ns)
{
    char *p = data;

    while (len) {
        unsigned long snap = evtchn_snapshot(port);
        XENSTORE_RING_IDX cons = ring->rsp_cons, prod = ring->rsp_prod;
        __sync_synchronize();
        if (prod - cons > XENSTORE_RING_SIZE)
            return -XEN_EIO;
        if (prod == cons) {
            if (wait_for_event(port, snap, timeout_ns))
                return -XEN_ETIMEDOUT;
            continue;
        }
        while (len && cons != prod) {
            *p++ = ring->rsp[MASK_XENSTORE_IDX(cons)];
            cons++, len--;
        }
        __sync_synchronize();
        ring->rsp_cons = cons;
        evtchn_send(port);
    }
    return 0;
}

/* Read one message into reply_hdr/reply; queue it if it is a watch event. */
static int read_message(uint64_t timeout_ns)
{
    int rc = ring_read(&reply_hdr, sizeof(reply_hdr), timeout_ns);

    if (rc)
        return rc;
    if (reply_hdr.len > XENSTORE_PAYLOAD_MAX)
        return -XEN_EIO;
    rc = ring_read(reply, reply_hdr.len, XS_WAIT_NS);
    if (rc)
        return rc;
    reply[reply_hdr.len] = '\0';
    if (reply_hdr.type == XS_WATCH_EVENT && evq_count < EVQ_LEN) {
        unsigned int slot = (evq_head + evq_count++) % EVQ_LEN;
        size_t plen = strnlen(reply, reply_hdr.len);
        strlcpy(evq[slot].path, reply, sizeof(evq[slot].path));
        strlcpy(evq[slot].token, plen < reply_hdr.len ? reply + plen + 1 : "",
                sizeof(evq[slot].token));
    }
    return 0;
}

static const char *const xs_errors[] = {"EINVAL", "EACCES", "EEXIST", "EISDIR",    "ENOENT",
                                        "ENOMEM", "ENOSPC", "EIO",    "ENOTEMPTY", "ENOSYS",
                                        "EROFS",  "EBUSY",  "EAGAIN", "EISCONN",   "E2BIG"};
static const int xs_errnos[] = {XEN_EINVAL, XEN_EACCES, XEN_EEXIST, XEN_EISDIR,    XEN_ENOENT,
                                XEN_ENOMEM, XEN_ENOSPC, XEN_EIO,    XEN_ENOTEMPTY, XEN_ENOSYS,
                                XEN_EROFS,  XEN_EBUSY,  XEN_EAGAIN, XEN_EISCONN,   XEN_E2BIG};

const char *xs_strerror(int err)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(xs_errnos); i++)
        if (-err == xs_errnos[i])
            return xs_errors[i];
    return err == -XEN_ETIMEDOUT ? "ETIMEDOUT" : "error";
}

/* Send a request of up to two strings (each with its NUL if nul set);
 * wait for its reply.  Returns the reply length or a negative error. */
static int request(uint32_t type, const char *a, const char *b, int nul_b)
{
    struct xsd_sockmsg h = {.type = type, .req_id = next_req_id++, .tx_id = 0};
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + (nul_b ? 1 : 0) : 0;
    unsigned int i;
    int rc;

    if (!ring)
        return -XEN_ENODEV;
    if (la + lb > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    h.len = (uint32_t)(la + lb);
    if ((rc = ring_write(&h, sizeof(h))) || (rc = ring_write(a, la)) ||
        (lb && (rc = ring_write(b, lb))))
        return rc;
    for (;;) {
        rc = read_message(XS_WAIT_NS);
        if (rc)
            return rc;
        if (reply_hdr.type == XS_WATCH_EVENT)
            continue;
        if (reply_hdr.req_id != h.req_id)
            continue;
        break;
    }
    if (reply_hdr.type == XS_ERROR) {
        for (i = 0; i < ARRAY_SIZE(xs_errors); i++)
            if (!strcmp(reply, xs_errors[i]))
                return -xs_errnos[i];
        return -XEN_EIO;
    }
    return (int)reply_hdr.len;
}

int xs_read(const char *path, char *buf, size_t size)
{
    int n = request(XS_READ, path, NULL, 0);

    if (n < 0)
        return n;
    if ((size_t)n >= size)
        return -XEN_E2BIG;
    memcpy(buf, reply, (size_t)n);
    buf[n] = '\0';
    return n;
}

int xs_write(const char *path, const char *value)
{
    int n = request(XS_WRITE, path, value, 0);

    return n < 0 ? n : 0;
}

int xs_rm(const char *path)
{
    int n = request(XS_RM, path, NULL, 0);

    return n < 0 ? n : 0;
}

/* The entries, separated by NULs, as the reply gives them. */
int xs_directory(const char *path, char *buf, size_t size)
{
    int n = request(XS_DIRECTORY, path, NULL, 0);

    if (n < 0)
        return n;
    if ((size_t)n > size)
        return -XEN_E2BIG;
    memcpy(buf, reply, (size_t)n);
    return n;
}

int xs_watch(const char *path, const char *token)
{
    int n = request(XS_WATCH, path, token, 1);

    return n < 0 ? n : 0;
}

int xs_unwatch(const char *path, const char *token)
{
    int n = request(XS_UNWATCH, path, token, 1);

    return n < 0 ? n : 0;
}

int xs_read_watch(char *path, size_t psize, char *token, size_t tsize, uint64_t timeout_ns)
{
    while (!evq_count) {
        int rc = read_message(timeout_ns);
        if (rc)
            return rc;
    }
    strlcpy(path, evq[evq_head].path, psize);
    strlcpy(token, evq[evq_head].token, tsize);
    evq_head = (evq_head + 1) % EVQ_LEN;
    evq_count--;
    return 0;
}
