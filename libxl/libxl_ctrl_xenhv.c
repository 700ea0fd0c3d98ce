/*
 * libxl_ctrl_xenhv.c: the control layer's xenhv transport: the daemon's
 * control socket (protocol in xenhv/control.h), started on first use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libxl_ctrl.h"
#include "xenhv/control.h"
#include "xenhv/rundir.h"

#ifndef XENHV_SBINDIR
#define XENHV_SBINDIR "/usr/local/sbin"
#endif

#define START_WAIT_MS 10000
#define MAP_BATCH_MAX 65536u

extern char **environ;

/* One request, one reply (with an fd, maybe).  Caller holds the lock. */
static int xenhv_call(libxl__ctrl *ctrl, const struct xenhv_request *rq, struct xenhv_reply *rp,
                      int *fd_out)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } cbuf;
    struct iovec iov = {.iov_base = rp, .iov_len = sizeof(*rp)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n;

    if (fd_out)
        *fd_out = -1;
    do {
        n = send(ctrl->fd, rq, sizeof(*rq), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(*rq))
        return n < 0 ? -errno : -EIO;
    mh.msg_control = cbuf.buf;
    mh.msg_controllen = sizeof(cbuf.buf);
    do {
        n = recvmsg(ctrl->fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(*rp))
        return n < 0 ? -errno : -EIO;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
            if (fd_out && *fd_out < 0)
                *fd_out = fd;
            else
                close(fd);
        }
    }
    return 0;
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* A request through the doorbell page (see xenhv/control.h).  Caller
 * holds the lock.  A daemon gone meanwhile is noticed on the socket. */
static int doorbell_call(libxl__ctrl *ctrl, const struct xenhv_request *rq, struct xenhv_reply *rp)
{
    struct xenhv_doorbell *db = ctrl->doorbell;
    uint32_t seq = __atomic_load_n(&db->req_seq, __ATOMIC_RELAXED) + 1;

    memcpy(&db->rq, rq, sizeof(*rq));
    __atomic_store_n(&db->req_seq, seq, __ATOMIC_RELEASE);
    futex(&db->req_seq, FUTEX_WAKE, 1, NULL);
    for (;;) {
        uint32_t got = __atomic_load_n(&db->rsp_seq, __ATOMIC_ACQUIRE);
        struct timespec timeout = {.tv_sec = 1};

        if (got == seq)
            break;
        if (futex(&db->rsp_seq, FUTEX_WAIT, got, &timeout) < 0 && errno == ETIMEDOUT) {
            struct pollfd pfd = {.fd = ctrl->fd, .events = POLLIN};
            if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR))) {
                ctrl->doorbell = NULL; /* back to the socket, which will fail */
                return -EIO;
            }
        }
    }
    memcpy(rp, &db->rp, sizeof(*rp));
    return 0;
}

/* A request answered by a value: through the doorbell when there is one. */
static long value_call(libxl__ctrl *ctrl, const struct xenhv_request *rq)
{
    struct xenhv_reply rp;
    int rc;

    pthread_mutex_lock(ctrl->lock);
    rc = ctrl->doorbell ? doorbell_call(ctrl, rq, &rp) : xenhv_call(ctrl, rq, &rp, NULL);
    pthread_mutex_unlock(ctrl->lock);
    return rc ? rc : rp.ret;
}

static long xenhv_hypercall(libxl__ctrl *ctrl, const uint64_t call[6])
{
    struct xenhv_request rq = {.type = XENHV_REQ_IOCTL, .ioctl = IOCTL_PRIVCMD_HYPERCALL};

    rq.u.hypercall.op = call[0];
    memcpy(rq.u.hypercall.arg, call + 1, sizeof(rq.u.hypercall.arg));
    return value_call(ctrl, &rq);
}

static int xenhv_evtchn_notify(libxl__ctrl *ctrl, uint32_t port)
{
    struct xenhv_request rq = {.type = XENHV_REQ_IOCTL, .ioctl = IOCTL_EVTCHN_NOTIFY};

    rq.u.notify.port = port;
    return (int)value_call(ctrl, &rq);
}

/* Ask for frames [first, first+n) of arr; map the good ones at base. */
static int map_batch(libxl__ctrl *ctrl, uint32_t domid, int prot, const xen_pfn_t *arr, int *err,
                     unsigned n, uint8_t *base)
{
    xen_pfn_t *barr = libxl__ctrl_buf_alloc(ctrl, n * sizeof(*barr));
    int *berr = libxl__ctrl_buf_alloc(ctrl, n * sizeof(*berr));
    struct xenhv_request rq = {.type = XENHV_REQ_IOCTL, .ioctl = IOCTL_PRIVCMD_MMAPBATCH_V2};
    struct xenhv_reply rp;
    int rc, fd = -1;

    if (!barr || !berr) {
        rc = -ENOMEM;
        goto out;
    }
    memcpy(barr, arr, n * sizeof(*barr));
    rq.u.mmapbatch.num = n;
    rq.u.mmapbatch.dom = (domid_t)domid;
    rq.u.mmapbatch.addr = (uint64_t)(uintptr_t)base;
    rq.u.mmapbatch.arr = barr;
    rq.u.mmapbatch.err = berr;
    pthread_mutex_lock(ctrl->lock);
    rc = xenhv_call(ctrl, &rq, &rp, &fd);
    pthread_mutex_unlock(ctrl->lock);
    if (!rc)
        rc = (int)rp.ret;
    if (rc)
        goto out;
    if (fd < 0) {
        rc = -EPROTO;
        goto out;
    }
    for (unsigned i = 0; i < n;) {
        unsigned run = 1;

        err[i] = berr[i];
        if (berr[i]) {
            i++;
            continue;
        }
        while (i + run < n && !berr[i + run] && arr[i + run] == arr[i] + run)
            run++;
        if (mmap(base + (size_t)i * XEN_PAGE_SIZE, (size_t)run * XEN_PAGE_SIZE, prot,
                 MAP_SHARED | MAP_FIXED, fd, (off_t)(arr[i] * XEN_PAGE_SIZE)) == MAP_FAILED) {
            rc = -errno;
            goto out;
        }
        for (unsigned j = 1; j < run; j++)
            err[i + j] = 0;
        i += run;
    }
out:
    if (fd >= 0)
        close(fd);
    libxl__ctrl_buf_free(ctrl, barr);
    libxl__ctrl_buf_free(ctrl, berr);
    return rc;
}

static void *xenhv_map_foreign(libxl__ctrl *ctrl, uint32_t domid, int prot, const xen_pfn_t *arr,
                               int *err, unsigned num)
{
    int *errs = err ? err : calloc(num, sizeof(int));
    size_t len = (size_t)num * XEN_PAGE_SIZE;
    uint8_t *base;
    int rc = 0;

    if (!errs) {
        errno = ENOMEM;
        return NULL;
    }
    /* Reserve the range; frames that cannot be mapped stay inaccessible. */
    base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        rc = -errno;
        base = NULL;
        goto out;
    }
    for (unsigned i = 0; i < num && !rc; i += MAP_BATCH_MAX) {
        unsigned n = num - i < MAP_BATCH_MAX ? num - i : MAP_BATCH_MAX;
        rc = map_batch(ctrl, domid, prot, arr + i, errs + i, n, base + (size_t)i * XEN_PAGE_SIZE);
    }
    if (!rc && !err) {
        for (unsigned i = 0; i < num; i++)
            if (errs[i]) {
                rc = errs[i];
                break;
            }
    }
out:
    if (!err)
        free(errs);
    if (rc) {
        if (base)
            munmap(base, len);
        errno = -rc;
        return NULL;
    }
    return base;
}

static int hold_request(libxl__ctrl *ctrl, uint32_t flags, uint32_t domid)
{
    struct xenhv_request rq = {.type = XENHV_REQ_HOLD};
    struct xenhv_reply rp;
    int rc;

    rq.u.hold.flags = flags;
    rq.u.hold.domid = domid;
    pthread_mutex_lock(ctrl->lock);
    rc = xenhv_call(ctrl, &rq, &rp, NULL);
    pthread_mutex_unlock(ctrl->lock);
    return rc ? rc : (int)rp.ret;
}

/* Once per connection; holding stays off with an older daemon (EINVAL). */
static int xenhv_hold_creates(libxl__ctrl *ctrl)
{
    int rc;

    if (__atomic_load_n(&ctrl->holding, __ATOMIC_ACQUIRE))
        return 0;
    rc = hold_request(ctrl, XENHV_HOLD_CREATES, 0);
    if (!rc)
        __atomic_store_n(&ctrl->holding, 1, __ATOMIC_RELEASE);
    return rc == -EINVAL ? 0 : rc;
}

static int xenhv_domain_release(libxl__ctrl *ctrl, uint32_t domid)
{
    return __atomic_load_n(&ctrl->holding, __ATOMIC_ACQUIRE)
               ? hold_request(ctrl, XENHV_HOLD_RELEASE, domid)
               : 0;
}

static void xenhv_close(libxl__ctrl *ctrl)
{
    if (ctrl->map_base) {
        munmap(ctrl->map_base, ctrl->map_size);
        ctrl->region = NULL; /* part of that mapping */
    }
}

static const struct libxl__ctrl_ops xenhv_ops = {
    .name = "xenhv",
    .hypercall = xenhv_hypercall,
    .map_foreign = xenhv_map_foreign,
    .evtchn_notify = xenhv_evtchn_notify,
    .hold_creates = xenhv_hold_creates,
    .domain_release = xenhv_domain_release,
    .close = xenhv_close,
};

static int sock_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

static int executable(const char *path)
{
    return access(path, X_OK) == 0;
}

/* The xenhv binary: $XENHV, a build tree around the running program,
 * the installed sbindir. */
static int find_xenhv(char *out, size_t len)
{
    static const char *const rel[] = {"/../hypervisor/xenhv", "/../../hypervisor/xenhv",
                                      "/../../../hypervisor/xenhv"};
    const char *env = getenv("XENHV");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        snprintf(out, len, "%s", env);
        return executable(out) ? 0 : -ENOENT;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
                if (snprintf(out, len, "%s%s", exe, rel[i]) < (int)len && executable(out))
                    return 0;
            }
        }
    }
    snprintf(out, len, "%s/xenhv", XENHV_SBINDIR);
    return executable(out) ? 0 : -ENOENT;
}

/* Start a daemon on rundir; it returns once its sockets listen (or it
 * failed, e.g. because another one won a race to the lock). */
static int start_xenhv(const char *rundir)
{
    char bin[PATH_MAX];
    char *argv[5];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc, status;

    rc = find_xenhv(bin, sizeof(bin));
    if (rc)
        return rc;
    argv[0] = bin;
    argv[1] = "--rundir";
    argv[2] = (char *)rundir;
    argv[3] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        return -rc;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int hello(libxl__ctrl *ctrl)
{
    struct xenhv_request rq = {.type = XENHV_REQ_HELLO};
    struct xenhv_reply rp;
    void *region;
    int rc, fd;

    rq.u.hello.version = XENHV_PROTO_VERSION;
    rc = xenhv_call(ctrl, &rq, &rp, &fd);
    if (!rc && rp.ret < 0)
        rc = (int)rp.ret;
    if (!rc && (fd < 0 || rp.value != XENHV_BUFFER_REGION_SIZE))
        rc = -EPROTO;
    if (rc) {
        if (fd >= 0)
            close(fd);
        return rc;
    }
    region = mmap(NULL, XENHV_BUFFER_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (region == MAP_FAILED)
        return -errno;
    /* The first page is the doorbell; buffers come from the rest. */
    ctrl->map_base = region;
    ctrl->map_size = XENHV_BUFFER_REGION_SIZE;
    ctrl->region = (uint8_t *)region + XENHV_DOORBELL_SIZE;
    ctrl->region_size = XENHV_BUFFER_REGION_SIZE - XENHV_DOORBELL_SIZE;
    rq = (struct xenhv_request){.type = XENHV_REQ_REGION};
    rq.u.region.base = (uint64_t)(uintptr_t)region;
    rc = xenhv_call(ctrl, &rq, &rp, NULL);
    if (!rc && rp.ret < 0)
        rc = (int)rp.ret;
    if (!rc && (rp.value & XENHV_REGION_DOORBELL) && !getenv("XENHV_NO_DOORBELL"))
        ctrl->doorbell = region;
    return rc ? rc : libxl__ctrl_region_init(ctrl);
}

int libxl__ctrl_xenhv_open(libxl__ctrl *ctrl)
{
    char rundir[LIBXL__CTRL_PATH_MAX - 16], sock[LIBXL__CTRL_PATH_MAX];
    struct timespec start, now;
    int fd, started = 0;

    if (xenhv_rundir_default(rundir, sizeof(rundir)))
        return -ENAMETOOLONG;
    snprintf(sock, sizeof(sock), "%s/%s", rundir, XENHV_CONTROL_SOCKET);
    snprintf(ctrl->xenstore_path, sizeof(ctrl->xenstore_path), "%s/%s", rundir,
             XENHV_XENSTORE_SOCKET);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        fd = sock_connect(sock);
        if (fd >= 0)
            break;
        if (fd != -ENOENT && fd != -ECONNREFUSED)
            return fd;
        if (!started) {
            int rc = start_xenhv(rundir);
            if (rc)
                return rc;
            started = 1;
            continue;
        }
        /* Another client's daemon may still be starting: wait for it. */
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
            START_WAIT_MS)
            return fd;
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000000}, NULL);
    }
    ctrl->fd = fd;
    ctrl->ops = &xenhv_ops;
    return hello(ctrl);
}
