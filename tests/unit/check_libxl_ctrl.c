/*
 * check_libxl_ctrl.c: the control layer's hypercall-buffer allocator
 * (libxl_ctrl.c) over a region of its own: buffers are zeroed, disjoint,
 * inside the region, reused after free, and the region's end is honoured.
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_ctrl.h"

#define REGION (64u * 1024)

static libxl__ctrl ctrl;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void setup(void)
{
    memset(&ctrl, 0, sizeof(ctrl));
    ctrl.region = aligned_alloc(4096, REGION);
    ctrl.region_size = REGION;
    ctrl.lock = &lock;
    ck_assert_int_eq(libxl__ctrl_region_init(&ctrl), 0);
}

static void teardown(void)
{
    free(ctrl.region);
    free(ctrl.region_used);
}

static int inside(const void *p, size_t len)
{
    const uint8_t *b = p;
    return b >= ctrl.region && b + len <= ctrl.region + ctrl.region_size;
}

START_TEST(buffers_are_zeroed_disjoint_and_inside)
{
    uint8_t *a = libxl__ctrl_buf_alloc(&ctrl, 100);
    uint8_t *b = libxl__ctrl_buf_alloc(&ctrl, 5000);

    ck_assert(a && b && inside(a, 100) && inside(b, 5000));
    ck_assert(a + 100 <= b || b + 5000 <= a);
    for (int i = 0; i < 5000; i++)
        ck_assert_int_eq(b[i], 0);
    memset(a, 0xaa, 100);
    libxl__ctrl_buf_free(&ctrl, a);
    a = libxl__ctrl_buf_alloc(&ctrl, 100);
    ck_assert(a);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(a[i], 0);
    libxl__ctrl_buf_free(&ctrl, a);
    libxl__ctrl_buf_free(&ctrl, b);
}
END_TEST

START_TEST(exhaustion_and_reuse)
{
    void *bufs[2048];
    unsigned n = 0;

    while (n < 2048 && (bufs[n] = libxl__ctrl_buf_alloc(&ctrl, 200)))
        ck_assert(inside(bufs[n++], 200));
    ck_assert_uint_lt(n, 2048);
    ck_assert_uint_gt(n, 100);
    ck_assert_ptr_null(libxl__ctrl_buf_alloc(&ctrl, 200));
    ck_assert_ptr_null(libxl__ctrl_buf_alloc(&ctrl, REGION * 2));
    ck_assert_ptr_null(libxl__ctrl_buf_alloc(&ctrl, 0));
    libxl__ctrl_buf_free(&ctrl, bufs[n / 2]);
    ck_assert_ptr_eq(libxl__ctrl_buf_alloc(&ctrl, 200), bufs[n / 2]);
    for (unsigned i = 0; i < n; i++)
        libxl__ctrl_buf_free(&ctrl, bufs[i]);
    /* Everything free again: the largest buffer fits. */
    void *big = libxl__ctrl_buf_alloc(&ctrl, REGION - 64);
    ck_assert(big && inside(big, REGION - 64));
    libxl__ctrl_buf_free(&ctrl, big);
    libxl__ctrl_buf_free(&ctrl, NULL);
    int outside;
    libxl__ctrl_buf_free(&ctrl, &outside); /* not ours: ignored */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("libxl_ctrl");
    TCase *tc = tcase_create("buffers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, buffers_are_zeroed_disjoint_and_inside);
    tcase_add_test(tc, exhaustion_and_reuse);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
