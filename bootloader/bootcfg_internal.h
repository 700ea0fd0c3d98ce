/*
 * bootcfg_internal.h: what the three configuration parsers share: the
 * parse state (reader, include depth, byte budget, error), the growing
 * string, menu building and path normalisation.  Implemented in bootcfg.c.
 */
#ifndef BOOTCFG_INTERNAL_H
#define BOOTCFG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bootcfg.h"

struct bootcfg_state {
    const struct bootcfg_reader *reader;
    struct bootcfg *out;
    size_t total;   /* bytes of configuration read so far, includes too */
    unsigned depth; /* current include depth */
    char *err;
    size_t errlen;
};

/* A growing NUL-terminated string capped at BOOTCFG_MAX_STR. */
struct sbuf {
    char *s;
    size_t len, cap;
    bool overflow;
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_putc(struct sbuf *b, char c);
void sbuf_puts(struct sbuf *b, const char *s);
/* Takes the string (never NULL: "" when empty); B is empty afterwards. */
char *sbuf_take(struct sbuf *b);

/* Records a "FILE:LINE: message" error once (the first wins); returns ERR. */
int bootcfg_error(struct bootcfg_state *st, int err, const char *file, unsigned line,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Appends an entry, taking ownership of the strings (any may be NULL;
 * args NULL means "").  Returns its index, or -E2BIG past
 * BOOTCFG_MAX_ENTRIES (the strings are freed either way on error).
 */
int bootcfg_add_entry(struct bootcfg_state *st, char *title, char *kernel, char *initrd,
                      char *args);

/*
 * Sets entry INDEX's initrds from N raw paths (relative to DIR; N capped at
 * BOOTCFG_MAX_INITRDS): initrd is the first, initrds all when N > 1.
 */
int bootcfg_set_initrds(struct bootcfg_state *st, int index, const char *dir, char *const *paths,
                        unsigned n);

/*
 * Reads an included file through the reader, enforcing depth and the byte
 * budget.  Returns 0 or a negative errno (error recorded naming FROM:LINE).
 */
int bootcfg_read_include(struct bootcfg_state *st, const char *from, unsigned line,
                         const char *path, char **data, size_t *len);

/*
 * Splits TEXT in place into lines and calls LINE_FN(OPAQUE, PATH, number,
 * line) for each, from 1, until one returns non-zero.  Returns that value
 * or 0; *NEXT_LINE gets the number after the last line read.
 */
int bootcfg_each_line(const char *path, char *text,
                      int (*line_fn)(void *opaque, const char *path, unsigned line, char *s),
                      void *opaque, unsigned *next_line);

/*
 * An include directive at FROM:LINE naming FILE (relative to FROM's
 * directory): reads it as bootcfg_read_include does and hands its text to
 * PARSE(OPAQUE, full path, text) one level deeper.  Returns PARSE's result
 * or a negative errno.
 */
int bootcfg_include(struct bootcfg_state *st, const char *from, unsigned line, const char *file,
                    int (*parse)(void *opaque, const char *path, char *text), void *opaque);

/*
 * An absolute, normalised path for P: a GRUB device prefix "(hd0,1)" is
 * dropped; a relative P is taken relative to directory DIR (NULL: "/");
 * "." and ".." components are resolved ("/.." stays "/").  malloc'd.
 */
char *bootcfg_path(const char *dir, const char *p);

/* The directory part of absolute PATH, malloc'd ("/" for "/x"). */
char *bootcfg_dirname(const char *path);

bool bootcfg_isspace(char c);
char *bootcfg_strndup(const char *s, size_t n);

/* GRUB 2's `test` / `[` on expanded words (the "[" itself excluded). */
bool bootcfg_grub2_test(char *const *words, unsigned n);

int bootcfg_parse_grub2(struct bootcfg_state *st, const char *path, const char *text, size_t len);
int bootcfg_parse_grub_legacy(struct bootcfg_state *st, const char *path, const char *text,
                              size_t len);
int bootcfg_parse_extlinux(struct bootcfg_state *st, const char *path, const char *text,
                           size_t len);

#endif
