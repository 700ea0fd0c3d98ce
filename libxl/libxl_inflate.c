/*
 * libxl_inflate.c: gzip decompression of kernels and ramdisks (zlib), and
 * the output buffer every decompressor here shares: a hard limit on the
 * output, so that a decompression bomb costs at most the limit in memory
 * and time.  The gzip trailer's size field is only a hint for the first
 * allocation; it is never trusted.
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

int libxl__unpack_out_init(libxl__unpack_out *o, size_t hint, size_t limit)
{
    size_t cap = hint ? hint : 64 * 1024;

    if (cap > ((size_t)64 << 20)) /* a hint, not a promise: grow later */
        cap = (size_t)64 << 20;
    if (cap < 4096)
        cap = 4096;
    o->cap = cap < limit ? cap : limit;
    o->used = 0;
    o->limit = limit;
    o->buf = malloc(o->cap);
    return o->buf ? 0 : LIBXL__ELF_ERROR_NOMEM;
}

int libxl__unpack_out_grow(libxl__unpack_out *o, const char *format, libxl__elf_err *err)
{
    size_t ncap;
    uint8_t *nbuf;

    if (o->used < o->cap)
        return 0;
    if (o->cap == o->limit)
        return libxl__elf_fail(err,
                               "%s: output exceeds the limit of 0x%zx bytes "
                               "(decompression bomb?)",
                               format, o->limit);
    ncap = o->cap > o->limit / 2 ? o->limit : o->cap * 2;
    nbuf = realloc(o->buf, ncap);
    if (!nbuf)
        return LIBXL__ELF_ERROR_NOMEM;
    o->buf = nbuf;
    o->cap = ncap;
    return 0;
}

void libxl__unpack_out_take(libxl__unpack_out *o, void **out, size_t *out_size)
{
    if (o->used < o->cap) {
        uint8_t *nbuf = realloc(o->buf, o->used ? o->used : 1);
        if (nbuf)
            o->buf = nbuf;
    }
    *out = o->buf;
    *out_size = o->used;
    o->buf = NULL;
}

int libxl__gzip_inflate(const void *data, size_t size, size_t limit, void **out, size_t *out_size,
                        libxl__elf_err *err)
{
    const uint8_t *in = data;
    z_stream zs;
    libxl__unpack_out o = {0};
    size_t in_used = 0;
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
    /* ISIZE: the uncompressed size mod 2^32, little-endian, at the end. */
    rc = libxl__unpack_out_init(&o,
                                (size_t)in[size - 4] | (size_t)in[size - 3] << 8 |
                                    (size_t)in[size - 2] << 16 | (size_t)in[size - 1] << 24,
                                limit);
    if (rc)
        goto out;

    while (zrc != Z_STREAM_END) {
        size_t in_chunk = size - in_used, out_chunk;

        rc = libxl__unpack_out_grow(&o, "gzip", err);
        if (rc)
            goto out;
        out_chunk = o.cap - o.used;
        /* zlib counts in uInt: feed at most 1 GiB at a time. */
        if (in_chunk > (1u << 30))
            in_chunk = 1u << 30;
        if (out_chunk > (1u << 30))
            out_chunk = 1u << 30;
        zs.next_in = (Bytef *)(in + in_used);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = o.buf + o.used;
        zs.avail_out = (uInt)out_chunk;

        zrc = inflate(&zs, Z_NO_FLUSH);
        in_used += in_chunk - zs.avail_in;
        o.used += out_chunk - zs.avail_out;
        if (zrc == Z_STREAM_END)
            break;
        if (zrc == Z_BUF_ERROR && zs.avail_out != 0 && in_used == size) {
            rc = libxl__elf_fail(err, "gzip: truncated stream (0x%llx bytes in, 0x%zx out)",
                                 X(in_used), o.used);
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
                                 X(in_used), o.used);
            goto out;
        }
    }

    libxl__unpack_out_take(&o, out, out_size);
    rc = 0;
out:
    inflateEnd(&zs);
    free(o.buf);
    return rc;
}
