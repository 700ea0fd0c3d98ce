/*
 * check_emu_smc.c: self-modifying code on the emu backend.  Unicorn 2.1.1
 * misses two cases, which the backend makes right: two patches of code on
 * one page one after the other (the second was missed), and code patched
 * through a second virtual mapping of its page (the old code ran).  Also:
 * code the host writes into guest memory, announced with code_written(),
 * and code one vCPU patches while another vCPU of the domain has run it.
 *
 * Each guest calls a function returning 1 (mov $1,%eax; ret), patches its
 * immediate to 2 then to 3, calling it and reporting %al on port 0x80
 * after each step: the ports must see 1, 2, 3.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_emu_guest.h"

static const uint8_t target_fn[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3}; /* mov $1,%eax; ret */

/* At 0x2000: call 0x3000; out %al,$0x80; movb $2,0x3001; call 0x3000;
 * out %al,$0x80; movb $3,0x3001; call 0x3000; out %al,$0x80; hlt */
static const uint8_t blob_two_patches[] = {
    0xe8, 0xfb, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xc6, 0x04, 0x25, 0x01, 0x30, 0x00,
    0x00, 0x02, 0xe8, 0xec, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xc6, 0x04, 0x25, 0x01,
    0x30, 0x00, 0x00, 0x03, 0xe8, 0xdd, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xf4,
};

/* The same, writing through the alias 0x400000 of page 0x3000:
 * movb $2,0x400001 ... movb $3,0x400001 */
static const uint8_t blob_alias[] = {
    0xe8, 0xfb, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xc6, 0x04, 0x25, 0x01, 0x00, 0x40,
    0x00, 0x02, 0xe8, 0xec, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xc6, 0x04, 0x25, 0x01,
    0x00, 0x40, 0x00, 0x03, 0xe8, 0xdd, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xf4,
};

/* The function on the writer's own page:
 *   jmp 1f; 2: mov $1,%eax; ret; 1: call 2b; out %al,$0x80; movb $2,2b+1;
 *   call 2b; out %al,$0x80; movb $3,2b+1; call 2b; out %al,$0x80; hlt */
static const uint8_t blob_same_page[] = {
    0xeb, 0x06, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3, 0xe8, 0xf5, 0xff, 0xff, 0xff, 0xe6, 0x80, 0xc6,
    0x04, 0x25, 0x03, 0x20, 0x00, 0x00, 0x02, 0xe8, 0xe6, 0xff, 0xff, 0xff, 0xe6, 0x80, 0xc6, 0x04,
    0x25, 0x03, 0x20, 0x00, 0x00, 0x03, 0xe8, 0xd7, 0xff, 0xff, 0xff, 0xe6, 0x80, 0xf4,
};

static void expect_1_2_3(struct tguest *g)
{
    struct hval_exit e = tg_run(g);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(g->log[i].kind, HVAL_EXIT_IO);
        ck_assert_uint_eq(g->log[i].io.data, i + 1);
    }
}

START_TEST(two_patches_on_one_page)
{
    struct tguest *g = tg_new();
    tg_put(g, TG_CODE, blob_two_patches, sizeof(blob_two_patches));
    tg_put(g, TG_TARGET, target_fn, sizeof(target_fn));
    tg_start64(g, TG_CODE);
    expect_1_2_3(g);
    tg_free(g);
}
END_TEST

START_TEST(patches_on_the_writers_page)
{
    struct tguest *g = tg_new();
    tg_put(g, TG_CODE, blob_same_page, sizeof(blob_same_page));
    tg_start64(g, TG_CODE);
    expect_1_2_3(g);
    tg_free(g);
}
END_TEST

START_TEST(patch_through_an_alias_mapping)
{
    struct tguest *g = tg_new();
    tg_paging64(g);
    tg_map(g, 0x400000, TG_TARGET, 3);
    tg_put(g, TG_CODE, blob_alias, sizeof(blob_alias));
    tg_put(g, TG_TARGET, target_fn, sizeof(target_fn));
    tg_start64(g, TG_CODE);
    expect_1_2_3(g);
    tg_free(g);
}
END_TEST

/* call 0x3000; out %al,$0x80; hlt -- run twice, the host patching between. */
static const uint8_t blob_call_once[] = {0xe8, 0xfb, 0x0f, 0x00, 0x00, 0xe6, 0x80, 0xf4};

START_TEST(host_writes_code)
{
    struct tguest *g = tg_new();
    tg_put(g, TG_CODE, blob_call_once, sizeof(blob_call_once));
    tg_put(g, TG_TARGET, target_fn, sizeof(target_fn));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    g->ram[TG_TARGET + 1] = 7;
    ck_assert_int_eq(g->ops->code_written(g->v, TG_TARGET + 1, 1), 0);
    struct hval_regs r = tg_regs(g);
    r.rip = TG_CODE;
    ck_assert_int_eq(g->ops->set_regs(g->v, &r), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 2);
    ck_assert_uint_eq(g->log[0].io.data, 1);
    ck_assert_uint_eq(g->log[1].io.data, 7);
    tg_free(g);
}
END_TEST

/* movb $5,0x3001; hlt -- run by a second vCPU of the same domain. */
static const uint8_t blob_patch_5[] = {0xc6, 0x04, 0x25, 0x01, 0x30, 0x00, 0x00, 0x05, 0xf4};

START_TEST(another_vcpu_patches_code)
{
    struct tguest *g = tg_new();
    struct hval_ram r = {0, TG_RAM_SIZE, g->ram};
    struct hval_vcpu_config cfg = {&r, 1, NULL, NULL, g->v};
    struct hval_vcpu *other;
    struct hval_state st;
    struct hval_exit e;

    tg_put(g, TG_CODE, blob_call_once, sizeof(blob_call_once));
    tg_put(g, TG_CODE + 0x800, blob_patch_5, sizeof(blob_patch_5));
    tg_put(g, TG_TARGET, target_fn, sizeof(target_fn));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);

    ck_assert_int_eq(g->ops->vcpu_create(&cfg, &other), 0);
    hval_state_long64(&st, TG_CODE + 0x800, g->cr3);
    ck_assert_int_eq(g->ops->set_state(other, &st), 0);
    ck_assert_int_eq(g->ops->run(other, 0, &e), 0);
    ck_assert_int_eq(e.kind, HVAL_EXIT_HLT);

    struct hval_regs regs = tg_regs(g);
    regs.rip = TG_CODE;
    ck_assert_int_eq(g->ops->set_regs(g->v, &regs), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_eq(g->nlog, 2);
    ck_assert_uint_eq(g->log[0].io.data, 1);
    ck_assert_uint_eq(g->log[1].io.data, 5);
    g->ops->vcpu_destroy(other);
    tg_free(g);
}
END_TEST

/* The rdmsr sites of a page (emu_msr.c) after its code changed: the page
 * ran (scanned, no site), then holds mov $0x40000000,%ecx; rdmsr; ret.
 * At 0x2000: call 0x3000; movl $0xb9,0x3000; movl $0xc3320f40,0x3004;
 * call 0x3000; hlt. */
static const uint8_t blob_patch_in_rdmsr[] = {
    0xe8, 0xfb, 0x0f, 0x00, 0x00, 0xc7, 0x04, 0x25, 0x00, 0x30, 0x00,
    0x00, 0xb9, 0x00, 0x00, 0x00, 0xc7, 0x04, 0x25, 0x04, 0x30, 0x00,
    0x00, 0x40, 0x0f, 0x32, 0xc3, 0xe8, 0xe0, 0x0f, 0x00, 0x00, 0xf4,
};
static const uint8_t rdmsr_fn[] = {0xb9, 0x00, 0x00, 0x00, 0x40, 0x0f, 0x32, 0xc3};

static void expect_one_msr_read(struct tguest *g)
{
    ck_assert_int_eq(g->nlog, 1);
    ck_assert_int_eq(g->log[0].kind, HVAL_EXIT_MSR);
    ck_assert_uint_eq(g->log[0].msr.index, 0x40000000);
    ck_assert(!g->log[0].msr.write);
}

START_TEST(rdmsr_patched_into_a_page_that_ran)
{
    struct tguest *g = tg_new();
    tg_put(g, TG_CODE, blob_patch_in_rdmsr, sizeof(blob_patch_in_rdmsr));
    tg_put(g, TG_TARGET, target_fn, sizeof(target_fn));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    expect_one_msr_read(g);
    tg_free(g);
}
END_TEST

/* The same with the host writing the rdmsr (code_written), between two
 * runs of call 0x3000; out %al,$0x80; hlt. */
START_TEST(rdmsr_the_host_wrote_into_a_page_that_ran)
{
    struct tguest *g = tg_new();
    tg_put(g, TG_CODE, blob_call_once, sizeof(blob_call_once));
    tg_put(g, TG_TARGET, target_fn, sizeof(target_fn));
    tg_start64(g, TG_CODE);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    g->nlog = 0;
    memcpy(g->ram + TG_TARGET, rdmsr_fn, sizeof(rdmsr_fn));
    ck_assert_int_eq(g->ops->code_written(g->v, TG_TARGET, sizeof(rdmsr_fn)), 0);
    struct hval_regs r = tg_regs(g);
    r.rip = TG_CODE;
    ck_assert_int_eq(g->ops->set_regs(g->v, &r), 0);
    ck_assert_int_eq(tg_run(g).kind, HVAL_EXIT_HLT);
    ck_assert_int_ge(g->nlog, 1);
    g->nlog = 1; /* the out after it is not the point */
    expect_one_msr_read(g);
    tg_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("emu_smc");
    TCase *tc = tcase_create("smc");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, two_patches_on_one_page);
    tcase_add_test(tc, patches_on_the_writers_page);
    tcase_add_test(tc, patch_through_an_alias_mapping);
    tcase_add_test(tc, host_writes_code);
    tcase_add_test(tc, another_vcpu_patches_code);
    tcase_add_test(tc, rdmsr_patched_into_a_page_that_ran);
    tcase_add_test(tc, rdmsr_the_host_wrote_into_a_page_that_ran);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
