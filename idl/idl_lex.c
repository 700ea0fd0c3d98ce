/*
 * idl_lex.c: the lexer of libxl_types.idl: words (names and numbers),
 * one-character punctuation, '#' comments; tracks line numbers for errors.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

static void vfatal(const struct idl_lexer *lx, int line, const char *fmt, va_list ap)
    __attribute__((noreturn, format(printf, 3, 0)));

static void vfatal(const struct idl_lexer *lx, int line, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s:%d: ", lx->file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    exit(1);
}

void idl_fatal(const struct idl_lexer *lx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfatal(lx, lx->tok_line, fmt, ap);
}

void idl_fatal_at(const struct idl_lexer *lx, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfatal(lx, line, fmt, ap);
}

void idl_lex_init(struct idl_lexer *lx, const char *file, const char *src)
{
    memset(lx, 0, sizeof(*lx));
    lx->file = file;
    lx->src = src;
    lx->line = 1;
    idl_lex_next(lx);
}

static bool is_word_char(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static void skip_space(struct idl_lexer *lx)
{
    for (;;) {
        char c = lx->src[lx->pos];
        if (c == '\n') {
            lx->line++;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
        } else if (c == '#') {
            while (lx->src[lx->pos] && lx->src[lx->pos] != '\n')
                lx->pos++;
        } else {
            return;
        }
    }
}

void idl_lex_next(struct idl_lexer *lx)
{
    size_t n = 0;

    skip_space(lx);
    lx->tok_line = lx->line;
    if (!lx->src[lx->pos]) {
        lx->tok = IDL_T_EOF;
        lx->text[0] = 0;
        return;
    }
    if (is_word_char((unsigned char)lx->src[lx->pos])) {
        while (is_word_char((unsigned char)lx->src[lx->pos])) {
            if (n + 1 >= sizeof(lx->text))
                idl_fatal(lx, "word too long");
            lx->text[n++] = lx->src[lx->pos++];
        }
        lx->text[n] = 0;
        lx->tok = IDL_T_WORD;
        return;
    }
    if (strchr("{}(),=:", lx->src[lx->pos])) {
        lx->text[0] = lx->src[lx->pos++];
        lx->text[1] = 0;
        lx->tok = IDL_T_PUNCT;
        return;
    }
    idl_fatal(lx, "unexpected character '%c'", lx->src[lx->pos]);
}

bool idl_lex_is(const struct idl_lexer *lx, const char *text)
{
    return lx->tok != IDL_T_EOF && strcmp(lx->text, text) == 0;
}

/* The token after the current one, without consuming anything. */
void idl_lex_peek2(const struct idl_lexer *lx, char *out, size_t outsz)
{
    struct idl_lexer copy = *lx;

    idl_lex_next(&copy);
    idl_fmt(out, outsz, "%s", copy.text);
}
