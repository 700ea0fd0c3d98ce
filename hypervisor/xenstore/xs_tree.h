/*
 * xs_tree.h: xenstore nodes, node permissions and the path-keyed table
 * that holds them (the store's tree, and each transaction's overlay).
 */
#ifndef XS_TREE_H
#define XS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Permission bits, and the letters of Xen's text form ("n0", "r1"...). */
#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH  (XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER 4u /* a result of xs_perms_for, never stored */

struct xs_perm {
    uint32_t domid;
    uint32_t perm; /* XS_PERM_READ | XS_PERM_WRITE */
};

/*
 * perms[0] names the owner and what every domain not listed may do;
 * perms[1..] name other domains' rights.
 */
struct xs_perms {
    struct xs_perm *p;
    uint32_t n;
};

/* State of a node in a transaction overlay (always XS_NODE_LIVE in the
 * store's own tree). */
enum xs_node_state {
    XS_NODE_LIVE = 0, /* a value the transaction wrote */
    XS_NODE_SEEN,     /* read only: a copy as first seen */
    XS_NODE_ABSENT,   /* read only: did not exist when first looked for */
    XS_NODE_GONE,     /* deleted by the transaction */
};

struct xs_node {
    char *path;
    char *value; /* not NUL-terminated; vlen bytes */
    uint32_t vlen;
    struct xs_perms perms;
    char **children; /* names, in creation order */
    uint32_t nchildren, children_cap;
    uint64_t gen; /* changes whenever value, perms or children change */
    /* Transaction overlays only. */
    enum xs_node_state state;
    uint64_t base_gen; /* gen in the store when first seen, 0 = absent */
    struct xs_node *hnext;
};

struct xs_table {
    struct xs_node **buckets;
    size_t nbuckets, count;
};

/* Table of nodes keyed by path; the table owns its nodes. */
int xs_table_init(struct xs_table *t, size_t nbuckets);
void xs_table_destroy(struct xs_table *t);
struct xs_node *xs_table_get(const struct xs_table *t, const char *path);
/* Insert n (owned from now on), replacing and freeing any node of that path. */
int xs_table_put(struct xs_table *t, struct xs_node *n);
/* Remove and free the node of that path, if any. */
void xs_table_del(struct xs_table *t, const char *path);
/* Call fn on every node (fn must not change the table). */
void xs_table_each(const struct xs_table *t, void (*fn)(struct xs_node *, void *), void *arg);

/* Nodes. */
struct xs_node *xs_node_new(const char *path, const char *value, uint32_t vlen,
                            const struct xs_perms *perms);
struct xs_node *xs_node_dup(const struct xs_node *n);
void xs_node_free(struct xs_node *n);
int xs_node_set_value(struct xs_node *n, const char *value, uint32_t vlen);
int xs_node_set_perms(struct xs_node *n, const struct xs_perms *perms);
int xs_node_add_child(struct xs_node *n, const char *name);
void xs_node_del_child(struct xs_node *n, const char *name);

/* Permissions. */
int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src);
void xs_perms_free(struct xs_perms *p);
/* Parse NUL-separated "<letter><domid>" entries (len bytes); -EINVAL if bad. */
int xs_perms_parse(struct xs_perms *out, const char *buf, size_t len);
/* Write the text form, each entry NUL-terminated; returns bytes or -E2BIG. */
int xs_perms_format(const struct xs_perms *p, char *buf, size_t size);
/* What domid may do: XS_PERM_READ|WRITE, plus XS_PERM_OWNER for the owner. */
unsigned xs_perms_for(const struct xs_perms *p, uint32_t domid);

/* Paths. */
/* A valid absolute node path: "/" or "/a/b" of [A-Za-z0-9-/_@] chars, no
 * empty component, no trailing '/'. */
bool xs_path_valid(const char *path);
/* Is path equal to or below dir? */
bool xs_path_is_under(const char *path, const char *dir);
/* The parent of a path other than "/" (malloc'd), or NULL. */
char *xs_path_parent(const char *path);
/* The last component of a path other than "/". */
const char *xs_path_base(const char *path);
/* dir + "/" + name (malloc'd). */
char *xs_path_join(const char *dir, const char *name);

#endif
