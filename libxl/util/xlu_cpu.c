/*
 * xlu_cpu.c: cpu lists (`cpus=', `cpus_soft='): comma-separated cpus or
 * ranges, `^' to remove, `node:'/`nodes:' for whole NUMA nodes, `all'.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libxlutil.h"
#include "xlu_internal.h"

/* "A" or "A-B" (decimal, A <= B, nothing after): 0 or 1. */
static int parse_range(const char *s, unsigned long *a, unsigned long *b)
{
    char *end;
    *a = *b = strtoul(s, &end, 10);
    if (end == s || *a == ULONG_MAX)
        return 1;
    if (*end == '-') {
        const char *n = end + 1;
        *b = strtoul(n, &end, 10);
        if (end == n || *b == ULONG_MAX || *b < *a)
            return 1;
    }
    return *end != 0;
}

static bool skip_prefix(const char **s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(*s, prefix, n))
        return false;
    *s += n;
    return true;
}

static void set_bit(libxl_bitmap *map, unsigned long bit, bool on)
{
    if (bit >= (unsigned long)map->size * 8)
        return;
    if (on)
        map->map[bit / 8] |= (uint8_t)(1u << (bit % 8));
    else
        map->map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static int update_range(XLU_Config *cfg, const char *s, libxl_bitmap *map)
{
    bool is_not = skip_prefix(&s, "^");
    bool is_nodes = skip_prefix(&s, "node:") || skip_prefix(&s, "nodes:");
    unsigned long a, b;

    if (!strcmp(s, "all")) {
        if (is_not) {
            if (cfg->report)
                fprintf(cfg->report, "Can't combine \"^\" and \"all\".\n");
            return EINVAL;
        }
        memset(map->map, 0xff, map->size);
        return 0;
    }
    if (parse_range(s, &a, &b)) {
        if (cfg->report)
            fprintf(cfg->report, "Invalid pcpu range: %s.\n", s);
        return EINVAL;
    }
    if (is_nodes) {
        /* One NUMA node holding every online cpu: node 0 is all of them. */
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        if (a == 0)
            for (unsigned long i = 0; i < (unsigned long)(online > 0 ? online : 1); i++)
                set_bit(map, i, !is_not);
        return 0;
    }
    for (unsigned long i = a; i <= b && i < (unsigned long)map->size * 8; i++)
        set_bit(map, i, !is_not);
    return 0;
}

int xlu_cpu_parse_list(XLU_Config *cfg, const char *str, libxl_bitmap *map)
{
    char *copy = strdup(str), *save = NULL;
    int rc = 0;

    if (!copy)
        return ENOMEM;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        rc = update_range(cfg, tok, map);
        if (rc)
            break;
    }
    free(copy);
    return rc;
}
