/*
 * xs_view.c: reading and changing the tree, directly or through a
 * transaction.  A transaction keeps an overlay of the nodes it has seen
 * (with the generation each had), written or deleted; commit checks that
 * every node it saw still has that generation (else EAGAIN) and applies
 * its writes.  Node generations change on every change to a node's value,
 * permissions or list of children, so reading a directory, then another
 * client adding a child, makes the commit fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define TXN_BUCKETS 64

struct xs_txn *xs_txn_new(uint32_t id)
{
    struct xs_txn *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    if (xs_table_init(&t->overlay, TXN_BUCKETS)) {
        free(t);
        return NULL;
    }
    t->id = id;
    return t;
}

void xs_txn_free(struct xs_txn *t)
{
    if (!t)
        return;
    xs_table_destroy(&t->overlay);
    xs_evlist_free(&t->events);
    free(t);
}

/* The overlay entry of path, made (a copy of the node as it is now, or
 * an "absent" mark) if missing: later reads in the transaction see the
 * same thing even if the tree changes meanwhile. */
static struct xs_node *txn_entry(struct xs_view *v, const char *path)
{
    struct xs_node *e = xs_table_get(&v->txn->overlay, path);
    if (e)
        return e;
    const struct xs_node *m = xs_table_get(&v->st->tree, path);
    e = m ? xs_node_dup(m) : xs_node_new(path, NULL, 0, NULL);
    if (!e)
        return NULL;
    e->state = m ? XS_NODE_SEEN : XS_NODE_ABSENT;
    e->base_gen = m ? m->gen : 0;
    xs_table_put(&v->txn->overlay, e);
    return e;
}

const struct xs_node *xs_view_get(struct xs_view *v, const char *path)
{
    if (!v->txn)
        return xs_table_get(&v->st->tree, path);
    struct xs_node *e = txn_entry(v, path);
    if (!e || e->state == XS_NODE_GONE || e->state == XS_NODE_ABSENT)
        return NULL;
    return e;
}

struct xs_node *xs_view_modify(struct xs_view *v, const char *path)
{
    if (!v->txn) {
        struct xs_node *n = xs_table_get(&v->st->tree, path);
        if (n)
            n->gen = ++v->st->gen;
        return n;
    }
    struct xs_node *e = txn_entry(v, path);
    if (!e || e->state == XS_NODE_GONE || e->state == XS_NODE_ABSENT)
        return NULL;
    e->state = XS_NODE_LIVE;
    return e;
}

int xs_view_put(struct xs_view *v, struct xs_node *n)
{
    if (!v->txn) {
        n->state = XS_NODE_LIVE;
        xs_store_put(v->st, n);
        return 0;
    }
    struct xs_node *e = txn_entry(v, n->path);
    if (!e) {
        xs_node_free(n);
        return -ENOMEM;
    }
    n->state = XS_NODE_LIVE;
    n->base_gen = e->base_gen;
    xs_table_put(&v->txn->overlay, n);
    return 0;
}

int xs_view_del(struct xs_view *v, const char *path)
{
    if (!v->txn) {
        xs_store_del(v->st, path);
        return 0;
    }
    struct xs_node *e = txn_entry(v, path);
    if (!e)
        return -ENOMEM;
    e->state = XS_NODE_GONE;
    return 0;
}

struct commit_check {
    struct xs_store *st;
    int rc;
    uint32_t domid;
    int64_t owned; /* change in nodes domid owns, if applied */
};

static bool owned_by(const struct xs_node *n, uint32_t domid)
{
    return n && n->perms.n && n->perms.p[0].domid == domid;
}

static void check_entry(struct xs_node *e, void *arg)
{
    struct commit_check *cc = arg;
    const struct xs_node *m = xs_table_get(&cc->st->tree, e->path);
    if ((m ? m->gen : 0) != e->base_gen)
        cc->rc = -EAGAIN;
    if (e->state == XS_NODE_LIVE || e->state == XS_NODE_GONE)
        cc->owned += (e->state == XS_NODE_LIVE && owned_by(e, cc->domid)) - owned_by(m, cc->domid);
}

static void apply_entry(struct xs_node *e, void *arg)
{
    struct commit_check *cc = arg;
    if (e->state == XS_NODE_GONE) {
        xs_store_del(cc->st, e->path);
    } else if (e->state == XS_NODE_LIVE) {
        struct xs_node *n = xs_node_dup(e);
        if (!n) {
            cc->rc = -ENOMEM;
            return;
        }
        xs_store_put(cc->st, n);
    }
}

int xs_txn_commit(struct xs_store *st, struct xs_txn *t, uint32_t domid, uint32_t max_entries)
{
    struct commit_check cc = {st, 0, domid, 0};
    xs_table_each(&t->overlay, check_entry, &cc);
    if (cc.rc)
        return cc.rc;
    /* Other transactions of the same domain may have used the quota. */
    if (max_entries && cc.owned > 0 &&
        (int64_t)xs_domain_entries(st, domid) + cc.owned > (int64_t)max_entries)
        return -ENOSPC;
    xs_table_each(&t->overlay, apply_entry, &cc);
    xs_evlist_fire(st, &t->events);
    return cc.rc;
}
