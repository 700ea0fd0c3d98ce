/*
 * check_xlu_cfg.c: the xl.cfg grammar of libxlutil: values, lists, +=,
 * comments, escapes, and its error messages (FILE:LINE, worded as real
 * xl 4.17 words them).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"

/* Parse text; *report gets the messages; returns the errno value. */
static int parse(const char *text, XLU_Config **cfg_r, char **report)
{
    size_t len;
    FILE *f = open_memstream(report, &len);
    XLU_Config *cfg = xlu_cfg_init(f, "t.cfg");
    ck_assert_ptr_nonnull(cfg);
    int e = xlu_cfg_readdata(cfg, text, (int)strlen(text));
    fclose(f);
    if (cfg_r)
        *cfg_r = cfg;
    else
        xlu_cfg_destroy(cfg);
    return e;
}

static const char *get_str(XLU_Config *cfg, const char *n)
{
    const char *s = NULL;
    ck_assert_int_eq(xlu_cfg_get_string(cfg, n, &s, 1), 0);
    return s;
}

START_TEST(strings_numbers_and_comments)
{
    XLU_Config *cfg;
    char *rep;
    ck_assert_int_eq(
        parse("# comment\nname = \"a b\" # trailing\nkernel='/k'\nmemory = 0x200;vcpus=2\n", &cfg,
              &rep),
        0);
    ck_assert_str_eq(rep, "");
    ck_assert_str_eq(get_str(cfg, "name"), "a b");
    ck_assert_str_eq(get_str(cfg, "kernel"), "/k");
    long l;
    ck_assert_int_eq(xlu_cfg_get_long(cfg, "memory", &l, 0), 0);
    ck_assert_int_eq(l, 512);
    ck_assert_int_eq(xlu_cfg_get_long(cfg, "vcpus", &l, 0), 0);
    ck_assert_int_eq(l, 2);
    ck_assert_int_eq(xlu_cfg_get_long(cfg, "absent", &l, 0), ESRCH);
    xlu_cfg_destroy(cfg);
    free(rep);
}
END_TEST

START_TEST(escapes_in_both_quotes)
{
    XLU_Config *cfg;
    char *rep;
    ck_assert_int_eq(parse("a = \"x\\ty\\\"z\\\\\"\nb = 'it\\'s'\n", &cfg, &rep), 0);
    ck_assert_str_eq(get_str(cfg, "a"), "x\ty\"z\\");
    ck_assert_str_eq(get_str(cfg, "b"), "it's");
    xlu_cfg_destroy(cfg);
    free(rep);
}
END_TEST

START_TEST(lists_nested_trailing_comma_and_newlines)
{
    XLU_Config *cfg;
    char *rep;
    XLU_ConfigList *list;
    int n;
    ck_assert_int_eq(
        parse("disk = [\n  'a',\n\n  'b' ,\n]\nnest = [ [ 1, 2 ], [], 'x', ]\n", &cfg, &rep), 0);
    ck_assert_int_eq(xlu_cfg_get_list(cfg, "disk", &list, &n, 0), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(xlu_cfg_get_listitem(list, 0), "a");
    ck_assert_str_eq(xlu_cfg_get_listitem(list, 1), "b");
    ck_assert_ptr_null(xlu_cfg_get_listitem(list, 2));
    ck_assert_int_eq(xlu_cfg_get_list(cfg, "nest", &list, &n, 0), 0);
    ck_assert_int_eq(n, 3);
    XLU_ConfigValue *v = xlu_cfg_get_listitem2(list, 0);
    ck_assert_int_eq(xlu_cfg_value_type(v), XLU_LIST);
    XLU_ConfigList *inner;
    ck_assert_int_eq(xlu_cfg_value_get_list(cfg, v, &inner, 0), 0);
    ck_assert_int_eq(xlu_cfg_list_length(inner), 2);
    ck_assert_ptr_null(xlu_cfg_get_listitem(list, 0)); /* a list, not a string */
    xlu_cfg_destroy(cfg);
    free(rep);
}
END_TEST

START_TEST(append_and_last_assignment_wins)
{
    XLU_Config *cfg;
    char *rep;
    XLU_ConfigList *list;
    int n;
    ck_assert_int_eq(
        parse("x = 'a'\nx += 'b'\nl = ['1']\nl += ['2', '3']\nm = 1\nm = 2\nnew += 'z'\n", &cfg,
              &rep),
        0);
    ck_assert_str_eq(get_str(cfg, "x"), "ab");
    ck_assert_int_eq(xlu_cfg_get_list(cfg, "l", &list, &n, 0), 0);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(xlu_cfg_get_listitem(list, 2), "3");
    ck_assert_str_eq(get_str(cfg, "m"), "2");
    ck_assert_str_eq(get_str(cfg, "new"), "z");
    xlu_cfg_destroy(cfg);
    free(rep);
}
END_TEST

START_TEST(append_string_to_list_is_an_error)
{
    char *rep;
    ck_assert_int_eq(parse("x = 'a'\nx += ['b']\n", NULL, &rep), EINVAL);
    ck_assert_str_eq(
        rep,
        "t.cfg:2: config parsing error near `]': can't add [list] to \"string\" or vice versa\n");
    free(rep);
}
END_TEST

START_TEST(syntax_errors_name_file_and_line)
{
    static const struct {
        const char *text, *report;
    } cases[] = {
        {"a=1\nmemory=\n",
         "t.cfg:1: config parsing error near <newline>: syntax error, unexpected NEWLINE, "
         "expecting STRING or NUMBER or '['\n"},
        {"x = foo\n",
         "t.cfg:1: config parsing error near `foo': syntax error, unexpected IDENT, expecting "
         "STRING or NUMBER or '['\n"},
        {"x = 5 6\n", "t.cfg:1: config parsing error near `6': syntax error, unexpected NUMBER, "
                      "expecting $end\n"},
        {"x 5\n", "t.cfg:1: config parsing error near `5': syntax error, unexpected NUMBER, "
                  "expecting += or '='\n"},
        {"x=[1 2]\n", "t.cfg:1: config parsing error near `2': syntax error, unexpected NUMBER, "
                      "expecting ']'\n"},
        {"x=[1\n",
         "t.cfg:1: config parsing error near `': syntax error, unexpected $end, expecting ']'\n"},
        {"Memory=5\n", "t.cfg:1: config parsing error near `Memory=5': lexical error\n"},
        {"x=\"abc\n", "t.cfg:1: config parsing error near `\"abc': lexical error\n"},
        {"x=\"a\\qb\"\n",
         "t.cfg:1: config parsing error near `\"a\\qb\"': invalid character after backlash in "
         "quoted string\n"},
        {"x=[5 6]\ny=[7 8]\n",
         "t.cfg:1: config parsing error near `6': syntax error, unexpected NUMBER, "
         "expecting ']'\nt.cfg:2: config parsing error near `8': syntax error, unexpected "
         "NUMBER, expecting ']'\n"},
        {"x=-5\n", "t.cfg:1: config parsing error near `-5': lexical error\n"
                   "warning: Config file looks like it contains Python code.\n"
                   "warning:  Arbitrary Python is no longer supported.\n"
                   "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *rep;
        ck_assert_int_eq(parse(cases[i].text, NULL, &rep), EINVAL);
        ck_assert_str_eq(rep, cases[i].report);
        free(rep);
    }
}
END_TEST

/* Which of several errors real xl reports, and how it quotes them. */
START_TEST(later_errors_reported_as_real_xl_does)
{
    static const struct {
        const char *text, *report;
        int rc;
    } cases[] = {
        /* a second bad word on the same line is not reported... */
        {"x=@ @@\n", "t.cfg:1: config parsing error near `@': lexical error\n", EINVAL},
        /* ...unless it is a lone character ending the line */
        {"x=@ @\n",
         "t.cfg:1: config parsing error near `@': lexical error\n"
         "t.cfg:1: config parsing error near `@': lexical error\n",
         EINVAL},
        /* a bad character the file ends with is never seen */
        {"x=1\n/", "", 0},
        /* it is what an error at the end quotes */
        {"x=[1/",
         "t.cfg:1: config parsing error near `/': syntax error, unexpected $end, expecting ']'\n",
         EINVAL},
        /* a comment belongs to the newline after it */
        {"a=1\nb # c \n",
         "t.cfg:1: config parsing error near `# c': syntax error, unexpected NEWLINE, "
         "expecting += or '='\n",
         EINVAL},
        /* a comment without a newline is a bad word */
        {"a=1\n#ab", "t.cfg:2: config parsing error near `#ab': lexical error\n", EINVAL},
        /* after the first error, strings are not checked any more */
        {"x y\nz=\"\\q\"\n",
         "t.cfg:1: config parsing error near `y': syntax error, unexpected IDENT, "
         "expecting += or '='\n",
         EINVAL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *rep;
        ck_assert_int_eq(parse(cases[i].text, NULL, &rep), cases[i].rc);
        ck_assert_str_eq(rep, cases[i].report);
        free(rep);
    }
}
END_TEST

START_TEST(accessor_warnings)
{
    char *rep;
    size_t len;
    long l;
    FILE *f = open_memstream(&rep, &len);
    XLU_Config *cfg = xlu_cfg_init(f, "w.cfg");
    const char *text = "a = 'lots'\nb = [1]\nc = 'x'\nd += 1\n";
    ck_assert_int_eq(xlu_cfg_readdata(cfg, text, (int)strlen(text)), 0);
    ck_assert_int_eq(xlu_cfg_get_long(cfg, "a", &l, 0), EINVAL);
    ck_assert_int_eq(xlu_cfg_get_long(cfg, "b", &l, 0), EINVAL);
    ck_assert_int_eq(xlu_cfg_get_list(cfg, "c", NULL, NULL, 0), EINVAL);
    ck_assert_int_eq(xlu_cfg_get_long(cfg, "d", &l, 0), EINVAL);
    fflush(f);
    ck_assert_str_eq(rep, "w.cfg:1: warning: parameter `a' is not a valid number\n"
                          "w.cfg:2: warning: parameter `b' is a list but should be a single value\n"
                          "w.cfg:3: warning: parameter `c' is a single value but should be a list\n"
                          "w.cfg:4: warning: can't use += with numbers for parameter `d'\n");
    xlu_cfg_destroy(cfg);
    fclose(f);
    free(rep);
}
END_TEST

START_TEST(setting_positions_cover_the_text)
{
    XLU_Config *cfg;
    char *rep;
    const char *text = "# c\nbuilder = 'hvm'  # x\nl = [ 1,\n 2 ]\n";
    ck_assert_int_eq(parse(text, &cfg, &rep), 0);
    const XLU_SettingInfo *in;
    ck_assert_int_eq(xlu_cfg_settings(cfg, &in), 2);
    ck_assert_str_eq(in[0].name, "builder");
    ck_assert_int_eq(in[0].stmt_off, 4);
    ck_assert_int_eq(
        strncmp(text + in[0].value_off, "'hvm'", (size_t)(in[0].value_end - in[0].value_off)), 0);
    ck_assert_int_eq(in[0].value_end - in[0].value_off, 5);
    ck_assert_str_eq(in[1].name, "l");
    ck_assert_int_eq(text[in[1].value_off], '[');
    ck_assert_int_eq(text[in[1].value_end - 1], ']');
    ck_assert_int_eq(in[1].line, 3);
    xlu_cfg_destroy(cfg);
    free(rep);
}
END_TEST

START_TEST(deep_nesting_is_refused_not_crashed)
{
    size_t n = 100000;
    char *text = malloc(n + 8);
    memcpy(text, "x=", 2);
    memset(text + 2, '[', n);
    strcpy(text + 2 + n, "\n");
    char *rep;
    ck_assert_int_ne(parse(text, NULL, &rep), 0);
    ck_assert_ptr_nonnull(strstr(rep, "t.cfg:1:"));
    free(rep);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xlu_cfg");
    TCase *tc = tcase_create("grammar");
    tcase_add_test(tc, strings_numbers_and_comments);
    tcase_add_test(tc, escapes_in_both_quotes);
    tcase_add_test(tc, lists_nested_trailing_comma_and_newlines);
    tcase_add_test(tc, append_and_last_assignment_wins);
    tcase_add_test(tc, append_string_to_list_is_an_error);
    tcase_add_test(tc, syntax_errors_name_file_and_line);
    tcase_add_test(tc, later_errors_reported_as_real_xl_does);
    tcase_add_test(tc, accessor_warnings);
    tcase_add_test(tc, setting_positions_cover_the_text);
    tcase_add_test(tc, deep_nesting_is_refused_not_crashed);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
