/*
 * bootcfg_grub2.c: GRUB 2 grub.cfg, as much of GRUB's script language as
 * a menu needs without running it: words with '', "" and \ quoting, $var
 * and ${var} expansion, `set`/NAME=VALUE/unset, load_env (grubenv),
 * source/configfile includes, menuentry and (nested) submenu blocks with
 * linux/linux16/linuxefi and initrd lines (several initrds are loaded one
 * after the other, as GRUB does), function blocks skipped, and
 * if/elif/else/fi with their conditions evaluated (`[`/test on the
 * expanded words, bootcfg_grub2_test.c; other commands count as
 * succeeding; GRUB's own feature_* variables are set as GRUB 2.06 sets
 * them), so only the branch GRUB would run defines variables and entries;
 * while/until/for bodies are not run.
 * `set default=` may be an index, a title, an id, or a ">"-separated path
 * of those into submenus, as GRUB's.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg_internal.h"

#define G2_MAX_WORDS 1024
#define G2_MAX_COND  32 /* if/elif/else nesting */

/* What GRUB 2.06 sets before reading grub.cfg, as grub-mkconfig tests it. */
static const char *const g2_builtin_vars[][2] = {
    {"feature_menuentry_id", "y"},     {"feature_default_font_path", "y"},
    {"feature_all_video_module", "y"}, {"feature_platform_search_hint", "y"},
    {"feature_timeout_style", "y"},    {"feature_200_final", "y"},
    {"grub_platform", "xen"},          {"grub_cpu", "x86_64"},
};

/* One open if (or loop): whether its current branch runs. */
struct g2_cond {
    bool active; /* this branch runs */
    bool taken;  /* some branch of this if has run (or been chosen) */
    bool parent; /* the enclosing code runs */
};

struct g2_level {
    unsigned idx; /* position among its siblings, GRUB's numbering */
    char *title;
    char *id;
};

/* Where a flat entry sits in the menu tree. */
struct g2_pos {
    unsigned depth;
    struct g2_level lv[BOOTCFG_MAX_NEST + 1];
};

struct g2_var {
    char *name;
    char *value;
};

struct g2 {
    struct bootcfg_state *st;
    struct g2_var vars[BOOTCFG_MAX_VARS];
    unsigned nvars;
    unsigned scope; /* vars below this index belong to outer scopes */
    char *default_sel;
    struct g2_pos *pos; /* parallel to st->out->entries */
    unsigned npos;
    bool in_entry; /* inside a menuentry body */
    struct g2_level stack[BOOTCFG_MAX_NEST + 1];
    unsigned depth;   /* current submenu depth */
    unsigned counter; /* items seen so far at the current level */
    struct g2_cond cond[G2_MAX_COND];
    unsigned ncond;
};

struct g2_lex {
    const char *t;
    size_t pos;
    unsigned line;
    const char *path;
    const char *dir;
};

struct g2_cmd {
    char *w[G2_MAX_WORDS];
    unsigned n;
    bool open;  /* ended with "{" */
    bool close; /* is "}" */
    unsigned line;
};

enum g2_block { G2_TOP, G2_SUBMENU, G2_ENTRY, G2_SKIP };

static void cmd_free(struct g2_cmd *c)
{
    unsigned i;

    for (i = 0; i < c->n; i++)
        free(c->w[i]);
    c->n = 0;
    c->open = c->close = false;
}

static const char *var_get(struct g2 *g, const char *name)
{
    unsigned i = g->nvars;

    while (i-- > 0)
        if (strcmp(g->vars[i].name, name) == 0)
            return g->vars[i].value;
    return NULL;
}

static int var_set(struct g2 *g, const char *name, const char *value)
{
    unsigned i = g->nvars;
    char *v;

    while (i-- > g->scope) {
        if (strcmp(g->vars[i].name, name) == 0) {
            v = strdup(value);
            if (!v)
                return -ENOMEM;
            free(g->vars[i].value);
            g->vars[i].value = v;
            return 0;
        }
    }
    if (g->nvars >= BOOTCFG_MAX_VARS)
        return 0; /* further variables are dropped, not an error */
    g->vars[g->nvars].name = strdup(name);
    g->vars[g->nvars].value = strdup(value);
    if (!g->vars[g->nvars].name || !g->vars[g->nvars].value) {
        free(g->vars[g->nvars].name);
        free(g->vars[g->nvars].value);
        return -ENOMEM;
    }
    g->nvars++;
    return 0;
}

static void vars_pop(struct g2 *g, unsigned to)
{
    while (g->nvars > to) {
        g->nvars--;
        free(g->vars[g->nvars].name);
        free(g->vars[g->nvars].value);
    }
}

static bool is_name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* $name, ${name}, $1, $?, $#, $@, $*: appends the value to B. */
static void lex_dollar(struct g2 *g, struct g2_lex *lx, struct sbuf *b)
{
    const char *t = lx->t;
    struct sbuf name;
    const char *v;

    sbuf_init(&name);
    lx->pos++; /* '$' */
    if (t[lx->pos] == '{') {
        size_t p = lx->pos + 1;

        while (t[p] && t[p] != '}' && t[p] != '\n')
            sbuf_putc(&name, t[p++]);
        if (t[p] != '}') {
            sbuf_putc(b, '$'); /* not an expansion: keep the text */
            sbuf_free(&name);
            return;
        }
        lx->pos = p + 1;
    } else if (is_name_char(t[lx->pos], true)) {
        while (is_name_char(t[lx->pos], false))
            sbuf_putc(&name, t[lx->pos++]);
    } else if (t[lx->pos] && strchr("0123456789?#@*", t[lx->pos]) != NULL) {
        lx->pos++; /* positional and special parameters: empty here */
        return;
    } else {
        sbuf_putc(b, '$');
        return;
    }
    if (name.s && (v = var_get(g, name.s)) != NULL)
        sbuf_puts(b, v);
    sbuf_free(&name);
}

static void skip_blank(struct g2_lex *lx)
{
    const char *t = lx->t;

    for (;;) {
        if (bootcfg_isspace(t[lx->pos])) {
            lx->pos++;
        } else if (t[lx->pos] == '\\' && t[lx->pos + 1] == '\n') {
            lx->pos += 2;
            lx->line++;
        } else {
            return;
        }
    }
}

/*
 * One word into B.  Returns 1 when a word was read, 0 at a command end.
 * *QUOTED says whether any part was quoted (an empty quoted word counts).
 */
static int lex_word(struct g2 *g, struct g2_lex *lx, struct sbuf *b, bool *quoted)
{
    const char *t = lx->t;
    char c;

    *quoted = false;
    skip_blank(lx);
    c = t[lx->pos];
    if (c == '\0' || c == '\n' || c == ';')
        return 0;
    if (c == '#') { /* a comment runs to the end of the line */
        while (t[lx->pos] && t[lx->pos] != '\n')
            lx->pos++;
        return 0;
    }
    for (;;) {
        c = t[lx->pos];
        if (c == '\0' || c == '\n' || c == ';' || bootcfg_isspace(c))
            return 1;
        if (c == '\\') {
            if (t[lx->pos + 1] == '\n') {
                lx->line++;
            } else if (t[lx->pos + 1]) {
                sbuf_putc(b, t[lx->pos + 1]);
            } else {
                lx->pos++;
                return 1;
            }
            lx->pos += 2;
        } else if (c == '\'') {
            *quoted = true;
            lx->pos++;
            while (t[lx->pos] && t[lx->pos] != '\'') {
                if (t[lx->pos] == '\n')
                    lx->line++;
                sbuf_putc(b, t[lx->pos++]);
            }
            if (t[lx->pos])
                lx->pos++;
        } else if (c == '"') {
            *quoted = true;
            lx->pos++;
            while (t[lx->pos] && t[lx->pos] != '"') {
                if (t[lx->pos] == '\\' && t[lx->pos + 1] && strchr("\"\\$\n", t[lx->pos + 1])) {
                    if (t[lx->pos + 1] == '\n')
                        lx->line++;
                    else
                        sbuf_putc(b, t[lx->pos + 1]);
                    lx->pos += 2;
                } else if (t[lx->pos] == '$') {
                    lex_dollar(g, lx, b);
                } else {
                    if (t[lx->pos] == '\n')
                        lx->line++;
                    sbuf_putc(b, t[lx->pos++]);
                }
            }
            if (t[lx->pos])
                lx->pos++;
        } else if (c == '$') {
            lex_dollar(g, lx, b);
        } else {
            sbuf_putc(b, c);
            lx->pos++;
        }
    }
}

/* The next command.  Returns 1, 0 at the end of the text, or an error. */
static int lex_command(struct g2 *g, struct g2_lex *lx, struct g2_cmd *cmd)
{
    const char *t = lx->t;

    cmd_free(cmd);
    for (;;) {
        struct sbuf b;
        size_t start;
        bool quoted;
        int r;

        skip_blank(lx);
        if (cmd->n == 0)
            cmd->line = lx->line;
        start = lx->pos;
        sbuf_init(&b);
        r = lex_word(g, lx, &b, &quoted);
        if (b.overflow) {
            sbuf_free(&b);
            return bootcfg_error(g->st, -E2BIG, lx->path, lx->line, "word too long");
        }
        if (r == 0) {
            sbuf_free(&b);
            if (t[lx->pos] == '\0') {
                if (cmd->n > 0)
                    return 1;
                return 0;
            }
            if (t[lx->pos] == '\n')
                lx->line++;
            lx->pos++; /* '\n' or ';' */
            if (cmd->n > 0)
                return 1;
            continue;
        }
        if (!quoted && b.s && (strcmp(b.s, "{") == 0 || strcmp(b.s, "}") == 0)) {
            bool open = b.s[0] == '{';

            sbuf_free(&b);
            if (open) {
                cmd->open = true;
                return 1;
            }
            if (cmd->n > 0) {
                lx->pos = start; /* "}" ends this command and comes next */
                return 1;
            }
            cmd->close = true;
            return 1;
        }
        if (!quoted && b.len == 0) { /* an unquoted empty expansion is no word */
            sbuf_free(&b);
            continue;
        }
        if (cmd->n >= G2_MAX_WORDS) {
            sbuf_free(&b);
            return bootcfg_error(g->st, -E2BIG, lx->path, lx->line, "command with too many words");
        }
        cmd->w[cmd->n] = sbuf_take(&b);
        if (!cmd->w[cmd->n])
            return -ENOMEM;
        cmd->n++;
    }
}

/* "NAME=VALUE" as a command word, or as the argument of `set`. */
static int assign(struct g2 *g, const char *word)
{
    const char *eq = strchr(word, '=');
    char *name;
    int rc;

    if (!eq || eq == word)
        return 0;
    for (const char *p = word; p < eq; p++)
        if (!is_name_char(*p, p == word))
            return 0;
    name = bootcfg_strndup(word, (size_t)(eq - word));
    if (!name)
        return -ENOMEM;
    if (g->depth == 0 && !g->in_entry && strcmp(name, "default") == 0) {
        char *d = strdup(eq + 1);

        if (!d) {
            free(name);
            return -ENOMEM;
        }
        free(g->default_sel);
        g->default_sel = d;
    }
    rc = var_set(g, name, eq + 1);
    free(name);
    return rc;
}

static bool is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');

    if (!eq || eq == w)
        return false;
    for (const char *p = w; p < eq; p++)
        if (!is_name_char(*p, p == w))
            return false;
    return true;
}

static bool cond_active(const struct g2 *g)
{
    return g->ncond == 0 || g->cond[g->ncond - 1].active;
}

/* The condition of `if`/`elif` in words FROM..: [ ... ], test, true, false. */
static bool condition(const struct g2_cmd *c, unsigned from)
{
    bool neg = false, r;
    const char *w;

    if (from < c->n && strcmp(c->w[from], "!") == 0) {
        neg = true;
        from++;
    }
    if (from >= c->n)
        return !neg;
    w = c->w[from];
    if (strcmp(w, "[") == 0 || strcmp(w, "test") == 0)
        r = bootcfg_grub2_test(c->w + from + 1, c->n - from - 1);
    else
        r = strcmp(w, "false") != 0; /* a command: taken as succeeding */
    return neg ? !r : r;
}

/*
 * Applies the if/elif/else/fi/then (and loop) keywords leading command C,
 * within a block whose conditions start at BASE.  Returns 1 when nothing
 * is left to run, 0 with *FIRST at the command to run, or an error.
 */
static int cond_step(struct g2 *g, struct g2_lex *lx, const struct g2_cmd *c, unsigned base,
                     unsigned *first)
{
    while (*first < c->n) {
        const char *w = c->w[*first];
        struct g2_cond *f = g->ncond > base ? &g->cond[g->ncond - 1] : NULL;
        bool loop = strcmp(w, "while") == 0 || strcmp(w, "until") == 0 || strcmp(w, "for") == 0;

        if (strcmp(w, "if") == 0 || loop) {
            bool parent = cond_active(g), cond = !loop && condition(c, *first + 1);

            if (g->ncond >= G2_MAX_COND)
                return bootcfg_error(g->st, -ELOOP, lx->path, c->line, "if nested deeper than %u",
                                     G2_MAX_COND);
            g->cond[g->ncond++] = (struct g2_cond){parent && cond, cond || loop, parent};
            return 1;
        }
        if (strcmp(w, "elif") == 0 || strcmp(w, "else") == 0) {
            bool is_else = w[2] == 's', cond;

            if (!f)
                return bootcfg_error(g->st, -EINVAL, lx->path, c->line, "%s without if", w);
            cond = !f->taken && (is_else || condition(c, *first + 1));
            f->active = f->parent && cond;
            f->taken = f->taken || cond;
            if (!is_else) /* elif: the rest of the words were its condition */
                return 1;
        } else if (strcmp(w, "fi") == 0 || strcmp(w, "done") == 0) {
            if (!f)
                return bootcfg_error(g->st, -EINVAL, lx->path, c->line, "%s without if", w);
            g->ncond--;
        } else if (strcmp(w, "then") != 0 && strcmp(w, "do") != 0) {
            return 0;
        }
        (*first)++;
    }
    return 1;
}

/* At the end of a block: every if opened in it is closed. */
static int cond_end(struct g2 *g, struct g2_lex *lx, unsigned base)
{
    if (g->ncond == base)
        return 0;
    g->ncond = base;
    return bootcfg_error(g->st, -EINVAL, lx->path, lx->line, "if without fi");
}

static int run_block(struct g2 *g, struct g2_lex *lx, enum g2_block kind, unsigned nest);
static int run_file(struct g2 *g, const char *path, unsigned line, const char *from);

/* grubenv: "NAME=VALUE" lines, '#' comments, padding. */
static int load_env(struct g2 *g, struct g2_lex *lx, struct g2_cmd *c)
{
    const char *file = NULL;
    char *path, *data, *p;
    size_t len;
    int rc;

    for (unsigned i = 1; i < c->n; i++) {
        if ((strcmp(c->w[i], "-f") == 0 || strcmp(c->w[i], "--file") == 0) && i + 1 < c->n)
            file = c->w[++i];
        else if (strncmp(c->w[i], "--file=", 7) == 0)
            file = c->w[i] + 7;
    }
    if (file) {
        path = bootcfg_path(lx->dir, file);
    } else {
        const char *prefix = var_get(g, "prefix");

        path = bootcfg_path(lx->dir, prefix && *prefix ? prefix : lx->dir);
        if (path) {
            char *full = bootcfg_path(path, "grubenv");

            free(path);
            path = full;
        }
    }
    if (!path)
        return -ENOMEM;
    g->st->depth++;
    rc = bootcfg_read_include(g->st, lx->path, c->line, path, &data, &len);
    g->st->depth--;
    free(path);
    if (rc == -ENOENT || rc == -EISDIR || rc == -ENOTDIR) {
        if (g->st->err && g->st->errlen)
            g->st->err[0] = '\0'; /* a missing grubenv is normal */
        return 0;
    }
    if (rc < 0)
        return rc;
    for (p = data; *p;) {
        char *nl = strchr(p, '\n');

        if (nl)
            *nl = '\0';
        if (*p != '#' && is_assignment(p))
            rc = assign(g, p);
        if (rc < 0)
            break;
        if (!nl)
            break;
        p = nl + 1;
    }
    free(data);
    return rc < 0 ? rc : 0;
}

static int begin_item(struct g2 *g, struct g2_lex *lx, struct g2_cmd *c, struct g2_level *lv)
{
    static const char *const with_arg[] = {"--class", "--users", "--hotkey", "--source", NULL};

    memset(lv, 0, sizeof(*lv));
    lv->idx = g->counter++;
    for (unsigned i = 1; i < c->n; i++) {
        const char *w = c->w[i];
        bool skip = false;

        if (strcmp(w, "--id") == 0 && i + 1 < c->n) {
            free(lv->id);
            lv->id = strdup(c->w[++i]);
            continue;
        }
        if (strncmp(w, "--id=", 5) == 0) {
            free(lv->id);
            lv->id = strdup(w + 5);
            continue;
        }
        for (unsigned k = 0; with_arg[k]; k++)
            if (strcmp(w, with_arg[k]) == 0)
                skip = true;
        if (skip) {
            i++;
            continue;
        }
        if (strncmp(w, "--", 2) == 0)
            continue;
        if (!lv->title)
            lv->title = strdup(w);
    }
    if (!lv->title)
        lv->title = strdup("");
    if (!lv->title)
        return -ENOMEM;
    if (!c->open)
        return bootcfg_error(g->st, -EINVAL, lx->path, c->line, "%s \"%s\" without \"{\"", c->w[0],
                             lv->title);
    return 0;
}

static void level_free(struct g2_level *lv)
{
    free(lv->title);
    free(lv->id);
    memset(lv, 0, sizeof(*lv));
}

static int record_pos(struct g2 *g, int index, const struct g2_level *self)
{
    struct g2_pos *p = realloc(g->pos, ((size_t)index + 1) * sizeof(*p));

    if (!p)
        return -ENOMEM;
    g->pos = p;
    p = &g->pos[index];
    memset(p, 0, sizeof(*p));
    g->npos = (unsigned)index + 1;
    p->depth = g->depth + 1;
    for (unsigned i = 0; i < p->depth; i++) {
        const struct g2_level *src = i < g->depth ? &g->stack[i] : self;

        p->lv[i].idx = src->idx;
        p->lv[i].title = strdup(src->title ? src->title : "");
        p->lv[i].id = src->id ? strdup(src->id) : NULL;
        if (!p->lv[i].title || (src->id && !p->lv[i].id))
            return -ENOMEM;
    }
    return 0;
}

static int menuentry(struct g2 *g, struct g2_lex *lx, struct g2_cmd *c, unsigned nest)
{
    struct g2_level lv;
    unsigned saved_nvars = g->nvars, saved_scope = g->scope, cbase = g->ncond;
    struct g2_cmd *body = NULL;
    char *kernel = NULL, *args = NULL, *initrds[BOOTCFG_MAX_INITRDS];
    unsigned n_initrds = 0;
    int rc, idx;

    rc = begin_item(g, lx, c, &lv);
    if (rc < 0)
        goto out;
    body = calloc(1, sizeof(*body));
    if (!body) {
        rc = -ENOMEM;
        goto out;
    }
    g->scope = g->nvars; /* the body's assignments are its own */
    g->in_entry = true;
    for (;;) {
        rc = lex_command(g, lx, body);
        if (rc < 0)
            goto out;
        if (rc == 0) {
            rc = bootcfg_error(g->st, -EINVAL, lx->path, c->line,
                               "menuentry \"%s\" not closed with \"}\"", lv.title);
            goto out;
        }
        if (body->close) {
            rc = cond_end(g, lx, cbase);
            if (rc < 0)
                goto out;
            break;
        }
        if (body->open) {
            if (nest + 1 >= BOOTCFG_MAX_NEST) {
                rc = bootcfg_error(g->st, -ELOOP, lx->path, body->line, "blocks nested too deep");
                goto out;
            }
            rc = run_block(g, lx, G2_SKIP, nest + 1);
            if (rc < 0)
                goto out;
            continue;
        }
        if (body->n == 0)
            continue;
        unsigned first = 0;
        rc = cond_step(g, lx, body, cbase, &first);
        if (rc < 0)
            goto out;
        if (rc == 1 || !cond_active(g)) {
            rc = 0;
            continue;
        }
        const char *w0 = body->w[first];
        unsigned nargs = body->n - first;

        if ((strcmp(w0, "linux") == 0 || strcmp(w0, "linux16") == 0 ||
             strcmp(w0, "linuxefi") == 0 || strcmp(w0, "kernel") == 0) &&
            nargs >= 2) {
            struct sbuf a;

            free(kernel);
            free(args);
            kernel = bootcfg_path("/", body->w[first + 1]);
            sbuf_init(&a);
            for (unsigned i = first + 2; i < body->n; i++) {
                if (i > first + 2)
                    sbuf_putc(&a, ' ');
                sbuf_puts(&a, body->w[i]);
            }
            args = sbuf_take(&a);
            if (!kernel || !args) {
                rc = -ENOMEM;
                goto out;
            }
        } else if ((strcmp(w0, "initrd") == 0 || strcmp(w0, "initrd16") == 0 ||
                    strcmp(w0, "initrdefi") == 0) &&
                   nargs >= 2) {
            while (n_initrds > 0)
                free(initrds[--n_initrds]);
            for (unsigned i = first + 1; i < body->n && n_initrds < BOOTCFG_MAX_INITRDS; i++) {
                initrds[n_initrds] = strdup(body->w[i]);
                if (!initrds[n_initrds]) {
                    rc = -ENOMEM;
                    goto out;
                }
                n_initrds++;
            }
        } else if (strcmp(w0, "set") == 0 && nargs >= 2) {
            rc = assign(g, body->w[first + 1]);
        } else if (is_assignment(w0)) {
            rc = assign(g, w0);
        }
        if (rc < 0)
            goto out;
    }
    idx = bootcfg_add_entry(g->st, lv.title, kernel, NULL, args);
    lv.title = NULL;
    kernel = args = NULL;
    if (idx < 0) {
        rc = bootcfg_error(g->st, idx, lx->path, c->line, "more than %u menu entries",
                           BOOTCFG_MAX_ENTRIES);
        goto out;
    }
    rc = bootcfg_set_initrds(g->st, idx, "/", initrds, n_initrds);
    if (rc < 0)
        goto out;
    {
        struct g2_level self = lv;

        self.title = g->st->out->entries[idx].title;
        rc = record_pos(g, idx, &self);
    }
out:
    vars_pop(g, saved_nvars);
    g->scope = saved_scope;
    g->in_entry = false;
    if (body)
        cmd_free(body);
    free(body);
    free(kernel);
    while (n_initrds > 0)
        free(initrds[--n_initrds]);
    free(args);
    level_free(&lv);
    return rc < 0 ? rc : 0;
}

static int submenu(struct g2 *g, struct g2_lex *lx, struct g2_cmd *c, unsigned nest)
{
    struct g2_level lv;
    unsigned saved_counter;
    int rc;

    rc = begin_item(g, lx, c, &lv);
    if (rc < 0)
        goto out;
    if (g->depth >= BOOTCFG_MAX_NEST || nest + 1 >= BOOTCFG_MAX_NEST) {
        rc = bootcfg_error(g->st, -ELOOP, lx->path, c->line, "submenus nested too deep");
        goto out;
    }
    g->stack[g->depth++] = lv;
    saved_counter = g->counter;
    g->counter = 0;
    rc = run_block(g, lx, G2_SUBMENU, nest + 1);
    g->counter = saved_counter;
    g->depth--;
    lv = g->stack[g->depth];
    memset(&g->stack[g->depth], 0, sizeof(g->stack[g->depth]));
out:
    level_free(&lv);
    return rc;
}

static int run_command(struct g2 *g, struct g2_lex *lx, struct g2_cmd *c, unsigned nest,
                       unsigned cbase)
{
    unsigned first = 0;
    const char *w0;
    int r;

    r = cond_step(g, lx, c, cbase, &first);
    if (r < 0)
        return r;
    if (r == 1 || !cond_active(g)) /* a branch GRUB would not run */
        return c->open ? run_block(g, lx, G2_SKIP, nest + 1) : 0;
    if (first > 0) { /* "then menuentry ...": shift the words down */
        for (unsigned i = 0; i < first; i++)
            free(c->w[i]);
        memmove(c->w, c->w + first, (c->n - first) * sizeof(c->w[0]));
        c->n -= first;
    }
    w0 = c->w[0];
    if (strcmp(w0, "menuentry") == 0)
        return menuentry(g, lx, c, nest);
    if (strcmp(w0, "submenu") == 0)
        return submenu(g, lx, c, nest);
    if (c->open) /* function NAME { ... } and anything else with a block */
        return run_block(g, lx, G2_SKIP, nest + 1);
    if (strcmp(w0, "set") == 0 && c->n >= 2)
        return assign(g, c->w[1]);
    if (is_assignment(w0))
        return assign(g, w0);
    if (strcmp(w0, "unset") == 0 && c->n >= 2)
        return var_set(g, c->w[1], "");
    if (strcmp(w0, "load_env") == 0)
        return load_env(g, lx, c);
    if ((strcmp(w0, "source") == 0 || strcmp(w0, ".") == 0 || strcmp(w0, "configfile") == 0) &&
        c->n >= 2) {
        char *path = bootcfg_path(lx->dir, c->w[1]);
        int rc;

        if (!path)
            return -ENOMEM;
        rc = run_file(g, path, c->line, lx->path);
        free(path);
        return rc;
    }
    return 0; /* search, insmod, terminal_output, ...: nothing for a menu */
}

static int run_block(struct g2 *g, struct g2_lex *lx, enum g2_block kind, unsigned nest)
{
    struct g2_cmd *c;
    unsigned start = lx->line, cbase = g->ncond;
    int rc;

    if (nest >= BOOTCFG_MAX_NEST)
        return bootcfg_error(g->st, -ELOOP, lx->path, lx->line, "blocks nested too deep");
    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    for (;;) {
        rc = lex_command(g, lx, c);
        if (rc < 0)
            break;
        if (rc == 0) {
            rc = kind == G2_TOP ? 0
                                : bootcfg_error(g->st, -EINVAL, lx->path, start,
                                                "block not closed with \"}\"");
            if (rc == 0 && kind != G2_SKIP)
                rc = cond_end(g, lx, cbase);
            break;
        }
        if (c->close) {
            rc = kind == G2_TOP
                     ? bootcfg_error(g->st, -EINVAL, lx->path, c->line, "\"}\" without a block")
                     : 0;
            if (rc == 0 && kind != G2_SKIP)
                rc = cond_end(g, lx, cbase);
            break;
        }
        if (kind == G2_SKIP) {
            rc = c->open ? run_block(g, lx, G2_SKIP, nest + 1) : 0;
        } else {
            rc = run_command(g, lx, c, nest, cbase);
        }
        if (rc < 0)
            break;
    }
    cmd_free(c);
    free(c);
    return rc;
}

static int run_text(struct g2 *g, const char *path, const char *text)
{
    struct g2_lex lx = {text, 0, 1, path, NULL};
    char *dir = bootcfg_dirname(path);
    int rc;

    if (!dir)
        return -ENOMEM;
    lx.dir = dir;
    rc = run_block(g, &lx, G2_TOP, 0);
    free(dir);
    return rc;
}

static int run_file(struct g2 *g, const char *path, unsigned line, const char *from)
{
    char *data;
    size_t len;
    int rc;

    rc = bootcfg_read_include(g->st, from, line, path, &data, &len);
    if (rc < 0)
        return rc;
    g->st->depth++;
    rc = run_text(g, path, data);
    g->st->depth--;
    free(data);
    return rc;
}

/* Does component S name level LV (by index, title or id)? */
static bool level_matches(const struct g2_level *lv, const char *s, size_t n)
{
    char *end;
    unsigned long v;

    if (n > 0 && s[0] >= '0' && s[0] <= '9') {
        v = strtoul(s, &end, 10);
        if ((size_t)(end - s) == n)
            return v == lv->idx;
    }
    if (lv->title && strlen(lv->title) == n && memcmp(lv->title, s, n) == 0)
        return true;
    return lv->id && strlen(lv->id) == n && memcmp(lv->id, s, n) == 0;
}

/* GRUB's default: "2", "Title", "id", "1>2", "Sub>Title".  -1: no match. */
static int resolve_default(struct g2 *g, const char *sel)
{
    unsigned n = g->npos;

    for (unsigned e = 0; e < n; e++) {
        const struct g2_pos *p = &g->pos[e];
        const char *s = sel;
        unsigned lvl = 0;
        bool match = true;

        for (;;) {
            const char *gt = strchr(s, '>');
            size_t len = gt ? (size_t)(gt - s) : strlen(s);

            if (lvl >= p->depth || !level_matches(&p->lv[lvl], s, len)) {
                match = false;
                break;
            }
            lvl++;
            if (!gt)
                break;
            s = gt + 1;
        }
        if (match)
            return (int)e;
    }
    return -1;
}

int bootcfg_parse_grub2(struct bootcfg_state *st, const char *path, const char *text, size_t len)
{
    struct g2 *g = calloc(1, sizeof(*g));
    int rc;

    (void)len;
    if (!g)
        return -ENOMEM;
    g->st = st;
    rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(g2_builtin_vars) / sizeof(g2_builtin_vars[0]); i++)
        rc = var_set(g, g2_builtin_vars[i][0], g2_builtin_vars[i][1]);
    if (rc == 0)
        rc = run_text(g, path, text);
    if (rc == 0 && g->default_sel && g->default_sel[0]) {
        int d = resolve_default(g, g->default_sel);

        st->out->default_index = d < 0 ? 0 : d;
    }
    for (unsigned e = 0; e < g->npos; e++)
        for (unsigned l = 0; l < g->pos[e].depth; l++)
            level_free(&g->pos[e].lv[l]);
    for (unsigned l = 0; l < g->depth; l++)
        level_free(&g->stack[l]);
    free(g->pos);
    vars_pop(g, 0);
    free(g->default_sel);
    free(g);
    return rc;
}
