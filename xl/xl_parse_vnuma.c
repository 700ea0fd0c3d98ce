/*
 * xl_parse_vnuma.c: vnuma= (a list of virtual NUMA nodes, each a list of
 * "pnode=N", "size=MiB", "vcpus=RANGES", "vdistances=D,D,...") into
 * b_info.vnuma_nodes, checked against maxvcpus= and maxmem=.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"
#include "xl_parse.h"

/* This host's NUMA nodes, as libxl_get_physinfo() would count them. */
#define HOST_NUMA_NODES 1

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return strndup(s, n);
}

/* One "key=value" of a vnode; *vcpus_r counts the vcpus named. */
static int vnode_option(libxl_domain_build_info *b, libxl_vnode_info *p, libxl_bitmap *vcpus,
                        const char *opt, unsigned long *vcpus_r, uint64_t *memkb_r)
{
    const char *eq = strchr(opt, '=');
    if (!eq || eq == opt || !eq[1]) {
        fprintf(stderr, "xl: failed to split \"%s\" into pair\n", opt);
        return 1;
    }
    char *key = trimmed(opt, (size_t)(eq - opt)), *value = trimmed(eq + 1, strlen(eq + 1));
    unsigned long v;
    int rc = 0;

    if (!key || !value) {
        rc = 1;
    } else if (!strcmp(key, "pnode")) {
        rc = xl_parse_ulong(value, &v);
        if (!rc && v >= HOST_NUMA_NODES) {
            fprintf(stderr, "xl: invalid pnode number: %lu\n", v);
            rc = 1;
        }
        if (!rc) {
            p->pnode = (uint32_t)v;
            libxl_defbool_set(&b->numa_placement, false);
        }
    } else if (!strcmp(key, "size")) {
        rc = xl_parse_ulong(value, &v);
        if (!rc) {
            p->memkb = (uint64_t)v << 10;
            *memkb_r += p->memkb;
        }
    } else if (!strcmp(key, "vcpus")) {
        char *save = NULL;
        for (char *r = strtok_r(value, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
            char *end;
            unsigned long s = strtoul(r, &end, 10), e = s;
            if (*end == '-')
                e = strtoul(end + 1, NULL, 10);
            for (; s <= e && s < 4096; s++) {
                libxl_bitmap_set(vcpus, (int)s);
                (*vcpus_r)++;
            }
        }
    } else if (!strcmp(key, "vdistances")) {
        char *save = NULL;
        int j = 0;
        for (char *r = strtok_r(value, ",", &save); r && !rc; r = strtok_r(NULL, ",", &save), j++) {
            rc = xl_parse_ulong(r, &v);
            if (!rc && j < p->num_distances)
                p->distances[j] = (uint32_t)v;
        }
    }
    free(key);
    free(value);
    return rc;
}

PARSE_HANDLER(parse_vnuma)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    XLU_ConfigList *vnuma;
    int n;
    unsigned long max_vcpus = 0;
    uint64_t max_memkb = 0;
    int rc = 0;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vnuma", &vnuma, &n, 1) || !n)
        return 0;
    b->num_vnuma_nodes = n;
    b->vnuma_nodes = calloc((size_t)n, sizeof(*b->vnuma_nodes));
    libxl_bitmap *parsed = calloc((size_t)n, sizeof(*parsed));
    if (!b->vnuma_nodes || !parsed) {
        free(parsed);
        perror("xl");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        libxl_vnode_info *p = &b->vnuma_nodes[i];
        libxl_vnode_info_init(p);
        p->distances = calloc((size_t)n, sizeof(*p->distances));
        p->num_distances = n;
        libxl_bitmap_init(&parsed[i]);
        libxl_bitmap_alloc(NULL, &parsed[i], b->max_vcpus > 0 ? b->max_vcpus : host_cpu_count());
    }
    for (int i = 0; i < n && !rc; i++) {
        XLU_ConfigList *opts = NULL;
        XLU_ConfigValue *spec = xlu_cfg_get_listitem2(vnuma, i);
        xlu_cfg_value_get_list(ps->config, spec, &opts, 0);
        if (!opts) {
            fprintf(stderr, "xl: cannot get vnode config option list\n");
            rc = 1;
            break;
        }
        for (int k = 0; k < xlu_cfg_list_length(opts) && !rc; k++) {
            const char *opt = xlu_cfg_get_listitem(opts, k);
            if (opt)
                rc = vnode_option(b, &b->vnuma_nodes[i], &parsed[i], opt, &max_vcpus, &max_memkb);
        }
    }
    if (!rc && b->max_vcpus != 0 && (unsigned long)b->max_vcpus != max_vcpus) {
        fprintf(stderr, "xl: vnuma vcpus and maxvcpus= mismatch\n");
        rc = 1;
    } else if (!rc && b->max_vcpus == 0) {
        if ((unsigned long)host_cpu_count() < max_vcpus) {
            fprintf(stderr, "xl: vnuma specifies more vcpus than pcpus, use maxvcpus= to override "
                            "this check.\n");
            rc = 1;
        }
        b->max_vcpus = (int)max_vcpus;
    }
    if (!rc && b->max_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb != max_memkb) {
        fprintf(stderr, "xl: maxmem and vnuma memory size mismatch\n");
        rc = 1;
    } else if (!rc) {
        b->max_memkb = max_memkb;
    }
    for (int i = 0; i < n; i++) {
        if (!rc)
            libxl_bitmap_copy_alloc(NULL, &b->vnuma_nodes[i].vcpus, &parsed[i]);
        libxl_bitmap_dispose(&parsed[i]);
    }
    free(parsed);
    return rc;
}
