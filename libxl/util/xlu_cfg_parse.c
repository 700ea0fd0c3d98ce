/*
 * xlu_cfg_parse.c: the xl.cfg grammar: a hand-written lexer and a
 * recursive-descent parser producing settings.
 *
 *   file     := { stmt } [ assignment ]
 *   stmt     := [ assignment ] ( NEWLINE | ';' )
 *   assignment := IDENT ( '=' | '+=' ) value
 *   value    := STRING | NUMBER | '[' { NEWLINE } [ values ] ']'
 *   values   := value { NEWLINE } { ',' { NEWLINE } value { NEWLINE } } [ ',' { NEWLINE } ]
 *
 * Tokens: IDENT [a-z][._0-9a-z]*, NUMBER [0-9][0-9a-fx]*, STRING in single
 * or double quotes with backslash escapes, `#' comments to end of line.
 * Messages read `FILE:LINE: config parsing error near `TEXT': MESSAGE',
 * worded as real xl 4.17 words them, and the recovery after an error
 * (skip to the end of the line; say nothing more until three tokens have
 * been accepted) follows it too, so the same file gets the same messages.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xlu_internal.h"

enum tok_type {
    T_EOF,
    T_NEWLINE,
    T_IDENT,
    T_NUMBER,
    T_STRING,
    T_ADD,
    T_EQ,
    T_COMMA,
    T_SEMI,
    T_LBRACK,
    T_RBRACK,
};

static const char *const tok_names[] = {
    [T_EOF] = "$end",      [T_NEWLINE] = "NEWLINE", [T_IDENT] = "IDENT", [T_NUMBER] = "NUMBER",
    [T_STRING] = "STRING", [T_ADD] = "+=",          [T_EQ] = "'='",      [T_COMMA] = "','",
    [T_SEMI] = "';'",      [T_LBRACK] = "'['",      [T_RBRACK] = "']'",
};

/* What each parser state accepts, as the message lists it. */
#define EXPECT_STMT  "$end or IDENT or NEWLINE or ';'"
#define EXPECT_OP    "+= or '='"
#define EXPECT_VALUE "STRING or NUMBER or '['"
#define EXPECT_CLOSE "']'"
#define EXPECT_END   "$end"

/* Lists nested deeper than this are refused (bison's stack limit). */
#define MAX_DEPTH 3000

struct token {
    enum tok_type type;
    size_t off, len;
    int line;
    char *str; /* STRING/NUMBER/IDENT: the value, malloc'd */
};

struct parser {
    XLU_Config *cfg;
    const char *data;
    size_t len, pos;
    int line;        /* current line of the lexer */
    struct token la; /* lookahead */
    bool have_la;
    struct token last; /* the last token read (for messages) */
    int err;
    int lexerr_line; /* syntax errors on lines up to this are not reported */
    int errstatus;   /* tokens still to accept before reporting again */
    bool likely_python;
    bool abort;    /* out of memory or too deep: stop */
    bool reported; /* a message has been printed */
    int lex_last_line;
    size_t eof_near_off, eof_near_len; /* a bad word the input ends with */
};

static void report(struct parser *p, int line, const char *near_open, const char *text, int textlen,
                   const char *near_close, const char *msg)
{
    if (p->cfg->report)
        fprintf(p->cfg->report, "%s:%d: config parsing error near %s%.*s%s: %s\n", p->cfg->source,
                line, near_open, textlen, text, near_close, msg);
    p->reported = true;
    if (!p->err)
        p->err = EINVAL;
}

/* A message about the token's text, printed whatever the state. */
static void lexical_error(struct parser *p, size_t off, size_t len, int line, const char *msg)
{
    report(p, line, "`", p->data + off, (int)len, "'", msg);
    p->lexerr_line = line;
}

/* A message about a token, as the grammar's error reporter prints it. */
static void token_error(struct parser *p, const struct token *t, const char *msg)
{
    int line = t->line;
    if (line <= p->lexerr_line)
        return;
    if (t->type == T_NEWLINE) {
        /* the newline's own line is counted as the one before; a comment
         * before the newline is what it is "near" */
        size_t len = t->len - 1;
        while (len > 0 && (p->data[t->off + len - 1] == ' ' || p->data[t->off + len - 1] == '\t'))
            len--;
        if (len)
            report(p, line - 1, "`", p->data + t->off, (int)len, "'", msg);
        else
            report(p, line - 1, "", "<newline>", 9, "", msg);
        return;
    }
    size_t len = t->len;
    while (len > 0 && (p->data[t->off + len - 1] == ' ' || p->data[t->off + len - 1] == '\t'))
        len--;
    report(p, line, "`", p->data + t->off, (int)len, "'", msg);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}
static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Undo the quoting of the string token at data[off..off+len) (quotes
 * included).  Escapes \" \' \\ \a \b \f \n \r \t \v are understood; the
 * numeric ones (\xHH, \ooo) are checked as real xl checks them and, as
 * there, contribute nothing to the value. */
static char *dequote(struct parser *p, size_t off, size_t len, int line)
{
    const char *src = p->data + off;
    const char *end = src + len - 1;
    char *out = malloc(len), *q = out;

    if (!out) {
        p->abort = true;
        return NULL;
    }
    for (const char *s = src + 1; s < end;) {
        char c = *s++;
        if (c != '\\') {
            *q++ = c;
            continue;
        }
        char nc = *s++;
        static const char simple_from[] = "\"'\\abfnrtv";
        static const char simple_to[] = "\"'\\\a\b\f\n\r\t\v";
        const char *hit = nc ? strchr(simple_from, nc) : NULL;
        if (hit) {
            *q++ = simple_to[hit - simple_from];
            continue;
        }
        int minlen, maxlen, base;
        const char *what;
        if (nc == 'x') {
            minlen = 2, maxlen = 2, base = 16, what = "hex";
        } else if (nc >= '0' && nc <= '7') {
            minlen = 1, maxlen = 3, base = 8, what = "octal";
        } else {
            lexical_error(p, off, len, line, "invalid character after backlash in quoted string");
            break;
        }
        char numbuf[4], *ep;
        size_t avail = (size_t)(src + len - s);
        size_t n = avail < (size_t)maxlen ? avail : (size_t)maxlen;
        memcpy(numbuf, s, n);
        numbuf[n] = 0;
        numbuf[strnlen(numbuf, n)] = 0;
        (void)strtoul(numbuf, &ep, base);
        if (ep <= numbuf + minlen) {
            char msg[96];
            snprintf(msg, sizeof(msg),
                     "invalid digit after backslash %snumerical character escape in quoted string",
                     what);
            lexical_error(p, off, len, line, msg);
            break;
        }
        s += ep - numbuf;
    }
    *q = 0;
    return out;
}

static char *copy_text(struct parser *p, size_t off, size_t len)
{
    char *s = malloc(len + 1);
    if (!s) {
        p->abort = true;
        return NULL;
    }
    memcpy(s, p->data + off, len);
    s[len] = 0;
    return s;
}

/* Read the next token into *t. */
static void lex(struct parser *p, struct token *t)
{
    const char *d = p->data;

    for (;;) {
        while (p->pos < p->len && is_space(d[p->pos]))
            p->pos++;
        memset(t, 0, sizeof(*t));
        t->off = p->pos;
        t->line = p->line;
        if (p->pos >= p->len) {
            t->type = T_EOF;
            t->line = p->lex_last_line ? p->lex_last_line : p->line;
            t->off = p->eof_near_off;
            t->len = p->eof_near_len;
            return;
        }
        size_t start = p->pos;
        char c = d[p->pos];
        if (c == '#') {
            /* A comment is part of the newline that ends it; one the
             * input ends with is a bad word (as in real xl). */
            const char *nl = memchr(d + p->pos, '\n', p->len - p->pos);
            if (nl) {
                p->pos = (size_t)(nl - d) + 1;
                t->type = T_NEWLINE;
                t->len = p->pos - start;
                p->lex_last_line = p->line++;
                return;
            }
        }
        if (c == '\n') {
            p->pos++;
            p->line++;
            t->type = T_NEWLINE;
            t->len = 1;
            p->lex_last_line = t->line;
            return;
        }
        if (is_lower(c)) {
            while (p->pos < p->len && (is_lower(d[p->pos]) || is_digit(d[p->pos]) ||
                                       d[p->pos] == '.' || d[p->pos] == '_'))
                p->pos++;
            t->type = T_IDENT;
        } else if (is_digit(c)) {
            while (p->pos < p->len && (is_digit(d[p->pos]) ||
                                       (d[p->pos] >= 'a' && d[p->pos] <= 'f') || d[p->pos] == 'x'))
                p->pos++;
            t->type = T_NUMBER;
        } else if (c == '+' && p->pos + 1 < p->len && d[p->pos + 1] == '=') {
            p->pos += 2;
            t->type = T_ADD;
        } else if (c == '"' || c == '\'') {
            size_t i = p->pos + 1;
            while (i < p->len && d[i] != c && d[i] != '\n') {
                if (d[i] == '\\') {
                    if (i + 1 >= p->len || d[i + 1] == '\n')
                        break;
                    i++;
                }
                i++;
            }
            if (i < p->len && d[i] == c) {
                p->pos = i + 1;
                t->type = T_STRING;
            }
        } else {
            static const struct {
                char c;
                enum tok_type type;
            } punct[] = {
                {'=', T_EQ}, {',', T_COMMA}, {';', T_SEMI}, {'[', T_LBRACK}, {']', T_RBRACK}};
            for (size_t i = 0; i < sizeof(punct) / sizeof(punct[0]); i++)
                if (c == punct[i].c) {
                    p->pos++;
                    t->type = punct[i].type;
                }
        }
        if (p->pos == start) {
            /* Nothing matched: a lexical error spanning the rest of the
             * word, and on we go. */
            if (strchr("+-.():", c) && c)
                p->likely_python = true;
            p->pos++;
            while (p->pos < p->len && !is_space(d[p->pos]) && d[p->pos] != '\n')
                p->pos++;
            if (p->pos >= p->len && p->pos - start == 1) {
                /* A bad character the input ends with is never reported
                 * (real xl's scanner reaches the end first); it is what
                 * the end-of-input error quotes. */
                p->eof_near_off = start;
                p->eof_near_len = p->pos - start;
                continue;
            }
            /* One message per line: a bad word on a line that already had
             * one is not reported.  A lone bad character just before a
             * newline counts as the next line's (as in real xl). */
            int check = p->line + (p->pos - start == 1 && d[p->pos] == '\n');
            if (check > p->lexerr_line) {
                report(p, p->line, "`", p->data + start, (int)(p->pos - start), "'",
                       "lexical error");
                p->lexerr_line = check;
            }
            continue;
        }
        t->len = p->pos - start;
        p->lex_last_line = t->line;
        if (t->type == T_STRING)
            /* after the first message, strings are no longer decoded
             * (nor their escapes checked), as in real xl */
            t->str = p->reported ? copy_text(p, start, 0) : dequote(p, start, t->len, t->line);
        else if (t->type == T_NUMBER || t->type == T_IDENT)
            t->str = copy_text(p, start, t->len);
        return;
    }
}

static const struct token *peek(struct parser *p)
{
    if (!p->have_la) {
        lex(p, &p->la);
        p->have_la = true;
    }
    return &p->la;
}

/* Accept the lookahead; the caller takes its str. */
static struct token shift(struct parser *p)
{
    struct token t = *peek(p);
    p->have_la = false;
    p->last = t;
    if (p->errstatus)
        p->errstatus--;
    return t;
}

static void drop(struct parser *p)
{
    struct token t = shift(p);
    free(t.str);
}

/* Report a syntax error at the lookahead (unless still recovering from
 * the last one). */
static void syntax_error(struct parser *p, const char *expecting)
{
    const struct token *t = peek(p);
    if (!p->errstatus) {
        char msg[160];
        snprintf(msg, sizeof(msg), "syntax error, unexpected %s, expecting %s", tok_names[t->type],
                 expecting);
        token_error(p, t, msg);
    }
    if (!p->err)
        p->err = EINVAL;
}

/* Recover from a syntax error: skip to the end of the line.  false:
 * nothing more can be parsed. */
static bool recover(struct parser *p)
{
    if (p->abort)
        return false;
    while (peek(p)->type != T_NEWLINE) {
        if (peek(p)->type == T_EOF || p->abort)
            return false;
        drop(p);
    }
    p->errstatus = 3;
    drop(p);
    return true;
}

static XLU_ConfigValue *value_new(struct parser *p, int type, int line)
{
    XLU_ConfigValue *v = calloc(1, sizeof(*v));
    if (!v)
        p->abort = true;
    else {
        v->type = type;
        v->line = line;
    }
    return v;
}

static bool list_push(struct parser *p, XLU_ConfigList *l, XLU_ConfigValue *v)
{
    if (l->nvalues == l->avalues) {
        int n = l->avalues ? l->avalues * 2 : 4;
        XLU_ConfigValue **nv = realloc(l->values, sizeof(*nv) * (size_t)n);
        if (!nv) {
            p->abort = true;
            return false;
        }
        l->values = nv;
        l->avalues = n;
    }
    l->values[l->nvalues++] = v;
    return true;
}

static void skip_newlines(struct parser *p)
{
    while (peek(p)->type == T_NEWLINE)
        drop(p);
}

static bool starts_value(enum tok_type t)
{
    return t == T_STRING || t == T_NUMBER || t == T_LBRACK;
}

/* value; NULL after a syntax error (reported) or on no memory. */
static XLU_ConfigValue *parse_value(struct parser *p, const char *expecting, int depth)
{
    const struct token *t = peek(p);

    if (t->type == T_STRING || t->type == T_NUMBER) {
        XLU_ConfigValue *v = value_new(p, XLU_STRING, t->line);
        struct token s = shift(p);
        if (!v) {
            free(s.str);
            return NULL;
        }
        v->u.string = s.str;
        if (!s.str) {
            xlu__value_free(v);
            return NULL;
        }
        return v;
    }
    if (t->type != T_LBRACK) {
        syntax_error(p, expecting);
        return NULL;
    }
    if (depth >= MAX_DEPTH) {
        token_error(p, t, "memory exhausted");
        p->abort = true;
        return NULL;
    }
    XLU_ConfigValue *list = value_new(p, XLU_LIST, t->line);
    if (!list)
        return NULL;
    drop(p);
    skip_newlines(p);
    for (;;) {
        t = peek(p);
        if (t->type == T_RBRACK) {
            drop(p);
            return list;
        }
        if (!starts_value(t->type))
            break;
        XLU_ConfigValue *item = parse_value(p, EXPECT_VALUE, depth + 1);
        if (!item || !list_push(p, &list->u.list, item)) {
            xlu__value_free(item);
            xlu__value_free(list);
            return NULL;
        }
        skip_newlines(p);
        t = peek(p);
        if (t->type == T_COMMA) {
            drop(p);
            skip_newlines(p);
        } else if (t->type != T_RBRACK) {
            break;
        }
    }
    xlu__value_free(list);
    syntax_error(p, EXPECT_CLOSE);
    return NULL;
}

static XLU_ConfigValue *value_copy(struct parser *p, const XLU_ConfigValue *v)
{
    XLU_ConfigValue *c = value_new(p, v->type, v->line);
    if (!c)
        return NULL;
    if (v->type == XLU_STRING) {
        c->u.string = strdup(v->u.string);
        if (!c->u.string) {
            p->abort = true;
            free(c);
            return NULL;
        }
        return c;
    }
    for (int i = 0; i < v->u.list.nvalues; i++) {
        XLU_ConfigValue *item = value_copy(p, v->u.list.values[i]);
        if (!item || !list_push(p, &c->u.list, item)) {
            xlu__value_free(item);
            xlu__value_free(c);
            return NULL;
        }
    }
    return c;
}

/* `name op value' is complete: record it (+= joins it onto the previous
 * value of the same name). */
static void store(struct parser *p, char *name, int op, XLU_ConfigValue *v, long stmt_off,
                  long value_off)
{
    if (p->reported) {
        /* after the first message nothing more is recorded (real xl) */
        free(name);
        xlu__value_free(v);
        return;
    }
    XLU_ConfigSetting *prev = xlu__cfg_find(p->cfg, name);

    if (op == XLU_OP_ADDITION && prev) {
        if (prev->value->type != v->type) {
            token_error(p, &p->last, "can't add [list] to \"string\" or vice versa");
            goto fail;
        }
        XLU_ConfigValue *joined = value_copy(p, prev->value);
        if (!joined)
            goto fail;
        if (v->type == XLU_STRING) {
            size_t a = strlen(joined->u.string), b = strlen(v->u.string);
            char *s = realloc(joined->u.string, a + b + 1);
            if (!s) {
                p->abort = true;
                xlu__value_free(joined);
                goto fail;
            }
            memcpy(s + a, v->u.string, b + 1);
            joined->u.string = s;
            xlu__value_free(v);
        } else {
            for (int i = 0; i < v->u.list.nvalues; i++) {
                if (!list_push(p, &joined->u.list, v->u.list.values[i])) {
                    xlu__value_free(joined);
                    goto fail;
                }
                v->u.list.values[i] = NULL;
            }
            v->u.list.nvalues = 0;
            xlu__value_free(v);
        }
        joined->line = p->last.line;
        v = joined;
    }
    XLU_ConfigSetting *s = calloc(1, sizeof(*s));
    if (!s) {
        p->abort = true;
        goto fail;
    }
    s->name = name;
    s->value = v;
    s->op = op;
    s->line = v->line;
    s->stmt_off = stmt_off;
    s->value_off = value_off;
    s->value_end = (long)(p->last.off + p->last.len);
    s->next = p->cfg->settings;
    p->cfg->settings = s;
    return;
fail:
    free(name);
    xlu__value_free(v);
}

static void parse(struct parser *p)
{
    for (;;) {
        const struct token *t = peek(p);
        if (t->type == T_EOF || p->abort)
            return;
        if (t->type == T_NEWLINE || t->type == T_SEMI) {
            drop(p);
            continue;
        }
        if (t->type != T_IDENT) {
            syntax_error(p, EXPECT_STMT);
            if (!recover(p))
                return;
            continue;
        }
        struct token name = shift(p);
        t = peek(p);
        if (t->type != T_EQ && t->type != T_ADD) {
            free(name.str);
            syntax_error(p, EXPECT_OP);
            if (!recover(p))
                return;
            continue;
        }
        int op = t->type == T_ADD ? XLU_OP_ADDITION : XLU_OP_ASSIGNMENT;
        drop(p);
        long value_off = (long)peek(p)->off;
        XLU_ConfigValue *v = parse_value(p, EXPECT_VALUE, 0);
        if (!v) {
            free(name.str);
            /* A syntax error inside a list: recover at the line's end. */
            if (!recover(p))
                return;
            continue;
        }
        store(p, name.str, op, v, (long)name.off, value_off);
        t = peek(p);
        if (t->type == T_EOF)
            return;
        if (t->type != T_NEWLINE && t->type != T_SEMI) {
            /* After a whole assignment the grammar can only end the file
             * here: an error it cannot recover from. */
            syntax_error(p, EXPECT_END);
            return;
        }
    }
}

int xlu__cfg_parse(XLU_Config *cfg, const char *data, size_t len)
{
    struct parser p = {.cfg = cfg, .data = data, .len = len, .line = 1};

    parse(&p);
    if (p.have_la)
        free(p.la.str);
    if (p.abort && !p.err)
        p.err = ENOMEM;
    if (p.likely_python && p.err && cfg->report)
        fputs("warning: Config file looks like it contains Python code.\n"
              "warning:  Arbitrary Python is no longer supported.\n"
              "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig\n",
              cfg->report);
    return p.err;
}
