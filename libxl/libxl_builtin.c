/*
 * libxl_builtin.c: the builtin types of the IDL (libxl_builtin.h):
 * defbool, uuid, mac, bitmap, string and key/value lists, cpuid policy,
 * hwcap, VM generation id; their helpers and the table of their
 * dispose/copy/is_default/equal operations used by the type runtime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "libxl.h"
#include "libxl_types_desc.h"

/* defbool */

void libxl_defbool_set(libxl_defbool *db, bool b)
{
    db->val = b ? 1 : -1;
}

void libxl_defbool_unset(libxl_defbool *db)
{
    db->val = 0;
}

int libxl_defbool_is_default(libxl_defbool db)
{
    return !db.val;
}

void libxl_defbool_setdefault(libxl_defbool *db, bool b)
{
    if (libxl_defbool_is_default(*db))
        libxl_defbool_set(db, b);
}

bool libxl_defbool_val(libxl_defbool db)
{
    return db.val > 0;
}

const char *libxl_defbool_to_string(libxl_defbool b)
{
    return b.val > 0 ? "True" : b.val < 0 ? "False" : "<default>";
}

/* uuid */

int libxl_uuid_is_nil(const libxl_uuid *uuid)
{
    static const uint8_t zero[16];
    return !memcmp(uuid->uuid, zero, sizeof(zero));
}

void libxl_uuid_generate(libxl_uuid *uuid)
{
    uuid_generate(uuid->uuid);
}

int libxl_uuid_from_string(libxl_uuid *uuid, const char *in)
{
    if (!in || strlen(in) != LIBXL_UUID_FMTLEN)
        return ERROR_INVAL;
    for (int i = 0, j = 0; i < 16; i++) {
        unsigned int byte;
        char two[3];

        if (j == 8 || j == 13 || j == 18 || j == 23) {
            if (in[j] != '-')
                return ERROR_INVAL;
            j++;
        }
        two[0] = in[j];
        two[1] = in[j + 1];
        two[2] = 0;
        if (!strchr("0123456789abcdefABCDEF", two[0]) || !two[0] ||
            !strchr("0123456789abcdefABCDEF", two[1]) || !two[1] || sscanf(two, "%2x", &byte) != 1)
            return ERROR_INVAL;
        uuid->uuid[i] = (uint8_t)byte;
        j += 2;
    }
    return 0;
}

void libxl_uuid_copy(libxl_ctx *ctx, libxl_uuid *dst, const libxl_uuid *src)
{
    (void)ctx;
    memcpy(dst->uuid, src->uuid, sizeof(dst->uuid));
}

void libxl_uuid_clear(libxl_uuid *uuid)
{
    memset(uuid->uuid, 0, sizeof(uuid->uuid));
}

int libxl_uuid_compare(const libxl_uuid *a, const libxl_uuid *b)
{
    return memcmp(a->uuid, b->uuid, sizeof(a->uuid));
}

uint8_t *libxl_uuid_bytearray(libxl_uuid *uuid)
{
    return uuid->uuid;
}

const uint8_t *libxl_uuid_bytearray_const(const libxl_uuid *uuid)
{
    return uuid->uuid;
}

/* mac */

void libxl_mac_copy(libxl_ctx *ctx, libxl_mac *dst, const libxl_mac *src)
{
    (void)ctx;
    memcpy(*dst, *src, sizeof(*dst));
}

int libxl_mac_from_string(libxl_mac *mac, const char *s)
{
    if (!s || strlen(s) != LIBXL_MAC_FMTLEN)
        return ERROR_INVAL;
    for (int i = 0; i < 6; i++) {
        const char *p = s + i * 3;
        unsigned int byte;

        if (!strchr("0123456789abcdefABCDEF", p[0]) || !p[0] ||
            !strchr("0123456789abcdefABCDEF", p[1]) || !p[1] || (i < 5 && p[2] != ':') ||
            sscanf(p, "%2x", &byte) != 1)
            return ERROR_INVAL;
        (*mac)[i] = (uint8_t)byte;
    }
    return 0;
}

/* bitmap */

void libxl_bitmap_init(libxl_bitmap *map)
{
    memset(map, 0, sizeof(*map));
}

void libxl_bitmap_dispose(libxl_bitmap *map)
{
    free(map->map);
    libxl_bitmap_init(map);
}

int libxl_bitmap_alloc(libxl_ctx *ctx, libxl_bitmap *bitmap, int n_bits)
{
    uint32_t sz;

    (void)ctx;
    if (n_bits < 0)
        return ERROR_INVAL;
    sz = ((uint32_t)n_bits + 7) / 8;
    free(bitmap->map);
    bitmap->map = calloc(sz ? sz : 1, 1);
    bitmap->size = bitmap->map ? sz : 0;
    return bitmap->map ? 0 : ERROR_NOMEM;
}

int libxl_bitmap_copy_alloc(libxl_ctx *ctx, libxl_bitmap *dst, const libxl_bitmap *src)
{
    int rc = libxl_bitmap_alloc(ctx, dst, (int)src->size * 8);

    if (!rc && src->size)
        memcpy(dst->map, src->map, src->size);
    return rc;
}

int libxl_bitmap_is_full(const libxl_bitmap *bitmap)
{
    for (uint32_t i = 0; i < bitmap->size; i++)
        if (bitmap->map[i] != 0xff)
            return 0;
    return 1;
}

int libxl_bitmap_is_empty(const libxl_bitmap *bitmap)
{
    for (uint32_t i = 0; i < bitmap->size; i++)
        if (bitmap->map[i])
            return 0;
    return 1;
}

int libxl_bitmap_test(const libxl_bitmap *bitmap, int bit)
{
    if (bit < 0 || (uint32_t)bit >= bitmap->size * 8)
        return 0;
    return (bitmap->map[bit / 8] >> (bit % 8)) & 1;
}

void libxl_bitmap_set(libxl_bitmap *bitmap, int bit)
{
    if (bit >= 0 && (uint32_t)bit < bitmap->size * 8)
        bitmap->map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

void libxl_bitmap_reset(libxl_bitmap *bitmap, int bit)
{
    if (bit >= 0 && (uint32_t)bit < bitmap->size * 8)
        bitmap->map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

int libxl_bitmap_count_set(const libxl_bitmap *bitmap)
{
    int n = 0;

    for (uint32_t i = 0; i < bitmap->size; i++)
        n += __builtin_popcount(bitmap->map[i]);
    return n;
}

void libxl_bitmap_set_any(libxl_bitmap *bitmap)
{
    if (bitmap->size)
        memset(bitmap->map, 0xff, bitmap->size);
}

void libxl_bitmap_set_none(libxl_bitmap *bitmap)
{
    if (bitmap->size)
        memset(bitmap->map, 0, bitmap->size);
}

/* string_list and key_value_list: NULL-terminated arrays of strings */

static int strv_length(char *const *v)
{
    int n = 0;

    while (v && v[n])
        n++;
    return n;
}

void libxl_string_list_dispose(libxl_string_list *sl)
{
    for (int i = 0; *sl && (*sl)[i]; i++)
        free((*sl)[i]);
    free(*sl);
    *sl = NULL;
}

int libxl_string_list_length(const libxl_string_list *sl)
{
    return strv_length(*sl);
}

/* Copies n strings (some may be NULL) plus the terminating NULL. */
static int strv_copy(char ***dst, char *const *src, int n)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = calloc((size_t)n + 1, sizeof(char *));
    if (!*dst)
        return ERROR_NOMEM;
    for (int i = 0; i < n; i++)
        if (src[i] && !((*dst)[i] = strdup(src[i])))
            return ERROR_NOMEM;
    return 0;
}

int libxl_string_list_copy(libxl_ctx *ctx, libxl_string_list *dst, const libxl_string_list *src)
{
    (void)ctx;
    return strv_copy(dst, *src, strv_length(*src));
}

int libxl_key_value_list_length(const libxl_key_value_list *kvl)
{
    int n = 0;

    while (*kvl && (*kvl)[2 * n])
        n++;
    return n;
}

void libxl_key_value_list_dispose(libxl_key_value_list *kvl)
{
    int n = libxl_key_value_list_length(kvl);

    for (int i = 0; *kvl && i < 2 * n; i++)
        free((*kvl)[i]);
    free(*kvl);
    *kvl = NULL;
}

int libxl_key_value_list_copy(libxl_ctx *ctx, libxl_key_value_list *dst,
                              const libxl_key_value_list *src)
{
    (void)ctx;
    return strv_copy(dst, *src, 2 * libxl_key_value_list_length(src));
}

static bool str_equal(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool strv_equal(char *const *a, char *const *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!str_equal(a[i], b[i]))
            return false;
    return true;
}

/* cpuid policy */

void libxl_cpuid_dispose(libxl_cpuid_policy_list *cpuid_list)
{
    libxl_cpuid_policy *p = *cpuid_list;

    if (!p)
        return;
    for (int i = 0; i < p->num_leaves; i++)
        for (int r = 0; r < 4; r++)
            free(p->leaves[i].policy[r]);
    for (int i = 0; i < p->num_msrs; i++)
        free(p->msrs[i].policy);
    free(p->leaves);
    free(p->msrs);
    free(p);
    *cpuid_list = NULL;
}

int libxl_cpuid_policy_list_copy(libxl_ctx *ctx, libxl_cpuid_policy_list *dst,
                                 const libxl_cpuid_policy_list *src)
{
    const libxl_cpuid_policy *s = *src;
    libxl_cpuid_policy *d;

    (void)ctx;
    *dst = NULL;
    if (!s)
        return 0;
    d = calloc(1, sizeof(*d));
    if (!d)
        return ERROR_NOMEM;
    *dst = d;
    if (s->num_leaves > 0) {
        d->leaves = calloc((size_t)s->num_leaves, sizeof(*d->leaves));
        if (!d->leaves)
            return ERROR_NOMEM;
        d->num_leaves = s->num_leaves;
        for (int i = 0; i < s->num_leaves; i++) {
            d->leaves[i].leaf = s->leaves[i].leaf;
            d->leaves[i].subleaf = s->leaves[i].subleaf;
            for (int r = 0; r < 4; r++)
                if (s->leaves[i].policy[r] &&
                    !(d->leaves[i].policy[r] = strdup(s->leaves[i].policy[r])))
                    return ERROR_NOMEM;
        }
    }
    if (s->num_msrs > 0) {
        d->msrs = calloc((size_t)s->num_msrs, sizeof(*d->msrs));
        if (!d->msrs)
            return ERROR_NOMEM;
        d->num_msrs = s->num_msrs;
        for (int i = 0; i < s->num_msrs; i++) {
            d->msrs[i].index = s->msrs[i].index;
            if (s->msrs[i].policy && !(d->msrs[i].policy = strdup(s->msrs[i].policy)))
                return ERROR_NOMEM;
        }
    }
    return 0;
}

static bool cpuid_equal(const void *a, const void *b)
{
    const libxl_cpuid_policy *x = *(libxl_cpuid_policy *const *)a;
    const libxl_cpuid_policy *y = *(libxl_cpuid_policy *const *)b;

    static const libxl_cpuid_policy none;

    /* no policy and an empty one are the same */
    if (!x)
        x = &none;
    if (!y)
        y = &none;
    if (x->num_leaves != y->num_leaves || x->num_msrs != y->num_msrs)
        return false;
    for (int i = 0; i < x->num_leaves; i++)
        if (x->leaves[i].leaf != y->leaves[i].leaf ||
            x->leaves[i].subleaf != y->leaves[i].subleaf ||
            !strv_equal(x->leaves[i].policy, y->leaves[i].policy, 4))
            return false;
    for (int i = 0; i < x->num_msrs; i++)
        if (x->msrs[i].index != y->msrs[i].index ||
            !str_equal(x->msrs[i].policy, y->msrs[i].policy))
            return false;
    return true;
}

/* hwcap and ms_vm_genid: plain bytes */

void libxl_hwcap_copy(libxl_ctx *ctx, libxl_hwcap *dst, const libxl_hwcap *src)
{
    (void)ctx;
    memcpy(*dst, *src, sizeof(*dst));
}

int libxl_ms_vm_genid_is_zero(const libxl_ms_vm_genid *id)
{
    static const uint8_t zero[16];
    return !memcmp(id->bytes, zero, sizeof(zero));
}

void libxl_ms_vm_genid_copy(libxl_ctx *ctx, libxl_ms_vm_genid *dst, const libxl_ms_vm_genid *src)
{
    (void)ctx;
    memcpy(dst->bytes, src->bytes, sizeof(dst->bytes));
}

/* The operations table */

static void defbool_dispose(void *p)
{
    libxl_defbool_unset(p);
}

static bool defbool_is_default(const void *p)
{
    return libxl_defbool_is_default(*(const libxl_defbool *)p);
}

static bool defbool_equal(const void *a, const void *b)
{
    const libxl_defbool *x = a, *y = b;
    return (x->val > 0) == (y->val > 0) && (x->val < 0) == (y->val < 0);
}

static bool uuid_is_default(const void *p)
{
    return libxl_uuid_is_nil(p);
}

static bool mac_is_default(const void *p)
{
    static const uint8_t zero[6];
    return !memcmp(p, zero, sizeof(zero));
}

static void bitmap_dispose(void *p)
{
    libxl_bitmap_dispose(p);
}

static int bitmap_copy(void *dst, const void *src)
{
    const libxl_bitmap *s = src;

    if (!s->map)
        return 0;
    return libxl_bitmap_copy_alloc(NULL, dst, s);
}

static bool bitmap_is_default(const void *p)
{
    return libxl_bitmap_is_empty(p);
}

/* Same bits set (sizes may differ). */
static bool bitmap_equal(const void *a, const void *b)
{
    const libxl_bitmap *x = a, *y = b;
    uint32_t n = x->size > y->size ? x->size : y->size;

    for (uint32_t i = 0; i < n; i++) {
        uint8_t bx = i < x->size ? x->map[i] : 0, by = i < y->size ? y->map[i] : 0;
        if (bx != by)
            return false;
    }
    return true;
}

static void cpuid_dispose(void *p)
{
    libxl_cpuid_dispose(p);
}

static int cpuid_copy(void *dst, const void *src)
{
    return libxl_cpuid_policy_list_copy(NULL, dst, src);
}

static bool cpuid_is_default(const void *p)
{
    const libxl_cpuid_policy *c = *(libxl_cpuid_policy *const *)p;
    return !c || (c->num_leaves == 0 && c->num_msrs == 0);
}

static void string_list_dispose(void *p)
{
    libxl_string_list_dispose(p);
}

static int string_list_copy(void *dst, const void *src)
{
    return libxl_string_list_copy(NULL, dst, src);
}

static bool string_list_is_default(const void *p)
{
    return libxl_string_list_length(p) == 0;
}

static bool string_list_equal(const void *a, const void *b)
{
    int n = libxl_string_list_length(a);

    return n == libxl_string_list_length(b) &&
           (n == 0 || strv_equal(*(char **const *)a, *(char **const *)b, n));
}

static void kv_dispose(void *p)
{
    libxl_key_value_list_dispose(p);
}

static int kv_copy(void *dst, const void *src)
{
    return libxl_key_value_list_copy(NULL, dst, src);
}

static bool kv_is_default(const void *p)
{
    return libxl_key_value_list_length(p) == 0;
}

static bool kv_equal(const void *a, const void *b)
{
    int n = libxl_key_value_list_length(a);

    return n == libxl_key_value_list_length(b) &&
           (n == 0 || strv_equal(*(char **const *)a, *(char **const *)b, 2 * n));
}

static bool hwcap_is_default(const void *p)
{
    static const uint32_t zero[8];
    return !memcmp(p, zero, sizeof(zero));
}

static bool genid_is_default(const void *p)
{
    return libxl_ms_vm_genid_is_zero(p);
}

const libxl__builtin_ops libxl__builtin_ops_table[LIBXL__K_NR] = {
    [LIBXL__K_DEFBOOL] = {defbool_dispose, NULL, defbool_is_default, defbool_equal},
    [LIBXL__K_UUID] = {NULL, NULL, uuid_is_default, NULL},
    [LIBXL__K_MAC] = {NULL, NULL, mac_is_default, NULL},
    [LIBXL__K_BITMAP] = {bitmap_dispose, bitmap_copy, bitmap_is_default, bitmap_equal},
    [LIBXL__K_CPUID_POLICY_LIST] = {cpuid_dispose, cpuid_copy, cpuid_is_default, cpuid_equal},
    [LIBXL__K_STRING_LIST] = {string_list_dispose, string_list_copy, string_list_is_default,
                              string_list_equal},
    [LIBXL__K_KEY_VALUE_LIST] = {kv_dispose, kv_copy, kv_is_default, kv_equal},
    [LIBXL__K_HWCAP] = {NULL, NULL, hwcap_is_default, NULL},
    [LIBXL__K_MS_VM_GENID] = {NULL, NULL, genid_is_default, NULL},
};
