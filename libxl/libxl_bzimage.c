/*
 * libxl_bzimage.c: Linux bzImage kernels and kernel file formats.  A
 * bzImage carries its kernel as a compressed ELF vmlinux; the setup
 * header (boot protocol 2.08 or later) says where: payload_offset and
 * payload_length, relative to the end of the real-mode setup sectors.
 * libxl__kernel_unwrap turns any kernel file (ELF, gzip'd ELF, bzImage)
 * into ELF bytes.
 */
#include <elf.h>
#include <string.h>

#include "libxl_elf.h"

#define X(v) ((unsigned long long)(v))

/* Setup header fields (Linux boot protocol), offsets into the image. */
#define BZ_SETUP_SECTS    0x1f1 /* u8: 512-byte setup sectors after the boot sector */
#define BZ_HEADER         0x202 /* "HdrS" */
#define BZ_VERSION        0x206 /* u16: boot protocol version */
#define BZ_PAYLOAD_OFFSET 0x248 /* u32, since 2.08 */
#define BZ_PAYLOAD_LENGTH 0x24c /* u32, since 2.08 */
#define BZ_HEADER_END     0x250
#define BZ_MIN_VERSION    0x0208

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

bool libxl__bzimage_detect(const void *image, size_t size)
{
    const uint8_t *p = image;
    return size >= BZ_HEADER_END && !memcmp(p + BZ_HEADER, "HdrS", 4);
}

/* Compressed formats a kernel may come in, by magic. */
static const struct {
    const char *name;
    size_t len;
    uint8_t magic[6];
} compressions[] = {
    {"gzip", 2, {0x1f, 0x8b}},
    {"bzip2", 3, {'B', 'Z', 'h'}},
    {"lzma", 3, {0x5d, 0x00, 0x00}},
    {"xz", 6, {0xfd, '7', 'z', 'X', 'Z', 0x00}},
    {"lzo", 4, {0x89, 'L', 'Z', 'O'}},
    {"lz4", 4, {0x02, 0x21, 0x4c, 0x18}},
    {"zstd", 4, {0x28, 0xb5, 0x2f, 0xfd}},
};

static const char *compression_name(const uint8_t *p, size_t size)
{
    for (size_t i = 0; i < sizeof(compressions) / sizeof(compressions[0]); i++)
        if (size >= compressions[i].len && !memcmp(p, compressions[i].magic, compressions[i].len))
            return compressions[i].name;
    return NULL;
}

int libxl__bzimage_payload(const void *image, size_t size, const uint8_t **payload,
                           size_t *payload_size, libxl__elf_err *err)
{
    const uint8_t *p = image;
    uint32_t version, setup_sects, off, len;
    uint64_t start;

    if (!libxl__bzimage_detect(image, size))
        return libxl__elf_fail(err, "bzImage: no \"HdrS\" setup header");
    version = rd16(p + BZ_VERSION);
    if (version < BZ_MIN_VERSION)
        return libxl__elf_fail(err,
                               "bzImage: boot protocol %u.%02u has no payload fields "
                               "(need 2.08 or later)",
                               version >> 8, version & 0xff);
    setup_sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
    off = rd32(p + BZ_PAYLOAD_OFFSET);
    len = rd32(p + BZ_PAYLOAD_LENGTH);
    start = (uint64_t)(setup_sects + 1) * 512 + off; /* < 2^33: no overflow */
    if (start > size || len > size - start)
        return libxl__elf_fail(err,
                               "bzImage: payload [0x%llx, +0x%x) beyond end of image (0x%zx); "
                               "setup_sects %u, payload_offset 0x%x",
                               X(start), len, size, setup_sects, off);
    if (len == 0)
        return libxl__elf_fail(err, "bzImage: empty payload (payload_length 0)");
    *payload = p + start;
    *payload_size = len;
    return 0;
}

static int inflate_to_elf(const uint8_t *data, size_t size, size_t limit, const char *what,
                          const uint8_t **elf, size_t *elf_size, void **to_free,
                          libxl__elf_err *err)
{
    const char *comp = compression_name(data, size);
    void *out;
    size_t out_size;
    int rc;

    if (comp && !strcmp(comp, "xz"))
        rc = libxl__xz_decode(data, size, limit, &out, &out_size, err);
    else if (comp && strcmp(comp, "gzip"))
        return libxl__elf_fail(err, "%s is %s-compressed: only gzip and xz are supported", what,
                               comp);
    else
        rc = libxl__gzip_inflate(data, size, limit, &out, &out_size, err);
    if (rc)
        return rc;
    *elf = out;
    *elf_size = out_size;
    *to_free = out;
    return 0;
}

int libxl__kernel_unwrap(const void *file, size_t size, size_t limit, const uint8_t **elf,
                         size_t *elf_size, void **to_free, libxl__elf_err *err)
{
    const uint8_t *p = file;
    const uint8_t *payload;
    size_t payload_size;
    int rc;

    *elf = NULL;
    *elf_size = 0;
    *to_free = NULL;
    if (!p)
        return libxl__elf_fail(err, "no kernel image");
    if (size >= SELFMAG && !memcmp(p, ELFMAG, SELFMAG)) {
        *elf = p;
        *elf_size = size;
        return 0;
    }
    if (libxl__bzimage_detect(p, size)) {
        rc = libxl__bzimage_payload(p, size, &payload, &payload_size, err);
        if (rc)
            return rc;
        return inflate_to_elf(payload, payload_size, limit, "bzImage payload", elf, elf_size,
                              to_free, err);
    }
    if (compression_name(p, size))
        return inflate_to_elf(p, size, limit, "kernel", elf, elf_size, to_free, err);
    return libxl__elf_fail(err, "unrecognised kernel format (not ELF, bzImage or gzip)");
}
