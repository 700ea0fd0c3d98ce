/*
 * check_idl_oracle.c: our generated types against real libxl 4.17's own
 * code, when Debian's libxenlight 4.17 is installed (reference-xl installs
 * it; otherwise the whole test is skipped).  The real library is loaded
 * beside ours (RTLD_DEEPBIND keeps its symbols to itself), so the same
 * memory can be handed to both:
 *   - every struct has libxl 4.17's size (its _init clears exactly that),
 *     and _init (and _init_<key> for each union member) the same values;
 *   - for every struct filled with non-default values, real
 *     libxl_<type>_to_json writes the same bytes as ours;
 *   - real libxl_<type>_from_json reads our JSON into the same values as
 *     ours does.  (Real 4.17 drops uint64 values beyond INT64_MAX when
 *     parsing; we keep them, so that case is left out here.)
 * Not built with sanitizers: they cannot load a library with RTLD_DEEPBIND.
 */
#define _GNU_SOURCE /* RTLD_DEEPBIND */
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_libxl_types_desc.h"
#include "check_idl_fill.h"
#include "libxl.h"
#include "libxl_json.h"

#define REAL_LIBXENLIGHT "/usr/lib/x86_64-linux-gnu/libxenlight.so.4.17.0"
#define OBJ_MAX          65536

static void *real;
/* Real to_json/from_json only use their ctx to log failures, which these
 * tests do not provoke; a zeroed block stands in for it. */
static char fake_ctx[65536];

typedef void (*real_init_fn)(void *p);
typedef char *(*real_to_json_fn)(void *ctx, void *p);
typedef int (*real_from_json_fn)(void *ctx, void *p, const char *s);

static void *real_fn(const char *type, const char *op)
{
    char name[128];

    snprintf(name, sizeof(name), "libxl_%s_%s", type, op);
    return dlsym(real, name);
}

START_TEST(test_sizes_match_real)
{
    int compared = 0;

    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];
        real_init_fn init;
        unsigned char *buf;
        size_t n = OBJ_MAX;

        if (d->kind != LIBXL__K_STRUCT || !(init = (real_init_fn)real_fn(d->name, "init")))
            continue;
        buf = malloc(OBJ_MAX);
        memset(buf, 0xaa, OBJ_MAX);
        init(buf);
        while (n > 0 && buf[n - 1] == 0xaa)
            n--;
        ck_assert_msg(n == d->size, "libxl_%s: ours is %zu bytes, libxl 4.17's %zu", d->name,
                      d->size, n);
        free(buf);
        compared++;
    }
    ck_assert_int_ge(compared, 45);
}
END_TEST

/* Real _init and _init_<key> give the values ours give. */
START_TEST(test_init_matches_real)
{
    int compared = 0;

    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];
        real_init_fn init;

        if (d->kind != LIBXL__K_STRUCT || !(init = (real_init_fn)real_fn(d->name, "init")))
            continue;
        for (size_t j = 0; j < d->nfields; j++) {
            const libxl__field_desc *f = &d->fields[j];
            char op[64];
            void (*init_key)(void *p, int key);

            if (f->fkind != LIBXL__F_UNION)
                continue;
            snprintf(op, sizeof(op), "init_%s", f->key_name);
            init_key = (void (*)(void *, int))real_fn(d->name, op);
            ck_assert_msg(init_key != NULL, "libxl_%s_%s missing", d->name, op);
            for (size_t m = 0; m < f->nmembers; m++) {
                unsigned char *a = calloc(1, OBJ_MAX), *b = calloc(1, OBJ_MAX);

                init(a);
                init_key(a, f->members[m].key);
                libxl__obj_init(d, b);
                libxl__obj_init_union(d, j, b, f->members[m].key);
                ck_assert_msg(libxl__obj_equal(d, a, b), "%s.%s=%s: init differs", d->name,
                              f->key_name, f->members[m].name);
                libxl__obj_dispose(d, b);
                free(a);
                free(b);
                compared++;
            }
        }
        {
            unsigned char *a = calloc(1, OBJ_MAX), *b = calloc(1, OBJ_MAX);

            init(a);
            libxl__obj_init(d, b);
            ck_assert_msg(libxl__obj_equal(d, a, b), "%s: init differs", d->name);
            free(a);
            free(b);
            compared++;
        }
    }
    ck_assert_int_ge(compared, 45);
}
END_TEST

START_TEST(test_gen_json_matches_real)
{
    int compared = 0;

    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];
        real_to_json_fn to_json;

        if (d->kind != LIBXL__K_STRUCT || !(to_json = (real_to_json_fn)real_fn(d->name, "to_json")))
            continue;
        for (int seed = 0; seed < 4; seed++) {
            unsigned char *obj = calloc(1, OBJ_MAX);
            char *ours, *theirs;

            libxl__obj_init(d, obj);
            idl_test_fill(d, obj, seed, IDL_FILL_NO_CPUID);
            ours = libxl__obj_to_json(d, obj);
            theirs = to_json(fake_ctx, obj);
            ck_assert_ptr_nonnull(theirs);
            ck_assert_msg(!strcmp(ours, theirs), "%s (seed %d): ours\n%s\nlibxl 4.17's\n%s",
                          d->name, seed, ours, theirs);
            free(ours);
            free(theirs);
            libxl__obj_dispose(d, obj);
            free(obj);
            compared++;
        }
    }
    ck_assert_int_ge(compared, 4 * 45);
}
END_TEST

START_TEST(test_parse_json_matches_real)
{
    int compared = 0;

    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];
        real_from_json_fn from_json;
        real_init_fn init;

        if (d->kind != LIBXL__K_STRUCT ||
            !(from_json = (real_from_json_fn)real_fn(d->name, "from_json")) ||
            !(init = (real_init_fn)real_fn(d->name, "init")))
            continue;
        for (int seed = 0; seed < 4; seed++) {
            unsigned char *src = calloc(1, OBJ_MAX), *a = calloc(1, OBJ_MAX),
                          *b = calloc(1, OBJ_MAX);
            char *json, *err = NULL;

            libxl__obj_init(d, src);
            idl_test_fill(d, src, seed, IDL_FILL_NO_CPUID | IDL_FILL_NO_BIG);
            json = libxl__obj_to_json(d, src);
            init(a);
            ck_assert_int_eq(from_json(fake_ctx, a, json), 0);
            libxl__obj_init(d, b);
            ck_assert_msg(libxl__obj_from_json(d, b, json, &err) == 0, "%s", err);
            ck_assert_msg(libxl__obj_equal(d, a, b), "%s (seed %d): parsed differently:\n%s",
                          d->name, seed, json);
            free(json);
            libxl__obj_dispose(d, a);
            libxl__obj_dispose(d, b);
            libxl__obj_dispose(d, src);
            free(src);
            free(a);
            free(b);
            compared++;
        }
    }
    ck_assert_int_ge(compared, 4 * 45);
}
END_TEST

int main(void)
{
    const char *path = getenv("LIBXENLIGHT_417");
    Suite *s = suite_create("idl_oracle");
    TCase *tc = tcase_create("real libxl 4.17");
    SRunner *sr;
    int failed;

    real = dlopen(path ? path : REAL_LIBXENLIGHT, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!real) {
        printf("1..0 # SKIP libxenlight 4.17 not installed (%s)\n", dlerror());
        return EXIT_SUCCESS;
    }
    tcase_add_test(tc, test_sizes_match_real);
    tcase_add_test(tc, test_init_matches_real);
    tcase_add_test(tc, test_gen_json_matches_real);
    tcase_add_test(tc, test_parse_json_matches_real);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
