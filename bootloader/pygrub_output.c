/*
 * pygrub_output.c: formats the chosen kernel, ramdisk and arguments in
 * pygrub's three output formats.  sxp: `linux (kernel K)(ramdisk R)(args
 * "A")` with '"' and '\' in A escaped by '\'.  simple/simple0: one
 * "kernel K", "ramdisk R", "args A" item per line (NUL-terminated for
 * simple0), an empty item last; ramdisk and args only when present.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg_internal.h"
#include "pygrub_output.h"

static const struct {
    const char *name;
    enum pygrub_format fmt;
} formats[] = {
    {"sxp", PYGRUB_SXP},
    {"simple", PYGRUB_SIMPLE},
    {"simple0", PYGRUB_SIMPLE0},
};

int pygrub_format_parse(const char *name, enum pygrub_format *fmt)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *fmt = formats[i].fmt;
            return 0;
        }
    }
    return -EINVAL;
}

static void sxp_item(struct sbuf *b, const char *key, const char *value, bool quoted)
{
    sbuf_putc(b, '(');
    sbuf_puts(b, key);
    sbuf_putc(b, ' ');
    if (quoted)
        sbuf_putc(b, '"');
    for (const char *p = value; *p; p++) {
        if (quoted && (*p == '"' || *p == '\\'))
            sbuf_putc(b, '\\');
        sbuf_putc(b, *p);
    }
    if (quoted)
        sbuf_putc(b, '"');
    sbuf_putc(b, ')');
}

static bool simple_item(struct sbuf *b, const char *key, const char *value, char sep, char *err,
                        size_t errlen)
{
    if (sep == '\n' && strchr(value, '\n')) {
        snprintf(err, errlen, "the simple format cannot carry a %s containing a newline", key);
        return false;
    }
    sbuf_puts(b, key);
    sbuf_putc(b, ' ');
    sbuf_puts(b, value);
    sbuf_putc(b, sep);
    return true;
}

char *pygrub_format_output(enum pygrub_format fmt, const char *kernel, const char *ramdisk,
                           const char *args, size_t *len, char *err, size_t errlen)
{
    struct sbuf b;
    bool ok = true;

    sbuf_init(&b);
    if (args && !*args)
        args = NULL;
    if (fmt == PYGRUB_SXP) {
        sbuf_puts(&b, "linux ");
        sxp_item(&b, "kernel", kernel, false);
        if (ramdisk)
            sxp_item(&b, "ramdisk", ramdisk, false);
        if (args)
            sxp_item(&b, "args", args, true);
    } else {
        char sep = fmt == PYGRUB_SIMPLE0 ? '\0' : '\n';

        ok = simple_item(&b, "kernel", kernel, sep, err, errlen) &&
             (!ramdisk || simple_item(&b, "ramdisk", ramdisk, sep, err, errlen)) &&
             (!args || simple_item(&b, "args", args, sep, err, errlen));
        sbuf_putc(&b, sep);
    }
    if (b.overflow) {
        snprintf(err, errlen, "output longer than %u bytes", BOOTCFG_MAX_STR);
        ok = false;
    }
    if (!ok) {
        sbuf_free(&b);
        return NULL;
    }
    *len = b.len;
    return sbuf_take(&b);
}
