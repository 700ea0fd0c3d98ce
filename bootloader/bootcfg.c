/*
 * bootcfg.c: the boot menu model: parse dispatch, entries, entry lookup,
 * and the helpers the parsers share (strings, errors, include reading with
 * depth and size limits, path normalisation).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg_internal.h"

void sbuf_init(struct sbuf *b)
{
    memset(b, 0, sizeof(*b));
}

void sbuf_free(struct sbuf *b)
{
    free(b->s);
    sbuf_init(b);
}

void sbuf_putc(struct sbuf *b, char c)
{
    if (b->len + 1 >= BOOTCFG_MAX_STR) {
        b->overflow = true;
        return;
    }
    if (b->len + 2 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        char *n = realloc(b->s, ncap);

        if (!n) {
            b->overflow = true;
            return;
        }
        b->s = n;
        b->cap = ncap;
    }
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
    while (*s)
        sbuf_putc(b, *s++);
}

char *sbuf_take(struct sbuf *b)
{
    char *s = b->s ? b->s : strdup("");

    sbuf_init(b);
    return s;
}

bool bootcfg_isspace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

char *bootcfg_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int bootcfg_error(struct bootcfg_state *st, int err, const char *file, unsigned line,
                  const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (!st->err || !st->errlen || st->err[0])
        return err;
    if (line)
        snprintf(st->err, st->errlen, "%s:%u: ", file, line);
    else
        snprintf(st->err, st->errlen, "%s: ", file);
    n = strlen(st->err);
    va_start(ap, fmt);
    vsnprintf(st->err + n, st->errlen - n, fmt, ap);
    va_end(ap);
    return err;
}

int bootcfg_add_entry(struct bootcfg_state *st, char *title, char *kernel, char *initrd, char *args)
{
    struct bootcfg *cfg = st->out;
    struct bootcfg_entry *e;

    if (cfg->n_entries >= BOOTCFG_MAX_ENTRIES)
        goto fail;
    if (!args)
        args = strdup("");
    if (!title)
        title = strdup("");
    if (!args || !title)
        goto fail;
    e = realloc(cfg->entries, (cfg->n_entries + 1) * sizeof(*e));
    if (!e)
        goto fail;
    cfg->entries = e;
    e[cfg->n_entries] = (struct bootcfg_entry){title, kernel, initrd, NULL, args};
    return (int)cfg->n_entries++;
fail:
    free(title);
    free(kernel);
    free(initrd);
    free(args);
    return -E2BIG;
}

int bootcfg_set_initrds(struct bootcfg_state *st, int index, const char *dir, char *const *paths,
                        unsigned n)
{
    struct bootcfg_entry *e = &st->out->entries[index];
    char **list, *first;
    int rc = -ENOMEM;

    if (n == 0)
        return 0;
    if (n > BOOTCFG_MAX_INITRDS)
        n = BOOTCFG_MAX_INITRDS;
    list = calloc(n + 1, sizeof(*list));
    if (!list)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        list[i] = bootcfg_path(dir, paths[i]);
        if (!list[i])
            goto out;
    }
    first = strdup(list[0]);
    if (!first)
        goto out;
    free(e->initrd);
    e->initrd = first;
    if (n > 1 && !e->initrds) {
        e->initrds = list;
        list = NULL;
    }
    rc = 0;
out:
    for (unsigned i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
    return rc;
}

/* Copies LEN bytes into a NUL-terminated string; interior NULs become spaces. */
static char *text_copy(const char *text, size_t len)
{
    char *t = malloc(len + 1);
    size_t i;

    if (!t)
        return NULL;
    for (i = 0; i < len; i++)
        t[i] = text[i] ? text[i] : ' ';
    t[len] = '\0';
    return t;
}

int bootcfg_read_include(struct bootcfg_state *st, const char *from, unsigned line,
                         const char *path, char **data, size_t *len)
{
    char *raw = NULL, *t;
    size_t n = 0;
    int rc;

    *data = NULL;
    *len = 0;
    if (st->depth >= BOOTCFG_MAX_DEPTH)
        return bootcfg_error(st, -ELOOP, from, line,
                             "includes nested deeper than %u (a loop?) at %s", BOOTCFG_MAX_DEPTH,
                             path);
    if (!st->reader || !st->reader->read)
        return bootcfg_error(st, -ENOENT, from, line, "cannot read included file %s", path);
    rc = st->reader->read(st->reader->ctx, path, &raw, &n);
    if (rc < 0)
        return bootcfg_error(st, rc, from, line, "cannot read included file %s: %s", path,
                             strerror(-rc));
    if (n > BOOTCFG_MAX_FILE || st->total + n > BOOTCFG_MAX_TOTAL) {
        free(raw);
        return bootcfg_error(st, -EFBIG, from, line,
                             "configuration too large including %s (limit %u bytes in all)", path,
                             BOOTCFG_MAX_TOTAL);
    }
    t = text_copy(raw ? raw : "", n);
    free(raw);
    if (!t)
        return -ENOMEM;
    st->total += n;
    *data = t;
    *len = n;
    return 0;
}

int bootcfg_each_line(const char *path, char *text,
                      int (*line_fn)(void *opaque, const char *path, unsigned line, char *s),
                      void *opaque, unsigned *next_line)
{
    unsigned line = 1;
    char *s = text;
    int rc = 0;

    while (s && *s && rc == 0) {
        char *nl = strchr(s, '\n');

        if (nl)
            *nl = '\0';
        rc = line_fn(opaque, path, line, s);
        line++;
        s = nl ? nl + 1 : NULL;
    }
    *next_line = line;
    return rc;
}

int bootcfg_include(struct bootcfg_state *st, const char *from, unsigned line, const char *file,
                    int (*parse)(void *opaque, const char *path, char *text), void *opaque)
{
    char *dir = bootcfg_dirname(from), *full = NULL, *data = NULL;
    size_t len;
    int rc = -ENOMEM;

    if (!dir)
        goto out;
    full = bootcfg_path(dir, file);
    if (!full)
        goto out;
    rc = bootcfg_read_include(st, from, line, full, &data, &len);
    if (rc < 0)
        goto out;
    st->depth++;
    rc = parse(opaque, full, data);
    st->depth--;
out:
    free(data);
    free(full);
    free(dir);
    return rc;
}

char *bootcfg_path(const char *dir, const char *p)
{
    struct sbuf b;
    const char *c;
    char *full, *out;
    size_t i;

    /* GRUB device prefix: "(hd0,msdos1)/boot/vmlinuz" or "($root)/x". */
    if (p[0] == '(') {
        const char *close = strchr(p, ')');

        if (close)
            p = close + 1;
    }
    sbuf_init(&b);
    if (p[0] != '/') {
        sbuf_puts(&b, dir ? dir : "/");
        sbuf_putc(&b, '/');
    }
    sbuf_puts(&b, p);
    if (b.overflow) {
        sbuf_free(&b);
        return NULL;
    }
    full = sbuf_take(&b);
    if (!full)
        return NULL;

    /* Resolve components into OUT (never longer than FULL + 1). */
    out = malloc(strlen(full) + 2);
    if (!out) {
        free(full);
        return NULL;
    }
    i = 0;
    c = full;
    while (*c) {
        const char *s;
        size_t n;

        while (*c == '/')
            c++;
        s = c;
        while (*c && *c != '/')
            c++;
        n = (size_t)(c - s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (i > 0 && out[i - 1] != '/')
                i--;
            if (i > 0)
                i--;
            continue;
        }
        out[i++] = '/';
        memcpy(out + i, s, n);
        i += n;
    }
    if (i == 0)
        out[i++] = '/';
    out[i] = '\0';
    free(full);
    return out;
}

char *bootcfg_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash || slash == path)
        return strdup("/");
    return bootcfg_strndup(path, (size_t)(slash - path));
}

static const struct {
    const char *name;
    int (*parse)(struct bootcfg_state *st, const char *path, const char *text, size_t len);
} parsers[] = {
    [BOOTCFG_GRUB2] = {"GRUB 2", bootcfg_parse_grub2},
    [BOOTCFG_GRUB_LEGACY] = {"GRUB legacy", bootcfg_parse_grub_legacy},
    [BOOTCFG_EXTLINUX] = {"extlinux", bootcfg_parse_extlinux},
};

const char *bootcfg_kind_name(enum bootcfg_kind kind)
{
    if ((unsigned)kind >= sizeof(parsers) / sizeof(parsers[0]))
        return "unknown";
    return parsers[kind].name;
}

int bootcfg_parse(enum bootcfg_kind kind, const char *path, const char *text, size_t len,
                  const struct bootcfg_reader *reader, struct bootcfg *out, char *err,
                  size_t errlen)
{
    struct bootcfg_state st = {reader, out, len, 0, err, errlen};
    char *t = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (err && errlen)
        err[0] = '\0';
    if ((unsigned)kind >= sizeof(parsers) / sizeof(parsers[0]))
        return -EINVAL;
    if (len > BOOTCFG_MAX_FILE) {
        rc = bootcfg_error(&st, -EFBIG, path, 0, "configuration larger than %u bytes",
                           BOOTCFG_MAX_FILE);
        goto out;
    }
    t = text_copy(text, len);
    if (!t) {
        rc = -ENOMEM;
        goto out;
    }
    rc = parsers[kind].parse(&st, path, t, len);
    if (rc == 0 && out->n_entries == 0)
        rc = bootcfg_error(&st, -ENOENT, path, 0, "no boot entries");
    if (rc == 0 && (out->default_index < 0 || (unsigned)out->default_index >= out->n_entries))
        out->default_index = 0;
out:
    if (rc == -ENOMEM)
        bootcfg_error(&st, rc, path, 0, "out of memory");
    if (rc < 0)
        bootcfg_free(out);
    free(t);
    return rc;
}

void bootcfg_free(struct bootcfg *cfg)
{
    unsigned i;

    for (i = 0; i < cfg->n_entries; i++) {
        free(cfg->entries[i].title);
        free(cfg->entries[i].kernel);
        free(cfg->entries[i].initrd);
        for (char **p = cfg->entries[i].initrds; p && *p; p++)
            free(*p);
        free(cfg->entries[i].initrds);
        free(cfg->entries[i].args);
    }
    free(cfg->entries);
    memset(cfg, 0, sizeof(*cfg));
}

int bootcfg_find_entry(const struct bootcfg *cfg, const char *sel)
{
    char *end;
    long idx;
    unsigned i;

    if (!sel || !*sel)
        return -1;
    errno = 0;
    idx = strtol(sel, &end, 10);
    if (*end == '\0' && errno == 0)
        return (idx >= 0 && (unsigned long)idx < cfg->n_entries) ? (int)idx : -1;
    for (i = 0; i < cfg->n_entries; i++)
        if (strcmp(cfg->entries[i].title, sel) == 0)
            return (int)i;
    return -1;
}
