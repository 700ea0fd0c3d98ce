/*
 * libxl_disk.c: a domain's PV disks (vbd) in xenstore, as real libxl's
 * device_disk_add writes them for its "phy" backend, so that xenhv's block
 * backend (hypervisor/common/blkback.c) and the guest's blkfront find each
 * other: the frontend /local/domain/N/device/vbd/DEVID (owned by the
 * guest, readable by dom0) and the backend
 * /local/domain/0/backend/vbd/N/DEVID (dom0's, readable by the guest);
 * at create, and at run time (hot plug: add, remove, destroy, with the
 * stored configuration kept in step); what is attached (list, getinfo).
 * Also the virtual device numbers of xvd/hd/sd names (Xen's vbd
 * interface: docs/misc/vbd-interface.txt).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* The image, as messages name it. */
static const char *disk_source(const libxl_device_disk *disk)
{
    return disk->pdev_path && *disk->pdev_path ? disk->pdev_path : "empty";
}

bool libxl__disk_served(const libxl_device_disk *disk)
{
    return disk->pdev_path && *disk->pdev_path && disk->backend_domid == 0 &&
           (!disk->backend_domname || !*disk->backend_domname) &&
           (disk->backend == LIBXL_DISK_BACKEND_UNKNOWN ||
            disk->backend == LIBXL_DISK_BACKEND_PHY) &&
           (disk->format == LIBXL_DISK_FORMAT_UNKNOWN || disk->format == LIBXL_DISK_FORMAT_RAW);
}

/* One disk as real libxl's disk defaults check it (before any
 * bootloader): a valid vdev; a dom0 phy image without a script of its own
 * must be there, relative to where xl runs, as the block script would
 * take it.  i: its index, for the message. */
static int disk_defaults_check(libxl_ctx *ctx, const libxl_device_disk *disk, int i)
{
    struct stat st;
    bool phy =
        disk->backend == LIBXL_DISK_BACKEND_UNKNOWN || disk->backend == LIBXL_DISK_BACKEND_PHY;

    if (libxl__disk_devid(disk->vdev) < 0) {
        LOG(ctx, ERROR, "Invalid or unsupported virtual disk identifier %s",
            disk->vdev ? disk->vdev : "(none)");
        return ERROR_INVAL;
    }
    if (phy && disk->format != LIBXL_DISK_FORMAT_EMPTY && disk->backend_domid == 0 &&
        !disk->script && disk->pdev_path && stat(disk->pdev_path, &st)) {
        LOGE(ctx, ERROR, errno, "Disk vdev=%s failed to stat: %s", disk->vdev, disk->pdev_path);
        LOG(ctx, ERROR, "Unable to set disk defaults for disk %d", i);
        return ERROR_INVAL;
    }
    return 0;
}

int libxl__disk_check(libxl_ctx *ctx, const libxl_domain_config *cfg)
{
    for (int i = 0; i < cfg->num_disks; i++) {
        const libxl_device_disk *disk = &cfg->disks[i];
        int rc = disk_defaults_check(ctx, disk, i);
        if (rc)
            return rc;
        for (int j = 0; j < i; j++)
            if (libxl__disk_devid(cfg->disks[j].vdev) == libxl__disk_devid(disk->vdev)) {
                LOG(ctx, ERROR, "disk %s given twice", disk->vdev);
                return ERROR_INVAL;
            }
        if (!libxl__disk_served(disk))
            LOG(ctx, WARN,
                "disk %s (%s): xenhv serves raw images from its own block backend only: "
                "left out",
                disk->vdev, disk_source(disk));
    }
    return 0;
}

static void disk_paths(uint32_t domid, int devid, char *fe, char *be, size_t len)
{
    snprintf(fe, len, "/local/domain/%u/device/vbd/%d", domid, devid);
    snprintf(be, len, "/local/domain/0/backend/vbd/%u/%d", domid, devid);
}

/* One disk's frontend and backend directories (state Initialising). */
static int disk_entries(libxl__xs *xs, libxl__xs_tx tx, uint32_t domid,
                        const libxl_device_disk *disk)
{
    int devid = libxl__disk_devid(disk->vdev);
    const char *type = disk->is_cdrom ? "cdrom" : "disk";
    char fe[128], be[128], p[192];
    int rc;

    disk_paths(domid, devid, fe, be, sizeof(fe));
    if ((rc = libxl__xs_mknod(xs, tx, fe, domid, 0)) ||
        (rc = libxl__xs_mknod(xs, tx, be, 0, (int)domid)))
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

/* --- hot plug: xl block-attach / block-detach ------------------------- */

#define DEVICE_WAIT_MS 10000 /* real libxl's LIBXL_DESTROY_TIMEOUT */

/* Wait until the backend's state is at least min: the state seen, -1
 * when the wait ran out. */
static int wait_backend_state(libxl_ctx *ctx, const char *be, int min)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/state", be);
    for (int waited = 0; waited <= DEVICE_WAIT_MS; waited += 10) {
        char *v = NULL;
        int state = libxl__xs_read(ctx->xs, 0, path, &v) ? -1 : atoi(v);
        free(v);
        if (state >= min)
            return state;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000000}, NULL);
    }
    return -1;
}

/* The stored configuration with disk added (add) or the disk devid
 * taken out (add NULL), so that a reboot keeps what was plugged. */
static int stored_disks_update(libxl_ctx *ctx, uint32_t domid, const libxl_device_disk *add,
                               int devid)
{
    libxl_domain_config cfg;
    int rc, n = 0;

    libxl_domain_config_init(&cfg);
    rc = libxl_retrieve_domain_configuration(ctx, domid, &cfg, NULL);
    if (rc)
        goto out;
    for (int i = 0; i < cfg.num_disks; i++) {
        if (libxl__disk_devid(cfg.disks[i].vdev) == devid)
            libxl_device_disk_dispose(&cfg.disks[i]);
        else
            cfg.disks[n++] = cfg.disks[i];
    }
    cfg.num_disks = n;
    if (add) {
        libxl_device_disk *more = realloc(cfg.disks, (size_t)(n + 1) * sizeof(*more));
        if (!more) {
            rc = ERROR_NOMEM;
            goto out;
        }
        cfg.disks = more;
        libxl_device_disk_init(&cfg.disks[n]);
        rc = libxl_device_disk_copy(ctx, &cfg.disks[n], add);
        if (rc)
            goto out;
        cfg.num_disks++;
    }
    rc = libxl__userdata_store_config(ctx, domid, &cfg);
out:
    libxl_domain_config_dispose(&cfg);
    return rc;
}

static int disk_add(libxl_ctx *ctx, uint32_t domid, const libxl_device_disk *disk)
{
    char fe[128], be[128], path[192], *err = NULL;
    int devid, rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    if (libxl_domain_info(ctx, NULL, domid))
        return ERROR_DOMAIN_NOTFOUND;
    if ((rc = disk_defaults_check(ctx, disk, 0)))
        return rc;
    if (!libxl__disk_served(disk)) {
        LOG(ctx, ERROR, "disk %s (%s): xenhv serves raw images from its own block backend only",
            disk->vdev, disk_source(disk));
        return ERROR_INVAL;
    }
    devid = libxl__disk_devid(disk->vdev);
    disk_paths(domid, devid, fe, be, sizeof(fe));
    snprintf(path, sizeof(path), "%s/backend", fe);
    if (!libxl__xs_read(ctx->xs, 0, path, &err)) {
        free(err);
        LOG(ctx, ERROR, "disk %s: domain %u already has it", disk->vdev, domid);
        return ERROR_DEVICE_EXISTS;
    }
    for (;;) {
        libxl__xs_tx tx;
        if ((rc = libxl__xs_transaction_start(ctx->xs, &tx)))
            break;
        if ((rc = disk_entries(ctx->xs, tx, domid, disk))) {
            libxl__xs_transaction_end(ctx->xs, tx, true);
            break;
        }
        if ((rc = libxl__xs_transaction_end(ctx->xs, tx, false)) != -EAGAIN)
            break;
    }
    if (rc) {
        LOGE(ctx, ERROR, -rc, "disk %s: writing its xenstore entries", disk->vdev);
        return ERROR_FAIL;
    }
    /* As real libxl waits for the hotplug script: the backend took it
     * (InitWait, or already further with a running guest's frontend),
     * or closed it. */
    int state = wait_backend_state(ctx, be, XenbusStateInitWait);
    if (state < 0 || state >= XenbusStateClosing) {
        snprintf(path, sizeof(path), "%s/hotplug-error", be);
        libxl__xs_read(ctx->xs, 0, path, &err);
        LOG(ctx, ERROR, "disk %s: the block backend did not take %s%s%s", disk->vdev,
            disk->pdev_path, err ? ": " : "", err ? err : "");
        free(err);
        libxl__xs_rm(ctx->xs, 0, fe);
        libxl__xs_rm(ctx->xs, 0, be);
        return ERROR_FAIL;
    }
    return stored_disks_update(ctx, domid, disk, devid);
}

int libxl_device_disk_add(libxl_ctx *ctx, uint32_t domid, libxl_device_disk *disk,
                          const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, disk_add(ctx, domid, disk));
}

/* Unplug: with wait, as real libxl (offline, Closing; the frontend closes
 * and the backend follows to Closed; a frontend that does not answer in
 * time is removed anyway, real libxl's forced removal after its
 * timeout); without, the entries go at once and the backend forgets the
 * disk whatever the guest still does with it. */
static int disk_unplug(libxl_ctx *ctx, uint32_t domid, const libxl_device_disk *disk, bool wait)
{
    int devid = libxl__disk_devid(disk->vdev), rc;
    char fe[128], be[128], path[192], *v = NULL;

    if (devid < 0)
        return ERROR_INVAL;
    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    disk_paths(domid, devid, fe, be, sizeof(fe));
    snprintf(path, sizeof(path), "%s/state", be);
    if (libxl__xs_read(ctx->xs, 0, path, &v))
        return ERROR_NOTFOUND;
    free(v);
    if (wait) {
        snprintf(path, sizeof(path), "%s/online", be);
        libxl__xs_write(ctx->xs, 0, path, "0");
        snprintf(path, sizeof(path), "%s/state", be);
        libxl__xs_printf(ctx->xs, 0, path, "%d", XenbusStateClosing);
        if (wait_backend_state(ctx, be, XenbusStateClosed) < 0)
            LOG(ctx, DEBUG, "disk %s: the frontend did not close in time: removed anyway",
                disk->vdev);
    }
    libxl__xs_rm(ctx->xs, 0, fe);
    libxl__xs_rm(ctx->xs, 0, be);
    return stored_disks_update(ctx, domid, NULL, devid);
}

int libxl_device_disk_remove(libxl_ctx *ctx, uint32_t domid, libxl_device_disk *disk,
                             const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, disk_unplug(ctx, domid, disk, true));
}

int libxl_device_disk_destroy(libxl_ctx *ctx, uint32_t domid, libxl_device_disk *disk,
                              const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, disk_unplug(ctx, domid, disk, false));
}

int libxl_vdev_to_device_disk(libxl_ctx *ctx, uint32_t domid, const char *vdev,
                              libxl_device_disk *disk)
{
    int devid = libxl__disk_devid(vdev), n, rc = ERROR_NOTFOUND;
    libxl_device_disk *list;

    if (devid < 0)
        return ERROR_INVAL;
    list = libxl_device_disk_list(ctx, domid, &n);
    for (int i = 0; i < n && rc; i++)
        if (libxl__disk_devid(list[i].vdev) == devid) {
            libxl_device_disk_init(disk);
            rc = libxl_device_disk_copy(ctx, disk, &list[i]);
        }
    libxl_device_disk_list_free(list, n);
    return rc;
}
