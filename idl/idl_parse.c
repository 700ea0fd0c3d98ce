/*
 * idl_parse.c: the parser of libxl_types.idl (syntax described at the top
 * of that file), building the model of idl.h, and small helpers the
 * emitters share (C type names, enum constant names).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

char *idl_strdup(const char *s)
{
    char *r = s ? strdup(s) : NULL;

    if (s && !r) {
        perror("idlgen");
        exit(1);
    }
    return r;
}

void *idl_xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);

    if (!p) {
        perror("idlgen");
        exit(1);
    }
    return p;
}

void idl_fmt(char *buf, size_t bufsz, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, bufsz, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= bufsz) {
        fprintf(stderr, "idlgen: name too long: %s...\n", buf);
        exit(1);
    }
}

static const struct {
    const char *name;
    enum idl_prim prim;
    const char *ctype;
} prims[] = {
    {"bool", IDL_P_BOOL, "bool"},         {"integer", IDL_P_INTEGER, "int"},
    {"int8", IDL_P_INT8, "int8_t"},       {"int16", IDL_P_INT16, "int16_t"},
    {"int32", IDL_P_INT32, "int32_t"},    {"int64", IDL_P_INT64, "int64_t"},
    {"uint8", IDL_P_UINT8, "uint8_t"},    {"uint16", IDL_P_UINT16, "uint16_t"},
    {"uint32", IDL_P_UINT32, "uint32_t"}, {"uint64", IDL_P_UINT64, "uint64_t"},
    {"string", IDL_P_STRING, "char *"},
};

const char *idl_prim_ctype(enum idl_prim p)
{
    for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++)
        if (prims[i].prim == p)
            return prims[i].ctype;
    return "?";
}

void idl_upper(const char *s, char *buf, size_t bufsz)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < bufsz; i++)
        buf[i] = (char)toupper((unsigned char)s[i]);
    buf[i] = 0;
}

void idl_lower(const char *s, char *buf, size_t bufsz)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < bufsz; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = 0;
}

void idl_ctype(const struct idl_type *t, char *buf, size_t bufsz)
{
    if (t->kind == IDL_K_PRIM || (t->kind == IDL_K_ALIAS && !t->is_typedef))
        idl_fmt(buf, bufsz, "%s", idl_prim_ctype(t->prim));
    else
        idl_fmt(buf, bufsz, "libxl_%s", t->name);
}

void idl_enum_const(const struct idl_type *t, const char *v, char *buf, size_t bufsz)
{
    char up[128], vup[128];

    idl_upper(t->name, up, sizeof(up));
    idl_upper(v, vup, sizeof(vup));
    if (t->prefix)
        idl_fmt(buf, bufsz, "%s%s", t->prefix, vup);
    else
        idl_fmt(buf, bufsz, "LIBXL_%s_%s", up, vup);
}

void idl_enum_default(const struct idl_type *t, const char *def, char *buf, size_t bufsz)
{
    if (!def) {
        idl_fmt(buf, bufsz, "0");
        return;
    }
    for (int i = 0; i < t->nvalues; i++)
        if (strcmp(t->values[i].name, def) == 0) {
            idl_enum_const(t, def, buf, bufsz);
            return;
        }
    idl_fmt(buf, bufsz, "%s", def);
}

struct idl_type *idl_find_type(const struct idl_model *m, const char *name)
{
    for (struct idl_type *t = m->types; t; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static void add_type(struct idl_model *m, struct idl_type *t)
{
    if (m->last)
        m->last->next = t;
    else
        m->types = t;
    m->last = t;
}

static void expect(struct idl_lexer *lx, const char *text)
{
    if (!idl_lex_is(lx, text))
        idl_fatal(lx, "expected '%s', found '%s'", text, lx->text);
    idl_lex_next(lx);
}

static char *take_word(struct idl_lexer *lx, const char *what)
{
    char *r;

    if (lx->tok != IDL_T_WORD)
        idl_fatal(lx, "expected %s, found '%s'", what, lx->text);
    r = idl_strdup(lx->text);
    lx->prev_line = lx->tok_line;
    idl_lex_next(lx);
    return r;
}

/* Options: "typedef", "const", or KEY=VALUE for a known KEY. */
struct opts {
    bool is_typedef, is_const;
    char *def, *prefix, *dir, *resolve, *deprecated_by;
};

static bool at_option(const struct idl_lexer *lx)
{
    static const char *const keyed[] = {"default", "prefix", "dir", "resolve", "deprecated_by"};
    char next[256];

    if (lx->tok != IDL_T_WORD)
        return false;
    if (idl_lex_is(lx, "typedef") || idl_lex_is(lx, "const"))
        return true;
    idl_lex_peek2(lx, next, sizeof(next));
    if (strcmp(next, "=") != 0)
        return false;
    for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++)
        if (idl_lex_is(lx, keyed[i]))
            return true;
    return false;
}

static void parse_opts(struct idl_lexer *lx, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    while (at_option(lx)) {
        char key[256];
        char **slot;

        if (idl_lex_is(lx, "typedef")) {
            o->is_typedef = true;
            idl_lex_next(lx);
            continue;
        }
        if (idl_lex_is(lx, "const")) {
            o->is_const = true;
            idl_lex_next(lx);
            continue;
        }
        idl_fmt(key, sizeof(key), "%s", lx->text);
        idl_lex_next(lx);
        expect(lx, "=");
        slot = !strcmp(key, "default")   ? &o->def
               : !strcmp(key, "prefix")  ? &o->prefix
               : !strcmp(key, "dir")     ? &o->dir
               : !strcmp(key, "resolve") ? &o->resolve
                                         : &o->deprecated_by;
        if (*slot)
            idl_fatal(lx, "option '%s' given twice", key);
        *slot = take_word(lx, "an option value");
    }
}

static struct idl_type *lookup(struct idl_model *m, struct idl_lexer *lx, const char *name)
{
    struct idl_type *t = idl_find_type(m, name);

    if (!t)
        idl_fatal_at(lx, lx->prev_line, "unknown type '%s'", name);
    return t;
}

static void parse_fields(struct idl_model *m, struct idl_lexer *lx, struct idl_type *st);

static struct idl_type *parse_anon_struct(struct idl_model *m, struct idl_lexer *lx,
                                          const char *name)
{
    struct idl_type *st = idl_xcalloc(1, sizeof(*st));

    st->kind = IDL_K_STRUCT;
    st->anonymous = true;
    st->name = idl_strdup(name);
    expect(lx, "{");
    parse_fields(m, lx, st);
    expect(lx, "}");
    return st;
}

static void parse_union(struct idl_model *m, struct idl_lexer *lx, struct idl_field *f)
{
    struct opts o;
    char *tname;

    f->fkind = IDL_F_UNION;
    expect(lx, "(");
    f->key = take_word(lx, "the union's key name");
    expect(lx, ":");
    tname = take_word(lx, "the union's key type");
    f->type = lookup(m, lx, tname);
    free(tname);
    if (f->type->kind != IDL_K_ENUM)
        idl_fatal_at(lx, lx->prev_line, "a union's key must be an enum");
    parse_opts(lx, &o);
    f->key_def = o.def;
    expect(lx, ")");
    expect(lx, "{");
    while (!idl_lex_is(lx, "}")) {
        struct idl_member *mb;
        bool known = false;

        f->members = realloc(f->members, sizeof(*f->members) * (size_t)(f->nmembers + 1));
        if (!f->members)
            idl_fatal(lx, "out of memory");
        mb = &f->members[f->nmembers++];
        mb->name = take_word(lx, "a union member");
        mb->st = NULL;
        for (int i = 0; i < f->type->nvalues; i++)
            if (!strcasecmp(f->type->values[i].name, mb->name))
                known = true;
        if (!known)
            idl_fatal_at(lx, lx->prev_line, "union member '%s' is not a value of %s", mb->name,
                         f->type->name);
        if (idl_lex_is(lx, "{"))
            mb->st = parse_anon_struct(m, lx, mb->name);
    }
    expect(lx, "}");
}

static void parse_field(struct idl_model *m, struct idl_lexer *lx, struct idl_field *f)
{
    struct opts o;

    memset(f, 0, sizeof(*f));
    f->line = lx->tok_line;
    f->name = take_word(lx, "a field name");
    if (idl_lex_is(lx, "array")) {
        char *ename;

        idl_lex_next(lx);
        f->fkind = IDL_F_ARRAY;
        expect(lx, "(");
        ename = take_word(lx, "an element type");
        f->type = lookup(m, lx, ename);
        free(ename);
        expect(lx, ",");
        f->count = take_word(lx, "a count name");
        expect(lx, ")");
    } else if (idl_lex_is(lx, "struct")) {
        idl_lex_next(lx);
        f->fkind = IDL_F_PLAIN;
        f->type = parse_anon_struct(m, lx, f->name);
    } else if (idl_lex_is(lx, "union")) {
        idl_lex_next(lx);
        parse_union(m, lx, f);
    } else {
        char *tname = take_word(lx, "a type");

        f->fkind = IDL_F_PLAIN;
        f->type = lookup(m, lx, tname);
        free(tname);
    }
    parse_opts(lx, &o);
    f->def = o.def;
    f->deprecated_by = o.deprecated_by;
    f->is_const = o.is_const;
    if (o.prefix || o.dir || o.resolve || o.is_typedef)
        idl_fatal_at(lx, f->line, "option not allowed on field '%s'", f->name);
    if (f->is_const &&
        !(f->fkind == IDL_F_PLAIN && f->type->kind == IDL_K_PRIM && f->type->prim == IDL_P_STRING))
        idl_fatal_at(lx, f->line, "only string fields may be const");
}

static void parse_fields(struct idl_model *m, struct idl_lexer *lx, struct idl_type *st)
{
    while (!idl_lex_is(lx, "}") && lx->tok != IDL_T_EOF) {
        st->fields = realloc(st->fields, sizeof(*st->fields) * (size_t)(st->nfields + 1));
        if (!st->fields)
            idl_fatal(lx, "out of memory");
        parse_field(m, lx, &st->fields[st->nfields]);
        for (int i = 0; i < st->nfields; i++)
            if (!strcmp(st->fields[i].name, st->fields[st->nfields].name))
                idl_fatal_at(lx, st->fields[st->nfields].line, "duplicate field '%s'",
                             st->fields[i].name);
        st->nfields++;
    }
}

static void check_deprecated(struct idl_lexer *lx, const struct idl_type *top,
                             const struct idl_type *st)
{
    for (int i = 0; i < st->nfields; i++) {
        const struct idl_field *f = &st->fields[i];
        bool found = false;

        if (f->fkind == IDL_F_UNION)
            for (int j = 0; j < f->nmembers; j++)
                if (f->members[j].st)
                    check_deprecated(lx, top, f->members[j].st);
        if (!f->deprecated_by)
            continue;
        for (int j = 0; j < top->nfields; j++) {
            const struct idl_field *g = &top->fields[j];
            if (!strcmp(g->name, f->deprecated_by)) {
                found = true;
                if (g->fkind != IDL_F_PLAIN || g->type != f->type)
                    idl_fatal_at(lx, f->line, "%s: deprecated_by=%s has another type", f->name,
                                 g->name);
            }
        }
        if (!found)
            idl_fatal_at(lx, f->line, "%s: deprecated_by=%s names no field of %s", f->name,
                         f->deprecated_by, top->name);
    }
}

static void parse_decl(struct idl_model *m, struct idl_lexer *lx)
{
    struct idl_type *t = idl_xcalloc(1, sizeof(*t));
    struct opts o;
    int name_line;

    if (idl_lex_is(lx, "builtin")) {
        idl_lex_next(lx);
        t->kind = IDL_K_BUILTIN;
        t->name = take_word(lx, "a builtin name");
        name_line = lx->prev_line;
    } else if (idl_lex_is(lx, "int")) {
        struct idl_type *base;
        char *pname;

        idl_lex_next(lx);
        t->kind = IDL_K_ALIAS;
        t->name = take_word(lx, "an integer type name");
        name_line = lx->prev_line;
        expect(lx, "=");
        pname = take_word(lx, "a primitive type");
        base = lookup(m, lx, pname);
        free(pname);
        if (base->kind != IDL_K_PRIM || base->prim == IDL_P_STRING)
            idl_fatal_at(lx, lx->prev_line, "'%s' must be an integer type", base->name);
        t->prim = base->prim;
        parse_opts(lx, &o);
        t->is_typedef = o.is_typedef;
        t->def = o.def;
    } else if (idl_lex_is(lx, "enum")) {
        idl_lex_next(lx);
        t->kind = IDL_K_ENUM;
        t->name = take_word(lx, "an enum name");
        name_line = lx->prev_line;
        parse_opts(lx, &o);
        t->def = o.def;
        t->prefix = o.prefix;
        expect(lx, "{");
        while (!idl_lex_is(lx, "}")) {
            struct idl_enum_value *v;

            t->values = realloc(t->values, sizeof(*t->values) * (size_t)(t->nvalues + 1));
            if (!t->values)
                idl_fatal(lx, "out of memory");
            v = &t->values[t->nvalues++];
            v->name = take_word(lx, "an enum value name");
            expect(lx, "=");
            v->num = take_word(lx, "a number");
        }
        expect(lx, "}");
    } else if (idl_lex_is(lx, "struct")) {
        idl_lex_next(lx);
        t->kind = IDL_K_STRUCT;
        t->name = take_word(lx, "a struct name");
        name_line = lx->prev_line;
        parse_opts(lx, &o);
        t->dir = o.dir;
        t->resolve = o.resolve;
        expect(lx, "{");
        parse_fields(m, lx, t);
        expect(lx, "}");
        check_deprecated(lx, t, t);
    } else {
        idl_fatal(lx, "expected builtin, int, enum or struct, found '%s'", lx->text);
    }
    if (idl_find_type(m, t->name))
        idl_fatal_at(lx, name_line, "type '%s' declared twice", t->name);
    add_type(m, t);
}

void idl_parse(struct idl_model *m, const char *file, const char *src)
{
    struct idl_lexer lx;

    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++) {
        struct idl_type *t = idl_xcalloc(1, sizeof(*t));
        t->kind = IDL_K_PRIM;
        t->name = idl_strdup(prims[i].name);
        t->prim = prims[i].prim;
        add_type(m, t);
    }
    idl_lex_init(&lx, file, src);
    while (lx.tok != IDL_T_EOF)
        parse_decl(m, &lx);
}

static void free_struct(struct idl_type *t);

static void free_fields(struct idl_type *t)
{
    for (int i = 0; i < t->nfields; i++) {
        struct idl_field *f = &t->fields[i];
        if (f->fkind == IDL_F_PLAIN && f->type->anonymous)
            free_struct(f->type);
        for (int j = 0; j < f->nmembers; j++) {
            free(f->members[j].name);
            if (f->members[j].st)
                free_struct(f->members[j].st);
        }
        free(f->members);
        free(f->name);
        free(f->count);
        free(f->key);
        free(f->key_def);
        free(f->def);
        free(f->deprecated_by);
    }
    free(t->fields);
}

static void free_type(struct idl_type *t)
{
    for (int i = 0; i < t->nvalues; i++) {
        free(t->values[i].name);
        free(t->values[i].num);
    }
    free(t->values);
    free(t->name);
    free(t->def);
    free(t->prefix);
    free(t->dir);
    free(t->resolve);
    free(t);
}

static void free_struct(struct idl_type *t)
{
    free_fields(t);
    free_type(t);
}

void idl_model_free(struct idl_model *m)
{
    struct idl_type *t;

    /* Fields first: they refer to the types declared before them. */
    for (t = m->types; t; t = t->next)
        free_fields(t);
    t = m->types;
    while (t) {
        struct idl_type *next = t->next;
        free_type(t);
        t = next;
    }
    memset(m, 0, sizeof(*m));
}
