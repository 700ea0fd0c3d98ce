/*
 * libxl_ctrl.c: the control layer's common part (see libxl_ctrl.h):
 * choosing a transport, the hypercall-buffer allocator, and domctl/sysctl
 * through buffers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libxl_ctrl.h"

#define HDR_CHUNKS 1 /* a chunk before each buffer holds its length */

int libxl__ctrl_real_xen(void)
{
    char buf[16] = "";
    FILE *f = fopen("/sys/hypervisor/type", "re");

    if (f) {
        if (!fgets(buf, sizeof(buf), f))
            buf[0] = '\0';
        fclose(f);
        if (!strncmp(buf, "xen", 3))
            return 1;
    }
    return access("/proc/xen/capabilities", R_OK) == 0;
}

int libxl__ctrl_open(libxl__ctrl **out)
{
    libxl__ctrl *ctrl = calloc(1, sizeof(*ctrl));
    pthread_mutex_t *lock = malloc(sizeof(*lock));
    int rc;

    if (!ctrl || !lock) {
        free(ctrl);
        free(lock);
        return -ENOMEM;
    }
    pthread_mutex_init(lock, NULL);
    ctrl->lock = lock;
    ctrl->fd = -1;
    ctrl->evtchn_fd = -1;
    rc = libxl__ctrl_real_xen() ? libxl__ctrl_privcmd_open(ctrl) : libxl__ctrl_xenhv_open(ctrl);
    if (rc) {
        libxl__ctrl_close(ctrl);
        return rc;
    }
    *out = ctrl;
    return 0;
}

void libxl__ctrl_close(libxl__ctrl *ctrl)
{
    if (!ctrl)
        return;
    if (ctrl->ops)
        ctrl->ops->close(ctrl);
    if (ctrl->fd >= 0)
        close(ctrl->fd);
    if (ctrl->evtchn_fd >= 0)
        close(ctrl->evtchn_fd);
    if (ctrl->region)
        munmap(ctrl->region, ctrl->region_size);
    free(ctrl->region_used);
    if (ctrl->lock) {
        pthread_mutex_destroy(ctrl->lock);
        free(ctrl->lock);
    }
    free(ctrl);
}

const char *libxl__ctrl_transport(const libxl__ctrl *ctrl)
{
    return ctrl->ops->name;
}

const char *libxl__ctrl_xenstore_path(const libxl__ctrl *ctrl)
{
    return ctrl->xenstore_path;
}

int libxl__ctrl_region_init(libxl__ctrl *ctrl)
{
    ctrl->region_chunks = (unsigned)(ctrl->region_size / LIBXL__CTRL_CHUNK);
    ctrl->region_used = calloc((ctrl->region_chunks + 63) / 64, sizeof(uint64_t));
    return ctrl->region_used ? 0 : -ENOMEM;
}

static int chunk_used(const libxl__ctrl *ctrl, unsigned i)
{
    return (ctrl->region_used[i / 64] >> (i % 64)) & 1;
}

static void chunks_mark(libxl__ctrl *ctrl, unsigned first, unsigned n, int used)
{
    for (unsigned i = first; i < first + n; i++) {
        if (used)
            ctrl->region_used[i / 64] |= 1ULL << (i % 64);
        else
            ctrl->region_used[i / 64] &= ~(1ULL << (i % 64));
    }
}

void *libxl__ctrl_buf_alloc(libxl__ctrl *ctrl, size_t len)
{
    size_t want = (len + LIBXL__CTRL_CHUNK - 1) / LIBXL__CTRL_CHUNK + HDR_CHUNKS;
    void *buf = NULL;
    unsigned run = 0;

    if (!len || want > ctrl->region_chunks)
        return NULL;
    pthread_mutex_lock(ctrl->lock);
    for (unsigned i = 0; i < ctrl->region_chunks; i++) {
        if (chunk_used(ctrl, i)) {
            run = 0;
            continue;
        }
        if (++run == want) {
            unsigned first = i + 1 - run;
            uint8_t *p = ctrl->region + (size_t)first * LIBXL__CTRL_CHUNK;
            chunks_mark(ctrl, first, run, 1);
            memcpy(p, &want, sizeof(want));
            buf = p + HDR_CHUNKS * LIBXL__CTRL_CHUNK;
            memset(buf, 0, (want - HDR_CHUNKS) * LIBXL__CTRL_CHUNK);
            break;
        }
    }
    pthread_mutex_unlock(ctrl->lock);
    return buf;
}

void libxl__ctrl_buf_free(libxl__ctrl *ctrl, void *buf)
{
    uintptr_t start = (uintptr_t)ctrl->region, at = (uintptr_t)buf;
    uint8_t *p;
    size_t n;

    /* Only buffers of ours: inside the region, after a header. */
    if (!buf || at < start + HDR_CHUNKS * LIBXL__CTRL_CHUNK || at >= start + ctrl->region_size ||
        (at - start) % LIBXL__CTRL_CHUNK)
        return;
    p = ctrl->region + (at - start) - HDR_CHUNKS * LIBXL__CTRL_CHUNK;
    memcpy(&n, p, sizeof(n));
    pthread_mutex_lock(ctrl->lock);
    chunks_mark(ctrl, (unsigned)((p - ctrl->region) / LIBXL__CTRL_CHUNK), (unsigned)n, 0);
    pthread_mutex_unlock(ctrl->lock);
}

long libxl__ctrl_hypercall(libxl__ctrl *ctrl, unsigned op, uint64_t a0, uint64_t a1, uint64_t a2,
                           uint64_t a3, uint64_t a4)
{
    const uint64_t call[6] = {op, a0, a1, a2, a3, a4};

    return ctrl->ops->hypercall(ctrl, call);
}

int libxl__ctrl_domctl(libxl__ctrl *ctrl, struct xen_domctl *op)
{
    struct xen_domctl *buf = libxl__ctrl_buf_alloc(ctrl, sizeof(*buf));
    long rc;

    if (!buf)
        return -ENOMEM;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    *buf = *op;
    rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)buf, 0, 0, 0, 0);
    *op = *buf;
    libxl__ctrl_buf_free(ctrl, buf);
    return rc < 0 ? (int)rc : 0;
}

int libxl__ctrl_sysctl(libxl__ctrl *ctrl, struct xen_sysctl *op)
{
    struct xen_sysctl *buf = libxl__ctrl_buf_alloc(ctrl, sizeof(*buf));
    long rc;

    if (!buf)
        return -ENOMEM;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    *buf = *op;
    rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)buf, 0, 0, 0, 0);
    *op = *buf;
    libxl__ctrl_buf_free(ctrl, buf);
    return rc < 0 ? (int)rc : 0;
}

void *libxl__ctrl_map_foreign(libxl__ctrl *ctrl, uint32_t domid, int prot, const xen_pfn_t *arr,
                              int *err, unsigned num)
{
    if (!num || !arr) {
        errno = EINVAL;
        return NULL;
    }
    return ctrl->ops->map_foreign(ctrl, domid, prot, arr, err, num);
}

int libxl__ctrl_unmap_foreign(libxl__ctrl *ctrl, void *addr, unsigned num)
{
    return munmap(addr, (size_t)num * XEN_PAGE_SIZE) ? -errno : 0;
}

int libxl__ctrl_evtchn_notify(libxl__ctrl *ctrl, uint32_t port)
{
    return ctrl->ops->evtchn_notify(ctrl, port);
}

int libxl__ctrl_hold_creates(libxl__ctrl *ctrl)
{
    return ctrl->ops->hold_creates ? ctrl->ops->hold_creates(ctrl) : 0;
}

int libxl__ctrl_domain_release(libxl__ctrl *ctrl, uint32_t domid)
{
    return ctrl->ops->domain_release ? ctrl->ops->domain_release(ctrl, domid) : 0;
}
