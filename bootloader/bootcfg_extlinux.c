/*
 * bootcfg_extlinux.c: extlinux.conf / syslinux.cfg: DEFAULT, ONTIMEOUT,
 * LABEL, MENU LABEL, MENU DEFAULT, KERNEL/LINUX, INITRD, APPEND (global
 * and per label; "APPEND -" is none; initrd= taken from it when there is
 * no INITRD), INCLUDE and MENU INCLUDE.  Keywords are case-insensitive;
 * relative paths are relative to the configuration file's directory, as
 * syslinux's working directory is.  COM32 modules (*.c32) boot nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootcfg_internal.h"

struct extlinux {
    struct bootcfg_state *st;
    char *default_label;
    char *ontimeout;
    char *global_append;
    int menu_default; /* entry index marked MENU DEFAULT, or -1 */
    /* the label being read */
    bool in_label;
    char *label, *title, *kernel, *initrd, *append;
    bool menu_default_here;
    /* labels of the entries, parallel to st->out->entries */
    char **labels;
    unsigned nlabels;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/*
 * Takes initrd=LIST out of ARGS (in place, in one pass) into *INITRD (raw,
 * a comma list) if unset; words are re-joined by single spaces.
 */
static int split_initrd(char *args, char **initrd)
{
    const char *r = args;
    char *w = args;

    for (;;) {
        const char *s, *e;

        while (bootcfg_isspace(*r))
            r++;
        if (!*r)
            break;
        s = r;
        while (*r && !bootcfg_isspace(*r))
            r++;
        e = r;
        if (strncmp(s, "initrd=", 7) == 0) {
            if (!*initrd && e - s > 7) {
                *initrd = bootcfg_strndup(s + 7, (size_t)(e - s) - 7);
                if (!*initrd)
                    return -ENOMEM;
            }
            continue;
        }
        if (w != args)
            *w++ = ' ';
        memmove(w, s, (size_t)(e - s)); /* W never passes S */
        w += e - s;
    }
    *w = '\0';
    return 0;
}

/* Entry IDX's initrds from RAW, a comma-separated list relative to DIR. */
static int apply_initrds(struct bootcfg_state *st, int idx, const char *dir, const char *raw)
{
    char *copy, *paths[BOOTCFG_MAX_INITRDS], *save = NULL, *tok;
    unsigned n = 0;
    int rc;

    if (!raw)
        return 0;
    copy = strdup(raw);
    if (!copy)
        return -ENOMEM;
    for (tok = strtok_r(copy, ", \t", &save); tok && n < BOOTCFG_MAX_INITRDS;
         tok = strtok_r(NULL, ", \t", &save))
        paths[n++] = tok;
    rc = bootcfg_set_initrds(st, idx, dir, paths, n);
    free(copy);
    return rc;
}

static int flush_label(struct extlinux *ex, const char *path, unsigned line)
{
    const char *app;
    char *dir = NULL, *args = NULL, **labels;
    int idx, rc = 0;

    if (!ex->in_label)
        return 0;
    ex->in_label = false;
    dir = bootcfg_dirname(path);
    app = ex->append ? ex->append : ex->global_append;
    args = strdup(app && strcmp(app, "-") != 0 ? app : "");
    if (!dir || !args) {
        rc = -ENOMEM;
        goto out;
    }
    rc = split_initrd(args, &ex->initrd);
    if (rc < 0)
        goto out;
    if (ex->kernel && ends_with(ex->kernel, ".c32")) {
        free(ex->kernel);
        ex->kernel = NULL;
    }
    labels = realloc(ex->labels, (ex->nlabels + 1) * sizeof(*labels));
    if (!labels) {
        rc = -ENOMEM;
        goto out;
    }
    ex->labels = labels;
    idx = bootcfg_add_entry(ex->st, ex->title ? ex->title : strdup(ex->label), ex->kernel, NULL,
                            args);
    ex->title = ex->kernel = NULL;
    args = NULL;
    if (idx < 0) {
        rc = bootcfg_error(ex->st, idx, path, line, "more than %u labels", BOOTCFG_MAX_ENTRIES);
        goto out;
    }
    rc = apply_initrds(ex->st, idx, dir, ex->initrd);
    if (rc < 0)
        goto out;
    ex->labels[ex->nlabels++] = ex->label;
    ex->label = NULL;
    if (ex->menu_default_here)
        ex->menu_default = idx;
out:
    free(ex->label);
    free(ex->title);
    free(ex->kernel);
    free(ex->initrd);
    free(ex->append);
    ex->label = ex->title = ex->kernel = ex->initrd = ex->append = NULL;
    ex->menu_default_here = false;
    free(args);
    free(dir);
    return rc;
}

static int parse_text(struct extlinux *ex, const char *path, char *text);

static int parse_included(void *opaque, const char *path, char *text)
{
    return parse_text(opaque, path, text);
}

static int include(struct extlinux *ex, const char *path, unsigned line, const char *file)
{
    return bootcfg_include(ex->st, path, line, file, parse_included, ex);
}

/* Replaces *DST with a copy of SRC (or a path relative to PATH's dir). */
static int set_str(char **dst, const char *src)
{
    char *n = strdup(src);

    if (!n)
        return -ENOMEM;
    free(*dst);
    *dst = n;
    return 0;
}

static int set_path(char **dst, const char *path, const char *arg)
{
    char *dir = bootcfg_dirname(path), *first, *p = NULL;

    if (dir) {
        first = bootcfg_strndup(arg, strcspn(arg, ", \t"));
        if (first && *first)
            p = bootcfg_path(dir, first);
        free(first);
    }
    free(dir);
    if (!p)
        return *arg ? -ENOMEM : 0;
    free(*dst);
    *dst = p;
    return 0;
}

static int parse_line(struct extlinux *ex, const char *path, unsigned line, char *s)
{
    char *kw, *arg;
    size_t n;

    while (bootcfg_isspace(*s))
        s++;
    if (*s == '#' || *s == '\0')
        return 0;
    n = strlen(s);
    while (n > 0 && bootcfg_isspace(s[n - 1]))
        s[--n] = '\0';
    kw = s;
    n = strcspn(s, " \t\r\f\v");
    arg = s + n;
    if (*arg)
        *arg++ = '\0';
    while (bootcfg_isspace(*arg))
        arg++;

    if (strcasecmp(kw, "menu") == 0) { /* MENU LABEL, MENU DEFAULT, MENU INCLUDE */
        kw = arg;
        n = strcspn(arg, " \t\r\f\v");
        arg += n;
        if (*arg)
            *arg++ = '\0';
        while (bootcfg_isspace(*arg))
            arg++;
        if (strcasecmp(kw, "label") == 0 && ex->in_label) {
            char *t = strdup(arg), *r, *w;

            if (!t)
                return -ENOMEM;
            for (r = w = t; *r; r++) /* '^' marks a hotkey */
                if (*r != '^')
                    *w++ = *r;
            *w = '\0';
            free(ex->title);
            ex->title = t;
            return 0;
        }
        if (strcasecmp(kw, "default") == 0 && ex->in_label)
            ex->menu_default_here = true;
        if (strcasecmp(kw, "include") == 0 && *arg) {
            int rc = flush_label(ex, path, line);

            return rc < 0 ? rc : include(ex, path, line, arg);
        }
        return 0;
    }
    if (strcasecmp(kw, "label") == 0) {
        int rc = flush_label(ex, path, line);

        if (rc < 0)
            return rc;
        ex->in_label = true;
        return set_str(&ex->label, arg);
    }
    if (strcasecmp(kw, "include") == 0 && *arg) {
        int rc = flush_label(ex, path, line);

        return rc < 0 ? rc : include(ex, path, line, arg);
    }
    if (strcasecmp(kw, "default") == 0)
        return set_str(&ex->default_label, arg);
    if (strcasecmp(kw, "ontimeout") == 0)
        return set_str(&ex->ontimeout, arg);
    if (strcasecmp(kw, "append") == 0)
        return set_str(ex->in_label ? &ex->append : &ex->global_append, arg);
    if (!ex->in_label)
        return 0;
    if ((strcasecmp(kw, "kernel") == 0 || strcasecmp(kw, "linux") == 0) && *arg)
        return set_path(&ex->kernel, path, arg);
    if (strcasecmp(kw, "initrd") == 0 && *arg)
        return set_str(&ex->initrd, arg);
    return 0; /* TIMEOUT, PROMPT, UI, SAY, ... */
}

static int parse_one_line(void *opaque, const char *path, unsigned line, char *s)
{
    return parse_line(opaque, path, line, s);
}

static int parse_text(struct extlinux *ex, const char *path, char *text)
{
    unsigned line;
    int rc = bootcfg_each_line(path, text, parse_one_line, ex, &line);

    if (rc == 0)
        rc = flush_label(ex, path, line);
    return rc;
}

static int find_label(struct extlinux *ex, const char *name)
{
    if (!name)
        return -1;
    for (unsigned i = 0; i < ex->nlabels; i++)
        if (ex->labels[i] && strcmp(ex->labels[i], name) == 0)
            return (int)i;
    return -1;
}

/* "DEFAULT vmlinuz root=..." with no such label: a command line of its own. */
static int default_as_command(struct extlinux *ex, const char *path)
{
    const char *d = ex->default_label;
    size_t n = strcspn(d, " \t");
    char *dir = bootcfg_dirname(path), *k = bootcfg_strndup(d, n), *kernel = NULL, *args;
    const char *rest = d + n;
    int idx;

    while (bootcfg_isspace(*rest))
        rest++;
    args = strdup(rest);
    if (dir && k)
        kernel = bootcfg_path(dir, k);
    free(dir);
    free(k);
    if (!kernel || !args) {
        free(kernel);
        free(args);
        return -ENOMEM;
    }
    if (split_initrd(args, &ex->initrd) < 0) {
        free(kernel);
        free(args);
        return -ENOMEM;
    }
    idx = bootcfg_add_entry(ex->st, strdup(ex->default_label), kernel, NULL, args);
    if (idx < 0)
        return idx;
    dir = bootcfg_dirname(path);
    if (!dir)
        return -ENOMEM;
    idx = apply_initrds(ex->st, idx, dir, ex->initrd);
    free(dir);
    return idx;
}

int bootcfg_parse_extlinux(struct bootcfg_state *st, const char *path, const char *text, size_t len)
{
    struct extlinux ex = {.st = st, .menu_default = -1};
    char *copy = bootcfg_strndup(text, len);
    int rc = -ENOMEM, d;

    if (!copy)
        goto out;
    rc = parse_text(&ex, path, copy);
    if (rc < 0)
        goto out;
    if (ex.nlabels == 0 && ex.default_label && *ex.default_label) {
        rc = default_as_command(&ex, path);
        goto out;
    }
    d = ex.menu_default;
    if (d < 0)
        d = find_label(&ex, ex.default_label);
    if (d < 0)
        d = find_label(&ex, ex.ontimeout);
    st->out->default_index = d < 0 ? 0 : d;
out:
    for (unsigned i = 0; i < ex.nlabels; i++)
        free(ex.labels[i]);
    free(ex.labels);
    free(ex.default_label);
    free(ex.ontimeout);
    free(ex.global_append);
    free(ex.label);
    free(ex.title);
    free(ex.kernel);
    free(ex.initrd);
    free(ex.append);
    free(copy);
    return rc;
}
