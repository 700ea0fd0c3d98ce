/*
 * check_xs_service.c: the xenstore service with its thread: a guest ring
 * introduced by the daemon's API, kicked from another thread and answered
 * with a notification; a socket client watching what the guest writes;
 * XS_INTRODUCE/XS_RELEASE over the socket mapping and unmapping a ring
 * through the ring ops; release from the API; stop with domains left.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "public/io/xs_wire.h"
#include "xs_service.h"

static struct xs_service *svc;
static char dir[64], sock_path[96];

/* Guest notifications, counted and waited for. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int notified[8];
static int mapped, unmapped;
static struct xenstore_domain_interface *pages[8];

static void notify(void *opaque, unsigned domid)
{
    pthread_mutex_lock(&mu);
    if (domid < 8)
        notified[domid]++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void *map_ring(void *opaque, unsigned domid, uint64_t gfn, unsigned port)
{
    if (gfn != 0x1234 || domid >= 8)
        return NULL;
    pthread_mutex_lock(&mu);
    mapped++;
    pthread_mutex_unlock(&mu);
    return pages[domid];
}

static void unmap_ring(void *opaque, unsigned domid, void *page)
{
    pthread_mutex_lock(&mu);
    ck_assert_ptr_eq(page, pages[domid]);
    unmapped++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static const struct xs_ring_ops ops = {map_ring, unmap_ring, notify};

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/check_xs_service.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
    memset(notified, 0, sizeof(notified));
    mapped = unmapped = 0;
    for (int i = 0; i < 8; i++)
        pages[i] = calloc(1, 4096);
    svc = xs_service_create();
    ck_assert_ptr_nonnull(svc);
    xs_service_set_ring_ops(svc, &ops, NULL);
    ck_assert_int_eq(xs_service_listen(svc, sock_path), 0);
    ck_assert_int_eq(xs_service_start(svc), 0);
}

static void teardown(void)
{
    xs_service_stop_destroy(svc);
    ck_assert_int_ne(access(sock_path, F_OK), 0); /* the socket is gone */
    for (int i = 0; i < 8; i++)
        free(pages[i]);
    rmdir(dir);
}

/* Socket client. */
static int client(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void send_msg(int fd, uint32_t type, const char *payload, uint32_t len)
{
    struct xsd_sockmsg h = {type, 1, 0, len};
    ck_assert_int_eq(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
    ck_assert_int_eq(write(fd, payload, len), (ssize_t)len);
}

/* Read one message; returns its type, payload in buf (NUL-terminated). */
static uint32_t recv_msg(int fd, char *buf, size_t size)
{
    struct xsd_sockmsg h;
    size_t got = 0;
    while (got < sizeof(h)) {
        ssize_t n = read(fd, (char *)&h + got, sizeof(h) - got);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    ck_assert_uint_lt(h.len, size);
    got = 0;
    while (got < h.len) {
        ssize_t n = read(fd, buf + got, h.len - got);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    buf[h.len] = '\0';
    return h.type;
}

/* Guest side of a ring. */
static void guest_send(struct xenstore_domain_interface *intf, uint32_t type, uint32_t req_id,
                       const char *payload, uint32_t len)
{
    struct xsd_sockmsg h = {type, req_id, 0, len};
    char msg[sizeof(h) + 256];
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), payload, len);
    XENSTORE_RING_IDX prod = intf->req_prod;
    for (size_t i = 0; i < sizeof(h) + len; i++)
        intf->req[MASK_XENSTORE_IDX(prod + i)] = msg[i];
    __atomic_store_n(&intf->req_prod, prod + (XENSTORE_RING_IDX)(sizeof(h) + len),
                     __ATOMIC_RELEASE);
}

/* Wait (bounded) for a reply in the guest's response ring. */
static uint32_t guest_recv(struct xenstore_domain_interface *intf, unsigned domid, char *buf,
                           size_t size)
{
    struct xsd_sockmsg h;
    for (int tries = 0; tries < 500; tries++) {
        XENSTORE_RING_IDX avail =
            __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE) - intf->rsp_cons;
        if (avail >= sizeof(h)) {
            for (size_t i = 0; i < sizeof(h); i++)
                ((char *)&h)[i] = intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons + i)];
            if (avail >= sizeof(h) + h.len) {
                ck_assert_uint_lt(h.len, size);
                for (size_t i = 0; i < h.len; i++)
                    buf[i] = intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons + sizeof(h) + i)];
                buf[h.len] = '\0';
                intf->rsp_cons += (XENSTORE_RING_IDX)(sizeof(h) + h.len);
                return h.type;
            }
        }
        /* Wait for a notification (or 10 ms). */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_mutex_lock(&mu);
        pthread_cond_timedwait(&cv, &mu, &ts);
        pthread_mutex_unlock(&mu);
    }
    ck_abort_msg("no reply from the service to domain %u", domid);
    return XS_INVALID;
}

START_TEST(guest_ring_requests_are_answered_and_notified)
{
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    int fd = client();
    /* dom0 makes the guest's home, then watches it. */
    send_msg(fd, XS_WRITE, "/local/domain/3/name\0guest", 26);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_WRITE);
    send_msg(fd, XS_SET_PERMS, "/local/domain/3\0n3", 19);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_SET_PERMS);
    send_msg(fd, XS_WATCH, "/local/domain/3/data\0tok", 25);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_WATCH);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_WATCH_EVENT);

    /* The guest wrote a request before it was introduced. */
    guest_send(pages[3], XS_WRITE, 41, "data/x\0hello", 12);
    ck_assert_int_eq(xs_service_introduce_domain(svc, 3, pages[3], 7, notify, NULL), 0);
    ck_assert_int_eq(xs_service_introduce_domain(svc, 3, pages[3], 7, notify, NULL), -EEXIST);
    ck_assert_uint_eq(guest_recv(pages[3], 3, buf, sizeof(buf)), XS_WRITE);
    ck_assert_str_eq(buf, "OK");
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_WATCH_EVENT);
    ck_assert_str_eq(buf, "/local/domain/3/data/x");

    /* Next request, with a kick from another thread (this one). */
    guest_send(pages[3], XS_READ, 42, "/local/domain/3/data/x", 23);
    xs_service_kick_domain(svc, 3);
    ck_assert_uint_eq(guest_recv(pages[3], 3, buf, sizeof(buf)), XS_READ);
    ck_assert_str_eq(buf, "hello");
    /* The guest is not dom0: the root is closed to it. */
    guest_send(pages[3], XS_DIRECTORY, 43, "/", 2);
    xs_service_kick_domain(svc, 3);
    ck_assert_uint_eq(guest_recv(pages[3], 3, buf, sizeof(buf)), XS_ERROR);
    ck_assert_str_eq(buf, "EACCES");
    pthread_mutex_lock(&mu);
    ck_assert_int_gt(notified[3], 0);
    pthread_mutex_unlock(&mu);

    ck_assert_int_eq(xs_service_release_domain(svc, 3), 0);
    ck_assert_int_eq(xs_service_release_domain(svc, 3), -ENOENT);
    /* Released: the page is no longer read. */
    XENSTORE_RING_IDX cons = pages[3]->req_cons;
    guest_send(pages[3], XS_READ, 44, "/", 2);
    xs_service_kick_domain(svc, 3);
    send_msg(fd, XS_READ, "/local/domain/3/name", 21); /* a round trip through the thread */
    /* What the domain owned went with it, firing the watch below it. */
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_WATCH_EVENT);
    ck_assert_str_eq(buf, "/local/domain/3/data");
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_ERROR);
    ck_assert_str_eq(buf, "ENOENT");
    ck_assert_uint_eq(pages[3]->req_cons, cons);
    close(fd);
}
END_TEST

START_TEST(introduce_and_release_over_the_socket_map_and_unmap)
{
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    int fd = client();
    send_msg(fd, XS_INTRODUCE,
             "5\0"
             "999\0"
             "3",
             8); /* a frame the mapper refuses */
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_ERROR);
    ck_assert_str_eq(buf, "EINVAL");
    send_msg(fd, XS_INTRODUCE,
             "5\0"
             "4660\0"
             "3",
             9);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_INTRODUCE);
    ck_assert_int_eq(mapped, 1);
    guest_send(pages[5], XS_GET_DOMAIN_PATH, 1, "5", 2);
    xs_service_kick_domain(svc, 5);
    ck_assert_uint_eq(guest_recv(pages[5], 5, buf, sizeof(buf)), XS_GET_DOMAIN_PATH);
    ck_assert_str_eq(buf, "/local/domain/5");
    send_msg(fd, XS_RELEASE, "5", 2);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_RELEASE);
    /* The unmap happens on the service thread right after. */
    send_msg(fd, XS_IS_DOMAIN_INTRODUCED, "5", 2);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_IS_DOMAIN_INTRODUCED);
    ck_assert_str_eq(buf, "F");
    pthread_mutex_lock(&mu);
    ck_assert_int_eq(unmapped, 1);
    pthread_mutex_unlock(&mu);
    close(fd);
}
END_TEST

START_TEST(stop_unmaps_what_is_left)
{
    char buf[64];
    int fd = client();
    send_msg(fd, XS_INTRODUCE,
             "6\0"
             "4660\0"
             "3",
             9);
    ck_assert_uint_eq(recv_msg(fd, buf, sizeof(buf)), XS_INTRODUCE);
    close(fd);
    xs_service_stop_destroy(svc);
    ck_assert_int_eq(unmapped, 1);
    svc = xs_service_create(); /* for teardown */
}
END_TEST

static int many_notified[100];

static void count_notify(void *opaque, unsigned domid)
{
    pthread_mutex_lock(&mu);
    many_notified[domid]++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

START_TEST(many_guests_all_answered_and_notified)
{
    enum { N = 90 };
    struct xenstore_domain_interface *p[N];
    char buf[64];
    memset(many_notified, 0, sizeof(many_notified));
    for (int i = 0; i < N; i++) {
        p[i] = calloc(1, 4096);
        guest_send(p[i], XS_GET_DOMAIN_PATH, (uint32_t)i, "1", 2);
        ck_assert_int_eq(
            xs_service_introduce_domain(svc, 10 + (unsigned)i, p[i], 1, count_notify, NULL), 0);
    }
    for (int i = 0; i < N; i++) {
        ck_assert_uint_eq(guest_recv(p[i], 10 + (unsigned)i, buf, sizeof(buf)), XS_GET_DOMAIN_PATH);
        ck_assert_str_eq(buf, "/local/domain/1");
    }
    for (int tries = 0; tries < 100; tries++) {
        int all = 1;
        pthread_mutex_lock(&mu);
        for (int i = 0; i < N; i++)
            all &= many_notified[10 + i] > 0;
        pthread_mutex_unlock(&mu);
        if (all)
            break;
        usleep(10000);
    }
    for (int i = 0; i < N; i++)
        ck_assert_int_gt(many_notified[10 + i], 0);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(xs_service_release_domain(svc, 10 + (unsigned)i), 0);
        free(p[i]);
    }
}
END_TEST

START_TEST(many_clients_at_once)
{
    char buf[128];
    int fds[50];
    for (int i = 0; i < 50; i++)
        fds[i] = client();
    for (int i = 0; i < 50; i++) {
        char p[64];
        int l = snprintf(p, sizeof(p), "/many/%d", i) + 1;
        memcpy(p + l, "v", 1);
        send_msg(fds[i], XS_WRITE, p, (uint32_t)l + 1);
    }
    for (int i = 0; i < 50; i++) {
        ck_assert_uint_eq(recv_msg(fds[i], buf, sizeof(buf)), XS_WRITE);
        close(fds[i]);
    }
    int fd = client();
    send_msg(fd, XS_DIRECTORY, "/many", 6);
    char big[XENSTORE_PAYLOAD_MAX + 1];
    ck_assert_uint_eq(recv_msg(fd, big, sizeof(big)), XS_DIRECTORY);
    close(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xs_service");
    TCase *tc = tcase_create("service");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, guest_ring_requests_are_answered_and_notified);
    tcase_add_test(tc, introduce_and_release_over_the_socket_map_and_unmap);
    tcase_add_test(tc, stop_unmaps_what_is_left);
    tcase_add_test(tc, many_guests_all_answered_and_notified);
    tcase_add_test(tc, many_clients_at_once);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
