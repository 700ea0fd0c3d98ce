/*
 * libxl_types_rt.c: the table-driven runtime behind every IDL type's
 * init, dispose, copy and equality (the tables come from idl/idlgen), and
 * the tables of the primitive and builtin types.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libxl.h"
#include "libxl_types_desc.h"

#define PRIM_DESC(n, k, ctype) const libxl__type_desc libxl__##n##_desc = {#n, k, sizeof(ctype)}

PRIM_DESC(bool, LIBXL__K_BOOL, bool);
PRIM_DESC(integer, LIBXL__K_INT, int);
PRIM_DESC(int8, LIBXL__K_INT8, int8_t);
PRIM_DESC(int16, LIBXL__K_INT16, int16_t);
PRIM_DESC(int32, LIBXL__K_INT32, int32_t);
PRIM_DESC(int64, LIBXL__K_INT64, int64_t);
PRIM_DESC(uint8, LIBXL__K_UINT8, uint8_t);
PRIM_DESC(uint16, LIBXL__K_UINT16, uint16_t);
PRIM_DESC(uint32, LIBXL__K_UINT32, uint32_t);
PRIM_DESC(uint64, LIBXL__K_UINT64, uint64_t);
PRIM_DESC(string, LIBXL__K_STRING, char *);
PRIM_DESC(defbool, LIBXL__K_DEFBOOL, libxl_defbool);
PRIM_DESC(uuid, LIBXL__K_UUID, libxl_uuid);
PRIM_DESC(mac, LIBXL__K_MAC, libxl_mac);
PRIM_DESC(bitmap, LIBXL__K_BITMAP, libxl_bitmap);
PRIM_DESC(cpuid_policy_list, LIBXL__K_CPUID_POLICY_LIST, libxl_cpuid_policy_list);
PRIM_DESC(string_list, LIBXL__K_STRING_LIST, libxl_string_list);
PRIM_DESC(key_value_list, LIBXL__K_KEY_VALUE_LIST, libxl_key_value_list);
PRIM_DESC(hwcap, LIBXL__K_HWCAP, libxl_hwcap);
PRIM_DESC(ms_vm_genid, LIBXL__K_MS_VM_GENID, libxl_ms_vm_genid);

bool libxl__kind_is_integer(libxl__kind k)
{
    return k <= LIBXL__K_UINT64 || k == LIBXL__K_ENUM;
}

int64_t libxl__int_get(libxl__kind k, const void *p)
{
    switch (k) {
    case LIBXL__K_BOOL:
        return *(const bool *)p;
    case LIBXL__K_INT:
        return *(const int *)p;
    case LIBXL__K_ENUM:
        return *(const int *)p;
    case LIBXL__K_INT8:
        return *(const int8_t *)p;
    case LIBXL__K_INT16:
        return *(const int16_t *)p;
    case LIBXL__K_INT32:
        return *(const int32_t *)p;
    case LIBXL__K_INT64:
        return *(const int64_t *)p;
    case LIBXL__K_UINT8:
        return *(const uint8_t *)p;
    case LIBXL__K_UINT16:
        return *(const uint16_t *)p;
    case LIBXL__K_UINT32:
        return *(const uint32_t *)p;
    case LIBXL__K_UINT64:
        return (int64_t) * (const uint64_t *)p;
    default:
        return 0;
    }
}

void libxl__int_set(libxl__kind k, void *p, int64_t v)
{
    switch (k) {
    case LIBXL__K_BOOL:
        *(bool *)p = v != 0;
        break;
    case LIBXL__K_INT:
    case LIBXL__K_ENUM:
        *(int *)p = (int)v;
        break;
    case LIBXL__K_INT8:
        *(int8_t *)p = (int8_t)v;
        break;
    case LIBXL__K_INT16:
        *(int16_t *)p = (int16_t)v;
        break;
    case LIBXL__K_INT32:
        *(int32_t *)p = (int32_t)v;
        break;
    case LIBXL__K_INT64:
        *(int64_t *)p = v;
        break;
    case LIBXL__K_UINT8:
        *(uint8_t *)p = (uint8_t)v;
        break;
    case LIBXL__K_UINT16:
        *(uint16_t *)p = (uint16_t)v;
        break;
    case LIBXL__K_UINT32:
        *(uint32_t *)p = (uint32_t)v;
        break;
    case LIBXL__K_UINT64:
        *(uint64_t *)p = (uint64_t)v;
        break;
    default:
        break;
    }
}

bool libxl__int_fits(libxl__kind k, int64_t v, bool v_unsigned)
{
    static const struct {
        int64_t min;
        uint64_t max;
    } range[] = {
        [LIBXL__K_BOOL] = {0, 1},
        [LIBXL__K_INT] = {INT32_MIN, INT32_MAX},
        [LIBXL__K_INT8] = {INT8_MIN, INT8_MAX},
        [LIBXL__K_INT16] = {INT16_MIN, INT16_MAX},
        [LIBXL__K_INT32] = {INT32_MIN, INT32_MAX},
        [LIBXL__K_INT64] = {INT64_MIN, INT64_MAX},
        [LIBXL__K_UINT8] = {0, UINT8_MAX},
        [LIBXL__K_UINT16] = {0, UINT16_MAX},
        [LIBXL__K_UINT32] = {0, UINT32_MAX},
        [LIBXL__K_UINT64] = {0, UINT64_MAX},
    };

    if (k == LIBXL__K_ENUM)
        k = LIBXL__K_INT;
    if (k > LIBXL__K_UINT64)
        return false;
    if (v_unsigned)
        return (uint64_t)v <= range[k].max;
    return v >= range[k].min && (v < 0 || (uint64_t)v <= range[k].max);
}

int64_t libxl__field_init(const libxl__field_desc *f)
{
    return f->has_init ? f->init : f->type->init;
}

/* The stored form of an integer default, as the field's own width. */
static int64_t normalised(libxl__kind k, int64_t v)
{
    union {
        int64_t i64;
        uint64_t u64;
        unsigned char bytes[8];
    } tmp = {0};

    libxl__int_set(k, tmp.bytes, v);
    return libxl__int_get(k, tmp.bytes);
}

static void init_value(const libxl__type_desc *t, void *p, bool has_init, int64_t init)
{
    if (t->kind == LIBXL__K_STRUCT) {
        libxl__obj_init(t, p);
        return;
    }
    if (libxl__kind_is_integer(t->kind))
        libxl__int_set(t->kind, p, has_init ? init : t->init);
    /* strings and builtins: all-zero is their empty value */
}

static void init_union(const libxl__field_desc *f, void *obj, int key)
{
    char *base = obj;

    *(int *)(base + f->key_offset) = key;
    for (size_t i = 0; i < f->nmembers; i++)
        if (f->members[i].key == key && f->members[i].type)
            libxl__obj_init(f->members[i].type, base + f->offset);
}

void libxl__obj_init(const libxl__type_desc *d, void *p)
{
    char *base = p;

    if (d->kind != LIBXL__K_STRUCT) {
        memset(p, 0, d->size);
        init_value(d, p, false, 0);
        return;
    }
    memset(p, 0, d->size);
    for (size_t i = 0; i < d->nfields; i++) {
        const libxl__field_desc *f = &d->fields[i];

        if (f->fkind == LIBXL__F_PLAIN)
            init_value(f->type, base + f->offset, f->has_init, f->init);
        else if (f->fkind == LIBXL__F_UNION)
            init_union(f, p, f->key_init);
    }
}

const libxl__field_desc *libxl__union_active(const libxl__field_desc *f, const void *obj,
                                             const libxl__union_member **m_r)
{
    int key = *(const int *)((const char *)obj + f->key_offset);

    for (size_t i = 0; i < f->nmembers; i++)
        if (f->members[i].key == key) {
            *m_r = &f->members[i];
            return f;
        }
    *m_r = NULL;
    return f;
}

static void dispose_value(const libxl__type_desc *t, void *p)
{
    if (t->kind == LIBXL__K_STRUCT) {
        libxl__obj_dispose(t, p);
    } else if (t->kind == LIBXL__K_STRING) {
        free(*(char **)p);
        *(char **)p = NULL;
    } else if (libxl__builtin_ops_table[t->kind].dispose) {
        libxl__builtin_ops_table[t->kind].dispose(p);
    }
}

static void dispose_array(const libxl__field_desc *f, char *base)
{
    char **arr = (char **)(base + f->offset);
    int *count = (int *)(base + f->count_offset);

    if (*arr)
        for (int j = 0; j < *count; j++)
            dispose_value(f->type, *arr + (size_t)j * f->type->size);
    free(*arr);
    *arr = NULL;
    *count = 0;
}

void libxl__obj_dispose(const libxl__type_desc *d, void *p)
{
    char *base = p;

    if (d->kind != LIBXL__K_STRUCT) {
        dispose_value(d, p);
        return;
    }
    for (size_t i = 0; i < d->nfields; i++) {
        const libxl__field_desc *f = &d->fields[i];
        const libxl__union_member *m;

        switch (f->fkind) {
        case LIBXL__F_PLAIN:
            if (!f->is_const)
                dispose_value(f->type, base + f->offset);
            break;
        case LIBXL__F_ARRAY:
            dispose_array(f, base);
            break;
        case LIBXL__F_UNION:
            libxl__union_active(f, p, &m);
            if (m && m->type)
                libxl__obj_dispose(m->type, base + f->offset);
            break;
        }
    }
    memset(p, 0, d->size);
}

void libxl__obj_init_union(const libxl__type_desc *d, size_t idx, void *p, int key)
{
    const libxl__field_desc *f = &d->fields[idx];
    const libxl__union_member *m;

    if (*(int *)((char *)p + f->key_offset) == key)
        return;
    libxl__union_active(f, p, &m);
    if (m && m->type)
        libxl__obj_dispose(m->type, (char *)p + f->offset);
    init_union(f, p, key);
}

static int copy_value(const libxl__type_desc *t, void *dst, const void *src)
{
    if (t->kind == LIBXL__K_STRUCT)
        return libxl__obj_copy(t, dst, src);
    if (t->kind == LIBXL__K_STRING) {
        const char *s = *(char *const *)src;
        *(char **)dst = s ? strdup(s) : NULL;
        return (s && !*(char **)dst) ? ERROR_NOMEM : 0;
    }
    if (libxl__builtin_ops_table[t->kind].copy)
        return libxl__builtin_ops_table[t->kind].copy(dst, src);
    memcpy(dst, src, t->size);
    return 0;
}

static int copy_array(const libxl__field_desc *f, char *dbase, const char *sbase)
{
    char *const *sarr = (char *const *)(sbase + f->offset);
    int n = *(const int *)(sbase + f->count_offset);
    char **darr = (char **)(dbase + f->offset);
    size_t esz = f->type->size;

    *darr = NULL;
    *(int *)(dbase + f->count_offset) = 0;
    if (n <= 0 || !*sarr)
        return 0;
    *darr = calloc((size_t)n, esz);
    if (!*darr)
        return ERROR_NOMEM;
    *(int *)(dbase + f->count_offset) = n;
    for (int j = 0; j < n; j++) {
        int rc = copy_value(f->type, *darr + (size_t)j * esz, *sarr + (size_t)j * esz);
        if (rc)
            return rc;
    }
    return 0;
}

int libxl__obj_copy(const libxl__type_desc *d, void *dst, const void *src)
{
    char *dbase = dst;
    const char *sbase = src;
    int rc = 0;

    libxl__obj_init(d, dst);
    if (d->kind != LIBXL__K_STRUCT)
        return copy_value(d, dst, src);
    for (size_t i = 0; i < d->nfields && !rc; i++) {
        const libxl__field_desc *f = &d->fields[i];
        const libxl__union_member *m;

        switch (f->fkind) {
        case LIBXL__F_PLAIN:
            if (f->is_const)
                *(const char **)(dbase + f->offset) = *(const char *const *)(sbase + f->offset);
            else
                rc = copy_value(f->type, dbase + f->offset, sbase + f->offset);
            break;
        case LIBXL__F_ARRAY:
            rc = copy_array(f, dbase, sbase);
            break;
        case LIBXL__F_UNION:
            libxl__union_active(f, src, &m);
            memcpy(dbase + f->key_offset, sbase + f->key_offset, sizeof(int));
            if (m && m->type)
                rc = libxl__obj_copy(m->type, dbase + f->offset, sbase + f->offset);
            break;
        }
    }
    return rc;
}

static bool equal_value(const libxl__type_desc *t, const void *a, const void *b)
{
    if (t->kind == LIBXL__K_STRUCT)
        return libxl__obj_equal(t, a, b);
    if (libxl__kind_is_integer(t->kind))
        return libxl__int_get(t->kind, a) == libxl__int_get(t->kind, b);
    if (t->kind == LIBXL__K_STRING) {
        const char *x = *(char *const *)a, *y = *(char *const *)b;
        return (!x && !y) || (x && y && !strcmp(x, y));
    }
    if (libxl__builtin_ops_table[t->kind].equal)
        return libxl__builtin_ops_table[t->kind].equal(a, b);
    return !memcmp(a, b, t->size);
}

bool libxl__obj_equal(const libxl__type_desc *d, const void *a, const void *b)
{
    const char *pa = a, *pb = b;

    if (d->kind != LIBXL__K_STRUCT)
        return equal_value(d, a, b);
    for (size_t i = 0; i < d->nfields; i++) {
        const libxl__field_desc *f = &d->fields[i];
        const libxl__union_member *m;

        switch (f->fkind) {
        case LIBXL__F_PLAIN:
            if (!f->is_const && !equal_value(f->type, pa + f->offset, pb + f->offset))
                return false;
            break;
        case LIBXL__F_ARRAY: {
            int n = *(const int *)(pa + f->count_offset);
            char *const *xa = (char *const *)(pa + f->offset);
            char *const *xb = (char *const *)(pb + f->offset);

            if (n != *(const int *)(pb + f->count_offset))
                return false;
            for (int j = 0; j < n; j++)
                if (!equal_value(f->type, *xa + (size_t)j * f->type->size,
                                 *xb + (size_t)j * f->type->size))
                    return false;
            break;
        }
        case LIBXL__F_UNION:
            if (*(const int *)(pa + f->key_offset) != *(const int *)(pb + f->key_offset))
                return false;
            libxl__union_active(f, a, &m);
            if (m && m->type && !libxl__obj_equal(m->type, pa + f->offset, pb + f->offset))
                return false;
            break;
        }
    }
    return true;
}

bool libxl__value_is_default(const libxl__type_desc *t, const void *p, bool has_init, int64_t init)
{
    if (t->kind == LIBXL__K_STRUCT)
        return false; /* structs are always written */
    if (libxl__kind_is_integer(t->kind))
        return libxl__int_get(t->kind, p) == normalised(t->kind, has_init ? init : t->init);
    if (t->kind == LIBXL__K_STRING)
        return *(char *const *)p == NULL;
    return libxl__builtin_ops_table[t->kind].is_default(p);
}

bool libxl__field_is_default(const libxl__field_desc *f, const void *obj)
{
    const char *base = obj;

    switch (f->fkind) {
    case LIBXL__F_PLAIN:
        return libxl__value_is_default(f->type, base + f->offset, f->has_init, f->init);
    case LIBXL__F_ARRAY:
        return *(const int *)(base + f->count_offset) <= 0 ||
               *(char *const *)(base + f->offset) == NULL;
    case LIBXL__F_UNION: {
        const libxl__union_member *m;
        libxl__union_active(f, obj, &m);
        return m == NULL;
    }
    }
    return true;
}

const char *libxl__enum_to_string(const libxl__type_desc *d, int v)
{
    for (const libxl_enum_string_table *e = d->values; e->s; e++)
        if (e->v == v)
            return e->s;
    return NULL;
}

int libxl__enum_from_string(const libxl__type_desc *d, const char *s, int *v)
{
    if (!s)
        return ERROR_INVAL;
    for (const libxl_enum_string_table *e = d->values; e->s; e++)
        if (!strcasecmp(e->s, s)) {
            *v = e->v;
            return 0;
        }
    return ERROR_FAIL;
}
