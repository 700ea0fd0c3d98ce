/*
 * check_xs_ring.c: message framing and a guest's ring connection: whole
 * requests across the ring's wrap, replies in the response ring, and
 * hostile indexes and lengths breaking the connection, never the service.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_codec.h"
#include "xs_core.h"
#include "xs_internal.h"
#include "xs_ring.h"

static struct xs_store *st;
static struct xs_conn *conn;
static struct xenstore_domain_interface *intf;
static struct xs_ring ring;

static void setup(void)
{
    st = xs_store_new();
    conn = xs_conn_new(st, 0, true);
    intf = calloc(1, 4096);
    xs_ring_init(&ring, intf);
}

static void teardown(void)
{
    xs_store_free(st);
    free(intf);
}

/* The guest's side: put bytes into req[], take bytes from rsp[]. */
static void guest_put(const void *data, size_t len)
{
    const char *p = data;
    for (size_t i = 0; i < len; i++)
        intf->req[MASK_XENSTORE_IDX(intf->req_prod + i)] = p[i];
    intf->req_prod += (XENSTORE_RING_IDX)len;
}

static void guest_request(uint32_t type, uint32_t req_id, const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = {type, req_id, 0, len};
    guest_put(&h, sizeof(h));
    guest_put(payload, len);
}

static size_t guest_take(void *out, size_t max)
{
    char *o = out;
    size_t n = 0;
    while (intf->rsp_cons != intf->rsp_prod && n < max)
        o[n++] = intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons++)];
    return n;
}

static void service(void)
{
    bool notify = false;
    xs_ring_process(&ring, conn, 64, &notify);
    xs_ring_flush(&ring, conn, &notify);
}

START_TEST(codec_reassembles_fragments)
{
    struct xs_reader rd = {0};
    struct xsd_sockmsg h = {XS_READ, 5, 0, 3};
    unsigned char buf[sizeof(h) + 3];
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "/a", 3);
    size_t used;
    for (size_t i = 0; i < sizeof(buf) - 1; i++) {
        ck_assert_int_eq(xs_reader_feed(&rd, buf + i, 1, &used), 0);
        ck_assert_uint_eq(used, 1);
    }
    ck_assert_int_eq(xs_reader_feed(&rd, buf + sizeof(buf) - 1, 5, &used), 1);
    ck_assert_uint_eq(used, 1);
    ck_assert_uint_eq(rd.hdr.req_id, 5);
    ck_assert_str_eq(rd.payload, "/a");
}
END_TEST

START_TEST(codec_refuses_oversized_payload)
{
    struct xs_reader rd = {0};
    struct xsd_sockmsg h = {XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
    size_t used;
    ck_assert_int_eq(xs_reader_feed(&rd, &h, sizeof(h), &used), -E2BIG);
}
END_TEST

START_TEST(ring_request_and_reply)
{
    guest_request(XS_WRITE, 9, "/k\0v", 4);
    guest_request(XS_READ, 10, "/k", 3);
    service();
    char out[256];
    size_t n = guest_take(out, sizeof(out));
    struct xsd_sockmsg h;
    ck_assert_uint_eq(n, 2 * sizeof(h) + 3 + 1);
    memcpy(&h, out, sizeof(h));
    ck_assert_uint_eq(h.type, XS_WRITE);
    ck_assert_uint_eq(h.req_id, 9);
    ck_assert_mem_eq(out + sizeof(h), "OK\0", 3);
    memcpy(&h, out + sizeof(h) + 3, sizeof(h));
    ck_assert_uint_eq(h.type, XS_READ);
    ck_assert_uint_eq(h.req_id, 10);
    ck_assert_uint_eq(h.len, 1);
    ck_assert_int_eq(out[2 * sizeof(h) + 3], 'v');
    ck_assert_uint_eq(intf->req_cons, intf->req_prod);
    ck_assert(!ring.broken);
}
END_TEST

START_TEST(ring_wraps_around)
{
    /* Start near the end of both rings, with indexes about to overflow. */
    intf->req_cons = intf->req_prod = 0xfffffff0u;
    intf->rsp_cons = intf->rsp_prod = 0xfffffff8u;
    char path[200] = "/";
    memset(path + 1, 'p', 150);
    path[151] = '\0';
    for (int i = 0; i < 20; i++) {
        guest_request(XS_MKDIR, (uint32_t)i, path, 152);
        service();
        char out[64];
        size_t n = guest_take(out, sizeof(out));
        struct xsd_sockmsg h;
        ck_assert_uint_eq(n, sizeof(h) + 3);
        memcpy(&h, out, sizeof(h));
        ck_assert_uint_eq(h.req_id, (uint32_t)i);
        ck_assert_uint_eq(h.type, XS_MKDIR);
    }
    ck_assert(!ring.broken);
}
END_TEST

START_TEST(ring_full_response_waits_for_guest)
{
    /* 100 reads of a 100-byte value: more than the response ring holds. */
    char w[120] = "/v";
    memset(w + 3, 'x', 100);
    guest_request(XS_WRITE, 0, w, 103);
    service();
    char out[4096];
    guest_take(out, sizeof(out));
    size_t total = 0;
    for (int i = 0; i < 8; i++)
        guest_request(XS_READ, 1, "/v", 3);
    for (int round = 0; round < 10; round++) {
        service();
        total += guest_take(out, sizeof(out) / 8); /* a slow reader */
    }
    ck_assert_uint_eq(total, 8 * (sizeof(struct xsd_sockmsg) + 100));
}
END_TEST

START_TEST(ring_producer_too_far_ahead_breaks)
{
    intf->req_prod = intf->req_cons + XENSTORE_RING_SIZE + 1;
    service();
    ck_assert(ring.broken);
    ck_assert_uint_eq(intf->error, XENSTORE_ERROR_RINGIDX);
    /* Broken stays broken, whatever the guest writes next. */
    intf->req_prod = intf->req_cons;
    guest_request(XS_READ, 1, "/", 2);
    service();
    ck_assert_uint_eq(intf->rsp_prod, 0);
}
END_TEST

START_TEST(ring_oversized_length_breaks)
{
    struct xsd_sockmsg h = {XS_WRITE, 1, 0, 0xffffffffu};
    guest_put(&h, sizeof(h));
    service();
    ck_assert(ring.broken);
    ck_assert_uint_eq(intf->error, XENSTORE_ERROR_PROTO);
}
END_TEST

START_TEST(ring_bogus_consumer_index_breaks)
{
    xs_conn_queue(conn, XS_WATCH_EVENT, 0, 0, "/x\0t", 5);
    intf->rsp_cons = intf->rsp_prod + 4096; /* the guest claims to have read the future */
    service();
    ck_assert(ring.broken);
}
END_TEST

START_TEST(ring_advertises_features)
{
    ck_assert_uint_eq(intf->server_features,
                      XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
}
END_TEST

START_TEST(ring_reconnect_starts_over)
{
    /* A broken ring with a watch and half a request... */
    guest_request(XS_WATCH, 1, "/w\0t", 5);
    service();
    char out[256];
    guest_take(out, sizeof(out));
    ck_assert_uint_eq(conn->nwatches, 1);
    intf->req_prod = intf->req_cons + 5000;
    service();
    ck_assert(ring.broken);
    /* ...is reset when the guest asks, and works again. */
    intf->connection = XENSTORE_RECONNECT;
    service();
    ck_assert(!ring.broken);
    ck_assert_uint_eq(intf->connection, XENSTORE_CONNECTED);
    ck_assert_uint_eq(intf->error, XENSTORE_ERROR_NONE);
    ck_assert_uint_eq(intf->req_prod, 0);
    ck_assert_uint_eq(intf->rsp_prod, 0);
    ck_assert_uint_eq(conn->nwatches, 0);
    guest_request(XS_READ, 7, "/", 2);
    service();
    struct xsd_sockmsg h;
    ck_assert_uint_eq(guest_take(out, sizeof(out)), sizeof(h));
    memcpy(&h, out, sizeof(h));
    ck_assert_uint_eq(h.req_id, 7);
    ck_assert_uint_eq(h.type, XS_READ);
}
END_TEST

START_TEST(ring_garbage_never_crashes)
{
    /* Random bytes, random indexes: the service must survive. */
    srand(1234);
    for (int round = 0; round < 2000; round++) {
        if (round % 100 == 0) {
            xs_ring_init(&ring, intf);
            memset(intf, 0, 4096);
        }
        for (size_t i = 0; i < XENSTORE_RING_SIZE; i++)
            intf->req[i] = (char)rand();
        if (rand() % 4 == 0) {
            /* A well-formed header with a random type and small length. */
            struct xsd_sockmsg h = {(uint32_t)(rand() % 30), 1, (uint32_t)(rand() % 3),
                                    (uint32_t)(rand() % 64)};
            memcpy(intf->req + MASK_XENSTORE_IDX(intf->req_cons), &h,
                   XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(intf->req_cons) >= sizeof(h) ? sizeof(h)
                                                                                       : 0);
        }
        intf->req_prod = intf->req_cons + (XENSTORE_RING_IDX)(rand() % 1100);
        if (rand() % 8 == 0)
            intf->rsp_cons = (XENSTORE_RING_IDX)rand();
        service();
        char out[2048];
        guest_take(out, sizeof(out));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xs_ring");
    TCase *codec = tcase_create("codec");
    tcase_add_test(codec, codec_reassembles_fragments);
    tcase_add_test(codec, codec_refuses_oversized_payload);
    suite_add_tcase(s, codec);
    TCase *tc = tcase_create("ring");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ring_request_and_reply);
    tcase_add_test(tc, ring_wraps_around);
    tcase_add_test(tc, ring_full_response_waits_for_guest);
    tcase_add_test(tc, ring_producer_too_far_ahead_breaks);
    tcase_add_test(tc, ring_oversized_length_breaks);
    tcase_add_test(tc, ring_bogus_consumer_index_breaks);
    tcase_add_test(tc, ring_advertises_features);
    tcase_add_test(tc, ring_reconnect_starts_over);
    tcase_add_test(tc, ring_garbage_never_crashes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
