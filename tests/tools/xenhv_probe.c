/*
 * xenhv_probe.c: a test driver for the control layer (libxl_ctrl.h): one
 * sub-command per operation, plain output for shell tests to check.
 * Exit status 0 on success, 1 on failure (the error on stderr).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/futex.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "libxl_ctrl.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/arch-x86/hvm/save.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "public/memory.h"
#include "public/version.h"
#include "xenhv/control.h"
#include "xenhv/rundir.h"

#define EMU_FULL_HVM (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)
#define EMU_PVH      XEN_X86_EMU_LAPIC

static libxl__ctrl *ctrl;

static int fail(const char *what, int rc)
{
    fprintf(stderr, "xenhv_probe: %s: %s\n", what, strerror(-rc));
    return 1;
}

static unsigned long num(const char *s)
{
    return strtoul(s, NULL, 0);
}

static int create_domain(libxl__ctrl *c, const char *type, uint32_t emu_override, int use_override,
                         uint32_t *domid)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};
    struct xen_domctl_createdomain *cd = &op.u.createdomain;
    int rc;

    cd->max_vcpus = 1;
    cd->max_evtchn_port = 1023;
    cd->max_grant_frames = 32;
    cd->max_maptrack_frames = 1024;
    cd->grant_opts = XEN_DOMCTL_GRANT_version(1);
    if (!strcmp(type, "hvm")) {
        cd->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
        cd->arch.emulation_flags = EMU_FULL_HVM;
    } else if (!strcmp(type, "pvh")) {
        cd->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
        cd->arch.emulation_flags = EMU_PVH;
    } else if (strcmp(type, "pv")) {
        return -EINVAL;
    }
    if (use_override)
        cd->arch.emulation_flags = emu_override;
    rc = libxl__ctrl_domctl(c, &op);
    if (!rc)
        *domid = op.domain;
    return rc;
}

static int domctl_simple(libxl__ctrl *c, uint32_t cmd, uint32_t domid)
{
    struct xen_domctl op = {.cmd = cmd, .domain = (domid_t)domid};
    return libxl__ctrl_domctl(c, &op);
}

static int getinfo(libxl__ctrl *c, uint32_t domid, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = (domid_t)domid};
    int rc = libxl__ctrl_domctl(c, &op);

    if (rc)
        return rc;
    if (op.domain != domid)
        return -ESRCH;
    *info = op.u.getdomaininfo;
    return 0;
}

static int set_maxmem(libxl__ctrl *c, uint32_t domid, uint64_t kb)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};
    op.u.max_mem.max_memkb = kb;
    return libxl__ctrl_domctl(c, &op);
}

/* populate/decrease count frames from gpfn: extents done or -errno. */
static long reservation(libxl__ctrl *c, unsigned cmd, uint32_t domid, uint64_t gpfn, uint64_t count,
                        unsigned order)
{
    struct xen_memory_reservation *r = libxl__ctrl_buf_alloc(c, sizeof(*r));
    xen_pfn_t *list = libxl__ctrl_buf_alloc(c, count * sizeof(*list));
    long rc;

    if (!r || !list) {
        rc = -ENOMEM;
        goto out;
    }
    for (uint64_t i = 0; i < count; i++)
        list[i] = gpfn + (i << order);
    set_xen_guest_handle(r->extent_start, list);
    r->nr_extents = count;
    r->extent_order = order;
    r->domid = (domid_t)domid;
    rc = libxl__ctrl_hypercall(c, __HYPERVISOR_memory_op, cmd, (uint64_t)(uintptr_t)r, 0, 0, 0);
out:
    libxl__ctrl_buf_free(c, r);
    libxl__ctrl_buf_free(c, list);
    return rc;
}

static long memquery(libxl__ctrl *c, unsigned cmd, uint32_t domid)
{
    domid_t *d = libxl__ctrl_buf_alloc(c, sizeof(*d));
    long rc;

    if (!d)
        return -ENOMEM;
    *d = (domid_t)domid;
    rc = libxl__ctrl_hypercall(c, __HYPERVISOR_memory_op, cmd, (uint64_t)(uintptr_t)d, 0, 0, 0);
    libxl__ctrl_buf_free(c, d);
    return rc;
}

static int cmd_info(int argc, char **argv)
{
    xen_extraversion_t *extra = libxl__ctrl_buf_alloc(ctrl, sizeof(*extra));
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_physinfo};
    long ver = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    long rc;

    if (ver < 0)
        return fail("xen_version", (int)ver);
    rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_xen_version, XENVER_extraversion,
                               (uint64_t)(uintptr_t)extra, 0, 0, 0);
    if (rc < 0)
        return fail("extraversion", (int)rc);
    rc = libxl__ctrl_sysctl(ctrl, &op);
    if (rc)
        return fail("physinfo", (int)rc);
    printf("transport %s\n", libxl__ctrl_transport(ctrl));
    printf("xen_version %ld.%ld%s\n", ver >> 16, ver & 0xffff, *extra);
    printf("nr_cpus %u\n", op.u.physinfo.nr_cpus);
    printf("total_pages %llu\n", (unsigned long long)op.u.physinfo.total_pages);
    printf("capabilities %#x\n", op.u.physinfo.capabilities);
    printf("xenstore %s\n", libxl__ctrl_xenstore_path(ctrl));
    libxl__ctrl_buf_free(ctrl, extra);
    return 0;
}

static int cmd_create(int argc, char **argv)
{
    uint32_t domid;
    int rc;

    if (argc < 2)
        return fail("usage: create pv|hvm|pvh [EMUFLAGS]", -EINVAL);
    rc = create_domain(ctrl, argv[1], argc > 2 ? (uint32_t)num(argv[2]) : 0, argc > 2, &domid);
    if (rc)
        return fail("createdomain", rc);
    printf("%u\n", domid);
    return 0;
}

static int cmd_domctl(int argc, char **argv, uint32_t cmd, const char *name)
{
    int rc;

    if (argc < 2)
        return fail("usage: COMMAND DOMID", -EINVAL);
    rc = domctl_simple(ctrl, cmd, (uint32_t)num(argv[1]));
    return rc ? fail(name, rc) : 0;
}

static int cmd_dominfo(int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    int rc;

    if (argc < 2)
        return fail("usage: dominfo DOMID", -EINVAL);
    rc = getinfo(ctrl, (uint32_t)num(argv[1]), &info);
    if (rc)
        return fail("getdomaininfo", rc);
    printf("domid %u\ntot_pages %llu\nmax_pages %llu\npaused %d\nhvm %d\ndying %d\n"
           "emulation_flags %#x\nshared_info_frame %#llx\n",
           info.domain, (unsigned long long)info.tot_pages, (unsigned long long)info.max_pages,
           !!(info.flags & XEN_DOMINF_paused), !!(info.flags & XEN_DOMINF_hvm_guest),
           !!(info.flags & XEN_DOMINF_dying), info.arch_config.emulation_flags,
           (unsigned long long)info.shared_info_frame);
    return 0;
}

static int list_domains(libxl__ctrl *c, uint32_t *ids, unsigned max, unsigned *n)
{
    struct xen_domctl_getdomaininfo *buf = libxl__ctrl_buf_alloc(c, max * sizeof(*buf));
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_getdomaininfolist};
    int rc;

    if (!buf)
        return -ENOMEM;
    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, buf);
    rc = libxl__ctrl_sysctl(c, &op);
    if (!rc) {
        *n = op.u.getdomaininfolist.num_domains;
        for (unsigned i = 0; i < *n; i++)
            ids[i] = buf[i].domain;
    }
    libxl__ctrl_buf_free(c, buf);
    return rc;
}

static int cmd_list(int argc, char **argv)
{
    uint32_t ids[1024];
    unsigned n;
    int rc = list_domains(ctrl, ids, 1024, &n);

    if (rc)
        return fail("getdomaininfolist", rc);
    for (unsigned i = 0; i < n; i++)
        printf("%u\n", ids[i]);
    return 0;
}

static int cmd_maxmem(int argc, char **argv)
{
    int rc;

    if (argc < 3)
        return fail("usage: maxmem DOMID KB", -EINVAL);
    rc = set_maxmem(ctrl, (uint32_t)num(argv[1]), num(argv[2]));
    return rc ? fail("max_mem", rc) : 0;
}

/* populate|decrease DOMID GPFN COUNT [ORDER]: prints extents done. */
static int cmd_reservation(int argc, char **argv, unsigned cmd)
{
    long rc;

    if (argc < 4)
        return fail("usage: populate|decrease DOMID GPFN COUNT [ORDER]", -EINVAL);
    rc = reservation(ctrl, cmd, (uint32_t)num(argv[1]), num(argv[2]), num(argv[3]),
                     argc > 4 ? (unsigned)num(argv[4]) : 0);
    if (rc < 0)
        return fail("memory_op", (int)rc);
    printf("%ld\n", rc);
    return 0;
}

static int cmd_memquery(int argc, char **argv)
{
    if (argc < 2)
        return fail("usage: memquery DOMID", -EINVAL);
    long cur = memquery(ctrl, XENMEM_current_reservation, (uint32_t)num(argv[1]));
    long max = memquery(ctrl, XENMEM_maximum_reservation, (uint32_t)num(argv[1]));
    long gpfn = memquery(ctrl, XENMEM_maximum_gpfn, (uint32_t)num(argv[1]));
    if (cur < 0)
        return fail("current_reservation", (int)cur);
    printf("current %ld\nmaximum %ld\nmaximum_gpfn %ld\n", cur, max, gpfn);
    return 0;
}

/* map DOMID GPFN: write through one mapping, read through another. */
static int cmd_map(int argc, char **argv)
{
    xen_pfn_t pfn;
    int err = 0;
    char *a, *b;

    if (argc < 3)
        return fail("usage: map DOMID GPFN", -EINVAL);
    pfn = num(argv[2]);
    a = libxl__ctrl_map_foreign(ctrl, (uint32_t)num(argv[1]), PROT_READ | PROT_WRITE, &pfn, &err,
                                1);
    if (!a)
        return fail("map_foreign", -errno);
    if (err) {
        libxl__ctrl_unmap_foreign(ctrl, a, 1);
        return fail("map_foreign frame", err);
    }
    snprintf(a + 100, 64, "hello from the toolstack %lu", (unsigned long)pfn);
    b = libxl__ctrl_map_foreign(ctrl, (uint32_t)num(argv[1]), PROT_READ, &pfn, NULL, 1);
    if (!b)
        return fail("map_foreign again", -errno);
    printf("%s\n", b + 100);
    libxl__ctrl_unmap_foreign(ctrl, a, 1);
    libxl__ctrl_unmap_foreign(ctrl, b, 1);
    return 0;
}

static long evtchn_op(libxl__ctrl *c, unsigned cmd, void *arg, size_t len)
{
    void *buf = libxl__ctrl_buf_alloc(c, len);
    long rc;

    if (!buf)
        return -ENOMEM;
    memcpy(buf, arg, len);
    rc = libxl__ctrl_hypercall(c, __HYPERVISOR_event_channel_op, cmd, (uint64_t)(uintptr_t)buf, 0,
                               0, 0);
    memcpy(arg, buf, len);
    libxl__ctrl_buf_free(c, buf);
    return rc;
}

/* evtchn DOMID: a channel between DOMID and dom0, end to end. */
static int cmd_evtchn(int argc, char **argv)
{
    uint32_t domid;
    struct evtchn_alloc_unbound au = {0};
    struct evtchn_bind_interdomain bi = {0};
    struct evtchn_status st = {0};
    struct evtchn_close cl = {0};
    long rc;

    if (argc < 2)
        return fail("usage: evtchn DOMID", -EINVAL);
    domid = (uint32_t)num(argv[1]);
    au.dom = (domid_t)domid;
    au.remote_dom = 0;
    rc = evtchn_op(ctrl, EVTCHNOP_alloc_unbound, &au, sizeof(au));
    if (rc)
        return fail("alloc_unbound", (int)rc);
    st.dom = (domid_t)domid;
    st.port = au.port;
    rc = evtchn_op(ctrl, EVTCHNOP_status, &st, sizeof(st));
    if (rc)
        return fail("status", (int)rc);
    printf("guest port %u status %u remote %u\n", au.port, st.status, st.u.unbound.dom);
    bi.remote_dom = (domid_t)domid;
    bi.remote_port = au.port;
    rc = evtchn_op(ctrl, EVTCHNOP_bind_interdomain, &bi, sizeof(bi));
    if (rc)
        return fail("bind_interdomain", (int)rc);
    rc = evtchn_op(ctrl, EVTCHNOP_status, &st, sizeof(st));
    if (rc)
        return fail("status", (int)rc);
    printf("bound dom0 port %u; guest port status %u peer %u:%u\n", bi.local_port, st.status,
           st.u.interdomain.dom, st.u.interdomain.port);
    rc = libxl__ctrl_evtchn_notify(ctrl, bi.local_port);
    if (rc)
        return fail("notify", (int)rc);
    printf("notified\n");
    cl.port = bi.local_port;
    rc = evtchn_op(ctrl, EVTCHNOP_close, &cl, sizeof(cl));
    if (rc)
        return fail("close", (int)rc);
    rc = evtchn_op(ctrl, EVTCHNOP_status, &st, sizeof(st));
    printf("after close: guest port status %u\n", st.status);
    rc = libxl__ctrl_evtchn_notify(ctrl, bi.local_port);
    printf("notify closed port: %s\n", rc ? strerror((int)-rc) : "ok");
    return 0;
}

/* create-held TYPE [release]: create a domain held by this connection
 * (as libxl's create does), print its id, wait for stdin to end, then
 * exit (releasing it first with "release"). */
static int cmd_create_held(int argc, char **argv)
{
    uint32_t domid;
    char buf[64];
    int rc;

    if (argc < 2)
        return fail("usage: create-held TYPE [release]", -EINVAL);
    rc = libxl__ctrl_hold_creates(ctrl);
    if (!rc)
        rc = create_domain(ctrl, argv[1], 0, 0, &domid);
    if (rc)
        return fail("create", rc);
    printf("%u\n", domid);
    fflush(stdout);
    while (fgets(buf, sizeof(buf), stdin))
        ;
    if (argc > 2 && !strcmp(argv[2], "release") && (rc = libxl__ctrl_domain_release(ctrl, domid)))
        return fail("release", rc);
    return 0;
}

/* evtchn-bind DOMID: a channel between DOMID and dom0, left open at exit
 * ("guest port P dom0 port Q status S"). */
static int cmd_evtchn_bind(int argc, char **argv)
{
    struct evtchn_alloc_unbound au = {0};
    struct evtchn_bind_interdomain bi = {0};
    struct evtchn_status st = {0};
    long rc;

    if (argc < 2)
        return fail("usage: evtchn-bind DOMID", -EINVAL);
    au.dom = st.dom = bi.remote_dom = (domid_t)num(argv[1]);
    rc = evtchn_op(ctrl, EVTCHNOP_alloc_unbound, &au, sizeof(au));
    if (rc)
        return fail("alloc_unbound", (int)rc);
    bi.remote_port = st.port = au.port;
    rc = evtchn_op(ctrl, EVTCHNOP_bind_interdomain, &bi, sizeof(bi));
    if (!rc)
        rc = evtchn_op(ctrl, EVTCHNOP_status, &st, sizeof(st));
    if (rc)
        return fail("bind_interdomain", (int)rc);
    printf("guest port %u dom0 port %u status %u\n", au.port, bi.local_port, st.status);
    return 0;
}

/* evtchn-status DOMID PORT: the port's EVTCHNSTAT_* number. */
static int cmd_evtchn_status(int argc, char **argv)
{
    struct evtchn_status st = {0};
    long rc;

    if (argc < 3)
        return fail("usage: evtchn-status DOMID PORT", -EINVAL);
    st.dom = (domid_t)num(argv[1]);
    st.port = (evtchn_port_t)num(argv[2]);
    rc = evtchn_op(ctrl, EVTCHNOP_status, &st, sizeof(st));
    if (rc)
        return fail("status", (int)rc);
    printf("%u\n", st.status);
    return 0;
}

/* gnttab DOMID: set up the table, seed an entry through a mapping of its
 * first frame, as a builder seeds the console and xenstore grants. */
static int cmd_gnttab(int argc, char **argv)
{
    struct gnttab_setup_table *gs = libxl__ctrl_buf_alloc(ctrl, sizeof(*gs));
    struct gnttab_query_size *qs = libxl__ctrl_buf_alloc(ctrl, sizeof(*qs));
    xen_pfn_t *frames = libxl__ctrl_buf_alloc(ctrl, 4 * sizeof(*frames));
    grant_entry_v1_t *gt;
    long rc;

    if (argc < 2 || !gs || !qs || !frames)
        return fail("usage: gnttab DOMID", -EINVAL);
    gs->dom = (domid_t)num(argv[1]);
    gs->nr_frames = 4;
    set_xen_guest_handle(gs->frame_list, frames);
    rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                               (uint64_t)(uintptr_t)gs, 1, 0, 0);
    if (rc || gs->status)
        return fail("setup_table", rc ? (int)rc : -EINVAL);
    qs->dom = gs->dom;
    rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_grant_table_op, GNTTABOP_query_size,
                               (uint64_t)(uintptr_t)qs, 1, 0, 0);
    if (rc || qs->status)
        return fail("query_size", rc ? (int)rc : -EINVAL);
    printf("frames %u of %u\n", qs->nr_frames, qs->max_nr_frames);
    gt = libxl__ctrl_map_foreign(ctrl, gs->dom, PROT_READ | PROT_WRITE, frames, NULL, 1);
    if (!gt)
        return fail("map grant frame", -errno);
    gt[GNTTAB_RESERVED_XENSTORE] =
        (grant_entry_v1_t){.flags = GTF_permit_access, .domid = 0, .frame = 0xfeffc};
    libxl__ctrl_unmap_foreign(ctrl, gt, 1);
    gt = libxl__ctrl_map_foreign(ctrl, gs->dom, PROT_READ, frames, NULL, 1);
    if (!gt)
        return fail("map grant frame again", -errno);
    printf("xenstore grant: flags %u domid %u frame %#x\n", gt[GNTTAB_RESERVED_XENSTORE].flags,
           gt[GNTTAB_RESERVED_XENSTORE].domid, gt[GNTTAB_RESERVED_XENSTORE].frame);
    libxl__ctrl_unmap_foreign(ctrl, gt, 1);
    libxl__ctrl_buf_free(ctrl, gs);
    libxl__ctrl_buf_free(ctrl, qs);
    libxl__ctrl_buf_free(ctrl, frames);
    return 0;
}

/* hvmctx DOMID: read the default context, set one with a CPU record,
 * read the CPU record back; malformed contexts are refused. */
static int cmd_hvmctx(int argc, char **argv)
{
    const size_t desc = sizeof(struct hvm_save_descriptor);
    size_t size = desc + sizeof(struct hvm_save_header) + desc + sizeof(struct hvm_hw_cpu) + desc;
    uint8_t *ctx = libxl__ctrl_buf_alloc(ctrl, 65536), *p;
    struct xen_domctl op = {.cmd = XEN_DOMCTL_gethvmcontext};
    struct hvm_save_descriptor d;
    struct hvm_save_header hdr;
    struct hvm_hw_cpu *cpu = (struct hvm_hw_cpu *)(ctx + 32768);
    int rc;

    if (argc < 2 || !ctx)
        return fail("usage: hvmctx DOMID", -EINVAL);
    op.domain = (domid_t)num(argv[1]);
    rc = libxl__ctrl_domctl(ctrl, &op); /* NULL buffer: the size */
    if (rc)
        return fail("gethvmcontext size", rc);
    printf("default size %u\n", op.u.hvmcontext.size);
    op.u.hvmcontext.size = 32768;
    set_xen_guest_handle(op.u.hvmcontext.buffer, ctx);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("gethvmcontext", rc);
    memcpy(&d, ctx, sizeof(d));
    memcpy(&hdr, ctx + desc, sizeof(hdr));
    printf("first record %u magic %#x\n", d.typecode, hdr.magic);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_gethvmcontext_partial, .domain = op.domain};
    op.u.hvmcontext_partial.type = HVM_SAVE_CODE_MTRR;
    op.u.hvmcontext_partial.bufsz = sizeof(struct hvm_hw_mtrr);
    set_xen_guest_handle(op.u.hvmcontext_partial.buffer, ctx + 40000);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("gethvmcontext_partial MTRR", rc);
    printf("mtrr pat %#llx\n",
           (unsigned long long)((struct hvm_hw_mtrr *)(ctx + 40000))->msr_pat_cr);

    /* Header (as read) + a CPU record for vCPU 0 + END. */
    p = ctx + desc + sizeof(hdr);
    memset(cpu, 0, sizeof(*cpu));
    cpu->rip = 0x100000;
    cpu->rbx = 0x5000;
    d = (struct hvm_save_descriptor){.typecode = HVM_SAVE_CODE_CPU, .length = sizeof(*cpu)};
    memcpy(p, &d, sizeof(d));
    memcpy(p + desc, cpu, sizeof(*cpu));
    d = (struct hvm_save_descriptor){.typecode = HVM_SAVE_CODE_END};
    memcpy(p + desc + sizeof(*cpu), &d, sizeof(d));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_sethvmcontext, .domain = op.domain};
    op.u.hvmcontext.size = (uint32_t)size;
    set_xen_guest_handle(op.u.hvmcontext.buffer, ctx);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("sethvmcontext", rc);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_gethvmcontext_partial, .domain = op.domain};
    op.u.hvmcontext_partial.type = HVM_SAVE_CODE_CPU;
    op.u.hvmcontext_partial.bufsz = sizeof(*cpu);
    set_xen_guest_handle(op.u.hvmcontext_partial.buffer, ctx + 40000);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("gethvmcontext_partial CPU", rc);
    cpu = (struct hvm_hw_cpu *)(ctx + 40000);
    printf("cpu rip %#llx rbx %#llx\n", (unsigned long long)cpu->rip, (unsigned long long)cpu->rbx);

    /* A bad magic, then a record running past the end. */
    hdr.magic = 0x12345678;
    memcpy(ctx + desc, &hdr, sizeof(hdr));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_sethvmcontext, .domain = op.domain};
    op.u.hvmcontext.size = (uint32_t)size;
    set_xen_guest_handle(op.u.hvmcontext.buffer, ctx);
    printf("bad magic: %s\n", strerror(-libxl__ctrl_domctl(ctrl, &op)));
    hdr.magic = HVM_FILE_MAGIC;
    memcpy(ctx + desc, &hdr, sizeof(hdr));
    d = (struct hvm_save_descriptor){.typecode = HVM_SAVE_CODE_CPU, .length = 0xfffffff0u};
    memcpy(p, &d, sizeof(d));
    printf("overlong record: %s\n", strerror(-libxl__ctrl_domctl(ctrl, &op)));
    libxl__ctrl_buf_free(ctrl, ctx);
    return 0;
}

/* sched DOMID: the toolstack's per-domain knobs, set and read back:
 * credit2 weight, vCPU 0's hard affinity, TSC mode, paging pool. */
static int cmd_sched(int argc, char **argv)
{
    uint8_t *map = libxl__ctrl_buf_alloc(ctrl, 8);
    struct xen_domctl op = {.cmd = XEN_DOMCTL_scheduler_op};
    domid_t domid;
    int rc;

    if (argc < 2 || !map)
        return fail("usage: sched DOMID", -EINVAL);
    domid = (domid_t)num(argv[1]);
    op.domain = domid;
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit2.weight = 512;
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("scheduler_op putinfo", rc);
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    op.u.scheduler_op.u.credit2.weight = 0;
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("scheduler_op getinfo", rc);
    printf("weight %u cap %u\n", op.u.scheduler_op.u.credit2.weight,
           op.u.scheduler_op.u.credit2.cap);

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_setvcpuaffinity, .domain = domid};
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    map[0] = 0x1;
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, map);
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("setvcpuaffinity", rc);
    map[0] = 0xff;
    op.cmd = XEN_DOMCTL_getvcpuaffinity;
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("getvcpuaffinity", rc);
    printf("hard affinity %#x\n", map[0]);
    map[0] = 0;
    op.cmd = XEN_DOMCTL_setvcpuaffinity;
    printf("empty affinity: %s\n", strerror(-libxl__ctrl_domctl(ctrl, &op)));

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_settscinfo, .domain = domid};
    op.u.tsc_info.tsc_mode = 2;
    rc = libxl__ctrl_domctl(ctrl, &op);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_gettscinfo, .domain = domid};
    rc = rc ? rc : libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("tscinfo", rc);
    printf("tsc_mode %u\n", op.u.tsc_info.tsc_mode);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_set_paging_mempool_size, .domain = domid};
    op.u.paging_mempool.size = 4u << 20;
    rc = libxl__ctrl_domctl(ctrl, &op);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_get_paging_mempool_size, .domain = domid};
    rc = rc ? rc : libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("paging_mempool", rc);
    printf("paging pool %llu\n", (unsigned long long)op.u.paging_mempool.size);
    libxl__ctrl_buf_free(ctrl, map);
    return 0;
}

/* topo: CPUs and NUMA nodes as physinfo's companions report them. */
static int cmd_topo(int argc, char **argv)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_cputopoinfo};
    xen_sysctl_cputopo_t *topo;
    struct xen_sysctl_meminfo *mi;
    uint32_t *dist;
    int rc = libxl__ctrl_sysctl(ctrl, &op);

    if (rc)
        return fail("cputopoinfo size", rc);
    printf("cpus %u\n", op.u.cputopoinfo.num_cpus);
    topo = libxl__ctrl_buf_alloc(ctrl, op.u.cputopoinfo.num_cpus * sizeof(*topo));
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, topo);
    rc = libxl__ctrl_sysctl(ctrl, &op);
    if (rc)
        return fail("cputopoinfo", rc);
    printf("last cpu: core %u socket %u node %u\n", topo[op.u.cputopoinfo.num_cpus - 1].core,
           topo[op.u.cputopoinfo.num_cpus - 1].socket, topo[op.u.cputopoinfo.num_cpus - 1].node);
    op = (struct xen_sysctl){.cmd = XEN_SYSCTL_numainfo};
    mi = libxl__ctrl_buf_alloc(ctrl, sizeof(*mi));
    dist = libxl__ctrl_buf_alloc(ctrl, sizeof(*dist));
    op.u.numainfo.num_nodes = 1;
    set_xen_guest_handle(op.u.numainfo.meminfo, mi);
    set_xen_guest_handle(op.u.numainfo.distance, dist);
    rc = libxl__ctrl_sysctl(ctrl, &op);
    if (rc)
        return fail("numainfo", rc);
    printf("nodes %u distance %u memory %s\n", op.u.numainfo.num_nodes, *dist,
           mi->memsize && mi->memfree <= mi->memsize ? "ok" : "bad");
    libxl__ctrl_buf_free(ctrl, topo);
    libxl__ctrl_buf_free(ctrl, mi);
    libxl__ctrl_buf_free(ctrl, dist);
    return 0;
}

/* hvmparam DOMID INDEX [VALUE] */
static int cmd_hvmparam(int argc, char **argv)
{
    struct xen_hvm_param *p = libxl__ctrl_buf_alloc(ctrl, sizeof(*p));
    long rc;

    if (argc < 3 || !p)
        return fail("usage: hvmparam DOMID INDEX [VALUE]", -EINVAL);
    p->domid = (domid_t)num(argv[1]);
    p->index = (uint32_t)num(argv[2]);
    if (argc > 3) {
        p->value = num(argv[3]);
        rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_hvm_op, HVMOP_set_param,
                                   (uint64_t)(uintptr_t)p, 0, 0, 0);
    } else {
        rc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_hvm_op, HVMOP_get_param,
                                   (uint64_t)(uintptr_t)p, 0, 0, 0);
        if (!rc)
            printf("%llu\n", (unsigned long long)p->value);
    }
    libxl__ctrl_buf_free(ctrl, p);
    return rc ? fail("hvm_op", (int)rc) : 0;
}

/* vcpuctx DOMID: set a context on vCPU 0 and read it back. */
static int cmd_vcpuctx(int argc, char **argv)
{
    struct vcpu_guest_context *ctx = libxl__ctrl_buf_alloc(ctrl, sizeof(*ctx));
    struct xen_domctl op = {.domain = (domid_t)num(argc > 1 ? argv[1] : "0")};
    int rc;

    if (!ctx)
        return fail("buffer", -ENOMEM);
    ctx->user_regs.rip = 0xffffffff81000000UL;
    ctx->user_regs.rsi = 0x1234;
    ctx->flags = VGCF_in_kernel | VGCF_online;
    op.cmd = XEN_DOMCTL_setvcpucontext;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, ctx);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("setvcpucontext", rc);
    memset(ctx, 0, sizeof(*ctx));
    op.cmd = XEN_DOMCTL_getvcpucontext;
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("getvcpucontext", rc);
    printf("rip %#lx rsi %#lx\n", (unsigned long)ctx->user_regs.rip,
           (unsigned long)ctx->user_regs.rsi);
    libxl__ctrl_buf_free(ctrl, ctx);
    return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
    char *buf = libxl__ctrl_buf_alloc(ctrl, 65536);
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole};
    int rc;

    if (!buf)
        return fail("buffer", -ENOMEM);
    op.u.readconsole.count = 65536;
    set_xen_guest_handle(op.u.readconsole.buffer, buf);
    rc = libxl__ctrl_sysctl(ctrl, &op);
    if (rc)
        return fail("readconsole", rc);
    fwrite(buf, 1, op.u.readconsole.count, stdout);
    libxl__ctrl_buf_free(ctrl, buf);
    return 0;
}

/* hostile: bad arguments of every kind get errors; the daemon lives. */
static int hostile_failures;

static void expect_error(const char *name, long rc)
{
    if (rc >= 0) {
        printf("UNEXPECTED SUCCESS %s: %ld\n", name, rc);
        hostile_failures++;
    } else {
        printf("%s: %s\n", name, strerror((int)-rc));
    }
}

static void expect_short(const char *name, long rc, long want)
{
    if (rc >= want) {
        printf("UNEXPECTED SUCCESS %s: %ld of %ld\n", name, rc, want);
        hostile_failures++;
    } else {
        printf("%s: %ld of %ld done\n", name, rc, want);
    }
}

static int raw_connect(void);

static int cmd_hostile(int argc, char **argv)
{
    uint8_t *end = NULL;
    struct xen_domctl op;
    uint32_t pv, hvm;
    int rc;

    rc = create_domain(ctrl, "pv", 0, 0, &pv);
    if (!rc)
        rc = create_domain(ctrl, "hvm", 0, 0, &hvm);
    if (rc)
        return fail("createdomain", rc);
    set_maxmem(ctrl, pv, 64);

    /* Wild, straddling and NULL pointers. */
    expect_error("domctl wild pointer",
                 libxl__ctrl_hypercall(ctrl, __HYPERVISOR_domctl, 0x1000, 0, 0, 0, 0));
    expect_error("domctl NULL", libxl__ctrl_hypercall(ctrl, __HYPERVISOR_domctl, 0, 0, 0, 0, 0));
    expect_error("domctl kernel address", libxl__ctrl_hypercall(ctrl, __HYPERVISOR_domctl,
                                                                0xffffffff80000000ULL, 0, 0, 0, 0));
    end = ctrl->region + ctrl->region_size - 16;
    expect_error(
        "domctl straddling the region's end",
        libxl__ctrl_hypercall(ctrl, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)end, 0, 0, 0, 0));
    expect_error("sysctl ~0 pointer",
                 libxl__ctrl_hypercall(ctrl, __HYPERVISOR_sysctl, ~0ULL, 0, 0, 0, 0));
    expect_error("unknown hypercall 999", libxl__ctrl_hypercall(ctrl, 999, 0, 0, 0, 0, 0));
    expect_error("unknown hypercall 63", libxl__ctrl_hypercall(ctrl, 63, 0, 0, 0, 0, 0));
    expect_error("guest-only hypercall (sched_op) from the toolstack",
                 libxl__ctrl_hypercall(ctrl, __HYPERVISOR_sched_op, 0, 0, 0, 0, 0));

    /* Bad versions, commands and domains. */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo};
    {
        struct xen_domctl *b = libxl__ctrl_buf_alloc(ctrl, sizeof(*b));
        *b = op;
        b->interface_version = 0x10;
        expect_error(
            "domctl old interface version",
            libxl__ctrl_hypercall(ctrl, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)b, 0, 0, 0, 0));
        libxl__ctrl_buf_free(ctrl, b);
    }
    op = (struct xen_domctl){.cmd = 9999};
    expect_error("domctl unknown command", libxl__ctrl_domctl(ctrl, &op));
    expect_error("pause unknown domain", domctl_simple(ctrl, XEN_DOMCTL_pausedomain, 4242));
    expect_error("destroy unknown domain", domctl_simple(ctrl, XEN_DOMCTL_destroydomain, 4242));
    expect_error("destroy reserved domid", domctl_simple(ctrl, XEN_DOMCTL_destroydomain, 0x7ff5));
    expect_error("destroy dom0", domctl_simple(ctrl, XEN_DOMCTL_destroydomain, 0));
    expect_error("unpause a domain not paused",
                 (domctl_simple(ctrl, XEN_DOMCTL_unpausedomain, pv),
                  domctl_simple(ctrl, XEN_DOMCTL_unpausedomain, pv)));
    domctl_simple(ctrl, XEN_DOMCTL_pausedomain, pv);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_max_vcpus, .domain = (domid_t)pv};
    op.u.max_vcpus.max = 100000;
    expect_error("max_vcpus 100000", libxl__ctrl_domctl(ctrl, &op));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_setvcpucontext, .domain = (domid_t)pv};
    op.u.vcpucontext.vcpu = 1000;
    op.u.vcpucontext.ctxt.q = (uint64_t)(uintptr_t)ctrl->region;
    expect_error("setvcpucontext vcpu 1000", libxl__ctrl_domctl(ctrl, &op));
    op.u.vcpucontext.vcpu = 0;
    op.u.vcpucontext.ctxt.q = 0xdead0000;
    expect_error("setvcpucontext wild context", libxl__ctrl_domctl(ctrl, &op));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_sethvmcontext, .domain = (domid_t)hvm};
    op.u.hvmcontext.size = 0x80000000u;
    op.u.hvmcontext.buffer.q = (uint64_t)(uintptr_t)ctrl->region;
    expect_error("sethvmcontext 2 GiB", libxl__ctrl_domctl(ctrl, &op));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)pv};
    op.u.max_mem.max_memkb = ~0ULL;
    expect_error("max_mem ~0", libxl__ctrl_domctl(ctrl, &op));

    /* Emulation flags outside the two accepted HVM sets, and for PV. */
    expect_error(
        "HVM with LAPIC+PIT",
        create_domain(ctrl, "hvm", XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIT, 1, &(uint32_t){0}));
    expect_error("HVM with every flag (VPCI too)",
                 create_domain(ctrl, "hvm", XEN_X86_EMU_ALL, 1, &(uint32_t){0}));
    expect_error("HVM with no flags", create_domain(ctrl, "hvm", 0, 1, &(uint32_t){0}));
    expect_error("PV with LAPIC", create_domain(ctrl, "pv", XEN_X86_EMU_LAPIC, 1, &(uint32_t){0}));
    expect_error("HVM with unknown bit 20",
                 create_domain(ctrl, "hvm", (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI) | (1u << 20), 1,
                               &(uint32_t){0}));

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain};
    op.u.createdomain.max_grant_frames = -1;
    expect_error("createdomain with no vCPUs", libxl__ctrl_domctl(ctrl, &op));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain, .domain = 0x7ff0};
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_grant_frames = -1;
    expect_error("createdomain with a reserved domid", libxl__ctrl_domctl(ctrl, &op));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain, .domain = (domid_t)pv};
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_grant_frames = -1;
    expect_error("createdomain with a domid in use", libxl__ctrl_domctl(ctrl, &op));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain};
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_grant_frames = 0;
    expect_error("createdomain with 0 grant frames", libxl__ctrl_domctl(ctrl, &op));
    op.u.createdomain.max_grant_frames = 1000;
    expect_error("createdomain with 1000 grant frames", libxl__ctrl_domctl(ctrl, &op));

    /* Memory: out-of-range frames, huge orders, oversized counts. */
    expect_short("populate frame 2^40",
                 reservation(ctrl, XENMEM_populate_physmap, pv, 1ULL << 40, 1, 0), 1);
    expect_short("populate order 30", reservation(ctrl, XENMEM_populate_physmap, pv, 0, 1, 30), 1);
    expect_short("populate past max_mem (64 KiB = 16 frames)",
                 reservation(ctrl, XENMEM_populate_physmap, pv, 0, 32, 0), 32);
    expect_short("decrease frames never populated",
                 reservation(ctrl, XENMEM_decrease_reservation, pv, 1000, 4, 0), 4);
    {
        struct xen_memory_reservation *r = libxl__ctrl_buf_alloc(ctrl, sizeof(*r));
        r->extent_start.p = (xen_pfn_t *)(ctrl->region + ctrl->region_size - 64);
        r->nr_extents = 1ULL << 40;
        r->domid = (domid_t)pv;
        set_maxmem(ctrl, pv, 1ULL << 30);
        expect_short("populate 2^40 extents from the region's end",
                     libxl__ctrl_hypercall(ctrl, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                                           (uint64_t)(uintptr_t)r, 0, 0, 0),
                     1L << 40);
        r->domid = 4242;
        expect_error("populate unknown domain",
                     libxl__ctrl_hypercall(ctrl, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                                           (uint64_t)(uintptr_t)r, 0, 0, 0));
        libxl__ctrl_buf_free(ctrl, r);
    }
    expect_error("current_reservation unknown domain",
                 memquery(ctrl, XENMEM_current_reservation, 4242));
    expect_error("memory_op unknown sub-op",
                 libxl__ctrl_hypercall(ctrl, __HYPERVISOR_memory_op, 40, 0, 0, 0, 0));

    /* sysctl with oversized counts. */
    {
        struct xen_sysctl sop = {.cmd = XEN_SYSCTL_getdomaininfolist};
        sop.u.getdomaininfolist.max_domains = 1u << 30;
        sop.u.getdomaininfolist.buffer.q =
            (uint64_t)(uintptr_t)(ctrl->region + ctrl->region_size - 8);
        expect_error("getdomaininfolist 2^30 into 8 bytes", libxl__ctrl_sysctl(ctrl, &sop));
        sop = (struct xen_sysctl){.cmd = XEN_SYSCTL_readconsole};
        sop.u.readconsole.count = ~0u;
        sop.u.readconsole.buffer.q = 0x4000;
        expect_error("readconsole 4 GiB to a wild pointer", libxl__ctrl_sysctl(ctrl, &sop));
        sop = (struct xen_sysctl){.cmd = 777};
        expect_error("sysctl unknown command", libxl__ctrl_sysctl(ctrl, &sop));
    }

    /* Event channels and HVM params. */
    {
        struct evtchn_send snd = {.port = 99999};
        struct evtchn_status st = {.dom = (domid_t)pv, .port = 1u << 31};
        struct evtchn_bind_interdomain bi = {.remote_dom = 4242, .remote_port = 1};
        struct evtchn_alloc_unbound au = {.dom = 4242};
        expect_error("evtchn send port 99999", evtchn_op(ctrl, EVTCHNOP_send, &snd, sizeof(snd)));
        expect_error("evtchn status port 2^31", evtchn_op(ctrl, EVTCHNOP_status, &st, sizeof(st)));
        expect_error("evtchn bind to unknown domain",
                     evtchn_op(ctrl, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)));
        expect_error("evtchn alloc in unknown domain",
                     evtchn_op(ctrl, EVTCHNOP_alloc_unbound, &au, sizeof(au)));
        expect_error("evtchn unknown sub-op",
                     libxl__ctrl_hypercall(ctrl, __HYPERVISOR_event_channel_op, 77, 0, 0, 0, 0));
        expect_error("notify port 4000000", libxl__ctrl_evtchn_notify(ctrl, 4000000));
        struct xen_hvm_param *p = libxl__ctrl_buf_alloc(ctrl, sizeof(*p));
        p->domid = (domid_t)pv;
        p->index = HVM_PARAM_STORE_PFN;
        expect_error("hvm param on a PV domain",
                     libxl__ctrl_hypercall(ctrl, __HYPERVISOR_hvm_op, HVMOP_get_param,
                                           (uint64_t)(uintptr_t)p, 0, 0, 0));
        p->domid = (domid_t)hvm;
        p->index = 1000;
        expect_error("hvm param index 1000",
                     libxl__ctrl_hypercall(ctrl, __HYPERVISOR_hvm_op, HVMOP_set_param,
                                           (uint64_t)(uintptr_t)p, 0, 0, 0));
        libxl__ctrl_buf_free(ctrl, p);
    }

    /* Grant tables: too many frames. */
    {
        struct gnttab_setup_table *gs = libxl__ctrl_buf_alloc(ctrl, sizeof(*gs));
        gs->dom = (domid_t)pv;
        gs->nr_frames = 1000;
        gs->frame_list.p = (xen_pfn_t *)(ctrl->region + 4096);
        long grc = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                                         (uint64_t)(uintptr_t)gs, 1, 0, 0);
        expect_error("gnttab setup_table 1000 frames", grc ? grc : gs->status);
        expect_error("gnttab count 2^32",
                     libxl__ctrl_hypercall(ctrl, __HYPERVISOR_grant_table_op, GNTTABOP_query_size,
                                           (uint64_t)(uintptr_t)gs, 1ULL << 32, 0, 0));
        libxl__ctrl_buf_free(ctrl, gs);
    }

    /* Foreign mapping: frames out of range, unknown domain, dom0. */
    {
        xen_pfn_t frames[3] = {1ULL << 50, 12345678, 0};
        int errs[3];
        void *m = libxl__ctrl_map_foreign(ctrl, pv, PROT_READ, frames, errs, 3);
        if (!m) {
            expect_error("map frames out of range", -errno);
        } else {
            expect_error("map frame 2^50", errs[0]);
            expect_error("map frame 12345678", errs[1]);
            libxl__ctrl_unmap_foreign(ctrl, m, 3);
        }
        m = libxl__ctrl_map_foreign(ctrl, 4242, PROT_READ, frames + 2, NULL, 1);
        expect_error("map unknown domain", m ? 0 : -errno);
        m = libxl__ctrl_map_foreign(ctrl, 0, PROT_READ, frames + 2, NULL, 1);
        expect_error("map dom0", m ? 0 : -errno);
    }

    /* The doorbell page scribbled on: a garbage request, a jump of the
     * request counter; each gets an answer, then normal calls work. */
    if (ctrl->doorbell) {
        struct xenhv_doorbell *db = ctrl->doorbell;
        for (int round = 0; round < 2; round++) {
            uint32_t seq = __atomic_load_n(&db->req_seq, __ATOMIC_RELAXED) + (round ? 1000 : 1);
            memset(&db->rq, round ? 0 : 0xff, sizeof(db->rq));
            if (round)
                db->rq = (struct xenhv_request){.type = XENHV_REQ_IOCTL,
                                                .ioctl = IOCTL_PRIVCMD_MMAPBATCH_V2};
            __atomic_store_n(&db->req_seq, seq, __ATOMIC_RELEASE);
            syscall(SYS_futex, &db->req_seq, FUTEX_WAKE, 1, NULL, NULL, 0);
            for (int i = 0; i < 2000 && __atomic_load_n(&db->rsp_seq, __ATOMIC_ACQUIRE) != seq; i++)
                usleep(1000);
            expect_error(round ? "doorbell: mmapbatch (needs the socket)" : "doorbell: garbage",
                         __atomic_load_n(&db->rsp_seq, __ATOMIC_ACQUIRE) == seq ? db->rp.ret : 0);
        }
    }

    /* Raw protocol abuse on a second connection. */
    {
        int fd = raw_connect();
        char junk[7] = "garbage";
        uint8_t big[512];
        if (fd >= 0) {
            if (send(fd, junk, sizeof(junk), 0) < 0 || send(fd, big, sizeof(big), 0) < 0)
                perror("send");
            struct xenhv_request rq = {.type = XENHV_REQ_IOCTL, .ioctl = IOCTL_PRIVCMD_HYPERCALL};
            send(fd, &rq, sizeof(rq), 0);
            rq.type = 12345;
            send(fd, &rq, sizeof(rq), 0);
            rq = (struct xenhv_request){.type = XENHV_REQ_HELLO};
            rq.u.hello.version = 99;
            send(fd, &rq, sizeof(rq), 0);
            close(fd);
            printf("raw protocol abuse: sent\n");
        }
    }

    /* The daemon still answers, and the domains are as they were. */
    struct xen_domctl_getdomaininfo info;
    rc = getinfo(ctrl, pv, &info);
    if (rc)
        return fail("daemon after hostile input", rc);
    printf("daemon alive; domain %u has %llu pages\n", pv, (unsigned long long)info.tot_pages);
    domctl_simple(ctrl, XEN_DOMCTL_destroydomain, pv);
    domctl_simple(ctrl, XEN_DOMCTL_destroydomain, hvm);
    printf("%d unexpected successes\n", hostile_failures);
    return hostile_failures ? 1 : 0;
}

static int raw_connect(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char dir[90];
    int fd;

    if (xenhv_rundir_default(dir, sizeof(dir)))
        return -1;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, XENHV_CONTROL_SOCKET);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* stress CLIENTS ITERATIONS: concurrent create/populate/destroy. */
struct stress_arg {
    unsigned iterations;
    unsigned created, destroyed, errors;
};

static void *stress_thread(void *p)
{
    struct stress_arg *a = p;
    libxl__ctrl *c;

    if (libxl__ctrl_open(&c)) {
        a->errors++;
        return NULL;
    }
    for (unsigned i = 0; i < a->iterations; i++) {
        struct xen_domctl_getdomaininfo info;
        uint32_t domid;
        if (create_domain(c, i % 2 ? "pvh" : "pv", 0, 0, &domid)) {
            a->errors++;
            continue;
        }
        a->created++;
        if (set_maxmem(c, domid, 64) ||
            reservation(c, XENMEM_populate_physmap, domid, 0, 16, 0) != 16 ||
            getinfo(c, domid, &info) || info.tot_pages != 16)
            a->errors++;
        if (domctl_simple(c, XEN_DOMCTL_destroydomain, domid))
            a->errors++;
        else
            a->destroyed++;
    }
    libxl__ctrl_close(c);
    return NULL;
}

static int cmd_stress(int argc, char **argv)
{
    unsigned clients = argc > 1 ? (unsigned)num(argv[1]) : 20;
    unsigned iterations = argc > 2 ? (unsigned)num(argv[2]) : 20;
    pthread_t th[256];
    struct stress_arg args[256];
    unsigned created = 0, destroyed = 0, errors = 0, before, after;
    uint32_t ids[1024];

    if (clients > 256)
        clients = 256;
    if (list_domains(ctrl, ids, 1024, &before))
        return fail("list", -EIO);
    for (unsigned i = 0; i < clients; i++) {
        args[i] = (struct stress_arg){.iterations = iterations};
        pthread_create(&th[i], NULL, stress_thread, &args[i]);
    }
    for (unsigned i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        created += args[i].created;
        destroyed += args[i].destroyed;
        errors += args[i].errors;
    }
    if (list_domains(ctrl, ids, 1024, &after))
        return fail("list", -EIO);
    printf("clients %u created %u destroyed %u errors %u domains before %u after %u\n", clients,
           created, destroyed, errors, before, after);
    return errors || created != clients * iterations || destroyed != created || before != after;
}

/* cycles N [PAGES]: create, populate, destroy N times. */
static int cmd_cycles(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)num(argv[1]) : 1000;
    unsigned pages = argc > 2 ? (unsigned)num(argv[2]) : 64;

    for (unsigned i = 0; i < n; i++) {
        uint32_t domid;
        int rc = create_domain(ctrl, i % 3 == 0 ? "hvm" : i % 3 == 1 ? "pvh" : "pv", 0, 0, &domid);
        if (rc)
            return fail("createdomain", rc);
        if (set_maxmem(ctrl, domid, pages * 4ULL) ||
            reservation(ctrl, XENMEM_populate_physmap, domid, 0, pages, 0) != pages)
            return fail("populate", -ENOMEM);
        rc = domctl_simple(ctrl, XEN_DOMCTL_destroydomain, domid);
        if (rc)
            return fail("destroydomain", rc);
    }
    printf("%u cycles\n", n);
    return 0;
}

struct probe_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
};

static int cmd_destroy(int argc, char **argv)
{
    return cmd_domctl(argc, argv, XEN_DOMCTL_destroydomain, "destroydomain");
}
static int cmd_pause(int argc, char **argv)
{
    return cmd_domctl(argc, argv, XEN_DOMCTL_pausedomain, "pausedomain");
}
static int cmd_unpause(int argc, char **argv)
{
    return cmd_domctl(argc, argv, XEN_DOMCTL_unpausedomain, "unpausedomain");
}
static int cmd_populate(int argc, char **argv)
{
    return cmd_reservation(argc, argv, XENMEM_populate_physmap);
}
static int cmd_decrease(int argc, char **argv)
{
    return cmd_reservation(argc, argv, XENMEM_decrease_reservation);
}

static const struct probe_cmd probe_cmds[] = {
    {"info", cmd_info},
    {"create", cmd_create},
    {"destroy", cmd_destroy},
    {"pause", cmd_pause},
    {"unpause", cmd_unpause},
    {"dominfo", cmd_dominfo},
    {"list", cmd_list},
    {"maxmem", cmd_maxmem},
    {"populate", cmd_populate},
    {"decrease", cmd_decrease},
    {"memquery", cmd_memquery},
    {"map", cmd_map},
    {"evtchn", cmd_evtchn},
    {"hvmparam", cmd_hvmparam},
    {"vcpuctx", cmd_vcpuctx},
    {"evtchn-bind", cmd_evtchn_bind},
    {"create-held", cmd_create_held},
    {"evtchn-status", cmd_evtchn_status},
    {"dmesg", cmd_dmesg},
    {"hostile", cmd_hostile},
    {"stress", cmd_stress},
    {"cycles", cmd_cycles},
    {"gnttab", cmd_gnttab},
    {"hvmctx", cmd_hvmctx},
    {"sched", cmd_sched},
    {"topo", cmd_topo},
};

int main(int argc, char **argv)
{
    int rc;

    if (argc < 2) {
        fprintf(stderr, "usage: xenhv_probe COMMAND [ARGS]\n");
        return 2;
    }
    rc = libxl__ctrl_open(&ctrl);
    if (rc)
        return fail("opening the control interface", rc);
    for (size_t i = 0; i < sizeof(probe_cmds) / sizeof(probe_cmds[0]); i++) {
        if (!strcmp(argv[1], probe_cmds[i].name)) {
            rc = probe_cmds[i].fn(argc - 1, argv + 1);
            libxl__ctrl_close(ctrl);
            return rc;
        }
    }
    fprintf(stderr, "xenhv_probe: unknown command %s\n", argv[1]);
    libxl__ctrl_close(ctrl);
    return 2;
}
