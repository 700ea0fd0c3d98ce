/*
 * libxl_dom_pv.c: building an x86-64 PV domain as Xen's libxenguest lays
 * it out.  From the kernel's virtual base, in order: the kernel (by its
 * Xen notes), the ramdisk, the p2m list, the start_info page, the
 * xenstore and console pages, the initial 4-level page tables (mapping
 * everything from the virtual base up to a 4 MiB boundary past the boot
 * stack; the page-table pages themselves read-only), and one boot-stack
 * page.  The hypercall page is filled as Xen fills a 64-bit PV guest's
 * (32-byte `syscall' stubs).  vCPU 0 starts in long mode at the entry
 * with %rsi = the start_info's virtual address.  Page tables, the p2m,
 * start_info's frames and CR3 hold machine frames, which populate_physmap
 * returns (the builder maps the domain's memory by guest frame, xenhv's
 * foreign mapping).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_dom.h"
#include "libxl_dom_layout.h"
#include "public/xen.h"

static int shared_info_frame(libxl_ctx *ctx, uint32_t domid, uint64_t *frame)
{
    struct xen_domctl_getdomaininfo info;
    int rc = libxl__domain_getinfo(ctx, domid, &info);
    if (!rc)
        *frame = info.shared_info_frame;
    return rc;
}

int libxl__build_pv(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg, libxl__dom_build *st)
{
    libxl_domain_build_info *b = &cfg->b_info;
    uint64_t nr_pages = b->target_memkb >> 2, si_frame = 0;
    struct libxl__pv_layout l;
    libxl__kernel k;
    libxl__guest_mem mem = {0};
    void *ramdisk = NULL;
    uint64_t *mfns = NULL;
    size_t ramdisk_size = 0;
    libxl__elf_err err;
    int rc;

    if (!b->kernel) {
        LOG(ctx, ERROR, "domain %u: a PV domain needs a kernel", domid);
        return ERROR_INVAL;
    }
    rc = libxl__kernel_read(ctx, b->kernel, LIBXL__ELF_MODE_PV, &k);
    if (rc)
        return rc;
    if (k.info.elf_class != 64) {
        LOG(ctx, ERROR, "%s: only 64-bit PV kernels are supported", b->kernel);
        rc = ERROR_INVAL;
        goto out;
    }
    if (b->ramdisk && (rc = libxl__file_read(ctx, b->ramdisk, false, &ramdisk, &ramdisk_size)))
        goto out;
    if (libxl__pv_layout(&k.info, ramdisk_size, nr_pages, &l)) {
        LOG(ctx, ERROR, "domain %u: %llu MiB is too little for the kernel and boot data", domid,
            (unsigned long long)(nr_pages >> 8));
        rc = ERROR_INVAL;
        goto out;
    }
    struct xen_domctl op = {.cmd = XEN_DOMCTL_set_address_size, .domain = (domid_t)domid};
    op.u.address_size.size = 64;
    if (libxl__ctrl_domctl(ctx->ctrl, &op)) {
        LOG(ctx, ERROR, "domain %u: set_address_size 64 failed", domid);
        rc = ERROR_FAIL;
        goto out;
    }
    mfns = malloc(nr_pages * sizeof(*mfns));
    if (!mfns) {
        rc = ERROR_NOMEM;
        goto out;
    }
    rc = libxl__dom_populate_mfns(ctx, domid, 0, nr_pages, mfns);
    if (!rc)
        rc = libxl__guest_mem_map(ctx, domid, nr_pages, &mem);
    if (!rc)
        rc = shared_info_frame(ctx, domid, &si_frame);
    if (rc)
        goto out;

    libxl__elf_dest dest = {.buf = mem.ram, .base = 0, .size = nr_pages << LIBXL__PAGE_SHIFT};
    if (libxl__elf_load(k.elf, k.elf_size, &k.info, &dest, &err)) {
        LOG(ctx, ERROR, "domain %u: loading %s: %s", domid, b->kernel, err.msg);
        rc = ERROR_INVAL;
        goto out;
    }
    if (ramdisk)
        memcpy(mem.ram + (l.ramdisk_pfn << LIBXL__PAGE_SHIFT), ramdisk, ramdisk_size);
    uint64_t *p2m = (uint64_t *)(mem.ram + (l.p2m_pfn << LIBXL__PAGE_SHIFT));
    memcpy(p2m, mfns, nr_pages * sizeof(*mfns));
    memset(mem.ram + (l.start_info_pfn << LIBXL__PAGE_SHIFT), 0, 3 * LIBXL__PAGE_SIZE);
    libxl__pv_page_tables(mem.ram, &l, mfns);
    memset(mem.ram + (l.stack_pfn << LIBXL__PAGE_SHIFT), 0, LIBXL__PAGE_SIZE);
    if (k.info.hypercall_page) {
        uint64_t hpfn = (k.info.hypercall_page - l.vbase) >> LIBXL__PAGE_SHIFT;
        if (hpfn >= nr_pages) {
            rc = ERROR_INVAL;
            goto out;
        }
        libxl__pv_fill_hypercall_page(mem.ram + (hpfn << LIBXL__PAGE_SHIFT));
    }

    st->store_pfn = l.store_pfn;
    st->console_pfn = l.console_pfn;
    rc = libxl__evtchn_alloc_unbound(ctx, domid, 0, &st->store_port);
    if (!rc)
        rc = libxl__evtchn_alloc_unbound(ctx, domid, 0, &st->console_port);
    if (rc)
        goto out;

    start_info_t *si = (start_info_t *)(mem.ram + (l.start_info_pfn << LIBXL__PAGE_SHIFT));
    snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
    si->nr_pages = nr_pages;
    si->shared_info = si_frame << LIBXL__PAGE_SHIFT;
    si->store_mfn = mfns[l.store_pfn];
    si->store_evtchn = st->store_port;
    si->console.domU.mfn = mfns[l.console_pfn];
    si->console.domU.evtchn = st->console_port;
    si->pt_base = libxl__pv_va(&l, l.pt_pfn);
    si->nr_pt_frames = l.pt_pages;
    si->mfn_list = libxl__pv_va(&l, l.p2m_pfn);
    if (ramdisk) {
        si->mod_start = libxl__pv_va(&l, l.ramdisk_pfn);
        si->mod_len = ramdisk_size;
    }
    if (b->cmdline)
        snprintf((char *)si->cmd_line, MAX_GUEST_CMDLINE, "%s", b->cmdline);
    si->first_p2m_pfn = l.p2m_pfn;
    si->nr_p2m_frames = l.p2m_pages;

    struct vcpu_guest_context ctxt;
    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel | VGCF_online;
    ctxt.user_regs.rip = k.info.entry;
    ctxt.user_regs.rsp = libxl__pv_va(&l, l.stack_pfn + 1);
    ctxt.user_regs.rsi = libxl__pv_va(&l, l.start_info_pfn);
    ctxt.user_regs.rflags = 1u << 9;
    ctxt.user_regs.cs = FLAT_KERNEL_CS;
    ctxt.user_regs.ds = ctxt.user_regs.es = ctxt.user_regs.fs = ctxt.user_regs.gs = FLAT_KERNEL_DS;
    ctxt.user_regs.ss = FLAT_KERNEL_SS;
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.kernel_sp = ctxt.user_regs.rsp;
    ctxt.ctrlreg[3] = mfns[l.pt_pfn] << LIBXL__PAGE_SHIFT;
    rc = libxl__set_vcpu_context(ctx, domid, 0, &ctxt);
out:
    libxl__guest_mem_unmap(ctx, &mem);
    free(mfns);
    free(ramdisk);
    libxl__kernel_free(&k);
    return rc;
}
