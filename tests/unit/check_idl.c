/*
 * check_idl.c: every type generated from idl/libxl_types.idl, driven by
 * its description table: init then dispose (leak-free under ASan); every
 * field filled with a value other than its default, then copied (the
 * copy is equal, independent, and disposes cleanly) and sent through JSON
 * and back (parse(gen(x)) equals x); enum names both ways; the generated
 * functions and defaults of the main types as a C caller sees them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_libxl_types_desc.h"
#include "_libxl_types_json.h"
#include "check_idl_fill.h"
#include "libxl.h"
#include "libxl_json.h"
#include "libxl_types_desc.h"

/* Largest struct size, for stack buffers. */
#define OBJ_MAX 8192

START_TEST(test_init_dispose_every_type)
{
    int n = 0;

    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];
        unsigned char *obj;

        if (d->kind != LIBXL__K_STRUCT)
            continue;
        obj = malloc(d->size);
        memset(obj, 0xa5, d->size);
        libxl__obj_init(d, obj);
        libxl__obj_dispose(d, obj);
        /* init is repeatable after dispose */
        libxl__obj_init(d, obj);
        libxl__obj_dispose(d, obj);
        free(obj);
        n++;
    }
    ck_assert_int_ge(n, 50);
}
END_TEST

/* For every struct and each union member choice: fill, copy, JSON round trip. */
START_TEST(test_fill_copy_json_every_type)
{
    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];

        if (d->kind != LIBXL__K_STRUCT)
            continue;
        ck_assert_uint_le(d->size, OBJ_MAX);
        for (int seed = 0; seed < 4; seed++) {
            unsigned char a[OBJ_MAX], b[OBJ_MAX], c[OBJ_MAX];
            char *json, *json2, *err = NULL;
            int rc;

            libxl__obj_init(d, a);
            idl_test_fill(d, a, seed, 0);

            ck_assert_int_eq(libxl__obj_copy(d, b, a), 0);
            ck_assert_msg(libxl__obj_equal(d, a, b), "%s: copy differs", d->name);

            json = libxl__obj_to_json(d, a);
            ck_assert_ptr_nonnull(json);
            libxl__obj_init(d, c);
            rc = libxl__obj_from_json(d, c, json, &err);
            ck_assert_msg(rc == 0, "%s: parse of own JSON failed: %s\n%s", d->name, err, json);
            ck_assert_msg(libxl__obj_equal(d, a, c), "%s (seed %d): parse(gen(x)) != x\n%s",
                          d->name, seed, json);
            json2 = libxl__obj_to_json(d, c);
            ck_assert_str_eq(json, json2);

            /* the copy is independent of the original */
            libxl__obj_dispose(d, a);
            ck_assert(libxl__obj_equal(d, b, c));
            libxl__obj_dispose(d, b);
            libxl__obj_dispose(d, c);
            free(json);
            free(json2);
        }
    }
}
END_TEST

START_TEST(test_enum_strings)
{
    libxl_domain_type t;
    libxl_action_on_shutdown a;

    ck_assert_str_eq(libxl_domain_type_to_string(LIBXL_DOMAIN_TYPE_PVH), "pvh");
    ck_assert_str_eq(libxl_domain_type_to_string(LIBXL_DOMAIN_TYPE_HVM), "hvm");
    ck_assert_ptr_null(libxl_domain_type_to_string((libxl_domain_type)42));
    ck_assert_int_eq(libxl_domain_type_from_string("PV", &t), 0);
    ck_assert_int_eq(t, LIBXL_DOMAIN_TYPE_PV);
    ck_assert_int_ne(libxl_domain_type_from_string("xen", &t), 0);
    ck_assert_int_eq(t, LIBXL_DOMAIN_TYPE_PV); /* untouched on failure */
    ck_assert_int_eq(libxl_action_on_shutdown_from_string("coredump_restart", &a), 0);
    ck_assert_int_eq(a, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART);
    ck_assert_str_eq(libxl_action_on_shutdown_to_string(LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET),
                     "soft_reset");
    ck_assert_str_eq(libxl_gic_version_to_string(LIBXL_GIC_VERSION_V3), "v3");
    ck_assert_int_eq(LIBXL_GIC_VERSION_V3, 0x30);
    ck_assert_str_eq(libxl_error_to_string(ERROR_INVAL), "inval");
    ck_assert_int_eq(ERROR_FAIL, -3);
    /* every enum's table round-trips */
    for (int i = 0; libxl__idl_types[i]; i++) {
        const libxl__type_desc *d = libxl__idl_types[i];
        if (d->kind != LIBXL__K_ENUM)
            continue;
        for (const libxl_enum_string_table *e = d->values; e->s; e++) {
            int v = -99;
            ck_assert_int_eq(libxl__enum_from_string(d, e->s, &v), 0);
            ck_assert_int_eq(v, e->v);
            ck_assert_str_eq(libxl__enum_to_string(d, e->v), e->s);
        }
    }
}
END_TEST

START_TEST(test_defaults_after_init)
{
    libxl_domain_config dc;
    libxl_device_nic nic;
    libxl_iomem_range io;

    libxl_domain_config_init(&dc);
    ck_assert_int_eq(dc.c_info.type, LIBXL_DOMAIN_TYPE_INVALID);
    ck_assert_int_eq(dc.b_info.type, LIBXL_DOMAIN_TYPE_INVALID);
    ck_assert(dc.b_info.max_memkb == LIBXL_MEMKB_DEFAULT);
    ck_assert_int_eq(dc.b_info.sched_params.weight, LIBXL_DOMAIN_SCHED_PARAM_WEIGHT_DEFAULT);
    ck_assert_uint_eq(dc.b_info.max_grant_frames, LIBXL_MAX_GRANT_DEFAULT);
    ck_assert_int_eq(dc.b_info.max_grant_version, -1);
    ck_assert_int_eq(dc.b_info.timer_mode, LIBXL_TIMER_MODE_DEFAULT);
    ck_assert_int_eq(dc.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    ck_assert(libxl_defbool_is_default(dc.b_info.acpi));
    ck_assert_ptr_null(dc.b_info.kernel);

    libxl_domain_build_info_init_type(&dc.b_info, LIBXL_DOMAIN_TYPE_HVM);
    ck_assert_int_eq(dc.b_info.type, LIBXL_DOMAIN_TYPE_HVM);
    ck_assert_int_eq(dc.b_info.u.hvm.hdtype, LIBXL_HDTYPE_IDE);
    ck_assert(dc.b_info.u.hvm.mmio_hole_memkb == LIBXL_MEMKB_DEFAULT);
    ck_assert_int_eq(dc.b_info.u.hvm.rdm.policy, LIBXL_RDM_RESERVE_POLICY_INVALID);
    dc.b_info.u.hvm.firmware = strdup("ovmf");
    /* switching the type releases the old member */
    libxl_domain_build_info_init_type(&dc.b_info, LIBXL_DOMAIN_TYPE_PV);
    ck_assert(dc.b_info.u.pv.slack_memkb == LIBXL_MEMKB_DEFAULT);
    ck_assert_ptr_null(dc.b_info.u.pv.kernel);
    libxl_domain_config_dispose(&dc);

    libxl_device_nic_init(&nic);
    ck_assert_int_eq(nic.devid, -1);
    libxl_device_nic_dispose(&nic);
    libxl_iomem_range_init(&io);
    ck_assert(io.gfn == LIBXL_INVALID_GFN);
    libxl_iomem_range_dispose(&io);
}
END_TEST

/* The C API of a config as xl fills it. */
START_TEST(test_config_c_api)
{
    libxl_domain_config dc, cp;
    libxl_device_disk *disk;
    char *json;

    libxl_domain_config_init(&dc);
    dc.c_info.type = LIBXL_DOMAIN_TYPE_PVH;
    dc.c_info.name = strdup("t");
    ck_assert_int_eq(
        libxl_uuid_from_string(&dc.c_info.uuid, "11111111-2222-3333-4444-555555555555"), 0);
    libxl_defbool_set(&dc.c_info.run_hotplug_scripts, true);
    libxl_domain_build_info_init_type(&dc.b_info, LIBXL_DOMAIN_TYPE_PVH);
    dc.b_info.max_memkb = dc.b_info.target_memkb = 65536;
    libxl_defbool_set(&dc.b_info.claim_mode, true);
    dc.b_info.kernel = strdup("/tmp/k");
    dc.on_reboot = LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    dc.on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    dc.disks = calloc(1, sizeof(*dc.disks));
    dc.num_disks = 1;
    disk = &dc.disks[0];
    libxl_device_disk_init(disk);
    disk->vdev = strdup("xvda");
    disk->pdev_path = strdup("/img");
    disk->format = LIBXL_DISK_FORMAT_RAW;
    disk->readwrite = 1;

    ck_assert_int_eq(libxl_domain_config_copy(NULL, &cp, &dc), 0);
    json = libxl_domain_config_to_json(NULL, &cp);
    ck_assert_ptr_nonnull(strstr(json, "\"type.pvh\": {\n\n        },"));
    ck_assert_ptr_nonnull(strstr(json, "\"on_soft_reset\": \"soft_reset\"\n}\n"));
    ck_assert_ptr_nonnull(strstr(json, "\"disks\": [\n        {\n            \"pdev_path\""));
    ck_assert_ptr_null(strstr(json, "on_poweroff")); /* the default is left out */
    free(json);
    libxl_domain_config_dispose(&cp);
    libxl_domain_config_dispose(&dc);
}
END_TEST

START_TEST(test_builtins)
{
    libxl_bitmap b, c;
    libxl_uuid u;
    libxl_mac mac;
    libxl_defbool db;
    int bit, n = 0;

    libxl_bitmap_init(&b);
    ck_assert(libxl_bitmap_is_empty(&b));
    ck_assert_int_eq(libxl_bitmap_alloc(NULL, &b, 12), 0);
    ck_assert_uint_eq(b.size, 2);
    libxl_bitmap_set(&b, 0);
    libxl_bitmap_set(&b, 11);
    libxl_bitmap_set(&b, 16); /* beyond size * 8: ignored */
    ck_assert_int_eq(libxl_bitmap_count_set(&b), 2);
    libxl_for_each_set_bit(bit, b) n += bit;
    ck_assert_int_eq(n, 11);
    libxl_bitmap_init(&c);
    ck_assert_int_eq(libxl_bitmap_copy_alloc(NULL, &c, &b), 0);
    ck_assert(libxl_bitmap_test(&c, 11));
    libxl_bitmap_reset(&c, 11);
    ck_assert(!libxl_bitmap_test(&c, 11));
    libxl_bitmap_dispose(&b);
    libxl_bitmap_dispose(&c);

    ck_assert_int_eq(libxl_uuid_from_string(&u, "00112233-4455-6677-8899-aabbccddeeff"), 0);
    ck_assert_uint_eq(u.uuid[15], 0xff);
    ck_assert_int_ne(libxl_uuid_from_string(&u, "00112233-4455-6677-8899-aabbccddeef"), 0);
    ck_assert_int_ne(libxl_uuid_from_string(&u, "00112233x4455-6677-8899-aabbccddeeff"), 0);
    ck_assert_int_ne(libxl_uuid_from_string(&u, "0011223g-4455-6677-8899-aabbccddeeff"), 0);
    libxl_uuid_generate(&u);
    ck_assert(!libxl_uuid_is_nil(&u));
    ck_assert_int_eq(libxl_mac_from_string(&mac, "00:16:3e:0a:bb:Cc"), 0);
    ck_assert_uint_eq(mac[5], 0xcc);
    ck_assert_int_ne(libxl_mac_from_string(&mac, "00:16:3e:0a:bb"), 0);
    ck_assert_int_ne(libxl_mac_from_string(&mac, "00-16-3e-0a-bb-cc"), 0);

    libxl_defbool_unset(&db);
    ck_assert_str_eq(libxl_defbool_to_string(db), "<default>");
    libxl_defbool_setdefault(&db, false);
    ck_assert(!libxl_defbool_val(db));
    libxl_defbool_setdefault(&db, true);
    ck_assert_str_eq(libxl_defbool_to_string(db), "False");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idl");
    TCase *tc = tcase_create("types");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_init_dispose_every_type);
    tcase_add_test(tc, test_fill_copy_json_every_type);
    tcase_add_test(tc, test_enum_strings);
    tcase_add_test(tc, test_defaults_after_init);
    tcase_add_test(tc, test_config_c_api);
    tcase_add_test(tc, test_builtins);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
