/*
 * blkback.c: the PV block backend (see blkback.h).  One thread serves
 * every vbd.  It learns of devices and of their frontends' states through
 * xenstore watches on its own connection to the daemon's socket and
 * looks at everything again on each firing (devices are few); a frontend's
 * ring event wakes it through an eventfd.
 *
 * A device's life, as Linux's blkback: probe (the image opened, its size
 * and features written, state InitWait); the frontend Initialised or
 * Connected: its ring page mapped through its grant, its event channel
 * bound (state Connected); the frontend Closing or Closed, or the backend
 * directory gone (domain destroyed): disconnected and forgotten.
 *
 * The frontend is hostile: requests are copied out of the ring (an
 * indirect request's segments out of its granted pages) before they are
 * checked; every segment's grant is looked up (it must grant dom0 the
 * page, writable when the disk is read into it) and its sectors must lie
 * in the page; a request past the disk's end or a write to a read-only
 * disk is answered with an error, an operation not offered with
 * EOPNOTSUPP; a ring whose producer runs more than a ring ahead is
 * disconnected.  Data moves
 * between the image and the guest's memfd with pread/pwrite under
 * hv_lock (the grant checked in the same hold), never while the disk is
 * read or written.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "blkback.h"
#include "domain.h"
#include "evtchn.h"
#include "gnttab.h"
#include "log.h"
#include "public/io/blkif.h"
#include "public/io/xs_wire.h"
#include "xenstore_glue.h"
#include "xs_codec.h"

#define BACKEND_DIR "/local/domain/0/backend/vbd"
/* Offered as feature-max-indirect-segments: 1 MiB a request. */
#define MAX_INDIRECT_SEGS 256
#define SEG_BYTES_MAX     (MAX_INDIRECT_SEGS * GUEST_PAGE_SIZE)

/* A read or write, from a direct or an indirect request. */
struct io {
    uint64_t sector;
    unsigned nseg;
    struct blkif_request_segment seg[MAX_INDIRECT_SEGS];
};

struct vbd {
    unsigned domid, devid;
    char be[96], fe[96]; /* backend and frontend directories */
    int fd;
    bool readonly;
    uint64_t sectors;
    enum xenbus_state state;
    uint8_t *ring; /* the shared ring page, while connected */
    evtchn_port_t local_port;
    uint32_t req_cons, rsp_prod;
    bool seen;
    struct vbd *next;
};

static struct vbd *vbds; /* the thread's own */
static pthread_t bb_thread;
static bool bb_started;
static int bb_wake_fd = -1, bb_stop_fd = -1, bb_xs_fd = -1;
static uint8_t bb_buf[SEG_BYTES_MAX];

/* --- xenstore ---------------------------------------------------------- */

static int xs_read_str(const char *dir, const char *node, char *out, size_t max)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    return xenstore_glue_read(path, out, max);
}

static int xs_read_u64(const char *dir, const char *node, uint64_t *v)
{
    char buf[32], *end;
    int rc = xs_read_str(dir, node, buf, sizeof(buf));

    if (rc)
        return rc;
    errno = 0;
    *v = strtoull(buf, &end, 10);
    return errno || end == buf || *end ? -EINVAL : 0;
}

static void xs_write_fmt(const char *dir, const char *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void xs_write_fmt(const char *dir, const char *node, const char *fmt, ...)
{
    char path[160], value[64];
    va_list ap;

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (xenstore_glue_write(path, value))
        log_warn("vbd: cannot write %s", path);
}

/* XS_WATCH or XS_UNWATCH on our own socket connection (the reply is
 * drained with the firings, which wake the thread). */
static void xs_watch_op(uint32_t type, const char *path, const char *token)
{
    char msg[sizeof(struct xsd_sockmsg) + 200];
    struct xsd_sockmsg h = {.type = type};
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

    if (pl + tl > sizeof(msg) - sizeof(h))
        return;
    h.len = (uint32_t)(pl + tl);
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), path, pl);
    memcpy(msg + sizeof(h) + pl, token, tl);
    if (write(bb_xs_fd, msg, sizeof(h) + h.len) != (ssize_t)(sizeof(h) + h.len))
        log_warn("vbd: cannot (un)watch %s", path);
}

/* Drain the socket: watch firings (1) and the replies to our
 * (un)watches; -1 when the connection is gone. */
static int xs_drain(struct xs_reader *rd)
{
    uint8_t in[4096];
    ssize_t n = read(bb_xs_fd, in, sizeof(in));
    int fired = 0;

    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0)
        return -1;
    for (size_t off = 0; off < (size_t)n;) {
        size_t used;
        int rc = xs_reader_feed(rd, in + off, (size_t)n - off, &used);
        off += used;
        if (rc < 0)
            return -1;
        if (rc == 1) {
            fired |= rd->hdr.type == XS_WATCH_EVENT;
            xs_reader_reset(rd);
        }
    }
    return fired;
}

/* --- the frontend's events --------------------------------------------- */

static void ring_event(void *opaque, struct domain *dom0, evtchn_port_t port)
{
    uint64_t one = 1;

    (void)!write(bb_wake_fd, &one, sizeof(one));
}

static void notify_frontend(struct vbd *v)
{
    pthread_mutex_lock(&hv_lock);
    struct domain *dom0 = domain_lookup(0);
    if (dom0 && v->local_port)
        evtchn_send(dom0, v->local_port);
    pthread_mutex_unlock(&hv_lock);
}

/* --- requests ---------------------------------------------------------- */

/*
 * Copy n bytes between bb_buf (at *done) and the segment's part of a
 * granted page: into the guest (the disk was read) or out of it (to be
 * written).  hv_lock held.
 */
static int seg_copy(struct domain *d, const struct blkif_request_segment *s, bool into_guest,
                    size_t *done)
{
    size_t off = (size_t)s->first_sect * BLKIF_SECTOR_SIZE;
    size_t len = (size_t)(s->last_sect - s->first_sect + 1) * BLKIF_SECTOR_SIZE;
    uint64_t gfn;
    ssize_t n;

    if (gnttab_granted_frame(d, s->gref, 0, into_guest, &gfn))
        return -EACCES;
    if (into_guest && domain_code_written(d, gfn))
        return -ENOMEM;
    off_t at = (off_t)(gfn * GUEST_PAGE_SIZE + off);
    n = into_guest ? pwrite(d->ram.memfd, bb_buf + *done, len, at)
                   : pread(d->ram.memfd, bb_buf + *done, len, at);
    if (n != (ssize_t)len)
        return -EIO;
    *done += len;
    return 0;
}

/* Every segment copied, or none usable: the domain gone, a bad grant. */
static int segs_copy(struct vbd *v, const struct io *io, bool into_guest)
{
    size_t done = 0;
    int rc = 0;

    pthread_mutex_lock(&hv_lock);
    struct domain *d = domain_lookup((domid_t)v->domid);
    if (!d || d->dying)
        rc = -ESRCH;
    for (unsigned i = 0; !rc && i < io->nseg; i++)
        rc = seg_copy(d, &io->seg[i], into_guest, &done);
    pthread_mutex_unlock(&hv_lock);
    return rc;
}

/* Read or write: the segments and sectors checked first. */
static int16_t do_rw(struct vbd *v, const struct io *io, bool write)
{
    uint64_t nsect = 0;

    if (io->nseg == 0)
        return BLKIF_RSP_ERROR;
    for (unsigned i = 0; i < io->nseg; i++) {
        const struct blkif_request_segment *s = &io->seg[i];
        if (s->last_sect < s->first_sect || s->last_sect >= GUEST_PAGE_SIZE / BLKIF_SECTOR_SIZE)
            return BLKIF_RSP_ERROR;
        nsect += s->last_sect - s->first_sect + 1u;
    }
    if (io->sector > v->sectors || nsect > v->sectors - io->sector)
        return BLKIF_RSP_ERROR;
    if (write && v->readonly)
        return BLKIF_RSP_ERROR;
    size_t bytes = (size_t)nsect * BLKIF_SECTOR_SIZE;
    off_t at = (off_t)(io->sector * BLKIF_SECTOR_SIZE);
    if (write) {
        if (segs_copy(v, io, false) || pwrite(v->fd, bb_buf, bytes, at) != (ssize_t)bytes)
            return BLKIF_RSP_ERROR;
    } else {
        if (pread(v->fd, bb_buf, bytes, at) != (ssize_t)bytes || segs_copy(v, io, true))
            return BLKIF_RSP_ERROR;
    }
    return BLKIF_RSP_OKAY;
}

/* An indirect request's segments, out of its granted pages (which may be
 * read-only grants); false when one is not usable. */
static bool indirect_segments(struct vbd *v, const struct blkif_request_indirect *ir, struct io *io)
{
    unsigned pages =
        (ir->nr_segments + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) / BLKIF_SEGS_PER_INDIRECT_FRAME;
    bool ok = true;

    if (ir->nr_segments == 0 || ir->nr_segments > MAX_INDIRECT_SEGS)
        return false;
    io->sector = ir->sector_number;
    io->nseg = ir->nr_segments;
    pthread_mutex_lock(&hv_lock);
    struct domain *d = domain_lookup((domid_t)v->domid);
    ok = d && !d->dying;
    for (unsigned p = 0; ok && p < pages; p++) {
        unsigned first = p * BLKIF_SEGS_PER_INDIRECT_FRAME;
        unsigned n = io->nseg - first < BLKIF_SEGS_PER_INDIRECT_FRAME
                         ? io->nseg - first
                         : (unsigned)BLKIF_SEGS_PER_INDIRECT_FRAME;
        size_t len = n * sizeof(io->seg[0]);
        uint64_t gfn;
        ok = !gnttab_granted_frame(d, ir->indirect_grefs[p], 0, false, &gfn) &&
             pread(d->ram.memfd, &io->seg[first], len, (off_t)(gfn * GUEST_PAGE_SIZE)) ==
                 (ssize_t)len;
    }
    pthread_mutex_unlock(&hv_lock);
    return ok;
}

static int16_t handle_request(struct vbd *v, const struct blkif_request *rq)
{
    static struct io io;
    struct blkif_request_indirect ir;
    int16_t st;

    switch (rq->operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
    case BLKIF_OP_FLUSH_DISKCACHE: /* data (if any) first, as blkfront's FUA */
        if (rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
            return BLKIF_RSP_ERROR;
        io.sector = rq->sector_number;
        io.nseg = rq->nr_segments;
        memcpy(io.seg, rq->seg, io.nseg * sizeof(io.seg[0]));
        if (rq->operation != BLKIF_OP_FLUSH_DISKCACHE)
            return do_rw(v, &io, rq->operation == BLKIF_OP_WRITE);
        st = io.nseg ? do_rw(v, &io, true) : BLKIF_RSP_OKAY;
        if (st == BLKIF_RSP_OKAY && fdatasync(v->fd))
            st = BLKIF_RSP_ERROR;
        return st;
    case BLKIF_OP_INDIRECT:
        memcpy(&ir, rq, sizeof(ir));
        if ((ir.indirect_op != BLKIF_OP_READ && ir.indirect_op != BLKIF_OP_WRITE) ||
            !indirect_segments(v, &ir, &io))
            return BLKIF_RSP_ERROR;
        return do_rw(v, &io, ir.indirect_op == BLKIF_OP_WRITE);
    default: /* barriers, discard: not offered */
        return BLKIF_RSP_EOPNOTSUPP;
    }
}

/* The operation a response names: an indirect request's read or write,
 * as blkfront checks it. */
static uint8_t response_op(const struct blkif_request *rq)
{
    struct blkif_request_indirect ir;

    if (rq->operation != BLKIF_OP_INDIRECT)
        return rq->operation;
    memcpy(&ir, rq, sizeof(ir));
    return ir.indirect_op;
}

static void disconnect(struct vbd *v);
static void set_state(struct vbd *v, enum xenbus_state s);

/*
 * Serve v's ring: until it is empty (as RING_FINAL_CHECK_FOR_REQUESTS), or
 * a ring's worth of requests was served, so that a guest that keeps its
 * ring full cannot starve the other disks: true when more are waiting.
 */
static bool serve_ring(struct vbd *v)
{
    struct blkif_sring_header *sh = (void *)v->ring;
    uint8_t *entries = v->ring + BLKIF_RING_HEADER;
    unsigned budget = BLKIF_RING_SIZE;
    bool notify = false, more = false;

    for (;;) {
        uint32_t prod = __atomic_load_n(&sh->req_prod, __ATOMIC_ACQUIRE);
        if (prod - v->req_cons > BLKIF_RING_SIZE) {
            log_warn("vbd %u/%u: ring producer %u runs ahead of %u: disconnected", v->domid,
                     v->devid, prod, v->req_cons);
            disconnect(v);
            set_state(v, XenbusStateClosing);
            return false;
        }
        while (v->req_cons != prod && budget) {
            struct blkif_request rq;
            struct blkif_response rsp = {0};
            uint32_t old = v->rsp_prod;

            memcpy(&rq, entries + (v->req_cons % BLKIF_RING_SIZE) * BLKIF_RING_ENTRY, sizeof(rq));
            v->req_cons++;
            rsp.id = rq.id;
            rsp.operation = response_op(&rq);
            rsp.status = handle_request(v, &rq);
            memcpy(entries + (v->rsp_prod % BLKIF_RING_SIZE) * BLKIF_RING_ENTRY, &rsp, sizeof(rsp));
            v->rsp_prod++;
            /* RING_PUSH_RESPONSES_AND_CHECK_NOTIFY */
            __atomic_store_n(&sh->rsp_prod, v->rsp_prod, __ATOMIC_RELEASE);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            uint32_t ev = __atomic_load_n(&sh->rsp_event, __ATOMIC_RELAXED);
            notify |= (uint32_t)(v->rsp_prod - ev) < (uint32_t)(v->rsp_prod - old);
            budget--;
        }
        if (!budget) {
            more = true;
            break;
        }
        __atomic_store_n(&sh->req_event, v->req_cons + 1, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&sh->req_prod, __ATOMIC_ACQUIRE) == v->req_cons)
            break;
    }
    if (notify)
        notify_frontend(v);
    return more;
}

/* --- the xenbus handshake ---------------------------------------------- */

static void disconnect(struct vbd *v)
{
    pthread_mutex_lock(&hv_lock);
    struct domain *dom0 = domain_lookup(0);
    if (dom0 && v->local_port)
        evtchn_close(dom0, v->local_port);
    pthread_mutex_unlock(&hv_lock);
    v->local_port = 0;
    guest_ram_unmap(v->ring, 1);
    v->ring = NULL;
}

/* The frontend published its ring and event channel: map and bind. */
static int connect_frontend(struct vbd *v)
{
    char proto[32] = "";
    uint64_t ref, port, gfn;
    int rc;

    if (xs_read_u64(v->fe, "ring-ref", &ref) || xs_read_u64(v->fe, "event-channel", &port) ||
        ref > UINT32_MAX || port > UINT32_MAX) {
        log_warn("vbd %u/%u: the frontend gave no usable ring-ref and event-channel", v->domid,
                 v->devid);
        return -EINVAL;
    }
    if (!xs_read_str(v->fe, "protocol", proto, sizeof(proto)) && proto[0] &&
        strcmp(proto, "x86_64-abi")) {
        log_warn("vbd %u/%u: protocol %s not supported (x86_64-abi only)", v->domid, v->devid,
                 proto);
        return -EPROTONOSUPPORT;
    }
    pthread_mutex_lock(&hv_lock);
    struct domain *d = domain_lookup((domid_t)v->domid), *dom0 = domain_lookup(0);
    rc = !d || d->dying || !dom0 ? -ESRCH : gnttab_granted_frame(d, (uint32_t)ref, 0, true, &gfn);
    if (!rc)
        v->ring = guest_ram_map(&d->ram, gfn, 1);
    if (!rc && !v->ring)
        rc = -ENOMEM;
    if (!rc)
        rc = evtchn_bind_interdomain(dom0, (domid_t)v->domid, (evtchn_port_t)port, &v->local_port);
    if (!rc)
        evtchn_set_handler(dom0, v->local_port, ring_event, NULL);
    pthread_mutex_unlock(&hv_lock);
    if (rc) {
        log_warn("vbd %u/%u: cannot connect ring-ref %llu, event channel %llu: %s", v->domid,
                 v->devid, (unsigned long long)ref, (unsigned long long)port, strerror(-rc));
        guest_ram_unmap(v->ring, 1);
        v->ring = NULL;
        v->local_port = 0;
        return rc;
    }
    v->req_cons = v->rsp_prod = 0;
    return 0;
}

static void set_state(struct vbd *v, enum xenbus_state s)
{
    v->state = s;
    xs_write_fmt(v->be, "state", "%d", s);
}

/* Step v after a change of its frontend's state. */
static void step(struct vbd *v)
{
    uint64_t fe_state = XenbusStateUnknown;

    if (v->fd < 0) /* its image could not be opened: stays Closed */
        return;
    xs_read_u64(v->fe, "state", &fe_state);
    switch (fe_state) {
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (v->state == XenbusStateInitWait) {
            if (connect_frontend(v))
                set_state(v, XenbusStateClosing);
            else
                set_state(v, XenbusStateConnected);
        }
        break;
    case XenbusStateClosing:
    case XenbusStateClosed:
        if (v->ring)
            disconnect(v);
        if (v->state != fe_state && v->state != XenbusStateClosed)
            set_state(v, fe_state == XenbusStateClosing ? XenbusStateClosing : XenbusStateClosed);
        break;
    case XenbusStateInitialising: /* a frontend starting again (kexec) */
        if (v->state == XenbusStateClosing || v->state == XenbusStateClosed)
            set_state(v, XenbusStateInitWait);
        break;
    default:
        break;
    }
}

/* The image's size in 512-byte sectors. */
static int image_sectors(int fd, uint64_t *sectors)
{
    struct stat st;
    uint64_t bytes;

    if (fstat(fd, &st))
        return -errno;
    if (S_ISBLK(st.st_mode)) {
        if (ioctl(fd, BLKGETSIZE64, &bytes))
            return -errno;
    } else if (S_ISREG(st.st_mode)) {
        bytes = (uint64_t)st.st_size;
    } else {
        return -EINVAL;
    }
    *sectors = bytes / BLKIF_SECTOR_SIZE;
    return 0;
}

/* A new backend directory: open the image and offer it (InitWait). */
static struct vbd *probe(unsigned domid, unsigned devid)
{
    struct vbd *v = calloc(1, sizeof(*v));
    char params[1024], mode[8] = "w", token[32];
    int rc;

    if (!v)
        return NULL;
    v->domid = domid;
    v->devid = devid;
    v->fd = -1;
    snprintf(v->be, sizeof(v->be), BACKEND_DIR "/%u/%u", domid, devid);
    snprintf(v->fe, sizeof(v->fe), "/local/domain/%u/device/vbd/%u", domid, devid);
    xs_read_str(v->be, "mode", mode, sizeof(mode));
    v->readonly = mode[0] != 'w';
    /* The image the toolstack's hotplug step resolved, else params. */
    rc = xs_read_str(v->be, "physical-device-path", params, sizeof(params));
    if (rc)
        rc = xs_read_str(v->be, "params", params, sizeof(params));
    if (!rc) {
        /* O_NONBLOCK: a FIFO named by mistake must not hang the thread;
         * it has no effect on the files and block devices served. */
        v->fd = open(params, (v->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK);
        rc = v->fd < 0 ? -errno : image_sectors(v->fd, &v->sectors);
    }
    if (rc) {
        if (v->fd >= 0)
            close(v->fd);
        v->fd = -1;
        log_warn("vbd %u/%u: cannot open %s: %s", domid, devid, params, strerror(-rc));
        xs_write_fmt(v->be, "hotplug-error", "cannot open %.40s", params);
        set_state(v, XenbusStateClosed);
        return v;
    }
    xs_write_fmt(v->be, "sectors", "%llu", (unsigned long long)v->sectors);
    xs_write_fmt(v->be, "sector-size", "%u", BLKIF_SECTOR_SIZE);
    xs_write_fmt(v->be, "physical-sector-size", "%u", BLKIF_SECTOR_SIZE);
    xs_write_fmt(v->be, "info", "%u", v->readonly ? VDISK_READONLY : 0);
    xs_write_fmt(v->be, "feature-flush-cache", "1");
    xs_write_fmt(v->be, "feature-max-indirect-segments", "%u", MAX_INDIRECT_SEGS);
    xs_write_fmt(v->be, "hotplug-status", "connected");
    set_state(v, XenbusStateInitWait);
    snprintf(token, sizeof(token), "fe-%u-%u", domid, devid);
    char path[128];
    snprintf(path, sizeof(path), "%s/state", v->fe);
    xs_watch_op(XS_WATCH, path, token);
    log_info("vbd %u/%u: %s, %llu sectors%s", domid, devid, params, (unsigned long long)v->sectors,
             v->readonly ? ", read-only" : "");
    return v;
}

static void forget(struct vbd *v)
{
    char token[32], path[128];

    if (v->ring)
        disconnect(v);
    snprintf(token, sizeof(token), "fe-%u-%u", v->domid, v->devid);
    snprintf(path, sizeof(path), "%s/state", v->fe);
    xs_watch_op(XS_UNWATCH, path, token);
    if (v->fd >= 0)
        close(v->fd);
    free(v);
}

static struct vbd *find(unsigned domid, unsigned devid)
{
    for (struct vbd *v = vbds; v; v = v->next)
        if (v->domid == domid && v->devid == devid)
            return v;
    return NULL;
}

/* Parse a directory listing (NUL-separated names) as unsigned numbers. */
static bool next_number(const char **p, const char *end, unsigned *out)
{
    while (*p < end) {
        const char *name = *p;
        char *stop;
        *p += strlen(name) + 1;
        unsigned long n = strtoul(name, &stop, 10);
        if (*name && !*stop && n < (1ul << 31)) {
            *out = (unsigned)n;
            return true;
        }
    }
    return false;
}

/* Look at every backend directory and frontend again. */
static void rescan(void)
{
    static char doms[XENSTORE_PAYLOAD_MAX + 1], devs[XENSTORE_PAYLOAD_MAX + 1];
    int nd = xenstore_glue_directory(BACKEND_DIR, doms, sizeof(doms));
    const char *p = doms;
    unsigned domid, devid;

    for (struct vbd *v = vbds; v; v = v->next)
        v->seen = false;
    while (nd > 0 && next_number(&p, doms + nd, &domid)) {
        char dir[64];
        snprintf(dir, sizeof(dir), BACKEND_DIR "/%u", domid);
        int nv = xenstore_glue_directory(dir, devs, sizeof(devs));
        const char *q = devs;
        pthread_mutex_lock(&hv_lock);
        struct domain *d = domid < DOMID_FIRST_RESERVED ? domain_lookup((domid_t)domid) : NULL;
        bool alive = d && !d->dying && !d->is_privileged;
        pthread_mutex_unlock(&hv_lock);
        while (alive && nv > 0 && next_number(&q, devs + nv, &devid)) {
            struct vbd *v = find(domid, devid);
            if (!v && (v = probe(domid, devid))) {
                v->next = vbds;
                vbds = v;
            }
            if (v) {
                v->seen = true;
                step(v);
            }
        }
    }
    for (struct vbd **pp = &vbds; *pp;) {
        struct vbd *v = *pp;
        if (v->seen) {
            pp = &v->next;
            continue;
        }
        *pp = v->next;
        log_info("vbd %u/%u: gone", v->domid, v->devid);
        forget(v);
    }
}

static void *blkback_main(void *arg)
{
    static struct xs_reader rd;
    struct pollfd pf[3] = {
        {.fd = bb_xs_fd, .events = POLLIN},
        {.fd = bb_wake_fd, .events = POLLIN},
        {.fd = bb_stop_fd, .events = POLLIN},
    };

    xs_reader_reset(&rd);
    xs_watch_op(XS_WATCH, BACKEND_DIR, "backends");
    xs_watch_op(XS_WATCH, "@releaseDomain", "domains");
    for (;;) {
        if (poll(pf, 3, -1) < 0 && errno != EINTR)
            break;
        if (pf[2].revents)
            break;
        if (pf[0].revents) {
            int fired = xs_drain(&rd);
            if (fired < 0) { /* only at the daemon's exit */
                log_warn("vbd: the xenstore connection is gone");
                pf[0].fd = -1;
            } else if (fired) {
                rescan();
            }
        }
        if (pf[1].revents) {
            uint64_t n;
            (void)!read(bb_wake_fd, &n, sizeof(n));
        }
        /* A kick names no device: serve every connected ring, a ring's
         * worth each; rings with more waiting come round again after the
         * others (and xenstore) had their turn. */
        bool more = false;
        for (struct vbd *v = vbds; v; v = v->next)
            if (v->ring)
                more |= serve_ring(v);
        if (more)
            ring_event(NULL, NULL, 0);
    }
    while (vbds) {
        struct vbd *v = vbds;
        vbds = v->next;
        forget(v);
    }
    return NULL;
}

int blkback_start(const char *xs_socket)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int rc;

    if (strlen(xs_socket) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, xs_socket);
    bb_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    bb_stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    bb_xs_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bb_wake_fd < 0 || bb_stop_fd < 0 || bb_xs_fd < 0 ||
        connect(bb_xs_fd, (struct sockaddr *)&sa, sizeof(sa))) {
        rc = -errno;
        goto fail;
    }
    fcntl(bb_xs_fd, F_SETFL, O_NONBLOCK);
    rc = -pthread_create(&bb_thread, NULL, blkback_main, NULL);
    if (rc)
        goto fail;
    bb_started = true;
    return 0;
fail:
    blkback_stop();
    return rc;
}

void blkback_stop(void)
{
    if (bb_started) {
        uint64_t one = 1;
        (void)!write(bb_stop_fd, &one, sizeof(one));
        pthread_join(bb_thread, NULL);
        bb_started = false;
    }
    if (bb_xs_fd >= 0)
        close(bb_xs_fd);
    if (bb_wake_fd >= 0)
        close(bb_wake_fd);
    if (bb_stop_fd >= 0)
        close(bb_stop_fd);
    bb_xs_fd = bb_wake_fd = bb_stop_fd = -1;
}
