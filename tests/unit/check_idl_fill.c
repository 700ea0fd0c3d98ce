/*
 * check_idl_fill.c: fills any IDL-generated struct with non-default
 * values, through its description table (see check_idl_fill.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_idl_fill.h"
#include "libxl.h"

static void fill_struct(const libxl__type_desc *d, void *p, int seed, unsigned flags);

/* An integer of kind k that is not def and fits k. */
static int64_t other_int(libxl__kind k, int64_t def, int seed, unsigned flags)
{
    int64_t v = (k == LIBXL__K_BOOL) ? 1 : 5 + seed % 50;

    if (k == LIBXL__K_UINT64 && seed % 3 == 0 && !(flags & IDL_FILL_NO_BIG))
        v = (int64_t)0xfffffffffffffff0ULL; /* beyond INT64_MAX */
    if (v == def)
        v = (k == LIBXL__K_BOOL) ? 0 : v + 1;
    return v;
}

static void fill_value(const libxl__type_desc *t, void *p, bool has_init, int64_t init, int seed,
                       unsigned flags)
{
    char buf[32];

    switch (t->kind) {
    case LIBXL__K_STRUCT:
        fill_struct(t, p, seed, flags);
        return;
    case LIBXL__K_STRING:
        snprintf(buf, sizeof(buf), "s%d", seed);
        *(char **)p = strdup(buf);
        return;
    case LIBXL__K_ENUM: {
        int def = (int)(has_init ? init : t->init), n = 0;
        const libxl_enum_string_table *e;

        for (e = t->values; e->s; e++)
            n++;
        for (int i = 0; i < n; i++) {
            e = &t->values[(seed + i) % n];
            if (e->v != def) {
                *(int *)p = e->v;
                return;
            }
        }
        return;
    }
    case LIBXL__K_DEFBOOL:
        libxl_defbool_set(p, seed % 2);
        return;
    case LIBXL__K_UUID:
    case LIBXL__K_MS_VM_GENID:
        for (size_t i = 0; i < 16; i++)
            ((uint8_t *)p)[i] = (uint8_t)(seed + 3 * i + 1);
        return;
    case LIBXL__K_MAC:
        for (size_t i = 0; i < 6; i++)
            ((uint8_t *)p)[i] = (uint8_t)(seed + i + 1);
        return;
    case LIBXL__K_HWCAP:
        /* JSON carries the first four words, as libxl 4.17's does */
        for (size_t i = 0; i < 4; i++)
            ((uint32_t *)p)[i] = (uint32_t)(seed * 1000 + i);
        return;
    case LIBXL__K_BITMAP:
        if (libxl_bitmap_alloc(NULL, p, 20))
            abort();
        libxl_bitmap_set(p, 1);
        libxl_bitmap_set(p, 3 + seed % 10);
        return;
    case LIBXL__K_STRING_LIST: {
        char **l = calloc(3, sizeof(char *));
        l[0] = strdup("first");
        l[1] = strdup("second");
        *(char ***)p = l;
        return;
    }
    case LIBXL__K_KEY_VALUE_LIST: {
        char **l = calloc(5, sizeof(char *));
        l[0] = strdup("k1");
        l[1] = strdup("v1");
        l[2] = strdup("k2");
        l[3] = NULL; /* a key without value, then the terminator */
        *(char ***)p = l;
        return;
    }
    case LIBXL__K_CPUID_POLICY_LIST: {
        if (flags & IDL_FILL_NO_CPUID)
            return;
        libxl_cpuid_policy *c = calloc(1, sizeof(*c));
        c->num_leaves = 1;
        c->leaves = calloc(1, sizeof(*c->leaves));
        c->leaves[0].leaf = 1;
        c->leaves[0].subleaf = LIBXL_CPUID_INPUT_UNUSED;
        c->leaves[0].policy[2] = strdup("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0");
        c->num_msrs = 1;
        c->msrs = calloc(1, sizeof(*c->msrs));
        c->msrs[0].index = 0x10a;
        c->msrs[0].policy =
            strdup("0000000000000000000000000000000000000000000000000000000000000001");
        *(libxl_cpuid_policy **)p = c;
        return;
    }
    default:
        break;
    }
    libxl__int_set(t->kind, p, other_int(t->kind, has_init ? init : t->init, seed, flags));
}

/* Every field set to a non-default value; the union gets member seed % n
 * (a member without data when that is the pick).  Deprecated and const
 * fields are left alone: they have their own tests. */
static void fill_struct(const libxl__type_desc *d, void *p, int seed, unsigned flags)
{
    char *base = p;

    for (size_t i = 0; i < d->nfields; i++) {
        const libxl__field_desc *f = &d->fields[i];

        if (f->deprecated_by || f->is_const)
            continue;
        switch (f->fkind) {
        case LIBXL__F_PLAIN:
            fill_value(f->type, base + f->offset, f->has_init, f->init, seed + (int)i, flags);
            break;
        case LIBXL__F_ARRAY: {
            size_t esz = f->type->size;
            char *arr = calloc(2, esz);

            for (int j = 0; j < 2; j++) {
                libxl__obj_init(f->type, arr + j * esz);
                fill_value(f->type, arr + j * esz, false, 0, seed + j, flags);
            }
            *(char **)(base + f->offset) = arr;
            *(int *)(base + f->count_offset) = 2;
            break;
        }
        case LIBXL__F_UNION: {
            const libxl__union_member *m = &f->members[(size_t)seed % f->nmembers];

            libxl__obj_init_union(d, i, p, m->key);
            if (m->type)
                fill_struct(m->type, base + f->offset, seed, flags);
            break;
        }
        }
    }
}

void idl_test_fill(const libxl__type_desc *d, void *p, int seed, unsigned flags)
{
    fill_struct(d, p, seed, flags);
}
