/*
 * io/blkif.h: the PV block device protocol (Xen 4.17 public ABI): one
 * shared ring page of requests and responses between a frontend (the
 * guest's disk driver) and its backend, the xenbus states both sides step
 * through in xenstore, and the request and response layouts of the
 * native x86-64 protocol ("x86_64-abi").  Written here from Xen's
 * published interface; only the numbers and layouts are Xen's.
 */
#ifndef XEN_PUBLIC_IO_BLKIF_H
#define XEN_PUBLIC_IO_BLKIF_H

#include <stdint.h>

#include "../grant_table.h"
#include "xenbus.h"

/* The shared ring's page: four indexes, padding to 64 bytes, then the
 * entries (a request, later overwritten by its response). */
struct blkif_sring_header {
    uint32_t req_prod, req_event;
    uint32_t rsp_prod, rsp_event;
    uint8_t pad[48];
};
#define BLKIF_RING_HEADER 64

#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_RESERVED_1      4
#define BLKIF_OP_DISCARD         5
#define BLKIF_OP_INDIRECT        6

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_SECTOR_SIZE              512

struct blkif_request_segment {
    grant_ref_t gref;
    uint8_t first_sect, last_sect; /* 512-byte sectors within the page */
    uint8_t pad[2];
};

/* x86-64 layout: 112 bytes. */
struct blkif_request {
    uint8_t operation;
    uint8_t nr_segments;
    uint16_t handle;
    uint32_t pad;
    uint64_t id;
    uint64_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/*
 * BLKIF_OP_INDIRECT (with feature-max-indirect-segments): the segments
 * are in up to 8 granted pages, 512 to a page; x86-64 layout.
 */
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
#define BLKIF_SEGS_PER_INDIRECT_FRAME        (4096 / sizeof(struct blkif_request_segment))

struct blkif_request_indirect {
    uint8_t operation; /* BLKIF_OP_INDIRECT */
    uint8_t indirect_op;
    uint16_t nr_segments;
    uint32_t pad;
    uint64_t id;
    uint64_t sector_number;
    uint16_t handle;
    uint16_t pad2;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct blkif_response {
    uint64_t id;
    uint8_t operation;
    uint8_t pad;
    int16_t status;
    uint32_t pad2;
};

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR      (-1)
#define BLKIF_RSP_OKAY       0

/* The entry size is the request's; the count is the largest power of two
 * that fits in the page after the header (32). */
#define BLKIF_RING_ENTRY 112
#define BLKIF_RING_SIZE  32

/* "info" bits of the backend. */
#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

#endif
