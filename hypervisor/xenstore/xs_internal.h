/*
 * xs_internal.h: what the core's files (xs_core.c, xs_view.c, xs_watch.c)
 * share: the store's layout, views (the tree, or a transaction over it),
 * change events and watches.
 */
#ifndef XS_INTERNAL_H
#define XS_INTERNAL_H

#include "xs_core.h"

struct xs_domain {
    uint32_t domid;
    uint32_t nentries; /* nodes owned */
    bool introduced;
    bool has_target;
    uint32_t target;
    struct xs_conn *conn; /* ring connection, or NULL */
    struct xs_domain *next;
};

/* A change to report to watchers: path changed (exact: only watches on
 * exactly that path fire, used for the nodes below a removed one). */
struct xs_event {
    struct xs_event *next;
    char *path;
    bool exact;
    struct xs_perms perms; /* the node's, for the watcher's read check */
};

struct xs_evlist {
    struct xs_event *head, *tail;
};

struct xs_watch {
    struct xs_watch *next;
    char *path; /* absolute, or "@..." */
    char *token;
    size_t strip; /* bytes to strip from event paths (relative watch), or 0 */
};

struct xs_txn {
    struct xs_txn *next;
    uint32_t id;
    struct xs_table overlay; /* nodes seen, written or deleted */
    struct xs_evlist events; /* fired at commit */
    uint32_t created;        /* nodes created, for the entries quota */
};

struct xs_store {
    struct xs_table tree;
    uint64_t gen;
    struct xs_quota quota;
    struct xs_conn *conns;
    struct xs_domain *domains;
    struct xs_core_hooks hooks;
    bool output_pending;
    /* "@introduceDomain" and "@releaseDomain": not in the tree, but with
     * permissions saying which unprivileged domains get their events. */
    struct xs_node *special[2];
};

/* A view: the store's tree itself, or a transaction's view of it. */
struct xs_view {
    struct xs_store *st;
    struct xs_txn *txn; /* NULL: the tree */
    struct xs_evlist *events;
};

const struct xs_node *xs_view_get(struct xs_view *v, const char *path);
/* A writable node at an existing path (value and children only). */
struct xs_node *xs_view_modify(struct xs_view *v, const char *path);
/* Insert or replace a node (takes n). */
int xs_view_put(struct xs_view *v, struct xs_node *n);
/* Delete one node (not its children, not its parent's link). */
int xs_view_del(struct xs_view *v, const char *path);

struct xs_txn *xs_txn_new(uint32_t id);
void xs_txn_free(struct xs_txn *t);
/* Apply to the tree, or -EAGAIN if anything it saw has changed since, or
 * -ENOSPC if domid would then own more than max_entries nodes (0: no
 * limit). */
int xs_txn_commit(struct xs_store *st, struct xs_txn *t, uint32_t domid, uint32_t max_entries);

/* Store-level node changes with accounting. */
void xs_store_put(struct xs_store *st, struct xs_node *n);
void xs_store_del(struct xs_store *st, const char *path);
struct xs_domain *xs_domain_get(struct xs_store *st, uint32_t domid, bool create);

/* Events and watches. */
int xs_evlist_add(struct xs_evlist *l, const char *path, bool exact, const struct xs_perms *p);
void xs_evlist_free(struct xs_evlist *l);
void xs_evlist_fire(struct xs_store *st, struct xs_evlist *l); /* and frees */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token, size_t strip);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_free_all(struct xs_conn *c);
/* Queue one watch event message on c. */
void xs_watch_send(struct xs_conn *c, const struct xs_watch *w, const char *path);
unsigned xs_conn_perms(struct xs_conn *c, const struct xs_perms *p);

/* Queue a message (header + payload) on c's output. */
int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                  const void *payload, uint32_t len);

#endif
