/*
 * libxl_elf.c: the ELF side of the kernel loader: checks the ELF header,
 * program and section headers of an x86 ELF32/ELF64 image, finds the Xen
 * notes (PT_NOTE, else SHT_NOTE, else __xen_guest), works out entry point
 * and extents for PV, PVH or plain loading as Xen's libelf does, and loads
 * the segments into a bounded destination.  All arithmetic on image values
 * is overflow-checked; fields are copied out of the image with memcpy (no
 * unaligned pointers into hostile bytes).
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libxl_elf.h"
#include "public/elfnote.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ELF loader reads little-endian images on a little-endian host"
#endif

int libxl__elf_fail(libxl__elf_err *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return LIBXL__ELF_ERROR_INVAL;
}

#define X(v) ((unsigned long long)(v))

/* [off, off+len) lies within an object of size total. */
static bool range_ok(uint64_t off, uint64_t len, uint64_t total)
{
    return off <= total && len <= total - off;
}

/* The class-independent view of the headers we use. */
struct ehdr {
    int cls;
    uint16_t type, machine;
    uint64_t entry, phoff, shoff;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
    uint32_t name, type;
    uint64_t offset, size, addralign;
};

static int read_ehdr(const uint8_t *img, size_t size, struct ehdr *eh, libxl__elf_err *err)
{
    if (size < EI_NIDENT)
        return libxl__elf_fail(err, "image too small for an ELF header (%zu bytes)", size);
    if (memcmp(img, ELFMAG, SELFMAG))
        return libxl__elf_fail(err, "not an ELF image (bad magic)");
    if (img[EI_DATA] != ELFDATA2LSB)
        return libxl__elf_fail(err, "ELF header: EI_DATA %u is not little-endian", img[EI_DATA]);
    if (img[EI_VERSION] != EV_CURRENT)
        return libxl__elf_fail(err, "ELF header: EI_VERSION %u unsupported", img[EI_VERSION]);

    if (img[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr h;
        if (size < sizeof(h))
            return libxl__elf_fail(err, "ELF64 header truncated (%zu < %zu bytes)", size,
                                   sizeof(h));
        memcpy(&h, img, sizeof(h));
        *eh = (struct ehdr){64,        h.e_type,      h.e_machine, h.e_entry,
                            h.e_phoff, h.e_shoff,     h.e_ehsize,  h.e_phentsize,
                            h.e_phnum, h.e_shentsize, h.e_shnum,   h.e_shstrndx};
        if (eh->machine != EM_X86_64)
            return libxl__elf_fail(err, "ELF header: e_machine %u is not x86-64 (%u)", eh->machine,
                                   EM_X86_64);
    } else if (img[EI_CLASS] == ELFCLASS32) {
        Elf32_Ehdr h;
        if (size < sizeof(h))
            return libxl__elf_fail(err, "ELF32 header truncated (%zu < %zu bytes)", size,
                                   sizeof(h));
        memcpy(&h, img, sizeof(h));
        *eh = (struct ehdr){32,        h.e_type,      h.e_machine, h.e_entry,
                            h.e_phoff, h.e_shoff,     h.e_ehsize,  h.e_phentsize,
                            h.e_phnum, h.e_shentsize, h.e_shnum,   h.e_shstrndx};
        if (eh->machine != EM_386)
            return libxl__elf_fail(err, "ELF header: e_machine %u is not i386 (%u)", eh->machine,
                                   EM_386);
    } else {
        return libxl__elf_fail(err, "ELF header: EI_CLASS %u is neither ELF32 nor ELF64",
                               img[EI_CLASS]);
    }
    if (eh->type != ET_EXEC && eh->type != ET_DYN)
        return libxl__elf_fail(err, "ELF header: e_type %u is not an executable", eh->type);
    return 0;
}

/* Check that a header table (program or section headers) lies in the image. */
static int check_table(const char *what, const char *field, uint64_t off, uint64_t num,
                       uint64_t entsize, uint64_t minsize, size_t size, libxl__elf_err *err)
{
    if (num == 0)
        return 0;
    if (entsize < minsize)
        return libxl__elf_fail(err, "ELF header: e_%sentsize %llu too small (need %llu)", field,
                               X(entsize), X(minsize));
    /* num and entsize are 16-bit: the product cannot overflow 64 bits. */
    if (!range_ok(off, num * entsize, size))
        return libxl__elf_fail(err,
                               "ELF header: %s headers beyond end of image "
                               "(e_%soff 0x%llx + %llu * %llu > 0x%zx)",
                               what, field, X(off), X(num), X(entsize), size);
    return 0;
}

static void read_phdr(const uint8_t *img, const struct ehdr *eh, unsigned i, struct phdr *ph)
{
    const uint8_t *p = img + eh->phoff + (uint64_t)i * eh->phentsize;
    if (eh->cls == 64) {
        Elf64_Phdr h;
        memcpy(&h, p, sizeof(h));
        *ph = (struct phdr){h.p_type,   h.p_offset, h.p_vaddr, h.p_paddr,
                            h.p_filesz, h.p_memsz,  h.p_align};
    } else {
        Elf32_Phdr h;
        memcpy(&h, p, sizeof(h));
        *ph = (struct phdr){h.p_type,   h.p_offset, h.p_vaddr, h.p_paddr,
                            h.p_filesz, h.p_memsz,  h.p_align};
    }
}

static void read_shdr(const uint8_t *img, const struct ehdr *eh, unsigned i, struct shdr *sh)
{
    const uint8_t *p = img + eh->shoff + (uint64_t)i * eh->shentsize;
    if (eh->cls == 64) {
        Elf64_Shdr h;
        memcpy(&h, p, sizeof(h));
        *sh = (struct shdr){h.sh_name, h.sh_type, h.sh_offset, h.sh_size, h.sh_addralign};
    } else {
        Elf32_Shdr h;
        memcpy(&h, p, sizeof(h));
        *sh = (struct shdr){h.sh_name, h.sh_type, h.sh_offset, h.sh_size, h.sh_addralign};
    }
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* Check one PT_LOAD header; record it in info if it occupies memory. */
static int check_load(const struct ehdr *eh, unsigned i, const struct phdr *ph, size_t size,
                      libxl__elf_info *info, libxl__elf_err *err)
{
    uint64_t addr_limit = eh->cls == 64 ? UINT64_MAX : UINT32_MAX;

    if (ph->filesz > ph->memsz)
        return libxl__elf_fail(err, "segment %u: p_filesz 0x%llx > p_memsz 0x%llx", i,
                               X(ph->filesz), X(ph->memsz));
    if (ph->offset > UINT64_MAX - ph->filesz)
        return libxl__elf_fail(err, "segment %u: p_offset+p_filesz overflows (0x%llx + 0x%llx)", i,
                               X(ph->offset), X(ph->filesz));
    if (ph->offset + ph->filesz > size)
        return libxl__elf_fail(err,
                               "segment %u: p_offset+p_filesz beyond end of image "
                               "(0x%llx > 0x%zx)",
                               i, X(ph->offset + ph->filesz), size);
    if (ph->memsz > LIBXL__ELF_MAX_EXTENT)
        return libxl__elf_fail(err, "segment %u: p_memsz 0x%llx exceeds the limit 0x%llx", i,
                               X(ph->memsz), X(LIBXL__ELF_MAX_EXTENT));
    if (ph->memsz && (ph->paddr > addr_limit || ph->memsz - 1 > addr_limit - ph->paddr))
        return libxl__elf_fail(err,
                               "segment %u: p_paddr+p_memsz overflows the address space "
                               "(0x%llx + 0x%llx)",
                               i, X(ph->paddr), X(ph->memsz));
    if (ph->memsz && (ph->vaddr > addr_limit || ph->memsz - 1 > addr_limit - ph->vaddr))
        return libxl__elf_fail(err,
                               "segment %u: p_vaddr+p_memsz overflows the address space "
                               "(0x%llx + 0x%llx)",
                               i, X(ph->vaddr), X(ph->memsz));
    if (ph->align > 1) {
        if (!is_pow2(ph->align))
            return libxl__elf_fail(err, "segment %u: p_align 0x%llx is not a power of two", i,
                                   X(ph->align));
        if ((ph->vaddr - ph->offset) & (ph->align - 1))
            return libxl__elf_fail(err,
                                   "segment %u: p_vaddr 0x%llx and p_offset 0x%llx differ "
                                   "modulo p_align 0x%llx",
                                   i, X(ph->vaddr), X(ph->offset), X(ph->align));
    }
    if (ph->memsz == 0)
        return 0;

    if (info->nr_segs) {
        const libxl__elf_seg *prev = &info->segs[info->nr_segs - 1];
        if (ph->paddr < prev->paddr)
            return libxl__elf_fail(err,
                                   "segment %u: p_paddr 0x%llx below segment %u's 0x%llx "
                                   "(PT_LOAD segments must be sorted)",
                                   i, X(ph->paddr), prev->index, X(prev->paddr));
        if (ph->paddr - prev->paddr < prev->memsz)
            return libxl__elf_fail(err, "segment %u overlaps segment %u (p_paddr 0x%llx < 0x%llx)",
                                   i, prev->index, X(ph->paddr), X(prev->paddr + prev->memsz));
    }
    if (info->nr_segs == LIBXL__ELF_MAX_SEGS)
        return libxl__elf_fail(err, "segment %u: more than %u PT_LOAD segments", i,
                               LIBXL__ELF_MAX_SEGS);
    info->segs[info->nr_segs++] =
        (libxl__elf_seg){i, ph->offset, ph->filesz, ph->memsz, ph->paddr, ph->vaddr};
    return 0;
}

static int scan_segments(const uint8_t *img, size_t size, const struct ehdr *eh,
                         libxl__elf_info *info, libxl__elf_err *err)
{
    int rc;

    info->paddr_start = info->vaddr_start = UINT64_MAX;
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct phdr ph;
        read_phdr(img, eh, i, &ph);
        if (ph.type != PT_LOAD)
            continue;
        rc = check_load(eh, i, &ph, size, info, err);
        if (rc)
            return rc;
        if (ph.memsz == 0)
            continue;
        if (ph.paddr < info->paddr_start)
            info->paddr_start = ph.paddr;
        if (ph.paddr + ph.memsz > info->paddr_end)
            info->paddr_end = ph.paddr + ph.memsz;
        if (ph.vaddr < info->vaddr_start)
            info->vaddr_start = ph.vaddr;
        if (ph.vaddr + ph.memsz > info->vaddr_end)
            info->vaddr_end = ph.vaddr + ph.memsz;
    }
    if (info->nr_segs == 0)
        return libxl__elf_fail(err, "no loadable (PT_LOAD) segments");
    if (info->paddr_end - info->paddr_start > LIBXL__ELF_MAX_EXTENT)
        return libxl__elf_fail(err,
                               "loadable extent [0x%llx, 0x%llx) exceeds the limit of 0x%llx "
                               "bytes",
                               X(info->paddr_start), X(info->paddr_end), X(LIBXL__ELF_MAX_EXTENT));
    return 0;
}

/* Notes from PT_NOTE segments; *found_xen if any note named "Xen". */
static int scan_pt_notes(const uint8_t *img, size_t size, const struct ehdr *eh,
                         libxl__elf_notes *notes, bool *found_xen, libxl__elf_err *err)
{
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct phdr ph;
        char where[32];
        int rc;

        read_phdr(img, eh, i, &ph);
        if (ph.type != PT_NOTE)
            continue;
        if (!range_ok(ph.offset, ph.filesz, size))
            return libxl__elf_fail(err,
                                   "segment %u (PT_NOTE): p_offset+p_filesz beyond end of "
                                   "image (0x%llx + 0x%llx > 0x%zx)",
                                   i, X(ph.offset), X(ph.filesz), size);
        snprintf(where, sizeof(where), "segment %u", i);
        rc = libxl__elf_notes_parse(img + ph.offset, ph.filesz, ph.align == 8 ? 8 : 4, where, notes,
                                    found_xen, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Section headers: every section with file contents lies in the image. */
static int check_sections(const uint8_t *img, size_t size, const struct ehdr *eh,
                          libxl__elf_err *err)
{
    if (eh->shnum && eh->shstrndx != SHN_UNDEF && eh->shstrndx >= eh->shnum)
        return libxl__elf_fail(err, "ELF header: e_shstrndx %u out of range (e_shnum %u)",
                               eh->shstrndx, eh->shnum);
    for (unsigned i = 0; i < eh->shnum; i++) {
        struct shdr sh;
        read_shdr(img, eh, i, &sh);
        if (sh.type == SHT_NOBITS || sh.type == SHT_NULL)
            continue;
        if (!range_ok(sh.offset, sh.size, size))
            return libxl__elf_fail(err,
                                   "section %u: sh_offset+sh_size beyond end of image "
                                   "(0x%llx + 0x%llx > 0x%zx)",
                                   i, X(sh.offset), X(sh.size), size);
    }
    return 0;
}

static int scan_sht_notes(const uint8_t *img, size_t size, const struct ehdr *eh,
                          libxl__elf_notes *notes, bool *found_xen, libxl__elf_err *err)
{
    for (unsigned i = 0; i < eh->shnum; i++) {
        struct shdr sh;
        char where[32];
        int rc;

        read_shdr(img, eh, i, &sh);
        if (sh.type != SHT_NOTE)
            continue;
        if (!range_ok(sh.offset, sh.size, size))
            return libxl__elf_fail(err,
                                   "section %u (SHT_NOTE): sh_offset+sh_size beyond end of image "
                                   "(0x%llx + 0x%llx > 0x%zx)",
                                   i, X(sh.offset), X(sh.size), size);
        snprintf(where, sizeof(where), "section %u", i);
        rc = libxl__elf_notes_parse(img + sh.offset, sh.size, sh.addralign == 8 ? 8 : 4, where,
                                    notes, found_xen, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* The __xen_guest section, if the image names its sections and has one. */
static int scan_xen_guest(const uint8_t *img, size_t size, const struct ehdr *eh,
                          libxl__elf_notes *notes, bool *found, libxl__elf_err *err)
{
    static const char name[] = "__xen_guest";
    struct shdr strtab;

    if (eh->shnum == 0 || eh->shstrndx == SHN_UNDEF)
        return 0;
    read_shdr(img, eh, eh->shstrndx, &strtab);
    if (strtab.type != SHT_STRTAB)
        return libxl__elf_fail(err, "section %u (e_shstrndx): sh_type %u is not SHT_STRTAB",
                               eh->shstrndx, strtab.type);
    if (!range_ok(strtab.offset, strtab.size, size))
        return libxl__elf_fail(err,
                               "section %u (e_shstrndx): sh_offset+sh_size beyond end of image "
                               "(0x%llx + 0x%llx > 0x%zx)",
                               eh->shstrndx, X(strtab.offset), X(strtab.size), size);
    for (unsigned i = 0; i < eh->shnum; i++) {
        struct shdr sh;
        read_shdr(img, eh, i, &sh);
        if (sh.name >= strtab.size)
            return libxl__elf_fail(err, "section %u: sh_name 0x%x beyond string table (0x%llx)", i,
                                   sh.name, X(strtab.size));
        if (strtab.size - sh.name < sizeof(name) ||
            memcmp(img + strtab.offset + sh.name, name, sizeof(name)))
            continue;
        if (sh.type == SHT_NOBITS || sh.type == SHT_NULL)
            return libxl__elf_fail(err, "section %u (__xen_guest): has no contents", i);
        if (!range_ok(sh.offset, sh.size, size)) /* checked already; kept next to the use */
            return libxl__elf_fail(err,
                                   "section %u (__xen_guest): sh_offset+sh_size beyond end of "
                                   "image (0x%llx + 0x%llx > 0x%zx)",
                                   i, X(sh.offset), X(sh.size), size);
        *found = true;
        return libxl__elf_xen_guest_parse(img + sh.offset, sh.size, notes, err);
    }
    return 0;
}

static int find_notes(const uint8_t *img, size_t size, const struct ehdr *eh,
                      libxl__elf_notes *notes, libxl__elf_err *err)
{
    bool found = false;
    int rc;

    rc = scan_pt_notes(img, size, eh, notes, &found, err);
    if (rc)
        return rc;
    if (found) {
        notes->source = LIBXL__ELF_NOTES_PT_NOTE;
        return 0;
    }
    rc = scan_sht_notes(img, size, eh, notes, &found, err);
    if (rc)
        return rc;
    if (found) {
        notes->source = LIBXL__ELF_NOTES_SHT_NOTE;
        return 0;
    }
    rc = scan_xen_guest(img, size, eh, notes, &found, err);
    if (rc)
        return rc;
    if (found)
        notes->source = LIBXL__ELF_NOTES_XEN_GUEST;
    return 0;
}

static bool in_extent(uint64_t a, uint64_t start, uint64_t end)
{
    return a >= start && a < end;
}

/* A physical entry point must lie in a loaded segment, not in a gap. */
static bool in_segment(const libxl__elf_info *info, uint64_t a)
{
    for (unsigned i = 0; i < info->nr_segs; i++)
        if (a >= info->segs[i].paddr && a - info->segs[i].paddr < info->segs[i].memsz)
            return true;
    return false;
}

static int finish_plain(libxl__elf_info *info, libxl__elf_err *err)
{
    if (!in_segment(info, info->e_entry))
        return libxl__elf_fail(err, "e_entry 0x%llx outside the loaded segments [0x%llx, 0x%llx)",
                               X(info->e_entry), X(info->paddr_start), X(info->paddr_end));
    info->entry = info->e_entry;
    return 0;
}

static int finish_pvh(libxl__elf_info *info, libxl__elf_err *err)
{
    const libxl__elf_notes *n = &info->notes;

    if (!LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_PHYS32_ENTRY))
        return libxl__elf_fail(err, "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
    if (!in_segment(info, n->phys32_entry))
        return libxl__elf_fail(err,
                               "PHYS32_ENTRY 0x%x outside the loaded segments [0x%llx, 0x%llx)",
                               n->phys32_entry, X(info->paddr_start), X(info->paddr_end));
    info->entry = n->phys32_entry;
    return 0;
}

/* Xen's rules for a PV kernel (libelf's note and address checks). */
static int finish_pv(libxl__elf_info *info, libxl__elf_err *err)
{
    const libxl__elf_notes *n = &info->notes;
    uint64_t virt_offset;

    if (n->source == LIBXL__ELF_NOTES_NONE)
        return libxl__elf_fail(err, "not a Xen PV kernel: no Xen ELF notes or __xen_guest section");
    if (strncmp(n->loader, "generic", 7) && strncmp(n->guest_os, "linux", 5))
        return libxl__elf_fail(err,
                               "PV kernel is neither for the generic loader nor Linux "
                               "(LOADER '%s', GUEST_OS '%s')",
                               n->loader, n->guest_os);
    if (strncmp(n->xen_version, "xen-3.0", 7))
        return libxl__elf_fail(err, "PV kernel built for '%s', not for xen-3.0", n->xen_version);
    if (LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_PADDR_OFFSET) &&
        !LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_VIRT_BASE))
        return libxl__elf_fail(err, "PADDR_OFFSET set without VIRT_BASE");

    info->virt_base = LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_VIRT_BASE) ? n->virt_base : 0;
    if (LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_PADDR_OFFSET))
        info->paddr_offset = n->paddr_offset;
    else /* legacy images put virtual addresses in p_paddr */
        info->paddr_offset = n->source == LIBXL__ELF_NOTES_XEN_GUEST ? info->virt_base : 0;

    if (info->paddr_start < info->paddr_offset)
        return libxl__elf_fail(err, "lowest p_paddr 0x%llx below PADDR_OFFSET 0x%llx",
                               X(info->paddr_start), X(info->paddr_offset));
    virt_offset = info->virt_base - info->paddr_offset; /* modulo 2^64, as Xen */
    info->virt_kstart = info->paddr_start + virt_offset;
    info->virt_kend = info->paddr_end + virt_offset;
    if (info->virt_kstart > info->virt_kend || info->virt_kstart < info->virt_base)
        return libxl__elf_fail(err,
                               "virtual extent [0x%llx, 0x%llx) wraps or lies below VIRT_BASE "
                               "0x%llx",
                               X(info->virt_kstart), X(info->virt_kend), X(info->virt_base));

    info->entry = LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_ENTRY) ? n->entry : info->e_entry;
    if (!in_extent(info->entry, info->virt_kstart, info->virt_kend))
        return libxl__elf_fail(err,
                               "entry 0x%llx outside the kernel's virtual extent "
                               "[0x%llx, 0x%llx)",
                               X(info->entry), X(info->virt_kstart), X(info->virt_kend));
    if (LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_HYPERCALL_PAGE)) {
        if (!in_extent(n->hypercall_page, info->virt_kstart, info->virt_kend))
            return libxl__elf_fail(err,
                                   "HYPERCALL_PAGE 0x%llx outside the kernel's virtual extent "
                                   "[0x%llx, 0x%llx)",
                                   X(n->hypercall_page), X(info->virt_kstart), X(info->virt_kend));
        info->hypercall_page = n->hypercall_page;
    }
    if (LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_INIT_P2M) &&
        in_extent(n->init_p2m, info->virt_kstart, info->virt_kend))
        return libxl__elf_fail(err, "INIT_P2M 0x%llx inside the kernel [0x%llx, 0x%llx)",
                               X(n->init_p2m), X(info->virt_kstart), X(info->virt_kend));
    return 0;
}

int libxl__elf_parse(const void *image, size_t size, libxl__elf_mode mode, libxl__elf_info *info,
                     libxl__elf_err *err)
{
    const uint8_t *img = image;
    struct ehdr eh = {0};
    int rc;

    memset(info, 0, sizeof(*info));
    if (!img)
        return libxl__elf_fail(err, "no image");
    rc = read_ehdr(img, size, &eh, err);
    if (rc)
        return rc;
    info->elf_class = eh.cls;
    info->machine = eh.machine;
    info->e_entry = eh.entry;

    if (eh.phnum == PN_XNUM)
        return libxl__elf_fail(err, "ELF header: extended program header numbering "
                                    "(e_phnum 0xffff) not supported");
    if (eh.shnum == 0 && eh.shoff != 0)
        return libxl__elf_fail(err,
                               "ELF header: extended section numbering (e_shnum 0, "
                               "e_shoff 0x%llx) not supported",
                               X(eh.shoff));
    if (eh.phnum == 0)
        return libxl__elf_fail(err, "ELF header: no program headers (e_phnum 0)");
    rc = check_table("program", "ph", eh.phoff, eh.phnum, eh.phentsize,
                     eh.cls == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr), size, err);
    if (rc)
        return rc;
    rc = check_table("section", "sh", eh.shoff, eh.shnum, eh.shentsize,
                     eh.cls == 64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr), size, err);
    if (rc)
        return rc;
    rc = check_sections(img, size, &eh, err);
    if (rc)
        return rc;
    rc = scan_segments(img, size, &eh, info, err);
    if (rc)
        return rc;
    rc = find_notes(img, size, &eh, &info->notes, err);
    if (rc)
        return rc;

    info->mode = mode;
    switch (mode) {
    case LIBXL__ELF_MODE_PV:
        rc = finish_pv(info, err);
        break;
    case LIBXL__ELF_MODE_PVH:
        rc = finish_pvh(info, err);
        break;
    case LIBXL__ELF_MODE_PLAIN:
        rc = finish_plain(info, err);
        break;
    default:
        rc = libxl__elf_fail(err, "unknown load mode %d", (int)mode);
    }
    if (rc)
        return rc;
    if (mode != LIBXL__ELF_MODE_PV) {
        info->virt_kstart = info->paddr_start;
        info->virt_kend = info->paddr_end;
    }
    info->phys_start = info->paddr_start - info->paddr_offset;
    info->phys_end = info->paddr_end - info->paddr_offset;
    return 0;
}

int libxl__elf_load(const void *image, size_t size, const libxl__elf_info *info,
                    const libxl__elf_dest *dest, libxl__elf_err *err)
{
    const uint8_t *img = image;
    uint8_t *buf = dest ? dest->buf : NULL;

    if (!img || !info || !buf)
        return libxl__elf_fail(err, "no image, info or destination buffer");
    if (dest->base > UINT64_MAX - dest->size)
        return libxl__elf_fail(err, "destination: base 0x%llx + size 0x%llx overflows",
                               X(dest->base), X(dest->size));
    if (info->nr_segs > LIBXL__ELF_MAX_SEGS)
        return libxl__elf_fail(err, "info: %u segments (max %u)", info->nr_segs,
                               LIBXL__ELF_MAX_SEGS);

    /* Check everything first, so that a bad image leaves dest untouched. */
    for (unsigned i = 0; i < info->nr_segs; i++) {
        const libxl__elf_seg *s = &info->segs[i];
        uint64_t phys;

        if (s->filesz > s->memsz || !range_ok(s->offset, s->filesz, size))
            return libxl__elf_fail(err,
                                   "segment %u: p_offset+p_filesz beyond end of image "
                                   "(0x%llx + 0x%llx > 0x%zx)",
                                   s->index, X(s->offset), X(s->filesz), size);
        if (s->paddr < info->paddr_offset)
            return libxl__elf_fail(err, "segment %u: p_paddr 0x%llx below PADDR_OFFSET 0x%llx",
                                   s->index, X(s->paddr), X(info->paddr_offset));
        phys = s->paddr - info->paddr_offset;
        if (phys < dest->base || !range_ok(phys - dest->base, s->memsz, dest->size))
            return libxl__elf_fail(err,
                                   "segment %u: guest-physical [0x%llx, +0x%llx) outside the "
                                   "destination [0x%llx, 0x%llx)",
                                   s->index, X(phys), X(s->memsz), X(dest->base),
                                   X(dest->base + dest->size));
    }
    for (unsigned i = 0; i < info->nr_segs; i++) {
        const libxl__elf_seg *s = &info->segs[i];
        uint8_t *to = buf + (s->paddr - info->paddr_offset - dest->base);

        memcpy(to, img + s->offset, s->filesz);
        memset(to + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}
