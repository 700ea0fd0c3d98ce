/*
 * blkif.c: the block backend, from a frontend of our own that speaks the
 * blkif protocol (io/blkif.h) as blkfront does: the xenbus handshake for
 * xvda (64 KiB, read-write; sector n holds the byte n) and xvdb (8 KiB,
 * read-only), reads and writes of one and several segments, a flush; then
 * what a hostile frontend sends, each answered with an error and nothing
 * else touched: grants that are free, for another domain, read-only for a
 * read, past the table or of a frame the guest does not have; sectors
 * past the disk or outside the page; 0 or 12 segments; indirect requests
 * (segments in a granted page) valid and not; a write to the read-only
 * disk; operations not offered; and last a producer index a long way
 * ahead, for which the backend disconnects (state Closing).
 */
#include "guest.h"
#include "grant_table.h"
#include "io/blkif.h"

const char guest_name[] = "blkif";

#define MS         1000000ull
#define XVDA       51712
#define XVDB       51728
#define NR_DATA    4
#define REF_RING   8 /* + device index */
#define REF_DATA   10
#define REF_RO     (REF_DATA + NR_DATA) /* data[0] again, read-only */
#define REF_FREE   (REF_RO + 1)
#define REF_DOM5   (REF_RO + 2)
#define REF_HOLE   (REF_RO + 3) /* a frame the guest does not have */
#define HOLE_FRAME 0xf0000ull   /* 3.75 GiB: no RAM of a small guest */
#define REF_IND    (REF_RO + 4) /* the indirect segment page, read-only */
#define REF_CODE   (REF_RO + 5) /* code_page, which the guest runs */

struct dev {
    unsigned devid;
    char be[96];
    uint8_t *ring;
    evtchn_port_t port;
    uint32_t req_prod, rsp_cons;
    uint64_t sectors;
};

static uint8_t gnt_page[4096] __aligned(4096);
static uint8_t rings[2][4096] __aligned(4096);
static uint8_t data[NR_DATA][4096] __aligned(4096);
static struct blkif_request_segment ind_segs[512] __aligned(4096);
static uint8_t code_page[4096] __aligned(4096);
static grant_entry_v1_t *gnt;
static struct dev xvda = {.devid = XVDA}, xvdb = {.devid = XVDB};

static void grant(unsigned ref, uint64_t frame, domid_t to, uint16_t flags)
{
    gnt[ref].domid = to;
    gnt[ref].frame = (uint32_t)frame;
    __sync_synchronize();
    gnt[ref].flags = flags;
}

static void map_grant_table(void)
{
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    xen_pfn_t frame = 0;

    set_xen_guest_handle(st.frame_list, &frame);
    CHECK(grant_table_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay,
          "setup_table");
    gnt = grant_table_map(frame, gnt_page);
    CHECK(gnt != NULL, "cannot map grant frame %lu", (unsigned long)frame);
}

static int xs_read_u64(const char *dir, const char *node, uint64_t *v)
{
    char path[128], buf[32];
    uint64_t n = 0;
    int len;

    gsnprintf(path, sizeof(path), "%s/%s", dir, node);
    len = xs_read(path, buf, sizeof(buf));
    if (len <= 0)
        return -1;
    for (int i = 0; i < len && buf[i]; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
        n = n * 10 + (uint64_t)(buf[i] - '0');
    }
    *v = n;
    return 0;
}

/* Wait (up to 5 s) for the backend's state to become want. */
static int wait_backend(struct dev *d, uint64_t want)
{
    char path[128], wp[128], tok[16];
    uint64_t state = 0;

    gsnprintf(path, sizeof(path), "%s/state", d->be);
    xs_watch(path, "be");
    for (int i = 0; i < 50; i++) {
        if (xs_read_u64(d->be, "state", &state) == 0 && state == want)
            break;
        xs_read_watch(wp, sizeof(wp), tok, sizeof(tok), 100 * MS);
    }
    xs_unwatch(path, "be");
    return state == want ? 0 : -1;
}

static void connect(struct dev *d, unsigned idx)
{
    char fe[64], path[128], val[24];
    struct blkif_sring_header *sh;

    gsnprintf(fe, sizeof(fe), "device/vbd/%u", d->devid);
    gsnprintf(path, sizeof(path), "%s/backend", fe);
    CHECK(xs_read(path, d->be, sizeof(d->be)) > 0, "%s: no backend", fe);
    CHECK(wait_backend(d, XenbusStateInitWait) == 0, "%s: the backend is not waiting", d->be);
    CHECK(xs_read_u64(d->be, "sectors", &d->sectors) == 0, "%s: no sectors", d->be);
    d->ring = rings[idx];
    sh = (struct blkif_sring_header *)d->ring;
    sh->req_prod = sh->rsp_prod = 0;
    sh->req_event = sh->rsp_event = 1;
    grant(REF_RING + idx, virt_to_frame(d->ring), 0, GTF_permit_access);
    CHECK(evtchn_alloc_unbound(0, &d->port) == 0, "alloc_unbound");
    gsnprintf(path, sizeof(path), "%s/ring-ref", fe);
    gsnprintf(val, sizeof(val), "%u", REF_RING + idx);
    xs_write(path, val);
    gsnprintf(path, sizeof(path), "%s/event-channel", fe);
    gsnprintf(val, sizeof(val), "%u", d->port);
    xs_write(path, val);
    gsnprintf(path, sizeof(path), "%s/protocol", fe);
    xs_write(path, "x86_64-abi");
    gsnprintf(path, sizeof(path), "%s/state", fe);
    xs_write(path, "3");
    CHECK(wait_backend(d, XenbusStateConnected) == 0, "%s: the backend did not connect", d->be);
}

/* Put rq on d's ring, notify, and wait for its response: its status.
 * The response names the request's operation (an indirect one's read or
 * write). */
static int submit(struct dev *d, struct blkif_request *rq)
{
    uint8_t op = rq->operation == BLKIF_OP_INDIRECT
                     ? ((struct blkif_request_indirect *)rq)->indirect_op
                     : rq->operation;
    struct blkif_sring_header *sh = (struct blkif_sring_header *)d->ring;
    uint8_t *entries = d->ring + BLKIF_RING_HEADER;
    struct blkif_response rsp;

    rq->id = 0x1000 + d->req_prod;
    memcpy(entries + (d->req_prod % BLKIF_RING_SIZE) * BLKIF_RING_ENTRY, rq, sizeof(*rq));
    d->req_prod++;
    __sync_synchronize();
    sh->req_prod = d->req_prod;
    __sync_synchronize();
    evtchn_send(d->port);
    /* RING_FINAL_CHECK_FOR_RESPONSES: ask for an event at the next one. */
    sh->rsp_event = d->rsp_cons + 1;
    __sync_synchronize();
    for (int i = 0; i < 50 && sh->rsp_prod == d->rsp_cons; i++)
        evtchn_wait(d->port, 100 * MS);
    CHECK(sh->rsp_prod != d->rsp_cons, "no response to request %llu", (unsigned long long)rq->id);
    __sync_synchronize();
    memcpy(&rsp, entries + (d->rsp_cons % BLKIF_RING_SIZE) * BLKIF_RING_ENTRY, sizeof(rsp));
    d->rsp_cons++;
    CHECK(rsp.id == rq->id && rsp.operation == op, "response id %llu op %u for request %llu op %u",
          (unsigned long long)rsp.id, rsp.operation, (unsigned long long)rq->id, op);
    return rsp.status;
}

/* A full ring at once: BLKIF_RING_SIZE one-sector reads of sectors
 * 0..31 into data[0..3], published together; every response must come,
 * in order, OKAY.  Returns how many did. */
static unsigned submit_full_ring(struct dev *d)
{
    struct blkif_sring_header *sh = (struct blkif_sring_header *)d->ring;
    uint8_t *entries = d->ring + BLKIF_RING_HEADER;
    uint32_t first = d->req_prod;
    unsigned ok = 0;

    for (unsigned i = 0; i < BLKIF_RING_SIZE; i++) {
        struct blkif_request rq = {
            .operation = BLKIF_OP_READ, .nr_segments = 1, .id = 0x2000 + i, .sector_number = i};
        rq.seg[0] = (struct blkif_request_segment){.gref = REF_DATA + i / 8,
                                                   .first_sect = (uint8_t)(i % 8),
                                                   .last_sect = (uint8_t)(i % 8)};
        memcpy(entries + (d->req_prod % BLKIF_RING_SIZE) * BLKIF_RING_ENTRY, &rq, sizeof(rq));
        d->req_prod++;
    }
    __sync_synchronize();
    sh->req_prod = d->req_prod;
    sh->rsp_event = d->req_prod; /* an event with the last response */
    __sync_synchronize();
    evtchn_send(d->port);
    for (int i = 0; i < 50 && sh->rsp_prod != d->req_prod; i++)
        evtchn_wait(d->port, 100 * MS);
    __sync_synchronize();
    while (d->rsp_cons != sh->rsp_prod) {
        struct blkif_response rsp;
        memcpy(&rsp, entries + (d->rsp_cons % BLKIF_RING_SIZE) * BLKIF_RING_ENTRY, sizeof(rsp));
        ok += rsp.id == 0x2000 + (d->rsp_cons - first) && rsp.status == BLKIF_RSP_OKAY;
        d->rsp_cons++;
    }
    return ok;
}

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned nseg, unsigned ref0)
{
    struct blkif_request rq = {
        .operation = op, .nr_segments = (uint8_t)nseg, .sector_number = sector};

    for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        rq.seg[i] = (struct blkif_request_segment){.gref = ref0 + i, .last_sect = 7};
    return rq;
}

/* An indirect request of nseg segments (written into ind_segs by the
 * caller) whose segment page is ref. */
static struct blkif_request indirect(uint8_t op, uint64_t sector, unsigned nseg, unsigned ref)
{
    struct blkif_request rq;
    struct blkif_request_indirect ir = {.operation = BLKIF_OP_INDIRECT,
                                        .indirect_op = op,
                                        .nr_segments = (uint16_t)nseg,
                                        .sector_number = sector,
                                        .indirect_grefs = {ref}};

    memset(&rq, 0, sizeof(rq));
    memcpy(&rq, &ir, sizeof(ir));
    return rq;
}

#define EXPECT_STATUS(d, rq, want, what)                                                           \
    do {                                                                                           \
        struct blkif_request r_ = (rq);                                                            \
        int st_ = submit(d, &r_);                                                                  \
        CHECK(st_ == (want), "%s: status %d, expected %d", what, st_, (want));                     \
        gprintf("blkif: %s: ok\n", what);                                                          \
    } while (0)

/* Every byte of page p is v. */
static int page_is(const uint8_t *p, size_t from, size_t n, uint8_t v)
{
    for (size_t i = from; i < from + n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

void guest_main(void)
{
    struct blkif_request rq;

    guest_require_xen();
    CHECK(xs_init() == 0, "xs_init");
    map_grant_table();
    for (unsigned i = 0; i < NR_DATA; i++)
        grant(REF_DATA + i, virt_to_frame(data[i]), 0, GTF_permit_access);
    grant(REF_RO, virt_to_frame(data[0]), 0, GTF_permit_access | GTF_readonly);
    grant(REF_DOM5, virt_to_frame(data[0]), 5, GTF_permit_access);
    grant(REF_HOLE, HOLE_FRAME, 0, GTF_permit_access);
    grant(REF_IND, virt_to_frame(ind_segs), 0, GTF_permit_access | GTF_readonly);
    grant(REF_CODE, virt_to_frame(code_page), 0, GTF_permit_access);
    connect(&xvda, 0);
    CHECK(xvda.sectors == 128, "xvda: %llu sectors", (unsigned long long)xvda.sectors);
    gprintf("blkif: xvda connected, 128 sectors: ok\n");
    connect(&xvdb, 1);
    gprintf("blkif: xvdb connected: ok\n");

    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 0, 1, REF_DATA), BLKIF_RSP_OKAY, "read sectors 0-7");
    for (unsigned s = 0; s < 8; s++)
        CHECK(page_is(data[0], s * 512, 512, (uint8_t)s), "sector %u read wrong", s);
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 40, NR_DATA, REF_DATA), BLKIF_RSP_OKAY,
                  "read 32 sectors into 4 segments");
    for (unsigned s = 0; s < 32; s++)
        CHECK(page_is(data[s / 8], (s % 8) * 512, 512, (uint8_t)(40 + s)), "sector %u read wrong",
              40 + s);
    rq = rw(BLKIF_OP_READ, 3, 1, REF_DATA + 1);
    rq.seg[0].first_sect = 2;
    rq.seg[0].last_sect = 2;
    memset(data[1], 0xee, sizeof(data[1]));
    EXPECT_STATUS(&xvda, rq, BLKIF_RSP_OKAY, "read one sector into the middle of a page");
    CHECK(page_is(data[1], 1024, 512, 3) && page_is(data[1], 0, 1024, 0xee) &&
              page_is(data[1], 1536, 2560, 0xee),
          "a one-sector read touched more than its sector");

    memset(data[2], 0xa5, sizeof(data[2]));
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_WRITE, 100, 1, REF_DATA + 2), BLKIF_RSP_OKAY,
                  "write sectors 100-107");
    memset(data[3], 0, sizeof(data[3]));
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 100, 1, REF_DATA + 3), BLKIF_RSP_OKAY, "read them back");
    CHECK(page_is(data[3], 0, 4096, 0xa5), "sectors 100-107 do not hold what was written");
    rq = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 0);
    EXPECT_STATUS(&xvda, rq, BLKIF_RSP_OKAY, "flush");
    memset(data[0], 0x5a, sizeof(data[0]));
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_WRITE, 120, 1, REF_RO), BLKIF_RSP_OKAY,
                  "write from a read-only grant");

    memset(data[0], 0, NR_DATA * sizeof(data[0]));
    CHECK(submit_full_ring(&xvda) == BLKIF_RING_SIZE, "a full ring was not answered in full");
    for (unsigned sct = 0; sct < 32; sct++)
        CHECK(page_is(data[sct / 8], (sct % 8) * 512, 512, (uint8_t)sct), "sector %u read wrong",
              sct);
    gprintf("blkif: a full ring of 32 requests at once, all answered in order: ok\n");

    /* A page that held code the guest ran, then read from the disk, runs
     * what the disk holds (the backend's write reaches the CPU's
     * translated code as the guest's own would). */
    static const uint8_t ret1[] = {0xb8, 1, 0, 0, 0, 0xc3}, ret2[] = {0xb8, 2, 0, 0, 0, 0xc3};
    int (*fn)(void) = (int (*)(void))(uintptr_t)code_page;
    memcpy(code_page, ret1, sizeof(ret1));
    CHECK(fn() == 1, "the code page does not run");
    memset(data[0], 0xcc, sizeof(data[0]));
    memcpy(data[0], ret2, sizeof(ret2));
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_WRITE, 64, 1, REF_DATA), BLKIF_RSP_OKAY,
                  "write code to sectors 64-71");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 64, 1, REF_CODE), BLKIF_RSP_OKAY,
                  "read it into a page that ran other code");
    CHECK(fn() == 2, "the page runs what it held before the read (%d)", fn());
    gprintf("blkif: the page runs the code read from the disk: ok\n");

    /* Indirect: the segments in a page of their own (granted read-only),
     * here two pages' worth of sectors 16-31. */
    for (unsigned i = 0; i < 2; i++)
        ind_segs[i] = (struct blkif_request_segment){.gref = REF_DATA + i, .last_sect = 7};
    memset(data[0], 0, 2 * sizeof(data[0]));
    EXPECT_STATUS(&xvda, indirect(BLKIF_OP_READ, 16, 2, REF_IND), BLKIF_RSP_OKAY,
                  "indirect read of sectors 16-31");
    for (unsigned s = 0; s < 16; s++)
        CHECK(page_is(data[s / 8], (s % 8) * 512, 512, (uint8_t)(16 + s)), "sector %u read wrong",
              16 + s);

    /* Hostile requests. */
    memset(data[0], 0x77, sizeof(data[0]));
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 0, 1, REF_RO), BLKIF_RSP_ERROR,
                  "read into a read-only grant: refused");
    CHECK(page_is(data[0], 0, 4096, 0x77), "the read-only granted page was written");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 0, 1, REF_FREE), BLKIF_RSP_ERROR,
                  "a free grant entry: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_WRITE, 0, 1, REF_DOM5), BLKIF_RSP_ERROR,
                  "a grant to another domain: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 0, 1, 100000), BLKIF_RSP_ERROR,
                  "a grant past the table: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 0, 1, REF_HOLE), BLKIF_RSP_ERROR,
                  "a grant of a frame the guest does not have: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 127, 1, REF_DATA), BLKIF_RSP_ERROR,
                  "8 sectors from the last one: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_WRITE, ~0ull - 3, 1, REF_DATA), BLKIF_RSP_ERROR,
                  "a sector number that wraps: refused");
    rq = rw(BLKIF_OP_READ, 0, 1, REF_DATA);
    rq.seg[0].first_sect = 5;
    rq.seg[0].last_sect = 4;
    EXPECT_STATUS(&xvda, rq, BLKIF_RSP_ERROR, "last sector before the first: refused");
    rq.seg[0].first_sect = 0;
    rq.seg[0].last_sect = 8;
    EXPECT_STATUS(&xvda, rq, BLKIF_RSP_ERROR, "a sector past the page: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 0, 0, REF_DATA), BLKIF_RSP_ERROR,
                  "a read of no segment: refused");
    rq = rw(BLKIF_OP_READ, 0, BLKIF_MAX_SEGMENTS_PER_REQUEST, REF_DATA);
    rq.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
    EXPECT_STATUS(&xvda, rq, BLKIF_RSP_ERROR, "12 segments: refused");
    EXPECT_STATUS(&xvda, indirect(BLKIF_OP_READ, 16, 2, REF_FREE), BLKIF_RSP_ERROR,
                  "indirect, its segment page not granted: refused");
    EXPECT_STATUS(&xvda, indirect(BLKIF_OP_READ, 16, 257, REF_IND), BLKIF_RSP_ERROR,
                  "indirect, 257 segments (256 offered): refused");
    EXPECT_STATUS(&xvda, indirect(BLKIF_OP_READ, 16, 0, REF_IND), BLKIF_RSP_ERROR,
                  "indirect, no segment: refused");
    EXPECT_STATUS(&xvda, indirect(BLKIF_OP_FLUSH_DISKCACHE, 16, 2, REF_IND), BLKIF_RSP_ERROR,
                  "indirect flush: refused");
    ind_segs[1].last_sect = 8;
    EXPECT_STATUS(&xvda, indirect(BLKIF_OP_READ, 16, 2, REF_IND), BLKIF_RSP_ERROR,
                  "indirect, a segment past its page: refused");
    EXPECT_STATUS(&xvdb, rw(BLKIF_OP_READ, 8, 1, REF_DATA), BLKIF_RSP_OKAY,
                  "read the read-only disk");
    EXPECT_STATUS(&xvdb, rw(BLKIF_OP_WRITE, 0, 1, REF_DATA), BLKIF_RSP_ERROR,
                  "write the read-only disk: refused");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_DISCARD, 0, 0, 0), BLKIF_RSP_EOPNOTSUPP,
                  "discard (not offered): not supported");
    EXPECT_STATUS(&xvda, rw(99, 0, 1, REF_DATA), BLKIF_RSP_EOPNOTSUPP,
                  "operation 99: not supported");
    EXPECT_STATUS(&xvda, rw(BLKIF_OP_READ, 100, 1, REF_DATA + 3), BLKIF_RSP_OKAY,
                  "after all that, the disk still reads");
    CHECK(page_is(data[3], 0, 4096, 0xa5), "sectors 100-107 changed");

    ((struct blkif_sring_header *)xvda.ring)->req_prod = xvda.req_prod + 1000;
    __sync_synchronize();
    evtchn_send(xvda.port);
    CHECK(wait_backend(&xvda, XenbusStateClosing) == 0,
          "a producer 1000 requests ahead did not disconnect the ring");
    gprintf("blkif: a producer 1000 requests ahead: the backend disconnects: ok\n");
}
