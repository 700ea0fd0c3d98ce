/*
 * check_boot_config.c: libxl's boot rules (libxl_boot_config.c): which
 * kernel=/firmware=/bootloader= combinations are errors for each domain
 * type, and what the firmware aliases become, as xl 4.17 decides.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_boot_config.h"

struct cfg {
    libxl_domain_config d;
};

static void setup(struct cfg *c, libxl_domain_type type, const char *kernel, const char *bootloader)
{
    libxl_domain_config_init(&c->d);
    c->d.c_info.type = type;
    libxl_domain_build_info_init_type(&c->d.b_info, type);
    c->d.b_info.kernel = kernel ? strdup(kernel) : NULL;
    c->d.b_info.bootloader = bootloader ? strdup(bootloader) : NULL;
}

static int resolve(struct cfg *c, const char *firmware, libxl_boot_report *r)
{
    return libxl_domain_config_resolve_boot(&c->d, firmware, r);
}

START_TEST(pv_and_pvh_need_kernel_or_bootloader)
{
    static const libxl_domain_type types[] = {LIBXL_DOMAIN_TYPE_PV, LIBXL_DOMAIN_TYPE_PVH};
    for (size_t i = 0; i < 2; i++) {
        struct cfg c;
        libxl_boot_report r;
        setup(&c, types[i], NULL, NULL);
        ck_assert_int_eq(resolve(&c, NULL, &r), ERROR_INVAL);
        ck_assert_str_eq(r.error, "Neither kernel nor bootloader specified");
        libxl_domain_config_dispose(&c.d);

        setup(&c, types[i], "/k", "pygrub"); /* both: accepted */
        ck_assert_int_eq(resolve(&c, NULL, &r), 0);
        libxl_domain_config_dispose(&c.d);

        setup(&c, types[i], NULL, "pygrub");
        ck_assert_int_eq(resolve(&c, NULL, &r), 0);
        libxl_domain_config_dispose(&c.d);
    }
}
END_TEST

START_TEST(pv_firmware_is_pvgrub_only)
{
    struct cfg c;
    libxl_boot_report r;
    char expect[256];

    setup(&c, LIBXL_DOMAIN_TYPE_PV, NULL, NULL);
    ck_assert_int_eq(resolve(&c, "pvgrub64", &r), 0);
    snprintf(expect, sizeof(expect), "%s/pvgrub64.bin", libxl_firmware_dir());
    ck_assert_str_eq(c.d.b_info.kernel, expect);
    libxl_domain_config_dispose(&c.d);

    setup(&c, LIBXL_DOMAIN_TYPE_PVH, NULL, "pygrub"); /* firmware + bootloader: accepted */
    ck_assert_int_eq(resolve(&c, "pvgrub32", &r), 0);
    libxl_domain_config_dispose(&c.d);

    static const char *const refused[] = {"ovmf", "uefi", "seabios", "bios", "/path/fw.bin"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        setup(&c, LIBXL_DOMAIN_TYPE_PVH, NULL, NULL);
        ck_assert_int_eq(resolve(&c, refused[i], &r), ERROR_INVAL);
        ck_assert_str_eq(r.error, "ERROR: only pvgrub{32|64} supported as firmware options");
        libxl_domain_config_dispose(&c.d);
    }

    setup(&c, LIBXL_DOMAIN_TYPE_PV, "/k", NULL);
    ck_assert_int_eq(resolve(&c, "pvgrub64", &r), ERROR_INVAL);
    ck_assert_str_eq(r.error, "ERROR: both kernel and firmware specified");
    libxl_domain_config_dispose(&c.d);
}
END_TEST

START_TEST(hvm_firmware_aliases)
{
    static const struct {
        const char *firmware;
        libxl_bios_type bios;
        const char *path;
    } cases[] = {
        {"uefi", LIBXL_BIOS_TYPE_OVMF, NULL},
        {"ovmf", LIBXL_BIOS_TYPE_OVMF, NULL},
        {"OVMF", LIBXL_BIOS_TYPE_OVMF, NULL},
        {"seabios", LIBXL_BIOS_TYPE_SEABIOS, NULL},
        {"rombios", LIBXL_BIOS_TYPE_ROMBIOS, NULL},
        {"bios", LIBXL_BIOS_TYPE_UNKNOWN, NULL},
        {"/fw.bin", LIBXL_BIOS_TYPE_UNKNOWN, "/fw.bin"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cfg c;
        libxl_boot_report r;
        setup(&c, LIBXL_DOMAIN_TYPE_HVM, NULL, NULL);
        ck_assert_int_eq(resolve(&c, cases[i].firmware, &r), 0);
        ck_assert_int_eq(c.d.b_info.u.hvm.bios, cases[i].bios);
        if (cases[i].path)
            ck_assert_str_eq(c.d.b_info.u.hvm.firmware, cases[i].path);
        else
            ck_assert_ptr_null(c.d.b_info.u.hvm.firmware);
        libxl_domain_config_dispose(&c.d);
    }
}
END_TEST

START_TEST(hvm_kernel_named_hvmloader_is_dropped)
{
    struct cfg c;
    libxl_boot_report r;
    setup(&c, LIBXL_DOMAIN_TYPE_HVM, "/usr/lib/xen/boot/hvmloader", NULL);
    ck_assert_int_eq(resolve(&c, NULL, &r), 0);
    ck_assert_ptr_null(c.d.b_info.kernel);
    ck_assert_ptr_nonnull(strstr(r.warning, "firmware_override"));
    libxl_domain_config_dispose(&c.d);

    setup(&c, LIBXL_DOMAIN_TYPE_HVM, "/boot/vmlinuz", NULL); /* direct kernel boot: kept */
    ck_assert_int_eq(resolve(&c, "seabios", &r), 0);
    ck_assert_str_eq(c.d.b_info.kernel, "/boot/vmlinuz");
    ck_assert_ptr_null(r.warning);
    libxl_domain_config_dispose(&c.d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("boot_config");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, pv_and_pvh_need_kernel_or_bootloader);
    tcase_add_test(tc, pv_firmware_is_pvgrub_only);
    tcase_add_test(tc, hvm_firmware_aliases);
    tcase_add_test(tc, hvm_kernel_named_hvmloader_is_dropped);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
