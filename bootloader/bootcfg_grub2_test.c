/*
 * bootcfg_grub2_test.c: GRUB 2's `test` / `[ ... ]` command evaluated on
 * already-expanded words, for the conditions of if/elif in grub.cfg:
 * STRING, -n, -z, = == !=, -eq -ne -lt -le -gt -ge, file tests (-e -f -d
 * -s: taken as true, the files grub-mkconfig tests for are optional
 * extras), ! and the -a / -o connectives (left to right).  Anything not
 * understood counts as true, as a command that succeeds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bootcfg_internal.h"

struct cursor {
    char *const *w;
    unsigned n, i;
};

static const char *peek(const struct cursor *c, unsigned ahead)
{
    return c->i + ahead < c->n ? c->w[c->i + ahead] : NULL;
}

static long number(const char *s)
{
    return strtol(s, NULL, 10);
}

static bool is_binary(const char *op)
{
    static const char *const ops[] = {"=",   "==",  "!=",  "-eq", "-ne",
                                      "-lt", "-le", "-gt", "-ge", NULL};

    for (unsigned i = 0; op && ops[i]; i++)
        if (strcmp(op, ops[i]) == 0)
            return true;
    return false;
}

static bool binary(const char *a, const char *op, const char *b)
{
    long x = number(a), y = number(b);

    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
        return strcmp(a, b) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(a, b) != 0;
    if (strcmp(op, "-eq") == 0)
        return x == y;
    if (strcmp(op, "-ne") == 0)
        return x != y;
    if (strcmp(op, "-lt") == 0)
        return x < y;
    if (strcmp(op, "-le") == 0)
        return x <= y;
    if (strcmp(op, "-gt") == 0)
        return x > y;
    return x >= y;
}

/* One primary: [!] (unary OP ARG | A OP B | STRING). */
static bool primary(struct cursor *c)
{
    const char *w = peek(c, 0);

    if (!w)
        return false;
    if (strcmp(w, "!") == 0) {
        c->i++;
        return !primary(c);
    }
    if (is_binary(peek(c, 1)) && peek(c, 2)) {
        bool r = binary(w, peek(c, 1), peek(c, 2));

        c->i += 3;
        return r;
    }
    if (peek(c, 1) && strlen(w) == 2 && w[0] == '-' && strchr("nzefdsrwx", w[1])) {
        const char *arg = peek(c, 1);

        c->i += 2;
        if (w[1] == 'n')
            return arg[0] != '\0';
        if (w[1] == 'z')
            return arg[0] == '\0';
        return true; /* file tests */
    }
    c->i++;
    return w[0] != '\0';
}

bool bootcfg_grub2_test(char *const *words, unsigned n)
{
    struct cursor c = {words, n, 0};
    bool r;

    if (n > 0 && strcmp(words[n - 1], "]") == 0)
        c.n--; /* "[ ... ]" */
    if (c.n == 0)
        return false;
    r = primary(&c);
    while (c.i < c.n) {
        const char *op = peek(&c, 0);

        c.i++;
        if (strcmp(op, "-a") == 0)
            r = primary(&c) && r;
        else if (strcmp(op, "-o") == 0)
            r = primary(&c) || r;
        else
            break; /* not understood: keep what we have */
    }
    return r;
}
