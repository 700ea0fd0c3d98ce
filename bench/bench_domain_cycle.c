/*
 * bench_domain_cycle.c: whole domain life cycles per second through
 * libxl's control layer: createdomain, max_mem, populate 64 MiB (as 4 KiB
 * extents, as a PV builder does, and as 2 MiB extents, as an HVM builder
 * does), destroydomain.  Baseline, measured in the same run: the memory
 * work alone in this process (memfd_create, allocate 64 MiB, close).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_xenhv.h"
#include "libxl_ctrl.h"
#include "public/memory.h"

#define MIB     64u
#define FRAMES  (MIB * 256u)
#define SECONDS 2.0

static int cycle(libxl__ctrl *ctrl, xen_pfn_t *list, struct xen_memory_reservation *r,
                 unsigned order)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};
    unsigned extents = FRAMES >> order;
    long n;
    int rc;

    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_grant_frames = -1;
    if (order) {
        op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
        op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
    }
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return rc;
    uint32_t domid = op.domain;
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};
    op.u.max_mem.max_memkb = MIB * 1024ULL;
    rc = libxl__ctrl_domctl(ctrl, &op);
    for (unsigned i = 0; i < extents; i++)
        list[i] = (xen_pfn_t)i << order;
    *r = (struct xen_memory_reservation){
        .nr_extents = extents, .extent_order = order, .domid = (domid_t)domid};
    set_xen_guest_handle(r->extent_start, list);
    n = libxl__ctrl_hypercall(ctrl, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                              (uint64_t)(uintptr_t)r, 0, 0, 0);
    if (!rc && n != (long)extents)
        rc = n < 0 ? (int)n : -ENOMEM;
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_destroydomain, .domain = (domid_t)domid};
    int drc = libxl__ctrl_domctl(ctrl, &op);
    return rc ? rc : drc;
}

static double rate(libxl__ctrl *ctrl, xen_pfn_t *list, struct xen_memory_reservation *r,
                   unsigned order)
{
    double t0 = bench_now(), t;
    unsigned n = 0;

    do {
        int rc = cycle(ctrl, list, r, order);
        if (rc) {
            fprintf(stderr, "bench_domain_cycle: %s\n", strerror(-rc));
            return -1;
        }
        n++;
        t = bench_now();
    } while (t - t0 < SECONDS);
    return n / (t - t0);
}

static double baseline_rate(void)
{
    double t0 = bench_now(), t;
    unsigned n = 0;

    do {
        int fd = memfd_create("bench", MFD_CLOEXEC);
        if (fd < 0 || fallocate(fd, 0, 0, (off_t)MIB << 20))
            return -1;
        close(fd);
        n++;
        t = bench_now();
    } while (t - t0 < SECONDS);
    return n / (t - t0);
}

int main(void)
{
    libxl__ctrl *ctrl;
    xen_pfn_t *list;
    struct xen_memory_reservation *r;
    double pv, hvm, base;
    int rc;

    if (bench_xenhv_setup())
        return 1;
    rc = libxl__ctrl_open(&ctrl);
    if (rc) {
        fprintf(stderr, "bench_domain_cycle: cannot open the control interface: %s\n",
                strerror(-rc));
        bench_xenhv_teardown();
        return 1;
    }
    list = libxl__ctrl_buf_alloc(ctrl, FRAMES * sizeof(*list));
    r = libxl__ctrl_buf_alloc(ctrl, sizeof(*r));
    pv = list && r ? rate(ctrl, list, r, 0) : -1;
    hvm = pv > 0 ? rate(ctrl, list, r, 9) : -1;
    libxl__ctrl_close(ctrl);
    bench_xenhv_teardown();
    base = baseline_rate();
    if (pv <= 0 || hvm <= 0 || base <= 0)
        return 1;
    printf("domain cycles (createdomain + populate %u MiB + destroydomain) per second:\n", MIB);
    printf("  4 KiB extents (PV builder):  %8.1f /s\n", pv);
    printf("  2 MiB extents (HVM builder): %8.1f /s\n", hvm);
    printf("  baseline, memfd + allocate %u MiB + close in-process: %8.1f /s\n", MIB, base);
    printf("  ratio 4 KiB cycles/baseline: %.2f; 2 MiB cycles/baseline: %.2f\n", pv / base,
           hvm / base);
    return 0;
}
