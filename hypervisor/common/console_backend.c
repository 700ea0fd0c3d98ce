/*
 * console_backend.c: the console backend (see console_backend.h).  The
 * guest's PV console ring (struct xencons_interface) is drained into the
 * log and a pty; input from the pty goes into the ring's input half.  The
 * daemon keeps the pty's slave side open so that output written before a
 * client attaches is kept (up to the pty's buffer) rather than lost, and
 * a client leaving never makes the master hang up.  A guest's output is
 * never blocked by a slow or absent reader: past PTY_BACKLOG bytes
 * waiting for the pty, the oldest are dropped (the log has everything).
 *
 * Locks: hv_lock, then cb_lock.  The thread takes hv_lock only to notify
 * a guest, never while holding cb_lock.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "console_backend.h"
#include "domain.h"
#include "evtchn.h"
#include "log.h"
#include "public/io/console.h"
#include "xenstore_glue.h"

#define PTY_BACKLOG (64u * 1024)
#define MAX_CONS    (DOMID_FIRST_RESERVED)

struct pty {
    int master, slave;
    uint8_t *buf; /* waiting for the pty */
    size_t len;
};

struct cons {
    unsigned domid;
    struct xencons_interface *ring; /* NULL: serial only */
    evtchn_port_t local_port;       /* dom0's end */
    int log_fd;
    struct pty pv, serial;
    bool has_serial;
    console_serial_in_fn *serial_in;
    void *opaque;
    bool notify; /* the guest wants a notification back */
    struct cons *next;
};

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cons *cons_list;
static int cb_wake_fd = -1;
static pthread_t cb_thread;
static bool cb_started, cb_stop;
static char *cb_logdir;

static void wake_thread(void)
{
    uint64_t one = 1;
    ssize_t w = write(cb_wake_fd, &one, sizeof(one));
    (void)w;
}

static struct cons *find(unsigned domid)
{
    for (struct cons *c = cons_list; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

static int pty_open(struct pty *p, char *name, size_t max)
{
    struct termios t;

    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p->master < 0)
        return -errno;
    if (grantpt(p->master) || unlockpt(p->master) || ptsname_r(p->master, name, max))
        goto fail;
    p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->slave < 0)
        goto fail;
    if (tcgetattr(p->slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(p->slave, TCSANOW, &t);
    }
    p->buf = malloc(PTY_BACKLOG);
    if (!p->buf)
        goto fail;
    return 0;
fail:
    if (p->slave >= 0)
        close(p->slave);
    close(p->master);
    p->master = p->slave = -1;
    return -EIO;
}

static void pty_close(struct pty *p)
{
    if (p->master >= 0)
        close(p->master);
    if (p->slave >= 0)
        close(p->slave);
    free(p->buf);
    p->master = p->slave = -1;
    p->buf = NULL;
}

static void pty_queue(struct pty *p, const uint8_t *b, size_t n)
{
    if (n >= PTY_BACKLOG) {
        b += n - PTY_BACKLOG;
        n = PTY_BACKLOG;
    }
    if (p->len + n > PTY_BACKLOG) {
        size_t drop = p->len + n - PTY_BACKLOG;
        memmove(p->buf, p->buf + drop, p->len - drop);
        p->len -= drop;
    }
    memcpy(p->buf + p->len, b, n);
    p->len += n;
}

static void pty_flush(struct pty *p)
{
    while (p->len) {
        ssize_t w = write(p->master, p->buf, p->len);
        if (w <= 0)
            return;
        memmove(p->buf, p->buf + w, p->len - (size_t)w);
        p->len -= (size_t)w;
    }
}

static void log_out(struct cons *c, const uint8_t *b, size_t n)
{
    if (c->log_fd >= 0 && write(c->log_fd, b, n) < 0)
        c->log_fd = c->log_fd; /* a full disk loses log lines, never the guest */
}

/* Drain the ring's output half (cb_lock held). */
static void drain(struct cons *c)
{
    struct xencons_interface *r = c->ring;
    uint8_t tmp[sizeof(r->out)];
    XENCONS_RING_IDX cons, prod;
    size_t n = 0;

    if (!r)
        return;
    cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
    prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > sizeof(r->out)) /* a hostile producer: take nothing */
        cons = prod;
    while (cons != prod)
        tmp[n++] = (uint8_t)r->out[MASK_XENCONS_IDX(cons++, r->out)];
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    if (n) {
        log_out(c, tmp, n);
        pty_queue(&c->pv, tmp, n);
        c->notify = true;
    }
}

/* Pty input into the ring's input half (cb_lock held). */
static void feed(struct cons *c)
{
    struct xencons_interface *r = c->ring;
    uint8_t tmp[sizeof(r->in)];
    XENCONS_RING_IDX cons, prod;
    size_t space;
    ssize_t n;

    if (!r)
        return;
    cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    prod = r->in_prod;
    if (prod - cons > sizeof(r->in))
        return;
    space = sizeof(r->in) - (prod - cons);
    if (!space)
        return;
    n = read(c->pv.master, tmp, space);
    if (n <= 0)
        return;
    for (ssize_t i = 0; i < n; i++)
        r->in[MASK_XENCONS_IDX(prod++, r->in)] = (char)tmp[i];
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    c->notify = true;
}

static void *cb_main(void *arg)
{
    struct pollfd *pfd = NULL;
    struct cons **who = NULL;
    size_t cap = 0;

    for (;;) {
        size_t n = 1;
        evtchn_port_t notify[64];
        unsigned notify_dom[64], nn = 0;

        pthread_mutex_lock(&cb_lock);
        if (cb_stop) {
            pthread_mutex_unlock(&cb_lock);
            break;
        }
        for (struct cons *c = cons_list; c; c = c->next) {
            drain(c);
            pty_flush(&c->pv);
            if (c->has_serial)
                pty_flush(&c->serial);
            if (c->notify && nn < 64) {
                notify[nn] = c->local_port;
                notify_dom[nn++] = c->domid;
                c->notify = false;
            }
        }
        size_t want = 1;
        for (struct cons *c = cons_list; c; c = c->next)
            want += 2;
        if (want > cap) {
            struct pollfd *np = realloc(pfd, want * sizeof(*pfd));
            struct cons **nw = np ? realloc(who, want * sizeof(*who)) : NULL;
            if (np)
                pfd = np;
            if (nw)
                who = nw;
            if (np && nw)
                cap = want;
        }
        pfd[0] = (struct pollfd){.fd = cb_wake_fd, .events = POLLIN};
        for (struct cons *c = cons_list; c && n + 2 <= cap; c = c->next) {
            if (c->ring) {
                who[n] = c;
                pfd[n++] = (struct pollfd){.fd = c->pv.master,
                                           .events = POLLIN | (c->pv.len ? POLLOUT : 0)};
            }
            if (c->has_serial) {
                who[n] = c;
                pfd[n++] = (struct pollfd){.fd = c->serial.master,
                                           .events = POLLIN | (c->serial.len ? POLLOUT : 0)};
            }
        }
        pthread_mutex_unlock(&cb_lock);

        if (nn) {
            pthread_mutex_lock(&hv_lock);
            struct domain *dom0 = domain_lookup(0);
            for (unsigned i = 0; i < nn; i++) {
                struct domain *d = domain_lookup((domid_t)notify_dom[i]);
                if (d && !d->dying && dom0)
                    evtchn_send(dom0, notify[i]);
            }
            pthread_mutex_unlock(&hv_lock);
        }

        if (poll(pfd, n, -1) < 0)
            continue;
        if (pfd[0].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(cb_wake_fd, &v, sizeof(v));
            (void)r;
        }
        pthread_mutex_lock(&cb_lock);
        for (size_t i = 1; i < n; i++) {
            if (!(pfd[i].revents & POLLIN))
                continue;
            struct cons *c = who[i];
            bool still = false;
            for (struct cons *k = cons_list; k; k = k->next)
                still |= k == c;
            if (!still)
                continue;
            if (c->ring && pfd[i].fd == c->pv.master) {
                feed(c);
            } else if (c->has_serial && pfd[i].fd == c->serial.master && c->serial_in) {
                uint8_t tmp[256];
                ssize_t r = read(c->serial.master, tmp, sizeof(tmp));
                if (r > 0)
                    c->serial_in(c->opaque, tmp, (size_t)r);
            }
        }
        pthread_mutex_unlock(&cb_lock);
    }
    free(pfd);
    free(who);
    return NULL;
}

int console_backend_start(const char *rundir)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/console", rundir);
    cb_logdir = strdup(path); /* made with the first log */
    cb_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (!cb_logdir || cb_wake_fd < 0)
        return -ENOMEM;
    int rc = pthread_create(&cb_thread, NULL, cb_main, NULL);
    if (rc)
        return -rc;
    cb_started = true;
    return 0;
}

void console_backend_stop(void)
{
    if (cb_started) {
        pthread_mutex_lock(&cb_lock);
        cb_stop = true;
        pthread_mutex_unlock(&cb_lock);
        wake_thread();
        pthread_join(cb_thread, NULL);
        cb_started = false;
    }
    while (cons_list) {
        struct cons *c = cons_list;
        cons_list = c->next;
        pty_close(&c->pv);
        pty_close(&c->serial);
        if (c->ring)
            guest_ram_unmap(c->ring, 1);
        if (c->log_fd >= 0)
            close(c->log_fd);
        free(c);
    }
    if (cb_wake_fd >= 0)
        close(cb_wake_fd);
    cb_wake_fd = -1;
    if (cb_logdir)
        rmdir(cb_logdir); /* only when no guest left a log */
    free(cb_logdir);
    cb_logdir = NULL;
}

static void guest_event(void *opaque, struct domain *dom0, evtchn_port_t port)
{
    wake_thread();
}

int console_backend_attach(struct domain *d, uint64_t ring_gfn, evtchn_port_t port,
                           console_serial_in_fn *serial_in, void *opaque)
{
    char node[128], tty[128], name[128] = "", logp[4096];
    struct domain *dom0 = domain_lookup(0);
    struct cons *c;
    int rc;

    if (!cb_started || !dom0)
        return -ENODEV;
    if (!guest_ram_populated(&d->ram, ring_gfn))
        return -EINVAL;
    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->domid = d->domid;
    c->pv.master = c->pv.slave = c->serial.master = c->serial.slave = -1;
    c->log_fd = -1;
    c->serial_in = serial_in;
    c->opaque = opaque;
    c->ring = guest_ram_map(&d->ram, ring_gfn, 1);
    if (!c->ring) {
        rc = -ENOMEM;
        goto fail;
    }
    rc = evtchn_bind_interdomain(dom0, d->domid, port, &c->local_port);
    if (rc)
        goto fail;
    evtchn_set_handler(dom0, c->local_port, guest_event, NULL);
    rc = pty_open(&c->pv, tty, sizeof(tty));
    if (rc)
        goto fail;
    snprintf(node, sizeof(node), "/local/domain/%u/console/tty", d->domid);
    xenstore_glue_write(node, tty);
    if (serial_in) {
        rc = pty_open(&c->serial, tty, sizeof(tty));
        if (rc)
            goto fail;
        c->has_serial = true;
        snprintf(node, sizeof(node), "/local/domain/%u/serial/0/tty", d->domid);
        xenstore_glue_write(node, tty);
    }
    snprintf(node, sizeof(node), "/local/domain/%u/name", d->domid);
    if (xenstore_glue_read(node, name, sizeof(name)) || !name[0] || strchr(name, '/'))
        snprintf(name, sizeof(name), "dom%u", d->domid);
    if (mkdir(cb_logdir, 0700) && errno != EEXIST)
        log_warn("%s: %s", cb_logdir, strerror(errno));
    snprintf(logp, sizeof(logp), "%s/guest-%s.log", cb_logdir, name);
    c->log_fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    pthread_mutex_lock(&cb_lock);
    c->next = cons_list;
    cons_list = c;
    pthread_mutex_unlock(&cb_lock);
    wake_thread();
    return 0;
fail:
    if (c->local_port)
        evtchn_close(dom0, c->local_port);
    if (c->ring)
        guest_ram_unmap(c->ring, 1);
    pty_close(&c->pv);
    pty_close(&c->serial);
    free(c);
    return rc;
}

int console_backend_rebind(struct domain *d, evtchn_port_t port)
{
    struct domain *dom0 = domain_lookup(0);
    evtchn_port_t local, old;
    struct cons *c;
    int rc;

    struct evtchn_status st;

    pthread_mutex_lock(&cb_lock);
    c = find(d->domid);
    bool have = c && c->ring;
    old = have ? c->local_port : 0;
    pthread_mutex_unlock(&cb_lock);
    if (!have || !dom0)
        return 0; /* no console yet: attach binds it */
    if (old && !evtchn_status(dom0, old, &st) && st.status == EVTCHNSTAT_interdomain &&
        st.u.interdomain.dom == d->domid && st.u.interdomain.port == port)
        return 0; /* already connected to it */
    rc = evtchn_bind_interdomain(dom0, d->domid, port, &local);
    if (rc)
        return rc;
    evtchn_set_handler(dom0, local, guest_event, NULL);
    pthread_mutex_lock(&cb_lock);
    c = find(d->domid);
    old = c ? c->local_port : 0;
    if (c) {
        c->local_port = local;
        c->notify = false;
    }
    pthread_mutex_unlock(&cb_lock);
    if (old)
        evtchn_close(dom0, old);
    if (!c)
        evtchn_close(dom0, local);
    wake_thread();
    return 0;
}

void console_backend_serial_out(unsigned domid, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&cb_lock);
    struct cons *c = find(domid);
    if (c && c->has_serial) {
        log_out(c, buf, len);
        pty_queue(&c->serial, buf, len);
        pty_flush(&c->serial);
    }
    pthread_mutex_unlock(&cb_lock);
}

void console_backend_detach(unsigned domid)
{
    struct cons *c = NULL;

    pthread_mutex_lock(&cb_lock);
    for (struct cons **pp = &cons_list; *pp; pp = &(*pp)->next)
        if ((*pp)->domid == domid) {
            c = *pp;
            *pp = c->next;
            break;
        }
    if (c)
        drain(c); /* the guest's last words go to the log */
    pthread_mutex_unlock(&cb_lock);
    if (!c)
        return;
    pthread_mutex_lock(&hv_lock);
    struct domain *dom0 = domain_lookup(0);
    if (dom0 && c->local_port)
        evtchn_close(dom0, c->local_port);
    pthread_mutex_unlock(&hv_lock);
    pty_close(&c->pv);
    pty_close(&c->serial);
    if (c->ring)
        guest_ram_unmap(c->ring, 1);
    if (c->log_fd >= 0)
        close(c->log_fd);
    free(c);
}
