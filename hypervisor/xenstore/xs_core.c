/*
 * xs_core.c: the store, connections and domains, and the XenStore
 * operations: one table from message type to handler, each handler
 * checking permissions and quotas against the requesting connection.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define TREE_BUCKETS 1024
#define MAX_ARGS     8

static const struct xs_quota default_quota = {
    .entries = 1000,
    .entry_size = 2048,
    .watches = 128,
    .transactions = 10,
    .perms = 5,
    .out_bytes = 512 * 1024,
};

static const struct {
    int err;
    const char *name;
} error_names[] = {
    {EINVAL, "EINVAL"},       {EACCES, "EACCES"},   {EEXIST, "EEXIST"}, {EISDIR, "EISDIR"},
    {ENOENT, "ENOENT"},       {ENOMEM, "ENOMEM"},   {ENOSPC, "ENOSPC"}, {EIO, "EIO"},
    {ENOTEMPTY, "ENOTEMPTY"}, {ENOSYS, "ENOSYS"},   {EROFS, "EROFS"},   {EBUSY, "EBUSY"},
    {EAGAIN, "EAGAIN"},       {EISCONN, "EISCONN"}, {E2BIG, "E2BIG"},   {EPERM, "EPERM"},
};

const char *xs_errno_name(int err)
{
    for (size_t i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
        if (error_names[i].err == err)
            return error_names[i].name;
    return "EIO";
}

int xs_errno_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
        if (!strcmp(error_names[i].name, name))
            return error_names[i].err;
    return EIO;
}

/* The store. */

static int store_mknode(struct xs_store *st, const char *path)
{
    struct xs_perm owner = {0, XS_PERM_NONE};
    struct xs_perms perms = {&owner, 1};
    struct xs_node *n = xs_node_new(path, NULL, 0, &perms);
    if (!n)
        return -ENOMEM;
    xs_store_put(st, n);
    if (strcmp(path, "/")) {
        char *parent = xs_path_parent(path);
        struct xs_node *p = parent ? xs_table_get(&st->tree, parent) : NULL;
        int rc = p ? xs_node_add_child(p, xs_path_base(path)) : -ENOMEM;
        free(parent);
        return rc;
    }
    return 0;
}

struct xs_store *xs_store_new(void)
{
    static const char *const initial[] = {"/", "/local", "/local/domain", "/tool"};
    struct xs_store *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->quota = default_quota;
    if (xs_table_init(&st->tree, TREE_BUCKETS))
        goto fail;
    for (size_t i = 0; i < sizeof(initial) / sizeof(initial[0]); i++)
        if (store_mknode(st, initial[i]))
            goto fail;
    struct xs_perm owner = {0, XS_PERM_NONE};
    struct xs_perms perms = {&owner, 1};
    st->special[0] = xs_node_new("@introduceDomain", NULL, 0, &perms);
    st->special[1] = xs_node_new("@releaseDomain", NULL, 0, &perms);
    if (!st->special[0] || !st->special[1])
        goto fail;
    return st;
fail:
    xs_store_free(st);
    return NULL;
}

void xs_store_free(struct xs_store *st)
{
    if (!st)
        return;
    while (st->conns)
        xs_conn_free(st->conns);
    struct xs_domain *d = st->domains;
    while (d) {
        struct xs_domain *next = d->next;
        free(d);
        d = next;
    }
    if (st->tree.buckets)
        xs_table_destroy(&st->tree);
    xs_node_free(st->special[0]);
    xs_node_free(st->special[1]);
    free(st);
}

struct xs_quota *xs_store_quota(struct xs_store *st)
{
    return &st->quota;
}

void xs_store_set_hooks(struct xs_store *st, const struct xs_core_hooks *hooks)
{
    st->hooks = *hooks;
}

struct xs_domain *xs_domain_get(struct xs_store *st, uint32_t domid, bool create)
{
    for (struct xs_domain *d = st->domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    if (!create)
        return NULL;
    struct xs_domain *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->next = st->domains;
    st->domains = d;
    return d;
}

static void account(struct xs_store *st, const struct xs_node *n, int delta)
{
    if (!n || !n->perms.n)
        return;
    struct xs_domain *d = xs_domain_get(st, n->perms.p[0].domid, true);
    if (d)
        d->nentries += (uint32_t)delta;
}

void xs_store_put(struct xs_store *st, struct xs_node *n)
{
    account(st, xs_table_get(&st->tree, n->path), -1);
    account(st, n, +1);
    n->gen = ++st->gen;
    n->state = XS_NODE_LIVE;
    n->base_gen = 0;
    xs_table_put(&st->tree, n);
}

void xs_store_del(struct xs_store *st, const char *path)
{
    account(st, xs_table_get(&st->tree, path), -1);
    xs_table_del(&st->tree, path);
}

uint32_t xs_domain_entries(struct xs_store *st, uint32_t domid)
{
    struct xs_domain *d = xs_domain_get(st, domid, false);
    return d ? d->nentries : 0;
}

bool xs_store_take_output_pending(struct xs_store *st)
{
    bool p = st->output_pending;
    st->output_pending = false;
    return p;
}

struct xs_conn *xs_store_conns(struct xs_store *st)
{
    return st->conns;
}

static struct xs_node *special_node(struct xs_store *st, const char *name)
{
    for (int i = 0; i < 2; i++)
        if (!strcmp(st->special[i]->path, name))
            return st->special[i];
    return NULL;
}

void xs_store_fire_special(struct xs_store *st, const char *name)
{
    struct xs_evlist l = {NULL, NULL};
    struct xs_node *n = special_node(st, name);
    if (n && !xs_evlist_add(&l, name, true, &n->perms))
        xs_evlist_fire(st, &l);
}

/* Connections. */

struct xs_conn *xs_conn_new(struct xs_store *st, uint32_t domid, bool privileged)
{
    struct xs_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->store = st;
    c->domid = domid;
    c->privileged = privileged;
    c->next_txid = 1;
    c->next = st->conns;
    st->conns = c;
    return c;
}

void xs_conn_free(struct xs_conn *c)
{
    if (!c)
        return;
    for (struct xs_conn **pp = &c->store->conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    for (struct xs_domain *d = c->store->domains; d; d = d->next)
        if (d->conn == c)
            d->conn = NULL;
    xs_watch_free_all(c);
    while (c->txns) {
        struct xs_txn *t = c->txns;
        c->txns = t->next;
        xs_txn_free(t);
    }
    while (c->out_head) {
        struct xs_msg *m = c->out_head;
        c->out_head = m->next;
        free(m);
    }
    free(c);
}

int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                  const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = {type, req_id, tx_id, len};
    struct xs_msg *m = malloc(sizeof(*m) + sizeof(h) + len);
    if (!m)
        return -ENOMEM;
    m->next = NULL;
    m->len = (uint32_t)sizeof(h) + len;
    m->off = 0;
    memcpy(m->data, &h, sizeof(h));
    if (len)
        memcpy(m->data + sizeof(h), payload, len);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    c->out_bytes += m->len;
    c->store->output_pending = true;
    return 0;
}

struct xs_msg *xs_conn_out_peek(struct xs_conn *c)
{
    return c->out_head;
}

void xs_conn_out_consume(struct xs_conn *c, uint32_t n)
{
    struct xs_msg *m = c->out_head;
    if (!m)
        return;
    m->off += n;
    if (m->off >= m->len) {
        c->out_head = m->next;
        if (!c->out_head)
            c->out_tail = NULL;
        c->out_bytes -= m->len;
        free(m);
    }
}

unsigned xs_conn_perms(struct xs_conn *c, const struct xs_perms *p)
{
    if (c->privileged)
        return XS_PERM_BOTH | XS_PERM_OWNER;
    unsigned m = xs_perms_for(p, c->domid);
    struct xs_domain *d = xs_domain_get(c->store, c->domid, false);
    if (d && d->has_target)
        m |= xs_perms_for(p, d->target);
    return m;
}

/* Domains. */

int xs_domain_introduce(struct xs_store *st, uint32_t domid, struct xs_conn *conn)
{
    if (domid >= XS_DOMID_FIRST_RESERVED)
        return -EINVAL;
    struct xs_domain *d = xs_domain_get(st, domid, true);
    if (!d)
        return -ENOMEM;
    if (d->introduced)
        return -EEXIST;
    d->introduced = true;
    d->conn = conn;
    xs_store_fire_special(st, "@introduceDomain");
    return 0;
}

bool xs_domain_introduced(struct xs_store *st, uint32_t domid)
{
    struct xs_domain *d = xs_domain_get(st, domid, false);
    return d && d->introduced;
}

struct xs_conn *xs_domain_conn(struct xs_store *st, uint32_t domid)
{
    struct xs_domain *d = xs_domain_get(st, domid, false);
    return d && d->introduced ? d->conn : NULL;
}

static void forget_domain(struct xs_store *st, uint32_t domid);

int xs_domain_release(struct xs_store *st, uint32_t domid)
{
    struct xs_domain *d = xs_domain_get(st, domid, false);
    if (!d || !d->introduced)
        return -ENOENT;
    struct xs_conn *c = d->conn;
    d->introduced = false;
    d->has_target = false;
    d->conn = NULL;
    xs_conn_free(c);
    forget_domain(st, domid);
    xs_store_fire_special(st, "@releaseDomain");
    return 0;
}

/* Requests. */

struct req {
    struct xs_conn *c;
    const struct xsd_sockmsg *hdr;
    const char *payload; /* NUL-terminated copy, len + 1 bytes */
    uint32_t len;
    const char *argv[MAX_ARGS];
    int argc;
    struct xs_view view;
    struct xs_evlist events;
    char reply[XENSTORE_PAYLOAD_MAX];
    uint32_t reply_len;
};

static int reply_str(struct req *r, const char *s)
{
    size_t l = strlen(s) + 1;
    if (l > sizeof(r->reply))
        return -E2BIG;
    memcpy(r->reply, s, l);
    r->reply_len = (uint32_t)l;
    return 0;
}

static int reply_ok(struct req *r)
{
    return reply_str(r, "OK");
}

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return -EINVAL;
    }
    *out = v;
    return 0;
}

static int parse_domid(const char *s, uint32_t *domid)
{
    uint64_t v;
    if (parse_uint(s, XS_DOMID_FIRST_RESERVED - 1, &v))
        return -EINVAL;
    *domid = (uint32_t)v;
    return 0;
}

/* Absolute form of a client's path (malloc'd in *out); relative paths are
 * under /local/domain/<domid>.  *strip: length of the prefix added. */
static int canon(struct req *r, const char *in, bool allow_special, char **out, size_t *strip)
{
    if (strip)
        *strip = 0;
    if (in[0] == '@') {
        if (!allow_special || (strcmp(in, "@introduceDomain") && strcmp(in, "@releaseDomain")))
            return -EINVAL;
        *out = strdup(in);
        return *out ? 0 : -ENOMEM;
    }
    char *p;
    if (in[0] == '/') {
        if (strlen(in) > XENSTORE_ABS_PATH_MAX)
            return -EINVAL;
        p = strdup(in);
    } else {
        char prefix[32];
        int pl = snprintf(prefix, sizeof(prefix), "/local/domain/%" PRIu32 "/", r->c->domid);
        size_t il = strlen(in);
        if (il > XENSTORE_REL_PATH_MAX || !il)
            return -EINVAL;
        p = malloc((size_t)pl + il + 1);
        if (p) {
            memcpy(p, prefix, (size_t)pl);
            memcpy(p + pl, in, il + 1);
        }
        if (strip)
            *strip = (size_t)pl;
    }
    if (!p)
        return -ENOMEM;
    if (!xs_path_valid(p)) {
        free(p);
        return -EINVAL;
    }
    *out = p;
    return 0;
}

/* ENOENT, or EACCES when the closest existing ancestor is unreadable. */
static int missing_error(struct req *r, const char *path)
{
    char *p = xs_path_parent(path);
    int rc = -ENOENT;
    while (p) {
        const struct xs_node *n = xs_view_get(&r->view, p);
        if (n) {
            if (!(xs_conn_perms(r->c, &n->perms) & XS_PERM_READ))
                rc = -EACCES;
            break;
        }
        char *up = xs_path_parent(p);
        free(p);
        p = up;
    }
    free(p);
    return rc;
}

static int get_node(struct req *r, const char *path, unsigned need, const struct xs_node **out)
{
    const struct xs_node *n =
        path[0] == '@' ? special_node(r->c->store, path) : xs_view_get(&r->view, path);
    if (!n)
        return missing_error(r, path);
    if ((xs_conn_perms(r->c, &n->perms) & need) != need)
        return -EACCES;
    *out = n;
    return 0;
}

static int need_args(struct req *r, int n)
{
    return r->argc >= n ? 0 : -EINVAL;
}

static int op_read(struct req *r)
{
    char *path;
    const struct xs_node *n;
    int rc = need_args(r, 1) ?: canon(r, r->argv[0], false, &path, NULL);
    if (rc)
        return rc;
    rc = get_node(r, path, XS_PERM_READ, &n);
    if (!rc) {
        memcpy(r->reply, n->value, n->vlen);
        r->reply_len = n->vlen;
    }
    free(path);
    return rc;
}

static int op_get_perms(struct req *r)
{
    char *path;
    const struct xs_node *n;
    int rc = need_args(r, 1) ?: canon(r, r->argv[0], true, &path, NULL);
    if (rc)
        return rc;
    rc = get_node(r, path, XS_PERM_READ, &n);
    if (!rc) {
        int l = xs_perms_format(&n->perms, r->reply, sizeof(r->reply));
        if (l < 0)
            rc = l;
        else
            r->reply_len = (uint32_t)l;
    }
    free(path);
    return rc;
}

/* Children names from byte offset off of the NUL-separated list; *end set
 * when the list is exhausted. */
static int list_children(struct req *r, const struct xs_node *n, size_t off, size_t room, bool *end)
{
    size_t pos = 0, out = r->reply_len;
    *end = true;
    for (uint32_t i = 0; i < n->nchildren; i++) {
        size_t l = strlen(n->children[i]) + 1;
        if (pos >= off) {
            if (out + l > room) {
                *end = false;
                break;
            }
            memcpy(r->reply + out, n->children[i], l);
            out += l;
        }
        pos += l;
    }
    r->reply_len = (uint32_t)out;
    return 0;
}

static int op_directory(struct req *r)
{
    char *path;
    const struct xs_node *n;
    bool end;
    int rc = need_args(r, 1) ?: canon(r, r->argv[0], false, &path, NULL);
    if (rc)
        return rc;
    rc = get_node(r, path, XS_PERM_READ, &n);
    if (!rc) {
        list_children(r, n, 0, sizeof(r->reply), &end);
        if (!end)
            rc = -E2BIG;
    }
    free(path);
    return rc;
}

static int op_directory_part(struct req *r)
{
    char *path;
    const struct xs_node *n;
    uint64_t off;
    bool end;
    int rc = need_args(r, 2) ?: parse_uint(r->argv[1], UINT32_MAX, &off);
    if (rc)
        return rc;
    rc = canon(r, r->argv[0], false, &path, NULL);
    if (rc)
        return rc;
    rc = get_node(r, path, XS_PERM_READ, &n);
    if (!rc) {
        int gl = snprintf(r->reply, sizeof(r->reply), "%" PRIu64, n->gen);
        r->reply_len = (uint32_t)gl + 1;
        list_children(r, n, off, sizeof(r->reply) - 1, &end);
        if (end)
            r->reply[r->reply_len++] = '\0';
    }
    free(path);
    return rc;
}

/* Create path and any missing ancestors (value for the last one). */
static int create_node(struct req *r, const char *path, const char *value, uint32_t vlen)
{
    const struct xs_node *anc = NULL;
    char *p = xs_path_parent(path);
    uint32_t missing = 1;
    while (p) {
        anc = xs_view_get(&r->view, p);
        if (anc)
            break;
        missing++;
        char *up = xs_path_parent(p);
        free(p);
        p = up;
    }
    free(p);
    if (!anc)
        return -ENOENT;
    if (!(xs_conn_perms(r->c, &anc->perms) & XS_PERM_WRITE))
        return -EACCES;
    if (!r->c->privileged) {
        uint32_t have = xs_domain_entries(r->c->store, r->c->domid);
        if (r->view.txn)
            have += r->view.txn->created;
        if (have + missing > r->c->store->quota.entries)
            return -ENOSPC;
    }
    /* Create from the top: each new node inherits its parent's perms; an
     * unprivileged creator owns what it creates. */
    const char *slash = path + strlen(anc->path) + (strcmp(anc->path, "/") ? 1 : 0);
    for (;;) {
        const char *next = strchr(slash, '/');
        size_t plen = next ? (size_t)(next - path) : strlen(path);
        char *sub = strndup(path, plen);
        char *parent = sub ? xs_path_parent(sub) : NULL;
        const struct xs_node *pn = parent ? xs_view_get(&r->view, parent) : NULL;
        struct xs_node *n = NULL;
        int rc = -ENOMEM;
        if (pn) {
            n = next ? xs_node_new(sub, NULL, 0, &pn->perms)
                     : xs_node_new(sub, value, vlen, &pn->perms);
        }
        if (n) {
            if (!r->c->privileged && n->perms.n)
                n->perms.p[0].domid = r->c->domid;
            struct xs_node *pw = xs_view_modify(&r->view, parent);
            rc = pw ? xs_node_add_child(pw, xs_path_base(sub)) : -ENOMEM;
            if (!rc)
                rc = xs_view_put(&r->view, n);
            else
                xs_node_free(n);
            if (!rc && r->view.txn && !r->c->privileged)
                r->view.txn->created++;
        }
        free(parent);
        free(sub);
        if (rc)
            return rc;
        if (!next)
            return 0;
        slash = next + 1;
    }
}

static int fire_changed(struct req *r, const char *path)
{
    const struct xs_node *n = xs_view_get(&r->view, path);
    return xs_evlist_add(r->view.events, path, false, n ? &n->perms : NULL);
}

static int op_write(struct req *r)
{
    char *path;
    const struct xs_node *n;
    size_t plen = strnlen(r->payload, r->len);
    if (plen == r->len)
        return -EINVAL; /* no NUL after the path */
    const char *value = r->payload + plen + 1;
    uint32_t vlen = r->len - (uint32_t)plen - 1;
    int rc = canon(r, r->payload, false, &path, NULL);
    if (rc)
        return rc;
    if (!r->c->privileged && vlen > r->c->store->quota.entry_size) {
        rc = -ENOSPC;
        goto out;
    }
    rc = get_node(r, path, XS_PERM_WRITE, &n);
    if (!rc) {
        struct xs_node *w = xs_view_modify(&r->view, path);
        rc = w ? xs_node_set_value(w, value, vlen) : -ENOMEM;
    } else if (rc == -ENOENT) {
        rc = create_node(r, path, value, vlen);
    }
    if (!rc)
        rc = fire_changed(r, path) ?: reply_ok(r);
out:
    free(path);
    return rc;
}

static int op_mkdir(struct req *r)
{
    char *path;
    const struct xs_node *n;
    int rc = need_args(r, 1) ?: canon(r, r->argv[0], false, &path, NULL);
    if (rc)
        return rc;
    rc = get_node(r, path, XS_PERM_WRITE, &n);
    if (rc == -ENOENT) {
        rc = create_node(r, path, NULL, 0);
        if (!rc)
            rc = fire_changed(r, path);
    }
    if (!rc)
        rc = reply_ok(r);
    free(path);
    return rc;
}

/* Delete a subtree: every node below gets an exact event. */
static int delete_tree(struct xs_view *v, const char *path)
{
    const struct xs_node *n = xs_view_get(v, path);
    if (!n)
        return 0;
    /* Copy the names first: in a transaction n may be replaced by its
     * overlay copy while its children go. */
    uint32_t nc = n->nchildren;
    char **kids = nc ? calloc(nc, sizeof(*kids)) : NULL;
    int rc = 0;
    if (nc && !kids)
        return -ENOMEM;
    for (uint32_t i = 0; i < nc && !rc; i++) {
        kids[i] = xs_path_join(path, n->children[i]);
        if (!kids[i])
            rc = -ENOMEM;
    }
    for (uint32_t i = 0; i < nc && !rc; i++) {
        const struct xs_node *k = xs_view_get(v, kids[i]);
        if (k)
            rc = xs_evlist_add(v->events, kids[i], true, &k->perms) ?: delete_tree(v, kids[i]);
    }
    for (uint32_t i = 0; i < nc; i++)
        free(kids[i]);
    free(kids);
    return rc ?: xs_view_del(v, path);
}

/* Remove node n at path (not "/") with everything below it. */
static int remove_node(struct xs_view *v, const char *path, const struct xs_node *n)
{
    char *parent = xs_path_parent(path);
    int rc = parent ? xs_evlist_add(v->events, path, false, &n->perms) : -ENOMEM;
    if (!rc)
        rc = delete_tree(v, path);
    if (!rc) {
        struct xs_node *p = xs_view_modify(v, parent);
        if (p)
            xs_node_del_child(p, xs_path_base(path));
    }
    free(parent);
    return rc;
}

static int op_rm(struct req *r)
{
    char *path, *parent = NULL;
    const struct xs_node *n;
    int rc = need_args(r, 1) ?: canon(r, r->argv[0], false, &path, NULL);
    if (rc)
        return rc;
    if (!strcmp(path, "/")) {
        rc = -EINVAL;
        goto out;
    }
    parent = xs_path_parent(path);
    rc = get_node(r, path, XS_PERM_WRITE, &n);
    if (rc == -ENOENT) {
        /* Already gone is fine if the parent exists. */
        if (xs_view_get(&r->view, parent))
            rc = reply_ok(r);
        goto out;
    }
    if (!rc)
        rc = remove_node(&r->view, path, n) ?: reply_ok(r);
out:
    free(parent);
    free(path);
    return rc;
}

/*
 * A released domain leaves nothing it could find again if its domid is
 * reused: nodes it owns are removed (Xen 4.17's default; "/" would pass to
 * dom0) and its entries in other nodes' permissions are dropped.
 */
struct owned {
    uint32_t domid;
    char **paths;
    size_t n, cap;
    uint64_t *gen;
};

static void find_owned(struct xs_node *n, void *arg)
{
    struct owned *o = arg;
    bool acl = false;
    for (uint32_t i = 1; i < n->perms.n; i++)
        acl |= n->perms.p[i].domid == o->domid;
    if (acl) {
        uint32_t k = 1;
        for (uint32_t i = 1; i < n->perms.n; i++)
            if (n->perms.p[i].domid != o->domid)
                n->perms.p[k++] = n->perms.p[i];
        n->perms.n = k;
        n->gen = ++*o->gen;
    }
    if (!n->perms.n || n->perms.p[0].domid != o->domid)
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        char **p = realloc(o->paths, cap * sizeof(*p));
        if (!p)
            return;
        o->paths = p;
        o->cap = cap;
    }
    o->paths[o->n] = strdup(n->path);
    if (o->paths[o->n])
        o->n++;
}

static int by_length(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return la < lb ? -1 : la > lb;
}

static void forget_domain(struct xs_store *st, uint32_t domid)
{
    struct owned o = {domid, NULL, 0, 0, &st->gen};
    struct xs_evlist events = {NULL, NULL};
    struct xs_view v = {st, NULL, &events};
    for (int i = 0; i < 2; i++) {
        struct owned so = {domid, NULL, 0, 0, &st->gen};
        find_owned(st->special[i], &so); /* drops its ACL entries */
        if (so.n)
            st->special[i]->perms.p[0].domid = 0;
        while (so.n)
            free(so.paths[--so.n]);
        free(so.paths);
    }
    xs_table_each(&st->tree, find_owned, &o);
    if (o.n)
        qsort(o.paths, o.n, sizeof(*o.paths), by_length); /* parents first */
    for (size_t i = 0; i < o.n; i++) {
        struct xs_node *n = xs_table_get(&st->tree, o.paths[i]);
        if (n && !strcmp(o.paths[i], "/")) {
            account(st, n, -1);
            n->perms.p[0].domid = 0;
            account(st, n, +1);
            n->gen = ++st->gen;
        } else if (n) {
            remove_node(&v, o.paths[i], n);
        }
        free(o.paths[i]);
    }
    free(o.paths);
    xs_evlist_fire(st, &events);
}

static int op_set_perms(struct req *r)
{
    char *path;
    const struct xs_node *n;
    struct xs_perms perms = {NULL, 0};
    size_t plen = strnlen(r->payload, r->len);
    if (plen + 1 >= r->len)
        return -EINVAL;
    int rc = xs_perms_parse(&perms, r->payload + plen + 1, r->len - plen - 1);
    if (rc)
        return rc;
    rc = canon(r, r->payload, true, &path, NULL);
    if (rc)
        goto out_perms;
    rc = get_node(r, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);
    if (rc)
        goto out;
    if (!r->c->privileged) {
        if (perms.p[0].domid != n->perms.p[0].domid) {
            rc = -EPERM;
            goto out;
        }
        if (perms.n > r->c->store->quota.perms) {
            rc = -ENOSPC;
            goto out;
        }
    }
    if (path[0] == '@') {
        /* Special nodes are outside the tree and transactions. */
        rc = xs_node_set_perms(special_node(r->c->store, path), &perms) ?: reply_ok(r);
        goto out;
    }
    struct xs_node *w = xs_node_dup(n);
    rc = w ? xs_node_set_perms(w, &perms) : -ENOMEM;
    if (!rc)
        rc = xs_view_put(&r->view, w);
    else
        xs_node_free(w);
    if (!rc)
        rc = fire_changed(r, path) ?: reply_ok(r);
out:
    free(path);
out_perms:
    xs_perms_free(&perms);
    return rc;
}

static int op_watch(struct req *r)
{
    char *path;
    size_t strip;
    int rc = need_args(r, 2) ?: canon(r, r->argv[0], true, &path, &strip);
    if (rc)
        return rc;
    if (!r->c->privileged && r->c->nwatches >= r->c->store->quota.watches)
        rc = -E2BIG;
    if (!rc)
        rc = xs_watch_add(r->c, path, r->argv[1], strip);
    if (!rc)
        rc = reply_ok(r);
    free(path);
    return rc;
}

static int op_unwatch(struct req *r)
{
    char *path;
    int rc = need_args(r, 2) ?: canon(r, r->argv[0], true, &path, NULL);
    if (rc)
        return rc;
    rc = xs_watch_del(r->c, path, r->argv[1]) ?: reply_ok(r);
    free(path);
    return rc;
}

static int op_transaction_start(struct req *r)
{
    struct xs_conn *c = r->c;
    if (r->hdr->tx_id)
        return -EBUSY;
    if (!c->privileged && c->ntxns >= c->store->quota.transactions)
        return -ENOSPC;
    uint32_t id;
    bool used;
    do {
        id = c->next_txid++;
        used = !id;
        for (struct xs_txn *t = c->txns; t && !used; t = t->next)
            used = t->id == id;
    } while (used);
    struct xs_txn *t = xs_txn_new(id);
    if (!t)
        return -ENOMEM;
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    snprintf(r->reply, sizeof(r->reply), "%" PRIu32, id);
    r->reply_len = (uint32_t)strlen(r->reply) + 1;
    return 0;
}

static int op_transaction_end(struct req *r)
{
    struct xs_conn *c = r->c;
    struct xs_txn **pp = &c->txns;
    int rc = need_args(r, 1);
    if (rc)
        return rc;
    if (strcmp(r->argv[0], "T") && strcmp(r->argv[0], "F"))
        return -EINVAL;
    while (*pp && (*pp)->id != r->hdr->tx_id)
        pp = &(*pp)->next;
    if (!*pp)
        return -ENOENT;
    struct xs_txn *t = *pp;
    *pp = t->next;
    c->ntxns--;
    if (r->argv[0][0] == 'T')
        rc = xs_txn_commit(c->store, t, c->domid, c->privileged ? 0 : c->store->quota.entries);
    xs_txn_free(t);
    return rc ?: reply_ok(r);
}

static int op_get_domain_path(struct req *r)
{
    uint32_t domid;
    int rc = need_args(r, 1) ?: parse_domid(r->argv[0], &domid);
    if (rc)
        return rc;
    snprintf(r->reply, sizeof(r->reply), "/local/domain/%" PRIu32, domid);
    r->reply_len = (uint32_t)strlen(r->reply) + 1;
    return 0;
}

static int op_introduce(struct req *r)
{
    struct xs_store *st = r->c->store;
    uint32_t domid;
    uint64_t gfn, port;
    int rc = need_args(r, 3) ?: parse_domid(r->argv[0], &domid);
    if (!rc)
        rc = parse_uint(r->argv[1], UINT64_MAX / 10, &gfn)
                 ?: parse_uint(r->argv[2], UINT32_MAX, &port);
    if (rc)
        return rc;
    if (xs_domain_introduced(st, domid)) { /* again: after resume or soft reset */
        rc = st->hooks.rebind ? st->hooks.rebind(st->hooks.opaque, st, domid, (uint32_t)port) : 0;
        return rc ?: reply_ok(r);
    }
    if (st->hooks.attach)
        rc = st->hooks.attach(st->hooks.opaque, st, domid, gfn, (uint32_t)port);
    else
        rc = xs_domain_introduce(st, domid, NULL);
    return rc ?: reply_ok(r);
}

static int op_release(struct req *r)
{
    struct xs_store *st = r->c->store;
    uint32_t domid;
    int rc = need_args(r, 1) ?: parse_domid(r->argv[0], &domid);
    if (rc)
        return rc;
    if (!xs_domain_introduced(st, domid))
        return -ENOENT;
    if (xs_domain_conn(st, domid) == r->c)
        return -EINVAL;
    if (st->hooks.detach)
        st->hooks.detach(st->hooks.opaque, st, domid);
    return xs_domain_release(st, domid) ?: reply_ok(r);
}

static int op_is_domain_introduced(struct req *r)
{
    uint32_t domid;
    int rc = need_args(r, 1) ?: parse_domid(r->argv[0], &domid);
    if (rc)
        return rc;
    return reply_str(r, xs_domain_introduced(r->c->store, domid) ? "T" : "F");
}

static int op_resume(struct req *r)
{
    uint32_t domid;
    int rc = need_args(r, 1) ?: parse_domid(r->argv[0], &domid);
    if (rc)
        return rc;
    return xs_domain_introduced(r->c->store, domid) ? reply_ok(r) : -ENOENT;
}

static int op_set_target(struct req *r)
{
    uint32_t domid, target;
    int rc = need_args(r, 2) ?: parse_domid(r->argv[0], &domid) ?: parse_domid(r->argv[1], &target);
    if (rc)
        return rc;
    struct xs_domain *d = xs_domain_get(r->c->store, domid, false);
    if (!d || !d->introduced)
        return -ENOENT;
    d->has_target = true;
    d->target = target;
    return reply_ok(r);
}

static void drop_watches_and_txns(struct xs_conn *c)
{
    xs_watch_free_all(c);
    while (c->txns) {
        struct xs_txn *t = c->txns;
        c->txns = t->next;
        xs_txn_free(t);
    }
    c->ntxns = 0;
}

void xs_conn_reset(struct xs_conn *c)
{
    drop_watches_and_txns(c);
    while (c->out_head)
        xs_conn_out_consume(c, c->out_head->len - c->out_head->off);
}

static int op_reset_watches(struct req *r)
{
    drop_watches_and_txns(r->c);
    return reply_ok(r);
}

static int op_control(struct req *r)
{
    if (r->argc >= 1 && !strcmp(r->argv[0], "print"))
        return reply_ok(r);
    return -EINVAL;
}

#define PRIV 1u /* privileged connections only */
#define TXN  2u /* may run inside a transaction */

static const struct {
    int (*fn)(struct req *r);
    unsigned flags;
} ops[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {op_control, PRIV},
    [XS_DIRECTORY] = {op_directory, TXN},
    [XS_READ] = {op_read, TXN},
    [XS_GET_PERMS] = {op_get_perms, TXN},
    [XS_WATCH] = {op_watch, 0},
    [XS_UNWATCH] = {op_unwatch, 0},
    [XS_TRANSACTION_START] = {op_transaction_start, 0},
    [XS_TRANSACTION_END] = {op_transaction_end, 0},
    [XS_INTRODUCE] = {op_introduce, PRIV},
    [XS_RELEASE] = {op_release, PRIV},
    [XS_GET_DOMAIN_PATH] = {op_get_domain_path, 0},
    [XS_WRITE] = {op_write, TXN},
    [XS_MKDIR] = {op_mkdir, TXN},
    [XS_RM] = {op_rm, TXN},
    [XS_SET_PERMS] = {op_set_perms, TXN},
    [XS_IS_DOMAIN_INTRODUCED] = {op_is_domain_introduced, 0},
    [XS_RESUME] = {op_resume, PRIV},
    [XS_SET_TARGET] = {op_set_target, PRIV},
    [XS_RESET_WATCHES] = {op_reset_watches, 0},
    [XS_DIRECTORY_PART] = {op_directory_part, TXN},
};

static void split_args(struct req *r)
{
    uint32_t i = 0;
    r->argc = 0;
    while (i < r->len && r->argc < MAX_ARGS) {
        r->argv[r->argc++] = r->payload + i;
        i += (uint32_t)strnlen(r->payload + i, r->len - i) + 1;
    }
}

static int dispatch(struct req *r)
{
    uint32_t type = r->hdr->type;
    if (type >= XS_TYPE_COUNT || !ops[type].fn)
        return -EINVAL;
    if ((ops[type].flags & PRIV) && !r->c->privileged)
        return -EACCES;
    if (r->hdr->tx_id && (ops[type].flags & TXN)) {
        struct xs_txn *t = r->c->txns;
        while (t && t->id != r->hdr->tx_id)
            t = t->next;
        if (!t)
            return -ENOENT;
        r->view.txn = t;
        r->view.events = &t->events;
    }
    return ops[type].fn(r);
}

void xs_conn_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const char *payload)
{
    struct req *r = calloc(1, sizeof(*r));
    char *copy = malloc((size_t)hdr->len + 1);
    int rc = -ENOMEM;
    if (r && copy) {
        memcpy(copy, payload, hdr->len);
        copy[hdr->len] = '\0';
        r->c = c;
        r->hdr = hdr;
        r->payload = copy;
        r->len = hdr->len;
        r->view.st = c->store;
        r->view.events = &r->events;
        split_args(r);
        rc = dispatch(r);
    }
    if (rc) {
        const char *name = xs_errno_name(-rc);
        xs_conn_queue(c, XS_ERROR, hdr->req_id, hdr->tx_id, name, (uint32_t)strlen(name) + 1);
    } else {
        xs_conn_queue(c, hdr->type, hdr->req_id, hdr->tx_id, r->reply, r->reply_len);
        if (hdr->type == XS_WATCH) {
            /* The initial event, after the reply. */
            struct xs_watch *w = c->watches;
            while (w && w->next)
                w = w->next;
            if (w)
                xs_watch_send(c, w, w->path);
        }
    }
    if (r) {
        if (rc)
            xs_evlist_free(&r->events);
        else
            xs_evlist_fire(c->store, &r->events);
    }
    free(copy);
    free(r);
}
