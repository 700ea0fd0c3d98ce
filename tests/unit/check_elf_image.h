/*
 * check_elf_image.h: builds small x86 ELF32/ELF64 kernel images in memory
 * for the ELF loader's tests (and fuzz seeds): PT_LOAD segments with a
 * known byte pattern, Xen notes in a PT_NOTE segment or an SHT_NOTE
 * section, an optional __xen_guest section; plus gzip and bzImage
 * wrappers.  Tests then break the result field by field.
 */
#ifndef CHECK_ELF_IMAGE_H
#define CHECK_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>

#define IMG_MAX_SEGS  8
#define IMG_MAX_NOTES 24

struct img_seg {
    uint64_t paddr, vaddr, filesz, memsz, align;
};

struct img_note {
    uint32_t type;
    uint32_t descsz;
    const void *desc;
    const char *name; /* NULL: "Xen" */
};

struct img_spec {
    int cls; /* 32 or 64 */
    uint64_t entry;
    unsigned nsegs;
    struct img_seg segs[IMG_MAX_SEGS];
    unsigned nnotes;
    struct img_note notes[IMG_MAX_NOTES];
    bool notes_in_section; /* SHT_NOTE section rather than a PT_NOTE segment */
    const char *xen_guest; /* __xen_guest section contents, or NULL */
};

struct img {
    uint8_t *data; /* malloc'd */
    size_t size;
    size_t phoff, shoff;
    unsigned phnum, shnum;
    size_t seg_off[IMG_MAX_SEGS]; /* file offset of each segment's data */
    size_t notes_off, notes_size;
    unsigned note_phdr; /* index of the PT_NOTE header, if any */
};

/* Byte k of segment i's file data. */
static inline uint8_t img_pattern(unsigned i, uint64_t k)
{
    return (uint8_t)(0x11 * (i + 1) + k * 7);
}

void img_build(const struct img_spec *spec, struct img *img);
void img_free(struct img *img);

/* Helpers to add notes to a spec (desc is copied into static storage). */
void img_note_str(struct img_spec *spec, uint32_t type, const char *s);
void img_note_num(struct img_spec *spec, uint32_t type, uint64_t v, unsigned size);

/* A PV-style ELF64 Linux-like image (segments only, or with the notes of a
 * Linux PV kernel) and a minimal PVH one (PHYS32_ENTRY 0x1000040). */
#define IMG_PV_VIRT_BASE 0xffffffff80000000ull
void img_spec_pv64(struct img_spec *spec);
void img_spec_pv64_notes(struct img_spec *spec);
void img_spec_pvh64(struct img_spec *spec);

/* The ELF64 headers of a built image (at 8-aligned offsets). */
Elf64_Ehdr *img_eh64(struct img *img);
Elf64_Phdr *img_ph64(struct img *img, unsigned i);
Elf64_Shdr *img_sh64(struct img *img, unsigned i);

/* The hostile-image test case (check_elf_hostile.c). */
#include <check.h>
TCase *check_elf_hostile_tcase(void);
/* xz kernels (check_elf_xz.c). */
TCase *check_elf_xz_tcase(void);

/* gzip data (malloc'd result). */
void img_gzip(const void *data, size_t size, uint8_t **out, size_t *out_size);
/* A bzImage with the given payload; setup_sects 0..255, version e.g. 0x20f. */
void img_bzimage(const void *payload, size_t size, unsigned setup_sects, unsigned version,
                 uint8_t **out, size_t *out_size);

#endif /* CHECK_ELF_IMAGE_H */
