/*
 * check_elf_image.c: the in-memory kernel image builder for the ELF
 * loader's tests (see check_elf_image.h).
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check_elf_image.h"
#include "public/elfnote.h"

#define ALIGN_UP(v, a) (((v) + (a)-1) / (a) * (a))

static uint8_t desc_arena[8192];
static size_t desc_used;

static void *desc_copy(const void *p, size_t n)
{
    void *d;
    if (desc_used + n > sizeof(desc_arena))
        abort();
    d = desc_arena + desc_used;
    memcpy(d, p, n);
    desc_used += ALIGN_UP(n, 8);
    return d;
}

void img_note_str(struct img_spec *spec, uint32_t type, const char *s)
{
    struct img_note *n = &spec->notes[spec->nnotes++];
    if (spec->nnotes > IMG_MAX_NOTES)
        abort();
    n->type = type;
    n->descsz = (uint32_t)strlen(s) + 1;
    n->desc = desc_copy(s, n->descsz);
    n->name = NULL;
}

void img_note_num(struct img_spec *spec, uint32_t type, uint64_t v, unsigned size)
{
    struct img_note *n = &spec->notes[spec->nnotes++];
    uint8_t b[8];
    if (spec->nnotes > IMG_MAX_NOTES || size > 8)
        abort();
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    n->type = type;
    n->descsz = size;
    n->desc = desc_copy(b, size);
    n->name = NULL;
}

void img_spec_pv64(struct img_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    desc_used = 0;
    spec->cls = 64;
    spec->entry = 0xffffffff81000100ull;
    spec->nsegs = 2;
    spec->segs[0] = (struct img_seg){0x1000000, 0xffffffff81000000ull, 0x2000, 0x3000, 0x1000};
    spec->segs[1] = (struct img_seg){0x1004000, 0xffffffff81004000ull, 0x100, 0x1000, 0x1000};
}

void img_spec_pvh64(struct img_spec *spec)
{
    img_spec_pv64(spec);
    spec->entry = 0x1000100; /* unused for PVH */
    img_note_num(spec, 18 /* PHYS32_ENTRY */, 0x1000040, 4);
}

void img_spec_pv64_notes(struct img_spec *s)
{
    img_spec_pv64(s);
    img_note_str(s, XEN_ELFNOTE_GUEST_OS, "linux");
    img_note_str(s, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    img_note_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    img_note_str(s, XEN_ELFNOTE_LOADER, "generic");
    img_note_num(s, XEN_ELFNOTE_VIRT_BASE, IMG_PV_VIRT_BASE, 8);
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

Elf64_Ehdr *img_eh64(struct img *img)
{
    return (Elf64_Ehdr *)img->data;
}

Elf64_Phdr *img_ph64(struct img *img, unsigned i)
{
    return (Elf64_Phdr *)(img->data + img->phoff + i * sizeof(Elf64_Phdr));
}

Elf64_Shdr *img_sh64(struct img *img, unsigned i)
{
    return (Elf64_Shdr *)(img->data + img->shoff + i * sizeof(Elf64_Shdr));
}

/* The notes blob: each note 4-byte aligned, name "Xen" unless given. */
static size_t notes_build(const struct img_spec *spec, uint8_t *out)
{
    size_t off = 0;
    for (unsigned i = 0; i < spec->nnotes; i++) {
        const struct img_note *n = &spec->notes[i];
        const char *name = n->name ? n->name : "Xen";
        uint32_t hdr[3] = {(uint32_t)strlen(name) + 1, n->descsz, n->type};
        if (out) {
            memcpy(out + off, hdr, 12);
            memcpy(out + off + 12, name, hdr[0]);
            memcpy(out + off + 12 + ALIGN_UP(hdr[0], 4), n->desc, n->descsz);
        }
        off += 12 + ALIGN_UP(hdr[0], 4) + ALIGN_UP(n->descsz, 4);
    }
    return off;
}

static const char shstrtab[] = "\0.note.Xen\0__xen_guest\0.shstrtab";
enum { NAME_NOTE = 1, NAME_XEN_GUEST = 11, NAME_SHSTRTAB = 23 };

struct sec {
    uint32_t name, type;
    uint64_t off, size, align;
};

void img_build(const struct img_spec *spec, struct img *img)
{
    bool is64 = spec->cls == 64;
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    size_t shsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    bool pt_note = spec->nnotes && !spec->notes_in_section;
    bool sections = (spec->nnotes && spec->notes_in_section) || spec->xen_guest;
    struct sec secs[4];
    unsigned nsecs = 0;
    size_t off, xg_off = 0, xg_size = 0, str_off = 0;

    memset(img, 0, sizeof(*img));
    img->phoff = ALIGN_UP(ehsize, 8);
    img->phnum = spec->nsegs + (pt_note ? 1 : 0);
    off = img->phoff + img->phnum * phsize;

    off = ALIGN_UP(off, 8);
    img->notes_off = off;
    img->notes_size = notes_build(spec, NULL);
    off += img->notes_size;
    if (spec->xen_guest) {
        xg_off = off;
        xg_size = strlen(spec->xen_guest) + 1;
        off += xg_size;
    }
    if (sections) {
        str_off = off;
        off += sizeof(shstrtab);
    }
    for (unsigned i = 0; i < spec->nsegs; i++) {
        uint64_t a = spec->segs[i].align > 1 ? spec->segs[i].align : 1;
        off = ALIGN_UP(off, a) + spec->segs[i].vaddr % a;
        img->seg_off[i] = off;
        off += spec->segs[i].filesz;
    }
    if (sections) {
        secs[nsecs++] = (struct sec){0, SHT_NULL, 0, 0, 0};
        if (spec->nnotes && spec->notes_in_section)
            secs[nsecs++] = (struct sec){NAME_NOTE, SHT_NOTE, img->notes_off, img->notes_size, 4};
        if (spec->xen_guest)
            secs[nsecs++] = (struct sec){NAME_XEN_GUEST, SHT_PROGBITS, xg_off, xg_size, 1};
        secs[nsecs++] = (struct sec){NAME_SHSTRTAB, SHT_STRTAB, str_off, sizeof(shstrtab), 1};
        off = ALIGN_UP(off, 8);
        img->shoff = off;
        img->shnum = nsecs;
        off += nsecs * shsize;
    }
    img->size = off;
    img->data = calloc(1, off);
    if (!img->data)
        abort();

    notes_build(spec, img->data + img->notes_off);
    if (spec->xen_guest)
        memcpy(img->data + xg_off, spec->xen_guest, xg_size);
    if (sections)
        memcpy(img->data + str_off, shstrtab, sizeof(shstrtab));
    for (unsigned i = 0; i < spec->nsegs; i++)
        for (uint64_t k = 0; k < spec->segs[i].filesz; k++)
            img->data[img->seg_off[i] + k] = img_pattern(i, k);

    if (is64) {
        Elf64_Ehdr eh = {.e_type = ET_EXEC,
                         .e_machine = EM_X86_64,
                         .e_version = EV_CURRENT,
                         .e_entry = spec->entry,
                         .e_phoff = img->phoff,
                         .e_shoff = img->shoff,
                         .e_ehsize = sizeof(Elf64_Ehdr),
                         .e_phentsize = sizeof(Elf64_Phdr),
                         .e_phnum = (uint16_t)img->phnum,
                         .e_shentsize = sizeof(Elf64_Shdr),
                         .e_shnum = (uint16_t)img->shnum,
                         .e_shstrndx = (uint16_t)(sections ? nsecs - 1 : 0)};
        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(img->data, &eh, sizeof(eh));
        for (unsigned i = 0; i < spec->nsegs; i++) {
            const struct img_seg *s = &spec->segs[i];
            Elf64_Phdr ph = {PT_LOAD,  PF_R | PF_X, img->seg_off[i], s->vaddr,
                             s->paddr, s->filesz,   s->memsz,        s->align};
            memcpy(img->data + img->phoff + i * phsize, &ph, sizeof(ph));
        }
        if (pt_note) {
            Elf64_Phdr ph = {PT_NOTE,         PF_R, img->notes_off, 0, 0, img->notes_size,
                             img->notes_size, 4};
            img->note_phdr = spec->nsegs;
            memcpy(img->data + img->phoff + spec->nsegs * phsize, &ph, sizeof(ph));
        }
        for (unsigned i = 0; i < nsecs; i++) {
            Elf64_Shdr sh = {.sh_name = secs[i].name,
                             .sh_type = secs[i].type,
                             .sh_offset = secs[i].off,
                             .sh_size = secs[i].size,
                             .sh_addralign = secs[i].align};
            memcpy(img->data + img->shoff + i * shsize, &sh, sizeof(sh));
        }
    } else {
        Elf32_Ehdr eh = {.e_type = ET_EXEC,
                         .e_machine = EM_386,
                         .e_version = EV_CURRENT,
                         .e_entry = (uint32_t)spec->entry,
                         .e_phoff = (uint32_t)img->phoff,
                         .e_shoff = (uint32_t)img->shoff,
                         .e_ehsize = sizeof(Elf32_Ehdr),
                         .e_phentsize = sizeof(Elf32_Phdr),
                         .e_phnum = (uint16_t)img->phnum,
                         .e_shentsize = sizeof(Elf32_Shdr),
                         .e_shnum = (uint16_t)img->shnum,
                         .e_shstrndx = (uint16_t)(sections ? nsecs - 1 : 0)};
        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS32;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(img->data, &eh, sizeof(eh));
        for (unsigned i = 0; i < spec->nsegs; i++) {
            const struct img_seg *s = &spec->segs[i];
            Elf32_Phdr ph = {PT_LOAD,
                             (uint32_t)img->seg_off[i],
                             (uint32_t)s->vaddr,
                             (uint32_t)s->paddr,
                             (uint32_t)s->filesz,
                             (uint32_t)s->memsz,
                             PF_R | PF_X,
                             (uint32_t)s->align};
            memcpy(img->data + img->phoff + i * phsize, &ph, sizeof(ph));
        }
        if (pt_note) {
            Elf32_Phdr ph = {PT_NOTE,
                             (uint32_t)img->notes_off,
                             0,
                             0,
                             (uint32_t)img->notes_size,
                             (uint32_t)img->notes_size,
                             PF_R,
                             4};
            img->note_phdr = spec->nsegs;
            memcpy(img->data + img->phoff + spec->nsegs * phsize, &ph, sizeof(ph));
        }
        for (unsigned i = 0; i < nsecs; i++) {
            Elf32_Shdr sh = {.sh_name = secs[i].name,
                             .sh_type = secs[i].type,
                             .sh_offset = (uint32_t)secs[i].off,
                             .sh_size = (uint32_t)secs[i].size,
                             .sh_addralign = (uint32_t)secs[i].align};
            memcpy(img->data + img->shoff + i * shsize, &sh, sizeof(sh));
        }
    }
}

void img_free(struct img *img)
{
    free(img->data);
    img->data = NULL;
}

void img_gzip(const void *data, size_t size, uint8_t **out, size_t *out_size)
{
    z_stream zs;
    size_t cap = size + size / 100 + 1024;
    uint8_t *buf = malloc(cap);

    memset(&zs, 0, sizeof(zs));
    if (!buf || deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)size;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_size = cap - zs.avail_out;
    *out = buf;
    deflateEnd(&zs);
}

void img_bzimage(const void *payload, size_t size, unsigned setup_sects, unsigned version,
                 uint8_t **out, size_t *out_size)
{
    size_t setup = ((setup_sects ? setup_sects : 4) + 1) * 512;
    uint8_t *b = calloc(1, setup + size);
    uint32_t poff = 0, plen = (uint32_t)size;

    if (!b)
        abort();
    b[0x1f1] = (uint8_t)setup_sects;
    memcpy(b + 0x202, "HdrS", 4);
    b[0x206] = (uint8_t)version;
    b[0x207] = (uint8_t)(version >> 8);
    memcpy(b + 0x248, &poff, 4);
    memcpy(b + 0x24c, &plen, 4);
    memcpy(b + setup, payload, size);
    *out = b;
    *out_size = setup + size;
}
