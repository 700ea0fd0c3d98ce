/*
 * xlu_cfg.c: a parsed xl.cfg: reading files and buffers into settings,
 * and the typed accessors (string, number, boolean, list) with their
 * `FILE:LINE: warning:' messages.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xlu_internal.h"

XLU_Config *xlu_cfg_init(FILE *report, const char *report_source)
{
    XLU_Config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg)
        return NULL;
    cfg->report = report;
    cfg->source = strdup(report_source ? report_source : "");
    if (!cfg->source) {
        free(cfg);
        return NULL;
    }
    return cfg;
}

int xlu_cfg_readdata(XLU_Config *cfg, const char *data, int length)
{
    if (length < 0)
        return EINVAL;
    free(cfg->infos);
    cfg->infos = NULL;
    return xlu__cfg_parse(cfg, data, (size_t)length);
}

int xlu_cfg_readfile(XLU_Config *cfg, const char *real_filename)
{
    FILE *f = fopen(real_filename, "r");
    char *data = NULL;
    size_t len = 0, cap = 0;
    int e = 0;

    if (!f) {
        e = errno;
        if (cfg->report)
            fprintf(cfg->report, "%s: unable to open configuration file: %s\n", real_filename,
                    strerror(e));
        return e;
    }
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            char *n = cap > INT_MAX ? NULL : realloc(data, cap);
            if (!n) {
                e = cap > INT_MAX ? EFBIG : ENOMEM;
                goto out;
            }
            data = n;
        }
        size_t r = fread(data + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        e = errno ? errno : EIO;
        goto out;
    }
    e = xlu_cfg_readdata(cfg, data, (int)len);
out:
    free(data);
    fclose(f);
    return e;
}

void xlu__value_free(XLU_ConfigValue *v)
{
    if (!v)
        return;
    if (v->type == XLU_STRING) {
        free(v->u.string);
    } else {
        for (int i = 0; i < v->u.list.nvalues; i++)
            xlu__value_free(v->u.list.values[i]);
        free(v->u.list.values);
    }
    free(v);
}

void xlu_cfg_destroy(XLU_Config *cfg)
{
    if (!cfg)
        return;
    XLU_ConfigSetting *s = cfg->settings;
    while (s) {
        XLU_ConfigSetting *next = s->next;
        free(s->name);
        xlu__value_free(s->value);
        free(s);
        s = next;
    }
    free(cfg->infos);
    free(cfg->source);
    free(cfg);
}

XLU_ConfigSetting *xlu__cfg_find(const XLU_Config *cfg, const char *name)
{
    for (XLU_ConfigSetting *s = cfg->settings; s; s = s->next)
        if (!strcmp(s->name, name))
            return s;
    return NULL;
}

static void warn(const XLU_Config *cfg, int line, const char *n, const char *what)
{
    if (cfg->report)
        fprintf(cfg->report, "%s:%d: warning: parameter `%s' %s\n", cfg->source, line, n, what);
}

static int find_atom(const XLU_Config *cfg, const char *n, XLU_ConfigSetting **set_r, int dont_warn)
{
    XLU_ConfigSetting *s = xlu__cfg_find(cfg, n);
    if (!s)
        return ESRCH;
    if (s->value->type != XLU_STRING) {
        if (!dont_warn)
            warn(cfg, s->line, n, "is a list but should be a single value");
        return EINVAL;
    }
    *set_r = s;
    return 0;
}

int xlu_cfg_get_string(const XLU_Config *cfg, const char *n, const char **value_r, int dont_warn)
{
    XLU_ConfigSetting *s;
    int e = find_atom(cfg, n, &s, dont_warn);
    if (e)
        return e;
    *value_r = s->value->u.string;
    return 0;
}

int xlu_cfg_replace_string(const XLU_Config *cfg, const char *n, char **value_r, int dont_warn)
{
    XLU_ConfigSetting *s;
    int e = find_atom(cfg, n, &s, dont_warn);
    if (e)
        return e;
    char *copy = strdup(s->value->u.string);
    if (!copy)
        return ENOMEM;
    free(*value_r);
    *value_r = copy;
    return 0;
}

int xlu_cfg_get_long(const XLU_Config *cfg, const char *n, long *value_r, int dont_warn)
{
    XLU_ConfigSetting *s;
    int e = find_atom(cfg, n, &s, dont_warn);
    if (e)
        return e;
    if (s->op == XLU_OP_ADDITION) {
        if (!dont_warn && cfg->report)
            fprintf(cfg->report, "%s:%d: warning: can't use += with numbers for parameter `%s'\n",
                    cfg->source, s->line, n);
        return EINVAL;
    }
    char *ep;
    errno = 0;
    long l = strtol(s->value->u.string, &ep, 0);
    if (errno) {
        e = errno;
        if (!dont_warn && cfg->report)
            fprintf(cfg->report,
                    "%s:%d: warning: parameter `%s' could not be parsed as a number: %s\n",
                    cfg->source, s->line, n, strerror(e));
        return e;
    }
    if (*ep || ep == s->value->u.string) {
        if (!dont_warn)
            warn(cfg, s->line, n, "is not a valid number");
        return EINVAL;
    }
    *value_r = l;
    return 0;
}

int xlu_cfg_get_bounded_long(const XLU_Config *cfg, const char *n, long min, long max,
                             long *value_r, int dont_warn)
{
    long l;
    int e = xlu_cfg_get_long(cfg, n, &l, dont_warn);
    if (e)
        return e;
    if (l < min || l > max) {
        if (!dont_warn && cfg->report)
            fprintf(cfg->report, "%s:%d: warning: parameter `%s' %ld is out of range [%ld, %ld]\n",
                    cfg->source, xlu_cfg_setting_line(cfg, n), n, l, min, max);
        return EINVAL;
    }
    *value_r = l;
    return 0;
}

int xlu_cfg_get_list(const XLU_Config *cfg, const char *n, XLU_ConfigList **list_r, int *entries_r,
                     int dont_warn)
{
    XLU_ConfigSetting *s = xlu__cfg_find(cfg, n);
    if (!s)
        return ESRCH;
    if (s->value->type != XLU_LIST) {
        if (!dont_warn)
            warn(cfg, s->line, n, "is a single value but should be a list");
        return EINVAL;
    }
    if (list_r)
        *list_r = &s->value->u.list;
    if (entries_r)
        *entries_r = s->value->u.list.nvalues;
    return 0;
}

int xlu_cfg_get_defbool(const XLU_Config *cfg, const char *n, libxl_defbool *b, int dont_warn)
{
    long l;
    int e = xlu_cfg_get_long(cfg, n, &l, dont_warn);
    if (e)
        return e;
    libxl_defbool_set(b, l != 0);
    return 0;
}

int xlu_cfg_get_list_as_string_list(const XLU_Config *cfg, const char *n, libxl_string_list *sl,
                                    int dont_warn)
{
    XLU_ConfigList *list;
    int nr;
    int e = xlu_cfg_get_list(cfg, n, &list, &nr, dont_warn);
    if (e)
        return e;
    char **out = calloc((size_t)nr + 1, sizeof(*out));
    if (!out)
        return ENOMEM;
    for (int i = 0; i < nr; i++) {
        const char *s = xlu_cfg_get_listitem(list, i);
        out[i] = s ? strdup(s) : NULL;
        if (s && !out[i]) {
            libxl_string_list_dispose(&out);
            return ENOMEM;
        }
    }
    libxl_string_list_dispose(sl);
    *sl = out;
    return 0;
}

const char *xlu_cfg_get_listitem(const XLU_ConfigList *list, int entry)
{
    if (entry < 0 || entry >= list->nvalues)
        return NULL;
    if (list->values[entry]->type != XLU_STRING)
        return NULL;
    return list->values[entry]->u.string;
}

XLU_ConfigValue *xlu_cfg_get_listitem2(const XLU_ConfigList *list, int entry)
{
    if (entry < 0 || entry >= list->nvalues)
        return NULL;
    return list->values[entry];
}

enum XLU_ConfigValueType xlu_cfg_value_type(const XLU_ConfigValue *value)
{
    return value->type;
}

/* The warnings below give a column, which libxlutil never tracks: 0. */
int xlu_cfg_value_get_string(const XLU_Config *cfg, XLU_ConfigValue *value, char **value_r,
                             int dont_warn)
{
    if (value->type != XLU_STRING) {
        if (!dont_warn && cfg->report)
            fprintf(cfg->report, "%s:%d:0: warning: value is not a string\n", cfg->source,
                    value->line);
        *value_r = NULL;
        return EINVAL;
    }
    *value_r = value->u.string;
    return 0;
}

int xlu_cfg_value_get_list(const XLU_Config *cfg, XLU_ConfigValue *value, XLU_ConfigList **value_r,
                           int dont_warn)
{
    if (value->type != XLU_LIST) {
        if (!dont_warn && cfg->report)
            fprintf(cfg->report, "%s:%d:0: warning: value is not a list\n", cfg->source,
                    value->line);
        *value_r = NULL;
        return EINVAL;
    }
    *value_r = &value->u.list;
    return 0;
}

int xlu_cfg_list_length(const XLU_ConfigList *list)
{
    return list->nvalues;
}

int xlu_cfg_setting_line(const XLU_Config *cfg, const char *n)
{
    XLU_ConfigSetting *s = xlu__cfg_find(cfg, n);
    return s ? s->line : 0;
}

int xlu_cfg_settings(const XLU_Config *cfg, const XLU_SettingInfo **infos_r)
{
    int n = 0;
    for (XLU_ConfigSetting *s = cfg->settings; s; s = s->next)
        n++;
    XLU_Config *mut = (XLU_Config *)cfg;
    free(mut->infos);
    XLU_SettingInfo *infos = calloc((size_t)n + 1, sizeof(*infos));
    mut->infos = infos;
    if (!infos)
        return -ENOMEM;
    int i = n;
    for (XLU_ConfigSetting *s = cfg->settings; s; s = s->next) {
        XLU_SettingInfo *in = &infos[--i];
        in->name = s->name;
        in->line = s->line;
        in->op = s->op;
        in->stmt_off = s->stmt_off;
        in->value_off = s->value_off;
        in->value_end = s->value_end;
    }
    *infos_r = infos;
    return n;
}
