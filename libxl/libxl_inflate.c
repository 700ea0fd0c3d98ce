/*
 * libxl_inflate.c: gzip decompression of kernels and ramdisks (zlib) with
 * a hard limit on the output, so that a decompression bomb costs at most
 * the limit in memory and time.  The gzip trailer's size field is only a
 * hint for the first allocation; it is never trusted.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "libxl_elf.h"

#define X(v) ((unsigned long long)(v))

bool libxl__gzip_detect(const void *data, size_t size)
{
    const uint8_t *p = data;
    return size >= 18 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8; /* deflate */
}

static size_t first_capacity(const uint8_t *in, size_t size, size_t limit)
{
    /* ISIZE: the uncompressed size mod 2^32, little-endian, at the end. */
    size_t hint = (size_t)in[size - 4] | (size_t)in[size - 3] << 8 | (size_t)in[size - 2] << 16 |
                  (size_t)in[size - 1] << 24;
    size_t cap = hint ? hint : 64 * 1024;

    if (cap > ((size_t)64 << 20)) /* a hint, not a promise: grow later */
        cap = (size_t)64 << 20;
    if (cap < 4096)
        cap = 4096;
    return cap < limit ? cap : limit;
}

int libxl__gzip_inflate(const void *data, size_t size, size_t limit, void **out, size_t *out_size,
                        libxl__elf_err *err)
{
    const uint8_t *in = data;
    z_stream zs;
    uint8_t *buf = NULL;
    size_t cap, used = 0, in_used = 0;
    int rc, zrc = Z_OK;

    *out = NULL;
    *out_size = 0;
    if (!libxl__gzip_detect(data, size))
        return libxl__elf_fail(err, "gzip: not a gzip (deflate) stream");
    if (limit == 0)
        return libxl__elf_fail(err, "gzip: output limit is 0");

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) /* gzip wrapper only */
        return LIBXL__ELF_ERROR_NOMEM;
    cap = first_capacity(in, size, limit);
    buf = malloc(cap);
    if (!buf) {
        rc = LIBXL__ELF_ERROR_NOMEM;
        goto out;
    }

    while (zrc != Z_STREAM_END) {
        size_t in_chunk = size - in_used, out_chunk;

        if (used == cap) {
            size_t ncap;
            uint8_t *nbuf;
            if (cap == limit) {
                rc = libxl__elf_fail(err,
                                     "gzip: output exceeds the limit of 0x%zx bytes "
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
        out_chunk = cap - used;
        /* zlib counts in uInt: feed at most 1 GiB at a time. */
        if (in_chunk > (1u << 30))
            in_chunk = 1u << 30;
        if (out_chunk > (1u << 30))
            out_chunk = 1u << 30;
        zs.next_in = (Bytef *)(in + in_used);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = buf + used;
        zs.avail_out = (uInt)out_chunk;

        zrc = inflate(&zs, Z_NO_FLUSH);
        in_used += in_chunk - zs.avail_in;
        used += out_chunk - zs.avail_out;
        if (zrc == Z_STREAM_END)
            break;
        if (zrc == Z_BUF_ERROR && zs.avail_out != 0 && in_used == size) {
            rc = libxl__elf_fail(err, "gzip: truncated stream (0x%llx bytes in, 0x%zx out)",
                                 X(in_used), used);
            goto out;
        }
        if (zrc == Z_MEM_ERROR) {
            rc = LIBXL__ELF_ERROR_NOMEM;
            goto out;
        }
        if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            rc = libxl__elf_fail(err, "gzip: corrupt data at input offset 0x%llx: %s", X(in_used),
                                 zs.msg ? zs.msg : "inflate failed");
            goto out;
        }
        if (zrc == Z_OK && zs.avail_out != 0 && in_used == size) {
            rc = libxl__elf_fail(err, "gzip: truncated stream (0x%llx bytes in, 0x%zx out)",
                                 X(in_used), used);
            goto out;
        }
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
    inflateEnd(&zs);
    free(buf);
    return rc;
}
