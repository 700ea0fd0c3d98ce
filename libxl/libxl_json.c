/*
 * libxl_json.c: JSON for every IDL type, driven by the type tables.
 * Generation writes what libxl 4.17 writes: a field holding its default
 * is left out, nested structs are always written, a keyed union is
 * written as "KEY.MEMBER": {...}, enums by their lower-case names.
 * Parsing ignores unknown keys (as libxl does), rejects wrong value types
 * and unknown enum names with an error naming the path, and applies the
 * deprecated-alias rules of structs that have them.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl.h"
#include "libxl_json.h"

/* Paths and errors */

size_t libxl__json_path_push(libxl__json_path *path, const char *key)
{
    size_t old = path->len;
    int n = snprintf(path->buf + path->len, sizeof(path->buf) - path->len, "%s%s",
                     path->len ? "." : "", key);

    if (n > 0)
        path->len += (size_t)n;
    if (path->len >= sizeof(path->buf))
        path->len = sizeof(path->buf) - 1;
    return old;
}

size_t libxl__json_path_push_index(libxl__json_path *path, size_t index)
{
    size_t old = path->len;
    int n = snprintf(path->buf + path->len, sizeof(path->buf) - path->len, "[%zu]", index);

    if (n > 0)
        path->len += (size_t)n;
    if (path->len >= sizeof(path->buf))
        path->len = sizeof(path->buf) - 1;
    return old;
}

void libxl__json_path_pop(libxl__json_path *path, size_t len)
{
    path->len = len;
    path->buf[len] = 0;
}

int libxl__json_error(libxl__json_path *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (path->err)
        return ERROR_INVAL;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (asprintf(&path->err, "%s: %s", path->len ? path->buf : "(top level)", msg) < 0)
        path->err = NULL;
    return ERROR_INVAL;
}

/* Generation */

yajl_gen_status libxl__json_gen_uint64(yajl_gen g, uint64_t v)
{
    char buf[32];
    int n;

    if (v <= INT64_MAX)
        return yajl_gen_integer(g, (long long)v);
    n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return yajl_gen_number(g, buf, (size_t)n);
}

static yajl_gen_status gen_string(yajl_gen g, const char *s)
{
    if (!s)
        return yajl_gen_null(g);
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static yajl_gen_status gen_struct(yajl_gen g, const libxl__type_desc *d, const void *p);

yajl_gen_status libxl__json_gen_value(yajl_gen g, const libxl__type_desc *t, const void *p)
{
    int64_t v;

    switch (t->kind) {
    case LIBXL__K_STRUCT:
        return gen_struct(g, t, p);
    case LIBXL__K_STRING:
        return gen_string(g, *(char *const *)p);
    case LIBXL__K_BOOL:
        return yajl_gen_bool(g, *(const bool *)p);
    case LIBXL__K_ENUM: {
        const char *s = libxl__enum_to_string(t, *(const int *)p);
        return s ? gen_string(g, s) : yajl_gen_integer(g, *(const int *)p);
    }
    case LIBXL__K_UINT64:
        return libxl__json_gen_uint64(g, *(const uint64_t *)p);
    default:
        break;
    }
    if (libxl__kind_is_integer(t->kind)) {
        v = libxl__int_get(t->kind, p);
        return yajl_gen_integer(g, (long long)v);
    }
    if (libxl__builtin_json_table[t->kind].gen)
        return libxl__builtin_json_table[t->kind].gen(g, p);
    return yajl_gen_generation_complete;
}

static yajl_gen_status gen_key(yajl_gen g, const char *k)
{
    return yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static yajl_gen_status gen_array(yajl_gen g, const libxl__field_desc *f, const char *base)
{
    const char *arr = *(char *const *)(base + f->offset);
    int n = *(const int *)(base + f->count_offset);
    yajl_gen_status s = yajl_gen_array_open(g);

    for (int j = 0; j < n && s == yajl_gen_status_ok; j++)
        s = libxl__json_gen_value(g, f->type, arr + (size_t)j * f->type->size);
    if (s == yajl_gen_status_ok)
        s = yajl_gen_array_close(g);
    return s;
}

static yajl_gen_status gen_union(yajl_gen g, const libxl__field_desc *f, const char *base)
{
    const libxl__union_member *m;
    char key[128];
    yajl_gen_status s;

    libxl__union_active(f, base, &m);
    if (!m)
        return yajl_gen_status_ok;
    snprintf(key, sizeof(key), "%s.%s", f->key_name, m->name);
    s = gen_key(g, key);
    if (s != yajl_gen_status_ok)
        return s;
    if (m->type)
        return gen_struct(g, m->type, base + f->offset);
    s = yajl_gen_map_open(g);
    return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
}

static yajl_gen_status gen_struct(yajl_gen g, const libxl__type_desc *d, const void *p)
{
    const char *base = p;
    yajl_gen_status s = yajl_gen_map_open(g);

    for (size_t i = 0; i < d->nfields && s == yajl_gen_status_ok; i++) {
        const libxl__field_desc *f = &d->fields[i];

        if (f->is_const)
            continue;
        if (f->fkind == LIBXL__F_UNION) {
            s = gen_union(g, f, base);
            continue;
        }
        if (libxl__field_is_default(f, p))
            continue;
        s = gen_key(g, f->name);
        if (s != yajl_gen_status_ok)
            break;
        if (f->fkind == LIBXL__F_ARRAY)
            s = gen_array(g, f, base);
        else
            s = libxl__json_gen_value(g, f->type, base + f->offset);
    }
    if (s == yajl_gen_status_ok)
        s = yajl_gen_map_close(g);
    return s;
}

yajl_gen_status libxl__obj_gen_json(yajl_gen g, const libxl__type_desc *d, const void *p)
{
    return libxl__json_gen_value(g, d, p);
}

char *libxl__obj_to_json(const libxl__type_desc *d, const void *p)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *r = NULL;

    if (!g)
        return NULL;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "    ");
    if (libxl__json_gen_value(g, d, p) != yajl_gen_status_ok)
        goto out;
    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        goto out;
    r = malloc(len + 1);
    if (r) {
        memcpy(r, buf, len);
        r[len] = 0;
    }
out:
    yajl_gen_free(g);
    return r;
}

/* Parsing */

/*
 * Limits checked on the text, before yajl builds a tree: yajl's tree code
 * recurses as deep as the input nests and grows arrays one element at a
 * time.  64 levels is far deeper than any IDL type nests
 * (domain_config.vsnds[].pcms[].streams[].params.sample_rates is 9), and
 * 65536 elements (or members) far more than any config needs (vCPUs,
 * devices, IRQs).
 */
#define JSON_MAX_DEPTH    64
#define JSON_MAX_ELEMENTS 65536

int libxl__json_parse_int(libxl__json_path *path, yajl_val v, libxl__kind k, int64_t *out)
{
    const char *s;
    char *end;
    bool neg;

    if (!YAJL_IS_NUMBER(v) || !v->u.number.r)
        return libxl__json_error(path, "expected an integer");
    s = v->u.number.r;
    if (strpbrk(s, ".eE"))
        return libxl__json_error(path, "expected an integer, not %s", s);
    neg = s[0] == '-';
    errno = 0;
    if (neg)
        *out = strtoll(s, &end, 10);
    else
        *out = (int64_t)strtoull(s, &end, 10);
    if (errno || *end || !libxl__int_fits(k, *out, !neg))
        return libxl__json_error(path, "integer %s out of range", s);
    return 0;
}

static int parse_struct(libxl__json_path *path, const libxl__type_desc *d, yajl_val v, void *p);

int libxl__json_parse_value(libxl__json_path *path, const libxl__type_desc *t, yajl_val v, void *p)
{
    int64_t n;
    int rc, e;

    if (!v || YAJL_IS_NULL(v))
        return 0; /* null: left as it is (the default) */
    switch (t->kind) {
    case LIBXL__K_STRUCT:
        return parse_struct(path, t, v, p);
    case LIBXL__K_STRING:
        if (!YAJL_IS_STRING(v))
            return libxl__json_error(path, "expected a string");
        free(*(char **)p);
        *(char **)p = strdup(v->u.string);
        return *(char **)p ? 0 : ERROR_NOMEM;
    case LIBXL__K_BOOL:
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
            return libxl__json_error(path, "expected a boolean");
        *(bool *)p = YAJL_IS_TRUE(v);
        return 0;
    case LIBXL__K_ENUM:
        if (!YAJL_IS_STRING(v))
            return libxl__json_error(path, "expected a %s name (a string)", t->name);
        if (libxl__enum_from_string(t, v->u.string, &e))
            return libxl__json_error(path, "unknown %s \"%s\"", t->name, v->u.string);
        *(int *)p = e;
        return 0;
    default:
        break;
    }
    if (libxl__kind_is_integer(t->kind)) {
        rc = libxl__json_parse_int(path, v, t->kind, &n);
        if (!rc)
            libxl__int_set(t->kind, p, n);
        return rc;
    }
    if (libxl__builtin_json_table[t->kind].parse)
        return libxl__builtin_json_table[t->kind].parse(path, v, p);
    return libxl__json_error(path, "cannot be parsed");
}

static yajl_val object_get(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

static void init_element(const libxl__type_desc *t, void *p)
{
    libxl__obj_init(t, p);
}

static int parse_array(libxl__json_path *path, const libxl__field_desc *f, yajl_val v, char *base)
{
    char **arr = (char **)(base + f->offset);
    int *count = (int *)(base + f->count_offset);
    size_t n, esz = f->type->size;
    int rc = 0;

    if (!YAJL_IS_ARRAY(v))
        return libxl__json_error(path, "expected an array");
    n = v->u.array.len;
    if (n > JSON_MAX_ELEMENTS) /* over_limits() refuses such documents */
        return libxl__json_error(path, "%zu elements, more than %d", n, JSON_MAX_ELEMENTS);
    /* replace what was there */
    if (*arr) {
        for (int j = 0; j < *count; j++)
            libxl__obj_dispose(f->type, *arr + (size_t)j * esz);
        free(*arr);
        *arr = NULL;
    }
    *count = 0;
    if (!n)
        return 0;
    *arr = calloc(n, esz);
    if (!*arr)
        return ERROR_NOMEM;
    for (size_t j = 0; j < n; j++)
        init_element(f->type, *arr + j * esz);
    *count = (int)n;
    for (size_t j = 0; j < n && !rc; j++) {
        size_t old = libxl__json_path_push_index(path, j);
        rc = libxl__json_parse_value(path, f->type, v->u.array.values[j], *arr + j * esz);
        libxl__json_path_pop(path, old);
    }
    return rc;
}

static int parse_union(libxl__json_path *path, const libxl__type_desc *d, size_t idx, yajl_val obj,
                       char *base)
{
    const libxl__field_desc *f = &d->fields[idx];

    for (size_t i = 0; i < f->nmembers; i++) {
        const libxl__union_member *m = &f->members[i];
        char key[128];
        yajl_val mv;
        size_t old;
        int rc = 0;

        snprintf(key, sizeof(key), "%s.%s", f->key_name, m->name);
        mv = object_get(obj, key);
        if (!mv)
            continue;
        libxl__obj_init_union(d, idx, base, m->key);
        old = libxl__json_path_push(path, key);
        if (!YAJL_IS_OBJECT(mv) && !YAJL_IS_NULL(mv))
            rc = libxl__json_error(path, "expected an object");
        else if (m->type)
            rc = libxl__json_parse_value(path, m->type, mv, base + f->offset);
        libxl__json_path_pop(path, old);
        return rc;
    }
    return 0;
}

static int parse_struct(libxl__json_path *path, const libxl__type_desc *d, yajl_val v, void *p)
{
    char *base = p;
    int rc = 0;

    if (!YAJL_IS_OBJECT(v))
        return libxl__json_error(path, "expected an object");
    for (size_t i = 0; i < d->nfields && !rc; i++) {
        const libxl__field_desc *f = &d->fields[i];
        yajl_val fv;
        size_t old;

        if (f->is_const)
            continue;
        if (f->fkind == LIBXL__F_UNION) {
            rc = parse_union(path, d, i, v, base);
            continue;
        }
        fv = object_get(v, f->name);
        if (!fv)
            continue;
        old = libxl__json_path_push(path, f->name);
        if (f->fkind == LIBXL__F_ARRAY && !YAJL_IS_NULL(fv))
            rc = parse_array(path, f, fv, base);
        else if (f->fkind == LIBXL__F_PLAIN)
            rc = libxl__json_parse_value(path, f->type, fv, base + f->offset);
        libxl__json_path_pop(path, old);
    }
    if (!rc && d->has_deprecated) {
        char *msg = NULL;

        rc = libxl__obj_resolve_deprecated(d, p, path->buf, true, &msg);
        if (rc && !path->err) {
            path->err = msg;
            msg = NULL;
        }
        free(msg);
    }
    return rc;
}

int libxl__obj_parse_json(const libxl__type_desc *d, yajl_val v, void *p, char **err_r)
{
    libxl__json_path path = {.len = 0};
    int rc = libxl__json_parse_value(&path, d, v, p);

    if (rc && !path.err)
        path.err = strdup("out of memory");
    if (err_r)
        *err_r = path.err;
    else
        free(path.err);
    return rc;
}

/* NULL if s is within the limits, else what is wrong. */
static const char *over_limits(const char *s)
{
    long count[JSON_MAX_DEPTH + 1] = {0};
    int depth = 0;
    bool in_string = false;

    for (; *s; s++) {
        if (in_string) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                in_string = false;
        } else if (*s == '"') {
            in_string = true;
        } else if (*s == '[' || *s == '{') {
            if (++depth > JSON_MAX_DEPTH)
                return "nested more than 64 deep";
            count[depth] = 0;
        } else if (*s == ']' || *s == '}') {
            if (depth > 0)
                depth--;
        } else if (*s == ',' && depth > 0 && ++count[depth] >= JSON_MAX_ELEMENTS) {
            return "an array or object of more than 65536 elements";
        }
    }
    return NULL;
}

int libxl__obj_from_json(const libxl__type_desc *d, void *p, const char *s, char **err_r)
{
    char errbuf[1024], *nl;
    const char *limit;
    yajl_val tree;
    int rc;

    if (err_r)
        *err_r = NULL;
    if (!s) {
        if (err_r)
            *err_r = strdup("no JSON given");
        return ERROR_INVAL;
    }
    limit = over_limits(s);
    if (limit) {
        if (err_r && asprintf(err_r, "invalid JSON: %s", limit) < 0)
            *err_r = NULL;
        return ERROR_INVAL;
    }
    errbuf[0] = 0;
    tree = yajl_tree_parse(s, errbuf, sizeof(errbuf));
    if (!tree) {
        nl = strchr(errbuf, '\n');
        if (nl)
            *nl = 0;
        if (err_r && asprintf(err_r, "invalid JSON: %s", errbuf[0] ? errbuf : "parse error") < 0)
            *err_r = NULL;
        return ERROR_INVAL;
    }
    if (YAJL_IS_NULL(tree)) {
        yajl_tree_free(tree);
        if (err_r)
            *err_r = strdup("(top level): expected an object");
        return ERROR_INVAL;
    }
    rc = libxl__obj_parse_json(d, tree, p, err_r);
    yajl_tree_free(tree);
    return rc;
}

int libxl__obj_from_json_ctx(libxl_ctx *ctx, const libxl__type_desc *d, void *p, const char *s)
{
    char *err = NULL;
    int rc = libxl__obj_from_json(d, p, s, &err);

    (void)ctx;
    /* Until libxl has its logger, errors go where libxl's default logger
     * (xl's) puts them. */
    if (rc)
        fprintf(stderr, "libxl: error: %s parse: %s\n", d->name, err ? err : "failed");
    free(err);
    return rc;
}
