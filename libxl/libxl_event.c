/*
 * libxl_event.c: events for a management daemon: domain shutdown and
 * death found by re-reading domain state whenever xenstore fires
 * @releaseDomain (on its own connection), completed asynchronous
 * operations, a queue the application takes events from (or callbacks it
 * registered), and the application's poll loop hooks for libxl's fd and
 * timeouts.
 *
 * Timeouts follow libxl 4.17's contract: libxl registers one with an
 * absolute time (gettimeofday's clock); the application calls
 * libxl_osevent_occurred_timeout once when it is reached, after which the
 * registration is gone.  libxl cancels one by timeout_modify to {0,0}
 * ("now") and ignores that firing, so a firing already on its way cannot
 * reach freed state; timeout_deregister is called only from
 * libxl_ctx_free, for one still registered.  libxl needs one timeout: with
 * the application's loop, watched domains are re-read every RECHECK_MS
 * (libxl_event_wait does the same by itself), so an @releaseDomain firing
 * that raced with the state change it announces cannot leave the
 * application waiting for ever.
 */
#include <sys/time.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_internal.h"

#define DEATH_TOKEN "libxl-domain-death"
#define RECHECK_MS  1000

struct libxl__evgen_domain_death {
    struct libxl__evgen_domain_death *next;
    uint32_t domid;
    uint64_t user;
    bool shutdown_reported, death_reported;
};

struct libxl__pending_event {
    struct libxl__pending_event *next;
    libxl_event *ev;
};

static const char *const event_names[] = {
    [LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN] = "domain_shutdown",
    [LIBXL_EVENT_TYPE_DOMAIN_DEATH] = "domain_death",
    [LIBXL_EVENT_TYPE_DISK_EJECT] = "disk_eject",
    [LIBXL_EVENT_TYPE_OPERATION_COMPLETE] = "operation_complete",
    [LIBXL_EVENT_TYPE_DOMAIN_CREATE_CONSOLE_AVAILABLE] = "domain_create_console_available",
};

const char *libxl_event_type_to_string(libxl_event_type t)
{
    if ((unsigned)t < sizeof(event_names) / sizeof(event_names[0]) && event_names[t])
        return event_names[t];
    return NULL;
}

void libxl_event_free(libxl_ctx *ctx, libxl_event *event)
{
    (void)ctx;
    free(event);
}

/* Deliver ev: to the registered callback if it wants it, else queue.
 * Called with ctx->lock held; the callback runs after it is dropped by
 * the caller through flush_callbacks. */
static void event_post(libxl_ctx *ctx, libxl_event *ev)
{
    struct libxl__pending_event *p = calloc(1, sizeof(*p));

    if (!p) {
        free(ev);
        return;
    }
    p->ev = ev;
    *ctx->pending_tail = p;
    ctx->pending_tail = &p->next;
}

static libxl_event *event_new(libxl_event_type type, uint32_t domid, uint64_t user)
{
    libxl_event *ev = calloc(1, sizeof(*ev));
    if (ev) {
        ev->type = type;
        ev->domid = domid;
        ev->for_user = user;
    }
    return ev;
}

/* Re-read the state of every watched domain (ctx->lock held). */
static void check_domains(libxl_ctx *ctx)
{
    for (struct libxl__evgen_domain_death *w = ctx->watches; w; w = w->next) {
        struct xen_domctl_getdomaininfo info;
        int rc;

        if (w->death_reported)
            continue;
        rc = libxl__domain_getinfo(ctx, w->domid, &info);
        if (rc == ERROR_DOMAIN_NOTFOUND || (!rc && (info.flags & XEN_DOMINF_dying))) {
            libxl_event *ev = event_new(LIBXL_EVENT_TYPE_DOMAIN_DEATH, w->domid, w->user);
            w->death_reported = true;
            if (ev)
                event_post(ctx, ev);
            continue;
        }
        if (!rc && (info.flags & XEN_DOMINF_shutdown) && !w->shutdown_reported) {
            libxl_event *ev = event_new(LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN, w->domid, w->user);
            w->shutdown_reported = true;
            if (ev) {
                ev->u.domain_shutdown.shutdown_reason =
                    (uint8_t)((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
                event_post(ctx, ev);
            }
        } else if (!rc && !(info.flags & XEN_DOMINF_shutdown)) {
            w->shutdown_reported = false; /* e.g. after a soft reset */
        }
    }
}

/* Read the watch events there are (block: wait for at least one). */
static int drain_watches(libxl_ctx *ctx, bool block)
{
    char *path, *token;
    bool any = false;
    int rc;

    if (!ctx->ev_xs)
        return ERROR_INVAL;
    while ((rc = libxl__xs_read_watch(ctx->ev_xs, block && !any, &path, &token)) == 0) {
        free(path);
        free(token);
        any = true;
    }
    if (rc != -EAGAIN && rc != 0)
        return ERROR_FAIL; /* xenstore went away */
    if (any) {
        pthread_mutex_lock(&ctx->lock);
        check_domains(ctx);
        pthread_mutex_unlock(&ctx->lock);
    }
    return 0;
}

/* Hand queued events to the registered callback. */
static void flush_callbacks(libxl_ctx *ctx)
{
    if (!ctx->ev_hooks || !ctx->ev_hooks->event_occurs)
        return;
    for (;;) {
        libxl_event *ev = NULL;
        pthread_mutex_lock(&ctx->lock);
        for (struct libxl__pending_event **pp = &ctx->pending; *pp; pp = &(*pp)->next) {
            if (ctx->ev_hooks->event_occurs_mask & (UINT64_C(1) << (*pp)->ev->type)) {
                struct libxl__pending_event *p = *pp;
                *pp = p->next;
                if (!*pp)
                    ctx->pending_tail = pp;
                ev = p->ev;
                free(p);
                break;
            }
        }
        pthread_mutex_unlock(&ctx->lock);
        if (!ev)
            return;
        ctx->ev_hooks->event_occurs(ctx->ev_user, ev);
    }
}

/* Arm the re-check (not under ctx->lock: the hooks may call libxl). */
static void recheck_arm(libxl_ctx *ctx)
{
    const libxl_osevent_hooks *h = ctx->hooks;
    struct timeval abs;

    if (!h || !h->timeout_register || !ctx->ev_xs)
        return;
    pthread_mutex_lock(&ctx->lock);
    bool want = ctx->watches != NULL && !ctx->recheck.registered;
    if (want) {
        ctx->recheck.registered = true;
        ctx->recheck.cancelled = false;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (!want)
        return;
    gettimeofday(&abs, NULL);
    abs.tv_sec += RECHECK_MS / 1000;
    abs.tv_usec += (RECHECK_MS % 1000) * 1000;
    if (abs.tv_usec >= 1000000) {
        abs.tv_sec++;
        abs.tv_usec -= 1000000;
    }
    if (h->timeout_register(ctx->hooks_user, &ctx->recheck.for_app, abs, &ctx->recheck)) {
        LOG(ctx, WARN,
            "the application refused a timeout: watched domains are re-read only "
            "when xenstore fires");
        pthread_mutex_lock(&ctx->lock);
        ctx->recheck.registered = false;
        pthread_mutex_unlock(&ctx->lock);
    }
}

/* No domain watched any more: have the re-check fire now, to nothing. */
static void recheck_cancel(libxl_ctx *ctx)
{
    const libxl_osevent_hooks *h = ctx->hooks;
    struct timeval now = {0, 0};

    pthread_mutex_lock(&ctx->lock);
    bool cancel = ctx->recheck.registered && !ctx->recheck.cancelled && !ctx->watches;
    if (cancel)
        ctx->recheck.cancelled = true;
    pthread_mutex_unlock(&ctx->lock);
    if (cancel && h && h->timeout_modify)
        h->timeout_modify(ctx->hooks_user, &ctx->recheck.for_app, now);
}

static int ev_open(libxl_ctx *ctx)
{
    int rc;

    if (ctx->ev_xs)
        return 0;
    rc = libxl__xs_open(libxl__ctrl_xenstore_path(ctx->ctrl), &ctx->ev_xs);
    if (rc) {
        ctx->ev_xs = NULL;
        return ERROR_FAIL;
    }
    rc = libxl__xs_watch(ctx->ev_xs, "@releaseDomain", DEATH_TOKEN);
    if (rc) {
        libxl__xs_close(ctx->ev_xs);
        ctx->ev_xs = NULL;
        return ERROR_FAIL;
    }
    if (ctx->hooks && ctx->hooks->fd_register &&
        ctx->hooks->fd_register(ctx->hooks_user, libxl__xs_fd(ctx->ev_xs), &ctx->fd_for_app, POLLIN,
                                ctx))
        return ERROR_OSEVENT_REG_FAIL;
    return 0;
}

int libxl_evenable_domain_death(libxl_ctx *ctx, uint32_t domid, uint64_t user,
                                libxl_evgen_domain_death **evgen_out)
{
    struct libxl__evgen_domain_death *w;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)) || (rc = ev_open(ctx)))
        return rc;
    w = calloc(1, sizeof(*w));
    if (!w)
        return ERROR_NOMEM;
    w->domid = domid;
    w->user = user;
    pthread_mutex_lock(&ctx->lock);
    w->next = ctx->watches;
    ctx->watches = w;
    check_domains(ctx); /* a domain already dead or shut down */
    pthread_mutex_unlock(&ctx->lock);
    *evgen_out = w;
    recheck_arm(ctx);
    return 0;
}

void libxl_evdisable_domain_death(libxl_ctx *ctx, libxl_evgen_domain_death *evgen)
{
    pthread_mutex_lock(&ctx->lock);
    for (struct libxl__evgen_domain_death **pp = &ctx->watches; *pp; pp = &(*pp)->next)
        if (*pp == evgen) {
            *pp = evgen->next;
            free(evgen);
            break;
        }
    pthread_mutex_unlock(&ctx->lock);
    recheck_cancel(ctx);
}

static libxl_event *take_event(libxl_ctx *ctx, uint64_t typemask, libxl_event_predicate *pred,
                               void *pred_user)
{
    libxl_event *ev = NULL;

    pthread_mutex_lock(&ctx->lock);
    for (struct libxl__pending_event **pp = &ctx->pending; *pp; pp = &(*pp)->next) {
        libxl_event *e = (*pp)->ev;
        if (!(typemask & (UINT64_C(1) << e->type)) || (pred && !pred(e, pred_user)))
            continue;
        struct libxl__pending_event *p = *pp;
        *pp = p->next;
        if (!*pp)
            ctx->pending_tail = pp;
        ev = e;
        free(p);
        break;
    }
    pthread_mutex_unlock(&ctx->lock);
    return ev;
}

static bool take_pending_matches(libxl_ctx *ctx, uint64_t typemask, libxl_event_predicate *pred,
                                 void *pred_user)
{
    bool found = false;

    pthread_mutex_lock(&ctx->lock);
    for (struct libxl__pending_event *p = ctx->pending; p && !found; p = p->next)
        found = (typemask & (UINT64_C(1) << p->ev->type)) && (!pred || pred(p->ev, pred_user));
    pthread_mutex_unlock(&ctx->lock);
    return found;
}

int libxl_event_check(libxl_ctx *ctx, libxl_event **event_r, uint64_t typemask,
                      libxl_event_predicate *predicate, void *predicate_user)
{
    if (ctx->ev_xs)
        drain_watches(ctx, false);
    *event_r = take_event(ctx, typemask, predicate, predicate_user);
    return *event_r ? 0 : ERROR_NOT_READY;
}

int libxl_event_wait(libxl_ctx *ctx, libxl_event **event_r, uint64_t typemask,
                     libxl_event_predicate *predicate, void *predicate_user)
{
    int rc;

    for (;;) {
        *event_r = take_event(ctx, typemask, predicate, predicate_user);
        if (*event_r)
            return 0;
        if (!ctx->ev_xs) {
            /* Only async completions can come: poll for them. */
            poll(NULL, 0, 10);
            continue;
        }
        /* Wait for a watch event; every RECHECK_MS re-read the watched
         * domains anyway, so a firing that raced with the state change
         * it announces cannot leave a waiter stuck. */
        struct pollfd pfd = {.fd = libxl__xs_fd(ctx->ev_xs), .events = POLLIN};
        rc = drain_watches(ctx, false);
        if (rc)
            return rc;
        if (take_pending_matches(ctx, typemask, predicate, predicate_user))
            continue;
        if (poll(&pfd, 1, RECHECK_MS) == 0) {
            pthread_mutex_lock(&ctx->lock);
            check_domains(ctx);
            pthread_mutex_unlock(&ctx->lock);
        }
    }
}

void libxl_event_register_callbacks(libxl_ctx *ctx, const libxl_event_hooks *hooks, void *user)
{
    ctx->ev_hooks = hooks;
    ctx->ev_user = user;
}

void libxl_osevent_register_hooks(libxl_ctx *ctx, const libxl_osevent_hooks *hooks, void *user)
{
    ctx->hooks = hooks;
    ctx->hooks_user = user;
}

void libxl_osevent_occurred_fd(libxl_ctx *ctx, void *for_libxl, int fd, short events, short revents)
{
    (void)for_libxl;
    (void)fd;
    (void)events;
    if (revents & (POLLIN | POLLHUP | POLLERR))
        drain_watches(ctx, false);
    flush_callbacks(ctx);
}

void libxl_osevent_occurred_timeout(libxl_ctx *ctx, void *for_libxl)
{
    if (for_libxl == &ctx->recheck) {
        pthread_mutex_lock(&ctx->lock);
        bool live = ctx->recheck.registered && !ctx->recheck.cancelled;
        ctx->recheck.registered = false;
        ctx->recheck.cancelled = false;
        if (live)
            check_domains(ctx);
        pthread_mutex_unlock(&ctx->lock);
        if (ctx->ev_xs)
            drain_watches(ctx, false);
        recheck_arm(ctx); /* again, while domains are watched */
    }
    flush_callbacks(ctx);
}

void libxl__ao_complete(libxl_ctx *ctx, const libxl_asyncop_how *how, uint32_t domid, int rc)
{
    if (how->callback) {
        how->callback(ctx, rc, how->u.for_callback);
        return;
    }
    libxl_event *ev = event_new(LIBXL_EVENT_TYPE_OPERATION_COMPLETE, domid, how->u.for_event);
    if (!ev)
        return;
    ev->u.operation_complete.rc = rc;
    pthread_mutex_lock(&ctx->lock);
    event_post(ctx, ev);
    pthread_mutex_unlock(&ctx->lock);
}

int libxl__ao_done(libxl_ctx *ctx, const libxl_asyncop_how *ao_how, uint32_t domid, int rc)
{
    if (!ao_how)
        return rc;
    libxl__ao_complete(ctx, ao_how, domid, rc);
    return 0;
}

void libxl__event_ctx_free(libxl_ctx *ctx)
{
    if (ctx->recheck.registered && ctx->hooks && ctx->hooks->timeout_deregister)
        ctx->hooks->timeout_deregister(ctx->hooks_user, ctx->recheck.for_app);
    ctx->recheck.registered = false;
    if (ctx->ev_xs && ctx->hooks && ctx->hooks->fd_deregister)
        ctx->hooks->fd_deregister(ctx->hooks_user, libxl__xs_fd(ctx->ev_xs), ctx->fd_for_app);
    libxl__xs_close(ctx->ev_xs);
    ctx->ev_xs = NULL;
    while (ctx->watches) {
        struct libxl__evgen_domain_death *w = ctx->watches;
        ctx->watches = w->next;
        free(w);
    }
    while (ctx->pending) {
        struct libxl__pending_event *p = ctx->pending;
        ctx->pending = p->next;
        free(p->ev);
        free(p);
    }
}
