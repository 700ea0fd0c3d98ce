/*
 * libxl_unxz.c: xz decompression of kernels (liblzma), as Debian's
 * bzImage payloads come (CONFIG_KERNEL_XZ: one xz stream, CRC32 check,
 * followed by the kernel build's 4-byte size, which is ignored).  The
 * output has a hard limit, so a decompression bomb costs at most the limit
 * in memory and time, and the decoder's own memory is capped too.
 */
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_elf.h"

#define X(v) ((unsigned long long)(v))

/* The decoder's dictionary and state: kernels use at most 64 MiB dicts. */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

static const uint8_t xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};

bool libxl__xz_detect(const void *data, size_t size)
{
    return size >= sizeof(xz_magic) && !memcmp(data, xz_magic, sizeof(xz_magic));
}

int libxl__xz_decode(const void *data, size_t size, size_t limit, void **out, size_t *out_size,
                     libxl__elf_err *err)
{
    lzma_stream xs = LZMA_STREAM_INIT;
    libxl__unpack_out o = {0};
    lzma_ret lr = LZMA_OK;
    int rc;

    *out = NULL;
    *out_size = 0;
    if (!libxl__xz_detect(data, size))
        return libxl__elf_fail(err, "xz: not an xz stream");
    if (limit == 0)
        return libxl__elf_fail(err, "xz: output limit is 0");
    /* One stream only: trailing bytes (the kernel's size word) stay unread. */
    if (lzma_stream_decoder(&xs, XZ_MEMLIMIT, 0) != LZMA_OK)
        return LIBXL__ELF_ERROR_NOMEM;

    /* A first guess (4x the input), grown by doubling up to the limit. */
    rc = libxl__unpack_out_init(&o, size <= SIZE_MAX / 4 ? size * 4 : 0, limit);
    if (rc)
        goto out;
    xs.next_in = data;
    xs.avail_in = size;

    for (;;) {
        rc = libxl__unpack_out_grow(&o, "xz", err);
        if (rc)
            goto out;
        xs.next_out = o.buf + o.used;
        xs.avail_out = o.cap - o.used;
        lr = lzma_code(&xs, LZMA_FINISH);
        o.used = o.cap - xs.avail_out;
        if (lr == LZMA_STREAM_END)
            break;
        if (lr == LZMA_OK && xs.avail_out == 0)
            continue; /* output full: grow */
        switch (lr) {
        case LZMA_MEM_ERROR:
            rc = LIBXL__ELF_ERROR_NOMEM;
            break;
        case LZMA_MEMLIMIT_ERROR:
            rc = libxl__elf_fail(err, "xz: the stream needs more than %llu MiB of decoder memory",
                                 X(XZ_MEMLIMIT >> 20));
            break;
        case LZMA_BUF_ERROR:
        case LZMA_OK:
            rc = libxl__elf_fail(err, "xz: truncated stream (0x%llx bytes in, 0x%zx out)",
                                 X(xs.total_in), o.used);
            break;
        case LZMA_OPTIONS_ERROR:
            rc = libxl__elf_fail(err, "xz: unsupported options in the stream header");
            break;
        default:
            rc = libxl__elf_fail(err, "xz: corrupt data near input offset 0x%llx (liblzma %d)",
                                 X(xs.total_in), (int)lr);
            break;
        }
        goto out;
    }

    libxl__unpack_out_take(&o, out, out_size);
    rc = 0;
out:
    lzma_end(&xs);
    free(o.buf);
    return rc;
}
