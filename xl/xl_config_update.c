/*
 * xl_config_update.c: `xl config-update [-i] CONFIG': rewrite the
 * deprecated options of an xl.cfg file into their current spelling,
 * keeping everything else (comments, layout, order) byte for byte.
 * Prints a unified diff by default; -i writes the file in place.  A file
 * that does not parse is refused.  Each rewrite gives the same
 * libxl_domain_config as the original (see the rules table below).
 * Rules read the original settings, so their order does not matter.
 *
 * `xl config-update DOMAIN [CONFIG]' (real xl's: replace a running
 * domain's saved configuration) is the other form; a single argument
 * that is a readable file selects the rewrite.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"
#include "xl_parse.h"

/* ---- the edits ---- */

struct edit {
    long start, end; /* byte range replaced */
    char *text;      /* malloc'd */
};

struct rewrite {
    const char *data;
    long len;
    XLU_Config *cfg;
    const XLU_SettingInfo *infos;
    int ninfos;
    struct edit *edits;
    int nedits;
    int failed;
};

static void add_edit(struct rewrite *rw, long start, long end, const char *text)
{
    struct edit *e = realloc(rw->edits, sizeof(*e) * (size_t)(rw->nedits + 1));
    char *t = strdup(text);
    if (!e || !t) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    rw->edits = e;
    e[rw->nedits].start = start;
    e[rw->nedits].end = end;
    e[rw->nedits].text = t;
    rw->nedits++;
}

/* The only setting of name, assigned with `=' (NULL if absent; *count
 * says how many there are). */
static const XLU_SettingInfo *only_setting(struct rewrite *rw, const char *name, int *count)
{
    const XLU_SettingInfo *found = NULL;
    int n = 0;
    for (int i = 0; i < rw->ninfos; i++)
        if (!strcmp(rw->infos[i].name, name)) {
            found = &rw->infos[i];
            n++;
        }
    *count = n;
    if (n > 1 || (found && found->op != XLU_OP_ASSIGNMENT)) {
        fprintf(stderr, "xl config-update: `%s' is set more than once or with +=; left as it is\n",
                name);
        return NULL;
    }
    return found;
}

static const XLU_SettingInfo *find_setting(struct rewrite *rw, const char *name)
{
    int count;
    return only_setting(rw, name, &count);
}

/* A string as an xl.cfg double-quoted string. */
static char *quoted(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += (*p == '"' || *p == '\\') ? 2 : 1;
    char *q = malloc(n), *o = q;
    if (!q) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    *o++ = '"';
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '"';
    *o = 0;
    return q;
}

/* The quote character the value was written with ('"' if not a string). */
static char quote_of(struct rewrite *rw, const XLU_SettingInfo *s)
{
    char c = rw->data[s->value_off];
    return c == '\'' ? '\'' : '"';
}

static void replace_value_with_string(struct rewrite *rw, const XLU_SettingInfo *s,
                                      const char *value)
{
    char *q = quoted(value);
    if (quote_of(rw, s) == '\'' && !strchr(value, '\'') && !strchr(value, '\\')) {
        q[0] = '\'';
        q[strlen(q) - 1] = '\'';
    }
    add_edit(rw, s->value_off, s->value_end, q);
    free(q);
}

/* Remove a statement: its whole line when it is alone there. */
static void delete_setting(struct rewrite *rw, const XLU_SettingInfo *s)
{
    long a = s->stmt_off, b = s->value_end;
    long ls = a, le = b;
    while (ls > 0 && (rw->data[ls - 1] == ' ' || rw->data[ls - 1] == '\t'))
        ls--;
    while (le < rw->len && (rw->data[le] == ' ' || rw->data[le] == '\t' || rw->data[le] == ';'))
        le++;
    int line_start = ls == 0 || rw->data[ls - 1] == '\n';
    if (line_start && (le == rw->len || rw->data[le] == '\n')) {
        add_edit(rw, ls, le < rw->len ? le + 1 : le, "");
        return;
    }
    if (line_start && rw->data[le] == '#') {
        /* keep the statement's comment, on its own line */
        add_edit(rw, ls, le, "");
        return;
    }
    if (b < rw->len && rw->data[b] == ';')
        b++;
    add_edit(rw, a, b, "");
}

static void rename_setting(struct rewrite *rw, const XLU_SettingInfo *s, const char *new_name)
{
    add_edit(rw, s->stmt_off, s->stmt_off + (long)strlen(s->name), new_name);
}

/* ---- the rules: one per deprecated spelling ---- */

static int prefix_of(const char *s, const char *word)
{
    return !strncmp(s, word, strlen(s));
}

/* builder="hvm"|"generic" -> type="hvm"|"pv" */
static void rule_builder(struct rewrite *rw)
{
    const XLU_SettingInfo *b = find_setting(rw, "builder"), *t;
    const char *val, *type;
    if (!b || xlu_cfg_get_string(rw->cfg, "builder", &val, 1))
        return;
    if (prefix_of(val, "hvm"))
        type = "hvm";
    else if (prefix_of(val, "generic"))
        type = "pv";
    else {
        fprintf(stderr, "xl config-update: builder=\"%s\" is not a domain type; left as it is\n",
                val);
        rw->failed = 1;
        return;
    }
    int count;
    t = only_setting(rw, "type", &count);
    if (count) {
        const char *tv;
        if (!t || xlu_cfg_get_string(rw->cfg, "type", &tv, 1) || strcmp(tv, type)) {
            fprintf(stderr, "xl config-update: builder= and type= disagree; left as they are\n");
            rw->failed = 1;
            return;
        }
        delete_setting(rw, b);
        return;
    }
    rename_setting(rw, b, "type");
    replace_value_with_string(rw, b, type);
}

/* tsc_mode=N / timer_mode=N -> the mode's name */
static void rule_mode_number(struct rewrite *rw, const char *key, const char *(*name_of)(long))
{
    const XLU_SettingInfo *s = find_setting(rw, key);
    long l;
    if (!s || xlu_cfg_get_long(rw->cfg, key, &l, 1))
        return;
    const char *name = name_of(l);
    if (!name)
        return; /* an invalid number: nothing equivalent to write */
    replace_value_with_string(rw, s, name);
}

static const char *tsc_name(long l)
{
    return libxl_tsc_mode_to_string((libxl_tsc_mode)l);
}
static const char *timer_name(long l)
{
    if (l < LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS || l > LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING)
        return NULL;
    return libxl_timer_mode_to_string((libxl_timer_mode)l);
}

static void rule_tsc_mode(struct rewrite *rw)
{
    rule_mode_number(rw, "tsc_mode", tsc_name);
}
static void rule_timer_mode(struct rewrite *rw)
{
    rule_mode_number(rw, "timer_mode", timer_name);
}

/* bootloader_args="a b" -> [ "a", "b" ] */
static void rule_bootloader_args(struct rewrite *rw)
{
    const XLU_SettingInfo *s = find_setting(rw, "bootloader_args");
    const char *val;
    if (!s || xlu_cfg_get_string(rw->cfg, "bootloader_args", &val, 1))
        return;
    size_t cap = strlen(val) * 3 + 8;
    char *out = malloc(cap), *copy = strdup(val), *save = NULL;
    if (!out || !copy) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    strcpy(out, "[");
    int first = 1;
    for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
        char *q = quoted(w);
        out = realloc(out, strlen(out) + strlen(q) + 8);
        if (!out) {
            perror("xl");
            exit(EXIT_FAILURE);
        }
        strcat(out, first ? " " : ", ");
        strcat(out, q);
        free(q);
        first = 0;
    }
    strcat(out, first ? "]" : " ]");
    add_edit(rw, s->value_off, s->value_end, out);
    free(out);
    free(copy);
}

/* root= and extra= -> cmdline= (as xl builds it: "root=R E") */
static void rule_root_extra(struct rewrite *rw)
{
    const XLU_SettingInfo *root = find_setting(rw, "root"), *extra = find_setting(rw, "extra");
    const XLU_SettingInfo *cmdline = find_setting(rw, "cmdline");
    const char *rv = NULL, *ev = NULL;
    if (root && xlu_cfg_get_string(rw->cfg, "root", &rv, 1))
        root = NULL;
    if (extra && xlu_cfg_get_string(rw->cfg, "extra", &ev, 1))
        extra = NULL;
    if (!root && !extra)
        return;
    if (cmdline) {
        /* cmdline= wins; root= and extra= are ignored (with a warning). */
        if (root)
            delete_setting(rw, root);
        if (extra)
            delete_setting(rw, extra);
        return;
    }
    if (!root) {
        rename_setting(rw, extra, "cmdline");
        return;
    }
    size_t n = strlen(rv) + (ev ? strlen(ev) : 0) + 8;
    char *c = malloc(n);
    if (!c) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    snprintf(c, n, ev ? "root=%s %s" : "root=%s", rv, ev);
    rename_setting(rw, root, "cmdline");
    replace_value_with_string(rw, root, c);
    free(c);
    if (extra)
        delete_setting(rw, extra);
}

/* firmware_override="/path" (HVM) -> firmware="/path" */
static void rule_firmware_override(struct rewrite *rw)
{
    const XLU_SettingInfo *s = find_setting(rw, "firmware_override");
    int count;
    const char *val;
    only_setting(rw, "firmware", &count);
    if (!s || count || xlu_cfg_get_string(rw->cfg, "firmware_override", &val, 1) ||
        !strchr(val, '/'))
        return;
    rename_setting(rw, s, "firmware");
}

/* vif = [ '...netdev=X...' ] -> gatewaydev=X */
static void rule_vif_netdev(struct rewrite *rw)
{
    const XLU_SettingInfo *s = find_setting(rw, "vif");
    if (!s)
        return;
    for (long i = s->value_off; i + 7 <= s->value_end; i++) {
        char before = i > 0 ? rw->data[i - 1] : ',';
        if (!strncmp(rw->data + i, "netdev=", 7) && strchr(",'\" \t", before))
            add_edit(rw, i, i + 6, "gatewaydev");
    }
}

/* The domain type the config asks for (type= or builder=), "pv" if neither. */
static const char *config_type(struct rewrite *rw)
{
    const char *v;
    if (!xlu_cfg_get_string(rw->cfg, "type", &v, 1))
        return prefix_of(v, "hvm")   ? "hvm"
               : prefix_of(v, "pv")  ? "pv"
               : prefix_of(v, "pvh") ? "pvh"
                                     : "";
    if (!xlu_cfg_get_string(rw->cfg, "builder", &v, 1))
        return prefix_of(v, "hvm") ? "hvm" : "pv";
    return "pv";
}

/* xm's HVM kernel="/.../hvmloader" (the per-type way of naming the
 * firmware, which xl ignores with a warning): dropped. */
static void rule_hvmloader_kernel(struct rewrite *rw)
{
    const XLU_SettingInfo *s = find_setting(rw, "kernel");
    const char *val, *base;
    if (!s || strcmp(config_type(rw), "hvm") || xlu_cfg_get_string(rw->cfg, "kernel", &val, 1))
        return;
    base = strrchr(val, '/') ? strrchr(val, '/') + 1 : val;
    if (!strcmp(base, "hvmloader"))
        delete_setting(rw, s);
}

/* xm's device_model= (ignored by xl, with a warning): dropped. */
static void rule_device_model(struct rewrite *rw)
{
    const XLU_SettingInfo *s = find_setting(rw, "device_model");
    const char *val;
    if (s && !xlu_cfg_get_string(rw->cfg, "device_model", &val, 1))
        delete_setting(rw, s);
}

static const struct {
    const char *what;
    void (*apply)(struct rewrite *rw);
} rules[] = {
    {"HVM kernel=hvmloader -> (default firmware)", rule_hvmloader_kernel},
    {"device_model= -> (nothing: ignored)", rule_device_model},
    {"builder= -> type=", rule_builder},
    {"tsc_mode=NUMBER -> name", rule_tsc_mode},
    {"timer_mode=NUMBER -> name", rule_timer_mode},
    {"bootloader_args=STRING -> list", rule_bootloader_args},
    {"root=/extra= -> cmdline=", rule_root_extra},
    {"firmware_override= -> firmware=", rule_firmware_override},
    {"vif netdev= -> gatewaydev=", rule_vif_netdev},
};

static int edit_order(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static char *apply_edits(struct rewrite *rw, long *out_len)
{
    if (rw->nedits)
        qsort(rw->edits, (size_t)rw->nedits, sizeof(*rw->edits), edit_order);
    size_t cap = (size_t)rw->len + 1;
    for (int i = 0; i < rw->nedits; i++)
        cap += strlen(rw->edits[i].text);
    char *out = malloc(cap), *o = out;
    if (!out) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    long at = 0;
    for (int i = 0; i < rw->nedits; i++) {
        struct edit *e = &rw->edits[i];
        if (e->start < at)
            continue; /* overlaps an earlier edit */
        memcpy(o, rw->data + at, (size_t)(e->start - at));
        o += e->start - at;
        o = stpcpy(o, e->text);
        at = e->end;
    }
    memcpy(o, rw->data + at, (size_t)(rw->len - at));
    o += rw->len - at;
    *o = 0;
    *out_len = o - out;
    return out;
}

/* ---- unified diff ---- */

struct lines {
    const char **start;
    int *len;
    int n;
};

static void split_lines(const char *s, long len, struct lines *l)
{
    int cap = 16;
    l->start = malloc(sizeof(*l->start) * (size_t)cap);
    l->len = malloc(sizeof(*l->len) * (size_t)cap);
    l->n = 0;
    for (long i = 0; i < len;) {
        long j = i;
        while (j < len && s[j] != '\n')
            j++;
        if (j < len)
            j++;
        if (l->n == cap) {
            cap *= 2;
            l->start = realloc(l->start, sizeof(*l->start) * (size_t)cap);
            l->len = realloc(l->len, sizeof(*l->len) * (size_t)cap);
        }
        if (!l->start || !l->len) {
            perror("xl");
            exit(EXIT_FAILURE);
        }
        l->start[l->n] = s + i;
        l->len[l->n++] = (int)(j - i);
        i = j;
    }
}

static int line_eq(const struct lines *a, int i, const struct lines *b, int j)
{
    return a->len[i] == b->len[j] && !memcmp(a->start[i], b->start[j], (size_t)a->len[i]);
}

static void put_line(char tag, const char *s, int len)
{
    putchar(tag);
    fwrite(s, 1, (size_t)len, stdout);
    if (!len || s[len - 1] != '\n')
        fputs("\n\\ No newline at end of file\n", stdout);
}

/* A unified diff (3 lines of context) of a -> b; the edits only change
 * lines in place, so a line-by-line LCS is exact and small. */
static void unified_diff(const char *name, const struct lines *a, const struct lines *b)
{
    int n = a->n, m = b->n;
    /* lcs[i][j]: LCS length of a[i..] and b[j..] */
    int *lcs = calloc((size_t)(n + 1) * (size_t)(m + 1), sizeof(int));
    if (!lcs) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
#define LCS(i, j) lcs[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
    for (int i = n - 1; i >= 0; i--)
        for (int j = m - 1; j >= 0; j--)
            LCS(i, j) = line_eq(a, i, b, j)
                            ? LCS(i + 1, j + 1) + 1
                            : (LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1));
    /* The edit script: ops[k] = ' ', '-', '+' with line indices. */
    size_t cap = (size_t)(n + m + 1);
    char *op = malloc(cap);
    int *ai = malloc(sizeof(int) * cap), *bj = malloc(sizeof(int) * cap);
    int k = 0, i = 0, j = 0;
    if (!op || !ai || !bj) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    while (i < n || j < m) {
        if (i < n && j < m && line_eq(a, i, b, j))
            op[k] = ' ', ai[k] = i++, bj[k] = j++;
        else if (i < n && (j == m || LCS(i + 1, j) >= LCS(i, j + 1)))
            op[k] = '-', ai[k] = i++, bj[k] = j;
        else
            op[k] = '+', ai[k] = i, bj[k] = j++;
        k++;
    }
#undef LCS
    printf("--- %s\n+++ %s\n", name, name);
    for (int s = 0; s < k;) {
        if (op[s] == ' ') {
            s++;
            continue;
        }
        int h0 = s - 3 < 0 ? 0 : s - 3, h1 = s;
        /* extend the hunk while changes are within 6 lines of each other */
        for (int t = s; t < k; t++) {
            if (op[t] != ' ')
                h1 = t;
            else if (t - h1 > 6)
                break;
        }
        int end = h1 + 4 > k ? k : h1 + 4;
        int a0 = ai[h0], b0 = bj[h0], ac = 0, bc = 0;
        for (int t = h0; t < end; t++) {
            ac += op[t] != '+';
            bc += op[t] != '-';
        }
        printf("@@ -%d,%d +%d,%d @@\n", ac ? a0 + 1 : a0, ac, bc ? b0 + 1 : b0, bc);
        for (int t = h0; t < end; t++) {
            if (op[t] == '+')
                put_line('+', b->start[bj[t]], b->len[bj[t]]);
            else
                put_line(op[t], a->start[ai[t]], a->len[ai[t]]);
        }
        s = end;
    }
    free(lcs);
    free(op);
    free(ai);
    free(bj);
}

/* ---- the command ---- */

static int read_whole(const char *path, char **data, long *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 4096;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return ENOMEM;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (!r)
            break;
        n += r;
    }
    fclose(f);
    buf[n] = 0;
    *data = buf;
    *len = (long)n;
    return 0;
}

static int write_in_place(const char *path, const char *data, long len)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return ENOMEM;
    snprintf(tmp, n, "%s.xl-new", path);
    FILE *f = fopen(tmp, "w");
    int e = 0;
    if (!f) {
        e = errno;
    } else {
        if (fwrite(data, 1, (size_t)len, f) != (size_t)len)
            e = EIO;
        if (fclose(f) && !e)
            e = errno;
        if (!e && rename(tmp, path))
            e = errno;
        if (e)
            unlink(tmp);
    }
    free(tmp);
    return e;
}

static int rewrite_file(const char *path, int in_place)
{
    struct rewrite rw = {0};
    char *data = NULL;
    long len = 0;
    int rc = EXIT_FAILURE;

    int e = read_whole(path, &data, &len);
    if (e) {
        fprintf(stderr, "Failed to read config file: %s: %s\n", path, strerror(e));
        return EXIT_FAILURE;
    }
    rw.data = data;
    rw.len = len;
    rw.cfg = xlu_cfg_init(stderr, path);
    if (!rw.cfg)
        goto out;
    e = xlu_cfg_readdata(rw.cfg, data, (int)len);
    if (e) {
        fprintf(stderr, "xl config-update: %s does not parse (%s); not rewritten\n", path,
                strerror(e));
        goto out;
    }
    rw.ninfos = xlu_cfg_settings(rw.cfg, &rw.infos);
    if (rw.ninfos < 0)
        goto out;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        rules[i].apply(&rw);

    long new_len;
    char *updated = apply_edits(&rw, &new_len);
    if (in_place) {
        if (rw.nedits) {
            e = write_in_place(path, updated, new_len);
            if (e) {
                fprintf(stderr, "xl config-update: cannot write %s: %s\n", path, strerror(e));
                free(updated);
                goto out;
            }
        }
    } else if (rw.nedits) {
        struct lines a, b;
        split_lines(data, len, &a);
        split_lines(updated, new_len, &b);
        unified_diff(path, &a, &b);
        free(a.start), free(a.len), free(b.start), free(b.len);
    }
    free(updated);
    rc = rw.failed ? EXIT_FAILURE : EXIT_SUCCESS;
out:
    for (int i = 0; i < rw.nedits; i++)
        free(rw.edits[i].text);
    free(rw.edits);
    xlu_cfg_destroy(rw.cfg);
    free(data);
    return rc;
}

int main_config_update(int argc, char **argv)
{
    int opt, in_place = 0;

    optind = 1;
    while ((opt = getopt(argc, argv, "ihdqf:")) != -1) {
        switch (opt) {
        case 'i':
            in_place = 1;
            break;
        case 'h':
            help("config-update");
            return EXIT_SUCCESS;
        case 'd':
        case 'q':
        case 'f':
            break;
        default:
            help("config-update");
            return 2;
        }
    }
    if (argc - optind == 1 && !access(argv[optind], R_OK))
        return rewrite_file(argv[optind], in_place);
    if (argc - optind < 1) {
        help("config-update");
        return 2;
    }
    fprintf(stderr,
            "xl config-update: no such config file `%s', and updating a running domain's "
            "configuration is not available in this build\n",
            argv[optind]);
    return EXIT_FAILURE;
}
