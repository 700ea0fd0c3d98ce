/*
 * libxl_dom_pv.c: building an x86-64 PV domain as Xen's libxenguest lays
 * it out.  From the kernel's virtual base, in order: the kernel (by its
 * Xen notes), the ramdisk, the p2m list, the start_info page, the
 * xenstore and console pages, the initial 4-level page tables (mapping
 * everything from the virtual base up to a 4 MiB boundary past the boot
 * stack; the page-table pages themselves read-only), and one boot-stack
 * page.  The hypercall page is filled as Xen fills a 64-bit PV guest's
 * (32-byte `syscall' stubs).  vCPU 0 starts in long mode at the entry
 * with %rsi = the start_info's virtual address.  On xenhv a PV guest's
 * machine frames are its guest frames: the p2m is the identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_dom.h"
#include "public/xen.h"

#define PV_PTE_FLAGS   0x67ull /* present, rw, user, accessed, dirty */
#define PV_PTE_RW      0x02ull
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))

/* Page-table pages needed to map [start, end) with 4 levels. */
static uint64_t count_tables(uint64_t start, uint64_t end, uint64_t *l3, uint64_t *l2, uint64_t *l1)
{
    uint64_t last = end - 1;
    *l3 = (last >> 39) - (start >> 39) + 1;
    *l2 = (last >> 30) - (start >> 30) + 1;
    *l1 = (last >> 21) - (start >> 21) + 1;
    return 1 + *l3 + *l2 + *l1;
}

/* A 64-bit PV guest's hypercall page: one 32-byte stub per hypercall. */
static void fill_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, LIBXL__PAGE_SIZE);
    for (uint32_t i = 0; i < LIBXL__PAGE_SIZE / 32; i++, p += 32) {
        p[0] = 0x51;              /* push %rcx */
        p[1] = 0x41, p[2] = 0x53; /* push %r11 */
        if (i == __HYPERVISOR_iret) {
            p[3] = 0x50; /* push %rax */
            p[4] = 0xb8; /* mov $iret,%eax */
            memcpy(p + 5, &i, 4);
            p[9] = 0x0f, p[10] = 0x05; /* syscall (does not return) */
            continue;
        }
        p[3] = 0xb8; /* mov $i,%eax */
        memcpy(p + 4, &i, 4);
        p[8] = 0x0f, p[9] = 0x05;   /* syscall */
        p[10] = 0x41, p[11] = 0x5b; /* pop %r11 */
        p[12] = 0x59;               /* pop %rcx */
        p[13] = 0xc3;               /* ret */
    }
}

struct pv_layout {
    uint64_t vbase;    /* virtual base: pfn 0 */
    uint64_t nr_pages; /* RAM */
    uint64_t ramdisk_pfn, ramdisk_len;
    uint64_t p2m_pfn, p2m_pages;
    uint64_t start_info_pfn, store_pfn, console_pfn;
    uint64_t pt_pfn, pt_pages;
    uint64_t stack_pfn;
    uint64_t map_end; /* virtual end of the initial mapping */
};

static uint64_t pv_va(const struct pv_layout *l, uint64_t pfn)
{
    return l->vbase + (pfn << LIBXL__PAGE_SHIFT);
}

static int pv_layout(const libxl__elf_info *info, size_t ramdisk_len, uint64_t nr_pages,
                     struct pv_layout *l)
{
    uint64_t next, l3, l2, l1;

    memset(l, 0, sizeof(*l));
    l->vbase = info->virt_base;
    l->nr_pages = nr_pages;
    next = ALIGN_UP(info->phys_end, LIBXL__PAGE_SIZE) >> LIBXL__PAGE_SHIFT;
    if (ramdisk_len) {
        l->ramdisk_pfn = next;
        l->ramdisk_len = ramdisk_len;
        next += ALIGN_UP(ramdisk_len, LIBXL__PAGE_SIZE) >> LIBXL__PAGE_SHIFT;
    }
    l->p2m_pfn = next;
    l->p2m_pages = ALIGN_UP(nr_pages * 8, LIBXL__PAGE_SIZE) >> LIBXL__PAGE_SHIFT;
    next += l->p2m_pages;
    l->start_info_pfn = next++;
    l->store_pfn = next++;
    l->console_pfn = next++;
    l->pt_pfn = next;
    /* The tables map themselves and the stack: grow until stable. */
    for (l->pt_pages = 1;;) {
        uint64_t end = ALIGN_UP(pv_va(l, l->pt_pfn + l->pt_pages + 1) + 512 * 1024, 1u << 22);
        uint64_t need = count_tables(l->vbase, end, &l3, &l2, &l1);
        if (need <= l->pt_pages) {
            l->map_end = end;
            break;
        }
        l->pt_pages = need;
    }
    l->stack_pfn = l->pt_pfn + l->pt_pages;
    if (((l->map_end - l->vbase) >> LIBXL__PAGE_SHIFT) > nr_pages)
        return -1;
    return 0;
}

/* Build the page tables at pt_pfn mapping [vbase, map_end) -> pfn 0... */
static void pv_page_tables(uint8_t *ram, const struct pv_layout *l)
{
    uint64_t l3, l2, l1;
    count_tables(l->vbase, l->map_end, &l3, &l2, &l1);
    uint64_t l4_pfn = l->pt_pfn, l3_pfn = l4_pfn + 1, l2_pfn = l3_pfn + l3, l1_pfn = l2_pfn + l2;
    uint64_t *pt = (uint64_t *)(ram + (l->pt_pfn << LIBXL__PAGE_SHIFT));

    memset(pt, 0, l->pt_pages << LIBXL__PAGE_SHIFT);
    for (uint64_t va = l->vbase; va < l->map_end; va += LIBXL__PAGE_SIZE) {
        uint64_t pfn = (va - l->vbase) >> LIBXL__PAGE_SHIFT;
        uint64_t i3 = (va >> 39) - (l->vbase >> 39), i2 = (va >> 30) - (l->vbase >> 30);
        uint64_t i1 = (va >> 21) - (l->vbase >> 21);
        uint64_t *l4t = (uint64_t *)(ram + (l4_pfn << LIBXL__PAGE_SHIFT));
        uint64_t *l3t = (uint64_t *)(ram + ((l3_pfn + i3) << LIBXL__PAGE_SHIFT));
        uint64_t *l2t = (uint64_t *)(ram + ((l2_pfn + i2) << LIBXL__PAGE_SHIFT));
        uint64_t *l1t = (uint64_t *)(ram + ((l1_pfn + i1) << LIBXL__PAGE_SHIFT));
        uint64_t pte = (pfn << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;

        l4t[(va >> 39) & 511] = ((l3_pfn + i3) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;
        l3t[(va >> 30) & 511] = ((l2_pfn + i2) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;
        l2t[(va >> 21) & 511] = ((l1_pfn + i1) << LIBXL__PAGE_SHIFT) | PV_PTE_FLAGS;
        if (pfn >= l->pt_pfn && pfn < l->pt_pfn + l->pt_pages)
            pte &= ~PV_PTE_RW; /* Xen insists: page tables read-only */
        l1t[(va >> 12) & 511] = pte;
    }
}

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
    struct pv_layout l;
    libxl__kernel k;
    libxl__guest_mem mem = {0};
    void *ramdisk = NULL;
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
    if (pv_layout(&k.info, ramdisk_size, nr_pages, &l)) {
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
    rc = libxl__dom_populate(ctx, domid, 0, nr_pages);
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
    for (uint64_t pfn = 0; pfn < nr_pages; pfn++)
        p2m[pfn] = pfn;
    memset(mem.ram + (l.start_info_pfn << LIBXL__PAGE_SHIFT), 0, 3 * LIBXL__PAGE_SIZE);
    pv_page_tables(mem.ram, &l);
    memset(mem.ram + (l.stack_pfn << LIBXL__PAGE_SHIFT), 0, LIBXL__PAGE_SIZE);
    if (k.info.hypercall_page) {
        uint64_t hpfn = (k.info.hypercall_page - l.vbase) >> LIBXL__PAGE_SHIFT;
        if (hpfn >= nr_pages) {
            rc = ERROR_INVAL;
            goto out;
        }
        fill_hypercall_page(mem.ram + (hpfn << LIBXL__PAGE_SHIFT));
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
    si->store_mfn = l.store_pfn;
    si->store_evtchn = st->store_port;
    si->console.domU.mfn = l.console_pfn;
    si->console.domU.evtchn = st->console_port;
    si->pt_base = pv_va(&l, l.pt_pfn);
    si->nr_pt_frames = l.pt_pages;
    si->mfn_list = pv_va(&l, l.p2m_pfn);
    if (ramdisk) {
        si->mod_start = pv_va(&l, l.ramdisk_pfn);
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
    ctxt.user_regs.rsp = pv_va(&l, l.stack_pfn + 1);
    ctxt.user_regs.rsi = pv_va(&l, l.start_info_pfn);
    ctxt.user_regs.rflags = 1u << 9;
    ctxt.user_regs.cs = FLAT_KERNEL_CS;
    ctxt.user_regs.ds = ctxt.user_regs.es = ctxt.user_regs.fs = ctxt.user_regs.gs = FLAT_KERNEL_DS;
    ctxt.user_regs.ss = FLAT_KERNEL_SS;
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.kernel_sp = ctxt.user_regs.rsp;
    ctxt.ctrlreg[3] = l.pt_pfn << LIBXL__PAGE_SHIFT;
    rc = libxl__set_vcpu_context(ctx, domid, 0, &ctxt);
out:
    libxl__guest_mem_unmap(ctx, &mem);
    free(ramdisk);
    libxl__kernel_free(&k);
    return rc;
}
