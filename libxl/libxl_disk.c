/*
 * libxl_disk.c: a domain's PV disks (vbd) in xenstore, as real libxl's
 * device_disk_add writes them for its "phy" backend, so that xenhv's block
 * backend (hypervisor/common/blkback.c) and the guest's blkfront find each
 * other: the frontend /local/domain/N/device/vbd/DEVID (owned by the
 * guest, readable by dom0) and the backend
 * /local/domain/0/backend/vbd/N/DEVID (dom0's, readable by the guest).
 * Also the virtual device numbers of xvd/hd/sd names (Xen's vbd
 * interface: docs/misc/vbd-interface.txt).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libxl_internal.h"
#include "public/io/xenbus.h"

#define XEN_SCRIPT_DIR "/etc/xen/scripts"

/* "a".."z", "aa".. (bijective base 26) to 0.., with *end past it. */
static int disk_letters(const char *s, const char **end)
{
    int n = -1;

    if (!islower((unsigned char)*s))
        return -1;
    for (; islower((unsigned char)*s); s++) {
        if (n > (1 << 20))
            return -1;
        n = (n + 1) * 26 + (*s - 'a');
    }
    *end = s;
    return n;
}

/* An optional partition number that ends the name: 0 when absent. */
static int partition_number(const char *s)
{
    char *end;
    long p;

    if (!*s)
        return 0;
    if (!isdigit((unsigned char)*s) || *s == '0')
        return -1;
    p = strtol(s, &end, 10);
    return *end || p > 255 ? -1 : (int)p;
}

int libxl__disk_devid(const char *vdev)
{
    const char *rest;
    int disk, part;
    char *end;

    if (!vdev || !*vdev)
        return -1;
    if (isdigit((unsigned char)vdev[0])) { /* a number is the device itself */
        long n = strtol(vdev, &end, 10);
        return *end || n < 0 || n > 0x7fffffff ? -1 : (int)n;
    }
    if (vdev[0] == 'd' && isdigit((unsigned char)vdev[1])) { /* dDpP */
        long d = strtol(vdev + 1, &end, 10), p = 0;
        if (*end == 'p')
            p = strtol(end + 1, &end, 10);
        if (*end || d < 0 || d >= (1 << 20) || p < 0 || p > 255)
            return -1;
        disk = (int)d;
        part = (int)p;
        goto xvd;
    }
    if (!strncmp(vdev, "xvd", 3)) {
        if ((disk = disk_letters(vdev + 3, &rest)) < 0 || (part = partition_number(rest)) < 0)
            return -1;
        goto xvd;
    }
    if (!strncmp(vdev, "hd", 2)) {
        if ((disk = disk_letters(vdev + 2, &rest)) < 0 || disk > 3 ||
            (part = partition_number(rest)) < 0 || part > 63)
            return -1;
        return ((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | part;
    }
    if (!strncmp(vdev, "sd", 2)) {
        if ((disk = disk_letters(vdev + 2, &rest)) < 0 || disk > 15 ||
            (part = partition_number(rest)) < 0 || part > 15)
            return -1;
        return (8 << 8) | (disk << 4) | part;
    }
    return -1;
xvd:
    if (disk < 16 && part < 16)
        return (202 << 8) | (disk << 4) | part;
    return (1 << 28) | (disk << 8) | part;
}

bool libxl__disk_served(const libxl_device_disk *disk)
{
    return disk->pdev_path && *disk->pdev_path && disk->backend_domid == 0 &&
           (!disk->backend_domname || !*disk->backend_domname) &&
           (disk->backend == LIBXL_DISK_BACKEND_UNKNOWN ||
            disk->backend == LIBXL_DISK_BACKEND_PHY) &&
           (disk->format == LIBXL_DISK_FORMAT_UNKNOWN || disk->format == LIBXL_DISK_FORMAT_RAW);
}

int libxl__disk_check(libxl_ctx *ctx, const libxl_domain_config *cfg)
{
    for (int i = 0; i < cfg->num_disks; i++) {
        const libxl_device_disk *disk = &cfg->disks[i];
        if (libxl__disk_devid(disk->vdev) < 0) {
            LOG(ctx, ERROR, "Invalid or unsupported virtual disk identifier %s",
                disk->vdev ? disk->vdev : "(none)");
            return ERROR_INVAL;
        }
        for (int j = 0; j < i; j++)
            if (libxl__disk_devid(cfg->disks[j].vdev) == libxl__disk_devid(disk->vdev)) {
                LOG(ctx, ERROR, "disk %s given twice", disk->vdev);
                return ERROR_INVAL;
            }
        /* As real libxl's disk defaults (before any bootloader): a
         * dom0 phy image without a script of its own must be there,
         * relative to where xl runs, as the block script would take it. */
        struct stat st;
        bool phy =
            disk->backend == LIBXL_DISK_BACKEND_UNKNOWN || disk->backend == LIBXL_DISK_BACKEND_PHY;
        if (phy && disk->format != LIBXL_DISK_FORMAT_EMPTY && disk->backend_domid == 0 &&
            !disk->script && disk->pdev_path && stat(disk->pdev_path, &st)) {
            LOGE(ctx, ERROR, errno, "Disk vdev=%s failed to stat: %s", disk->vdev, disk->pdev_path);
            LOG(ctx, ERROR, "Unable to set disk defaults for disk %d", i);
            return ERROR_INVAL;
        }
        if (!libxl__disk_served(disk))
            LOG(ctx, WARN,
                "disk %s (%s): xenhv serves raw images from its own block backend only: "
                "left out",
                disk->vdev, disk->pdev_path && *disk->pdev_path ? disk->pdev_path : "empty");
    }
    return 0;
}

static int dir_with_perms(libxl__xs *xs, libxl__xs_tx tx, const char *path, unsigned owner,
                          unsigned reader)
{
    char o[16], r[16];
    const char *perms[2] = {o, r};
    int rc = libxl__xs_write(xs, tx, path, "");

    snprintf(o, sizeof(o), "n%u", owner);
    snprintf(r, sizeof(r), "r%u", reader);
    return rc ? rc : libxl__xs_set_perms(xs, tx, path, perms, 2);
}

/* One disk's frontend and backend directories (state Initialising). */
static int disk_entries(libxl__xs *xs, libxl__xs_tx tx, uint32_t domid,
                        const libxl_device_disk *disk)
{
    int devid = libxl__disk_devid(disk->vdev);
    const char *type = disk->is_cdrom ? "cdrom" : "disk";
    char fe[128], be[128], p[192];
    int rc;

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%d", domid, devid);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%d", domid, devid);
    if ((rc = dir_with_perms(xs, tx, fe, domid, 0)) || (rc = dir_with_perms(xs, tx, be, 0, domid)))
        return rc;

#define WRITE(dir, node, ...)                                                                      \
    do {                                                                                           \
        snprintf(p, sizeof(p), "%s/%s", dir, node);                                                \
        if ((rc = libxl__xs_printf(xs, tx, p, __VA_ARGS__)))                                       \
            return rc;                                                                             \
    } while (0)
    WRITE(fe, "backend", "%s", be);
    WRITE(fe, "backend-id", "0");
    WRITE(fe, "state", "%d", XenbusStateInitialising);
    WRITE(fe, "virtual-device", "%d", devid);
    WRITE(fe, "device-type", "%s", type);
    WRITE(fe, "trusted", "%d",
          libxl_defbool_is_default(disk->trusted) || libxl_defbool_val(disk->trusted));
    WRITE(be, "frontend", "%s", fe);
    WRITE(be, "params", "%s", disk->pdev_path);
    /* What real libxl's block script finds for the backend to open: here
     * the image itself, by absolute path (xenhv does not run where xl
     * does). */
    char abs[PATH_MAX];
    if (!realpath(disk->pdev_path, abs))
        return -errno;
    WRITE(be, "physical-device-path", "%s", abs);
    if (disk->script && disk->script[0] == '/')
        WRITE(be, "script", "%s", disk->script);
    else
        WRITE(be, "script", XEN_SCRIPT_DIR "/%s", disk->script ? disk->script : "block");
    WRITE(be, "frontend-id", "%u", domid);
    WRITE(be, "online", "1");
    WRITE(be, "removable", "%d", disk->removable ? 1 : 0);
    WRITE(be, "bootable", "1");
    WRITE(be, "state", "%d", XenbusStateInitialising);
    WRITE(be, "dev", "%s", disk->vdev);
    WRITE(be, "type", "phy");
    WRITE(be, "mode", "%s", disk->readwrite ? "w" : "r");
    WRITE(be, "device-type", "%s", type);
    if (disk->direct_io_safe)
        WRITE(be, "direct-io-safe", "1");
    WRITE(be, "discard-enable", "%d",
          libxl_defbool_is_default(disk->discard_enable) ? !!disk->readwrite
                                                         : libxl_defbool_val(disk->discard_enable));
#undef WRITE
    return 0;
}

int libxl__disk_entries(libxl_ctx *ctx, libxl__xs_tx tx, uint32_t domid,
                        const libxl_domain_config *cfg)
{
    for (int i = 0; i < cfg->num_disks; i++) {
        if (!libxl__disk_served(&cfg->disks[i]))
            continue;
        int rc = disk_entries(ctx->xs, tx, domid, &cfg->disks[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* --- the public device API: what is attached ------------------------- */

static char *read_in(libxl_ctx *ctx, const char *dir, const char *node)
{
    char path[256], *v = NULL;

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    return libxl__xs_read(ctx->xs, 0, path, &v) ? NULL : v;
}

libxl_device_disk *libxl_device_disk_list(libxl_ctx *ctx, uint32_t domid, int *num)
{
    libxl_device_disk *list = NULL;
    char dir[64], fe[128], **names = NULL;
    unsigned n = 0;

    *num = 0;
    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vbd", domid);
    if (libxl__ctx_ensure(ctx) || libxl__xs_directory(ctx->xs, 0, dir, &names, &n) || !n)
        goto out;
    list = calloc(n, sizeof(*list));
    if (!list)
        goto out;
    for (unsigned i = 0; i < n; i++) {
        libxl_device_disk *d = &list[*num];
        char *be, *mode, *type;
        snprintf(fe, sizeof(fe), "%s/%s", dir, names[i]);
        if (!(be = read_in(ctx, fe, "backend")))
            continue;
        libxl_device_disk_init(d);
        d->vdev = read_in(ctx, be, "dev");
        d->pdev_path = read_in(ctx, be, "params");
        mode = read_in(ctx, be, "mode");
        type = read_in(ctx, be, "device-type");
        d->readwrite = mode && mode[0] == 'w';
        d->is_cdrom = type && !strcmp(type, "cdrom");
        d->format = LIBXL_DISK_FORMAT_RAW;
        d->backend = LIBXL_DISK_BACKEND_PHY;
        free(mode);
        free(type);
        free(be);
        (*num)++;
    }
out:
    libxl__xs_free_list(names);
    if (!*num) {
        free(list);
        list = NULL;
    }
    return list;
}

void libxl_device_disk_list_free(libxl_device_disk *list, int num)
{
    for (int i = 0; list && i < num; i++)
        libxl_device_disk_dispose(&list[i]);
    free(list);
}

/* A number node of dir, -1 when absent (as real libxl reports them). */
static int read_int(libxl_ctx *ctx, const char *dir, const char *node)
{
    char *v = read_in(ctx, dir, node);
    int n = v ? atoi(v) : -1;

    free(v);
    return n;
}

int libxl_device_disk_getinfo(libxl_ctx *ctx, uint32_t domid, const libxl_device_disk *disk,
                              libxl_diskinfo *info)
{
    int devid = libxl__disk_devid(disk->vdev);
    char fe[128], *be_id;

    if (devid < 0)
        return ERROR_INVAL;
    if (libxl__ctx_ensure(ctx))
        return ERROR_FAIL;
    libxl_diskinfo_init(info);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%d", domid, devid);
    info->backend = read_in(ctx, fe, "backend");
    if (!info->backend)
        return ERROR_FAIL;
    info->frontend = strdup(fe);
    be_id = read_in(ctx, fe, "backend-id");
    info->backend_id = be_id ? (uint32_t)strtoul(be_id, NULL, 10) : 0;
    free(be_id);
    info->frontend_id = domid;
    info->devid = devid;
    info->state = read_int(ctx, fe, "state");
    info->evtch = read_int(ctx, fe, "event-channel");
    info->rref = read_int(ctx, fe, "ring-ref");
    return 0;
}
