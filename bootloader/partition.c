/*
 * partition.c: MBR and GPT partition tables of a raw disk image.  The
 * image is hostile: every entry is checked against the disk's size, the
 * GPT header and entry array against their CRCs (the backup header is used
 * when the primary is bad), EBR chains are followed at most
 * PART_MAX_LOGICAL links.  A sector 0 without the 0x55AA signature or with
 * implausible entries (a filesystem's boot sector) means no table.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "partition.h"

#define MBR_TYPE_GPT 0xee

static const uint8_t mbr_extended_types[] = {0x05, 0x0f, 0x85};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

int part_pread(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *b = buf;

    while (len > 0) {
        ssize_t r = pread(fd, b, len, (off_t)off);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            return -EIO;
        b += r;
        len -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

static int fail(char *err, size_t errlen, int rc, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return rc;
}

/* Adds LBA START, COUNT sectors; entries outside the disk are skipped. */
static void add_region(struct part_table *t, uint64_t disk_size, unsigned number, uint64_t start,
                       uint64_t count, bool bootable)
{
    uint64_t sectors = disk_size / PART_SECTOR;

    if (count == 0 || start == 0 || start >= sectors || count > sectors - start ||
        t->n >= PART_MAX) {
        t->skipped++;
        return;
    }
    t->parts[t->n++] =
        (struct part_region){number, start * PART_SECTOR, count * PART_SECTOR, bootable};
}

static bool is_extended(uint8_t type)
{
    for (size_t i = 0; i < sizeof(mbr_extended_types); i++)
        if (type == mbr_extended_types[i])
            return true;
    return false;
}

/* Logical partitions: a chain of EBRs, each relative to the extended one. */
static int scan_ebr_chain(int fd, uint64_t disk_size, struct part_table *t, uint64_t ext_start,
                          uint64_t ext_count, char *err, size_t errlen)
{
    uint64_t ebr = ext_start;
    uint8_t s[PART_SECTOR];

    for (unsigned n = 0; n < PART_MAX_LOGICAL; n++) {
        const uint8_t *e0 = s + 446, *e1 = s + 462;
        uint64_t next;

        if (ebr >= disk_size / PART_SECTOR || part_pread(fd, s, sizeof(s), ebr * PART_SECTOR) < 0 ||
            s[510] != 0x55 || s[511] != 0xaa) {
            t->skipped++;
            return 0; /* a broken chain ends the logical partitions */
        }
        if (e0[4] != 0)
            add_region(t, disk_size, 5 + n, ebr + le32(e0 + 8), le32(e0 + 12), e0[0] == 0x80);
        if (e1[4] == 0)
            return 0;
        next = ext_start + le32(e1 + 8);
        if (next <= ebr || next >= ext_start + ext_count) /* backwards or outside: a loop */
            return fail(err, errlen, -ELOOP, "MBR: logical partition chain loops");
        ebr = next;
    }
    return 0;
}

static int scan_mbr(int fd, uint64_t disk_size, const uint8_t *s, struct part_table *t, char *err,
                    size_t errlen)
{
    t->scheme = "MBR";
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *e = s + 446 + 16 * i;
        uint8_t type = e[4];

        if (type == 0)
            continue;
        if (is_extended(type)) {
            int rc = scan_ebr_chain(fd, disk_size, t, le32(e + 8), le32(e + 12), err, errlen);

            if (rc < 0)
                return rc;
            continue;
        }
        add_region(t, disk_size, i + 1, le32(e + 8), le32(e + 12), e[0] == 0x80);
    }
    return 0;
}

/* Reads and checks a GPT header at LBA; fills ENTRIES (malloc'd). */
static int read_gpt(int fd, uint64_t disk_size, uint64_t lba, uint8_t **entries, uint32_t *count,
                    uint32_t *esize, const char **why)
{
    uint8_t h[PART_SECTOR];
    uint32_t hsize, crc, n, sz;
    uint64_t elba, bytes;
    uint8_t *arr;

    if (part_pread(fd, h, sizeof(h), lba * PART_SECTOR) < 0) {
        *why = "cannot read the GPT header";
        return -EIO;
    }
    if (memcmp(h, "EFI PART", 8) != 0) {
        *why = "no GPT header signature";
        return -EINVAL;
    }
    hsize = le32(h + 12);
    if (hsize < 92 || hsize > PART_SECTOR) {
        *why = "GPT header size out of range";
        return -EINVAL;
    }
    crc = le32(h + 16);
    memset(h + 16, 0, 4);
    if ((uint32_t)crc32(0, h, hsize) != crc) {
        *why = "GPT header checksum mismatch";
        return -EINVAL;
    }
    elba = le64(h + 72);
    n = le32(h + 80);
    sz = le32(h + 84);
    if (n == 0 || n > PART_MAX_GPT || sz < 128 || sz > 4096 || sz % 8) {
        *why = "GPT entry count or size out of range";
        return -EINVAL;
    }
    bytes = (uint64_t)n * sz;
    if (elba == 0 || elba >= disk_size / PART_SECTOR || bytes > disk_size - elba * PART_SECTOR) {
        *why = "GPT entry array outside the disk";
        return -EINVAL;
    }
    arr = malloc(bytes);
    if (!arr)
        return -ENOMEM;
    if (part_pread(fd, arr, bytes, elba * PART_SECTOR) < 0) {
        free(arr);
        *why = "cannot read the GPT entry array";
        return -EIO;
    }
    if ((uint32_t)crc32(0, arr, (uInt)bytes) != le32(h + 88)) {
        free(arr);
        *why = "GPT entry array checksum mismatch";
        return -EINVAL;
    }
    *entries = arr;
    *count = n;
    *esize = sz;
    return 0;
}

static int scan_gpt(int fd, uint64_t disk_size, struct part_table *t, char *err, size_t errlen)
{
    static const uint8_t zero_guid[16];
    uint8_t *arr = NULL;
    uint32_t n = 0, sz = 0;
    const char *why = NULL, *why_backup = NULL;
    int rc;

    t->scheme = "GPT";
    rc = read_gpt(fd, disk_size, 1, &arr, &n, &sz, &why);
    if (rc < 0 && rc != -ENOMEM && disk_size / PART_SECTOR > 2)
        rc = read_gpt(fd, disk_size, disk_size / PART_SECTOR - 1, &arr, &n, &sz, &why_backup);
    if (rc < 0) {
        snprintf(err, errlen, "GPT: %s (backup header: %s)", why ? why : "unreadable",
                 why_backup ? why_backup : "not tried");
        return rc;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = arr + (size_t)i * sz;
        uint64_t first = le64(e + 32), last = le64(e + 40);

        if (memcmp(e, zero_guid, 16) == 0)
            continue;
        if (last < first) {
            t->skipped++;
            continue;
        }
        add_region(t, disk_size, i + 1, first, last - first + 1, (le64(e + 48) & 4) != 0);
    }
    free(arr);
    return 0;
}

/* Stable order: bootable regions first, table order otherwise. */
static void boot_order(struct part_table *t)
{
    struct part_region sorted[PART_MAX];
    unsigned k = 0;

    for (unsigned pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < t->n; i++)
            if (t->parts[i].bootable == (pass == 0))
                sorted[k++] = t->parts[i];
    memcpy(t->parts, sorted, k * sizeof(sorted[0]));
}

int part_scan(int fd, uint64_t disk_size, struct part_table *t, char *err, size_t errlen)
{
    uint8_t s[PART_SECTOR];
    bool plausible = true, any = false, gpt = false;
    int rc;

    memset(t, 0, sizeof(*t));
    t->scheme = "none";
    if (disk_size < PART_SECTOR)
        return fail(err, errlen, -EINVAL, "disk smaller than one sector");
    rc = part_pread(fd, s, sizeof(s), 0);
    if (rc < 0)
        return fail(err, errlen, rc, "cannot read sector 0");
    if (s[510] == 0x55 && s[511] == 0xaa) {
        for (unsigned i = 0; i < 4; i++) {
            const uint8_t *e = s + 446 + 16 * i;

            if (e[0] != 0 && e[0] != 0x80)
                plausible = false;
            if (e[4] != 0)
                any = true;
            if (e[4] == MBR_TYPE_GPT)
                gpt = true;
        }
    } else {
        plausible = false;
    }
    if (plausible && any) {
        rc = gpt ? scan_gpt(fd, disk_size, t, err, errlen)
                 : scan_mbr(fd, disk_size, s, t, err, errlen);
        if (rc < 0)
            return rc;
        boot_order(t);
        return 0;
    }
    t->parts[0] = (struct part_region){0, 0, disk_size, false};
    t->n = 1;
    return 0;
}
