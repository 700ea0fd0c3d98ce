/*
 * libxl_xs_domain.c: a new domain's xenstore entries, as real libxl
 * writes them (libxl__domain_make, the console device, build_post), in
 * one transaction, then XS_INTRODUCE; and their removal.
 *
 *   /local/domain/N            n0 rN   name, domid, vm, cpu/, memory/,
 *                                      device/, control/ (shutdown and
 *                                      feature-* owned by the guest),
 *                                      data, drivers, feature, attr, error
 *                                      (guest-owned), store/, console/
 *   /vm/UUID                   n0 rN   uuid, name, image/ostype, start_time
 *   /libxl/N                   n0      type (and the stored config)
 *   /local/domain/0/backend/vbd/N       the disks' backends (libxl_disk.c)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "libxl_internal.h"

#define PATHLEN 512

struct xs_node {
    const char *rel; /* under /local/domain/N */
    bool guest_owned;
};

/* The directories libxl__domain_make creates. */
static const struct xs_node domain_nodes[] = {
    {"cpu", false},
    {"memory", false},
    {"device", false},
    {"control", false},
    {"control/shutdown", true},
    {"control/feature-poweroff", true},
    {"control/feature-reboot", true},
    {"control/feature-suspend", true},
    {"control/sysrq", true},
    {"device/suspend/event-channel", true},
    {"data", true},
    {"drivers", true},
    {"feature", true},
    {"attr", true},
    {"error", true},
};

/* A node of the domain's tree: the guest's own, or dom0's and readable
 * by the guest unless no_guest_access. */
static int mknod_perms(libxl__xs *xs, libxl__xs_tx tx, const char *path, uint32_t domid,
                       bool guest_owned, bool no_guest_access)
{
    if (guest_owned)
        return libxl__xs_mknod(xs, tx, path, domid, -1);
    return libxl__xs_mknod(xs, tx, path, 0, no_guest_access ? -1 : (int)domid);
}

static int write_entries(libxl_ctx *ctx, libxl__xs_tx tx, uint32_t domid,
                         const libxl_domain_config *cfg, const libxl__dom_build *st)
{
    libxl__xs *xs = ctx->xs;
    const libxl_domain_build_info *b = &cfg->b_info;
    char dom[64], vm[64], lx[64], p[PATHLEN], uuid[40];
    struct timeval now;
    int rc;

#define W(fmtpath, ...)                                                                            \
    do {                                                                                           \
        snprintf(p, sizeof(p), "%s/%s", dom, fmtpath);                                             \
        rc = libxl__xs_printf(xs, tx, p, __VA_ARGS__);                                             \
        if (rc)                                                                                    \
            return rc;                                                                             \
    } while (0)

    snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(cfg->c_info.uuid));
    snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    snprintf(lx, sizeof(lx), "/libxl/%u", domid);

    if ((rc = mknod_perms(xs, tx, dom, domid, false, false)) ||
        (rc = mknod_perms(xs, tx, vm, domid, false, false)) ||
        (rc = mknod_perms(xs, tx, lx, domid, false, true)))
        return rc;
    for (size_t i = 0; i < sizeof(domain_nodes) / sizeof(domain_nodes[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dom, domain_nodes[i].rel);
        rc = mknod_perms(xs, tx, p, domid, domain_nodes[i].guest_owned, false);
        if (rc)
            return rc;
    }
    W("control/platform-feature-multiprocessor-suspend", "1");
    W("control/platform-feature-xs_reset_watches", "1");
    W("vm", "%s", vm);
    W("name", "%s", cfg->c_info.name);
    W("domid", "%u", domid);
    W("memory/static-max", "%llu", (unsigned long long)b->max_memkb);
    W("memory/target", "%llu", (unsigned long long)b->target_memkb);
    W("memory/videoram", "%llu",
      (unsigned long long)(b->video_memkb == LIBXL_MEMKB_DEFAULT ? 0 : b->video_memkb));
    W("store/port", "%u", st->store_port);
    W("store/ring-ref", "%llu", (unsigned long long)st->store_pfn);
    for (int i = 0; i < b->max_vcpus; i++) {
        char rel[32];
        bool online = !b->avail_vcpus.size || libxl_bitmap_test(&b->avail_vcpus, i);
        snprintf(rel, sizeof(rel), "cpu/%d/availability", i);
        W(rel, "%s", online ? "online" : "offline");
    }
    /* The console frontend (libxl__device_console_add). */
    snprintf(p, sizeof(p), "%s/console", dom);
    if ((rc = mknod_perms(xs, tx, p, domid, false, false)))
        return rc;
    W("console/backend-id", "0");
    W("console/limit", "%d", 1048576);
    W("console/type", "xenconsoled");
    W("console/output", "pty");
    W("console/tty", "%s", "");
    W("console/port", "%u", st->console_port);
    W("console/ring-ref", "%llu", (unsigned long long)st->console_pfn);

    gettimeofday(&now, NULL);
#define WV(rel, ...)                                                                               \
    do {                                                                                           \
        snprintf(p, sizeof(p), "%s/%s", vm, rel);                                                  \
        rc = libxl__xs_printf(xs, tx, p, __VA_ARGS__);                                             \
        if (rc)                                                                                    \
            return rc;                                                                             \
    } while (0)
    WV("uuid", "%s", uuid);
    WV("name", "%s", cfg->c_info.name);
    WV("image/ostype", "%s", cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM ? "hvm" : "linux");
    WV("start_time", "%lu.%02d", (unsigned long)now.tv_sec, (int)(now.tv_usec / 10000));
    snprintf(p, sizeof(p), "%s/type", lx);
    rc = libxl__xs_write(xs, tx, p, libxl_domain_type_to_string(cfg->c_info.type));
    return rc;
#undef W
#undef WV
}

/* Everything in one transaction, the stored configuration included: a
 * creator killed before the commit leaves nothing, and xenhv's reaping
 * of its half-made domain (which touches /local/domain, /vm and /libxl)
 * makes a commit still queued from it fail.  A commit that conflicts
 * with another domain's creation is retried until it goes through, as
 * real libxl does: each conflict means another creation committed. */
int libxl__xs_domain_create(libxl_ctx *ctx, uint32_t domid, const libxl_domain_config *cfg,
                            const libxl__dom_build *st)
{
    char *json = libxl_domain_config_to_json(ctx, (libxl_domain_config *)cfg);
    const char *what = "writing its xenstore entries";
    char dom[64];
    int rc, brc;

    if (!json)
        return ERROR_NOMEM;
    for (;;) {
        libxl__xs_tx tx;
        rc = libxl__xs_transaction_start(ctx->xs, &tx);
        if (rc)
            goto out;
        /* Whatever a reused domid left (not there: ENOENT, fine). */
        snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
        libxl__xs_rm(ctx->xs, tx, dom);
        /* ~70 writes and permission changes in one round trip, not one
         * each (~1-2 ms of xl create). */
        libxl__xs_batch_begin(ctx->xs);
        rc = write_entries(ctx, tx, domid, cfg, st);
        if (!rc)
            rc = libxl__disk_entries(ctx, tx, domid, cfg);
        if (!rc)
            rc = libxl__userdata_write_config(ctx, tx, domid, json);
        brc = libxl__xs_batch_end(ctx->xs);
        if (!rc)
            rc = brc;
        if (rc) {
            libxl__xs_transaction_end(ctx->xs, tx, true);
            goto out;
        }
        rc = libxl__xs_transaction_end(ctx->xs, tx, false);
        if (rc != -EAGAIN)
            break;
    }
    if (rc)
        goto out;
    what = "introducing it to xenstore";
    rc = libxl__xs_introduce(ctx->xs, domid, st->store_pfn, st->store_port);
out:
    free(json);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "domain %u: %s", domid, what);
        return ERROR_FAIL;
    }
    return 0;
}

int libxl__xs_domain_remove(libxl_ctx *ctx, uint32_t domid)
{
    char p[PATHLEN], *vm = NULL;

    snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
    if (!libxl__xs_read(ctx->xs, 0, p, &vm) && !strncmp(vm, "/vm/", 4))
        libxl__xs_rm(ctx->xs, 0, vm);
    free(vm);
    snprintf(p, sizeof(p), "/local/domain/%u", domid);
    libxl__xs_rm(ctx->xs, 0, p);
    snprintf(p, sizeof(p), "/libxl/%u", domid);
    libxl__xs_rm(ctx->xs, 0, p);
    snprintf(p, sizeof(p), "/local/domain/0/backend/vbd/%u", domid);
    libxl__xs_rm(ctx->xs, 0, p);
    return 0;
}
