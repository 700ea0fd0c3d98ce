/*
 * check_emu_engine.c: the unicorn library the build links is one the emu
 * backend can run paged guests on.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

START_TEST(engine_is_2_1_or_newer)
{
    ck_assert(emu_engine_usable());
}
END_TEST

START_TEST(engine_version_names_unicorn)
{
    const char *v = emu_engine_version();
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(strncmp(v, "unicorn 2.", 10), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("emu_engine");
    TCase *tc = tcase_create("version");
    tcase_add_test(tc, engine_is_2_1_or_newer);
    tcase_add_test(tc, engine_version_names_unicorn);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
