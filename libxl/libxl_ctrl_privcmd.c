/*
 * libxl_ctrl_privcmd.c: the control layer's privcmd transport, for a real
 * Xen host: /dev/xen/privcmd ioctls, hypercall buffers from
 * /dev/xen/hypercall (or locked anonymous memory), /dev/xen/evtchn.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libxl_ctrl.h"
#include "xen-sys/privcmd.h"

#define PRIVCMD_REGION_SIZE (4u << 20)

static long privcmd_hypercall(libxl__ctrl *ctrl, const uint64_t call[6])
{
    privcmd_hypercall_t hc = {.op = call[0]};
    int rc;

    memcpy(hc.arg, call + 1, sizeof(hc.arg));
    rc = ioctl(ctrl->fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
    return rc < 0 ? -errno : rc;
}

static void *privcmd_map_foreign(libxl__ctrl *ctrl, uint32_t domid, int prot, const xen_pfn_t *arr,
                                 int *err, unsigned num)
{
    size_t len = (size_t)num * XEN_PAGE_SIZE;
    int *errs = err ? err : calloc(num, sizeof(int));
    privcmd_mmapbatch_v2_t mb = {.num = num, .dom = (domid_t)domid, .arr = arr};
    void *addr;
    int rc = 0;

    if (!errs) {
        errno = ENOMEM;
        return NULL;
    }
    addr = mmap(NULL, len, prot, MAP_SHARED, ctrl->fd, 0);
    if (addr == MAP_FAILED) {
        rc = -errno;
        addr = NULL;
        goto out;
    }
    mb.addr = (uint64_t)(uintptr_t)addr;
    mb.err = errs;
    if (ioctl(ctrl->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &mb) < 0 && errno != ENOENT)
        rc = -errno;
    for (unsigned i = 0; !rc && !err && i < num; i++)
        if (errs[i])
            rc = errs[i];
out:
    if (!err)
        free(errs);
    if (rc) {
        if (addr)
            munmap(addr, len);
        errno = -rc;
        return NULL;
    }
    return addr;
}

static int privcmd_evtchn_notify(libxl__ctrl *ctrl, uint32_t port)
{
    struct ioctl_evtchn_notify n = {.port = port};

    if (ctrl->evtchn_fd < 0) {
        ctrl->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
        if (ctrl->evtchn_fd < 0)
            return -errno;
    }
    return ioctl(ctrl->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0 ? -errno : 0;
}

static void privcmd_close(libxl__ctrl *ctrl)
{
}

static const struct libxl__ctrl_ops privcmd_ops = {
    .name = "privcmd",
    .hypercall = privcmd_hypercall,
    .map_foreign = privcmd_map_foreign,
    .evtchn_notify = privcmd_evtchn_notify,
    .close = privcmd_close,
};

int libxl__ctrl_privcmd_open(libxl__ctrl *ctrl)
{
    const char *xs = getenv("XENSTORED_PATH");
    void *region = MAP_FAILED;
    int fd;

    ctrl->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (ctrl->fd < 0)
        return -errno;
    ctrl->ops = &privcmd_ops;
    snprintf(ctrl->xenstore_path, sizeof(ctrl->xenstore_path), "%s",
             xs && *xs ? xs : "/run/xenstored/socket");
    /* Newer kernels hand out hypercall-safe memory from /dev/xen/hypercall. */
    fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        region = mmap(NULL, PRIVCMD_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        close(fd);
    }
    if (region == MAP_FAILED) {
        region = mmap(NULL, PRIVCMD_REGION_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
        if (region == MAP_FAILED)
            return -errno;
    }
    ctrl->region = region;
    ctrl->region_size = PRIVCMD_REGION_SIZE;
    return libxl__ctrl_region_init(ctrl);
}
