/*
 * gnttab.c: grant table set-up (see gnttab.h), the toolstack's
 * HYPERVISOR_grant_table_op sub-ops (setup_table, query_size, get_version,
 * set_version), and granted frames looked up for the daemon's backends.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "gnttab.h"
#include "xenhv/pv_machine.h"
#include "hypercall.h"

#define DEFAULT_MAX_GRANT_FRAMES 64
#define INITIAL_GRANT_FRAMES     1

int gnttab_init(struct domain *d, int max_frames, unsigned max_version)
{
    struct gnttab *gt = &d->gnttab;

    memset(gt, 0, sizeof(*gt));
    if (max_frames < 0) /* as Xen: negative means the default */
        max_frames = DEFAULT_MAX_GRANT_FRAMES;
    if (max_frames < INITIAL_GRANT_FRAMES || max_frames > GUEST_MAX_GRANT_FRAMES)
        return -EINVAL;
    gt->max_frames = (unsigned)max_frames;
    gt->max_version = max_version ? max_version : 1;
    gt->version = 1;
    return gnttab_grow(d, INITIAL_GRANT_FRAMES);
}

int gnttab_grow(struct domain *d, unsigned nr)
{
    struct gnttab *gt = &d->gnttab;

    if (nr > gt->max_frames)
        return -EINVAL;
    while (gt->nr_frames < nr) {
        int rc = guest_ram_special(&d->ram, GUEST_SPECIAL_GRANT_FIRST + gt->nr_frames,
                                   &gt->frames[gt->nr_frames]);
        if (rc)
            return rc;
        gt->nr_frames++;
    }
    return 0;
}

/* Entry sizes: v1 {flags, domid, frame32}; v2 {flags, domid, pad, frame64}. */
#define GRANT_V1_SIZE 8
#define GRANT_V2_SIZE 16

int gnttab_granted_frame(struct domain *d, uint32_t ref, uint16_t grantee, bool write,
                         uint64_t *gfn)
{
    const struct gnttab *gt = &d->gnttab;
    size_t size = gt->version == 2 ? GRANT_V2_SIZE : GRANT_V1_SIZE;
    size_t per_frame = GUEST_PAGE_SIZE / size;
    uint8_t e[GRANT_V2_SIZE];
    uint16_t flags, domid;
    uint64_t frame;

    if (ref / per_frame >= gt->nr_frames)
        return -EINVAL;
    if (pread(d->ram.memfd, e, size,
              (off_t)(gt->frames[ref / per_frame] * GUEST_PAGE_SIZE + (ref % per_frame) * size)) !=
        (ssize_t)size)
        return -EINVAL;
    memcpy(&flags, e, 2);
    memcpy(&domid, e + 2, 2);
    if (gt->version == 2) {
        memcpy(&frame, e + 8, 8);
    } else {
        uint32_t f32;
        memcpy(&f32, e + 4, 4);
        frame = f32;
    }
    /* Whole frames only: transitive and v2 sub-page grants are refused. */
    if ((flags & GTF_type_mask) != GTF_permit_access || (flags & GTF_sub_page) ||
        domid != grantee || (write && (flags & GTF_readonly)))
        return -EACCES;
    if (d->pv && pv_machine) /* a PV guest names a machine frame */
        frame = pv_machine->mfn_to_gfn(d, frame);
    if (frame >= GUEST_RAM_FRAMES || !guest_ram_populated(&d->ram, frame))
        return -EACCES;
    *gfn = frame;
    return 0;
}

/* Sub-ops take an array of count structures; these handle one. */
struct gnttab_op_row {
    const char *name;
    size_t size;
    unsigned callers;
    int (*fn)(struct hc_caller *c, void *arg, uint64_t arg_addr);
};

static int op_setup_table(struct hc_caller *c, void *arg, uint64_t addr)
{
    struct gnttab_setup_table *op = arg;
    struct domain *d = hc_domain(c, op->dom);
    int rc;

    op->status = GNTST_okay;
    if (!d) {
        op->status = GNTST_bad_domain;
        return 0;
    }
    if (hc_may_control(c, d)) {
        op->status = GNTST_permission_denied;
        return 0;
    }
    if (op->nr_frames > d->gnttab.max_frames || gnttab_grow(d, op->nr_frames)) {
        op->status = GNTST_general_error;
        return 0;
    }
    for (unsigned i = 0; i < op->nr_frames; i++) {
        xen_pfn_t f = d->gnttab.frames[i];
        if (d->pv && pv_machine) /* a PV guest maps machine frames */
            f = pv_machine->gfn_to_mfn(d, f);
        uint32_t f32 = (uint32_t)f; /* 32-bit guests: 32-bit xen_pfn_t */
        uint64_t at = (uint64_t)(uintptr_t)op->frame_list.p;
        rc = c->compat ? c->copy_to(c, at + i * sizeof(f32), &f32, sizeof(f32))
                       : c->copy_to(c, at + i * sizeof(f), &f, sizeof(f));
        if (rc)
            return rc;
    }
    return 0;
}

static int op_query_size(struct hc_caller *c, void *arg, uint64_t addr)
{
    struct gnttab_query_size *op = arg;
    struct domain *d = hc_domain(c, op->dom);

    if (!d || hc_may_control(c, d)) {
        op->status = d ? GNTST_permission_denied : GNTST_bad_domain;
        return 0;
    }
    op->nr_frames = d->gnttab.nr_frames;
    op->max_nr_frames = d->gnttab.max_frames;
    op->status = GNTST_okay;
    return 0;
}

static int op_get_version(struct hc_caller *c, void *arg, uint64_t addr)
{
    struct gnttab_get_version *op = arg;
    struct domain *d = hc_domain(c, op->dom);

    if (!d)
        return -ESRCH;
    if (hc_may_control(c, d))
        return -EPERM;
    op->version = d->gnttab.version;
    return 0;
}

static int op_set_version(struct hc_caller *c, void *arg, uint64_t addr)
{
    struct gnttab_set_version *op = arg;
    struct gnttab *gt = &c->d->gnttab;

    if (op->version != 1 && op->version != 2)
        return -EINVAL;
    if (op->version > gt->max_version)
        return -EACCES;
    gt->version = op->version;
    return 0;
}

static const struct gnttab_op_row gnttab_ops[] = {
    [GNTTABOP_setup_table] = {"setup_table", sizeof(struct gnttab_setup_table), CALLERS_ALL,
                              op_setup_table},
    [GNTTABOP_query_size] = {"query_size", sizeof(struct gnttab_query_size), CALLERS_ALL,
                             op_query_size},
    [GNTTABOP_set_version] = {"set_version", sizeof(struct gnttab_set_version), CALLERS_GUESTS,
                              op_set_version},
    [GNTTABOP_get_version] = {"get_version", sizeof(struct gnttab_get_version), CALLERS_ALL,
                              op_get_version},
};

#define GNTTAB_MAX_COUNT 512

long do_grant_table_op(struct hc_caller *c, const uint64_t args[5])
{
    const struct gnttab_op_row *row;
    uint64_t count = args[2];
    uint8_t buf[64];

    if (args[0] >= sizeof(gnttab_ops) / sizeof(gnttab_ops[0]))
        return -ENOSYS;
    row = &gnttab_ops[args[0]];
    if (!row->fn || !(row->callers & (1u << c->kind)))
        return -ENOSYS;
    if (count > GNTTAB_MAX_COUNT)
        return -EINVAL;
    /* 32-bit guests: setup_table's handle is 32 bits (16-byte struct). */
    bool compat_setup = c->compat && args[0] == GNTTABOP_setup_table;
    size_t size = compat_setup ? 16 : row->size;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t addr = args[1] + i * size;
        int rc;

        memset(buf, 0, sizeof(buf));
        rc = c->copy_from(c, addr, buf, size);
        if (!rc && compat_setup) {
            struct gnttab_setup_table *op = (void *)buf;
            uint32_t h;
            memcpy(&h, buf + 12, sizeof(h));
            op->frame_list.p = (xen_pfn_t *)(uintptr_t)h;
        }
        if (!rc)
            rc = row->fn(c, buf, addr);
        if (!rc && compat_setup) {
            uint32_t h = (uint32_t)(uintptr_t)((struct gnttab_setup_table *)buf)->frame_list.p;
            memcpy(buf + 12, &h, sizeof(h));
        }
        if (!rc)
            rc = c->copy_to(c, addr, buf, size);
        if (rc)
            return rc;
    }
    return 0;
}
