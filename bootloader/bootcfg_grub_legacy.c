/*
 * bootcfg_grub_legacy.c: GRUB legacy menu.lst / grub.conf: `default N`
 * (or `saved`, read from the `default` file beside the config), `title`
 * starting an entry, `kernel PATH ARGS`, `initrd PATH`, `root` (ignored:
 * paths are inside the boot filesystem), `configfile FILE` read in place.
 * A keyword is separated from its argument by blanks or '='.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg_internal.h"

struct legacy {
    struct bootcfg_state *st;
    char *default_sel;
    bool in_entry;
    char *title, *kernel, *initrd, *args;
};

static void trim_end(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && bootcfg_isspace(s[n - 1]))
        s[--n] = '\0';
}

static int flush_entry(struct legacy *lg, const char *path, unsigned line)
{
    int idx;

    if (!lg->in_entry)
        return 0;
    idx = bootcfg_add_entry(lg->st, lg->title, lg->kernel, lg->initrd, lg->args);
    lg->title = lg->kernel = lg->initrd = lg->args = NULL;
    lg->in_entry = false;
    if (idx < 0)
        return bootcfg_error(lg->st, idx, path, line, "more than %u menu entries",
                             BOOTCFG_MAX_ENTRIES);
    return 0;
}

static int parse_text(struct legacy *lg, const char *path, char *text);

static int parse_included(void *opaque, const char *path, char *text)
{
    return parse_text(opaque, path, text);
}

static int include(struct legacy *lg, const char *path, unsigned line, const char *file)
{
    return bootcfg_include(lg->st, path, line, file, parse_included, lg);
}

/* `default saved`: the first number in the `default` file beside PATH. */
static char *saved_default(struct legacy *lg, const char *path)
{
    char *dir = bootcfg_dirname(path), *file = NULL, *data = NULL, *sel = NULL;
    size_t len, n = 0;

    if (!dir || !(file = bootcfg_path(dir, "default")))
        goto out;
    if (!lg->st->reader || !lg->st->reader->read ||
        lg->st->reader->read(lg->st->reader->ctx, file, &data, &len) < 0 || !data)
        goto out;
    while (n < len && n < 9 && data[n] >= '0' && data[n] <= '9')
        n++;
    if (n > 0)
        sel = bootcfg_strndup(data, n);
out:
    free(data);
    free(file);
    free(dir);
    return sel ? sel : strdup("0");
}

static int parse_line(struct legacy *lg, const char *path, unsigned line, char *s)
{
    char *kw, *arg;
    size_t kwlen;

    while (bootcfg_isspace(*s))
        s++;
    if (*s == '#' || *s == '\0')
        return 0;
    trim_end(s);
    kw = s;
    kwlen = strcspn(s, " \t\r\f\v=");
    arg = s + kwlen;
    if (*arg)
        *arg++ = '\0';
    while (bootcfg_isspace(*arg) || *arg == '=')
        arg++;

    if (strcmp(kw, "title") == 0) {
        int rc = flush_entry(lg, path, line);

        if (rc < 0)
            return rc;
        lg->in_entry = true;
        lg->title = strdup(arg);
        return lg->title ? 0 : -ENOMEM;
    }
    if (strcmp(kw, "default") == 0 && !lg->in_entry) {
        free(lg->default_sel);
        lg->default_sel = strcmp(arg, "saved") == 0 ? saved_default(lg, path) : strdup(arg);
        return lg->default_sel ? 0 : -ENOMEM;
    }
    if (strcmp(kw, "configfile") == 0 && *arg) {
        int rc = flush_entry(lg, path, line);

        return rc < 0 ? rc : include(lg, path, line, arg);
    }
    if (!lg->in_entry)
        return 0;
    if ((strcmp(kw, "kernel") == 0 || strcmp(kw, "kernel$") == 0) && *arg) {
        size_t plen = strcspn(arg, " \t");
        char *p = bootcfg_strndup(arg, plen), *a;

        if (!p)
            return -ENOMEM;
        free(lg->kernel);
        lg->kernel = bootcfg_path("/", p);
        free(p);
        a = arg + plen;
        while (bootcfg_isspace(*a))
            a++;
        free(lg->args);
        lg->args = strdup(a);
        return lg->kernel && lg->args ? 0 : -ENOMEM;
    }
    if (strcmp(kw, "initrd") == 0 && *arg) {
        char *p = bootcfg_strndup(arg, strcspn(arg, " \t"));

        if (!p)
            return -ENOMEM;
        free(lg->initrd);
        lg->initrd = bootcfg_path("/", p);
        free(p);
        return lg->initrd ? 0 : -ENOMEM;
    }
    return 0; /* root, timeout, hiddenmenu, savedefault, module, ... */
}

static int parse_one_line(void *opaque, const char *path, unsigned line, char *s)
{
    return parse_line(opaque, path, line, s);
}

static int parse_text(struct legacy *lg, const char *path, char *text)
{
    unsigned line;
    int rc = bootcfg_each_line(path, text, parse_one_line, lg, &line);

    if (rc == 0)
        rc = flush_entry(lg, path, line);
    return rc;
}

int bootcfg_parse_grub_legacy(struct bootcfg_state *st, const char *path, const char *text,
                              size_t len)
{
    struct legacy lg = {st};
    char *copy = bootcfg_strndup(text, len);
    int rc = -ENOMEM;

    if (!copy)
        goto out;
    rc = parse_text(&lg, path, copy);
    if (rc == 0 && lg.default_sel) {
        char *end;
        long d = strtol(lg.default_sel, &end, 10);

        st->out->default_index =
            (end != lg.default_sel && d >= 0 && d < (long)BOOTCFG_MAX_ENTRIES) ? (int)d : 0;
    }
out:
    free(lg.title);
    free(lg.kernel);
    free(lg.initrd);
    free(lg.args);
    free(lg.default_sel);
    free(copy);
    return rc;
}
