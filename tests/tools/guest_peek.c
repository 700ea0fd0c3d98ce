/*
 * guest_peek.c: a test tool reading what the domain builder left in a
 * (paused) domain, through libxl's control layer: vCPU 0's state
 * (gethvmcontext / getvcpucontext) and guest memory through the foreign
 * mapping.  Plain "key value" lines for shell tests.
 *
 *   guest_peek hvm DOMID          BSP registers, hvm_start_info, memory map
 *   guest_peek pv DOMID           BSP registers, start_info, page tables
 *                                 (machine frames translated through the
 *                                 guest's p2m)
 *   guest_peek pvmem DOMID VA N   N bytes (hex) at virtual VA through the
 *                                 guest's page tables
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libxl_ctrl.h"
#include "public/arch-x86/hvm/save.h"
#include "public/hvm/start_info.h"
#include "public/xen.h"

static libxl__ctrl *ctrl;
static uint32_t domid;

static int fail(const char *what, int rc)
{
    fprintf(stderr, "guest_peek: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
    return 1;
}

/* Copy guest-physical [gpa, gpa+len) out (len <= a few pages). */
static int read_phys(uint64_t gpa, void *out, size_t len)
{
    uint64_t first = gpa >> 12, last = (gpa + len - 1) >> 12;
    unsigned n = (unsigned)(last - first + 1);
    xen_pfn_t arr[64];
    uint8_t *p;

    if (n > 64)
        return -E2BIG;
    for (unsigned i = 0; i < n; i++)
        arr[i] = first + i;
    p = libxl__ctrl_map_foreign(ctrl, domid, PROT_READ, arr, NULL, n);
    if (!p)
        return -errno;
    memcpy(out, p + (gpa & 0xfff), len);
    libxl__ctrl_unmap_foreign(ctrl, p, n);
    return 0;
}

static int cmd_hvm(void)
{
    uint8_t *buf = libxl__ctrl_buf_alloc(ctrl, 65536);
    struct xen_domctl op = {.cmd = XEN_DOMCTL_gethvmcontext, .domain = (domid_t)domid};
    struct hvm_hw_cpu cpu;
    struct hvm_start_info si;
    bool have_cpu = false;
    int rc;

    if (!buf)
        return fail("buffer", -ENOMEM);
    op.u.hvmcontext.size = 65536;
    set_xen_guest_handle(op.u.hvmcontext.buffer, buf);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (rc)
        return fail("gethvmcontext", rc);
    for (uint32_t off = 0; off + sizeof(struct hvm_save_descriptor) <= op.u.hvmcontext.size;) {
        struct hvm_save_descriptor d;
        memcpy(&d, buf + off, sizeof(d));
        off += sizeof(d);
        if (d.typecode == HVM_SAVE_CODE_END)
            break;
        if (d.typecode == HVM_SAVE_CODE_CPU && d.instance == 0 && d.length >= sizeof(cpu)) {
            memcpy(&cpu, buf + off, sizeof(cpu));
            have_cpu = true;
        }
        off += d.length;
    }
    if (!have_cpu)
        return fail("no CPU record for vCPU 0", -ENOENT);
    printf("rip 0x%" PRIx64 "\nrbx 0x%" PRIx64 "\ncr0 0x%" PRIx64 "\ncs_arbytes 0x%x\n", cpu.rip,
           cpu.rbx, cpu.cr0, cpu.cs_arbytes);
    printf("cs_limit 0x%x\nefer 0x%" PRIx64 "\n", cpu.cs_limit, cpu.msr_efer);
    if ((rc = read_phys(cpu.rbx, &si, sizeof(si))))
        return fail("reading hvm_start_info", rc);
    printf("magic 0x%x\nversion %u\nnr_modules %u\n", si.magic, si.version, si.nr_modules);
    if (si.cmdline_paddr) {
        char cmd[256] = {0};
        if (!read_phys(si.cmdline_paddr, cmd, sizeof(cmd) - 1))
            printf("cmdline %s\n", cmd);
    }
    for (uint32_t i = 0; i < si.nr_modules && i < 4; i++) {
        struct hvm_modlist_entry m;
        if (!read_phys(si.modlist_paddr + i * sizeof(m), &m, sizeof(m)))
            printf("module %u 0x%" PRIx64 " %" PRIu64 "\n", i, m.paddr, m.size);
    }
    printf("memmap_entries %u\n", si.memmap_entries);
    for (uint32_t i = 0; i < si.memmap_entries && i < 16; i++) {
        struct hvm_memmap_table_entry e;
        if (!read_phys(si.memmap_paddr + i * sizeof(e), &e, sizeof(e)))
            printf("memmap 0x%" PRIx64 " 0x%" PRIx64 " %u\n", e.addr, e.size, e.type);
    }
    libxl__ctrl_buf_free(ctrl, buf);
    return 0;
}

/*
 * A PV guest's page tables, CR3 and p2m hold machine frames, which need
 * not be its guest frames (the foreign mapping takes guest frames).  The
 * machine-to-guest map comes from the guest's own p2m list: start_info
 * (found by its magic at a page start) says where the list is, in guest
 * frames (first_p2m_pfn, nr_p2m_frames).
 */
struct m2p_entry {
    uint64_t mfn, pfn;
};
static struct m2p_entry *m2p;
static uint64_t m2p_len;

static int m2p_cmp(const void *a, const void *b)
{
    const struct m2p_entry *x = a, *y = b;
    return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

static int load_m2p(void)
{
    uint8_t page[4096];
    start_info_t si;
    uint64_t gfn;

    for (gfn = 0; gfn < (1u << 20); gfn++) {
        if (read_phys(gfn << 12, page, 16))
            return -EFAULT;
        if (!memcmp(page, "xen-3.0-x86_64", 15))
            break;
    }
    if (gfn == (1u << 20) || read_phys(gfn << 12, &si, sizeof(si)))
        return -ENOENT;
    m2p_len = si.nr_pages;
    m2p = calloc(m2p_len, sizeof(*m2p));
    if (!m2p || si.nr_p2m_frames * 512 < m2p_len)
        return -ENOMEM;
    for (uint64_t pfn = 0; pfn < m2p_len; pfn += 512) {
        uint64_t n = m2p_len - pfn < 512 ? m2p_len - pfn : 512, mfns[512];
        if (read_phys((si.first_p2m_pfn + pfn / 512) << 12, mfns, n * 8))
            return -EFAULT;
        for (uint64_t i = 0; i < n; i++)
            m2p[pfn + i] = (struct m2p_entry){mfns[i], pfn + i};
    }
    qsort(m2p, m2p_len, sizeof(*m2p), m2p_cmp);
    return 0;
}

/* The guest frame of a machine frame (~0 if none). */
static uint64_t mfn_to_pfn(uint64_t mfn)
{
    struct m2p_entry key = {mfn, 0}, *e = bsearch(&key, m2p, m2p_len, sizeof(*m2p), m2p_cmp);
    return e ? e->pfn : ~0ull;
}

/* Walk the 4-level tables at cr3: the guest-physical address of va (0 if
 * unmapped), *pte_out the last-level entry. */
static uint64_t walk(uint64_t cr3, uint64_t va, uint64_t *pte_out)
{
    uint64_t table = mfn_to_pfn(cr3 >> 12), e = 0;

    for (int level = 3; level >= 0; level--) {
        unsigned idx = (unsigned)((va >> (12 + 9 * level)) & 511);
        if (table == ~0ull || read_phys((table << 12) + idx * 8, &e, 8) || !(e & 1))
            return 0;
        table = mfn_to_pfn((e & 0x000ffffffffff000ull) >> 12);
    }
    *pte_out = e;
    return table == ~0ull ? 0 : (table << 12) | (va & 0xfff);
}

static int get_pv_ctx(struct vcpu_guest_context *out)
{
    int m = m2p ? 0 : load_m2p();
    if (m)
        return m;

    struct vcpu_guest_context *c = libxl__ctrl_buf_alloc(ctrl, sizeof(*c));
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getvcpucontext, .domain = (domid_t)domid};
    int rc;

    if (!c)
        return -ENOMEM;
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, c);
    rc = libxl__ctrl_domctl(ctrl, &op);
    if (!rc)
        *out = *c;
    libxl__ctrl_buf_free(ctrl, c);
    return rc;
}

static int cmd_pv(void)
{
    struct vcpu_guest_context c;
    start_info_t si;
    uint64_t pa, pte;
    int rc = get_pv_ctx(&c);

    if (rc)
        return fail("getvcpucontext", rc);
    printf("rip 0x%" PRIx64 "\nrsi 0x%" PRIx64 "\nrsp 0x%" PRIx64 "\ncr3 0x%lx\ncs 0x%x\n",
           c.user_regs.rip, c.user_regs.rsi, c.user_regs.rsp, c.ctrlreg[3], c.user_regs.cs);
    pa = walk(c.ctrlreg[3], c.user_regs.rsi, &pte);
    if (!pa || (rc = read_phys(pa, &si, sizeof(si))))
        return fail("start_info not mapped", rc ? rc : -EFAULT);
    si.magic[sizeof(si.magic) - 1] = 0;
    si.cmd_line[sizeof(si.cmd_line) - 1] = 0;
    printf("magic %s\nnr_pages %lu\nnr_pt_frames %lu\n", si.magic, si.nr_pages, si.nr_pt_frames);
    printf("store_mfn %lu\nconsole_mfn %lu\ncmdline %s\n", (unsigned long)si.store_mfn,
           (unsigned long)si.console.domU.mfn, (char *)si.cmd_line);
    /* Everything the guest starts with must be mapped. */
    printf("pt_base_mapped %d\n", walk(c.ctrlreg[3], si.pt_base, &pte) != 0);
    printf("pt_base_writable %d\n", !!(pte & 2));
    printf("p2m_mapped %d\n", walk(c.ctrlreg[3], si.mfn_list, &pte) != 0);
    printf("stack_mapped %d\n", walk(c.ctrlreg[3], c.user_regs.rsp - 8, &pte) != 0);
    printf("entry_mapped %d\n", walk(c.ctrlreg[3], c.user_regs.rip, &pte) != 0);
    uint64_t p2m5 = 0;
    pa = walk(c.ctrlreg[3], si.mfn_list + 5 * 8, &pte);
    if (pa && !read_phys(pa, &p2m5, 8))
        printf("p2m[5]_is_pfn_5 %d\n", mfn_to_pfn(p2m5) == 5);
    printf("store_pfn %" PRIu64 "\nconsole_pfn %" PRIu64 "\n", mfn_to_pfn(si.store_mfn),
           mfn_to_pfn(si.console.domU.mfn));
    return 0;
}

static int cmd_pvmem(uint64_t va, unsigned len)
{
    struct vcpu_guest_context c;
    uint64_t pte;
    int rc = get_pv_ctx(&c);

    if (rc)
        return fail("getvcpucontext", rc);
    for (unsigned i = 0; i < len; i++) {
        uint8_t b;
        uint64_t pa = walk(c.ctrlreg[3], va + i, &pte);
        if (!pa || read_phys(pa, &b, 1))
            return fail("address not mapped", -EFAULT);
        printf("%02x", b);
    }
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    int rc;

    if (argc < 3) {
        fprintf(stderr, "usage: guest_peek hvm|pv|pvmem DOMID [VA LEN]\n");
        return 2;
    }
    domid = (uint32_t)strtoul(argv[2], NULL, 0);
    rc = libxl__ctrl_open(&ctrl);
    if (rc)
        return fail("control interface", rc);
    if (!strcmp(argv[1], "hvm"))
        rc = cmd_hvm();
    else if (!strcmp(argv[1], "pv"))
        rc = cmd_pv();
    else if (!strcmp(argv[1], "pvmem") && argc == 5)
        rc = cmd_pvmem(strtoull(argv[3], NULL, 0), (unsigned)strtoul(argv[4], NULL, 0));
    else
        rc = 2;
    libxl__ctrl_close(ctrl);
    return rc;
}
