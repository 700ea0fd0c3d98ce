/*
 * pygrub_output.h: pygrub's output protocol: what the bootloader tells its
 * caller (libxl) about the kernel, ramdisk and command line it chose.
 */
#ifndef PYGRUB_OUTPUT_H
#define PYGRUB_OUTPUT_H

#include <stddef.h>

enum pygrub_format {
    PYGRUB_SXP,     /* linux (kernel K)(ramdisk R)(args "A") */
    PYGRUB_SIMPLE,  /* "kernel K\nramdisk R\nargs A\n\n" */
    PYGRUB_SIMPLE0, /* the same with NUL for newline: what libxl reads */
};

/* "sxp", "simple", "simple0"; 0 or -EINVAL. */
int pygrub_format_parse(const char *name, enum pygrub_format *fmt);

/*
 * The output for KERNEL, RAMDISK (NULL: none) and ARGS (NULL or "": none)
 * as a malloc'd buffer of *LEN bytes.  NULL with a reason in ERR when a
 * value cannot be represented (the simple format with a newline in it).
 */
char *pygrub_format_output(enum pygrub_format fmt, const char *kernel, const char *ramdisk,
                           const char *args, size_t *len, char *err, size_t errlen);

#endif
