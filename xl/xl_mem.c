/*
 * xl_mem.c: `xl mem-set' (the balloon target) and `xl mem-max' (the
 * domain's maximum reservation), sizes in MiB unless suffixed b/k/m/g/t.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_lifecycle.h"

/*
 * The domain and size of `xl CMD <domain> <size>': -1 with *domid and
 * *kb set to go on, else the exit status.
 */
static int mem_args(int argc, char **argv, const char *cmd, uint32_t *domid, int64_t *kb)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        help(cmd);
        return 0;
    }
    if (argc != 3) {
        help(cmd);
        return 2;
    }
    *domid = xl_find_domain(argv[1], NULL);
    *kb = xl_parse_mem_size_kb(argv[2]);
    if (*kb == -1) {
        fprintf(stderr, "invalid memory size: %s\n", argv[2]);
        exit(3); /* real xl's status */
    }
    return -1;
}

int main_memmax(int argc, char **argv)
{
    uint32_t domid;
    int64_t kb;
    int rc = mem_args(argc, argv, "mem-max", &domid, &kb);

    if (rc >= 0)
        return rc;
    if (libxl_domain_setmaxmem(xl_ctx(), domid, (uint64_t)kb)) {
        fprintf(stderr, "cannot set domid %u static max memory to : %s\n", domid, argv[2]);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int main_memset(int argc, char **argv)
{
    uint32_t domid;
    int64_t kb;
    int rc = mem_args(argc, argv, "mem-set", &domid, &kb);

    if (rc >= 0)
        return rc;
    if (libxl_set_memory_target(xl_ctx(), domid, kb, 0, 1))
        return EXIT_FAILURE;
    return EXIT_SUCCESS;
}
