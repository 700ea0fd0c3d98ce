/*
 * libxl_json_builtin.c: JSON of the builtin types, in libxl 4.17's
 * formats: defbool "True"/"False", uuid and MAC as strings, bitmap as the
 * array of set bit numbers, string lists as arrays, key/value lists as
 * objects, cpuid policy as {"cpuid": [...], "msr": [...]}, hwcap (its
 * first four words) and VM generation id as arrays of numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl.h"
#include "libxl_json.h"

/* The largest bit number a bitmap may name in JSON (4M CPUs/nodes). */
#define JSON_BITMAP_MAX_BIT (1 << 22)

static yajl_gen_status gen_str(yajl_gen g, const char *s)
{
    if (!s)
        return yajl_gen_null(g);
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* defbool */

static yajl_gen_status defbool_gen(yajl_gen g, const void *p)
{
    return gen_str(g, libxl_defbool_to_string(*(const libxl_defbool *)p));
}

static int defbool_parse(libxl__json_path *path, yajl_val v, void *p)
{
    libxl_defbool *db = p;

    if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        libxl_defbool_set(db, YAJL_IS_TRUE(v));
        return 0;
    }
    if (YAJL_IS_STRING(v)) {
        if (!strcmp(v->u.string, "True")) {
            libxl_defbool_set(db, true);
            return 0;
        }
        if (!strcmp(v->u.string, "False")) {
            libxl_defbool_set(db, false);
            return 0;
        }
        if (!strcmp(v->u.string, "<default>")) {
            libxl_defbool_unset(db);
            return 0;
        }
    }
    return libxl__json_error(path, "expected a boolean (\"True\" or \"False\")");
}

/* uuid and mac */

static yajl_gen_status uuid_gen(yajl_gen g, const void *p)
{
    const libxl_uuid *u = p;
    char buf[LIBXL_UUID_FMTLEN + 1];

    snprintf(buf, sizeof(buf), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(*u));
    return gen_str(g, buf);
}

static int uuid_parse(libxl__json_path *path, yajl_val v, void *p)
{
    if (!YAJL_IS_STRING(v))
        return libxl__json_error(path, "expected a uuid (a string)");
    if (libxl_uuid_from_string(p, v->u.string))
        return libxl__json_error(path, "invalid uuid \"%s\"", v->u.string);
    return 0;
}

static yajl_gen_status mac_gen(yajl_gen g, const void *p)
{
    const uint8_t *m = p;
    char buf[LIBXL_MAC_FMTLEN + 1];

    snprintf(buf, sizeof(buf), LIBXL_MAC_FMT, LIBXL_MAC_BYTES(m));
    return gen_str(g, buf);
}

static int mac_parse(libxl__json_path *path, yajl_val v, void *p)
{
    if (!YAJL_IS_STRING(v))
        return libxl__json_error(path, "expected a MAC address (a string)");
    if (libxl_mac_from_string(p, v->u.string))
        return libxl__json_error(path, "invalid MAC address \"%s\"", v->u.string);
    return 0;
}

/* bitmap */

static yajl_gen_status bitmap_gen(yajl_gen g, const void *p)
{
    const libxl_bitmap *b = p;
    yajl_gen_status s = yajl_gen_array_open(g);
    int i;

    libxl_for_each_set_bit(i, *b)
    {
        if (s != yajl_gen_status_ok)
            break;
        s = yajl_gen_integer(g, i);
    }
    return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

static int bitmap_parse(libxl__json_path *path, yajl_val v, void *p)
{
    libxl_bitmap *b = p;
    int64_t max = -1, bit;
    size_t n, old;
    int rc;

    if (!YAJL_IS_ARRAY(v))
        return libxl__json_error(path, "expected an array of bit numbers");
    n = v->u.array.len;
    for (size_t i = 0; i < n; i++) {
        old = libxl__json_path_push_index(path, i);
        rc = libxl__json_parse_int(path, v->u.array.values[i], LIBXL__K_INT, &bit);
        if (!rc && (bit < 0 || bit > JSON_BITMAP_MAX_BIT))
            rc = libxl__json_error(path, "bit number %lld out of range", (long long)bit);
        libxl__json_path_pop(path, old);
        if (rc)
            return rc;
        if (bit > max)
            max = bit;
    }
    libxl_bitmap_dispose(b);
    if (libxl_bitmap_alloc(NULL, b, (int)(max + 1)))
        return ERROR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        libxl__json_parse_int(path, v->u.array.values[i], LIBXL__K_INT, &bit);
        libxl_bitmap_set(b, (int)bit);
    }
    return 0;
}

/* string_list and key_value_list */

static yajl_gen_status string_list_gen(yajl_gen g, const void *p)
{
    char *const *l = *(char **const *)p;
    yajl_gen_status s = yajl_gen_array_open(g);

    for (int i = 0; l && l[i] && s == yajl_gen_status_ok; i++)
        s = gen_str(g, l[i]);
    return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

static int string_list_parse(libxl__json_path *path, yajl_val v, void *p)
{
    libxl_string_list *sl = p;
    size_t n;

    if (!YAJL_IS_ARRAY(v))
        return libxl__json_error(path, "expected an array of strings");
    n = v->u.array.len;
    for (size_t i = 0; i < n; i++)
        if (!YAJL_IS_STRING(v->u.array.values[i])) {
            libxl__json_path_push_index(path, i);
            return libxl__json_error(path, "expected a string");
        }
    libxl_string_list_dispose(sl);
    *sl = calloc(n + 1, sizeof(char *));
    if (!*sl)
        return ERROR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (!((*sl)[i] = strdup(v->u.array.values[i]->u.string)))
            return ERROR_NOMEM;
    return 0;
}

static yajl_gen_status kv_gen(yajl_gen g, const void *p)
{
    char *const *l = *(char **const *)p;
    yajl_gen_status s = yajl_gen_map_open(g);

    for (int i = 0; l && l[i] && s == yajl_gen_status_ok; i += 2) {
        s = gen_str(g, l[i]);
        if (s == yajl_gen_status_ok)
            s = gen_str(g, l[i + 1]);
    }
    return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
}

static int kv_parse(libxl__json_path *path, yajl_val v, void *p)
{
    libxl_key_value_list *kvl = p;
    size_t n;

    if (!YAJL_IS_OBJECT(v))
        return libxl__json_error(path, "expected an object of strings");
    n = v->u.object.len;
    for (size_t i = 0; i < n; i++) {
        yajl_val x = v->u.object.values[i];
        if (!YAJL_IS_STRING(x) && !YAJL_IS_NULL(x)) {
            libxl__json_path_push(path, v->u.object.keys[i]);
            return libxl__json_error(path, "expected a string");
        }
    }
    libxl_key_value_list_dispose(kvl);
    *kvl = calloc(2 * n + 1, sizeof(char *));
    if (!*kvl)
        return ERROR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        yajl_val x = v->u.object.values[i];
        if (!((*kvl)[2 * i] = strdup(v->u.object.keys[i])))
            return ERROR_NOMEM;
        if (YAJL_IS_STRING(x) && !((*kvl)[2 * i + 1] = strdup(x->u.string)))
            return ERROR_NOMEM;
    }
    return 0;
}

/* cpuid policy */

static const char *const cpuid_regs[4] = {"eax", "ebx", "ecx", "edx"};

static yajl_gen_status cpuid_gen(yajl_gen g, const void *p)
{
    const libxl_cpuid_policy *c = *(libxl_cpuid_policy *const *)p;
    yajl_gen_status s = yajl_gen_map_open(g);

    if (s == yajl_gen_status_ok)
        s = gen_str(g, "cpuid");
    if (s == yajl_gen_status_ok)
        s = yajl_gen_array_open(g);
    for (int i = 0; c && i < c->num_leaves && s == yajl_gen_status_ok; i++) {
        const libxl_cpuid_leaf *l = &c->leaves[i];

        s = yajl_gen_map_open(g);
        if (s == yajl_gen_status_ok)
            s = gen_str(g, "leaf");
        if (s == yajl_gen_status_ok)
            s = yajl_gen_integer(g, l->leaf);
        if (s == yajl_gen_status_ok && l->subleaf != LIBXL_CPUID_INPUT_UNUSED) {
            s = gen_str(g, "subleaf");
            if (s == yajl_gen_status_ok)
                s = yajl_gen_integer(g, l->subleaf);
        }
        for (int r = 0; r < 4 && s == yajl_gen_status_ok; r++) {
            if (!l->policy[r])
                continue;
            s = gen_str(g, cpuid_regs[r]);
            if (s == yajl_gen_status_ok)
                s = gen_str(g, l->policy[r]);
        }
        if (s == yajl_gen_status_ok)
            s = yajl_gen_map_close(g);
    }
    if (s == yajl_gen_status_ok)
        s = yajl_gen_array_close(g);
    if (s == yajl_gen_status_ok)
        s = gen_str(g, "msr");
    if (s == yajl_gen_status_ok)
        s = yajl_gen_array_open(g);
    for (int i = 0; c && i < c->num_msrs && s == yajl_gen_status_ok; i++) {
        s = yajl_gen_map_open(g);
        if (s == yajl_gen_status_ok)
            s = gen_str(g, "index");
        if (s == yajl_gen_status_ok)
            s = yajl_gen_integer(g, c->msrs[i].index);
        if (s == yajl_gen_status_ok && c->msrs[i].policy) {
            s = gen_str(g, "policy");
            if (s == yajl_gen_status_ok)
                s = gen_str(g, c->msrs[i].policy);
        }
        if (s == yajl_gen_status_ok)
            s = yajl_gen_map_close(g);
    }
    if (s == yajl_gen_status_ok)
        s = yajl_gen_array_close(g);
    return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
}

static yajl_val obj_get(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

/* A uint32 member KEY of object o into *out; absent: left alone. */
static int get_u32(libxl__json_path *path, yajl_val o, const char *key, uint32_t *out)
{
    yajl_val x = obj_get(o, key);
    size_t old;
    int64_t n;
    int rc = 0;

    if (!x)
        return 0;
    old = libxl__json_path_push(path, key);
    rc = libxl__json_parse_int(path, x, LIBXL__K_UINT32, &n);
    libxl__json_path_pop(path, old);
    if (!rc)
        *out = (uint32_t)n;
    return rc;
}

static int get_str(libxl__json_path *path, yajl_val o, const char *key, char **out)
{
    yajl_val x = obj_get(o, key);

    if (!x || YAJL_IS_NULL(x))
        return 0;
    if (!YAJL_IS_STRING(x)) {
        libxl__json_path_push(path, key);
        return libxl__json_error(path, "expected a string");
    }
    *out = strdup(x->u.string);
    return *out ? 0 : ERROR_NOMEM;
}

static int cpuid_parse_leaves(libxl__json_path *path, yajl_val a, libxl_cpuid_policy *c)
{
    if (!YAJL_IS_ARRAY(a))
        return libxl__json_error(path, "expected an array");
    c->leaves = calloc(a->u.array.len ? a->u.array.len : 1, sizeof(*c->leaves));
    if (!c->leaves)
        return ERROR_NOMEM;
    for (size_t i = 0; i < a->u.array.len; i++) {
        yajl_val o = a->u.array.values[i];
        libxl_cpuid_leaf *l = &c->leaves[i];
        size_t old = libxl__json_path_push_index(path, i);
        int rc = 0;

        c->num_leaves = (int)i + 1;
        l->leaf = l->subleaf = LIBXL_CPUID_INPUT_UNUSED;
        if (!YAJL_IS_OBJECT(o))
            rc = libxl__json_error(path, "expected an object");
        if (!rc)
            rc = get_u32(path, o, "leaf", &l->leaf);
        if (!rc)
            rc = get_u32(path, o, "subleaf", &l->subleaf);
        for (int r = 0; r < 4 && !rc; r++)
            rc = get_str(path, o, cpuid_regs[r], &l->policy[r]);
        if (rc)
            return rc;
        libxl__json_path_pop(path, old);
    }
    return 0;
}

static int cpuid_parse_msrs(libxl__json_path *path, yajl_val a, libxl_cpuid_policy *c)
{
    if (!YAJL_IS_ARRAY(a))
        return libxl__json_error(path, "expected an array");
    c->msrs = calloc(a->u.array.len ? a->u.array.len : 1, sizeof(*c->msrs));
    if (!c->msrs)
        return ERROR_NOMEM;
    for (size_t i = 0; i < a->u.array.len; i++) {
        yajl_val o = a->u.array.values[i];
        size_t old = libxl__json_path_push_index(path, i);
        int rc = 0;

        c->num_msrs = (int)i + 1;
        if (!YAJL_IS_OBJECT(o))
            rc = libxl__json_error(path, "expected an object");
        if (!rc)
            rc = get_u32(path, o, "index", &c->msrs[i].index);
        if (!rc)
            rc = get_str(path, o, "policy", &c->msrs[i].policy);
        if (rc)
            return rc;
        libxl__json_path_pop(path, old);
    }
    return 0;
}

static int cpuid_parse(libxl__json_path *path, yajl_val v, void *p)
{
    libxl_cpuid_policy_list *cl = p;
    yajl_val leaves, msrs;
    size_t old;
    int rc = 0;

    if (!YAJL_IS_OBJECT(v))
        return libxl__json_error(path, "expected an object");
    libxl_cpuid_dispose(cl);
    *cl = calloc(1, sizeof(**cl));
    if (!*cl)
        return ERROR_NOMEM;
    leaves = obj_get(v, "cpuid");
    msrs = obj_get(v, "msr");
    if (leaves && !YAJL_IS_NULL(leaves)) {
        old = libxl__json_path_push(path, "cpuid");
        rc = cpuid_parse_leaves(path, leaves, *cl);
        libxl__json_path_pop(path, old);
    }
    if (!rc && msrs && !YAJL_IS_NULL(msrs)) {
        old = libxl__json_path_push(path, "msr");
        rc = cpuid_parse_msrs(path, msrs, *cl);
        libxl__json_path_pop(path, old);
    }
    return rc;
}

/* hwcap and ms_vm_genid: fixed-size arrays of numbers */

static yajl_gen_status hwcap_gen(yajl_gen g, const void *p)
{
    const uint32_t *w = p;
    yajl_gen_status s = yajl_gen_array_open(g);

    /* libxl 4.17 writes (and reads) the first four words only */
    for (int i = 0; i < 4 && s == yajl_gen_status_ok; i++)
        s = yajl_gen_integer(g, w[i]);
    return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

static int fixed_array_parse(libxl__json_path *path, yajl_val v, size_t n, libxl__kind k, void *out,
                             size_t esz)
{
    if (!YAJL_IS_ARRAY(v) || v->u.array.len > n)
        return libxl__json_error(path, "expected an array of at most %zu numbers", n);
    for (size_t i = 0; i < v->u.array.len; i++) {
        size_t old = libxl__json_path_push_index(path, i);
        int64_t x;
        int rc = libxl__json_parse_int(path, v->u.array.values[i], k, &x);

        libxl__json_path_pop(path, old);
        if (rc)
            return rc;
        libxl__int_set(k, (char *)out + i * esz, x);
    }
    return 0;
}

static int hwcap_parse(libxl__json_path *path, yajl_val v, void *p)
{
    return fixed_array_parse(path, v, 4, LIBXL__K_UINT32, p, sizeof(uint32_t));
}

static yajl_gen_status genid_gen(yajl_gen g, const void *p)
{
    const libxl_ms_vm_genid *id = p;
    yajl_gen_status s = yajl_gen_array_open(g);

    for (int i = 0; i < 16 && s == yajl_gen_status_ok; i++)
        s = yajl_gen_integer(g, id->bytes[i]);
    return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

static int genid_parse(libxl__json_path *path, yajl_val v, void *p)
{
    libxl_ms_vm_genid *id = p;

    return fixed_array_parse(path, v, 16, LIBXL__K_UINT8, id->bytes, 1);
}

const libxl__builtin_json_ops libxl__builtin_json_table[LIBXL__K_NR] = {
    [LIBXL__K_DEFBOOL] = {defbool_gen, defbool_parse},
    [LIBXL__K_UUID] = {uuid_gen, uuid_parse},
    [LIBXL__K_MAC] = {mac_gen, mac_parse},
    [LIBXL__K_BITMAP] = {bitmap_gen, bitmap_parse},
    [LIBXL__K_CPUID_POLICY_LIST] = {cpuid_gen, cpuid_parse},
    [LIBXL__K_STRING_LIST] = {string_list_gen, string_list_parse},
    [LIBXL__K_KEY_VALUE_LIST] = {kv_gen, kv_parse},
    [LIBXL__K_HWCAP] = {hwcap_gen, hwcap_parse},
    [LIBXL__K_MS_VM_GENID] = {genid_gen, genid_parse},
};
