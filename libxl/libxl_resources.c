/*
 * libxl_resources.c: a running domain's memory and vCPUs: max_mem, the
 * balloon target in memory/target, vCPU lists and affinities, vCPUs online
 * through cpu/N/availability (as libxl does for PV-aware guests).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_internal.h"

int libxl_domain_setmaxmem(libxl_ctx *ctx, uint32_t domid, uint64_t max_memkb)
{
    char path[96];
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)) || (rc = libxl_domain_info(ctx, NULL, domid)))
        return rc;
    struct xen_domctl op = {.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};
    op.u.max_mem.max_memkb = max_memkb + LIBXL__MAXMEM_CONSTANT;
    rc = libxl__ctrl_domctl(ctx->ctrl, &op);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "domain %u: max_mem", domid);
        return ERROR_FAIL;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
    libxl__xs_printf(ctx->xs, 0, path, "%llu", (unsigned long long)max_memkb);
    return 0;
}

int libxl_get_memory_target(libxl_ctx *ctx, uint32_t domid, uint64_t *out_target)
{
    char path[96], *v = NULL;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
    if (libxl__xs_read(ctx->xs, 0, path, &v))
        return ERROR_FAIL;
    *out_target = strtoull(v, NULL, 10);
    free(v);
    return 0;
}

int libxl_set_memory_target(libxl_ctx *ctx, uint32_t domid, int64_t target_memkb, int relative,
                            int enforce)
{
    char path[96], *v = NULL;
    uint64_t cur = 0, max = 0;
    int64_t target;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)) || (rc = libxl_domain_info(ctx, NULL, domid)))
        return rc;
    libxl_get_memory_target(ctx, domid, &cur);
    target = relative ? (int64_t)cur + target_memkb : target_memkb;
    snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
    if (!libxl__xs_read(ctx->xs, 0, path, &v)) {
        max = strtoull(v, NULL, 10);
        free(v);
    }
    if (target < 0) {
        LOG(ctx, ERROR, "memory target %lld kB is negative", (long long)target);
        return ERROR_INVAL;
    }
    if (max && (uint64_t)target > max) {
        LOG(ctx, ERROR, "memory_dynamic_max must be less than or equal to memory_static_max");
        return ERROR_INVAL;
    }
    if (enforce) {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};
        op.u.max_mem.max_memkb = (uint64_t)target + LIBXL__MAXMEM_CONSTANT;
        if (libxl__ctrl_domctl(ctx->ctrl, &op))
            return ERROR_FAIL;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
    return libxl__xs_printf(ctx->xs, 0, path, "%lld", (long long)target) ? ERROR_FAIL : 0;
}

/*
 * XEN_DOMCTL_{set,get}vcpuaffinity for one vCPU.  set: hard and soft are
 * written where non-NULL (NULL: left alone), get: both are read into
 * bitmaps of nr_cpus bits.  The maps go through the control buffer.
 */
static int vcpu_affinity_op(libxl_ctx *ctx, uint32_t domid, uint32_t vcpuid, bool set,
                            libxl_bitmap *hard, libxl_bitmap *soft, int nr_cpus)
{
    struct xen_domctl op = {.cmd = set ? XEN_DOMCTL_setvcpuaffinity : XEN_DOMCTL_getvcpuaffinity,
                            .domain = (domid_t)domid};
    struct xen_domctl_vcpuaffinity *a = &op.u.vcpuaffinity;
    uint32_t bytes = (uint32_t)(nr_cpus + 7) / 8;
    uint8_t *buf;
    int rc;

    if (set && hard && hard->size > bytes)
        bytes = hard->size;
    if (set && soft && soft->size > bytes)
        bytes = soft->size;
    buf = libxl__ctrl_buf_alloc(ctx->ctrl, 2 * (size_t)bytes);
    if (!buf)
        return ERROR_NOMEM;
    memset(buf, 0, 2 * (size_t)bytes);
    a->vcpu = vcpuid;
    a->flags =
        (!set || hard ? XEN_VCPUAFFINITY_HARD : 0) | (!set || soft ? XEN_VCPUAFFINITY_SOFT : 0);
    set_xen_guest_handle(a->cpumap_hard.bitmap, buf);
    set_xen_guest_handle(a->cpumap_soft.bitmap, buf + bytes);
    a->cpumap_hard.nr_bits = a->cpumap_soft.nr_bits = bytes * 8;
    if (set && hard)
        memcpy(buf, hard->map, hard->size);
    if (set && soft)
        memcpy(buf + bytes, soft->map, soft->size);
    rc = libxl__ctrl_domctl(ctx->ctrl, &op);
    if (!rc && !set) {
        memcpy(hard->map, buf, hard->size < bytes ? hard->size : bytes);
        memcpy(soft->map, buf + bytes, soft->size < bytes ? soft->size : bytes);
    }
    libxl__ctrl_buf_free(ctx->ctrl, buf);
    if (rc == -EINVAL)
        return ERROR_INVAL;
    return rc ? ERROR_FAIL : 0;
}

int libxl_set_vcpuaffinity(libxl_ctx *ctx, uint32_t domid, uint32_t vcpuid,
                           const libxl_bitmap *cpumap_hard, const libxl_bitmap *cpumap_soft)
{
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    if (!cpumap_hard && !cpumap_soft)
        return ERROR_INVAL;
    rc = vcpu_affinity_op(ctx, domid, vcpuid, true, (libxl_bitmap *)cpumap_hard,
                          (libxl_bitmap *)cpumap_soft, 0);
    if (rc)
        LOG(ctx, ERROR, "domain %u: setting vcpu %u's affinity failed", domid, vcpuid);
    return rc;
}

int libxl_set_vcpuaffinity_all(libxl_ctx *ctx, uint32_t domid, unsigned int max_vcpus,
                               const libxl_bitmap *cpumap_hard, const libxl_bitmap *cpumap_soft)
{
    int rc = 0;

    for (unsigned int i = 0; i < max_vcpus; i++)
        if (libxl_set_vcpuaffinity(ctx, domid, i, cpumap_hard, cpumap_soft))
            rc = ERROR_FAIL;
    return rc;
}

libxl_vcpuinfo *libxl_list_vcpu(libxl_ctx *ctx, uint32_t domid, int *nb_vcpu, int *nr_cpus_out)
{
    libxl_dominfo info;
    libxl_physinfo phys;
    libxl_vcpuinfo *list;
    int n;

    *nb_vcpu = 0;
    libxl_dominfo_init(&info);
    if (libxl_domain_info(ctx, &info, domid))
        return NULL;
    libxl_physinfo_init(&phys);
    if (libxl_get_physinfo(ctx, &phys))
        return NULL;
    *nr_cpus_out = (int)phys.nr_cpus;
    n = (int)info.vcpu_max_id + 1;
    list = calloc((size_t)n, sizeof(*list));
    if (!list)
        return NULL;
    for (int i = 0; i < n; i++) {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_getvcpuinfo, .domain = (domid_t)domid};
        libxl_vcpuinfo_init(&list[i]);
        op.u.getvcpuinfo.vcpu = (uint32_t)i;
        if (libxl__ctrl_domctl(ctx->ctrl, &op)) {
            if (domid != 0) {
                libxl_vcpuinfo_list_free(list, i + 1);
                return NULL;
            }
            /* xenhv's dom0 is the toolstack itself, with no vCPU state:
             * report its one vCPU as running. */
            op.u.getvcpuinfo.online = 1;
            op.u.getvcpuinfo.running = 1;
        }
        list[i].vcpuid = (uint32_t)i;
        list[i].cpu = op.u.getvcpuinfo.cpu;
        list[i].online = !!op.u.getvcpuinfo.online;
        list[i].blocked = !!op.u.getvcpuinfo.blocked;
        list[i].running = !!op.u.getvcpuinfo.running;
        list[i].vcpu_time = op.u.getvcpuinfo.cpu_time;
        if (libxl_bitmap_alloc(ctx, &list[i].cpumap, (int)phys.nr_cpus) ||
            libxl_bitmap_alloc(ctx, &list[i].cpumap_soft, (int)phys.nr_cpus))
            continue;
        if (domid == 0 || vcpu_affinity_op(ctx, domid, (uint32_t)i, false, &list[i].cpumap,
                                           &list[i].cpumap_soft, (int)phys.nr_cpus)) {
            libxl_bitmap_set_any(&list[i].cpumap); /* dom0: the toolstack, anywhere */
            libxl_bitmap_set_any(&list[i].cpumap_soft);
        }
    }
    *nb_vcpu = n;
    return list;
}

void libxl_vcpuinfo_list_free(libxl_vcpuinfo *list, int nr)
{
    for (int i = 0; i < nr; i++)
        libxl_vcpuinfo_dispose(&list[i]);
    free(list);
}

static int set_vcpuonline(libxl_ctx *ctx, uint32_t domid, libxl_bitmap *cpumap)
{
    libxl_dominfo info;
    char path[96];
    int rc;

    libxl_dominfo_init(&info);
    if ((rc = libxl_domain_info(ctx, &info, domid)))
        return rc;
    for (uint32_t i = 0; i <= info.vcpu_max_id; i++) {
        snprintf(path, sizeof(path), "/local/domain/%u/cpu/%u/availability", domid, i);
        rc = libxl__xs_write(ctx->xs, 0, path,
                             libxl_bitmap_test(cpumap, (int)i) ? "online" : "offline");
        if (rc)
            return ERROR_FAIL;
    }
    return 0;
}

int libxl_set_vcpuonline(libxl_ctx *ctx, uint32_t domid, libxl_bitmap *cpumap,
                         const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, set_vcpuonline(ctx, domid, cpumap));
}
