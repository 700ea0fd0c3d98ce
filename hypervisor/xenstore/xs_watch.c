/*
 * xs_watch.c: watches and change events.  A change to path P fires every
 * watch on P or on an ancestor of P (an "exact" event, for a node removed
 * with its parent, fires only watches on P itself), for connections
 * allowed to read the node; special watches ("@introduceDomain",
 * "@releaseDomain") fire on their own events.  Relative watches get
 * relative paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

int xs_evlist_add(struct xs_evlist *l, const char *path, bool exact, const struct xs_perms *p)
{
    struct xs_event *e = calloc(1, sizeof(*e));
    if (!e)
        return -ENOMEM;
    e->path = strdup(path);
    if (!e->path || (p && xs_perms_copy(&e->perms, p))) {
        free(e->path);
        free(e);
        return -ENOMEM;
    }
    e->exact = exact;
    if (l->tail)
        l->tail->next = e;
    else
        l->head = e;
    l->tail = e;
    return 0;
}

void xs_evlist_free(struct xs_evlist *l)
{
    struct xs_event *e = l->head;
    while (e) {
        struct xs_event *next = e->next;
        free(e->path);
        xs_perms_free(&e->perms);
        free(e);
        e = next;
    }
    l->head = l->tail = NULL;
}

static bool watch_matches(const struct xs_watch *w, const struct xs_event *e)
{
    if (e->exact || e->path[0] == '@')
        return !strcmp(w->path, e->path);
    return xs_path_is_under(e->path, w->path);
}

void xs_evlist_fire(struct xs_store *st, struct xs_evlist *l)
{
    for (struct xs_event *e = l->head; e; e = e->next) {
        for (struct xs_conn *c = st->conns; c; c = c->next) {
            if (!c->watches)
                continue;
            if (!(xs_conn_perms(c, &e->perms) & XS_PERM_READ))
                continue;
            for (struct xs_watch *w = c->watches; w; w = w->next)
                if (watch_matches(w, e))
                    xs_watch_send(c, w, e->path);
        }
    }
    xs_evlist_free(l);
}

void xs_watch_send(struct xs_conn *c, const struct xs_watch *w, const char *path)
{
    if (c->out_bytes > c->store->quota.out_bytes) {
        c->dropped_events++;
        return;
    }
    if (w->strip && strlen(path) > w->strip)
        path += w->strip;
    size_t pl = strlen(path) + 1, tl = strlen(w->token) + 1;
    char buf[XENSTORE_PAYLOAD_MAX];
    if (pl + tl > sizeof(buf))
        return; /* cannot happen: paths and tokens are bounded */
    memcpy(buf, path, pl);
    memcpy(buf + pl, w->token, tl);
    xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, buf, (uint32_t)(pl + tl));
}

int xs_watch_add(struct xs_conn *c, const char *path, const char *token, size_t strip)
{
    for (struct xs_watch *w = c->watches; w; w = w->next)
        if (!strcmp(w->path, path) && !strcmp(w->token, token))
            return -EEXIST;
    struct xs_watch *w = calloc(1, sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->path = strdup(path);
    w->token = strdup(token);
    if (!w->path || !w->token) {
        free(w->path);
        free(w->token);
        free(w);
        return -ENOMEM;
    }
    w->strip = strip;
    /* Append: events go out in registration order. */
    struct xs_watch **pp = &c->watches;
    while (*pp)
        pp = &(*pp)->next;
    *pp = w;
    c->nwatches++;
    return 0;
}

static void watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
    for (struct xs_watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;
        if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
            *pp = w->next;
            watch_free(w);
            c->nwatches--;
            return 0;
        }
    }
    return -ENOENT;
}

void xs_watch_free_all(struct xs_conn *c)
{
    struct xs_watch *w = c->watches;
    while (w) {
        struct xs_watch *next = w->next;
        watch_free(w);
        w = next;
    }
    c->watches = NULL;
    c->nwatches = 0;
}
