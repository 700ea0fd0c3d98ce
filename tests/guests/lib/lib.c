/*
 * lib.c: the few libc routines the guests use (memory and string
 * functions, 64-bit division for 32-bit builds).  The compiler may emit
 * calls to memcpy/memset itself, so these keep their standard names.
 */
#include "guest.h"

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;

    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *ap = a, *bp = b;

    for (; n; n--, ap++, bp++)
        if (*ap != *bp)
            return *ap - *bp;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strstr(const char *h, const char *n)
{
    size_t len = strlen(n);

    for (; *h; h++)
        if (!strncmp(h, n, len))
            return (char *)h;
    return len ? NULL : (char *)h;
}

size_t strlcpy(char *d, const char *s, size_t size)
{
    size_t len = strlen(s);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return len;
}

/* Shift-and-subtract division: 32-bit builds have no libgcc. */
uint64_t udiv64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    int i;

    if (!d) {
        if (rem)
            *rem = 0;
        return 0;
    }
    for (i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ULL << i;
        }
    }
    if (rem)
        *rem = r;
    return q;
}
