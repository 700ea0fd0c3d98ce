/*
 * fuzz_elf.c: libFuzzer target for the kernel image loader.  The input is
 * a kernel file (ELF, gzip or bzImage); it is unwrapped with a small
 * inflate limit, parsed in every mode and, when it parses, loaded into a
 * destination exactly as large as the parsed extent (and into one a page
 * too small, which must fail).  ASan catches any access outside the input,
 * the inflate buffer or the destination.
 */
#include <stdlib.h>
#include <string.h>

#include "libxl_elf.h"

#define FUZZ_INFLATE_LIMIT ((size_t)8 << 20)
#define FUZZ_MAX_DEST      ((uint64_t)4 << 20)

static void try_mode(const uint8_t *elf, size_t size, libxl__elf_mode mode)
{
    libxl__elf_info info;
    libxl__elf_err err;
    uint64_t extent;
    uint8_t *buf;

    if (libxl__elf_parse(elf, size, mode, &info, &err))
        return;
    if (info.phys_end < info.phys_start)
        abort(); /* parse promised an ordered extent */
    extent = info.phys_end - info.phys_start;
    if (extent > FUZZ_MAX_DEST)
        return;
    buf = malloc(extent ? extent : 1);
    if (!buf)
        return;
    {
        libxl__elf_dest dest = {buf, info.phys_start, extent};
        if (libxl__elf_load(elf, size, &info, &dest, &err))
            abort(); /* a parsed image loads into its own extent */
    }
    if (extent > 0x1000) {
        libxl__elf_dest dest = {buf, info.phys_start + 0x1000, extent - 0x1000};
        if (libxl__elf_load(elf, size, &info, &dest, &err) == 0)
            abort(); /* the first segment starts at phys_start */
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *elf;
    size_t elf_size;
    void *to_free;
    libxl__elf_err err;

    if (libxl__kernel_unwrap(data, size, FUZZ_INFLATE_LIMIT, &elf, &elf_size, &to_free, &err))
        return 0;
    try_mode(elf, elf_size, LIBXL__ELF_MODE_PLAIN);
    try_mode(elf, elf_size, LIBXL__ELF_MODE_PVH);
    try_mode(elf, elf_size, LIBXL__ELF_MODE_PV);
    free(to_free);
    return 0;
}
