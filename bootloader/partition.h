/*
 * partition.h: the partitions of a raw disk image, from an MBR (with
 * logical partitions), a GPT, or none (the whole disk is one filesystem).
 */
#ifndef PARTITION_H
#define PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PART_SECTOR      512u
#define PART_MAX         128u /* partitions kept from one table */
#define PART_MAX_LOGICAL 64u  /* logical partitions followed in an EBR chain */
#define PART_MAX_GPT     1024u

struct part_region {
    unsigned number; /* 1-based as Linux numbers them; 0: the whole disk */
    uint64_t offset; /* bytes */
    uint64_t size;   /* bytes */
    bool bootable;   /* MBR active flag, or GPT legacy-BIOS-bootable */
};

struct part_table {
    const char *scheme; /* "MBR", "GPT" or "none" */
    struct part_region parts[PART_MAX];
    unsigned n;
    unsigned skipped; /* entries ignored: beyond the disk's end or empty */
};

/*
 * Reads the table of the image open on FD (DISK_SIZE bytes).  Regions come
 * out in boot order: bootable ones first, then table order.  Returns 0, or
 * a negative errno with the reason in ERR (a corrupt GPT, a read error).
 */
int part_scan(int fd, uint64_t disk_size, struct part_table *t, char *err, size_t errlen);

/* Reads exactly LEN bytes at OFF; 0 or a negative errno (-EIO on a short read). */
int part_pread(int fd, void *buf, size_t len, uint64_t off);

#endif
