/*
 * fuzz_bootcfg.c: libFuzzer target for the boot configuration parsers
 * (GRUB 2, GRUB legacy, extlinux) and pygrub's output formats.  The first
 * byte picks the parser; the rest is split at "\n@@\n" into up to four
 * files: the first is the configuration, and every include, grubenv or
 * saved-default read is served one of them by a hash of its path, so
 * includes nest, loop and recurse.  The chosen entry is then formatted in
 * every output format.  ASan/UBSan catch memory errors; the parsers'
 * limits must keep every input bounded in time and memory.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "pygrub_output.h"

#define FUZZ_FILES 4

struct fuzz_files {
    const char *data[FUZZ_FILES];
    size_t len[FUZZ_FILES];
    unsigned n;
};

static int fuzz_read(void *ctx, const char *path, char **data, size_t *len)
{
    struct fuzz_files *f = ctx;
    unsigned h = 5381;
    unsigned i;

    for (const char *p = path; *p; p++)
        h = h * 33 + (unsigned char)*p;
    if (h % 7 == 0)
        return -2; /* -ENOENT now and then */
    i = h % f->n;
    *data = malloc(f->len[i] + 1);
    if (!*data)
        return -12;
    memcpy(*data, f->data[i], f->len[i]);
    *len = f->len[i];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    static const enum pygrub_format formats[] = {PYGRUB_SXP, PYGRUB_SIMPLE, PYGRUB_SIMPLE0};
    struct fuzz_files files = {0};
    struct bootcfg_reader reader = {fuzz_read, &files};
    struct bootcfg cfg;
    const char *text, *end;
    char err[256];
    int rc;

    if (size < 1)
        return 0;
    text = (const char *)in + 1;
    end = (const char *)in + size;
    while (files.n < FUZZ_FILES) {
        const char *sep =
            files.n + 1 < FUZZ_FILES ? memmem(text, (size_t)(end - text), "\n@@\n", 4) : NULL;

        files.data[files.n] = text;
        files.len[files.n] = sep ? (size_t)(sep - text) : (size_t)(end - text);
        files.n++;
        if (!sep)
            break;
        text = sep + 4;
    }
    rc = bootcfg_parse((enum bootcfg_kind)(in[0] % 3), "/boot/grub/grub.cfg", files.data[0],
                       files.len[0], &reader, &cfg, err, sizeof(err));
    if (rc < 0) {
        if (cfg.n_entries != 0 || cfg.entries != NULL || !memchr(err, '\0', sizeof(err)))
            abort(); /* a failed parse leaves nothing behind and a terminated message */
        return 0;
    }
    if (cfg.n_entries == 0 || cfg.default_index < 0 || (unsigned)cfg.default_index >= cfg.n_entries)
        abort();
    for (unsigned i = 0; i < cfg.n_entries; i++) {
        const struct bootcfg_entry *e = &cfg.entries[i];

        if (!e->title || !e->args || (e->kernel && e->kernel[0] != '/') ||
            (e->initrd && e->initrd[0] != '/'))
            abort(); /* every path is absolute */
        if (e->initrds && (!e->initrd || strcmp(e->initrds[0], e->initrd) != 0))
            abort(); /* the list starts with the first initrd */
        for (char **p = e->initrds; p && *p; p++)
            if ((*p)[0] != '/')
                abort();
        if (((e->title[0] | 0x20) >= 'a' && (e->title[0] | 0x20) <= 'z') &&
            bootcfg_find_entry(&cfg, e->title) < 0)
            abort(); /* a title (not a number) finds an entry */
    }
    {
        const struct bootcfg_entry *e = &cfg.entries[cfg.default_index];

        for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
            size_t len;
            char *out = pygrub_format_output(formats[f], e->kernel ? e->kernel : "/none", e->initrd,
                                             e->args, &len, err, sizeof(err));
            free(out);
        }
    }
    bootcfg_free(&cfg);
    return 0;
}
