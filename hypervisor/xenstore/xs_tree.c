/*
 * xs_tree.c: xenstore nodes, their permissions, path rules, and the
 * path-keyed hash table holding them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_tree.h"

static size_t hash_path(const char *s)
{
    size_t h = 1469598103934665603ull; /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

int xs_table_init(struct xs_table *t, size_t nbuckets)
{
    t->buckets = calloc(nbuckets, sizeof(*t->buckets));
    t->nbuckets = nbuckets;
    t->count = 0;
    return t->buckets ? 0 : -ENOMEM;
}

void xs_table_destroy(struct xs_table *t)
{
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct xs_node *n = t->buckets[i];
        while (n) {
            struct xs_node *next = n->hnext;
            xs_node_free(n);
            n = next;
        }
    }
    free(t->buckets);
    t->buckets = NULL;
    t->nbuckets = t->count = 0;
}

struct xs_node *xs_table_get(const struct xs_table *t, const char *path)
{
    struct xs_node *n = t->buckets[hash_path(path) % t->nbuckets];
    while (n && strcmp(n->path, path))
        n = n->hnext;
    return n;
}

static void table_grow(struct xs_table *t)
{
    size_t nb = t->nbuckets * 2;
    struct xs_node **b = calloc(nb, sizeof(*b));
    if (!b)
        return; /* keep the longer chains */
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct xs_node *n = t->buckets[i];
        while (n) {
            struct xs_node *next = n->hnext;
            size_t h = hash_path(n->path) % nb;
            n->hnext = b[h];
            b[h] = n;
            n = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
}

int xs_table_put(struct xs_table *t, struct xs_node *n)
{
    struct xs_node **pp = &t->buckets[hash_path(n->path) % t->nbuckets];
    while (*pp && strcmp((*pp)->path, n->path))
        pp = &(*pp)->hnext;
    if (*pp) {
        n->hnext = (*pp)->hnext;
        xs_node_free(*pp);
        *pp = n;
        return 0;
    }
    n->hnext = NULL;
    *pp = n;
    if (++t->count > t->nbuckets * 2)
        table_grow(t);
    return 0;
}

void xs_table_del(struct xs_table *t, const char *path)
{
    struct xs_node **pp = &t->buckets[hash_path(path) % t->nbuckets];
    while (*pp && strcmp((*pp)->path, path))
        pp = &(*pp)->hnext;
    if (*pp) {
        struct xs_node *n = *pp;
        *pp = n->hnext;
        xs_node_free(n);
        t->count--;
    }
}

void xs_table_each(const struct xs_table *t, void (*fn)(struct xs_node *, void *), void *arg)
{
    for (size_t i = 0; i < t->nbuckets; i++)
        for (struct xs_node *n = t->buckets[i]; n; n = n->hnext)
            fn(n, arg);
}

/* Nodes. */

struct xs_node *xs_node_new(const char *path, const char *value, uint32_t vlen,
                            const struct xs_perms *perms)
{
    struct xs_node *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->path = strdup(path);
    if (!n->path || xs_node_set_value(n, value, vlen) ||
        (perms && xs_perms_copy(&n->perms, perms))) {
        xs_node_free(n);
        return NULL;
    }
    return n;
}

struct xs_node *xs_node_dup(const struct xs_node *src)
{
    struct xs_node *n = xs_node_new(src->path, src->value, src->vlen, &src->perms);
    if (!n)
        return NULL;
    for (uint32_t i = 0; i < src->nchildren; i++) {
        if (xs_node_add_child(n, src->children[i])) {
            xs_node_free(n);
            return NULL;
        }
    }
    n->gen = src->gen;
    n->state = src->state;
    n->base_gen = src->base_gen;
    return n;
}

void xs_node_free(struct xs_node *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->nchildren; i++)
        free(n->children[i]);
    free(n->children);
    free(n->path);
    free(n->value);
    xs_perms_free(&n->perms);
    free(n);
}

int xs_node_set_value(struct xs_node *n, const char *value, uint32_t vlen)
{
    char *v = malloc(vlen ? vlen : 1);
    if (!v)
        return -ENOMEM;
    if (vlen)
        memcpy(v, value, vlen);
    free(n->value);
    n->value = v;
    n->vlen = vlen;
    return 0;
}

int xs_node_set_perms(struct xs_node *n, const struct xs_perms *perms)
{
    struct xs_perms p;
    int rc = xs_perms_copy(&p, perms);
    if (rc)
        return rc;
    xs_perms_free(&n->perms);
    n->perms = p;
    return 0;
}

int xs_node_add_child(struct xs_node *n, const char *name)
{
    for (uint32_t i = 0; i < n->nchildren; i++)
        if (!strcmp(n->children[i], name))
            return 0;
    if (n->nchildren == n->children_cap) {
        uint32_t cap = n->children_cap ? n->children_cap * 2 : 4;
        char **c = realloc(n->children, cap * sizeof(*c));
        if (!c)
            return -ENOMEM;
        n->children = c;
        n->children_cap = cap;
    }
    n->children[n->nchildren] = strdup(name);
    if (!n->children[n->nchildren])
        return -ENOMEM;
    n->nchildren++;
    return 0;
}

void xs_node_del_child(struct xs_node *n, const char *name)
{
    for (uint32_t i = 0; i < n->nchildren; i++) {
        if (!strcmp(n->children[i], name)) {
            free(n->children[i]);
            memmove(&n->children[i], &n->children[i + 1],
                    (n->nchildren - i - 1) * sizeof(*n->children));
            n->nchildren--;
            return;
        }
    }
}

/* Permissions. */

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src)
{
    dst->p = NULL;
    dst->n = 0;
    if (!src->n)
        return 0;
    dst->p = malloc(src->n * sizeof(*dst->p));
    if (!dst->p)
        return -ENOMEM;
    memcpy(dst->p, src->p, src->n * sizeof(*dst->p));
    dst->n = src->n;
    return 0;
}

void xs_perms_free(struct xs_perms *p)
{
    free(p->p);
    p->p = NULL;
    p->n = 0;
}

static const struct {
    char letter;
    uint32_t perm;
} perm_letters[] = {
    {'n', XS_PERM_NONE},
    {'r', XS_PERM_READ},
    {'w', XS_PERM_WRITE},
    {'b', XS_PERM_BOTH},
};

int xs_perms_parse(struct xs_perms *out, const char *buf, size_t len)
{
    out->p = NULL;
    out->n = 0;
    /* Count entries: each ends at a NUL or at the end of the buffer. */
    size_t count = 0;
    for (size_t i = 0; i < len;) {
        size_t l = strnlen(buf + i, len - i);
        count++;
        i += l + 1;
    }
    if (!count || count > 4096)
        return -EINVAL;
    out->p = calloc(count, sizeof(*out->p));
    if (!out->p)
        return -ENOMEM;
    for (size_t i = 0; i < len;) {
        size_t l = strnlen(buf + i, len - i);
        const char *e = buf + i;
        size_t k;
        if (l < 2 || l > 6)
            goto bad;
        for (k = 0; k < sizeof(perm_letters) / sizeof(perm_letters[0]); k++)
            if (perm_letters[k].letter == e[0])
                break;
        if (k == sizeof(perm_letters) / sizeof(perm_letters[0]))
            goto bad;
        uint32_t domid = 0;
        for (size_t j = 1; j < l; j++) {
            if (e[j] < '0' || e[j] > '9')
                goto bad;
            domid = domid * 10 + (uint32_t)(e[j] - '0');
        }
        if (domid > 0xffff)
            goto bad;
        out->p[out->n].domid = domid;
        out->p[out->n].perm = perm_letters[k].perm;
        out->n++;
        i += l + 1;
    }
    return 0;
bad:
    xs_perms_free(out);
    return -EINVAL;
}

int xs_perms_format(const struct xs_perms *p, char *buf, size_t size)
{
    size_t off = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        char letter = 'n';
        for (size_t k = 0; k < sizeof(perm_letters) / sizeof(perm_letters[0]); k++)
            if (perm_letters[k].perm == (p->p[i].perm & XS_PERM_BOTH))
                letter = perm_letters[k].letter;
        int w = snprintf(buf + off, size - off, "%c%u", letter, p->p[i].domid);
        if (w < 0 || (size_t)w + 1 > size - off)
            return -E2BIG;
        off += (size_t)w + 1; /* keep the NUL */
    }
    return (int)off;
}

unsigned xs_perms_for(const struct xs_perms *p, uint32_t domid)
{
    if (!p->n)
        return XS_PERM_NONE;
    if (p->p[0].domid == domid)
        return XS_PERM_BOTH | XS_PERM_OWNER;
    for (uint32_t i = 1; i < p->n; i++)
        if (p->p[i].domid == domid)
            return p->p[i].perm & XS_PERM_BOTH;
    return p->p[0].perm & XS_PERM_BOTH;
}

/* Paths. */

bool xs_path_valid(const char *path)
{
    if (path[0] != '/')
        return false;
    if (!path[1])
        return true;
    for (const char *c = path; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '-' || *c == '/' || *c == '_' || *c == '@';
        if (!ok)
            return false;
        if (*c == '/' && (c[1] == '/' || c[1] == '\0'))
            return false;
    }
    return true;
}

bool xs_path_is_under(const char *path, const char *dir)
{
    size_t l = strlen(dir);
    if (!strcmp(dir, "/"))
        return path[0] == '/';
    return !strncmp(path, dir, l) && (path[l] == '\0' || path[l] == '/');
}

char *xs_path_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !strcmp(path, "/"))
        return NULL;
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

const char *xs_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *xs_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool root = !strcmp(dir, "/");
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    if (root) {
        p[0] = '/';
        memcpy(p + 1, name, nl + 1);
    } else {
        memcpy(p, dir, dl);
        p[dl] = '/';
        memcpy(p + dl + 1, name, nl + 1);
    }
    return p;
}
