/*
 * xs_service.c: the xenstore service thread: privileged Unix-socket
 * clients and guest rings feeding the core, one lock around the core,
 * an eventfd to wake the thread, and per-domain kick bits set lock-free
 * by xs_service_kick_domain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_codec.h"
#include "xs_core.h"
#include "xs_ring.h"
#include "xs_service.h"

#define MAX_LISTENERS  4
#define SOCK_OUT_LIMIT (1u << 20) /* stop reading a client this far behind */
#define RING_BATCH     32         /* requests per ring per round */
#define KICK_WORDS     ((XS_DOMID_FIRST_RESERVED + 63) / 64)

enum ev_kind { EV_LISTEN, EV_WAKE, EV_SOCK };

struct ev_tag {
    enum ev_kind kind;
    int fd;
};

struct sock_conn {
    struct ev_tag tag;
    struct xs_reader rd;
    struct xs_conn *c;
    uint32_t events; /* current epoll interest */
    struct sock_conn *next;
};

struct ring_dom {
    uint32_t domid;
    struct xs_ring ring;
    struct xs_conn *c;
    xs_notify_guest_fn *notify;
    void *opaque;
    void *page;
    bool mapped_by_ops; /* unmap_ring when released */
    bool more;          /* requests may be waiting */
    bool notify_due;    /* the guest is to be notified */
    struct ring_dom *next;
};

struct pending_notify {
    xs_notify_guest_fn *fn;
    void *opaque;
    uint32_t domid;
};

struct xs_service {
    pthread_mutex_t lock;
    struct xs_store *st;
    int epfd;
    struct ev_tag wake;
    struct ev_tag listeners[MAX_LISTENERS];
    char *paths[MAX_LISTENERS];
    int nlisteners;
    struct sock_conn *socks;
    struct ring_dom *doms;
    uint64_t kick_bits[KICK_WORDS];
    pthread_t thread;
    bool started;
    int stop; /* atomic */
    struct xs_ring_ops ops;
    void *ops_opaque;
    struct ring_dom *unmap_later; /* released on the service thread */
    struct pending_notify *notes; /* the service thread's only */
    size_t notes_cap;
};

static void wake(struct xs_service *s)
{
    uint64_t one = 1;
    ssize_t w = write(s->wake.fd, &one, sizeof(one));
    (void)w; /* a full counter already wakes the thread */
}

static struct ring_dom *find_dom(struct xs_service *s, uint32_t domid, struct ring_dom ***link)
{
    struct ring_dom **pp = &s->doms;
    while (*pp && (*pp)->domid != domid)
        pp = &(*pp)->next;
    if (link)
        *link = pp;
    return *pp;
}

static void note(struct xs_service *s, struct ring_dom *d)
{
    d->notify_due = d->notify != NULL;
}

/* Collect the due notifications into s->notes (lock held); returns how
 * many, or -1 if some must wait for the next round (no memory). */
static int collect_notes(struct xs_service *s)
{
    size_t n = 0;
    for (struct ring_dom *d = s->doms; d; d = d->next)
        n += d->notify_due;
    if (n > s->notes_cap) {
        struct pending_notify *p = realloc(s->notes, n * sizeof(*p));
        if (!p)
            return -1;
        s->notes = p;
        s->notes_cap = n;
    }
    n = 0;
    for (struct ring_dom *d = s->doms; d; d = d->next) {
        if (d->notify_due)
            s->notes[n++] = (struct pending_notify){d->notify, d->opaque, d->domid};
        d->notify_due = false;
    }
    return (int)n;
}

/* Attach a ring to a domain and introduce it (lock held). */
static int dom_attach(struct xs_service *s, uint32_t domid, void *page, xs_notify_guest_fn *notify,
                      void *opaque, bool mapped_by_ops)
{
    if (domid >= XS_DOMID_FIRST_RESERVED)
        return -EINVAL;
    if (xs_domain_introduced(s->st, domid))
        return -EEXIST;
    struct ring_dom *d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->c = xs_conn_new(s->st, domid, domid == 0);
    if (!d->c) {
        free(d);
        return -ENOMEM;
    }
    int rc = xs_domain_introduce(s->st, domid, d->c);
    if (rc) {
        xs_conn_free(d->c);
        free(d);
        return rc;
    }
    d->domid = domid;
    d->page = page;
    d->notify = notify;
    d->opaque = opaque;
    d->mapped_by_ops = mapped_by_ops;
    d->more = true; /* the guest may have written before */
    xs_ring_init(&d->ring, page);
    d->next = s->doms;
    s->doms = d;
    return 0;
}

/* Core hooks for XS_INTRODUCE / XS_RELEASE from a client (lock held). */
static int hook_attach(void *opaque, struct xs_store *st, uint32_t domid, uint64_t gfn,
                       uint32_t port)
{
    struct xs_service *s = opaque;
    if (!s->ops.map_ring)
        return xs_domain_introduce(st, domid, NULL);
    /* Map without the lock: the daemon's mapper may take its own locks. */
    pthread_mutex_unlock(&s->lock);
    void *page = s->ops.map_ring(s->ops_opaque, domid, gfn, port);
    pthread_mutex_lock(&s->lock);
    if (!page)
        return -EINVAL;
    int rc = dom_attach(s, domid, page, s->ops.notify_guest, s->ops_opaque, true);
    if (rc == -EEXIST)
        rc = 0; /* introduced meanwhile */
    if (rc && s->ops.unmap_ring) {
        pthread_mutex_unlock(&s->lock);
        s->ops.unmap_ring(s->ops_opaque, domid, page);
        pthread_mutex_lock(&s->lock);
    }
    return rc;
}

static void hook_detach(void *opaque, struct xs_store *st, uint32_t domid)
{
    struct xs_service *s = opaque;
    struct ring_dom **link;
    struct ring_dom *d = find_dom(s, domid, &link);
    if (!d)
        return;
    *link = d->next;
    d->next = s->unmap_later;
    s->unmap_later = d;
}

static int hook_rebind(void *opaque, struct xs_store *st, uint32_t domid, uint32_t port)
{
    struct xs_service *s = opaque;
    struct ring_dom *d = find_dom(s, domid, NULL);
    int rc;

    if (!d || !s->ops.rebind_port)
        return 0;
    pthread_mutex_unlock(&s->lock);
    rc = s->ops.rebind_port(s->ops_opaque, domid, port);
    pthread_mutex_lock(&s->lock);
    d = find_dom(s, domid, NULL);
    if (d)
        d->more = true; /* look at the ring again */
    return rc;
}

struct xs_service *xs_service_create(void)
{
    struct xs_service *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    s->epfd = -1;
    s->wake.kind = EV_WAKE;
    s->wake.fd = -1;
    s->st = xs_store_new();
    if (!s->st)
        goto fail;
    struct xs_core_hooks hooks = {
        .attach = hook_attach, .detach = hook_detach, .rebind = hook_rebind, .opaque = s};
    xs_store_set_hooks(s->st, &hooks);
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    s->wake.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->epfd < 0 || s->wake.fd < 0)
        goto fail;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s->wake};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wake.fd, &ev))
        goto fail;
    return s;
fail:
    xs_service_stop_destroy(s);
    return NULL;
}

void xs_service_set_ring_ops(struct xs_service *s, const struct xs_ring_ops *ops, void *opaque)
{
    pthread_mutex_lock(&s->lock);
    s->ops = *ops;
    s->ops_opaque = opaque;
    pthread_mutex_unlock(&s->lock);
}

int xs_service_listen(struct xs_service *s, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    if (s->nlisteners == MAX_LISTENERS)
        return -ENOSPC;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    int rc = 0;
    unlink(path);
    mode_t old = umask(0177);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
        rc = -errno;
    umask(old);
    if (!rc && listen(fd, 128))
        rc = -errno;
    char *copy = rc ? NULL : strdup(path);
    if (!rc && !copy)
        rc = -ENOMEM;
    if (rc) {
        close(fd);
        return rc;
    }
    struct ev_tag *t = &s->listeners[s->nlisteners];
    t->kind = EV_LISTEN;
    t->fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = t};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev)) {
        rc = -errno;
        close(fd);
        unlink(path);
        free(copy);
        return rc;
    }
    s->paths[s->nlisteners++] = copy;
    return 0;
}

/* Sockets (lock held). */

static void sock_close(struct xs_service *s, struct sock_conn *sc)
{
    for (struct sock_conn **pp = &s->socks; *pp; pp = &(*pp)->next) {
        if (*pp == sc) {
            *pp = sc->next;
            break;
        }
    }
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, sc->tag.fd, NULL);
    close(sc->tag.fd);
    xs_conn_free(sc->c);
    free(sc);
}

static void sock_accept(struct xs_service *s, int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        struct sock_conn *sc = calloc(1, sizeof(*sc));
        if (sc)
            sc->c = xs_conn_new(s->st, 0, true);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = sc};
        if (!sc || !sc->c) {
            if (sc)
                free(sc);
            close(fd);
            continue;
        }
        sc->tag.kind = EV_SOCK;
        sc->tag.fd = fd;
        sc->events = EPOLLIN;
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev)) {
            xs_conn_free(sc->c);
            free(sc);
            close(fd);
            continue;
        }
        sc->next = s->socks;
        s->socks = sc;
    }
}

/* Returns false when the connection is finished. */
static bool sock_read(struct xs_service *s, struct sock_conn *sc)
{
    char buf[16384];
    ssize_t n = recv(sc->tag.fd, buf, sizeof(buf), 0);
    if (n == 0)
        return false;
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    size_t off = 0;
    while (off < (size_t)n) {
        size_t used;
        int rc = xs_reader_feed(&sc->rd, buf + off, (size_t)n - off, &used);
        off += used;
        if (rc < 0)
            return false;
        if (rc == 1) {
            xs_conn_request(sc->c, &sc->rd.hdr, sc->rd.payload);
            xs_reader_reset(&sc->rd);
        }
    }
    return true;
}

static bool sock_flush(struct xs_service *s, struct sock_conn *sc)
{
    struct xs_msg *m;
    while ((m = xs_conn_out_peek(sc->c))) {
        ssize_t w = send(sc->tag.fd, m->data + m->off, m->len - m->off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            return false;
        }
        xs_conn_out_consume(sc->c, (uint32_t)w);
    }
    uint32_t want = 0;
    if (sc->c->out_bytes < SOCK_OUT_LIMIT)
        want |= EPOLLIN;
    if (xs_conn_out_peek(sc->c))
        want |= EPOLLOUT;
    if (want != sc->events) {
        struct epoll_event ev = {.events = want, .data.ptr = sc};
        epoll_ctl(s->epfd, EPOLL_CTL_MOD, sc->tag.fd, &ev);
        sc->events = want;
    }
    return true;
}

/* Rings (lock held). */

static void take_kicks(struct xs_service *s)
{
    for (size_t w = 0; w < KICK_WORDS; w++) {
        uint64_t bits = __atomic_exchange_n(&s->kick_bits[w], 0, __ATOMIC_ACQ_REL);
        while (bits) {
            unsigned b = (unsigned)__builtin_ctzll(bits);
            bits &= bits - 1;
            struct ring_dom *d = find_dom(s, (uint32_t)(w * 64 + b), NULL);
            if (d)
                d->more = true;
        }
    }
}

static bool service_rings(struct xs_service *s)
{
    bool again = false;
    for (struct ring_dom *d = s->doms; d; d = d->next) {
        if (!d->more)
            continue;
        bool notify = false;
        /* Output first: the guest may be waiting for room to read. */
        xs_ring_flush(&d->ring, d->c, &notify);
        d->more = xs_ring_process(&d->ring, d->c, RING_BATCH, &notify);
        /*
         * A ring that moved is looked at once more, on the next pass,
         * before the service sleeps.  Linux notifies after writing only if
         * it saw req_cons reach its old req_prod, and nothing orders its
         * req_prod store before that load: it can miss our req_cons store
         * while our reload of req_prod, right after it, misses its
         * req_prod store; then neither side acts and the guest waits for
         * ever (PVH Linux stopped mid-boot about 1 in 3 beside another
         * guest, its WATCH request half read).  The next pass comes after
         * syscalls and the lock, as xenstored's next loop would.
         */
        d->more |= notify;
        again |= d->more;
        if (notify)
            note(s, d);
    }
    return again;
}

static void flush_all(struct xs_service *s)
{
    struct sock_conn *sc = s->socks;
    while (sc) {
        struct sock_conn *next = sc->next;
        if (!sock_flush(s, sc))
            sock_close(s, sc);
        sc = next;
    }
    for (struct ring_dom *d = s->doms; d; d = d->next) {
        bool notify = false;
        xs_ring_flush(&d->ring, d->c, &notify);
        if (notify)
            note(s, d);
    }
}

static void *service_main(void *arg)
{
    struct xs_service *s = arg;
    struct epoll_event evs[64];
    bool busy = true;

    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        int n = epoll_wait(s->epfd, evs, 64, busy ? 0 : -1);
        if (n < 0 && errno != EINTR)
            break;
        pthread_mutex_lock(&s->lock);
        for (int i = 0; i < n; i++) {
            struct ev_tag *t = evs[i].data.ptr;
            if (t->kind == EV_LISTEN) {
                sock_accept(s, t->fd);
            } else if (t->kind == EV_WAKE) {
                uint64_t v;
                ssize_t r = read(t->fd, &v, sizeof(v));
                (void)r;
            } else {
                struct sock_conn *sc = (struct sock_conn *)t;
                bool ok = true;
                if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    ok = sock_read(s, sc);
                if (!ok) {
                    sock_close(s, sc);
                    /* Later events may name it: drop them. */
                    for (int j = i + 1; j < n; j++)
                        if (evs[j].data.ptr == sc)
                            evs[j].data.ptr = &s->wake;
                }
            }
        }
        take_kicks(s);
        busy = service_rings(s);
        flush_all(s);
        struct ring_dom *unmap = s->unmap_later;
        s->unmap_later = NULL;
        int nnotes = collect_notes(s);
        if (nnotes < 0) {
            nnotes = 0;
            busy = true; /* try again at once */
        }
        struct xs_ring_ops ops = s->ops;
        void *ops_opaque = s->ops_opaque;
        pthread_mutex_unlock(&s->lock);

        for (int i = 0; i < nnotes; i++)
            s->notes[i].fn(s->notes[i].opaque, s->notes[i].domid);
        while (unmap) {
            struct ring_dom *next = unmap->next;
            if (unmap->mapped_by_ops && ops.unmap_ring)
                ops.unmap_ring(ops_opaque, unmap->domid, unmap->page);
            free(unmap);
            unmap = next;
        }
    }
    return NULL;
}

int xs_service_start(struct xs_service *s)
{
    int rc = pthread_create(&s->thread, NULL, service_main, s);
    if (rc)
        return -rc;
    s->started = true;
    return 0;
}

void xs_service_stop_destroy(struct xs_service *s)
{
    if (!s)
        return;
    if (s->started) {
        __atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
        wake(s);
        pthread_join(s->thread, NULL);
    }
    while (s->socks)
        sock_close(s, s->socks);
    for (int i = 0; i < s->nlisteners; i++) {
        close(s->listeners[i].fd);
        unlink(s->paths[i]);
        free(s->paths[i]);
    }
    struct ring_dom *lists[2] = {s->doms, s->unmap_later};
    for (int l = 0; l < 2; l++) {
        struct ring_dom *d = lists[l];
        while (d) {
            struct ring_dom *next = d->next;
            if (d->mapped_by_ops && s->ops.unmap_ring)
                s->ops.unmap_ring(s->ops_opaque, d->domid, d->page);
            free(d);
            d = next;
        }
    }
    xs_store_free(s->st);
    free(s->notes);
    if (s->epfd >= 0)
        close(s->epfd);
    if (s->wake.fd >= 0)
        close(s->wake.fd);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int xs_service_introduce_domain(struct xs_service *s, unsigned domid, void *ring_page,
                                unsigned evtchn_port, xs_notify_guest_fn *notify_guest,
                                void *opaque)
{
    if (!ring_page)
        return -EINVAL;
    pthread_mutex_lock(&s->lock);
    int rc = dom_attach(s, domid, ring_page, notify_guest, opaque, false);
    pthread_mutex_unlock(&s->lock);
    if (!rc)
        wake(s);
    return rc;
}

void xs_service_kick_domain(struct xs_service *s, unsigned domid)
{
    if (domid >= XS_DOMID_FIRST_RESERVED)
        return;
    __atomic_fetch_or(&s->kick_bits[domid / 64], 1ull << (domid % 64), __ATOMIC_ACQ_REL);
    wake(s);
}

int xs_service_release_domain(struct xs_service *s, unsigned domid)
{
    struct ring_dom **link;
    pthread_mutex_lock(&s->lock);
    struct ring_dom *d = find_dom(s, domid, &link);
    if (d)
        *link = d->next;
    int rc = xs_domain_release(s->st, domid);
    struct xs_ring_ops ops = s->ops;
    void *ops_opaque = s->ops_opaque;
    pthread_mutex_unlock(&s->lock);
    if (d) {
        if (d->mapped_by_ops && ops.unmap_ring)
            ops.unmap_ring(ops_opaque, d->domid, d->page);
        free(d);
    }
    wake(s); /* deliver @releaseDomain */
    return rc;
}

void xs_service_domain_exception(struct xs_service *s)
{
    pthread_mutex_lock(&s->lock);
    xs_store_fire_special(s->st, "@releaseDomain");
    pthread_mutex_unlock(&s->lock);
    wake(s);
}

int xs_service_request(struct xs_service *s, uint32_t type, const char *payload, uint32_t len,
                       char *reply, uint32_t reply_max)
{
    struct xsd_sockmsg hdr = {.type = type, .len = len};
    struct xs_conn *c;
    struct xs_msg *m;
    int rc = -EIO;

    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    pthread_mutex_lock(&s->lock);
    c = xs_conn_new(s->st, 0, true);
    if (!c) {
        pthread_mutex_unlock(&s->lock);
        return -ENOMEM;
    }
    xs_conn_request(c, &hdr, payload);
    m = xs_conn_out_peek(c);
    if (m && m->len >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg rh;
        uint32_t n;
        memcpy(&rh, m->data, sizeof(rh));
        n = m->len - (uint32_t)sizeof(rh);
        if (rh.type == XS_ERROR) {
            rc = -EINVAL;
        } else {
            if (reply && reply_max) {
                uint32_t k = n < reply_max - 1 ? n : reply_max - 1;
                memcpy(reply, m->data + sizeof(rh), k);
                reply[k] = 0;
            }
            rc = (int)n;
        }
    }
    xs_conn_free(c);
    pthread_mutex_unlock(&s->lock);
    wake(s); /* watch events for other connections */
    return rc;
}
