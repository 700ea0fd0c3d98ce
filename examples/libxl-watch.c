/*
 * libxl-watch.c: a small management daemon on libxl, the way a real one
 * uses it: it creates a domain from a JSON configuration (libxl's own,
 * as `xl create -n' prints it) asynchronously, puts libxl's file
 * descriptor and timeouts into its own poll loop (osevent hooks), and
 * reacts to the domain's shutdown and death events.
 *
 *   libxl-watch [-p] [-t] CONFIG.json
 *
 * Prints "created NAME domid N", then one line per event; exits 0 when the
 * domain has died (on shutdown it destroys the domain, as a daemon whose
 * policy is on_poweroff=destroy would).  -p leaves the domain paused; -t
 * prints "libxl timeout fired" for each timeout it hands to libxl and the
 * counts of libxl's timeout hook calls on stderr at exit.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "libxl.h"

static libxl_ctx *ctx;

/* The daemon's poll loop: the fds libxl asked for ... */
#define MAX_FDS 8
static struct pollfd fds[MAX_FDS];
static void *fd_for_libxl[MAX_FDS];
static int nfds;

static int fd_register(void *user, int fd, void **reg, short events, void *for_libxl)
{
    if (nfds == MAX_FDS)
        return ERROR_FAIL;
    fds[nfds] = (struct pollfd){.fd = fd, .events = events};
    fd_for_libxl[nfds] = for_libxl;
    *reg = (void *)(long)nfds++;
    return 0;
}

static int fd_modify(void *user, int fd, void **reg, short events)
{
    fds[(long)*reg].events = events;
    return 0;
}

static void fd_deregister(void *user, int fd, void *reg)
{
    fds[(long)reg].fd = -1;
}

/* ... and the timeouts: an absolute time each; when it has come, the
 * slot is freed and libxl told (libxl then considers it gone). */
#define MAX_TIMEOUTS 4
static struct {
    int used;
    struct timeval abs;
    void *for_libxl;
} timeouts[MAX_TIMEOUTS];
static unsigned nr_registered, nr_modified, nr_fired, nr_deregistered;
static int report; /* -t */

static int timeout_register(void *user, void **reg, struct timeval abs, void *for_libxl)
{
    for (long i = 0; i < MAX_TIMEOUTS; i++)
        if (!timeouts[i].used) {
            timeouts[i].used = 1;
            timeouts[i].abs = abs;
            timeouts[i].for_libxl = for_libxl;
            *reg = (void *)i;
            nr_registered++;
            return 0;
        }
    return ERROR_FAIL;
}

static int timeout_modify(void *user, void **reg, struct timeval abs)
{
    timeouts[(long)*reg].abs = abs; /* {0,0}: as soon as possible */
    nr_modified++;
    return 0;
}

static void timeout_deregister(void *user, void *reg)
{
    timeouts[(long)reg].used = 0;
    nr_deregistered++;
}

/* Milliseconds until the nearest timeout (-1: none). */
static int next_timeout_ms(void)
{
    struct timeval now;
    long best = -1;

    gettimeofday(&now, NULL);
    for (int i = 0; i < MAX_TIMEOUTS; i++) {
        if (!timeouts[i].used)
            continue;
        long ms = (timeouts[i].abs.tv_sec - now.tv_sec) * 1000 +
                  (timeouts[i].abs.tv_usec - now.tv_usec) / 1000;
        if (ms < 0)
            ms = 0;
        if (best < 0 || ms < best)
            best = ms;
    }
    return (int)best;
}

static void fire_timeouts(void)
{
    struct timeval now;

    gettimeofday(&now, NULL);
    for (int i = 0; i < MAX_TIMEOUTS; i++)
        if (timeouts[i].used && !timercmp(&timeouts[i].abs, &now, >)) {
            timeouts[i].used = 0;
            nr_fired++;
            if (report) {
                printf("libxl timeout fired\n");
                fflush(stdout);
            }
            libxl_osevent_occurred_timeout(ctx, timeouts[i].for_libxl);
        }
}

static const libxl_osevent_hooks hooks = {
    .fd_register = fd_register,
    .fd_modify = fd_modify,
    .fd_deregister = fd_deregister,
    .timeout_register = timeout_register,
    .timeout_modify = timeout_modify,
    .timeout_deregister = timeout_deregister,
};

/* State the callbacks change. */
static volatile int create_done, create_rc;
static int dead;

static void created(libxl_ctx *c, int rc, void *user)
{
    create_rc = rc;
    create_done = 1;
}

static void event_occurs(void *user, libxl_event *ev)
{
    if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
        printf("domain %u shut down (reason %d): destroying it\n", ev->domid,
               ev->u.domain_shutdown.shutdown_reason);
        libxl_domain_destroy(ctx, ev->domid, NULL);
    } else if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
        printf("domain %u died\n", ev->domid);
        dead = 1;
    }
    fflush(stdout);
    libxl_event_free(ctx, ev);
}

static const libxl_event_hooks ev_hooks = {
    .event_occurs_mask =
        (1u << LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) | (1u << LIBXL_EVENT_TYPE_DOMAIN_DEATH),
    .event_occurs = event_occurs,
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap = cap * 2 + 8192);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, 4096, f);
        len += n;
    } while (n);
    fclose(f);
    buf[len] = 0;
    return buf;
}

int main(int argc, char **argv)
{
    libxl_logger *lg = libxl_logger_stdio_new(stderr, LIBXL_LOG_WARN);
    libxl_domain_config cfg;
    libxl_evgen_domain_death *deathw = NULL;
    libxl_asyncop_how how = {.callback = created};
    uint32_t domid = ~0u;
    int paused = 0, rc = 1;
    char *json;

    for (; argc > 1 && argv[1][0] == '-' && argv[1][1] && !argv[1][2]; argc--, argv++) {
        if (argv[1][1] == 'p')
            paused = 1;
        else if (argv[1][1] == 't')
            report = 1;
        else
            break;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: libxl-watch [-p] [-t] CONFIG.json\n");
        return 2;
    }
    json = slurp(argv[1]);
    if (!json) {
        perror(argv[1]);
        return 1;
    }
    if (!lg || libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, lg)) {
        fprintf(stderr, "libxl-watch: cannot allocate a libxl context\n");
        return 1;
    }
    libxl_osevent_register_hooks(ctx, &hooks, NULL);
    libxl_event_register_callbacks(ctx, &ev_hooks, NULL);
    libxl_domain_config_init(&cfg);
    if (libxl_domain_config_from_json(ctx, &cfg, json)) {
        fprintf(stderr, "libxl-watch: %s: not a libxl domain configuration\n", argv[1]);
        goto out;
    }
    /* Asynchronous create: the callback reports the result. */
    if (libxl_domain_create_new(ctx, &cfg, &domid, &how, NULL))
        goto out;
    while (!create_done)
        poll(NULL, 0, 5);
    if (create_rc) {
        fprintf(stderr, "libxl-watch: creating the domain failed (rc=%d)\n", create_rc);
        goto out;
    }
    printf("created %s domid %u\n", cfg.c_info.name, domid);
    fflush(stdout);
    if (libxl_evenable_domain_death(ctx, domid, 0, &deathw))
        goto out;
    if (!paused)
        libxl_domain_unpause(ctx, domid, NULL);
    while (!dead) {
        int n = poll(fds, (nfds_t)nfds, next_timeout_ms());
        if (n < 0 && errno != EINTR)
            break;
        fire_timeouts();
        for (int i = 0; i < nfds; i++)
            if (fds[i].fd >= 0 && fds[i].revents) {
                libxl_osevent_occurred_fd(ctx, fd_for_libxl[i], fds[i].fd, fds[i].events,
                                          fds[i].revents);
                if (fds[i].revents & (POLLHUP | POLLERR) && !dead) {
                    fprintf(stderr, "libxl-watch: lost xenstore\n");
                    goto out;
                }
            }
    }
    rc = dead ? 0 : 1;
out:
    if (deathw)
        libxl_evdisable_domain_death(ctx, deathw);
    libxl_domain_config_dispose(&cfg);
    libxl_ctx_free(ctx);
    if (report)
        fprintf(stderr, "timeouts: %u registered, %u modified, %u fired, %u deregistered\n",
                nr_registered, nr_modified, nr_fired, nr_deregistered);
    libxl_logger_destroy(lg);
    free(json);
    return rc;
}
