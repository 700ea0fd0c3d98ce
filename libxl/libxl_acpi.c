/*
 * libxl_acpi.c: the ACPI tables a PVH guest gets, as libxl gives them on
 * Xen (hvm_start_info.rsdp_paddr points at the RSDP): RSDP 2.0, RSDT and
 * XSDT naming a FADT and a MADT; the FADT (revision 5) says the platform
 * is hardware-reduced (no PM blocks, no SCI, no fixed buttons), with no
 * VGA, no CMOS RTC and no i8042; the DSDT is empty; the MADT lists one
 * local APIC per vCPU (APIC ID 2 * vCPU, Xen's numbering; enabled when
 * the vCPU is online at boot), no IO-APIC and no 8259s (PVH has neither).
 * Linux takes its CPU count from the MADT.  Pure: one page, written here.
 */
#include <string.h>

#include "libxl_dom_layout.h"

#define HDR_LEN 36

/* Offsets of each table in the page (8-byte aligned, fixed). */
#define OFF_RSDP 0
#define OFF_RSDT 48
#define OFF_XSDT 96
#define OFF_FADT 160
#define OFF_DSDT 432
#define OFF_MADT 480

#define RSDP_LEN    36
#define RSDT_LEN    (HDR_LEN + 2 * 4)
#define XSDT_LEN    (HDR_LEN + 2 * 8)
#define FADT_LEN    268 /* ACPI 5.0 */
#define DSDT_LEN    HDR_LEN
#define MADT_LEN(n) (HDR_LEN + 8 + 8 * (n))

/* FADT fields (ACPI 5.0 offsets). */
#define FADT_DSDT           40
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS          112
#define FADT_X_DSDT         140
#define IAPC_NO_VGA         (1u << 2)
#define IAPC_NO_CMOS_RTC    (1u << 5)
#define FADT_WBINVD         (1u << 0)
#define FADT_PWR_BUTTON     (1u << 4) /* no fixed power button */
#define FADT_SLP_BUTTON     (1u << 5) /* no fixed sleep button */
#define FADT_HW_REDUCED     (1u << 20)

#define MADT_LAPIC_ADDR 0xfee00000u

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t sum8(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* A table header (signature, length, revision, Xen's OEM fields); the
 * checksum is set by finish() once the body is written. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "Xen   ", 6);
    memcpy(t + 16, "HVM     ", 8);
    put32(t + 24, 0);
    memcpy(t + 28, "HVML", 4);
    put32(t + 32, 0);
}

static void finish(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = (uint8_t)-sum8(t, len);
}

size_t libxl__acpi_pvh_size(unsigned nr_vcpus)
{
    return OFF_MADT + MADT_LEN(nr_vcpus);
}

int libxl__acpi_pvh_build(uint8_t *buf, size_t size, uint64_t gpa, unsigned nr_vcpus,
                          const bool *online, uint64_t *rsdp_gpa)
{
    uint8_t *rsdp = buf + OFF_RSDP, *rsdt = buf + OFF_RSDT, *xsdt = buf + OFF_XSDT;
    uint8_t *fadt = buf + OFF_FADT, *dsdt = buf + OFF_DSDT, *madt = buf + OFF_MADT;

    if (nr_vcpus == 0 || nr_vcpus > LIBXL__ACPI_MAX_VCPUS ||
        size < libxl__acpi_pvh_size(nr_vcpus) || gpa + size > (UINT64_C(1) << 32) || gpa & 15)
        return -1;
    memset(buf, 0, libxl__acpi_pvh_size(nr_vcpus));

    /* The tables the RSDT/XSDT list, then the lists, then the RSDP. */
    header(dsdt, "DSDT", DSDT_LEN, 2);
    finish(dsdt, DSDT_LEN);

    header(fadt, "FACP", FADT_LEN, 5);
    put32(fadt + FADT_DSDT, (uint32_t)(gpa + OFF_DSDT));
    put16(fadt + FADT_IAPC_BOOT_ARCH, IAPC_NO_VGA | IAPC_NO_CMOS_RTC);
    put32(fadt + FADT_FLAGS, FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_HW_REDUCED);
    put64(fadt + FADT_X_DSDT, gpa + OFF_DSDT);
    finish(fadt, FADT_LEN);

    header(madt, "APIC", MADT_LEN(nr_vcpus), 4);
    put32(madt + HDR_LEN, MADT_LAPIC_ADDR);
    put32(madt + HDR_LEN + 4, 0); /* no PCAT_COMPAT: no 8259s */
    for (unsigned i = 0; i < nr_vcpus; i++) {
        uint8_t *e = madt + HDR_LEN + 8 + 8 * i;
        e[0] = 0; /* processor local APIC */
        e[1] = 8;
        e[2] = (uint8_t)i;       /* ACPI processor UID */
        e[3] = (uint8_t)(2 * i); /* APIC ID, as Xen numbers them */
        put32(e + 4, online[i] ? 1 : 0);
    }
    finish(madt, MADT_LEN(nr_vcpus));

    header(rsdt, "RSDT", RSDT_LEN, 1);
    put32(rsdt + HDR_LEN, (uint32_t)(gpa + OFF_FADT));
    put32(rsdt + HDR_LEN + 4, (uint32_t)(gpa + OFF_MADT));
    finish(rsdt, RSDT_LEN);

    header(xsdt, "XSDT", XSDT_LEN, 1);
    put64(xsdt + HDR_LEN, gpa + OFF_FADT);
    put64(xsdt + HDR_LEN + 8, gpa + OFF_MADT);
    finish(xsdt, XSDT_LEN);

    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "Xen   ", 6);
    rsdp[15] = 2; /* ACPI 2.0+: XSDT */
    put32(rsdp + 16, (uint32_t)(gpa + OFF_RSDT));
    put32(rsdp + 20, RSDP_LEN);
    put64(rsdp + 24, gpa + OFF_XSDT);
    rsdp[8] = (uint8_t)-sum8(rsdp, 20);
    rsdp[32] = (uint8_t)-sum8(rsdp, RSDP_LEN);
    *rsdp_gpa = gpa + OFF_RSDP;
    return 0;
}
