/*
 * libxl_xs.c: libxl's xenstore client: XenStore wire messages over the
 * daemon's socket, one request at a time, watch events queued; or, in a
 * batch, requests without an answer queued and sent together.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libxl_xs.h"
#include "public/io/xs_wire.h"

#define XS_PAYLOAD_MAX 4096

struct xs_event {
    struct xs_event *next;
    char *path, *token;
};

struct libxl__xs {
    int fd;
    uint32_t req_id;
    pthread_mutex_t lock;
    struct xs_event *events, **events_tail;
    /* A batch (libxl__xs_batch_begin): its thread's reply-less requests,
     * whole messages, sent by libxl__xs_batch_end. */
    bool batching;
    pthread_t batch_owner;
    char *batch;
    size_t batch_len, batch_cap;
    unsigned batch_n;
    int batch_err; /* a request that could not be queued */
};

/* The error names of an XS_ERROR reply. */
static const struct {
    const char *name;
    int err;
} xs_errors[] = {
    {"EINVAL", EINVAL},       {"EACCES", EACCES},   {"EEXIST", EEXIST}, {"EISDIR", EISDIR},
    {"ENOENT", ENOENT},       {"ENOMEM", ENOMEM},   {"ENOSPC", ENOSPC}, {"EIO", EIO},
    {"ENOTEMPTY", ENOTEMPTY}, {"ENOSYS", ENOSYS},   {"EROFS", EROFS},   {"EBUSY", EBUSY},
    {"EAGAIN", EAGAIN},       {"EISCONN", EISCONN}, {"E2BIG", E2BIG},   {"EPERM", EPERM},
    {"EQUOTA", EDQUOT},
};

static int xs_error_value(const char *s)
{
    for (size_t i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
        if (!strcmp(s, xs_errors[i].name))
            return -xs_errors[i].err;
    return -EIO;
}

int libxl__xs_open(const char *socket_path, libxl__xs **out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    libxl__xs *xs;

    if (strlen(socket_path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, socket_path);
    xs = calloc(1, sizeof(*xs));
    if (!xs)
        return -ENOMEM;
    xs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (xs->fd < 0 || connect(xs->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = -errno;
        if (xs->fd >= 0)
            close(xs->fd);
        free(xs);
        return e;
    }
    pthread_mutex_init(&xs->lock, NULL);
    xs->events_tail = &xs->events;
    *out = xs;
    return 0;
}

void libxl__xs_close(libxl__xs *xs)
{
    if (!xs)
        return;
    close(xs->fd);
    while (xs->events) {
        struct xs_event *e = xs->events;
        xs->events = e->next;
        free(e->path);
        free(e->token);
        free(e);
    }
    pthread_mutex_destroy(&xs->lock);
    free(xs->batch);
    free(xs);
}

int libxl__xs_fd(const libxl__xs *xs)
{
    return xs->fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -ECONNRESET;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One message off the socket: *body malloc'd with a NUL after len bytes. */
static int read_msg(libxl__xs *xs, struct xsd_sockmsg *hdr, char **body)
{
    int rc = read_all(xs->fd, hdr, sizeof(*hdr));
    if (rc)
        return rc;
    if (hdr->len > XS_PAYLOAD_MAX)
        return -EIO;
    *body = malloc(hdr->len + 1);
    if (!*body)
        return -ENOMEM;
    rc = read_all(xs->fd, *body, hdr->len);
    if (rc) {
        free(*body);
        return rc;
    }
    (*body)[hdr->len] = 0;
    return 0;
}

/* Queue a watch event's payload ("path\0token\0"). */
static void queue_event(libxl__xs *xs, char *body, uint32_t len)
{
    size_t plen = strnlen(body, len);
    struct xs_event *e;

    if (plen >= len)
        return;
    e = calloc(1, sizeof(*e));
    if (!e)
        return;
    e->path = strdup(body);
    e->token = strdup(body + plen + 1);
    if (!e->path || !e->token) {
        free(e->path);
        free(e->token);
        free(e);
        return;
    }
    *xs->events_tail = e;
    xs->events_tail = &e->next;
}

/* The next reply off the socket, the watch events before it queued. */
static int read_reply(libxl__xs *xs, struct xsd_sockmsg *hdr, char **body)
{
    for (;;) {
        int rc = read_msg(xs, hdr, body);
        if (rc || hdr->type != XS_WATCH_EVENT)
            return rc;
        queue_event(xs, *body, hdr->len);
        free(*body);
    }
}

/* A reply-less request of the batch's thread: queued, answered by
 * libxl__xs_batch_end (which reports its error). */
static int batch_queue(libxl__xs *xs, struct xsd_sockmsg *hdr, char *msg, size_t len)
{
    if (xs->batch_len + len > xs->batch_cap) {
        size_t cap = xs->batch_cap ? xs->batch_cap : 8192;
        char *n;
        while (cap < xs->batch_len + len)
            cap *= 2;
        n = realloc(xs->batch, cap);
        if (!n) {
            if (!xs->batch_err)
                xs->batch_err = -ENOMEM;
            return 0;
        }
        xs->batch = n;
        xs->batch_cap = cap;
    }
    pthread_mutex_lock(&xs->lock);
    hdr->req_id = ++xs->req_id;
    pthread_mutex_unlock(&xs->lock);
    hdr->len = (uint32_t)(len - sizeof(*hdr));
    memcpy(msg, hdr, sizeof(*hdr));
    memcpy(xs->batch + xs->batch_len, msg, len);
    xs->batch_len += len;
    xs->batch_n++;
    return 0;
}

void libxl__xs_batch_begin(libxl__xs *xs)
{
    xs->batch_owner = pthread_self();
    xs->batch_len = 0;
    xs->batch_n = 0;
    xs->batch_err = 0;
    xs->batching = true;
}

int libxl__xs_batch_end(libxl__xs *xs)
{
    int rc, first = 0;

    xs->batching = false;
    pthread_mutex_lock(&xs->lock);
    rc = xs->batch_n ? write_all(xs->fd, xs->batch, xs->batch_len) : 0;
    /* The replies come in order, watch events in between. */
    for (unsigned done = 0; !rc && done < xs->batch_n; done++) {
        struct xsd_sockmsg rh;
        char *body;
        rc = read_reply(xs, &rh, &body);
        if (rc)
            break;
        if (rh.type == XS_ERROR && !first)
            first = xs_error_value(body);
        free(body);
    }
    pthread_mutex_unlock(&xs->lock);
    xs->batch_len = 0;
    xs->batch_n = 0;
    if (rc)
        return rc;
    return xs->batch_err ? xs->batch_err : first;
}

/* Send a request of parts (each with its NUL when nul[i]) and wait for its
 * reply; *reply (may be NULL) gets the malloc'd payload. */
static int request(libxl__xs *xs, uint32_t type, libxl__xs_tx tx, const char *const *parts,
                   const unsigned *lens, unsigned nparts, char **reply, uint32_t *reply_len)
{
    struct xsd_sockmsg hdr = {.type = type, .tx_id = tx};
    char buf[sizeof(hdr) + XS_PAYLOAD_MAX];
    size_t off = sizeof(hdr);
    int rc;

    for (unsigned i = 0; i < nparts; i++) {
        if (lens[i] > XS_PAYLOAD_MAX - (off - sizeof(hdr)))
            return -E2BIG;
        memcpy(buf + off, parts[i], lens[i]);
        off += lens[i];
    }
    if (!reply && !reply_len && xs->batching && pthread_equal(xs->batch_owner, pthread_self()))
        return batch_queue(xs, &hdr, buf, off);
    pthread_mutex_lock(&xs->lock);
    hdr.req_id = ++xs->req_id;
    hdr.len = (uint32_t)(off - sizeof(hdr));
    memcpy(buf, &hdr, sizeof(hdr));
    rc = write_all(xs->fd, buf, off);
    if (!rc) {
        struct xsd_sockmsg rh;
        char *body;
        rc = read_reply(xs, &rh, &body);
        if (!rc && rh.type == XS_ERROR) {
            rc = xs_error_value(body);
            free(body);
        } else if (!rc) {
            if (reply_len)
                *reply_len = rh.len;
            if (reply)
                *reply = body;
            else
                free(body);
        }
    }
    pthread_mutex_unlock(&xs->lock);
    return rc;
}

static int request_path(libxl__xs *xs, uint32_t type, libxl__xs_tx tx, const char *path,
                        char **reply, uint32_t *reply_len)
{
    const char *parts[] = {path};
    unsigned lens[] = {(unsigned)strlen(path) + 1};
    return request(xs, type, tx, parts, lens, 1, reply, reply_len);
}

int libxl__xs_read(libxl__xs *xs, libxl__xs_tx tx, const char *path, char **val)
{
    return request_path(xs, XS_READ, tx, path, val, NULL);
}

int libxl__xs_write(libxl__xs *xs, libxl__xs_tx tx, const char *path, const char *val)
{
    const char *parts[] = {path, val};
    unsigned lens[] = {(unsigned)strlen(path) + 1, (unsigned)strlen(val)};
    return request(xs, XS_WRITE, tx, parts, lens, 2, NULL, NULL);
}

int libxl__xs_printf(libxl__xs *xs, libxl__xs_tx tx, const char *path, const char *fmt, ...)
{
    char val[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(val))
        return -E2BIG;
    return libxl__xs_write(xs, tx, path, val);
}

int libxl__xs_mkdir(libxl__xs *xs, libxl__xs_tx tx, const char *path)
{
    return request_path(xs, XS_MKDIR, tx, path, NULL, NULL);
}

int libxl__xs_mknod(libxl__xs *xs, libxl__xs_tx tx, const char *path, unsigned owner, int reader)
{
    char o[16], r[16];
    const char *perms[2] = {o, r};
    int rc = libxl__xs_write(xs, tx, path, "");

    snprintf(o, sizeof(o), "n%u", owner);
    snprintf(r, sizeof(r), "r%d", reader);
    return rc ? rc : libxl__xs_set_perms(xs, tx, path, perms, reader < 0 ? 1 : 2);
}

int libxl__xs_rm(libxl__xs *xs, libxl__xs_tx tx, const char *path)
{
    return request_path(xs, XS_RM, tx, path, NULL, NULL);
}

void libxl__xs_free_list(char **names)
{
    if (!names)
        return;
    for (char **p = names; *p; p++)
        free(*p);
    free(names);
}

int libxl__xs_directory(libxl__xs *xs, libxl__xs_tx tx, const char *path, char ***names,
                        unsigned *n)
{
    char *body = NULL;
    uint32_t len = 0;
    unsigned count = 0, i = 0;
    char **list;
    int rc = request_path(xs, XS_DIRECTORY, tx, path, &body, &len);

    if (rc)
        return rc;
    for (uint32_t k = 0; k < len; k++)
        if (!body[k])
            count++;
    list = calloc(count + 1, sizeof(*list));
    if (!list) {
        free(body);
        return -ENOMEM;
    }
    for (uint32_t k = 0; k < len && i < count; i++) {
        list[i] = strdup(body + k);
        if (!list[i]) {
            libxl__xs_free_list(list);
            free(body);
            return -ENOMEM;
        }
        k += (uint32_t)strlen(body + k) + 1;
    }
    free(body);
    *names = list;
    if (n)
        *n = i;
    return 0;
}

int libxl__xs_set_perms(libxl__xs *xs, libxl__xs_tx tx, const char *path, const char *const *perms,
                        unsigned count)
{
    const char *parts[16];
    unsigned lens[16];

    if (count + 1 > 16)
        return -E2BIG;
    parts[0] = path;
    lens[0] = (unsigned)strlen(path) + 1;
    for (unsigned i = 0; i < count; i++) {
        parts[i + 1] = perms[i];
        lens[i + 1] = (unsigned)strlen(perms[i]) + 1;
    }
    return request(xs, XS_SET_PERMS, tx, parts, lens, count + 1, NULL, NULL);
}

int libxl__xs_transaction_start(libxl__xs *xs, libxl__xs_tx *tx)
{
    char *body = NULL;
    int rc = request_path(xs, XS_TRANSACTION_START, 0, "", &body, NULL);

    if (rc)
        return rc;
    *tx = (libxl__xs_tx)strtoul(body, NULL, 10);
    free(body);
    return *tx ? 0 : -EIO;
}

int libxl__xs_transaction_end(libxl__xs *xs, libxl__xs_tx tx, bool abort)
{
    return request_path(xs, XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, NULL);
}

int libxl__xs_watch(libxl__xs *xs, const char *path, const char *token)
{
    const char *parts[] = {path, token};
    unsigned lens[] = {(unsigned)strlen(path) + 1, (unsigned)strlen(token) + 1};
    return request(xs, XS_WATCH, 0, parts, lens, 2, NULL, NULL);
}

int libxl__xs_unwatch(libxl__xs *xs, const char *path, const char *token)
{
    const char *parts[] = {path, token};
    unsigned lens[] = {(unsigned)strlen(path) + 1, (unsigned)strlen(token) + 1};
    return request(xs, XS_UNWATCH, 0, parts, lens, 2, NULL, NULL);
}

int libxl__xs_read_watch(libxl__xs *xs, bool block, char **path, char **token)
{
    int rc = 0;

    pthread_mutex_lock(&xs->lock);
    while (!xs->events) {
        struct pollfd pfd = {.fd = xs->fd, .events = POLLIN};
        struct xsd_sockmsg rh;
        char *body;
        int n = poll(&pfd, 1, block ? -1 : 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : -EAGAIN;
            break;
        }
        rc = read_msg(xs, &rh, &body);
        if (rc)
            break;
        if (rh.type == XS_WATCH_EVENT)
            queue_event(xs, body, rh.len);
        free(body); /* a stray reply: nobody waits for it */
    }
    if (!rc && xs->events) {
        struct xs_event *e = xs->events;
        xs->events = e->next;
        if (!xs->events)
            xs->events_tail = &xs->events;
        *path = e->path;
        *token = e->token;
        free(e);
    }
    pthread_mutex_unlock(&xs->lock);
    return rc;
}

int libxl__xs_introduce(libxl__xs *xs, uint32_t domid, uint64_t store_gfn, uint32_t port)
{
    char d[16], g[24], p[16];
    snprintf(d, sizeof(d), "%u", domid);
    snprintf(g, sizeof(g), "%llu", (unsigned long long)store_gfn);
    snprintf(p, sizeof(p), "%u", port);
    const char *parts[] = {d, g, p};
    unsigned lens[] = {(unsigned)strlen(d) + 1, (unsigned)strlen(g) + 1, (unsigned)strlen(p) + 1};
    return request(xs, XS_INTRODUCE, 0, parts, lens, 3, NULL, NULL);
}

int libxl__xs_release(libxl__xs *xs, uint32_t domid)
{
    char d[16];
    snprintf(d, sizeof(d), "%u", domid);
    return request_path(xs, XS_RELEASE, 0, d, NULL, NULL);
}
