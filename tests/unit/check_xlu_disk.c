/*
 * check_xlu_disk.c: libxlutil's spec parsers: disk (positional, key=value
 * and the old prefixes, with real xl 4.17's messages), vif rate, pci and
 * cpu lists.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"

struct parsed {
    libxl_device_disk disk;
    int rc;
    char *report;
};

static struct parsed disk(const char *spec)
{
    struct parsed p;
    size_t len;
    FILE *f = open_memstream(&p.report, &len);
    XLU_Config *cfg = xlu_cfg_init(f, "d.cfg");
    libxl_device_disk_init(&p.disk);
    p.rc = xlu_disk_parse(cfg, 1, &spec, &p.disk);
    xlu_cfg_destroy(cfg);
    fclose(f);
    return p;
}

static void done(struct parsed *p)
{
    libxl_device_disk_dispose(&p->disk);
    free(p->report);
}

START_TEST(positional_target_format_vdev_access)
{
    struct parsed p = disk("/dev/vg/root,qcow2,xvda,ro");
    ck_assert_int_eq(p.rc, 0);
    ck_assert_str_eq(p.disk.pdev_path, "/dev/vg/root");
    ck_assert_int_eq(p.disk.format, LIBXL_DISK_FORMAT_QCOW2);
    ck_assert_str_eq(p.disk.vdev, "xvda");
    ck_assert_int_eq(p.disk.readwrite, 0);
    done(&p);
}
END_TEST

START_TEST(key_value_form_and_flags)
{
    struct parsed p =
        disk("format=vhd, vdev=xvdb, access=rw, backendtype=phy, script=block-x, discard, "
             "direct-io-safe, backend=dom0, target=/img/a,with,commas");
    ck_assert_int_eq(p.rc, 0);
    ck_assert_str_eq(p.disk.pdev_path, "/img/a,with,commas");
    ck_assert_int_eq(p.disk.format, LIBXL_DISK_FORMAT_VHD);
    ck_assert_int_eq(p.disk.backend, LIBXL_DISK_BACKEND_PHY);
    ck_assert_str_eq(p.disk.script, "block-x");
    ck_assert_str_eq(p.disk.backend_domname, "dom0");
    ck_assert_int_eq(p.disk.readwrite, 1);
    ck_assert(p.disk.direct_io_safe);
    ck_assert(libxl_defbool_val(p.disk.discard_enable));
    done(&p);
}
END_TEST

START_TEST(old_prefixes_and_cdrom)
{
    struct parsed p = disk("tap:aio:/img/j.img,xvdj,w");
    ck_assert_int_eq(p.rc, 0);
    ck_assert_str_eq(p.disk.pdev_path, "/img/j.img");
    ck_assert_str_eq(p.disk.vdev, "xvdj");
    ck_assert_int_eq(p.disk.format, LIBXL_DISK_FORMAT_RAW);
    done(&p);
    p = disk("phy:/dev/sdb,hdc:cdrom,r");
    ck_assert_int_eq(p.rc, 0);
    ck_assert_int_eq(p.disk.is_cdrom, 1);
    ck_assert_int_eq(p.disk.removable, 1);
    done(&p);
    p = disk(",raw,hdc,ro,cdrom");
    ck_assert_int_eq(p.rc, 0);
    ck_assert_int_eq(p.disk.format, LIBXL_DISK_FORMAT_EMPTY);
    done(&p);
    p = disk("iscsi:iqn.2001:disk,xvdd,w");
    ck_assert_int_eq(p.rc, 0);
    ck_assert_str_eq(p.disk.script, "block-iscsi");
    done(&p);
}
END_TEST

START_TEST(errors_are_worded_as_real_xl)
{
    static const struct {
        const char *spec, *report;
    } cases[] = {
        {"/img/a.img",
         "d.cfg: config parsing error in disk specification: no vdev specified in `/img/a.img'\n"},
        {"target=/a, vdev=xvda",
         "d.cfg: config parsing error in disk specification: no vdev specified in "
         "`target=/a, vdev=xvda'\n"},
        {"format=vmdk, vdev=xvda, target=/a",
         "d.cfg: config parsing error in disk specification: unknown value "
         "for format: near `vmdk' in `format=vmdk, vdev=xvda, target=/a'\n"},
        {"/a,raw,xvda,rw,extra",
         "d.cfg: config parsing error in disk specification: too many positional "
         "parameters: near `extra' in `/a,raw,xvda,rw,extra'\n"},
        {"foo:/a,xvda",
         "d.cfg: config parsing error in disk specification: unknown deprecated disk prefix: "
         "near `foo:' in `foo:/a,xvda'\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct parsed p = disk(cases[i].spec);
        ck_assert_int_eq(p.rc, EINVAL);
        ck_assert_str_eq(p.report, cases[i].report);
        done(&p);
    }
}
END_TEST

START_TEST(vif_rates)
{
    XLU_Config *cfg = xlu_cfg_init(NULL, "v.cfg");
    libxl_device_nic nic;
    libxl_device_nic_init(&nic);
    ck_assert_int_eq(xlu_vif_parse_rate(cfg, "10Mb/s", &nic), 0);
    ck_assert_uint_eq(nic.rate_bytes_per_interval, 62500);
    ck_assert_uint_eq(nic.rate_interval_usecs, 50000);
    ck_assert_int_eq(xlu_vif_parse_rate(cfg, "1000KB/s@20ms", &nic), 0);
    ck_assert_uint_eq(nic.rate_bytes_per_interval, 20000);
    ck_assert_uint_eq(nic.rate_interval_usecs, 20000);
    ck_assert_int_eq(xlu_vif_parse_rate(cfg, "fast", &nic), EINVAL);
    ck_assert_int_eq(xlu_vif_parse_rate(cfg, "0B/s", &nic), EOVERFLOW);
    libxl_device_nic_dispose(&nic);
    xlu_cfg_destroy(cfg);
}
END_TEST

START_TEST(pci_specs)
{
    XLU_Config *cfg = xlu_cfg_init(NULL, "p.cfg");
    libxl_device_pci pci;
    libxl_device_pci_init(&pci);
    ck_assert_int_eq(xlu_pci_parse_spec_string(cfg, &pci, "0000:05:1f.7@3,permissive=1,seize=1"),
                     0);
    ck_assert_int_eq(pci.bus, 5);
    ck_assert_int_eq(pci.dev, 0x1f);
    ck_assert_int_eq(pci.func, 7);
    ck_assert_uint_eq(pci.vdevfn, 3 << 3);
    ck_assert(pci.permissive);
    ck_assert(pci.seize);
    ck_assert_int_eq(xlu_pci_parse_spec_string(cfg, &pci, "06:00.*"), 0);
    ck_assert_uint_eq(pci.vfunc_mask, 0xffffffffu);
    ck_assert_int_eq(xlu_pci_parse_spec_string(cfg, &pci, "xx:yy.z"), ERROR_INVAL);
    ck_assert_int_eq(xlu_pci_parse_spec_string(cfg, &pci, "00:20.0"), ERROR_INVAL); /* dev > 0x1f */
    libxl_device_pci_dispose(&pci);
    xlu_cfg_destroy(cfg);
}
END_TEST

START_TEST(cpu_lists)
{
    XLU_Config *cfg = xlu_cfg_init(NULL, "c.cfg");
    libxl_bitmap map;
    libxl_bitmap_init(&map);
    ck_assert_int_eq(libxl_bitmap_alloc(NULL, &map, 16), 0);
    ck_assert_int_eq(xlu_cpu_parse_list(cfg, "0-7,^2-3,12", &map), 0);
    ck_assert(libxl_bitmap_test(&map, 0) && libxl_bitmap_test(&map, 7) &&
              libxl_bitmap_test(&map, 12));
    ck_assert(!libxl_bitmap_test(&map, 2) && !libxl_bitmap_test(&map, 3) &&
              !libxl_bitmap_test(&map, 8));
    ck_assert_int_eq(xlu_cpu_parse_list(cfg, "3-1", &map), EINVAL);
    ck_assert_int_eq(xlu_cpu_parse_list(cfg, "^all", &map), EINVAL);
    ck_assert_int_eq(xlu_cpu_parse_list(cfg, "all", &map), 0);
    ck_assert(libxl_bitmap_is_full(&map));
    libxl_bitmap_dispose(&map);
    xlu_cfg_destroy(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xlu_specs");
    TCase *tc = tcase_create("specs");
    tcase_add_test(tc, positional_target_format_vdev_access);
    tcase_add_test(tc, key_value_form_and_flags);
    tcase_add_test(tc, old_prefixes_and_cdrom);
    tcase_add_test(tc, errors_are_worded_as_real_xl);
    tcase_add_test(tc, vif_rates);
    tcase_add_test(tc, pci_specs);
    tcase_add_test(tc, cpu_lists);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
