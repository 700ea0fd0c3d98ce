/*
 * check_acpi.c: the ACPI tables a PVH guest gets (libxl_acpi.c), read
 * back as a guest's ACPI code reads them: the RSDP found by signature
 * with both checksums, the XSDT and RSDT naming a FADT and a MADT, every
 * table's checksum, the FADT hardware-reduced and pointing at the DSDT,
 * one local APIC per vCPU with Xen's APIC IDs; bad arguments refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_dom_layout.h"

#define GPA 0xffff000ull

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum8(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* The table at guest address gpa in page, checked: signature, length within
 * the page, checksum. */
static const uint8_t *table(const uint8_t *page, uint64_t gpa, const char *sig)
{
    const uint8_t *t;

    ck_assert_uint_ge(gpa, GPA);
    ck_assert_uint_lt(gpa - GPA, 4096 - 36);
    t = page + (gpa - GPA);
    ck_assert_mem_eq(t, sig, 4);
    ck_assert_uint_le(gpa - GPA + rd32(t + 4), 4096);
    ck_assert_msg(sum8(t, rd32(t + 4)) == 0, "%s checksum", sig);
    return t;
}

START_TEST(tables_for_vcpus)
{
    static const unsigned counts[] = {1, 2, 7, LIBXL__ACPI_MAX_VCPUS};
    uint8_t *page = malloc(4096);
    bool online[LIBXL__ACPI_MAX_VCPUS];
    unsigned n = counts[_i];
    uint64_t rsdp_gpa = 0;

    ck_assert_ptr_nonnull(page);
    memset(page, 0xa5, 4096);
    for (unsigned i = 0; i < n; i++)
        online[i] = i % 3 != 2; /* some offline at boot */
    ck_assert_int_eq(libxl__acpi_pvh_build(page, 4096, GPA, n, online, &rsdp_gpa), 0);
    ck_assert_uint_eq(rsdp_gpa, GPA);

    const uint8_t *rsdp = page;
    ck_assert_mem_eq(rsdp, "RSD PTR ", 8);
    ck_assert_uint_eq(sum8(rsdp, 20), 0);
    ck_assert_uint_eq(rsdp[15], 2);
    ck_assert_uint_eq(rd32(rsdp + 20), 36);
    ck_assert_uint_eq(sum8(rsdp, 36), 0);

    const uint8_t *xsdt = table(page, rd64(rsdp + 24), "XSDT");
    const uint8_t *rsdt = table(page, rd32(rsdp + 16), "RSDT");
    ck_assert_uint_eq(rd32(xsdt + 4), 36 + 16);
    ck_assert_uint_eq(rd32(rsdt + 4), 36 + 8);
    ck_assert_uint_eq(rd64(xsdt + 36), rd32(rsdt + 36));
    ck_assert_uint_eq(rd64(xsdt + 44), rd32(rsdt + 40));

    const uint8_t *fadt = table(page, rd64(xsdt + 36), "FACP");
    ck_assert_uint_eq(rd32(fadt + 4), 268);
    ck_assert_uint_eq(fadt[8], 5);
    ck_assert(rd32(fadt + 112) & (1u << 20)); /* HW_REDUCED_ACPI */
    ck_assert_uint_eq(rd32(fadt + 40), rd64(fadt + 140));
    ck_assert_uint_eq(rd32(fadt + 56) | rd32(fadt + 64) | rd32(fadt + 76), 0); /* no PM blocks */
    table(page, rd64(fadt + 140), "DSDT");

    const uint8_t *madt = table(page, rd64(xsdt + 44), "APIC");
    ck_assert_uint_eq(rd32(madt + 4), 44 + 8 * n);
    ck_assert_uint_eq(rd32(madt + 36), 0xfee00000);
    ck_assert_uint_eq(rd32(madt + 40), 0); /* no 8259s */
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *e = madt + 44 + 8 * i;
        ck_assert_uint_eq(e[0], 0);
        ck_assert_uint_eq(e[1], 8);
        ck_assert_uint_eq(e[2], i);
        ck_assert_uint_eq(e[3], 2 * i);
        ck_assert_uint_eq(rd32(e + 4), online[i] ? 1 : 0);
    }
    /* Nothing written past the tables. */
    ck_assert_uint_le(libxl__acpi_pvh_size(n), 4096);
    for (size_t k = libxl__acpi_pvh_size(n); k < 4096; k++)
        ck_assert_uint_eq(page[k], 0xa5);
    free(page);
}
END_TEST

START_TEST(bad_arguments)
{
    uint8_t page[4096];
    bool online[LIBXL__ACPI_MAX_VCPUS + 1] = {true};
    uint64_t rsdp = 0;

    memset(page, 0x5a, sizeof(page));
    ck_assert_int_eq(libxl__acpi_pvh_build(page, 4096, GPA, 0, online, &rsdp), -1);
    ck_assert_int_eq(
        libxl__acpi_pvh_build(page, 4096, GPA, LIBXL__ACPI_MAX_VCPUS + 1, online, &rsdp), -1);
    ck_assert_int_eq(libxl__acpi_pvh_build(page, 100, GPA, 1, online, &rsdp), -1);
    ck_assert_int_eq(libxl__acpi_pvh_build(page, 4096, 0xfffff000ull + 8, 1, online, &rsdp), -1);
    ck_assert_int_eq(libxl__acpi_pvh_build(page, 4096, 0x100000000ull, 1, online, &rsdp), -1);
    ck_assert_uint_eq(rsdp, 0);
    for (size_t k = 0; k < sizeof(page); k++)
        ck_assert_uint_eq(page[k], 0x5a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("pvh");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, tables_for_vcpus, 0, 4);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
