/*
 * check_elf_hostile.c: hostile ELF images for the kernel loader, one table
 * row each (how the image is built, how it is broken, the mode, the
 * message fragment expected): every one is rejected with a precise error.
 * Images are parsed from a copy of exactly their size, so ASan sees any
 * read past the end.
 */
#include <check.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "check_elf_image.h"
#include "libxl_elf.h"
#include "public/elfnote.h"

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
    img_spec_pv64_notes(s);
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
    img_eh64(i)->e_machine = EM_AARCH64;
}
static void m_type(struct img *i)
{
    img_eh64(i)->e_type = ET_REL;
}
static void m_phoff(struct img *i)
{
    img_eh64(i)->e_phoff = i->size - 8;
}
static void m_phoff_huge(struct img *i)
{
    img_eh64(i)->e_phoff = ~0ull - 16;
}
static void m_phnum_overflow(struct img *i)
{
    img_eh64(i)->e_phnum = 0xfffe;
    img_eh64(i)->e_phentsize = 0xffff;
}
static void m_phentsize(struct img *i)
{
    img_eh64(i)->e_phentsize = 8;
}
static void m_phnum_xnum(struct img *i)
{
    img_eh64(i)->e_phnum = PN_XNUM;
}
static void m_phnum_zero(struct img *i)
{
    img_eh64(i)->e_phnum = 0;
}
static void m_shoff(struct img *i)
{
    img_eh64(i)->e_shoff = i->size;
    img_eh64(i)->e_shnum = 3;
}
static void m_shnum_ext(struct img *i)
{
    img_eh64(i)->e_shoff = 64;
    img_eh64(i)->e_shnum = 0;
}
static void m_seg_beyond(struct img *i)
{
    img_ph64(i, 1)->p_filesz = 0x1000;
    img_ph64(i, 1)->p_offset = i->size - 0x800;
}
static void m_seg_offset_overflow(struct img *i)
{
    img_ph64(i, 0)->p_offset = ~0ull - 0x100;
}
static void m_memsz_lt_filesz(struct img *i)
{
    img_ph64(i, 0)->p_memsz = 0x1000;
}
static void m_overlap(struct img *i)
{
    img_ph64(i, 1)->p_paddr = 0x1002800;
    img_ph64(i, 1)->p_vaddr = 0xffffffff81002000ull;
}
static void m_unsorted(struct img *i)
{
    img_ph64(i, 1)->p_paddr = 0x800000;
}
static void m_huge_memsz(struct img *i)
{
    img_ph64(i, 1)->p_memsz = 0x7fff00000000ull;
}
static void m_paddr_overflow(struct img *i)
{
    img_ph64(i, 1)->p_paddr = ~0ull - 0x10;
}
static void m_vaddr_overflow(struct img *i)
{
    img_ph64(i, 1)->p_vaddr = ~0ull - 0x10;
    img_ph64(i, 1)->p_align = 0;
}
static void m_extent(struct img *i)
{
    img_ph64(i, 1)->p_paddr = 0x80000000ull;
}
static void m_align_pow2(struct img *i)
{
    img_ph64(i, 0)->p_align = 0x3000;
}
static void m_align_congruent(struct img *i)
{
    img_ph64(i, 0)->p_vaddr += 0x10;
}
static void m_no_load(struct img *i)
{
    img_ph64(i, 0)->p_type = PT_NULL;
    img_ph64(i, 1)->p_type = PT_NULL;
}
static void m_note_seg_beyond(struct img *i)
{
    img_ph64(i, i->note_phdr)->p_filesz = i->size;
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
    /* No NUL within descsz and longer than a string may be. */
    s->notes[s->nnotes++] = (struct img_note){XEN_ELFNOTE_GUEST_OS, 70,
                                              "linuxlinuxlinuxlinuxlinuxlinuxlinux"
                                              "linuxlinuxlinuxlinuxlinuxlinuxlinux",
                                              NULL};
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
    img_spec_pv64_notes(s);
    img_note_str(s, XEN_ELFNOTE_FEATURES, "writable_page_tables|bogus");
}
static void sp_bad_pae(struct img_spec *s)
{
    img_spec_pv64_notes(s);
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
    img_sh64(i, 1)->sh_size = i->size;
}
static void m_shstrndx(struct img *i)
{
    img_eh64(i)->e_shstrndx = 9;
}
static void m_sh_name(struct img *i)
{
    img_sh64(i, 1)->sh_name = 0x10000;
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
    img_sh64(i, 1)->sh_type = SHT_NOBITS;
}
/* Found by fuzz_elf: a __xen_guest section of type SHT_NULL pointing anywhere. */
static void m_xen_guest_null_beyond(struct img *i)
{
    img_sh64(i, 1)->sh_type = SHT_NULL;
    img_sh64(i, 1)->sh_offset = 0x10000000000ull;
}
static void m_shstrtab_type(struct img *i)
{
    img_sh64(i, 2)->sh_type = SHT_PROGBITS;
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
    img_spec_pv64_notes(s);
    img_note_num(s, XEN_ELFNOTE_ENTRY, 0xffffffff81005000ull, 8);
}
static void sp_pv_hypercall_outside(struct img_spec *s)
{
    img_spec_pv64_notes(s);
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
    img_spec_pv64_notes(s);
    img_note_num(s, XEN_ELFNOTE_PADDR_OFFSET, 0x2000000, 8);
}
static void sp_pv_p2m_inside(struct img_spec *s)
{
    img_spec_pv64_notes(s);
    img_note_num(s, XEN_ELFNOTE_INIT_P2M, 0xffffffff81001000ull, 8);
}
static void sp_pv_virt_wrap(struct img_spec *s)
{
    img_spec_pv64_notes(s);
    img_note_num(s, XEN_ELFNOTE_VIRT_BASE, 0xffffffffff000000ull, 8);
}
static void sp_pvh_entry_outside(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_num(s, XEN_ELFNOTE_PHYS32_ENTRY, 0x1003800, 4);
}
static void m_plain_entry(struct img *i)
{
    img_eh64(i)->e_entry = 0x2000000;
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
    img_eh64(i)->e_phoff = off;
    img_eh64(i)->e_phnum = (uint16_t)n;
    i->size = off + n * sizeof(Elf64_Phdr);
}

static void m_too_many_notes(struct img *i)
{
    /* 2 PT_LOADs, then 4100 PT_NOTEs all naming the same one-note blob. */
    size_t n = 4102, off = (i->size + 7) & ~(size_t)7;
    uint8_t *d = realloc(i->data, off + n * sizeof(Elf64_Phdr));
    ck_assert_ptr_nonnull(d);
    i->data = d;
    memcpy(d + off, d + i->phoff, 2 * sizeof(Elf64_Phdr));
    for (size_t k = 2; k < n; k++)
        memcpy(d + off + k * sizeof(Elf64_Phdr), d + i->phoff + 2 * sizeof(Elf64_Phdr),
               sizeof(Elf64_Phdr));
    img_eh64(i)->e_phoff = off;
    img_eh64(i)->e_phnum = (uint16_t)n;
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
    {"too many notes", sp_pvh, m_too_many_notes, LIBXL__ELF_MODE_PVH,
     "segment 4098: more than 4096 notes"},
    {"PT_NOTE beyond file", sp_pvh, m_note_seg_beyond, LIBXL__ELF_MODE_PVH,
     "segment 2 (PT_NOTE): p_offset+p_filesz beyond end of image"},
    {"note descsz overflow", sp_pvh, m_note_descsz, LIBXL__ELF_MODE_PVH,
     "segment 2: note at offset 0x0: descsz 0xffffffff beyond end of notes"},
    {"note namesz overflow", sp_pvh, m_note_namesz, LIBXL__ELF_MODE_PVH,
     "note at offset 0x0: namesz 0xfffffff0 beyond end of notes"},
    {"numeric note of 3 bytes", sp_pvh, m_note_num_size, LIBXL__ELF_MODE_PVH,
     "note PHYS32_ENTRY: descsz 3"},
    {"unterminated string", sp_unterminated, NULL, LIBXL__ELF_MODE_PV,
     "note GUEST_OS: string too long (70 bytes, max 63)"},
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

TCase *check_elf_hostile_tcase(void)
{
    TCase *tc = tcase_create("hostile_images");
    tcase_add_loop_test(tc, hostile_image_rejected, 0, sizeof(hostile) / sizeof(hostile[0]));
    return tc;
}
