/*
 * check_idl_json.c: the JSON of libxl_domain_config against real xl 4.17
 * (tests/fixtures/json: configs and the JSON real xl printed for them):
 * parse then generate gives the same bytes, and the parsed values are the
 * configured ones; malformed JSON (wrong value types, unknown enum names,
 * out-of-range numbers, every truncation of a real document) is rejected
 * with an error naming the path; the deprecated boot fields (u.pv.kernel,
 * ...) follow the alias rules through the C API and through JSON.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_libxl_types_desc.h"
#include "libxl.h"
#include "libxl_json.h"
#include "libxl_types_internal.h"

static const char *const fixtures[] = {"pvh", "pv", "hvm", "ks", "pvh_shim", "pv_boot", "hvm_dm"};

static char *read_fixture(const char *name)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    FILE *f;
    char *buf;
    long len;

    snprintf(path, sizeof(path), "%s/tests/fixtures/json/%s.json", top ? top : "..", name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = 0;
    fclose(f);
    return buf;
}

/* Parses s into *dc (initialised here); returns rc, *err_r gets the message. */
static int parse_config(libxl_domain_config *dc, const char *s, char **err_r)
{
    libxl_domain_config_init(dc);
    return libxl__obj_from_json(&libxl__domain_config_desc, dc, s, err_r);
}

START_TEST(test_golden_byte_identical)
{
    const char *name = fixtures[_i];
    char *real = read_fixture(name), *ours, *err = NULL;
    libxl_domain_config dc;

    ck_assert_msg(parse_config(&dc, real, &err) == 0, "%s: %s", name, err);
    ours = libxl_domain_config_to_json(NULL, &dc);
    ck_assert_ptr_nonnull(ours);
    ck_assert_msg(strcmp(ours, real) == 0, "%s: our JSON differs from real xl's:\n%s", name, ours);
    free(ours);
    libxl_domain_config_dispose(&dc);
    free(real);
}
END_TEST

START_TEST(test_golden_values)
{
    libxl_domain_config dc;
    char *s, *err = NULL;

    s = read_fixture("pvh");
    ck_assert_int_eq(parse_config(&dc, s, &err), 0);
    ck_assert_int_eq(dc.c_info.type, LIBXL_DOMAIN_TYPE_PVH);
    ck_assert_int_eq(dc.b_info.type, LIBXL_DOMAIN_TYPE_PVH);
    ck_assert_str_eq(dc.c_info.name, "t");
    ck_assert_str_eq(dc.b_info.kernel, "/tmp/k");
    ck_assert(dc.b_info.max_memkb == 65536 && dc.b_info.target_memkb == 65536);
    ck_assert(libxl_defbool_val(dc.b_info.claim_mode));
    ck_assert_int_eq(dc.on_reboot, LIBXL_ACTION_ON_SHUTDOWN_RESTART);
    ck_assert_int_eq(dc.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    libxl_domain_config_dispose(&dc);
    free(s);

    s = read_fixture("pv");
    ck_assert_int_eq(parse_config(&dc, s, &err), 0);
    ck_assert_int_eq(dc.b_info.type, LIBXL_DOMAIN_TYPE_PV);
    ck_assert_str_eq(dc.b_info.cmdline, "console=hvc0 root=/dev/xvda1");
    ck_assert_int_eq(libxl_bitmap_count_set(&dc.b_info.avail_vcpus), 2);
    ck_assert_int_eq(dc.num_channels, 2);
    ck_assert_int_eq(dc.channels[0].connection, LIBXL_CHANNEL_CONNECTION_PTY);
    ck_assert_int_eq(dc.channels[1].connection, LIBXL_CHANNEL_CONNECTION_SOCKET);
    ck_assert_str_eq(dc.channels[1].u.socket.path, "/tmp/sock");
    ck_assert_uint_eq(dc.nics[0].mac[5], 3);
    ck_assert_int_eq(dc.disks[0].format, LIBXL_DISK_FORMAT_RAW);
    libxl_domain_config_dispose(&dc);
    free(s);

    s = read_fixture("ks");
    ck_assert_int_eq(parse_config(&dc, s, &err), 0);
    ck_assert_int_eq(dc.b_info.num_vcpu_hard_affinity, 3);
    ck_assert(libxl_bitmap_test(&dc.b_info.vcpu_hard_affinity[1], 2));
    ck_assert_ptr_nonnull(dc.b_info.cpuid);
    ck_assert_int_eq(dc.b_info.cpuid->num_leaves, 1);
    ck_assert_str_eq(dc.b_info.cpuid->leaves[0].policy[3], "xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    ck_assert(dc.b_info.iomem[0].gfn == 1036288);
    ck_assert_int_eq(dc.b_info.u.hvm.vga.kind, LIBXL_VGA_INTERFACE_TYPE_STD);
    ck_assert(libxl_defbool_val(dc.b_info.u.hvm.spice.disable_ticketing));
    ck_assert(dc.pcidevs[0].permissive);
    ck_assert_int_eq(dc.b_info.sched_params.weight, 512);
    ck_assert_int_eq(dc.b_info.altp2m, LIBXL_ALTP2M_MODE_MIXED);
    libxl_domain_config_dispose(&dc);
    free(s);
}
END_TEST

static const struct {
    const char *json;
    const char *error; /* the message starts with this */
} bad[] = {
    {"{\"b_info\": {\"type.hvm\": {\"acpi\": 1}}}", "b_info.type.hvm.acpi: expected a boolean"},
    {"{\"b_info\": {\"type.hvm\": {\"acpi\": \"yes\"}}}",
     "b_info.type.hvm.acpi: expected a boolean"},
    {"{\"c_info\": {\"type\": \"xen\"}}", "c_info.type: unknown domain_type \"xen\""},
    {"{\"c_info\": {\"type\": 3}}", "c_info.type: expected a domain_type name"},
    {"{\"on_crash\": \"explode\"}", "on_crash: unknown action_on_shutdown \"explode\""},
    {"{\"b_info\": {\"max_memkb\": \"big\"}}", "b_info.max_memkb: expected an integer"},
    {"{\"b_info\": {\"max_vcpus\": 1.5}}", "b_info.max_vcpus: expected an integer, not 1.5"},
    {"{\"b_info\": {\"max_vcpus\": 4294967296}}",
     "b_info.max_vcpus: integer 4294967296 out of range"},
    {"{\"pcidevs\": [{\"bus\": 256}]}", "pcidevs[0].bus: integer 256 out of range"},
    {"{\"pcidevs\": [{\"bus\": -1}]}", "pcidevs[0].bus: integer -1 out of range"},
    {"{\"disks\": [{}, {\"vdev\": 3}]}", "disks[1].vdev: expected a string"},
    {"{\"disks\": {}}", "disks: expected an array"},
    {"{\"c_info\": []}", "c_info: expected an object"},
    {"{\"c_info\": {\"uuid\": \"zz\"}}", "c_info.uuid: invalid uuid \"zz\""},
    {"{\"nics\": [{\"mac\": \"00:16\"}]}", "nics[0].mac: invalid MAC address \"00:16\""},
    {"{\"b_info\": {\"avail_vcpus\": [1, -2]}}",
     "b_info.avail_vcpus[1]: bit number -2 out of range"},
    {"{\"b_info\": {\"avail_vcpus\": [99999999]}}", "b_info.avail_vcpus[0]: bit number"},
    {"{\"b_info\": {\"extra\": [\"a\", 1]}}", "b_info.extra[1]: expected a string"},
    {"{\"c_info\": {\"xsdata\": {\"k\": []}}}", "c_info.xsdata.k: expected a string"},
    {"{\"b_info\": {\"cpuid\": {\"cpuid\": [{\"leaf\": \"one\"}]}}}",
     "b_info.cpuid.cpuid[0].leaf: expected an integer"},
    {"{\"channels\": [{\"connection.socket\": {\"path\": false}}]}",
     "channels[0].connection.socket.path: expected a string"},
    {"{\"b_info\": {\"type.pv\": 7}}", "b_info.type.pv: expected an object"},
    {"[]", "(top level): expected an object"},
    {"null", "(top level): expected an object"},
    {"", "invalid JSON"},
    {"{\"c_info\": {\"name\": \"t\"", "invalid JSON"},
    {"{\"c_info\": {\"name\": \"t\"}} trailing", "invalid JSON"},
};

START_TEST(test_malformed_rejected_with_path)
{
    libxl_domain_config dc;
    char *err = NULL;
    int rc = parse_config(&dc, bad[_i].json, &err);

    ck_assert_msg(rc == ERROR_INVAL, "%s: rc %d", bad[_i].json, rc);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(!strncmp(err, bad[_i].error, strlen(bad[_i].error)),
                  "%s: error \"%s\", expected \"%s...\"", bad[_i].json, err, bad[_i].error);
    free(err);
    libxl_domain_config_dispose(&dc);
}
END_TEST

/* Every proper prefix of real documents is refused cleanly. */
START_TEST(test_truncated_documents)
{
    for (size_t f = 0; f < 3; f++) {
        char *s = read_fixture(fixtures[f]);
        size_t len = strlen(s);

        /* the final newline is whitespace: prefixes up to the last '}' */
        while (len && s[len - 1] != '}')
            len--;
        for (size_t n = 0; n < len; n++) {
            libxl_domain_config dc;
            char *cut = strndup(s, n), *err = NULL;

            ck_assert_msg(parse_config(&dc, cut, &err) == ERROR_INVAL, "%s cut at %zu accepted",
                          fixtures[f], n);
            ck_assert_ptr_nonnull(err);
            free(err);
            free(cut);
            libxl_domain_config_dispose(&dc);
        }
        free(s);
    }
}
END_TEST

/* Nesting deeper than any type is refused before the parser recurses;
 * arrays longer than any config needs are refused. */
START_TEST(test_deep_nesting)
{
    size_t n = 1000000, k;
    char *s = malloc(2 * n + 32), *err = NULL;
    libxl_domain_config dc;

    k = (size_t)sprintf(s, "{\"c_info\": ");
    memset(s + k, '[', n);
    memset(s + k + n, ']', n);
    strcpy(s + k + 2 * n, "}");
    ck_assert_int_eq(parse_config(&dc, s, &err), ERROR_INVAL);
    ck_assert_str_eq(err, "invalid JSON: nested more than 64 deep");
    free(err);
    libxl_domain_config_dispose(&dc);
    /* brackets inside strings do not count */
    memset(s, '[', 200);
    s[200] = 0;
    {
        char *doc;

        ck_assert_int_ge(asprintf(&doc, "{\"c_info\": {\"name\": \"%s\\\"{\"}}", s), 0);
        ck_assert_int_eq(parse_config(&dc, doc, &err), 0);
        ck_assert_uint_eq(strlen(dc.c_info.name), 202);
        free(doc);
    }
    libxl_domain_config_dispose(&dc);
    free(s);

    /* arrays (and objects): at most 65536 elements */
    s = malloc(16 * 70000);
    k = (size_t)sprintf(s, "{\"b_info\": {\"irqs\": [");
    for (int i = 0; i < 65537; i++)
        k += (size_t)sprintf(s + k, "%s1", i ? "," : "");
    strcpy(s + k, "]}}");
    ck_assert_int_eq(parse_config(&dc, s, &err), ERROR_INVAL);
    ck_assert_str_eq(err, "invalid JSON: an array or object of more than 65536 elements");
    free(err);
    libxl_domain_config_dispose(&dc);
    strcpy(s + 2000, "]}}"); /* 990 elements */
    ck_assert_int_eq(parse_config(&dc, s, &err), 0);
    ck_assert_int_eq(dc.b_info.num_irqs, 990);
    libxl_domain_config_dispose(&dc);
    free(s);
}
END_TEST

START_TEST(test_unknown_keys_ignored)
{
    libxl_domain_config dc;
    char *err = NULL;

    ck_assert_int_eq(parse_config(&dc,
                                  "{\"c_info\": {\"name\": \"x\", \"future\": [1]},"
                                  " \"b_info\": {\"type.pvh\": {}}, \"later\": {}}",
                                  &err),
                     0);
    ck_assert_str_eq(dc.c_info.name, "x");
    ck_assert_int_eq(dc.b_info.type, LIBXL_DOMAIN_TYPE_PVH);
    libxl_domain_config_dispose(&dc);
}
END_TEST

START_TEST(test_public_from_json)
{
    libxl_domain_config dc;

    libxl_domain_config_init(&dc);
    ck_assert_int_eq(libxl_domain_config_from_json(NULL, &dc, "{\"c_info\": {\"name\": \"n\"}}"),
                     0);
    ck_assert_str_eq(dc.c_info.name, "n");
    ck_assert_int_eq(libxl_domain_config_from_json(NULL, &dc, "{\"c_info\": 1}"), ERROR_INVAL);
    libxl_domain_config_dispose(&dc);
}
END_TEST

/* Deprecated aliases through the C API. */
START_TEST(test_deprecated_c_api)
{
    libxl_domain_build_info b;
    char *msg = NULL;

    /* only the old field: moved to the new one */
    libxl_domain_build_info_init(&b);
    libxl_domain_build_info_init_type(&b, LIBXL_DOMAIN_TYPE_PV);
    b.u.pv.kernel = strdup("/boot/vmlinuz");
    b.u.pv.ramdisk = strdup("/boot/initrd");
    b.u.pv.cmdline = strdup("root=/dev/xvda1");
    b.u.pv.bootloader_args = calloc(2, sizeof(char *));
    b.u.pv.bootloader_args[0] = strdup("-q");
    ck_assert_int_eq(libxl__domain_build_info_resolve_deprecated(&b, &msg), 0);
    ck_assert_ptr_null(msg);
    ck_assert_str_eq(b.kernel, "/boot/vmlinuz");
    ck_assert_str_eq(b.ramdisk, "/boot/initrd");
    ck_assert_str_eq(b.cmdline, "root=/dev/xvda1");
    ck_assert_str_eq(b.bootloader_args[0], "-q");
    ck_assert_ptr_null(b.u.pv.kernel);
    ck_assert_ptr_null(b.u.pv.bootloader_args);

    /* both, the same value: fine */
    b.u.pv.kernel = strdup("/boot/vmlinuz");
    ck_assert_int_eq(libxl__domain_build_info_resolve_deprecated(&b, NULL), 0);
    ck_assert_str_eq(b.kernel, "/boot/vmlinuz");

    /* both, different values: an error naming both */
    b.u.pv.ramdisk = strdup("/boot/other");
    ck_assert_int_eq(libxl__domain_build_info_resolve_deprecated(&b, &msg), ERROR_INVAL);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(msg, "u.pv.ramdisk (deprecated) and ramdisk are both set, to different "
                          "values; set only ramdisk");
    free(msg);
    ck_assert_str_eq(b.ramdisk, "/boot/initrd"); /* the new field is kept */
    libxl_domain_build_info_dispose(&b);

    /* HVM: defbools and enums with defaults */
    libxl_domain_build_info_init(&b);
    libxl_domain_build_info_init_type(&b, LIBXL_DOMAIN_TYPE_HVM);
    libxl_defbool_set(&b.u.hvm.acpi, false);
    b.u.hvm.timer_mode = LIBXL_TIMER_MODE_NO_MISSED_TICKS_PENDING;
    ck_assert_int_eq(libxl__domain_build_info_resolve_deprecated(&b, NULL), 0);
    ck_assert(!libxl_defbool_is_default(b.acpi) && !libxl_defbool_val(b.acpi));
    ck_assert_int_eq(b.timer_mode, LIBXL_TIMER_MODE_NO_MISSED_TICKS_PENDING);
    ck_assert_int_eq(b.u.hvm.timer_mode, LIBXL_TIMER_MODE_DEFAULT);
    libxl_defbool_set(&b.u.hvm.nested_hvm, true);
    libxl_defbool_set(&b.nested_hvm, false);
    ck_assert_int_eq(libxl__domain_build_info_resolve_deprecated(&b, &msg), ERROR_INVAL);
    ck_assert_str_eq(msg, "u.hvm.nested_hvm (deprecated) and nested_hvm are both set, to "
                          "different values; set only nested_hvm");
    free(msg);
    libxl_domain_build_info_dispose(&b);

    /* only the new fields: nothing to do */
    libxl_domain_build_info_init(&b);
    libxl_domain_build_info_init_type(&b, LIBXL_DOMAIN_TYPE_PVH);
    b.kernel = strdup("/k");
    ck_assert_int_eq(libxl__domain_build_info_resolve_deprecated(&b, NULL), 0);
    ck_assert_str_eq(b.kernel, "/k");
    libxl_domain_build_info_dispose(&b);
}
END_TEST

/* Deprecated aliases through JSON. */
START_TEST(test_deprecated_json)
{
    libxl_domain_config dc;
    char *err = NULL, *json;

    ck_assert_int_eq(parse_config(&dc,
                                  "{\"b_info\": {\"type.pv\": {\"kernel\": \"/a\", "
                                  "\"cmdline\": \"c\", \"ramdisk\": \"/r\"}}}",
                                  &err),
                     0);
    ck_assert_str_eq(dc.b_info.kernel, "/a");
    ck_assert_str_eq(dc.b_info.cmdline, "c");
    ck_assert_str_eq(dc.b_info.ramdisk, "/r");
    json = libxl_domain_config_to_json(NULL, &dc);
    ck_assert_ptr_nonnull(strstr(json, "        \"kernel\": \"/a\",\n"));
    ck_assert_ptr_nonnull(strstr(json, "\"type.pv\": {\n\n        }"));
    free(json);
    libxl_domain_config_dispose(&dc);

    ck_assert_int_eq(parse_config(&dc,
                                  "{\"b_info\": {\"kernel\": \"/a\", \"type.pv\": "
                                  "{\"kernel\": \"/a\"}}}",
                                  &err),
                     0);
    ck_assert_str_eq(dc.b_info.kernel, "/a");
    libxl_domain_config_dispose(&dc);

    ck_assert_int_eq(parse_config(&dc,
                                  "{\"b_info\": {\"kernel\": \"/b\", \"type.pv\": "
                                  "{\"kernel\": \"/a\"}}}",
                                  &err),
                     ERROR_INVAL);
    ck_assert_str_eq(err, "b_info.type.pv.kernel (deprecated) and b_info.kernel are both set, "
                          "to different values; set only b_info.kernel");
    free(err);
    libxl_domain_config_dispose(&dc);

    ck_assert_int_eq(parse_config(&dc,
                                  "{\"b_info\": {\"acpi\": \"True\", \"type.hvm\": "
                                  "{\"acpi\": \"False\"}}}",
                                  &err),
                     ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err, "b_info.type.hvm.acpi"));
    ck_assert_ptr_nonnull(strstr(err, "b_info.acpi are both set"));
    free(err);
    libxl_domain_config_dispose(&dc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idl_json");
    TCase *tc = tcase_create("json");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_golden_byte_identical, 0,
                        (int)(sizeof(fixtures) / sizeof(fixtures[0])));
    tcase_add_test(tc, test_golden_values);
    tcase_add_loop_test(tc, test_malformed_rejected_with_path, 0,
                        (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(tc, test_truncated_documents);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_unknown_keys_ignored);
    tcase_add_test(tc, test_public_from_json);
    tcase_add_test(tc, test_deprecated_c_api);
    tcase_add_test(tc, test_deprecated_json);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
