/*
 * libxl_unxz.c: xz decompression of kernels (liblzma), as Debian's
 * bzImage payloads come (CONFIG_KERNEL_XZ: one xz stream, CRC32 check,
 * followed by the kernel build's 4-byte size, which is ignored).  The
 * output has a hard limit, so a decompression bomb costs at most the limit
 * in memory and time, and the decoder's own memory is capped too.
 */
#include <lzma.h>
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
    uint8_t *buf = NULL;
    size_t cap, used = 0;
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

    cap = size * 4; /* a first guess; grown by doubling up to the limit */
    if (cap < 4096 || cap / 4 != size)
        cap = 4096;
    if (cap > ((size_t)64 << 20))
        cap = (size_t)64 << 20;
    if (cap > limit)
        cap = limit;
    buf = malloc(cap);
    if (!buf) {
        rc = LIBXL__ELF_ERROR_NOMEM;
        goto out;
    }
    xs.next_in = data;
    xs.avail_in = size;

    for (;;) {
        if (used == cap) {
            size_t ncap;
            uint8_t *nbuf;
            if (cap == limit) {
                rc = libxl__elf_fail(err,
                                     "xz: output exceeds the limit of 0x%zx bytes "
                                     "(decompression bomb?)",
                                     limit);
                goto out;
            }
            ncap = cap > limit / 2 ? limit : cap * 2;
            nbuf = realloc(buf, ncap);
            if (!nbuf) {
                rc = LIBXL__ELF_ERROR_NOMEM;
                goto out;
            }
            buf = nbuf;
            cap = ncap;
        }
        xs.next_out = buf + used;
        xs.avail_out = cap - used;
        lr = lzma_code(&xs, LZMA_FINISH);
        used = cap - xs.avail_out;
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
                                 X(xs.total_in), used);
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

    if (used < cap) {
        uint8_t *nbuf = realloc(buf, used ? used : 1);
        if (nbuf)
            buf = nbuf;
    }
    *out = buf;
    *out_size = used;
    buf = NULL;
    rc = 0;
out:
    lzma_end(&xs);
    free(buf);
    return rc;
}
