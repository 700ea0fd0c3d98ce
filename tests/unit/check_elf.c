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
#include "public/features.h"

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

    img_spec_pv64_notes(&spec);
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PV, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(info.elf_class, 64);
    ck_assert_int_eq(info.notes.source, LIBXL__ELF_NOTES_PT_NOTE);
    ck_assert_str_eq(info.notes.guest_os, "linux");
    ck_assert_str_eq(info.notes.guest_version, "2.6");
    ck_assert_str_eq(info.notes.xen_version, "xen-3.0");
    ck_assert_str_eq(info.notes.loader, "generic");
    ck_assert_uint_eq(info.virt_base, IMG_PV_VIRT_BASE);
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

    img_spec_pv64_notes(&spec);
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

/* Linux 6.1 writes FEATURES with .ascii: no NUL within descsz, as Xen takes it. */
START_TEST(linux_unterminated_features)
{
    static const char feat[] = "!writable_page_tables|pae_pgdir_above_4gb";
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};

    img_spec_pvh64(&spec);
    spec.notes[spec.nnotes++] =
        (struct img_note){XEN_ELFNOTE_FEATURES, sizeof(feat) - 1, feat, NULL};
    spec.notes[spec.nnotes++] = (struct img_note){XEN_ELFNOTE_GUEST_OS, 5, "linux", NULL};
    img_build(&spec, &img);
    ck_assert_msg(libxl__elf_parse(img.data, img.size, LIBXL__ELF_MODE_PVH, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_str_eq(info.notes.guest_os, "linux");
    ck_assert(info.notes.features_supported & (1u << XENFEAT_pae_pgdir_above_4gb));
    ck_assert(info.notes.features_required & (1u << XENFEAT_writable_page_tables)); /* "!" */
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

    img_spec_pv64_notes(&spec);
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
    /* A broken xz payload is named. */
    v = sizeof(xz);
    memcpy(bz + 0x24c, &v, 4);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 1 << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "xz: "));
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
    tcase_add_test(valid, linux_unterminated_features);
    tcase_add_test(valid, gzip_kernel);
    tcase_add_test(valid, gzip_ramdisk);
    tcase_add_test(valid, bzimage_with_gzip_elf);
    suite_add_tcase(s, valid);
    suite_add_tcase(s, check_elf_hostile_tcase());
    suite_add_tcase(s, check_elf_xz_tcase());

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
