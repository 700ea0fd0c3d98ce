/*
 * idl.h: the model of libxl_types.idl that the generator builds (types,
 * fields, enum values) and the interfaces of its parts: lexer, parser and
 * the emitters of the C header and of the type tables.
 */
#ifndef IDL_H
#define IDL_H

#include <stdbool.h>
#include <stdio.h>

/* Primitive C types an IDL type can be made of. */
enum idl_prim {
    IDL_P_NONE,
    IDL_P_BOOL,
    IDL_P_INTEGER,
    IDL_P_INT8,
    IDL_P_INT16,
    IDL_P_INT32,
    IDL_P_INT64,
    IDL_P_UINT8,
    IDL_P_UINT16,
    IDL_P_UINT32,
    IDL_P_UINT64,
    IDL_P_STRING,
};

enum idl_kind {
    IDL_K_PRIM,    /* bool, integer, uint32, string, ... */
    IDL_K_ALIAS,   /* int NAME = PRIM: an integer with a name/default */
    IDL_K_BUILTIN, /* hand-written in libxl/ (defbool, bitmap, ...) */
    IDL_K_ENUM,
    IDL_K_STRUCT,
};

struct idl_enum_value {
    char *name; /* as written in the IDL, e.g. "HVM" */
    char *num;  /* as written, e.g. "-1", "0x20" */
};

struct idl_field;

struct idl_type {
    enum idl_kind kind;
    char *name;         /* IDL name, e.g. "domain_build_info" */
    enum idl_prim prim; /* PRIM and ALIAS */
    bool is_typedef;    /* ALIAS with a C name libxl_NAME */
    char *def;          /* default: ALIAS/ENUM value or expression */
    char *prefix;       /* ENUM constant prefix; NULL: LIBXL_NAME_ */
    struct idl_enum_value *values;
    int nvalues;
    struct idl_field *fields; /* STRUCT */
    int nfields;
    bool anonymous; /* a nested "struct { }" or a union member */
    char *dir;      /* "in", "out" or NULL */
    char *resolve;  /* deprecated-field resolver's C name */
    struct idl_type *next;
};

enum idl_field_kind {
    IDL_F_PLAIN,
    IDL_F_ARRAY,
    IDL_F_UNION,
};

struct idl_member {
    char *name;          /* "hvm" */
    struct idl_type *st; /* its struct, NULL for a member without data */
};

struct idl_field {
    char *name;
    enum idl_field_kind fkind;
    struct idl_type *type; /* PLAIN: the type; ARRAY: element; UNION: key */
    char *count;           /* ARRAY: name of the count field */
    char *key;             /* UNION: name of the key field */
    char *key_def;         /* UNION: the key's default */
    struct idl_member *members;
    int nmembers;
    char *def;           /* per-field default */
    char *deprecated_by; /* field of the outermost struct replacing it */
    bool is_const;       /* not disposed, copied by pointer, not in JSON */
    int line;
};

struct idl_model {
    struct idl_type *types; /* in declaration order */
    struct idl_type *last;
};

/* Lexer. */
enum idl_tok {
    IDL_T_EOF,
    IDL_T_WORD, /* identifiers and numbers */
    IDL_T_PUNCT,
};

struct idl_lexer {
    const char *file;
    const char *src;
    size_t pos;
    int line;
    enum idl_tok tok;
    char text[256];
    int tok_line;
    int prev_line; /* line of the word take_word consumed last */
};

void idl_lex_init(struct idl_lexer *lx, const char *file, const char *src);
void idl_lex_next(struct idl_lexer *lx);
bool idl_lex_is(const struct idl_lexer *lx, const char *text);
void idl_lex_peek2(const struct idl_lexer *lx, char *out, size_t outsz);
void idl_fatal(const struct idl_lexer *lx, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
/* As idl_fatal, naming line instead of the current token's. */
void idl_fatal_at(const struct idl_lexer *lx, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* Parser: fills the model; exits with a message naming file:line on a
 * syntax error (the generator is a build tool). */
void idl_parse(struct idl_model *m, const char *file, const char *src);
struct idl_type *idl_find_type(const struct idl_model *m, const char *name);
void idl_model_free(struct idl_model *m);

/* Helpers shared by the emitters. */
/* snprintf that stops the generator if the output does not fit. */
void idl_fmt(char *buf, size_t bufsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *idl_strdup(const char *s);
void *idl_xcalloc(size_t n, size_t sz);
const char *idl_prim_ctype(enum idl_prim p);
/* The C type of a plain field/element: "uint32_t", "libxl_bitmap", ... */
void idl_ctype(const struct idl_type *t, char *buf, size_t bufsz);
/* "LIBXL_DOMAIN_TYPE_HVM" for enum t and value v. */
void idl_enum_const(const struct idl_type *t, const char *v, char *buf, size_t bufsz);
/* The C expression of an enum default (a value name or an expression). */
void idl_enum_default(const struct idl_type *t, const char *def, char *buf, size_t bufsz);
void idl_upper(const char *s, char *buf, size_t bufsz);
void idl_lower(const char *s, char *buf, size_t bufsz);

/* Emitters: each writes one generated file. */
void idl_emit_header(const struct idl_model *m, FILE *out);
void idl_emit_features(const struct idl_model *m, FILE *out);
void idl_emit_json_header(const struct idl_model *m, FILE *out);
void idl_emit_tables(const struct idl_model *m, FILE *out);
void idl_emit_desc_header(const struct idl_model *m, FILE *out);

#endif /* IDL_H */
