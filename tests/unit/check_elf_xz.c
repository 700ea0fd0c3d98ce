/*
 * check_elf_xz.c: xz-compressed kernels, as Debian's bzImages carry them
 * (one xz stream with a CRC32 check, then the build's 4-byte size): a
 * valid one unwraps to the very ELF bytes; truncated, damaged and bomb
 * streams are refused with a message saying which, within the limit.
 */
#include <check.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "check_elf_image.h"
#include "libxl_elf.h"

/* xz of data (CRC32 check, as the kernel's build uses), then the size word. */
static void img_xz(const void *data, size_t size, uint8_t **out, size_t *out_size)
{
    size_t cap = lzma_stream_buffer_bound(size) + 4, pos = 0;
    uint8_t *buf = malloc(cap);
    uint32_t le = (uint32_t)size;

    if (!buf || lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, data, size, buf, &pos,
                                        cap - 4) != LZMA_OK)
        abort();
    memcpy(buf + pos, &le, 4);
    *out = buf;
    *out_size = pos + 4;
}

START_TEST(bzimage_with_xz_elf)
{
    struct img_spec spec;
    struct img img;
    libxl__elf_info info;
    libxl__elf_err err = {""};
    uint8_t *xz, *bz;
    size_t xz_size, bz_size, elf_size;
    const uint8_t *elf;
    void *to_free;

    img_spec_pvh64(&spec);
    img_build(&spec, &img);
    img_xz(img.data, img.size, &xz, &xz_size);
    ck_assert(libxl__xz_detect(xz, xz_size));
    img_bzimage(xz, xz_size, 0x1f, 0x20f, &bz, &bz_size);
    ck_assert_msg(libxl__kernel_unwrap(bz, bz_size, LIBXL__INFLATE_DEFAULT_LIMIT, &elf, &elf_size,
                                       &to_free, &err) == 0,
                  "%s", err.msg);
    ck_assert_ptr_nonnull(to_free);
    ck_assert_uint_eq(elf_size, img.size);
    ck_assert_mem_eq(elf, img.data, img.size);
    ck_assert_msg(libxl__elf_parse(elf, elf_size, LIBXL__ELF_MODE_PVH, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(info.entry, 0x1000040);
    free(to_free);

    /* A bare xz file (no bzImage around it) unwraps the same way. */
    ck_assert_msg(libxl__kernel_unwrap(xz, xz_size, LIBXL__INFLATE_DEFAULT_LIMIT, &elf, &elf_size,
                                       &to_free, &err) == 0,
                  "%s", err.msg);
    ck_assert_mem_eq(elf, img.data, img.size);
    free(to_free);
    /* The output limit is exact: the size itself fits, one byte less does not. */
    ck_assert_int_eq(libxl__kernel_unwrap(xz, xz_size, img.size, &elf, &elf_size, &to_free, &err),
                     0);
    free(to_free);
    ck_assert_int_eq(
        libxl__kernel_unwrap(xz, xz_size, img.size - 1, &elf, &elf_size, &to_free, &err),
        LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "xz: output exceeds the limit"));
    ck_assert_ptr_null(to_free);
    free(bz);
    free(xz);
    img_free(&img);
}
END_TEST

START_TEST(xz_truncated)
{
    static const char text[] = "a short kernel that is not really a kernel, repeated "
                               "a short kernel that is not really a kernel";
    uint8_t *xz;
    size_t xz_size, cut;
    void *out;
    size_t out_size;
    libxl__elf_err err = {""};

    img_xz(text, sizeof(text), &xz, &xz_size);
    xz_size -= 4; /* the stream alone */
    ck_assert_int_eq(libxl__xz_decode(xz, xz_size, 1 << 20, &out, &out_size, &err), 0);
    ck_assert_uint_eq(out_size, sizeof(text));
    ck_assert_mem_eq(out, text, sizeof(text));
    free(out);
    /* Every cut is refused, with nothing returned. */
    for (cut = 6; cut < xz_size; cut++) {
        err.msg[0] = 0;
        ck_assert_int_eq(libxl__xz_decode(xz, cut, 1 << 20, &out, &out_size, &err),
                         LIBXL__ELF_ERROR_INVAL);
        ck_assert_ptr_null(out);
        ck_assert_uint_eq(out_size, 0);
        ck_assert_msg(!strncmp(err.msg, "xz: ", 4), "cut %zu: %s", cut, err.msg);
    }
    ck_assert_int_eq(libxl__xz_decode(xz, 3, 1 << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "xz: not an xz stream"));
    free(xz);
}
END_TEST

START_TEST(xz_damaged)
{
    static const char text[] = "another short kernel body, long enough to have a block";
    uint8_t *xz;
    size_t xz_size, i;
    void *out;
    size_t out_size;
    libxl__elf_err err = {""};

    img_xz(text, sizeof(text), &xz, &xz_size);
    /* Any single flipped byte after the magic: an error, never other data. */
    for (i = 6; i < xz_size - 4; i++) {
        int rc;
        xz[i] ^= 0x55;
        rc = libxl__xz_decode(xz, xz_size, 1 << 20, &out, &out_size, &err);
        ck_assert_msg(rc == LIBXL__ELF_ERROR_INVAL, "byte %zu: rc %d", i, rc);
        ck_assert_msg(!strncmp(err.msg, "xz: ", 4), "byte %zu: %s", i, err.msg);
        xz[i] ^= 0x55;
    }
    free(xz);
}
END_TEST

START_TEST(xz_bomb_stopped)
{
    size_t n = 64u << 20; /* 64 MiB of zeros: about 10 KiB of xz */
    uint8_t *zeros = calloc(1, n), *xz, *bz;
    size_t xz_size, bz_size, elf_size;
    const uint8_t *elf;
    void *out, *to_free;
    size_t out_size;
    libxl__elf_err err = {""};

    ck_assert_ptr_nonnull(zeros);
    img_xz(zeros, n, &xz, &xz_size);
    free(zeros);
    ck_assert_uint_lt(xz_size, 64 * 1024);
    ck_assert_int_eq(libxl__xz_decode(xz, xz_size, 16u << 20, &out, &out_size, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "xz: output exceeds the limit of 0x1000000 bytes"));
    ck_assert_ptr_null(out);
    /* The same through a bzImage: the kernel path honours its limit too. */
    img_bzimage(xz, xz_size, 4, 0x20f, &bz, &bz_size);
    ck_assert_int_eq(libxl__kernel_unwrap(bz, bz_size, 8u << 20, &elf, &elf_size, &to_free, &err),
                     LIBXL__ELF_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "xz: output exceeds the limit of 0x800000 bytes"));
    ck_assert_ptr_null(to_free);
    free(bz);
    free(xz);
}
END_TEST

TCase *check_elf_xz_tcase(void)
{
    TCase *tc = tcase_create("xz");

    tcase_add_test(tc, bzimage_with_xz_elf);
    tcase_add_test(tc, xz_truncated);
    tcase_add_test(tc, xz_damaged);
    tcase_add_test(tc, xz_bomb_stopped);
    tcase_set_timeout(tc, 60);
    return tc;
}
