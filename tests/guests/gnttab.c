/*
 * gnttab.c: HYPERVISOR_grant_table_op: query_size, set/get version,
 * setup_table, and mapping the first grant frame (add_to_physmap on
 * HVM/PVH, the returned frame on PV) to write a grant entry.
 */
#include "guest.h"
#include "grant_table.h"

const char guest_name[] = "gnttab";

static uint8_t gnt_page[4096] __aligned(4096);
static uint8_t granted[4096] __aligned(4096);

void guest_main(void)
{
    struct gnttab_query_size qs = {.dom = DOMID_SELF};
    struct gnttab_set_version sv = {.version = 1};
    struct gnttab_get_version gv = {.dom = DOMID_SELF};
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    xen_pfn_t frame = 0;
    grant_entry_v1_t *gnt;

    guest_require_xen();
    EXPECT_RC(grant_table_op(GNTTABOP_query_size, &qs, 1), 0, "GNTTABOP_query_size");
    CHECK(qs.status == GNTST_okay && qs.max_nr_frames >= 1 && qs.nr_frames <= qs.max_nr_frames,
          "query_size: status %d, %u of %u frames", qs.status, qs.nr_frames, qs.max_nr_frames);
    EXPECT_RC(grant_table_op(GNTTABOP_set_version, &sv, 1), 0, "GNTTABOP_set_version 1");
    EXPECT_RC(grant_table_op(GNTTABOP_get_version, &gv, 1), 0, "GNTTABOP_get_version");
    CHECK(gv.version == 1, "grant table version %u", gv.version);
    sv.version = 7;
    EXPECT_RC(grant_table_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL, "GNTTABOP_set_version 7");

    set_xen_guest_handle(st.frame_list, &frame);
    EXPECT_RC(grant_table_op(GNTTABOP_setup_table, &st, 1), 0, "GNTTABOP_setup_table");
    CHECK(st.status == GNTST_okay, "setup_table status %d", st.status);
    gnt = grant_table_map(frame, gnt_page);
    CHECK(gnt != NULL, "cannot map grant frame %lu", (unsigned long)frame);
    gnt[GNTTAB_NR_RESERVED_ENTRIES].domid = 0;
    gnt[GNTTAB_NR_RESERVED_ENTRIES].frame = (uint32_t)virt_to_frame(granted);
    __sync_synchronize();
    gnt[GNTTAB_NR_RESERVED_ENTRIES].flags = GTF_permit_access | GTF_readonly;
    CHECK(gnt[GNTTAB_NR_RESERVED_ENTRIES].flags == (GTF_permit_access | GTF_readonly),
          "the grant entry did not stick");
    gprintf("gnttab: grant entry written: ok\n");
    qs.dom = 0x7000;
    grant_table_op(GNTTABOP_query_size, &qs, 1);
    CHECK(qs.status == GNTST_bad_domain, "query_size of a missing domain: status %d", qs.status);
    gprintf("gnttab: query_size of a missing domain: ok\n");
    EXPECT_RC(grant_table_op(1000, &qs, 1), -XEN_ENOSYS, "unknown GNTTABOP");
}
