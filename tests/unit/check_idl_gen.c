/*
 * check_idl_gen.c: the IDL generator (idl/idlgen) on small descriptions:
 * a valid one gives the five generated files with the expected C; a bad
 * one is refused with "FILE:LINE: what is wrong" and no output at all.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

/* Runs idlgen on text; returns its exit status, *out gets stdout+stderr. */
static int run_idlgen(const char *text, char *out, size_t outsz)
{
    const char *top = getenv("top_builddir");
    char idl[128], cmd[1024];
    FILE *f, *p;
    size_t n;
    int status;

    snprintf(dir, sizeof(dir), "/tmp/check_idl_gen.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(idl, sizeof(idl), "%s/t.idl", dir);
    f = fopen(idl, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "cd %s && %s/idl/idlgen t.idl . 2>&1", dir, top ? top : "..");
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    n = fread(out, 1, outsz - 1, p);
    out[n] = 0;
    status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool exists(const char *name)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static char *slurp(const char *name)
{
    char path[256], *buf = calloc(1, 1 << 20);
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    if (fread(buf, 1, (1 << 20) - 1, f) == 0)
        buf[0] = 0;
    fclose(f);
    return buf;
}

static void cleanup(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *const outputs[] = {"_libxl_types.h", "_libxl_types_json.h",
                                      "_libxl_types_features.h", "_libxl_types_desc.h",
                                      "_libxl_types.c"};

START_TEST(test_valid_description)
{
    char out[4096], *h, *c, *feat;

    ck_assert_int_eq(run_idlgen("builtin defbool\n"
                                "int devid = integer typedef default=-1\n"
                                "enum colour default=RED { RED = 1  GREEN = 0x20 }\n"
                                "struct paint dir=in {\n"
                                "    id devid\n"
                                "    name string  # a comment\n"
                                "    shades array(colour, num_shades)\n"
                                "    u union(kind: colour) { red { glossy defbool } green }\n"
                                "    legacy_name string deprecated_by=name\n"
                                "}\n",
                                out, sizeof(out)),
                     0);
    ck_assert_str_eq(out, "");
    for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
        ck_assert_msg(exists(outputs[i]), "%s missing", outputs[i]);
    h = slurp("_libxl_types.h");
    ck_assert_ptr_nonnull(strstr(h, "typedef int libxl_devid;"));
    ck_assert_ptr_nonnull(strstr(h, "    LIBXL_COLOUR_GREEN = 0x20,\n"));
    ck_assert_ptr_nonnull(strstr(h, "    int num_shades;\n    libxl_colour *shades;\n"));
    ck_assert_ptr_nonnull(strstr(h,
                                 "    libxl_colour kind;\n    union {\n        struct {\n"
                                 "            libxl_defbool glossy;\n        } red;\n    } u;\n"));
    ck_assert_ptr_nonnull(
        strstr(h, "void libxl_paint_init_kind(libxl_paint *p, libxl_colour kind);"));
    ck_assert_ptr_nonnull(
        strstr(h, "int libxl_colour_from_string(const char *s, libxl_colour *e);"));
    c = slurp("_libxl_types.c");
    ck_assert_ptr_nonnull(strstr(c, "{\"green\", LIBXL_COLOUR_GREEN},"));
    ck_assert_ptr_nonnull(strstr(c, ".deprecated_by = \"name\","));
    ck_assert_ptr_nonnull(strstr(c, ".key_init = LIBXL_COLOUR_RED,"));
    ck_assert_ptr_nonnull(strstr(c, ".has_deprecated = true,"));
    feat = slurp("_libxl_types_features.h");
    ck_assert_ptr_nonnull(strstr(feat, "#define LIBXL_HAVE_PAINT_U_RED_GLOSSY 1\n"));
    ck_assert_ptr_nonnull(strstr(feat, "#define LIBXL_HAVE_COLOUR_GREEN 1\n"));
    free(h);
    free(c);
    free(feat);
    cleanup();
}
END_TEST

static const struct {
    const char *idl;
    const char *error;
} bad[] = {
    {"struct a {\n  x nosuch\n}\n", "t.idl:2: unknown type 'nosuch'"},
    {"struct a {\n  x bool\n  x bool\n}\n", "t.idl:3: duplicate field 'x'"},
    {"struct a {\n  x bool deprecated_by=y\n}\n",
     "t.idl:2: x: deprecated_by=y names no field of a"},
    {"struct a {\n  y string\n  x bool deprecated_by=y\n}\n",
     "t.idl:3: x: deprecated_by=y has another type"},
    {"enum e { A = 1 }\nstruct a {\n  u union(k: e) { b }\n}\n",
     "t.idl:3: union member 'b' is not a value of e"},
    {"struct a {\n  u union(k: bool) { b }\n}\n", "t.idl:2: a union's key must be an enum"},
    {"struct a { x bool }\nstruct a { y bool }\n", "t.idl:2: type 'a' declared twice"},
    {"struct a {\n  x bool @\n}\n", "t.idl:2: unexpected character '@'"},
    {"struct a {\n  x bool\n", "t.idl:3: expected '}', found ''"},
    {"int n = string\n", "t.idl:1: 'string' must be an integer type"},
    {"struct a {\n  x bool const\n}\n", "t.idl:2: only string fields may be const"},
    {"struct a { x bool prefix=P }\n", "t.idl:1: option not allowed on field 'x'"},
    {"typedef x\n", "t.idl:1: expected builtin, int, enum or struct, found 'typedef'"},
};

START_TEST(test_bad_description)
{
    char out[4096];

    ck_assert_int_eq(run_idlgen(bad[_i].idl, out, sizeof(out)), 1);
    ck_assert_msg(!strncmp(out, bad[_i].error, strlen(bad[_i].error)),
                  "got \"%s\", expected \"%s\"", out, bad[_i].error);
    for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
        ck_assert_msg(!exists(outputs[i]), "%s written despite the error", outputs[i]);
    cleanup();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idl_gen");
    TCase *tc = tcase_create("idlgen");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_valid_description);
    tcase_add_loop_test(tc, test_bad_description, 0, (int)(sizeof(bad) / sizeof(bad[0])));
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
