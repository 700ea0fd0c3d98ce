/*
 * check_xs_core.c: the xenstore core through its request interface, as
 * clients see it: tree operations, permissions per domain, transactions
 * and their conflicts, watches (initial fire, paths, permissions, special
 * watches), domain operations and quotas.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_core.h"

static struct xs_store *st;
static struct xs_conn *dom0;

struct reply {
    uint32_t type, tx_id;
    uint32_t len;
    char data[XENSTORE_PAYLOAD_MAX + 1];
};

/* Take the first queued message of c; false if none. */
static bool take(struct xs_conn *c, struct reply *r)
{
    struct xs_msg *m = xs_conn_out_peek(c);
    if (!m)
        return false;
    struct xsd_sockmsg h;
    memcpy(&h, m->data, sizeof(h));
    r->type = h.type;
    r->tx_id = h.tx_id;
    r->len = h.len;
    memcpy(r->data, m->data + sizeof(h), h.len);
    r->data[h.len] = '\0';
    xs_conn_out_consume(c, m->len);
    return true;
}

/* Watch events met while waiting for a reply, kept for next_event. */
static struct saved_event {
    struct xs_conn *c;
    char text[256];
} saved[64];
static int nsaved;

static void save_event(struct xs_conn *c, const struct reply *r)
{
    ck_assert_int_lt(nsaved, 64);
    saved[nsaved].c = c;
    snprintf(saved[nsaved].text, sizeof(saved[nsaved].text), "%.120s %.120s", r->data,
             r->data + strlen(r->data) + 1);
    nsaved++;
}

/* Send a request; return its reply (watch events before it are saved). */
static struct reply rq_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const char *payload,
                           uint32_t len)
{
    struct xsd_sockmsg h = {type, 77, tx, len};
    struct reply r;
    xs_conn_request(c, &h, payload);
    for (;;) {
        ck_assert_msg(take(c, &r), "no reply to type %u", type);
        if (r.type != XS_WATCH_EVENT)
            return r;
        save_event(c, &r);
    }
}

static struct reply rq(struct xs_conn *c, uint32_t type, uint32_t tx, int nargs, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t len = 0;
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        const char *a = va_arg(ap, const char *);
        size_t l = strlen(a) + 1;
        memcpy(buf + len, a, l);
        len += (uint32_t)l;
    }
    va_end(ap);
    return rq_raw(c, type, tx, buf, len);
}

/* Write path=value (value without a NUL, like libxenstore). */
static struct reply wr(struct xs_conn *c, uint32_t tx, const char *path, const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t pl = strlen(path) + 1, vl = strlen(value);
    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    return rq_raw(c, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
}

static struct reply perms_set(struct xs_conn *c, const char *path, int n, const char **perms)
{
    char buf[256];
    uint32_t len = 0;
    size_t l = strlen(path) + 1;
    memcpy(buf, path, l);
    len += (uint32_t)l;
    for (int i = 0; i < n; i++) {
        l = strlen(perms[i]) + 1;
        memcpy(buf + len, perms[i], l);
        len += (uint32_t)l;
    }
    return rq_raw(c, XS_SET_PERMS, 0, buf, len);
}

#define assert_err(r, name)                                                                        \
    do {                                                                                           \
        struct reply r_ = (r);                                                                     \
        ck_assert_uint_eq(r_.type, XS_ERROR);                                                      \
        ck_assert_str_eq(r_.data, name);                                                           \
    } while (0)

static void expect_ok(struct reply r)
{
    ck_assert_msg(r.type != XS_ERROR, "unexpected error %s", r.data);
}

static void expect_value(struct xs_conn *c, const char *path, const char *value)
{
    struct reply r = rq(c, XS_READ, 0, 1, path);
    ck_assert_msg(r.type == XS_READ, "read %s: %s", path, r.data);
    ck_assert_uint_eq(r.len, strlen(value));
    ck_assert_str_eq(r.data, value);
}

/* Next watch event of c, as "path token"; "" if none. */
static const char *next_event(struct xs_conn *c)
{
    static char out[XENSTORE_PAYLOAD_MAX * 2];
    struct reply r;
    for (int i = 0; i < nsaved; i++) {
        if (saved[i].c == c) {
            snprintf(out, sizeof(out), "%s", saved[i].text);
            memmove(&saved[i], &saved[i + 1], (size_t)(nsaved - i - 1) * sizeof(saved[0]));
            nsaved--;
            return out;
        }
    }
    while (take(c, &r)) {
        if (r.type != XS_WATCH_EVENT)
            continue;
        snprintf(out, sizeof(out), "%s %s", r.data, r.data + strlen(r.data) + 1);
        return out;
    }
    return "";
}

static void setup(void)
{
    st = xs_store_new();
    ck_assert_ptr_nonnull(st);
    nsaved = 0;
    dom0 = xs_conn_new(st, 0, true);
}

static void teardown(void)
{
    xs_store_free(st);
}

/* Give guest domid a home it owns, as the toolstack does. */
static struct xs_conn *guest(uint32_t domid)
{
    char path[64], perm[16];
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    snprintf(perm, sizeof(perm), "n%u", domid);
    expect_ok(rq(dom0, XS_MKDIR, 0, 1, path));
    const char *p[] = {perm};
    expect_ok(perms_set(dom0, path, 1, p));
    return xs_conn_new(st, domid, false);
}

/* Tree operations. */

START_TEST(write_read_creates_parents)
{
    expect_ok(wr(dom0, 0, "/a/b/c", "hello"));
    expect_value(dom0, "/a/b/c", "hello");
    expect_value(dom0, "/a/b", "");
    struct reply r = rq(dom0, XS_DIRECTORY, 0, 1, "/a");
    ck_assert_uint_eq(r.len, 2);
    ck_assert_str_eq(r.data, "b");
}
END_TEST

START_TEST(values_are_binary)
{
    const char path_val[] = "/bin\0x\0y";
    struct reply r = rq_raw(dom0, XS_WRITE, 0, path_val, sizeof(path_val) - 1);
    expect_ok(r);
    r = rq(dom0, XS_READ, 0, 1, "/bin");
    ck_assert_uint_eq(r.len, 3);
    ck_assert_mem_eq(r.data, "x\0y", 3);
}
END_TEST

START_TEST(read_missing_is_enoent)
{
    assert_err(rq(dom0, XS_READ, 0, 1, "/nope"), "ENOENT");
    assert_err(rq(dom0, XS_DIRECTORY, 0, 1, "/nope/deeper"), "ENOENT");
}
END_TEST

START_TEST(invalid_paths_are_einval)
{
    assert_err(rq(dom0, XS_READ, 0, 1, "/a//b"), "EINVAL");
    assert_err(rq(dom0, XS_READ, 0, 1, "/a/"), "EINVAL");
    assert_err(wr(dom0, 0, "/a b", "x"), "EINVAL");
    assert_err(wr(dom0, 0, "@introduceDomain", "x"), "EINVAL");
    assert_err(rq_raw(dom0, XS_WRITE, 0, "/nonul", 6), "EINVAL");
    assert_err(rq(dom0, 999, 0, 1, "/"), "EINVAL");
}
END_TEST

START_TEST(directory_lists_in_creation_order)
{
    expect_ok(wr(dom0, 0, "/d/zz", "1"));
    expect_ok(wr(dom0, 0, "/d/aa", "2"));
    expect_ok(rq(dom0, XS_MKDIR, 0, 1, "/d/mm"));
    struct reply r = rq(dom0, XS_DIRECTORY, 0, 1, "/d");
    ck_assert_uint_eq(r.len, 9);
    ck_assert_mem_eq(r.data, "zz\0aa\0mm\0", 9);
}
END_TEST

START_TEST(directory_part_pages_with_generation)
{
    expect_ok(wr(dom0, 0, "/d/one", "1"));
    expect_ok(wr(dom0, 0, "/d/two", "2"));
    struct reply r = rq(dom0, XS_DIRECTORY_PART, 0, 2, "/d", "0");
    size_t gl = strlen(r.data) + 1;
    ck_assert_uint_eq(r.len, gl + 9);
    ck_assert_mem_eq(r.data + gl, "one\0two\0\0", 9);
    r = rq(dom0, XS_DIRECTORY_PART, 0, 2, "/d", "4");
    ck_assert_mem_eq(r.data + gl, "two\0\0", 5);
}
END_TEST

START_TEST(mkdir_existing_is_ok_and_keeps_value)
{
    expect_ok(wr(dom0, 0, "/m", "v"));
    expect_ok(rq(dom0, XS_MKDIR, 0, 1, "/m"));
    expect_value(dom0, "/m", "v");
}
END_TEST

START_TEST(rm_removes_subtree)
{
    expect_ok(wr(dom0, 0, "/r/x/y", "1"));
    expect_ok(wr(dom0, 0, "/r/z", "2"));
    expect_ok(rq(dom0, XS_RM, 0, 1, "/r/x"));
    assert_err(rq(dom0, XS_READ, 0, 1, "/r/x/y"), "ENOENT");
    assert_err(rq(dom0, XS_READ, 0, 1, "/r/x"), "ENOENT");
    struct reply r = rq(dom0, XS_DIRECTORY, 0, 1, "/r");
    ck_assert_str_eq(r.data, "z");
    ck_assert_uint_eq(r.len, 2);
    /* Gone already, parent there: fine.  Parent gone too: ENOENT. */
    expect_ok(rq(dom0, XS_RM, 0, 1, "/r/x"));
    assert_err(rq(dom0, XS_RM, 0, 1, "/r/x/y"), "ENOENT");
    assert_err(rq(dom0, XS_RM, 0, 1, "/"), "EINVAL");
    /* Entries are counted back: only the four initial nodes plus /r, /r/z. */
    ck_assert_uint_eq(xs_domain_entries(st, 0), 6);
}
END_TEST

/* Permissions. */

START_TEST(perms_text_form_round_trips)
{
    struct xs_perms p;
    char buf[64];
    ck_assert_int_eq(xs_perms_parse(&p, "n0\0r5\0w6\0b7", 11), 0);
    ck_assert_uint_eq(p.n, 4);
    ck_assert_uint_eq(xs_perms_for(&p, 0), XS_PERM_BOTH | XS_PERM_OWNER);
    ck_assert_uint_eq(xs_perms_for(&p, 5), XS_PERM_READ);
    ck_assert_uint_eq(xs_perms_for(&p, 6), XS_PERM_WRITE);
    ck_assert_uint_eq(xs_perms_for(&p, 7), XS_PERM_BOTH);
    ck_assert_uint_eq(xs_perms_for(&p, 9), XS_PERM_NONE);
    int l = xs_perms_format(&p, buf, sizeof(buf));
    ck_assert_int_eq(l, 12);
    ck_assert_mem_eq(buf, "n0\0r5\0w6\0b7\0", 12);
    xs_perms_free(&p);
    ck_assert_int_eq(xs_perms_parse(&p, "x0", 2), -EINVAL);
    ck_assert_int_eq(xs_perms_parse(&p, "r", 1), -EINVAL);
    ck_assert_int_eq(xs_perms_parse(&p, "r1a", 3), -EINVAL);
    ck_assert_int_eq(xs_perms_parse(&p, "r99999999", 9), -EINVAL);
}
END_TEST

START_TEST(new_nodes_inherit_parent_perms)
{
    const char *p[] = {"n0", "r3"};
    expect_ok(wr(dom0, 0, "/p", ""));
    expect_ok(perms_set(dom0, "/p", 2, p));
    expect_ok(wr(dom0, 0, "/p/q", "x"));
    struct reply r = rq(dom0, XS_GET_PERMS, 0, 1, "/p/q");
    ck_assert_uint_eq(r.len, 6);
    ck_assert_mem_eq(r.data, "n0\0r3\0", 6);
}
END_TEST

START_TEST(guest_sees_only_what_perms_allow)
{
    struct xs_conn *g5 = guest(5), *g6 = guest(6), *g7 = guest(7);
    /* The root and /local are dom0's, closed to guests. */
    assert_err(rq(g5, XS_READ, 0, 1, "/local"), "EACCES");
    assert_err(rq(g5, XS_DIRECTORY, 0, 1, "/"), "EACCES");
    assert_err(wr(g5, 0, "/tool/x", "1"), "EACCES");
    assert_err(rq(g5, XS_READ, 0, 1, "/tool/missing"), "EACCES");
    /* Its home: writable, relative paths, owned by the guest. */
    expect_ok(wr(g5, 0, "data/v", "1"));
    expect_value(dom0, "/local/domain/5/data/v", "1");
    struct reply r = rq(dom0, XS_GET_PERMS, 0, 1, "/local/domain/5/data/v");
    ck_assert_mem_eq(r.data, "n5\0", 3);
    assert_err(rq(g5, XS_READ, 0, 1, "missing"), "ENOENT");
    /* Share: 6 may read, 7 may do nothing. */
    const char *p[] = {"n5", "r6"};
    expect_ok(perms_set(g5, "data/v", 2, p));
    expect_value(g6, "/local/domain/5/data/v", "1");
    assert_err(wr(g6, 0, "/local/domain/5/data/v", "2"), "EACCES");
    assert_err(rq(g7, XS_READ, 0, 1, "/local/domain/5/data/v"), "EACCES");
    assert_err(rq(g6, XS_READ, 0, 1, "/local/domain/5/data"), "EACCES");
    /* Only the owner changes perms, and never gives the node away. */
    assert_err(perms_set(g6, "/local/domain/5/data/v", 2, p), "EACCES");
    const char *give[] = {"n6"};
    assert_err(perms_set(g5, "data/v", 1, give), "EPERM");
    /* Guests may not introduce or release domains. */
    assert_err(rq(g5, XS_INTRODUCE, 0, 3, "9", "1", "2"), "EACCES");
    assert_err(rq(g5, XS_RELEASE, 0, 1, "6"), "EACCES");
}
END_TEST

START_TEST(write_perm_lets_guest_write_not_read)
{
    struct xs_conn *g6 = guest(6);
    const char *p[] = {"n0", "w6"};
    expect_ok(wr(dom0, 0, "/drop", "x"));
    expect_ok(perms_set(dom0, "/drop", 2, p));
    expect_ok(wr(g6, 0, "/drop", "y"));
    assert_err(rq(g6, XS_READ, 0, 1, "/drop"), "EACCES");
    expect_value(dom0, "/drop", "y");
}
END_TEST

START_TEST(target_domain_acts_for_its_target)
{
    struct xs_conn *g5 = guest(5);
    (void)g5;
    struct xs_conn *stub = xs_conn_new(st, 8, false);
    expect_ok(rq(dom0, XS_INTRODUCE, 0, 3, "8", "0", "0"));
    assert_err(rq(stub, XS_READ, 0, 1, "/local/domain/5"), "EACCES");
    expect_ok(rq(dom0, XS_SET_TARGET, 0, 2, "8", "5"));
    expect_ok(rq(stub, XS_READ, 0, 1, "/local/domain/5"));
}
END_TEST

/* Transactions. */

static uint32_t txn_start(struct xs_conn *c)
{
    struct reply r = rq_raw(c, XS_TRANSACTION_START, 0, "", 1);
    ck_assert_uint_eq(r.type, XS_TRANSACTION_START);
    return (uint32_t)strtoul(r.data, NULL, 10);
}

START_TEST(txn_commit_applies_abort_discards)
{
    uint32_t t = txn_start(dom0);
    ck_assert_uint_ne(t, 0);
    expect_ok(wr(dom0, t, "/t/a", "1"));
    assert_err(rq(dom0, XS_READ, 0, 1, "/t"), "ENOENT");
    struct reply r = rq(dom0, XS_READ, t, 1, "/t/a");
    ck_assert_str_eq(r.data, "1");
    expect_ok(rq(dom0, XS_TRANSACTION_END, t, 1, "T"));
    expect_value(dom0, "/t/a", "1");

    t = txn_start(dom0);
    expect_ok(wr(dom0, t, "/t/a", "2"));
    expect_ok(rq(dom0, XS_RM, t, 1, "/t"));
    expect_ok(rq(dom0, XS_TRANSACTION_END, t, 1, "F"));
    expect_value(dom0, "/t/a", "1");
    assert_err(rq(dom0, XS_TRANSACTION_END, t, 1, "T"), "ENOENT");
    assert_err(rq(dom0, XS_READ, 4242, 1, "/t/a"), "ENOENT");
}
END_TEST

START_TEST(txn_conflict_on_read_node_is_eagain)
{
    struct xs_conn *other = xs_conn_new(st, 0, true);
    expect_ok(wr(dom0, 0, "/c", "a"));
    uint32_t t = txn_start(dom0);
    expect_value(dom0, "/c", "a");
    struct reply r = rq(dom0, XS_READ, t, 1, "/c");
    ck_assert_str_eq(r.data, "a");
    expect_ok(wr(other, 0, "/c", "b"));
    /* The transaction keeps seeing what it saw. */
    r = rq(dom0, XS_READ, t, 1, "/c");
    ck_assert_str_eq(r.data, "a");
    expect_ok(wr(dom0, t, "/c", "c"));
    assert_err(rq(dom0, XS_TRANSACTION_END, t, 1, "T"), "EAGAIN");
    expect_value(dom0, "/c", "b");
}
END_TEST

START_TEST(txn_conflict_on_directory_change)
{
    expect_ok(rq(dom0, XS_MKDIR, 0, 1, "/dir"));
    uint32_t t = txn_start(dom0);
    expect_ok(rq(dom0, XS_DIRECTORY, t, 1, "/dir"));
    expect_ok(wr(dom0, t, "/elsewhere", "1"));
    expect_ok(wr(dom0, 0, "/dir/new", "x"));
    assert_err(rq(dom0, XS_TRANSACTION_END, t, 1, "T"), "EAGAIN");
    assert_err(rq(dom0, XS_READ, 0, 1, "/elsewhere"), "ENOENT");
}
END_TEST

START_TEST(txn_conflict_on_node_created_meanwhile)
{
    uint32_t t = txn_start(dom0);
    assert_err(rq(dom0, XS_READ, t, 1, "/late"), "ENOENT");
    expect_ok(wr(dom0, 0, "/late", "x"));
    expect_ok(wr(dom0, t, "/other", "y"));
    assert_err(rq(dom0, XS_TRANSACTION_END, t, 1, "T"), "EAGAIN");
}
END_TEST

START_TEST(txn_disjoint_transactions_both_commit)
{
    struct xs_conn *other = xs_conn_new(st, 0, true);
    expect_ok(wr(dom0, 0, "/x/one", "0"));
    expect_ok(wr(dom0, 0, "/x/two", "0"));
    uint32_t t1 = txn_start(dom0), t2 = txn_start(other);
    expect_ok(wr(dom0, t1, "/x/one", "1"));
    expect_ok(wr(other, t2, "/x/two", "2"));
    expect_ok(rq(dom0, XS_TRANSACTION_END, t1, 1, "T"));
    expect_ok(rq(other, XS_TRANSACTION_END, t2, 1, "T"));
    expect_value(dom0, "/x/one", "1");
    expect_value(dom0, "/x/two", "2");
}
END_TEST

START_TEST(txn_rm_then_commit)
{
    expect_ok(wr(dom0, 0, "/g/a/b", "1"));
    uint32_t t = txn_start(dom0);
    expect_ok(rq(dom0, XS_RM, t, 1, "/g/a"));
    assert_err(rq(dom0, XS_READ, t, 1, "/g/a/b"), "ENOENT");
    expect_value(dom0, "/g/a/b", "1");
    expect_ok(rq(dom0, XS_TRANSACTION_END, t, 1, "T"));
    assert_err(rq(dom0, XS_READ, 0, 1, "/g/a/b"), "ENOENT");
    struct reply r = rq(dom0, XS_DIRECTORY, 0, 1, "/g");
    ck_assert_uint_eq(r.len, 0);
}
END_TEST

/* Watches. */

START_TEST(watch_fires_initially_then_on_changes_below)
{
    expect_ok(rq(dom0, XS_WATCH, 0, 2, "/w", "tok"));
    ck_assert_str_eq(next_event(dom0), "/w tok");
    ck_assert_str_eq(next_event(dom0), "");
    struct xs_conn *writer = xs_conn_new(st, 0, true);
    expect_ok(wr(writer, 0, "/w/x/y", "1"));
    ck_assert_str_eq(next_event(dom0), "/w/x/y tok");
    expect_ok(wr(writer, 0, "/wx", "1")); /* not below /w */
    expect_ok(wr(writer, 0, "/", "1"));   /* above */
    ck_assert_str_eq(next_event(dom0), "");
    expect_ok(rq(dom0, XS_UNWATCH, 0, 2, "/w", "tok"));
    expect_ok(wr(writer, 0, "/w/x/y", "2"));
    ck_assert_str_eq(next_event(dom0), "");
    assert_err(rq(dom0, XS_UNWATCH, 0, 2, "/w", "tok"), "ENOENT");
}
END_TEST

START_TEST(watch_on_removed_subtree_fires_exactly)
{
    expect_ok(wr(dom0, 0, "/s/a/b", "1"));
    struct xs_conn *w = xs_conn_new(st, 0, true);
    expect_ok(rq(w, XS_WATCH, 0, 2, "/s/a/b", "deep"));
    expect_ok(rq(w, XS_WATCH, 0, 2, "/s/zz", "other"));
    ck_assert_str_eq(next_event(w), "/s/a/b deep");
    ck_assert_str_eq(next_event(w), "/s/zz other");
    expect_ok(rq(dom0, XS_RM, 0, 1, "/s"));
    ck_assert_str_eq(next_event(w), "/s/a/b deep");
    ck_assert_str_eq(next_event(w), "");
}
END_TEST

START_TEST(watch_relative_paths_stay_relative)
{
    struct xs_conn *g = guest(4);
    expect_ok(rq(g, XS_WATCH, 0, 2, "device", "rel"));
    ck_assert_str_eq(next_event(g), "device rel");
    expect_ok(wr(dom0, 0, "/local/domain/4/device/vif/0", "x"));
    ck_assert_str_eq(next_event(g), "device/vif/0 rel");
}
END_TEST

START_TEST(watch_events_respect_read_perms)
{
    struct xs_conn *g = guest(4);
    expect_ok(rq(g, XS_WATCH, 0, 2, "/secret", "s"));
    ck_assert_str_eq(next_event(g), "/secret s"); /* the initial one, always */
    expect_ok(wr(dom0, 0, "/secret/x", "1"));
    ck_assert_str_eq(next_event(g), "");
    const char *p[] = {"n0", "r4"};
    expect_ok(perms_set(dom0, "/secret/x", 2, p));
    ck_assert_str_eq(next_event(g), "/secret/x s");
}
END_TEST

START_TEST(watch_txn_events_wait_for_commit)
{
    struct xs_conn *w = xs_conn_new(st, 0, true);
    expect_ok(rq(w, XS_WATCH, 0, 2, "/tw", "t"));
    ck_assert_str_eq(next_event(w), "/tw t");
    uint32_t t = txn_start(dom0);
    expect_ok(wr(dom0, t, "/tw/a", "1"));
    ck_assert_str_eq(next_event(w), "");
    expect_ok(rq(dom0, XS_TRANSACTION_END, t, 1, "T"));
    ck_assert_str_eq(next_event(w), "/tw/a t");
    t = txn_start(dom0);
    expect_ok(wr(dom0, t, "/tw/b", "1"));
    expect_ok(rq(dom0, XS_TRANSACTION_END, t, 1, "F"));
    ck_assert_str_eq(next_event(w), "");
}
END_TEST

START_TEST(special_watches_fire_on_introduce_and_release)
{
    expect_ok(rq(dom0, XS_WATCH, 0, 2, "@introduceDomain", "i"));
    expect_ok(rq(dom0, XS_WATCH, 0, 2, "@releaseDomain", "r"));
    ck_assert_str_eq(next_event(dom0), "@introduceDomain i");
    ck_assert_str_eq(next_event(dom0), "@releaseDomain r");
    assert_err(rq(dom0, XS_WATCH, 0, 2, "@bogus", "b"), "EINVAL");
    struct xs_conn *other = xs_conn_new(st, 0, true);
    expect_ok(rq(other, XS_INTRODUCE, 0, 3, "3", "4660", "5"));
    ck_assert_str_eq(next_event(dom0), "@introduceDomain i");
    ck_assert_str_eq(next_event(dom0), "");
    expect_ok(rq(other, XS_RELEASE, 0, 1, "3"));
    ck_assert_str_eq(next_event(dom0), "@releaseDomain r");
    assert_err(rq(dom0, XS_WATCH, 0, 2, "@releaseDomain", "r"), "EEXIST");
}
END_TEST

START_TEST(special_watches_reach_guests_only_when_permitted)
{
    struct xs_conn *g = guest(5);
    expect_ok(rq(g, XS_WATCH, 0, 2, "@releaseDomain", "r"));
    ck_assert_str_eq(next_event(g), "@releaseDomain r"); /* the initial one, always */
    expect_ok(rq(dom0, XS_INTRODUCE, 0, 3, "3", "1", "1"));
    expect_ok(rq(dom0, XS_RELEASE, 0, 1, "3"));
    ck_assert_str_eq(next_event(g), "");
    /* Only dom0 may open it up; then the guest hears of releases. */
    const char *p[] = {"n0", "r5"};
    struct reply r = rq(g, XS_GET_PERMS, 0, 1, "@releaseDomain");
    ck_assert_str_eq(r.data, "EACCES");
    char buf[64] = "@releaseDomain\0n5";
    assert_err(rq_raw(g, XS_SET_PERMS, 0, buf, 18), "EACCES");
    expect_ok(perms_set(dom0, "@releaseDomain", 2, p));
    r = rq(dom0, XS_GET_PERMS, 0, 1, "@releaseDomain");
    ck_assert_mem_eq(r.data, "n0\0r5\0", 6);
    expect_ok(rq(dom0, XS_INTRODUCE, 0, 3, "3", "1", "1"));
    expect_ok(rq(dom0, XS_RELEASE, 0, 1, "3"));
    ck_assert_str_eq(next_event(g), "@releaseDomain r");
    assert_err(rq(dom0, XS_READ, 0, 1, "@releaseDomain"), "EINVAL");
}
END_TEST

/* Domains. */

START_TEST(domain_operations)
{
    struct reply r = rq(dom0, XS_GET_DOMAIN_PATH, 0, 1, "7");
    ck_assert_str_eq(r.data, "/local/domain/7");
    assert_err(rq(dom0, XS_GET_DOMAIN_PATH, 0, 1, "x7"), "EINVAL");
    r = rq(dom0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "7");
    ck_assert_str_eq(r.data, "F");
    assert_err(rq(dom0, XS_RESUME, 0, 1, "7"), "ENOENT");
    expect_ok(rq(dom0, XS_INTRODUCE, 0, 3, "7", "100", "3"));
    r = rq(dom0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "7");
    ck_assert_str_eq(r.data, "T");
    expect_ok(rq(dom0, XS_INTRODUCE, 0, 3, "7", "100", "3")); /* again: fine */
    expect_ok(rq(dom0, XS_RESUME, 0, 1, "7"));
    expect_ok(rq(dom0, XS_RELEASE, 0, 1, "7"));
    r = rq(dom0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "7");
    ck_assert_str_eq(r.data, "F");
    assert_err(rq(dom0, XS_RELEASE, 0, 1, "7"), "ENOENT");
    assert_err(rq(dom0, XS_INTRODUCE, 0, 3, "32752", "1", "1"), "EINVAL");
}
END_TEST

START_TEST(release_drops_the_domains_connection)
{
    struct xs_conn *g = xs_conn_new(st, 9, false);
    ck_assert_int_eq(xs_domain_introduce(st, 9, g), 0);
    ck_assert_ptr_eq(xs_domain_conn(st, 9), g);
    ck_assert_int_eq(xs_domain_introduce(st, 9, NULL), -EEXIST);
    ck_assert_int_eq(xs_domain_release(st, 9), 0); /* frees g */
    ck_assert_ptr_null(xs_domain_conn(st, 9));
}
END_TEST

START_TEST(release_forgets_what_the_domain_owned)
{
    struct xs_conn *g = guest(9);
    (void)g;
    ck_assert_int_eq(xs_domain_introduce(st, 9, NULL), 0);
    expect_ok(wr(dom0, 0, "/local/domain/9/device/vif", "x"));
    expect_ok(wr(dom0, 0, "/backend/vif/9", "be"));
    const char *acl[] = {"n0", "r9", "r4"};
    expect_ok(perms_set(dom0, "/backend/vif/9", 3, acl));
    expect_ok(rq(dom0, XS_WATCH, 0, 2, "/local/domain/9/device", "dev"));
    ck_assert_str_eq(next_event(dom0), "/local/domain/9/device dev");
    uint32_t before = xs_domain_entries(st, 9);
    ck_assert_uint_eq(before, 3);
    ck_assert_int_eq(xs_domain_release(st, 9), 0);
    /* Its home went (Xen 4.17 removes what a released domain owned)... */
    assert_err(rq(dom0, XS_READ, 0, 1, "/local/domain/9"), "ENOENT");
    ck_assert_uint_eq(xs_domain_entries(st, 9), 0);
    ck_assert_str_eq(next_event(dom0), "/local/domain/9/device dev");
    /* ...and a reused domid 9 cannot read what was shared with the old one. */
    struct reply r = rq(dom0, XS_GET_PERMS, 0, 1, "/backend/vif/9");
    ck_assert_uint_eq(r.len, 6);
    ck_assert_mem_eq(r.data, "n0\0r4\0", 6);
    expect_value(dom0, "/backend/vif/9", "be");
}
END_TEST

/* Quotas. */

START_TEST(quota_entries)
{
    struct xs_conn *g = guest(5);
    xs_store_quota(st)->entries = 5; /* /local/domain/5 is one */
    expect_ok(wr(g, 0, "a", "1"));
    expect_ok(wr(g, 0, "b/c", "1"));
    assert_err(wr(g, 0, "d/e", "1"), "ENOSPC");
    expect_ok(wr(g, 0, "d", "1"));
    assert_err(wr(g, 0, "e", "1"), "ENOSPC");
    expect_ok(rq(g, XS_RM, 0, 1, "b"));
    expect_ok(wr(g, 0, "e", "1"));
    /* dom0 is not limited. */
    for (int i = 0; i < 10; i++) {
        char p[32];
        snprintf(p, sizeof(p), "/local/domain/5/z%d", i);
        expect_ok(wr(dom0, 0, p, "1"));
    }
}
END_TEST

START_TEST(quota_entries_hold_across_transactions)
{
    struct xs_conn *g = guest(5);
    expect_ok(wr(g, 0, "x", ""));
    expect_ok(wr(g, 0, "y", ""));
    xs_store_quota(st)->entries = 6; /* home, x, y + 3 */
    uint32_t t1 = txn_start(g), t2 = txn_start(g);
    expect_ok(wr(g, t1, "x/a", "1"));
    expect_ok(wr(g, t1, "x/b", "1"));
    expect_ok(wr(g, t2, "y/a", "1"));
    expect_ok(wr(g, t2, "y/b", "1"));
    expect_ok(rq(g, XS_TRANSACTION_END, t1, 1, "T"));
    /* Each fitted alone; together they do not. */
    assert_err(rq(g, XS_TRANSACTION_END, t2, 1, "T"), "ENOSPC");
    assert_err(rq(g, XS_READ, 0, 1, "y/a"), "ENOENT");
    ck_assert_uint_eq(xs_domain_entries(st, 5), 5);
}
END_TEST

START_TEST(quota_entry_size)
{
    struct xs_conn *g = guest(5);
    char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_err(wr(g, 0, "big", big), "ENOSPC");
    expect_ok(wr(dom0, 0, "/local/domain/5/big", big));
    big[2048] = '\0';
    expect_ok(wr(g, 0, "big", big));
}
END_TEST

START_TEST(quota_watches_and_transactions)
{
    struct xs_conn *g = guest(5);
    xs_store_quota(st)->watches = 2;
    xs_store_quota(st)->transactions = 1;
    expect_ok(rq(g, XS_WATCH, 0, 2, "a", "1"));
    expect_ok(rq(g, XS_WATCH, 0, 2, "b", "1"));
    assert_err(rq(g, XS_WATCH, 0, 2, "c", "1"), "E2BIG");
    expect_ok(rq(g, XS_UNWATCH, 0, 2, "a", "1"));
    expect_ok(rq(g, XS_WATCH, 0, 2, "c", "1"));
    uint32_t t = txn_start(g);
    assert_err(rq_raw(g, XS_TRANSACTION_START, 0, "", 1), "ENOSPC");
    expect_ok(rq(g, XS_TRANSACTION_END, t, 1, "F"));
    txn_start(g);
}
END_TEST

START_TEST(quota_perms_list)
{
    struct xs_conn *g = guest(5);
    const char *p[] = {"n5", "r1", "r2", "r3", "r4", "r6"};
    expect_ok(wr(g, 0, "n", "1"));
    assert_err(perms_set(g, "n", 6, p), "ENOSPC");
    expect_ok(perms_set(g, "n", 5, p));
}
END_TEST

START_TEST(slow_watcher_loses_events_not_memory)
{
    struct xs_conn *w = xs_conn_new(st, 0, true);
    xs_store_quota(st)->out_bytes = 1000;
    expect_ok(rq(w, XS_WATCH, 0, 2, "/f", "t"));
    for (int i = 0; i < 200; i++)
        expect_ok(wr(dom0, 0, "/f/x", "1"));
    ck_assert_uint_lt(w->out_bytes, 2000);
    ck_assert_uint_gt(w->dropped_events, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xs_core");
    struct {
        const char *name;
        const TTest *tests[16];
    } groups[] = {
        {"tree",
         {write_read_creates_parents, values_are_binary, read_missing_is_enoent,
          invalid_paths_are_einval, directory_lists_in_creation_order,
          directory_part_pages_with_generation, mkdir_existing_is_ok_and_keeps_value,
          rm_removes_subtree}},
        {"perms",
         {perms_text_form_round_trips, new_nodes_inherit_parent_perms,
          guest_sees_only_what_perms_allow, write_perm_lets_guest_write_not_read,
          target_domain_acts_for_its_target}},
        {"transactions",
         {txn_commit_applies_abort_discards, txn_conflict_on_read_node_is_eagain,
          txn_conflict_on_directory_change, txn_conflict_on_node_created_meanwhile,
          txn_disjoint_transactions_both_commit, txn_rm_then_commit}},
        {"watches",
         {watch_fires_initially_then_on_changes_below, watch_on_removed_subtree_fires_exactly,
          watch_relative_paths_stay_relative, watch_events_respect_read_perms,
          watch_txn_events_wait_for_commit, special_watches_fire_on_introduce_and_release,
          special_watches_reach_guests_only_when_permitted}},
        {"domains",
         {domain_operations, release_drops_the_domains_connection,
          release_forgets_what_the_domain_owned}},
        {"quotas",
         {quota_entries, quota_entries_hold_across_transactions, quota_entry_size,
          quota_watches_and_transactions, quota_perms_list, slow_watcher_loses_events_not_memory}},
    };
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_add_checked_fixture(tc, setup, teardown);
        for (int i = 0; groups[g].tests[i]; i++)
            tcase_add_test(tc, groups[g].tests[i]);
        suite_add_tcase(s, tc);
    }
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
