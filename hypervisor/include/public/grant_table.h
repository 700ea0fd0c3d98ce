/*
 * grant_table.h: HYPERVISOR_grant_table_op and the v1 grant entry (Xen
 * 4.17).  Written here from Xen's published interface; only the numbers
 * and layouts are Xen's.
 */
#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* A version-1 grant entry (8 bytes; 512 per frame). */
struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    domid_t domid;  /* the domain being granted access */
    uint32_t frame; /* the frame being granted */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

#define GTF_invalid         (0U << 0)
#define GTF_permit_access   (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive      (3U << 0)
#define GTF_type_mask       (3U << 0)
#define GTF_readonly        (1U << 2)
#define GTF_reading         (1U << 3)
#define GTF_writing         (1U << 4)
#define GTF_sub_page        (1U << 8) /* v2: only part of the frame */

/* Grant references the toolstack fills in for a new domain. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

#define GNTTABOP_map_grant_ref     0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table       2
#define GNTTABOP_dump_table        3
#define GNTTABOP_transfer          4
#define GNTTABOP_copy              5
#define GNTTABOP_query_size        6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version       8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version       10

/* Map the first nr_frames of dom's table; frame_list gets their frames. */
struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status; /* OUT: GNTST_* */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int16_t status;         /* OUT */
};

struct gnttab_set_version {
    uint32_t version; /* IN/OUT */
};

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version; /* OUT */
};

#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

#endif
