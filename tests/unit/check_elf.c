/*
 * check_elf.c: the kernel image loader (libxl_elf*.c, libxl_bzimage.c,
 * libxl_inflate.c) on images built in memory: valid PV, PVH, ELF32,
 * __xen_guest, gzip and bzImage kernels load as Xen would load them; a
 * broad set of hostile images is rejected with a precise message and
 * never makes the loader write outside its destination.
 */
#include <check.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "check_elf_image.h"
#include "libxl_elf.h"
#include "public/elfnote.h"

#define PV_VIRT_BASE 0xffffffff80000000ull

/* The notes of a Linux-like x86-64 PV kernel. */
static void spec_pv_notes(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_str(s, XEN_ELFNOTE_GUEST_OS, "linux");
    img_note_str(s, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    img_note_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    img_note_str(s, XEN_ELFNOTE_LOADER, "generic");
    img_note_num(s, XEN_ELFNOTE_VIRT_BASE, PV_VIRT_BASE, 8);
    img_note_num(s, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    img_note_num(s, XEN_ELFNOTE_ENTRY, 0xffffffff81000200ull, 8);
    img_note_num(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001000ull, 8);
    img_note_str(s, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    img_note_num(s, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << 8, 4);
    img_note_str(s, XEN_ELFNOTE_PAE_MODE, "yes");
    img_note_num(s, XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ull, 8);
    img_note_num(s, XEN_ELFNOTE_INIT_P2M, 0xffffea0000000000ull, 8);
    img_note_num(s, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    img_note_num(s, XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
    img_note_str(s, XEN_ELFNOTE_BSD_SYMTAB, "yes");
    {
        static const uint64_t l1[2] = {0x8000000000000001ull, 0x1};
        struct img_note *n = &s->notes[s->nnotes++];
        *n = (struct img_note){XEN_ELFNOTE_L1_MFN_VALID, sizeof(l1), l1, NULL};
    }
    /* A note of another owner with the same type must be ignored. */
    {
        static const uint32_t junk = 0xdeadbeef;
        struct img_note *n = &s->notes[s->nnotes++];
        *n = (struct img_note){XEN_ELFNOTE_ENTRY, 4, &junk, "GNU"};
    }
}

static Elf64_Ehdr *eh64(struct img *img)
{
    return (Elf64_Ehdr *)img->data;
}

static Elf64_Phdr *ph64(struct img *img, unsigned i)
{
    return (Elf64_Phdr *)(img->data + img->phoff + i * sizeof(Elf64_Phdr));
}

static Elf64_Shdr *sh64(struct img *img, unsigned i)
{
    return (Elf64_Shdr *)(img->data + img->shoff + i * sizeof(Elf64_Shdr));
}

static void load_into(const uint8_t *data, size_t size, const libxl__elf_info *info, uint8_t *buf,
                      uint64_t base, uint64_t bufsize)
{
    libxl__elf_dest dest = {buf, base, bufsize};
    libxl__elf_err err = {""};
    int rc = libxl__elf_load(data, size, info, &dest, &err);
    ck_assert_msg(rc == 0, "load failed: %s", err.msg);
}

/* Segment i of the image sits at buf[phys - base]: file bytes then zeros. */
static void check_segment(const struct img_spec *spec, unsigned i, const uint8_t *buf,
                          uint64_t base, uint64_t phys)
{
    const struct img_seg *s = &spec->segs[i];
    for (uint64_t k = 0; k < s->memsz; k++) {
        uint8_t want = k < s->filesz ? img_pattern(i, k) : 0;
        ck_assert_msg(buf[phys - base + k] == want, "segment %u byte 0x%llx: 0x%02x != 0x%02x", i,
                      (unsigned long long)k, buf[phys - base + k], want);
    }
}

START_TEST(pv64_notes_parse_and_load)
{
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    const uint64_t base = 0x1000000, size = 0x10000;
    uint8_t *buf = malloc(size);

    spec_pv_notes(&spec);
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PV, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(info.elf_class, 64);
    ck_assert_int_eq(info.notes.source, LIBXL__ELF_NOTES_PT_NOTE);
    ck_assert_str_eq(info.notes.guest_os, "linux");
    ck_assert_str_eq(info.notes.guest_version, "2.6");
    ck_assert_str_eq(info.notes.xen_version, "xen-3.0");
    ck_assert_str_eq(info.notes.loader, "generic");
    ck_assert_uint_eq(info.virt_base, PV_VIRT_BASE);
    ck_assert_uint_eq(info.paddr_offset, 0);
    ck_assert_uint_eq(info.entry, 0xffffffff81000200ull); /* the note, not e_entry */
    ck_assert_uint_eq(info.hypercall_page, 0xffffffff81001000ull);
    ck_assert_uint_eq(info.virt_kstart, 0xffffffff81000000ull);
    ck_assert_uint_eq(info.virt_kend, 0xffffffff81005000ull);
    ck_assert_uint_eq(info.phys_start, 0x1000000);
    ck_assert_uint_eq(info.phys_end, 0x1005000);
    ck_assert_uint_eq(info.nr_segs, 2);
    ck_assert_uint_eq(info.notes.features_required, 1u << 0);
    ck_assert_uint_eq(info.notes.features_supported, (1u << 0) | (1u << 4) | (1u << 8));
    ck_assert_int_eq(info.notes.pae, LIBXL__ELF_PAE_YES);
    ck_assert(info.notes.bsd_symtab);
    ck_assert_uint_eq(info.notes.hv_start_low, 0xffff800000000000ull);
    ck_assert_uint_eq(info.notes.init_p2m, 0xffffea0000000000ull);
    ck_assert_uint_eq(info.notes.mod_start_pfn, 1);
    ck_assert_uint_eq(info.notes.suspend_cancel, 1);
    ck_assert_uint_eq(info.notes.l1_mfn_valid_mask, 0x8000000000000001ull);
    ck_assert_uint_eq(info.notes.l1_mfn_valid_value, 1);
    for (unsigned t = XEN_ELFNOTE_ENTRY; t <= XEN_ELFNOTE_SUPPORTED_FEATURES; t++)
        ck_assert_msg(LIBXL__ELF_HAS_NOTE(&info.notes, t), "note %s not found",
                      libxl__elf_note_name(t));
    ck_assert(!LIBXL__ELF_HAS_NOTE(&info.notes, XEN_ELFNOTE_PHYS32_ENTRY));

    memset(buf, 0xaa, size);
    load_into(img.data, img.size, &info, buf, base, size);
    check_segment(&spec, 0, buf, base, 0x1000000);
    check_segment(&spec, 1, buf, base, 0x1004000);
    /* The gap between the segments and the space after them: untouched. */
    for (uint64_t a = 0x1003000; a < 0x1004000; a++)
        ck_assert_uint_eq(buf[a - base], 0xaa);
    for (uint64_t a = 0x1005000; a < base + size; a++)
        ck_assert_uint_eq(buf[a - base], 0xaa);
    free(buf);
    img_free(&img);
}
END_TEST

START_TEST(pvh_phys32_entry)
{
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *buf = calloc(1, 0x5000);

    img_spec_pvh64(&spec);
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PVH, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(info.entry, 0x1000040);
    ck_assert_uint_eq(info.notes.phys32_entry, 0x1000040);
    ck_assert(LIBXL__ELF_HAS_NOTE(&info.notes, XEN_ELFNOTE_PHYS32_ENTRY));
    ck_assert_uint_eq(info.phys_start, 0x1000000);
    ck_assert_uint_eq(info.phys_end, 0x1005000);
    load_into(img.data, img.size, &info, buf, 0x1000000, 0x5000); /* exactly fits */
    check_segment(&spec, 0, buf, 0x1000000, 0x1000000);
    check_segment(&spec, 1, buf, 0x1000000, 0x1004000);

    /* Not a PV kernel (no loader/guest OS); plain mode uses e_entry. */
    ck_assert_int_eq(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PV, &info, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "neither for the generic loader nor Linux"));
    ck_assert_int_eq(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PLAIN, &info, &err), 0);
    ck_assert_uint_eq(info.entry, 0x1000100);
    free(buf);
    img_free(&img);
}
END_TEST

START_TEST(elf32_pvh_and_plain)
{
    struct img_spec spec = {.cls = 32, .entry = 0x100000, .nsegs = 2};
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *buf = calloc(1, 0x10000);

    spec.segs[0] = (struct img_seg){0x100000, 0x100000, 0x1800, 0x2000, 0x1000};
    spec.segs[1] = (struct img_seg){0x102000, 0x102000, 0x10, 0x3000, 0x1000};
    img_note_num(&spec, XEN_ELFNOTE_PHYS32_ENTRY, 0x100010, 4);
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PVH, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(info.elf_class, 32);
    ck_assert_uint_eq(info.machine, EM_386);
    ck_assert_uint_eq(info.entry, 0x100010);
    ck_assert_uint_eq(info.phys_end, 0x105000);
    load_into(img.data, img.size, &info, buf, 0xf8000, 0x10000);
    check_segment(&spec, 0, buf, 0xf8000, 0x100000);
    check_segment(&spec, 1, buf, 0xf8000, 0x102000);
    ck_assert_int_eq(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PLAIN, &info, &err), 0);
    ck_assert_uint_eq(info.entry, 0x100000);
    free(buf);
    img_free(&img);
}
END_TEST

START_TEST(notes_in_sht_note_section)
{
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};

    spec_pv_notes(&spec);
    spec.notes_in_section = true;
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PV, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(info.notes.source, LIBXL__ELF_NOTES_SHT_NOTE);
    ck_assert_uint_eq(info.entry, 0xffffffff81000200ull);
    ck_assert_uint_eq(info.hypercall_page, 0xffffffff81001000ull);
    img_free(&img);
}
END_TEST

START_TEST(legacy_xen_guest_section)
{
    struct img_spec spec = {.cls = 32, .entry = 0xc0100000, .nsegs = 1};
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *buf = calloc(1, 0x200000);

    /* Old kernels put virtual addresses in p_paddr; ELF_PADDR_OFFSET says so. */
    spec.segs[0] = (struct img_seg){0xc0100000, 0xc0100000, 0x3000, 0x4000, 0x1000};
    spec.xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,"
                     "ELF_PADDR_OFFSET=0xC0000000,HYPERCALL_PAGE=0x101,LOADER=generic,"
                     "FEATURES=writable_page_tables|!pae_pgdir_above_4gb,PAE=yes[extended-cr3],"
                     "SOMETHING_NEW=1";
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PV, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(info.notes.source, LIBXL__ELF_NOTES_XEN_GUEST);
    ck_assert_str_eq(info.notes.guest_os, "linux");
    ck_assert_str_eq(info.notes.xen_version, "xen-3.0");
    ck_assert_uint_eq(info.virt_base, 0xc0000000);
    ck_assert_uint_eq(info.paddr_offset, 0xc0000000);
    ck_assert_uint_eq(info.hypercall_page, 0xc0101000); /* page number from VIRT_BASE */
    ck_assert_uint_eq(info.entry, 0xc0100000);          /* e_entry */
    ck_assert_uint_eq(info.virt_kstart, 0xc0100000);
    ck_assert_uint_eq(info.phys_start, 0x100000);
    ck_assert_int_eq(info.notes.pae, LIBXL__ELF_PAE_EXTENDED_CR3);
    ck_assert_uint_eq(info.notes.features_supported, (1u << 0) | (1u << 4));
    ck_assert_uint_eq(info.notes.features_required, 1u << 4);
    load_into(img.data, img.size, &info, buf, 0, 0x200000);
    check_segment(&spec, 0, buf, 0, 0x100000);
    img_free(&img);

    /* Without ELF_PADDR_OFFSET the legacy default is VIRT_BASE. */
    spec.xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000";
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PV, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(info.paddr_offset, 0xc0000000);
    ck_assert_uint_eq(info.phys_start, 0x100000);
    ck_assert_uint_eq(info.hypercall_page, 0);
    free(buf);
    img_free(&img);
}
END_TEST

START_TEST(gzip_kernel)
{
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *gz;
    size_t gz_size, elf_size;
    const uint8_t *elf;
    void *to_free;

    spec_pv_notes(&spec);
    img_build(&spec, &img);
    img_gzip(img.data, img.size, &gz, &gz_size);
    ck_assert(libxl__gzip_detect(gz, gz_size));
    ck_assert_msg(libxl__kernel_unwrap(gz, gz_size, LIBXL__INFLATE_DEFAULT_LIMIT, &elf, &elf_size,
                                       &to_free, &err) == 0,
                  "%s", err.msg);
    ck_assert_ptr_eq(elf, to_free);
    ck_assert_uint_eq(elf_size, img.size);
    ck_assert_mem_eq(elf, img.data, img.size);
    ck_assert_msg(libxl__elf_parse(elf, elf_size, LIBXL__ELF_MODE_PV, &info, &err) == 0, "%s",
                  err.msg);
    free(to_free);

    /* A plain ELF is returned in place. */
    ck_assert_int_eq(libxl__kernel_unwrap(img.data, img.size, 1, &elf, &elf_size, &to_free, &err),
                     0);
    ck_assert_ptr_eq(elf, img.data);
    ck_assert_ptr_null(to_free);
    free(gz);
    img_free(&img);
}
END_TEST

START_TEST(gzip_ramdisk)
{
    size_t n = 3 * 1024 * 1024 + 17, out_size;
    uint8_t *data = malloc(n), *gz;
    size_t gz_size;
    void *out;
    libxl__elf_err err = {""};

    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)(i * 2654435761u >> 24);
    img_gzip(data, n, &gz, &gz_size);
    ck_assert_msg(libxl__gzip_inflate(gz, gz_size, n, &out, &out_size, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(out_size, n);
    ck_assert_mem_eq(out, data, n);
    free(out);
    /* One byte less than the data is over the limit. */
    ck_assert_int_eq(libxl__gzip_inflate(gz, gz_size, n - 1, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "exceeds the limit"));
    ck_assert_ptr_null(out);
    free(gz);
    free(data);
}
END_TEST

START_TEST(bzimage_with_gzip_elf)
{
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *gz, *bz;
    size_t gz_size, bz_size, elf_size;
    const uint8_t *elf;
    void *to_free;

    img_spec_pvh64(&spec);
    img_build(&spec, &img);
    img_gzip(img.data, img.size, &gz, &gz_size);
    img_bzimage(gz, gz_size, 0x1f, 0x20f, &bz, &bz_size);
    ck_assert(libxl__bzimage_detect(bz, bz_size));
    ck_assert_msg(libxl__kernel_unwrap(bz, bz_size, LIBXL__INFLATE_DEFAULT_LIMIT, &elf, &elf_size,
                                       &to_free, &err) == 0,
                  "%s", err.msg);
    ck_assert_mem_eq(elf, img.data, img.size);
    ck_assert_msg(libxl__elf_parse(elf, elf_size, LIBXL__ELF_MODE_PVH, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(info.entry, 0x1000040);
    free(to_free);
    free(bz);
    free(gz);
    img_free(&img);
}
END_TEST

/* ---- hostile ELF images: each is rejected with a precise message ---- */

struct hostile {
    const char *name;
    void (*spec)(struct img_spec *);
    void (*mutate)(struct img *);
    libxl__elf_mode mode;
    const char *expect;
};

static void sp_pvh(struct img_spec *s)
{
    img_spec_pvh64(s);
}
static void sp_pv(struct img_spec *s)
{
    spec_pv_notes(s);
}

static void m_truncate_header(struct img *i)
{
    i->size = 40;
}
static void m_truncate_32(struct img *i)
{
    i->data[EI_CLASS] = ELFCLASS32;
    i->size = 50;
}
static void m_bad_magic(struct img *i)
{
    i->data[1] = 'e';
}
static void m_big_endian(struct img *i)
{
    i->data[EI_DATA] = ELFDATA2MSB;
}
static void m_bad_class(struct img *i)
{
    i->data[EI_CLASS] = 7;
}
static void m_machine(struct img *i)
{
    eh64(i)->e_machine = EM_AARCH64;
}
static void m_type(struct img *i)
{
    eh64(i)->e_type = ET_REL;
}
static void m_phoff(struct img *i)
{
    eh64(i)->e_phoff = i->size - 8;
}
static void m_phoff_huge(struct img *i)
{
    eh64(i)->e_phoff = ~0ull - 16;
}
static void m_phnum_overflow(struct img *i)
{
    eh64(i)->e_phnum = 0xfffe;
    eh64(i)->e_phentsize = 0xffff;
}
static void m_phentsize(struct img *i)
{
    eh64(i)->e_phentsize = 8;
}
static void m_phnum_xnum(struct img *i)
{
    eh64(i)->e_phnum = PN_XNUM;
}
static void m_phnum_zero(struct img *i)
{
    eh64(i)->e_phnum = 0;
}
static void m_shoff(struct img *i)
{
    eh64(i)->e_shoff = i->size;
    eh64(i)->e_shnum = 3;
}
static void m_shnum_ext(struct img *i)
{
    eh64(i)->e_shoff = 64;
    eh64(i)->e_shnum = 0;
}
static void m_seg_beyond(struct img *i)
{
    ph64(i, 1)->p_filesz = 0x1000;
    ph64(i, 1)->p_offset = i->size - 0x800;
}
static void m_seg_offset_overflow(struct img *i)
{
    ph64(i, 0)->p_offset = ~0ull - 0x100;
}
static void m_memsz_lt_filesz(struct img *i)
{
    ph64(i, 0)->p_memsz = 0x1000;
}
static void m_overlap(struct img *i)
{
    ph64(i, 1)->p_paddr = 0x1002800;
    ph64(i, 1)->p_vaddr = 0xffffffff81002000ull;
}
static void m_unsorted(struct img *i)
{
    ph64(i, 1)->p_paddr = 0x800000;
}
static void m_huge_memsz(struct img *i)
{
    ph64(i, 1)->p_memsz = 0x7fff00000000ull;
}
static void m_paddr_overflow(struct img *i)
{
    ph64(i, 1)->p_paddr = ~0ull - 0x10;
}
static void m_vaddr_overflow(struct img *i)
{
    ph64(i, 1)->p_vaddr = ~0ull - 0x10;
    ph64(i, 1)->p_align = 0;
}
static void m_extent(struct img *i)
{
    ph64(i, 1)->p_paddr = 0x80000000ull;
}
static void m_align_pow2(struct img *i)
{
    ph64(i, 0)->p_align = 0x3000;
}
static void m_align_congruent(struct img *i)
{
    ph64(i, 0)->p_vaddr += 0x10;
}
static void m_no_load(struct img *i)
{
    ph64(i, 0)->p_type = PT_NULL;
    ph64(i, 1)->p_type = PT_NULL;
}
static void m_note_seg_beyond(struct img *i)
{
    ph64(i, i->note_phdr)->p_filesz = i->size;
}
/* The first note header in the notes blob. */
static uint32_t *note0(struct img *i)
{
    return (uint32_t *)(i->data + i->notes_off);
}
static void m_note_descsz(struct img *i)
{
    note0(i)[1] = 0xffffffff;
}
static void m_note_namesz(struct img *i)
{
    note0(i)[0] = 0xfffffff0;
}
static void m_note_num_size(struct img *i)
{
    note0(i)[1] = 3;
}
static void sp_unterminated(struct img_spec *s)
{
    img_spec_pv64(s);
    s->notes[s->nnotes++] = (struct img_note){XEN_ELFNOTE_GUEST_OS, 5, "linux", NULL};
}
static void sp_long_string(struct img_spec *s)
{
    static char str[200];
    img_spec_pv64(s);
    memset(str, 'a', sizeof(str) - 1);
    img_note_str(s, XEN_ELFNOTE_LOADER, str);
}
static void sp_phys32_wide(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_num(s, XEN_ELFNOTE_PHYS32_ENTRY, 0x100000000ull, 8);
}
static void sp_bad_feature(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_str(s, XEN_ELFNOTE_FEATURES, "writable_page_tables|bogus");
}
static void sp_bad_pae(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_str(s, XEN_ELFNOTE_PAE_MODE, "maybe");
}
static void sp_featmap_size(struct img_spec *s)
{
    img_spec_pvh64(s);
    img_note_num(s, XEN_ELFNOTE_SUPPORTED_FEATURES, 1, 2);
}
static void sp_l1_mfn_size(struct img_spec *s)
{
    img_spec_pvh64(s);
    img_note_num(s, XEN_ELFNOTE_L1_MFN_VALID, 1, 4);
}
static void sp_section_notes(struct img_spec *s)
{
    img_spec_pvh64(s);
    s->notes_in_section = true;
}
static void m_section_beyond(struct img *i)
{
    sh64(i, 1)->sh_size = i->size;
}
static void m_shstrndx(struct img *i)
{
    eh64(i)->e_shstrndx = 9;
}
static void m_sh_name(struct img *i)
{
    sh64(i, 1)->sh_name = 0x10000;
}
static void m_section_note_descsz(struct img *i)
{
    note0(i)[1] = 0x7fffffff;
}
static void sp_xen_guest_bad_number(struct img_spec *s)
{
    img_spec_pv64(s);
    s->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff8000000g";
}
static void sp_xen_guest_big_number(struct img_spec *s)
{
    img_spec_pv64(s);
    s->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x1ffffffffffffffff";
}
static void sp_xen_guest_hypercall(struct img_spec *s)
{
    img_spec_pv64(s);
    s->xen_guest = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
                   "HYPERCALL_PAGE=0xffffffffffff";
}
static void sp_xen_guest_long(struct img_spec *s)
{
    static char str[2048];
    img_spec_pv64(s);
    memset(str, 'x', sizeof(str) - 1);
    s->xen_guest = str;
}
static void sp_xen_guest_sh_nobits(struct img_spec *s)
{
    img_spec_pv64(s);
    s->xen_guest = "GUEST_OS=linux";
}
static void m_xen_guest_nobits(struct img *i)
{
    sh64(i, 1)->sh_type = SHT_NOBITS;
}
/* Found by fuzz_elf: a __xen_guest section of type SHT_NULL pointing anywhere. */
static void m_xen_guest_null_beyond(struct img *i)
{
    sh64(i, 1)->sh_type = SHT_NULL;
    sh64(i, 1)->sh_offset = 0x10000000000ull;
}
static void m_shstrtab_type(struct img *i)
{
    sh64(i, 2)->sh_type = SHT_PROGBITS;
}
static void sp_no_notes(struct img_spec *s)
{
    img_spec_pv64(s);
}
static void sp_pv_wrong_xen(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_str(s, XEN_ELFNOTE_GUEST_OS, "linux");
    img_note_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
}
static void sp_pv_entry_outside(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_num(s, XEN_ELFNOTE_ENTRY, 0xffffffff81005000ull, 8);
}
static void sp_pv_hypercall_outside(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_num(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff80000000ull, 8);
}
static void sp_pv_offset_no_base(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_str(s, XEN_ELFNOTE_GUEST_OS, "linux");
    img_note_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    img_note_num(s, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
}
static void sp_pv_paddr_below_offset(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_num(s, XEN_ELFNOTE_PADDR_OFFSET, 0x2000000, 8);
}
static void sp_pv_p2m_inside(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_num(s, XEN_ELFNOTE_INIT_P2M, 0xffffffff81001000ull, 8);
}
static void sp_pv_virt_wrap(struct img_spec *s)
{
    spec_pv_notes(s);
    img_note_num(s, XEN_ELFNOTE_VIRT_BASE, 0xffffffffff000000ull, 8);
}
static void sp_pvh_entry_outside(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_num(s, XEN_ELFNOTE_PHYS32_ENTRY, 0x1003800, 4);
}
static void m_plain_entry(struct img *i)
{
    eh64(i)->e_entry = 0x2000000;
}
static void sp_too_many_segs(struct img_spec *s)
{
    img_spec_pvh64(s);
}
static void m_too_many_segs(struct img *i)
{
    /* Point e_phnum past the real headers at a forged table of 40 PT_LOADs. */
    size_t n = 40, off = (i->size + 7) & ~(size_t)7;
    uint8_t *d = realloc(i->data, off + n * sizeof(Elf64_Phdr));
    ck_assert_ptr_nonnull(d);
    i->data = d;
    for (size_t k = 0; k < n; k++) {
        Elf64_Phdr ph = {PT_LOAD, 0, 0, 0x100000 + k * 0x1000, 0x100000 + k * 0x1000, 0, 0x10, 0};
        memcpy(d + off + k * sizeof(ph), &ph, sizeof(ph));
    }
    eh64(i)->e_phoff = off;
    eh64(i)->e_phnum = (uint16_t)n;
    i->size = off + n * sizeof(Elf64_Phdr);
}

static const struct hostile hostile[] = {
    {"truncated ELF64 header", sp_pvh, m_truncate_header, LIBXL__ELF_MODE_PVH,
     "ELF64 header truncated"},
    {"truncated ELF32 header", sp_pvh, m_truncate_32, LIBXL__ELF_MODE_PVH,
     "ELF32 header truncated"},
    {"bad magic", sp_pvh, m_bad_magic, LIBXL__ELF_MODE_PVH, "not an ELF image"},
    {"big-endian", sp_pvh, m_big_endian, LIBXL__ELF_MODE_PVH, "not little-endian"},
    {"bad class", sp_pvh, m_bad_class, LIBXL__ELF_MODE_PVH, "EI_CLASS 7"},
    {"not x86", sp_pvh, m_machine, LIBXL__ELF_MODE_PVH, "e_machine 183 is not x86-64"},
    {"relocatable", sp_pvh, m_type, LIBXL__ELF_MODE_PVH, "e_type 1 is not an executable"},
    {"phoff past end", sp_pvh, m_phoff, LIBXL__ELF_MODE_PVH,
     "program headers beyond end of image (e_phoff 0x"},
    {"phoff huge", sp_pvh, m_phoff_huge, LIBXL__ELF_MODE_PVH, "program headers beyond end"},
    {"phnum*phentsize huge", sp_pvh, m_phnum_overflow, LIBXL__ELF_MODE_PVH, "+ 65534 * 65535 > 0x"},
    {"phentsize too small", sp_pvh, m_phentsize, LIBXL__ELF_MODE_PVH,
     "e_phentsize 8 too small (need 56)"},
    {"PN_XNUM", sp_pvh, m_phnum_xnum, LIBXL__ELF_MODE_PVH, "extended program header numbering"},
    {"no program headers", sp_pvh, m_phnum_zero, LIBXL__ELF_MODE_PVH, "no program headers"},
    {"shoff past end", sp_pvh, m_shoff, LIBXL__ELF_MODE_PVH, "section headers beyond end"},
    {"extended shnum", sp_pvh, m_shnum_ext, LIBXL__ELF_MODE_PVH, "extended section numbering"},
    {"segment beyond file", sp_pvh, m_seg_beyond, LIBXL__ELF_MODE_PVH,
     "segment 1: p_offset+p_filesz beyond end of image (0x"},
    {"segment offset overflow", sp_pvh, m_seg_offset_overflow, LIBXL__ELF_MODE_PVH,
     "segment 0: p_offset+p_filesz overflows"},
    {"memsz < filesz", sp_pvh, m_memsz_lt_filesz, LIBXL__ELF_MODE_PVH,
     "segment 0: p_filesz 0x2000 > p_memsz 0x1000"},
    {"overlapping segments", sp_pvh, m_overlap, LIBXL__ELF_MODE_PVH,
     "segment 1 overlaps segment 0 (p_paddr 0x1002800 < 0x1003000)"},
    {"unsorted segments", sp_pvh, m_unsorted, LIBXL__ELF_MODE_PVH,
     "segment 1: p_paddr 0x800000 below segment 0's 0x1000000"},
    {"huge memsz", sp_pvh, m_huge_memsz, LIBXL__ELF_MODE_PVH,
     "segment 1: p_memsz 0x7fff00000000 exceeds the limit"},
    {"paddr+memsz overflow", sp_pvh, m_paddr_overflow, LIBXL__ELF_MODE_PVH,
     "segment 1: p_paddr+p_memsz overflows"},
    {"vaddr+memsz overflow", sp_pvh, m_vaddr_overflow, LIBXL__ELF_MODE_PVH,
     "segment 1: p_vaddr+p_memsz overflows"},
    {"extent too large", sp_pvh, m_extent, LIBXL__ELF_MODE_PVH, "loadable extent [0x1000000"},
    {"p_align not power of 2", sp_pvh, m_align_pow2, LIBXL__ELF_MODE_PVH,
     "segment 0: p_align 0x3000 is not a power of two"},
    {"p_vaddr/p_offset misaligned", sp_pvh, m_align_congruent, LIBXL__ELF_MODE_PVH,
     "differ modulo p_align 0x1000"},
    {"no PT_LOAD", sp_pvh, m_no_load, LIBXL__ELF_MODE_PVH, "no loadable (PT_LOAD) segments"},
    {"too many PT_LOAD", sp_too_many_segs, m_too_many_segs, LIBXL__ELF_MODE_PLAIN,
     "segment 32: more than 32 PT_LOAD segments"},
    {"PT_NOTE beyond file", sp_pvh, m_note_seg_beyond, LIBXL__ELF_MODE_PVH,
     "segment 2 (PT_NOTE): p_offset+p_filesz beyond end of image"},
    {"note descsz overflow", sp_pvh, m_note_descsz, LIBXL__ELF_MODE_PVH,
     "segment 2: note at offset 0x0: descsz 0xffffffff beyond end of notes"},
    {"note namesz overflow", sp_pvh, m_note_namesz, LIBXL__ELF_MODE_PVH,
     "note at offset 0x0: namesz 0xfffffff0 beyond end of notes"},
    {"numeric note of 3 bytes", sp_pvh, m_note_num_size, LIBXL__ELF_MODE_PVH,
     "note PHYS32_ENTRY: descsz 3"},
    {"unterminated string", sp_unterminated, NULL, LIBXL__ELF_MODE_PV,
     "note GUEST_OS: string not NUL-terminated within descsz 5"},
    {"string too long", sp_long_string, NULL, LIBXL__ELF_MODE_PV,
     "note LOADER: string too long (199 bytes, max 63)"},
    {"PHYS32_ENTRY above 4G", sp_phys32_wide, NULL, LIBXL__ELF_MODE_PVH,
     "PHYS32_ENTRY: value 0x100000000 does not fit 32 bits"},
    {"unknown feature", sp_bad_feature, NULL, LIBXL__ELF_MODE_PV,
     "FEATURES: unknown feature 'bogus'"},
    {"unknown PAE mode", sp_bad_pae, NULL, LIBXL__ELF_MODE_PV, "PAE_MODE: unknown mode 'maybe'"},
    {"SUPPORTED_FEATURES size", sp_featmap_size, NULL, LIBXL__ELF_MODE_PVH,
     "SUPPORTED_FEATURES: descsz 2 is not a multiple of 4"},
    {"L1_MFN_VALID size", sp_l1_mfn_size, NULL, LIBXL__ELF_MODE_PVH,
     "L1_MFN_VALID: descsz 4 is not a list of mask/value pairs"},
    {"section beyond file", sp_section_notes, m_section_beyond, LIBXL__ELF_MODE_PVH,
     "section 1: sh_offset+sh_size beyond end of image"},
    {"e_shstrndx out of range", sp_section_notes, m_shstrndx, LIBXL__ELF_MODE_PVH,
     "e_shstrndx 9 out of range (e_shnum 3)"},
    {"SHT_NOTE descsz overflow", sp_section_notes, m_section_note_descsz, LIBXL__ELF_MODE_PVH,
     "section 1: note at offset 0x0: descsz 0x7fffffff beyond end of notes"},
    {"sh_name beyond strtab", sp_xen_guest_sh_nobits, m_sh_name, LIBXL__ELF_MODE_PV,
     "section 1: sh_name 0x10000 beyond string table"},
    {"__xen_guest NOBITS", sp_xen_guest_sh_nobits, m_xen_guest_nobits, LIBXL__ELF_MODE_PV,
     "(__xen_guest): has no contents"},
    {"__xen_guest SHT_NULL beyond file", sp_xen_guest_sh_nobits, m_xen_guest_null_beyond,
     LIBXL__ELF_MODE_PV, "(__xen_guest): has no contents"},
    {"shstrtab not STRTAB", sp_xen_guest_sh_nobits, m_shstrtab_type, LIBXL__ELF_MODE_PV,
     "is not SHT_STRTAB"},
    {"__xen_guest bad number", sp_xen_guest_bad_number, NULL, LIBXL__ELF_MODE_PV,
     "__xen_guest: VIRT_BASE: bad number '0xffffffff8000000g'"},
    {"__xen_guest number overflow", sp_xen_guest_big_number, NULL, LIBXL__ELF_MODE_PV,
     "__xen_guest: VIRT_BASE: bad number"},
    {"__xen_guest hypercall page", sp_xen_guest_hypercall, NULL, LIBXL__ELF_MODE_PV,
     "__xen_guest: HYPERCALL_PAGE 0xffffffffffff out of range"},
    {"__xen_guest too long", sp_xen_guest_long, NULL, LIBXL__ELF_MODE_PV,
     "__xen_guest: string too long (2047 bytes"},
    {"PV without notes", sp_no_notes, NULL, LIBXL__ELF_MODE_PV,
     "not a Xen PV kernel: no Xen ELF notes or __xen_guest section"},
    {"PV for xen-2.0", sp_pv_wrong_xen, NULL, LIBXL__ELF_MODE_PV,
     "PV kernel built for 'xen-2.0', not for xen-3.0"},
    {"PV entry outside", sp_pv_entry_outside, NULL, LIBXL__ELF_MODE_PV,
     "entry 0xffffffff81005000 outside the kernel's virtual extent"},
    {"PV hypercall page outside", sp_pv_hypercall_outside, NULL, LIBXL__ELF_MODE_PV,
     "HYPERCALL_PAGE 0xffffffff80000000 outside"},
    {"PV PADDR_OFFSET without VIRT_BASE", sp_pv_offset_no_base, NULL, LIBXL__ELF_MODE_PV,
     "PADDR_OFFSET set without VIRT_BASE"},
    {"PV p_paddr below PADDR_OFFSET", sp_pv_paddr_below_offset, NULL, LIBXL__ELF_MODE_PV,
     "lowest p_paddr 0x1000000 below PADDR_OFFSET 0x2000000"},
    {"PV INIT_P2M inside kernel", sp_pv_p2m_inside, NULL, LIBXL__ELF_MODE_PV,
     "INIT_P2M 0xffffffff81001000 inside the kernel"},
    {"PV virtual extent wraps", sp_pv_virt_wrap, NULL, LIBXL__ELF_MODE_PV,
     "wraps or lies below VIRT_BASE"},
    {"PVH without PHYS32_ENTRY", sp_pv, NULL, LIBXL__ELF_MODE_PVH,
     "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel"},
    {"PVH entry outside", sp_pvh_entry_outside, NULL, LIBXL__ELF_MODE_PVH,
     "PHYS32_ENTRY 0x1003800 outside the loaded segments"},
    {"plain e_entry outside", sp_pvh, m_plain_entry, LIBXL__ELF_MODE_PLAIN,
     "e_entry 0x2000000 outside the loaded segments"},
};

START_TEST(hostile_image_rejected)
{
    const struct hostile *h = &hostile[_i];
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    int rc;

    h->spec(&spec);
    img_build(&spec, &img);
    if (h->mutate)
        h->mutate(&img);
    /* Parse a copy of exactly size bytes, so ASan sees any overread. */
    uint8_t *copy = malloc(img.size);
    memcpy(copy, img.data, img.size);
    rc = libxl__elf_parse(copy, img.size, h->mode, &info, &err);
    ck_assert_msg(rc == LIBXL__ELF_ERROR_INVAL, "%s: accepted (rc %d)", h->name, rc);
    ck_assert_msg(strstr(err.msg, h->expect), "%s: message '%s' lacks '%s'", h->name, err.msg,
                  h->expect);
    free(copy);
    img_free(&img);
}
END_TEST

/* ---- destinations: nothing is written outside ---- */

START_TEST(segments_outside_destination)
{
    static const struct {
        uint64_t base, size;
        const char *expect;
    } dests[] = {
        {0x1000000, 0x4fff,
         "segment 1: guest-physical [0x1004000, +0x1000) outside the "
         "destination [0x1000000, 0x1004fff)"},
        {0x1000001, 0x10000, "segment 0: guest-physical [0x1000000, +0x3000) outside"},
        {0, 0x1000000,
         "segment 0: guest-physical [0x1000000, +0x3000) outside the destination "
         "[0x0, 0x1000000)"},
        {0xfffffffffffff000ull, 0x2000,
         "destination: base 0xfffffffffffff000 + size 0x2000 "
         "overflows"},
    };
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *buf = malloc(0x10000);

    img_spec_pvh64(&spec);
    img_build(&spec, &img);
    ck_assert_int_eq(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PVH, &info, &err), 0);
    for (unsigned d = 0; d < sizeof(dests) / sizeof(dests[0]); d++) {
        /* buf is only as large as the destination claims (ASan checks). */
        uint8_t *exact = malloc(dests[d].size < 0x10000 ? dests[d].size : 1);
        libxl__elf_dest dest = {dests[d].size < 0x10000 ? exact : buf, dests[d].base,
                                dests[d].size};
        if (dests[d].size < 0x10000)
            memset(exact, 0x5a, dests[d].size);
        ck_assert_int_eq(libxl__elf_load(img.data, img.size, &info, &dest, &err),
                         LIBXL__ELF_ERROR_INVAL);
        ck_assert_msg(strstr(err.msg, dests[d].expect), "'%s' lacks '%s'", err.msg,
                      dests[d].expect);
        for (uint64_t k = 0; dests[d].size < 0x10000 && k < dests[d].size; k++)
            ck_assert_msg(exact[k] == 0x5a, "byte 0x%llx written", (unsigned long long)k);
        free(exact);
    }

    /* A load with an image shorter than the parsed one is refused too. */
    {
        libxl__elf_dest dest = {buf, 0x1000000, 0x10000};
        ck_assert_int_eq(libxl__elf_load(img.data, img.seg_off[1] + 0x10, &info, &dest, &err),
                         LIBXL__ELF_ERROR_INVAL);
        ck_assert_ptr_nonnull(strstr(err.msg, "segment 1: p_offset+p_filesz beyond end"));
    }
    free(buf);
    img_free(&img);
}
END_TEST

/* ---- gzip and bzImage ---- */

START_TEST(gzip_bomb_stopped)
{
    size_t n = 64u << 20; /* 64 MiB of zeros: about 64 KiB of gzip */
    uint8_t *zeros = calloc(1, n), *gz;
    size_t gz_size, out_size;
    void *out = (void *)1;
    libxl__elf_err err = {""};

    img_gzip(zeros, n, &gz, &gz_size);
    free(zeros);
    ck_assert_uint_lt(gz_size, 1u << 20);
    ck_assert_int_eq(libxl__gzip_inflate(gz, gz_size, 16u << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "gzip: output exceeds the limit of 0x1000000 bytes"));
    ck_assert_ptr_null(out);
    free(gz);
}
END_TEST

START_TEST(gzip_damaged)
{
    static const char text[] = "a ramdisk that is not very long, a ramdisk that is not long";
    uint8_t *gz;
    size_t gz_size, out_size;
    void *out;
    libxl__elf_err err = {""};

    img_gzip(text, sizeof(text), &gz, &gz_size);
    ck_assert_int_eq(libxl__gzip_inflate(gz, gz_size - 12, 1 << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "gzip: truncated stream"));
    gz[12] ^= 0xff;
    gz[13] ^= 0xff;
    ck_assert_int_eq(libxl__gzip_inflate(gz, gz_size, 1 << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_msg(strstr(err.msg, "gzip: corrupt data") || strstr(err.msg, "truncated"), "%s",
                  err.msg);
    gz[12] ^= 0xff;
    gz[13] ^= 0xff;
    gz[gz_size - 8] ^= 1; /* CRC */
    ck_assert_int_eq(libxl__gzip_inflate(gz, gz_size, 1 << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "incorrect data check"));
    ck_assert_int_eq(libxl__gzip_inflate("\x1f\x8b", 2, 1 << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a gzip"));
    free(gz);
}
END_TEST

START_TEST(bzimage_hostile)
{
    static const uint8_t xz[] = {0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    uint8_t *bz;
    size_t bz_size, elf_size;
    const uint8_t *elf;
    void *to_free;
    libxl__elf_err err = {""};
    uint32_t v;

    img_bzimage(xz, sizeof(xz), 4, 0x20f, &bz, &bz_size);

    /* payload_offset past the end of the image. */
    v = 0x1000;
    memcpy(bz + 0x248, &v, 4);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_msg(strstr(err.msg, "bzImage: payload [0x1a00, +0x10) beyond end of image (0xa10)"),
                  "%s", err.msg);
    /* payload_offset + payload_length wrapping 32 bits. */
    v = 0xfffffff0;
    memcpy(bz + 0x248, &v, 4);
    v = 0x20;
    memcpy(bz + 0x24c, &v, 4);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "beyond end of image"));
    /* payload_length past the end. */
    v = 0;
    memcpy(bz + 0x248, &v, 4);
    v = 0x11;
    memcpy(bz + 0x24c, &v, 4);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "beyond end of image"));
    v = 0;
    memcpy(bz + 0x24c, &v, 4);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "empty payload"));
    /* An xz payload is named. */
    v = sizeof(xz);
    memcpy(bz + 0x24c, &v, 4);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "bzImage payload is xz-compressed"));
    /* An old boot protocol has no payload fields. */
    bz[0x206] = 0x07;
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "boot protocol 2.07 has no payload fields"));
    /* A file shorter than the setup header is not a bzImage at all. */
    ck_assert_int_eq(libxl__kernel_unwrap(bz, 0x240, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "unrecognised kernel format"));
    ck_assert_ptr_null(to_free);
    free(bz);
}
END_TEST

START_TEST(bzimage_payload_not_elf)
{
    static const char junk[] = "this is not an ELF vmlinux at all, just words";
    uint8_t *gz, *bz;
    size_t gz_size, bz_size, elf_size;
    const uint8_t *elf;
    void *to_free;
    libxl__elf_info info;
    libxl__elf_err err = {""};

    img_gzip(junk, sizeof(junk), &gz, &gz_size);
    img_bzimage(gz, gz_size, 0, 0x20c, &bz, &bz_size); /* setup_sects 0 means 4 */
    ck_assert_msg(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(libxl__elf_parse(elf, elf_size, LIBXL__ELF_MODE_PVH, &info, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "not an ELF image"));
    free(to_free);
    free(bz);
    free(gz);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elf");
    TCase *valid = tcase_create("valid");
    TCase *bad = tcase_create("hostile");

    tcase_add_test(valid, pv64_notes_parse_and_load);
    tcase_add_test(valid, pvh_phys32_entry);
    tcase_add_test(valid, elf32_pvh_and_plain);
    tcase_add_test(valid, notes_in_sht_note_section);
    tcase_add_test(valid, legacy_xen_guest_section);
    tcase_add_test(valid, gzip_kernel);
    tcase_add_test(valid, gzip_ramdisk);
    tcase_add_test(valid, bzimage_with_gzip_elf);
    suite_add_tcase(s, valid);

    tcase_add_loop_test(bad, hostile_image_rejected, 0, sizeof(hostile) / sizeof(hostile[0]));
    tcase_add_test(bad, segments_outside_destination);
    tcase_add_test(bad, gzip_bomb_stopped);
    tcase_add_test(bad, gzip_damaged);
    tcase_add_test(bad, bzimage_hostile);
    tcase_add_test(bad, bzimage_payload_not_elf);
    tcase_set_timeout(bad, 30);
    suite_add_tcase(s, bad);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
