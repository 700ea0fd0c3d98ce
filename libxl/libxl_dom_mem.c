/*
 * libxl_dom_mem.c: guest memory for the domain builder: populating frames,
 * mapping them through the control layer's foreign mapping (on xenhv the
 * domain's RAM memfd itself, so writes land in the guest with no copy),
 * bounded guest-physical pointers; and the small hypercalls the builders
 * make (HVM params, event channels, vCPU state).  Reading kernel files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libxl_dom.h"
#include "public/event_channel.h"
#include "public/hvm/hvm_op.h"
#include "public/memory.h"

/* Extents per populate hypercall (the buffer region is 4 MiB). */
#define POPULATE_BATCH 32768u

int libxl__dom_populate(libxl_ctx *ctx, uint32_t domid, uint64_t pfn, uint64_t count)
{
    return libxl__dom_populate_mfns(ctx, domid, pfn, count, NULL);
}

int libxl__dom_populate_mfns(libxl_ctx *ctx, uint32_t domid, uint64_t pfn, uint64_t count,
                             uint64_t *mfns)
{
    libxl__ctrl *c = ctx->ctrl;
    struct xen_memory_reservation *r = libxl__ctrl_buf_alloc(c, sizeof(*r));
    xen_pfn_t *list = libxl__ctrl_buf_alloc(c, POPULATE_BATCH * sizeof(*list));
    int rc = 0;

    if (!r || !list) {
        rc = ERROR_NOMEM;
        goto out;
    }
    while (count) {
        uint64_t n = count < POPULATE_BATCH ? count : POPULATE_BATCH;
        for (uint64_t i = 0; i < n; i++)
            list[i] = pfn + i;
        memset(r, 0, sizeof(*r));
        set_xen_guest_handle(r->extent_start, list);
        r->nr_extents = n;
        r->domid = (domid_t)domid;
        long done = libxl__ctrl_hypercall(c, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                                          (uint64_t)(uintptr_t)r, 0, 0, 0);
        if (done < 0 || (uint64_t)done != n) {
            LOG(ctx, ERROR, "domain %u: populating %llu frames at pfn 0x%llx failed (%ld done)",
                domid, (unsigned long long)n, (unsigned long long)pfn, done);
            rc = done == -ENOMEM || done >= 0 ? ERROR_NOMEM : ERROR_FAIL;
            goto out;
        }
        if (mfns) {
            memcpy(mfns, list, n * sizeof(*mfns));
            mfns += n;
        }
        pfn += n;
        count -= n;
    }
out:
    libxl__ctrl_buf_free(c, r);
    libxl__ctrl_buf_free(c, list);
    return rc;
}

void *libxl__dom_map(libxl_ctx *ctx, uint32_t domid, uint64_t pfn, uint64_t count)
{
    xen_pfn_t *arr;
    void *p;

    if (!count || count > UINT32_MAX)
        return NULL;
    arr = malloc(count * sizeof(*arr));
    if (!arr)
        return NULL;
    for (uint64_t i = 0; i < count; i++)
        arr[i] = pfn + i;
    p = libxl__ctrl_map_foreign(ctx->ctrl, domid, PROT_READ | PROT_WRITE, arr, NULL,
                                (unsigned)count);
    if (!p)
        LOGE(ctx, ERROR, errno, "domain %u: mapping %llu frames at pfn 0x%llx", domid,
             (unsigned long long)count, (unsigned long long)pfn);
    free(arr);
    return p;
}

void libxl__dom_unmap(libxl_ctx *ctx, void *addr, uint64_t count)
{
    if (addr)
        libxl__ctrl_unmap_foreign(ctx->ctrl, addr, (unsigned)count);
}

int libxl__guest_mem_map(libxl_ctx *ctx, uint32_t domid, uint64_t nr_pages, libxl__guest_mem *m)
{
    xen_pfn_t *arr;
    int *err;

    m->domid = domid;
    m->nr_pages = nr_pages;
    m->ram = NULL;
    if (!nr_pages || nr_pages > UINT32_MAX)
        return ERROR_INVAL;
    arr = malloc(nr_pages * sizeof(*arr));
    err = calloc(nr_pages, sizeof(*err));
    if (arr && err) {
        for (uint64_t i = 0; i < nr_pages; i++)
            arr[i] = i;
        m->ram = libxl__ctrl_map_foreign(ctx->ctrl, domid, PROT_READ | PROT_WRITE, arr, err,
                                         (unsigned)nr_pages);
        /* Only the hole may have failed. */
        for (uint64_t i = 0; m->ram && i < nr_pages; i++) {
            uint64_t gpa = i << LIBXL__PAGE_SHIFT;
            if (err[i] && !(gpa >= m->hole_start && gpa < m->hole_end)) {
                LOGE(ctx, ERROR, -err[i], "domain %u: mapping frame 0x%llx", domid,
                     (unsigned long long)i);
                libxl__dom_unmap(ctx, m->ram, nr_pages);
                m->ram = NULL;
            }
        }
    }
    if (!m->ram && arr && err)
        LOG(ctx, ERROR, "domain %u: mapping its memory failed", domid);
    free(arr);
    free(err);
    return m->ram ? 0 : ERROR_FAIL;
}

bool libxl__guest_range_ok(const libxl__guest_mem *m, uint64_t gpa, uint64_t len)
{
    uint64_t size = m->nr_pages << LIBXL__PAGE_SHIFT;

    if (gpa > size || len > size - gpa)
        return false;
    return len == 0 || gpa + len <= m->hole_start || gpa >= m->hole_end;
}

void libxl__guest_mem_unmap(libxl_ctx *ctx, libxl__guest_mem *m)
{
    libxl__dom_unmap(ctx, m->ram, m->nr_pages);
    m->ram = NULL;
}

void *libxl__guest_ptr(const libxl__guest_mem *m, uint64_t gpa, uint64_t len)
{
    return libxl__guest_range_ok(m, gpa, len) ? m->ram + gpa : NULL;
}

int libxl__hvm_param_set(libxl_ctx *ctx, uint32_t domid, uint32_t index, uint64_t value)
{
    struct xen_hvm_param *p = libxl__ctrl_buf_alloc(ctx->ctrl, sizeof(*p));
    long rc;

    if (!p)
        return ERROR_NOMEM;
    p->domid = (domid_t)domid;
    p->index = index;
    p->value = value;
    rc = libxl__ctrl_hypercall(ctx->ctrl, __HYPERVISOR_hvm_op, HVMOP_set_param,
                               (uint64_t)(uintptr_t)p, 0, 0, 0);
    libxl__ctrl_buf_free(ctx->ctrl, p);
    if (rc)
        LOGE(ctx, ERROR, (int)-rc, "domain %u: setting HVM param %u", domid, index);
    return rc ? ERROR_FAIL : 0;
}

int libxl__hvm_param_get(libxl_ctx *ctx, uint32_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param *p = libxl__ctrl_buf_alloc(ctx->ctrl, sizeof(*p));
    long rc;

    if (!p)
        return ERROR_NOMEM;
    p->domid = (domid_t)domid;
    p->index = index;
    rc = libxl__ctrl_hypercall(ctx->ctrl, __HYPERVISOR_hvm_op, HVMOP_get_param,
                               (uint64_t)(uintptr_t)p, 0, 0, 0);
    *value = p->value;
    libxl__ctrl_buf_free(ctx->ctrl, p);
    return rc ? ERROR_FAIL : 0;
}

int libxl__evtchn_alloc_unbound(libxl_ctx *ctx, uint32_t domid, uint32_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound *a = libxl__ctrl_buf_alloc(ctx->ctrl, sizeof(*a));
    long rc;

    if (!a)
        return ERROR_NOMEM;
    a->dom = (domid_t)domid;
    a->remote_dom = (domid_t)remote;
    rc = libxl__ctrl_hypercall(ctx->ctrl, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                               (uint64_t)(uintptr_t)a, 0, 0, 0);
    *port = a->port;
    libxl__ctrl_buf_free(ctx->ctrl, a);
    if (rc)
        LOGE(ctx, ERROR, (int)-rc, "domain %u: allocating an event channel", domid);
    return rc ? ERROR_FAIL : 0;
}

int libxl__set_vcpu_context(libxl_ctx *ctx, uint32_t domid, uint32_t vcpu,
                            const struct vcpu_guest_context *c)
{
    struct vcpu_guest_context *buf = libxl__ctrl_buf_alloc(ctx->ctrl, sizeof(*buf));
    struct xen_domctl op = {.cmd = XEN_DOMCTL_setvcpucontext, .domain = (domid_t)domid};
    int rc;

    if (!buf)
        return ERROR_NOMEM;
    *buf = *c;
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, buf);
    rc = libxl__ctrl_domctl(ctx->ctrl, &op);
    libxl__ctrl_buf_free(ctx->ctrl, buf);
    if (rc)
        LOGE(ctx, ERROR, -rc, "domain %u: setvcpucontext", domid);
    return rc ? ERROR_FAIL : 0;
}

int libxl__set_hvm_context(libxl_ctx *ctx, uint32_t domid, const void *blob, uint32_t size)
{
    void *buf = libxl__ctrl_buf_alloc(ctx->ctrl, size);
    struct xen_domctl op = {.cmd = XEN_DOMCTL_sethvmcontext, .domain = (domid_t)domid};
    int rc;

    if (!buf)
        return ERROR_NOMEM;
    memcpy(buf, blob, size);
    op.u.hvmcontext.size = size;
    set_xen_guest_handle(op.u.hvmcontext.buffer, buf);
    rc = libxl__ctrl_domctl(ctx->ctrl, &op);
    libxl__ctrl_buf_free(ctx->ctrl, buf);
    if (rc)
        LOGE(ctx, ERROR, -rc, "domain %u: sethvmcontext", domid);
    return rc ? ERROR_FAIL : 0;
}

/* Files larger than this are refused before reading. */
#define FILE_MAX ((size_t)1 << 30)

int libxl__file_read(libxl_ctx *ctx, const char *path, bool inflate, void **data, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint8_t *buf = NULL;
    size_t got = 0;
    int rc = ERROR_FAIL;

    if (fd < 0) {
        LOGE(ctx, ERROR, errno, "cannot open %s", path);
        return ERROR_INVAL;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_MAX) {
        LOG(ctx, ERROR, "%s: not a regular file of at most 1 GiB", path);
        rc = ERROR_INVAL;
        goto out;
    }
    buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf) {
        rc = ERROR_NOMEM;
        goto out;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            LOGE(ctx, ERROR, n < 0 ? errno : EIO, "reading %s", path);
            goto out;
        }
        got += (size_t)n;
    }
    if (inflate && libxl__gzip_detect(buf, got)) {
        libxl__elf_err err;
        void *out;
        size_t out_size;
        rc = libxl__gzip_inflate(buf, got, LIBXL__INFLATE_DEFAULT_LIMIT, &out, &out_size, &err);
        if (rc) {
            LOG(ctx, ERROR, "%s: %s", path, err.msg);
            goto out;
        }
        free(buf);
        buf = out;
        got = out_size;
    }
    *data = buf;
    *size = got;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    close(fd);
    return rc;
}

int libxl__kernel_read(libxl_ctx *ctx, const char *path, libxl__elf_mode mode, libxl__kernel *k)
{
    size_t size;
    libxl__elf_err err;
    int rc;

    memset(k, 0, sizeof(*k));
    rc = libxl__file_read(ctx, path, false, &k->file, &size);
    if (rc)
        return rc;
    rc = libxl__kernel_unwrap(k->file, size, LIBXL__INFLATE_DEFAULT_LIMIT, &k->elf, &k->elf_size,
                              &k->inflated, &err);
    if (!rc)
        rc = libxl__elf_parse(k->elf, k->elf_size, mode, &k->info, &err);
    if (rc) {
        LOG(ctx, ERROR, "%s: %s", path, err.msg);
        libxl__kernel_free(k);
        return rc == LIBXL__ELF_ERROR_NOMEM ? ERROR_NOMEM : ERROR_INVAL;
    }
    return 0;
}

void libxl__kernel_free(libxl__kernel *k)
{
    free(k->file);
    free(k->inflated);
    k->file = k->inflated = NULL;
}
