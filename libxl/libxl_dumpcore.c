/*
 * libxl_dumpcore.c: libxl_domain_core_dump, a domain's core as Xen's
 * xc_domain_dumpcore writes it (docs/misc/dump-core-format.txt, format
 * 0.1): an ELF64 ET_CORE file with no program headers and these sections:
 *
 *   .shstrtab         section names
 *   .note.Xen         notes named "Xen": DUMPCORE_NONE, DUMPCORE_HEADER
 *                     (magic, vCPUs, pages, page size), DUMPCORE_XEN_VERSION,
 *                     DUMPCORE_FORMAT_VERSION
 *   .xen_prstatus     one vcpu_guest_context per vCPU with a context
 *   .xen_shared_info  the shared-info page (HVM/PVH; see below)
 *   .xen_p2m          PV: {pfn, gmfn} per page
 *   .xen_pfn          HVM/PVH: the pfn of each page
 *   .xen_pages        the pages, page-aligned in the file
 *
 * Guest frames come from XEN_DOMCTL_getmemlist (guest frame -> machine
 * frame, holes skipped); their contents through the foreign mapping.  A
 * running domain is paused while it is dumped.  The vCPU contexts are what
 * XEN_DOMCTL_getvcpucontext answers (PV), else the CPU records of the HVM
 * context (converted to vcpu_guest_context's registers).  Xen writes the
 * shared-info page for PV only; on xenhv a PV domain's shared_info_frame
 * is a machine frame the toolstack cannot map (it maps by guest frame), so
 * it is the other way round here: the page is there for HVM and PVH.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libxl_internal.h"
#include "public/elfnote.h"
#include "public/arch-x86/hvm/save.h"
#include "public/memory.h"
#include "public/version.h"

#define CORE_MAGIC_PV  0xF00FEBEDull
#define CORE_MAGIC_HVM 0xF00FEBEEull
#define CORE_FORMAT    1ull /* major 0, minor 1 */
#define MEMLIST_BATCH  1024u

struct core_header_desc {
    uint64_t magic, nr_vcpus, nr_pages, page_size;
};

struct core_version_desc {
    uint64_t major, minor;
    xen_extraversion_t extra;
    struct xen_compile_info compile;
    xen_capabilities_info_t caps;
    xen_changeset_info_t changeset;
    struct xen_platform_parameters platform;
    uint64_t pagesize;
};

struct core_p2m {
    uint64_t pfn, gmfn;
};

enum { SEC_NULL, SEC_SHSTRTAB, SEC_NOTE, SEC_PRSTATUS, SEC_SHINFO, SEC_MAP, SEC_PAGES, SEC_MAX };

struct core {
    libxl_ctx *ctx;
    uint32_t domid;
    bool hvm;
    int fd;
    struct vcpu_guest_context *vcpus;
    unsigned nr_vcpus;
    uint64_t *pfns, *mfns; /* the dumped frames */
    uint64_t nr_pages;
    void *shinfo; /* a copy, or NULL */
};

static int write_all(int fd, const void *buf, size_t len, off_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

/* Every populated guest frame, with its machine frame. */
static int core_frames(struct core *c)
{
    uint64_t *buf = libxl__ctrl_buf_alloc(c->ctx->ctrl, MEMLIST_BATCH * sizeof(uint64_t));
    uint64_t cap = 0, start = 0;
    int rc = 0;

    if (!buf)
        return ERROR_NOMEM;
    for (;;) {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_getmemlist, .domain = (domid_t)c->domid};
        op.u.getmemlist.max_pfns = MEMLIST_BATCH;
        op.u.getmemlist.start_pfn = start;
        op.u.getmemlist.buffer.q = (uint64_t)(uintptr_t)buf;
        int e = libxl__ctrl_domctl(c->ctx->ctrl, &op);
        if (e) {
            LOGE(c->ctx, ERROR, -e, "domain %u: listing its memory", c->domid);
            rc = ERROR_FAIL;
            break;
        }
        uint64_t n = op.u.getmemlist.num_pfns;
        if (n == 0 || n > MEMLIST_BATCH)
            break;
        for (uint64_t i = 0; i < n; i++) {
            if (buf[i] == ~0ull)
                continue;
            if (c->nr_pages == cap) {
                uint64_t ncap = cap ? cap * 2 : 4096;
                uint64_t *np = realloc(c->pfns, ncap * sizeof(*np));
                uint64_t *nm = np ? realloc(c->mfns, ncap * sizeof(*nm)) : NULL;
                if (np)
                    c->pfns = np;
                if (!nm) {
                    rc = ERROR_NOMEM;
                    goto out;
                }
                c->mfns = nm;
                cap = ncap;
            }
            c->pfns[c->nr_pages] = start + i;
            c->mfns[c->nr_pages++] = buf[i];
        }
        start += n;
    }
out:
    libxl__ctrl_buf_free(c->ctx->ctrl, buf);
    return rc;
}

/* An HVM CPU record as the registers of a vcpu_guest_context. */
static void ctxt_from_hw_cpu(struct vcpu_guest_context *g, const struct hvm_hw_cpu *h)
{
    struct cpu_user_regs *r = &g->user_regs;

    memset(g, 0, sizeof(*g));
    g->flags = VGCF_online;
    r->rax = h->rax, r->rbx = h->rbx, r->rcx = h->rcx, r->rdx = h->rdx;
    r->rsi = h->rsi, r->rdi = h->rdi, r->rbp = h->rbp, r->rsp = h->rsp;
    r->r8 = h->r8, r->r9 = h->r9, r->r10 = h->r10, r->r11 = h->r11;
    r->r12 = h->r12, r->r13 = h->r13, r->r14 = h->r14, r->r15 = h->r15;
    r->rip = h->rip, r->rflags = h->rflags;
    r->cs = (uint16_t)h->cs_sel, r->ss = (uint16_t)h->ss_sel, r->ds = (uint16_t)h->ds_sel;
    r->es = (uint16_t)h->es_sel, r->fs = (uint16_t)h->fs_sel, r->gs = (uint16_t)h->gs_sel;
    g->ctrlreg[0] = h->cr0, g->ctrlreg[2] = h->cr2, g->ctrlreg[3] = h->cr3, g->ctrlreg[4] = h->cr4;
    g->fs_base = h->fs_base, g->gs_base_kernel = h->gs_base;
    g->gs_base_user = h->shadow_gs;
}

/* The HVM context's CPU records, by instance (= vCPU). */
static void core_hvm_cpus(struct core *c, unsigned max)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_gethvmcontext, .domain = (domid_t)c->domid};
    uint8_t *blob;
    uint32_t len, off = 0;

    if (libxl__ctrl_domctl(c->ctx->ctrl, &op) || !op.u.hvmcontext.size)
        return;
    len = op.u.hvmcontext.size;
    blob = libxl__ctrl_buf_alloc(c->ctx->ctrl, len);
    if (!blob)
        return;
    op.u.hvmcontext.buffer.q = (uint64_t)(uintptr_t)blob;
    if (libxl__ctrl_domctl(c->ctx->ctrl, &op))
        goto out;
    len = op.u.hvmcontext.size;
    while (len - off >= sizeof(struct hvm_save_descriptor)) {
        struct hvm_save_descriptor d;
        memcpy(&d, blob + off, sizeof(d));
        off += sizeof(d);
        if (d.length > len - off || d.typecode == HVM_SAVE_CODE_END)
            break;
        if (d.typecode == HVM_SAVE_CODE_CPU && d.length >= sizeof(struct hvm_hw_cpu) &&
            c->nr_vcpus < max) {
            struct hvm_hw_cpu h;
            memcpy(&h, blob + off, sizeof(h));
            ctxt_from_hw_cpu(&c->vcpus[c->nr_vcpus++], &h);
        }
        off += d.length;
    }
out:
    libxl__ctrl_buf_free(c->ctx->ctrl, blob);
}

static int core_vcpus(struct core *c, unsigned max_vcpu_id)
{
    struct vcpu_guest_context *buf = libxl__ctrl_buf_alloc(c->ctx->ctrl, sizeof(*buf));
    unsigned max = max_vcpu_id + 1;

    c->vcpus = calloc(max, sizeof(*c->vcpus));
    if (!buf || !c->vcpus) {
        libxl__ctrl_buf_free(c->ctx->ctrl, buf);
        return ERROR_NOMEM;
    }
    for (unsigned v = 0; v < max; v++) {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_getvcpucontext, .domain = (domid_t)c->domid};
        op.u.vcpucontext.vcpu = v;
        op.u.vcpucontext.ctxt.q = (uint64_t)(uintptr_t)buf;
        if (!libxl__ctrl_domctl(c->ctx->ctrl, &op))
            c->vcpus[c->nr_vcpus++] = *buf;
    }
    libxl__ctrl_buf_free(c->ctx->ctrl, buf);
    if (!c->nr_vcpus && c->hvm)
        core_hvm_cpus(c, max);
    return 0;
}

static void core_xen_version(struct core *c, struct core_version_desc *v)
{
    static const struct {
        int cmd;
        size_t off, len;
    } table[] = {
        {XENVER_extraversion, offsetof(struct core_version_desc, extra), sizeof(v->extra)},
        {XENVER_compile_info, offsetof(struct core_version_desc, compile), sizeof(v->compile)},
        {XENVER_capabilities, offsetof(struct core_version_desc, caps), sizeof(v->caps)},
        {XENVER_changeset, offsetof(struct core_version_desc, changeset), sizeof(v->changeset)},
        {XENVER_platform_parameters, offsetof(struct core_version_desc, platform),
         sizeof(v->platform)},
    };
    uint8_t *buf = libxl__ctrl_buf_alloc(c->ctx->ctrl, sizeof(v->caps));
    long ver;

    memset(v, 0, sizeof(*v));
    ver = libxl__ctrl_hypercall(c->ctx->ctrl, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    if (ver > 0) {
        v->major = (uint64_t)ver >> 16;
        v->minor = (uint64_t)ver & 0xffff;
    }
    ver =
        libxl__ctrl_hypercall(c->ctx->ctrl, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0);
    v->pagesize = ver > 0 ? (uint64_t)ver : LIBXL__PAGE_SIZE;
    if (!buf)
        return;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        memset(buf, 0, table[i].len);
        if (!libxl__ctrl_hypercall(c->ctx->ctrl, __HYPERVISOR_xen_version, (uint64_t)table[i].cmd,
                                   (uint64_t)(uintptr_t)buf, 0, 0, 0))
            memcpy((uint8_t *)v + table[i].off, buf, table[i].len);
    }
    libxl__ctrl_buf_free(c->ctx->ctrl, buf);
}

/* A copy of the shared-info page, when it can be mapped. */
static void core_shared_info(struct core *c, uint64_t frame)
{
    xen_pfn_t f = frame;
    void *p = libxl__ctrl_map_foreign(c->ctx->ctrl, c->domid, PROT_READ, &f, NULL, 1);

    if (!p)
        return;
    c->shinfo = malloc(LIBXL__PAGE_SIZE);
    if (c->shinfo)
        memcpy(c->shinfo, p, LIBXL__PAGE_SIZE);
    libxl__ctrl_unmap_foreign(c->ctx->ctrl, p, 1);
}

static size_t put_note(uint8_t *p, uint32_t type, const void *desc, uint32_t len)
{
    Elf64_Nhdr n = {.n_namesz = 4, .n_descsz = len, .n_type = type};
    memcpy(p, &n, sizeof(n));
    memcpy(p + sizeof(n), "Xen", 4);
    if (len)
        memcpy(p + sizeof(n) + 4, desc, len);
    return sizeof(n) + 4 + ((len + 3u) & ~3u);
}

/* Write the pages, in runs of guest frames mapped together. */
static int core_write_pages(struct core *c, off_t off)
{
    uint64_t i = 0;

    while (i < c->nr_pages) {
        unsigned n = 1;
        while (i + n < c->nr_pages && n < 256 && c->pfns[i + n] == c->pfns[i] + n)
            n++;
        xen_pfn_t arr[256];
        for (unsigned k = 0; k < n; k++)
            arr[k] = c->pfns[i + k];
        void *p = libxl__ctrl_map_foreign(c->ctx->ctrl, c->domid, PROT_READ, arr, NULL, n);
        if (!p) {
            LOGE(c->ctx, ERROR, errno, "domain %u: mapping frames at 0x%llx", c->domid,
                 (unsigned long long)c->pfns[i]);
            return ERROR_FAIL;
        }
        int w = write_all(c->fd, p, (size_t)n * LIBXL__PAGE_SIZE, off);
        libxl__ctrl_unmap_foreign(c->ctx->ctrl, p, n);
        if (w)
            return ERROR_FAIL;
        off += (off_t)n * LIBXL__PAGE_SIZE;
        i += n;
    }
    return 0;
}

static int core_write(struct core *c)
{
    static const char names[] = "\0.shstrtab\0.note.Xen\0.xen_prstatus\0.xen_shared_info\0"
                                ".xen_p2m\0.xen_pfn\0.xen_pages";
    /* Offsets of each name in names[]. */
    enum {
        N_SHSTRTAB = 1,
        N_NOTE = 11,
        N_PRSTATUS = 21,
        N_SHINFO = 35,
        N_P2M = 52,
        N_PFN = 61,
        N_PAGES = 70
    };
    struct core_header_desc hdr = {
        .magic = c->hvm ? CORE_MAGIC_HVM : CORE_MAGIC_PV,
        .nr_vcpus = c->nr_vcpus,
        .nr_pages = c->nr_pages,
        .page_size = LIBXL__PAGE_SIZE,
    };
    struct core_version_desc *ver = calloc(1, sizeof(*ver));
    uint64_t format = CORE_FORMAT;
    uint8_t notes[2048];
    size_t nlen = 0, map_elem = c->hvm ? sizeof(uint64_t) : sizeof(struct core_p2m);
    Elf64_Shdr sh[SEC_MAX];
    Elf64_Ehdr eh;
    unsigned nsec = 0;
    off_t off;
    int rc = ERROR_FAIL;

    if (!ver)
        return ERROR_NOMEM;
    core_xen_version(c, ver);
    nlen += put_note(notes + nlen, XEN_ELFNOTE_DUMPCORE_NONE, NULL, 0);
    nlen += put_note(notes + nlen, XEN_ELFNOTE_DUMPCORE_HEADER, &hdr, sizeof(hdr));
    nlen += put_note(notes + nlen, XEN_ELFNOTE_DUMPCORE_XEN_VERSION, ver, sizeof(*ver));
    nlen += put_note(notes + nlen, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION, &format, sizeof(format));

    memset(sh, 0, sizeof(sh));
    nsec = 1; /* the null section */
    off = (off_t)(sizeof(eh) + SEC_MAX * sizeof(Elf64_Shdr));
#define SECTION(name_, type_, size_, align_)                                                       \
    do {                                                                                           \
        off = (off + (off_t)(align_)-1) & ~(off_t)((align_)-1);                                    \
        sh[nsec].sh_name = (name_);                                                                \
        sh[nsec].sh_type = (type_);                                                                \
        sh[nsec].sh_offset = (Elf64_Off)off;                                                       \
        sh[nsec].sh_size = (size_);                                                                \
        sh[nsec].sh_addralign = (align_);                                                          \
        off += (off_t)(size_);                                                                     \
        nsec++;                                                                                    \
    } while (0)
    SECTION(N_SHSTRTAB, SHT_STRTAB, sizeof(names), 1);
    SECTION(N_NOTE, SHT_NOTE, nlen, 8);
    SECTION(N_PRSTATUS, SHT_PROGBITS, (uint64_t)c->nr_vcpus * sizeof(*c->vcpus), 8);
    sh[nsec - 1].sh_entsize = sizeof(*c->vcpus);
    if (c->shinfo)
        SECTION(N_SHINFO, SHT_PROGBITS, LIBXL__PAGE_SIZE, 8);
    SECTION(c->hvm ? N_PFN : N_P2M, SHT_PROGBITS, c->nr_pages * map_elem, 8);
    sh[nsec - 1].sh_entsize = map_elem;
    SECTION(N_PAGES, SHT_PROGBITS, c->nr_pages * LIBXL__PAGE_SIZE, LIBXL__PAGE_SIZE);
    sh[nsec - 1].sh_entsize = LIBXL__PAGE_SIZE;
#undef SECTION

    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh.e_type = ET_CORE;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = (Elf64_Half)nsec;
    eh.e_shstrndx = SEC_SHSTRTAB;

    if (write_all(c->fd, &eh, sizeof(eh), 0) ||
        write_all(c->fd, sh, nsec * sizeof(Elf64_Shdr), sizeof(eh)))
        goto out;
    for (unsigned s = 1; s < nsec; s++) {
        const void *data = NULL;
        switch (sh[s].sh_name) {
        case N_SHSTRTAB:
            data = names;
            break;
        case N_NOTE:
            data = notes;
            break;
        case N_PRSTATUS:
            data = c->vcpus;
            break;
        case N_SHINFO:
            data = c->shinfo;
            break;
        default:
            break;
        }
        if (data && write_all(c->fd, data, sh[s].sh_size, (off_t)sh[s].sh_offset))
            goto out;
        if (sh[s].sh_name == N_PFN &&
            write_all(c->fd, c->pfns, sh[s].sh_size, (off_t)sh[s].sh_offset))
            goto out;
        if (sh[s].sh_name == N_P2M) {
            for (uint64_t i = 0; i < c->nr_pages; i++) {
                struct core_p2m e = {c->pfns[i], c->mfns[i]};
                if (write_all(c->fd, &e, sizeof(e), (off_t)(sh[s].sh_offset + i * sizeof(e))))
                    goto out;
            }
        }
        if (sh[s].sh_name == N_PAGES) {
            rc = core_write_pages(c, (off_t)sh[s].sh_offset);
            if (rc)
                goto out;
        }
    }
    rc = 0;
out:
    if (rc == ERROR_FAIL && errno)
        LOGE(c->ctx, ERROR, errno, "domain %u: writing its core", c->domid);
    free(ver);
    return rc;
}

int libxl_domain_core_dump(libxl_ctx *ctx, uint32_t domid, const char *filename,
                           const libxl_asyncop_how *ao_how)
{
    struct xen_domctl_getdomaininfo info;
    struct core c = {.ctx = ctx, .domid = domid, .fd = -1};
    bool paused = false;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return libxl__ao_done(ctx, ao_how, domid, rc);
    if (!filename || !*filename) {
        rc = ERROR_INVAL;
        goto out;
    }
    if ((rc = libxl__domain_getinfo(ctx, domid, &info)))
        goto out;
    if (domid == 0) {
        rc = ERROR_INVAL;
        goto out;
    }
    c.hvm = !!(info.flags & XEN_DOMINF_hvm_guest);
    if (!(info.flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown))) {
        if (libxl__domctl_simple(ctx, XEN_DOMCTL_pausedomain, domid) == 0)
            paused = true;
    }
    if ((rc = core_vcpus(&c, info.max_vcpu_id)) || (rc = core_frames(&c)))
        goto out;
    if (c.hvm)
        core_shared_info(&c, info.shared_info_frame);
    c.fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (c.fd < 0) {
        LOGE(ctx, ERROR, errno, "core dumping domain %u to %s", domid, filename);
        rc = ERROR_FAIL;
        goto out;
    }
    errno = 0;
    rc = core_write(&c);
    if (close(c.fd) && !rc)
        rc = ERROR_FAIL;
    c.fd = -1;
    if (rc) {
        LOG(ctx, ERROR, "core dumping domain %u to %s failed", domid, filename);
        unlink(filename);
    }
out:
    if (paused)
        libxl__domctl_simple(ctx, XEN_DOMCTL_unpausedomain, domid);
    if (c.fd >= 0)
        close(c.fd);
    free(c.vcpus);
    free(c.pfns);
    free(c.mfns);
    free(c.shinfo);
    return libxl__ao_done(ctx, ao_how, domid, rc);
}
