/*
 * control.c: the control socket server (see control.h).  One thread runs
 * an epoll loop over the listening socket, the connections and the signal
 * fd; each request is handled to completion under hv_lock.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "domain.h"
#include "hypercall.h"
#include "log.h"
#include "xenstore_glue.h"
#include "xenhv/control.h"

#define MMAPBATCH_MAX (1u << 18) /* frames per request: 1 GiB */

struct conn {
    int fd;
    uid_t uid;
    pid_t pid;
    int region_fd;
    uint8_t *region; /* the daemon's mapping */
    uint64_t base;   /* the client's mapping address; 0 = not yet */
    pthread_t doorbell_thread;
    bool doorbell_running;
    uint32_t doorbell_seen; /* the last request number served */
    int closing;            /* tells the doorbell thread to go */
    uint64_t id;            /* never 0, never reused */
    bool hold;              /* domains it creates are held (XENHV_REQ_HOLD) */
    struct conn *next;
};

static struct conn *conns;
static uint64_t last_conn_id;
static int epoll_fd = -1;

int control_listen(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    unlink(path); /* stale: the run-directory lock says no daemon owns it */
    mode_t old = umask(0177);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
        int err = -errno;
        umask(old);
        close(fd);
        return err;
    }
    umask(old);
    return fd;
}

/* The toolstack's memory: its hypercall-buffer region. */
static int region_check(struct conn *cn, uint64_t addr, size_t len, uint64_t *off)
{
    if (!cn->base || addr < cn->base)
        return -EFAULT;
    *off = addr - cn->base;
    if (*off > XENHV_BUFFER_REGION_SIZE || len > XENHV_BUFFER_REGION_SIZE - *off)
        return -EFAULT;
    return 0;
}

static int region_copy_from(struct hc_caller *c, uint64_t addr, void *buf, size_t len)
{
    struct conn *cn = c->priv;
    uint64_t off;
    int rc = region_check(cn, addr, len, &off);

    if (!rc)
        memcpy(buf, cn->region + off, len);
    return rc;
}

static int region_copy_to(struct hc_caller *c, uint64_t addr, const void *buf, size_t len)
{
    struct conn *cn = c->priv;
    uint64_t off;
    int rc = region_check(cn, addr, len, &off);

    if (!rc)
        memcpy(cn->region + off, buf, len);
    return rc;
}

static void toolstack_caller(struct conn *cn, struct hc_caller *c)
{
    *c = (struct hc_caller){
        .kind = CALLER_TOOLSTACK,
        .d = domain_lookup(0),
        .copy_from = region_copy_from,
        .copy_to = region_copy_to,
        .priv = cn,
        .conn_id = cn->id,
        .hold = cn->hold,
    };
}

static int send_reply(struct conn *cn, int64_t ret, uint64_t value, int fd)
{
    struct xenhv_reply r = {.ret = ret, .value = value};
    struct iovec iov = {.iov_base = &r, .iov_len = sizeof(r)};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

    if (fd >= 0) {
        r.flags = XENHV_REPLY_FD;
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    }
    return sendmsg(cn->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)sizeof(r) ? 0 : -errno;
}

static int handle_hello(struct conn *cn, const struct xenhv_request *rq)
{
    if (rq->u.hello.version != XENHV_PROTO_VERSION)
        return send_reply(cn, -EPROTO, 0, -1);
    if (cn->region_fd < 0) {
        int fd = memfd_create("xenhv-hypercall-buffers", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
            return send_reply(cn, -errno, 0, -1);
        if (ftruncate(fd, XENHV_BUFFER_REGION_SIZE) < 0 ||
            fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
            close(fd);
            return send_reply(cn, -errno, 0, -1);
        }
        void *p = mmap(NULL, XENHV_BUFFER_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            close(fd);
            return send_reply(cn, -ENOMEM, 0, -1);
        }
        cn->region_fd = fd;
        cn->region = p;
    }
    return send_reply(cn, 0, XENHV_BUFFER_REGION_SIZE, cn->region_fd);
}

static int handle_mmapbatch(struct conn *cn, const privcmd_mmapbatch_v2_t *mb)
{
    struct hc_caller c;
    struct domain *d;
    uint64_t arr = (uint64_t)(uintptr_t)mb->arr, errs = (uint64_t)(uintptr_t)mb->err;
    int rc = 0, fd = -1;

    if (mb->num == 0 || mb->num > MMAPBATCH_MAX)
        return send_reply(cn, -EINVAL, 0, -1);
    toolstack_caller(cn, &c);
    pthread_mutex_lock(&hv_lock);
    d = hc_domain(&c, mb->dom);
    if (!d || d->is_privileged) {
        rc = -ESRCH;
        goto out;
    }
    for (unsigned i = 0; i < mb->num && !rc; i++) {
        xen_pfn_t frame;
        int ferr;

        rc = c.copy_from(&c, arr + (uint64_t)i * sizeof(frame), &frame, sizeof(frame));
        if (rc)
            break;
        ferr = guest_ram_mappable(&d->ram, frame) ? 0 : -EINVAL;
        rc = c.copy_to(&c, errs + (uint64_t)i * sizeof(int), &ferr, sizeof(ferr));
    }
    if (!rc) {
        fd = fcntl(d->ram.memfd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
            rc = -errno;
    }
out:
    pthread_mutex_unlock(&hv_lock);
    rc = send_reply(cn, rc, GUEST_MEMFD_FRAMES, fd);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* The requests with nothing but a value to answer (socket or doorbell). */
static long serve_request(struct conn *cn, const struct xenhv_request *rq)
{
    struct hc_caller c;
    long ret;

    switch (rq->ioctl) {
    case IOCTL_PRIVCMD_HYPERCALL:
        toolstack_caller(cn, &c);
        pthread_mutex_lock(&hv_lock);
        ret = hypercall_dispatch(&c, rq->u.hypercall.op, rq->u.hypercall.arg);
        pthread_mutex_unlock(&hv_lock);
        return ret;
    case IOCTL_EVTCHN_NOTIFY:
        pthread_mutex_lock(&hv_lock);
        ret = evtchn_send(domain_lookup(0), rq->u.notify.port);
        pthread_mutex_unlock(&hv_lock);
        return ret;
    default:
        return -ENOTTY;
    }
}

static int handle_ioctl(struct conn *cn, const struct xenhv_request *rq)
{
    if (!cn->base)
        return send_reply(cn, -EINVAL, 0, -1);
    if (rq->ioctl == IOCTL_PRIVCMD_MMAPBATCH_V2)
        return handle_mmapbatch(cn, &rq->u.mmapbatch);
    return send_reply(cn, serve_request(cn, rq), 0, -1);
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* One thread per connection serves its doorbell (see xenhv/control.h).
 * The page is the client's to scribble on: the request is copied out
 * once, and a garbled one gets an error like any other. */
static void *doorbell_serve(void *arg)
{
    struct conn *cn = arg;
    struct xenhv_doorbell *db = (struct xenhv_doorbell *)cn->region;
    uint32_t seen = cn->doorbell_seen;

    while (!__atomic_load_n(&cn->closing, __ATOMIC_ACQUIRE)) {
        uint32_t cur = __atomic_load_n(&db->req_seq, __ATOMIC_ACQUIRE);
        struct xenhv_request rq;
        struct xenhv_reply rp = {0};

        if (cur == seen) {
            struct timespec timeout = {.tv_sec = 1};
            futex(&db->req_seq, FUTEX_WAIT, seen, &timeout);
            continue;
        }
        seen = cur;
        memcpy(&rq, &db->rq, sizeof(rq));
        rp.ret = rq.type == XENHV_REQ_IOCTL ? serve_request(cn, &rq) : -EINVAL;
        memcpy(&db->rp, &rp, sizeof(rp));
        __atomic_store_n(&db->rsp_seq, cur, __ATOMIC_RELEASE);
        futex(&db->rsp_seq, FUTEX_WAKE, 1, NULL);
    }
    return NULL;
}

static int doorbell_start(struct conn *cn)
{
    pthread_attr_t attr;
    int rc;

    if (cn->doorbell_running)
        return 0;
    /* Read before the reply goes out: the client's first request cannot
     * come earlier, so the thread cannot mistake it for an old one. */
    cn->doorbell_seen =
        __atomic_load_n(&((struct xenhv_doorbell *)cn->region)->req_seq, __ATOMIC_ACQUIRE);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    rc = pthread_create(&cn->doorbell_thread, &attr, doorbell_serve, cn);
    pthread_attr_destroy(&attr);
    if (rc)
        return -rc;
    cn->doorbell_running = true;
    return 0;
}

static int handle_hold(struct conn *cn, const struct xenhv_request *rq)
{
    struct domain *d;
    int rc = 0;

    if (rq->u.hold.flags == XENHV_HOLD_CREATES) {
        cn->hold = true;
    } else if (rq->u.hold.flags == XENHV_HOLD_RELEASE) {
        pthread_mutex_lock(&hv_lock);
        d = rq->u.hold.domid < DOMID_FIRST_RESERVED ? domain_lookup((domid_t)rq->u.hold.domid)
                                                    : NULL;
        if (d && d->held_by == cn->id)
            d->held_by = 0;
        else
            rc = -ESRCH;
        pthread_mutex_unlock(&hv_lock);
    } else {
        rc = -EINVAL;
    }
    return send_reply(cn, rc, 0, -1);
}

/* Remove a reaped domain's xenstore entries.  Each node is written before
 * it is removed so that its parent changes: a transaction of the creator
 * still queued on its xenstore connection (it made those nodes) then
 * fails to commit instead of bringing them back. */
static void reap_xenstore(unsigned domid, const xen_domain_handle_t handle)
{
    char dom[48], lx[48], node[64], vm[128];
    const uint8_t *u = handle;
    const char *paths[] = {dom, lx, vm};

    snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
    snprintf(lx, sizeof(lx), "/libxl/%u", domid);
    snprintf(node, sizeof(node), "%s/vm", dom);
    if (xenstore_glue_read(node, vm, sizeof(vm)) || strncmp(vm, "/vm/", 4) || strstr(vm, ".."))
        snprintf(vm, sizeof(vm),
                 "/vm/%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
                 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                 u[14], u[15]);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        xenstore_glue_write(paths[i], "");
        xenstore_glue_rm(paths[i]);
    }
}

/* The connection went away: close the dom0 ports it opened and destroy
 * the domains it was still creating (see XENHV_REQ_HOLD). */
static void conn_reap(struct conn *cn)
{
    unsigned ports;

    pthread_mutex_lock(&hv_lock);
    ports = evtchn_close_conn(domain_lookup(0), cn->id);
    for (;;) {
        struct domain *d = domain_next(1);
        xen_domain_handle_t handle;
        unsigned domid;

        while (d && d->held_by != cn->id)
            d = domain_next((domid_t)(d->domid + 1));
        if (!d || domain_unlink(d))
            break;
        domid = d->domid;
        memcpy(handle, d->handle, sizeof(handle));
        domain_destroy_unlinked(d); /* drops hv_lock meanwhile */
        pthread_mutex_unlock(&hv_lock);
        reap_xenstore(domid, handle); /* not under hv_lock (xenstore_glue.c) */
        log_info("domain %u: its creator (pid %d) went away before it was complete", domid,
                 (int)cn->pid);
        pthread_mutex_lock(&hv_lock);
    }
    pthread_mutex_unlock(&hv_lock);
    if (ports)
        log_info("closed %u event channel(s) of a toolstack connection (pid %d)", ports,
                 (int)cn->pid);
}

static void conn_close(struct conn *cn)
{
    for (struct conn **pp = &conns; *pp; pp = &(*pp)->next) {
        if (*pp == cn) {
            *pp = cn->next;
            break;
        }
    }
    if (cn->doorbell_running) {
        struct xenhv_doorbell *db = (struct xenhv_doorbell *)cn->region;
        /* Closing first, then a changed req_seq: the thread either sees
         * closing or fails to sleep on the old value. */
        __atomic_store_n(&cn->closing, 1, __ATOMIC_RELEASE);
        __atomic_fetch_add(&db->req_seq, 1, __ATOMIC_SEQ_CST);
        futex(&db->req_seq, FUTEX_WAKE, 1, NULL);
        pthread_join(cn->doorbell_thread, NULL);
    }
    conn_reap(cn);
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, cn->fd, NULL);
    close(cn->fd);
    if (cn->region)
        munmap(cn->region, XENHV_BUFFER_REGION_SIZE);
    if (cn->region_fd >= 0)
        close(cn->region_fd);
    free(cn);
}

void control_close_all(void)
{
    while (conns)
        conn_close(conns);
}

/* One request; a connection that breaks the protocol is dropped. */
static void conn_readable(struct conn *cn)
{
    struct xenhv_request rq;
    ssize_t n;
    int rc;

    n = recv(cn->fd, &rq, sizeof(rq), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        conn_close(cn);
        return;
    }
    if (n != (ssize_t)sizeof(rq)) {
        rc = send_reply(cn, -EINVAL, 0, -1);
    } else {
        switch (rq.type) {
        case XENHV_REQ_HELLO:
            rc = handle_hello(cn, &rq);
            break;
        case XENHV_REQ_REGION: {
            int ready;
            cn->base = cn->region ? rq.u.region.base : 0;
            if (cn->base && cn->base > UINT64_MAX - XENHV_BUFFER_REGION_SIZE)
                cn->base = 0;
            ready = cn->base ? doorbell_start(cn) : -EINVAL;
            rc = send_reply(cn, cn->base ? 0 : -EINVAL, ready ? 0 : XENHV_REGION_DOORBELL, -1);
            break;
        }
        case XENHV_REQ_IOCTL:
            rc = handle_ioctl(cn, &rq);
            break;
        case XENHV_REQ_HOLD:
            rc = handle_hold(cn, &rq);
            break;
        default:
            rc = send_reply(cn, -EINVAL, 0, -1);
        }
    }
    if (rc)
        conn_close(cn);
}

static void accept_one(int lfd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    struct conn *cn;
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE) {
            /* Out of fds: the listening socket stays readable, so do not
             * spin on it; serve the others and try again shortly. */
            log_warn("cannot accept a control connection: %s", strerror(errno));
            usleep(10000);
        }
        return;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
        (cred.uid != 0 && cred.uid != geteuid())) {
        log_warn("refused a control connection from uid %d", (int)cred.uid);
        close(fd);
        return;
    }
    cn = calloc(1, sizeof(*cn));
    if (!cn) {
        close(fd);
        return;
    }
    cn->fd = fd;
    cn->uid = cred.uid;
    cn->pid = cred.pid;
    cn->region_fd = -1;
    cn->id = ++last_conn_id;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = cn};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        free(cn);
        return;
    }
    cn->next = conns;
    conns = cn;
}

int control_run(int listen_fd, int signal_fd)
{
    static char listen_tag, signal_tag;
    struct epoll_event ev;

    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0)
        return -errno;
    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &listen_tag};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &signal_tag};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, signal_fd, &ev);

    for (;;) {
        struct epoll_event evs[32];
        int n = epoll_wait(epoll_fd, evs, 32, -1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == &listen_tag) {
                accept_one(listen_fd);
            } else if (evs[i].data.ptr == &signal_tag) {
                struct signalfd_siginfo si;
                if (read(signal_fd, &si, sizeof(si)) == sizeof(si))
                    return (int)si.ssi_signo;
            } else {
                struct conn *cn = evs[i].data.ptr;
                /* A connection closed earlier in this batch is gone from
                 * the list: look it up before use. */
                struct conn *it;
                for (it = conns; it && it != cn; it = it->next)
                    ;
                if (it)
                    conn_readable(cn);
            }
        }
    }
}
