/*
 * xl_mem.c: `xl mem-set' (the balloon target) and `xl mem-max' (the
 * domain's maximum reservation), sizes in MiB unless suffixed b/k/m/g/t.
 */
#include <getopt.h>
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
    int status;

    if (xl_getopt(argc, argv, "", NULL, cmd, 2, &status) != -1)
        return status;
    *domid = xl_find_domain(argv[optind], NULL);
    *kb = xl_parse_mem_size_kb(argv[optind + 1]);
    if (*kb == -1) {
        fprintf(stderr, "invalid memory size: %s\n", argv[optind + 1]);
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
        fprintf(stderr, "cannot set domid %u static max memory to : %s\n", domid, argv[optind + 1]);
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
