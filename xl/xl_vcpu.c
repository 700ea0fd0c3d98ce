/*
 * xl_vcpu.c: `xl vcpu-list [Domain...]' (real xl 4.17's columns),
 * `xl vcpu-pin' (hard and soft affinity) and `xl vcpu-set Domain N'
 * (vCPUs 0..N-1 online, the rest offline).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xl.h"
#include "xl_lifecycle.h"
#include "xl_parse.h"

/* As real xl prints a CPU map of nr_cpus CPUs: "all" when every one is
 * set, "none" when none is, else ranges ("0-2,5"). */
static void print_bitmap(const libxl_bitmap *map, int nr_cpus)
{
    int set = 0, first = -1;
    const char *sep = "";

    for (int i = 0; i < nr_cpus; i++)
        set += libxl_bitmap_test(map, i);
    if (set == 0 || set == nr_cpus) {
        fputs(set ? "all" : "none", stdout);
        return;
    }
    for (int i = 0; i <= nr_cpus; i++) {
        bool on = i < nr_cpus && libxl_bitmap_test(map, i);
        if (on && first < 0)
            first = i;
        if (!on && first >= 0) {
            printf(i - 1 > first ? "%s%d-%d" : "%s%d", sep, first, i - 1);
            sep = ",";
            first = -1;
        }
    }
}

static void print_domain_vcpus(uint32_t domid)
{
    int n, nr_cpus = 0;
    libxl_vcpuinfo *v = libxl_list_vcpu(xl_ctx(), domid, &n, &nr_cpus);
    char *name;

    if (!v) {
        fprintf(stderr, "libxl_list_vcpu failed.\n");
        return;
    }
    name = libxl_domid_to_name(xl_ctx(), domid);
    for (int i = 0; i < n; i++) {
        printf("%-32s %5u %5u", name ? name : "(null)", domid, v[i].vcpuid);
        if (!v[i].online)
            printf("%5c %3c%cp ", '-', '-', '-');
        else
            printf("%5u %3c%c- ", v[i].cpu, v[i].running ? 'r' : '-', v[i].blocked ? 'b' : '-');
        printf("%9.1f  ", ((float)v[i].vcpu_time / 1e9));
        print_bitmap(&v[i].cpumap, nr_cpus);
        printf(" / ");
        print_bitmap(&v[i].cpumap_soft, nr_cpus);
        printf("\n");
    }
    free(name);
    libxl_vcpuinfo_list_free(v, n);
}

int main_vcpulist(int argc, char **argv)
{
    int status;

    if (xl_getopt(argc, argv, "", NULL, "vcpu-list", 0, &status) != -1)
        return status;
    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
           "Affinity (Hard / Soft)");
    if (optind >= argc) {
        int n;
        libxl_dominfo *list = libxl_list_domain(xl_ctx(), &n);
        if (!list) {
            fprintf(stderr, "libxl_list_domain failed.\n");
            return EXIT_FAILURE;
        }
        for (int i = 0; i < n; i++)
            print_domain_vcpus(list[i].domid);
        libxl_dominfo_list_free(list, n);
        return EXIT_SUCCESS;
    }
    for (; optind < argc; optind++)
        print_domain_vcpus(xl_find_domain(argv[optind], NULL));
    return EXIT_SUCCESS;
}

int main_vcpuset(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ignore-host", 0, 0, 'i'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    libxl_dominfo info;
    libxl_bitmap map;
    char *end;
    int opt, status;

    while ((opt = xl_getopt(argc, argv, "i", opts, "vcpu-set", 2, &status)) != -1)
        if (opt == XL_OPT_EXIT)
            return status;
    uint32_t domid = xl_find_domain(argv[optind], NULL);
    unsigned long n = strtoul(argv[optind + 1], &end, 10);
    if (end == argv[optind + 1] || *end || n == 0) {
        fprintf(stderr, "Invalid NUMBER: %s\n", argv[optind + 1]);
        return EXIT_FAILURE;
    }
    libxl_dominfo_init(&info);
    if (libxl_domain_info(xl_ctx(), &info, domid))
        return EXIT_FAILURE;
    if (n > info.vcpu_max_id + 1) {
        fprintf(stderr, "Error: cannot set %lu vcpus: the domain has a maximum of %u.\n", n,
                info.vcpu_max_id + 1);
        return EXIT_FAILURE;
    }
    libxl_bitmap_init(&map);
    if (libxl_bitmap_alloc(xl_ctx(), &map, (int)info.vcpu_max_id + 1))
        return EXIT_FAILURE;
    for (unsigned long i = 0; i < n; i++)
        libxl_bitmap_set(&map, (int)i);
    int rc = libxl_set_vcpuonline(xl_ctx(), domid, &map, NULL);
    libxl_bitmap_dispose(&map);
    if (rc) {
        fprintf(stderr, "libxl_set_vcpuonline failed domid=%u max_vcpus=%lu, rc: %d\n", domid, n,
                rc);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* A CPU map argument of vcpu-pin: NULL for "-" (leave it), else parsed
 * into map (real xl's cpu ranges: "3", "0-7", "^2", "node:0", "all"). */
static int cpumap_arg(XLU_Config *cfg, const char *arg, libxl_bitmap *map, libxl_bitmap **out)
{
    *out = NULL;
    if (!strcmp(arg, "-"))
        return 0;
    if (libxl_bitmap_alloc(NULL, map, host_cpu_count()) || xlu_cpu_parse_list(cfg, arg, map))
        return -1;
    *out = map;
    return 0;
}

/* xl vcpu-pin [-f] DOMAIN VCPU|all HARD|-|all [SOFT|-|all], as real xl.
 * -f undoes a pinning a dom0 kernel asked for (SCHEDOP_pin_override);
 * no xenhv guest can ask that, so it sets the affinity like the others. */
int main_vcpupin(int argc, char **argv)
{
    static const struct option opts[] = {{"force", 0, 0, 'f'},
                                         {"ignore-global-affinity-masks", 0, 0, 'i'},
                                         {"help", 0, 0, 'h'},
                                         {0, 0, 0, 0}};
    libxl_bitmap hard_map, soft_map, *hard = NULL, *soft = NULL;
    XLU_Config *cfg = NULL;
    bool force = false;
    char *end;
    int opt, rc = EXIT_FAILURE, status;

    libxl_bitmap_init(&hard_map);
    libxl_bitmap_init(&soft_map);
    while ((opt = xl_getopt(argc, argv, "fi", opts, "vcpu-pin", 3, &status)) != -1) {
        if (opt == XL_OPT_EXIT)
            return status;
        force |= opt == 'f';
    }
    uint32_t domid = xl_find_domain(argv[optind], NULL);
    const char *vcpu = argv[optind + 1];
    long vcpuid = strtol(vcpu, &end, 10);
    if (end == vcpu || vcpuid < 0) {
        if (strcmp(vcpu, "all")) {
            fprintf(stderr, "Error: Invalid argument %s as VCPU.\n", vcpu);
            goto out;
        }
        if (force) {
            fprintf(stderr, "Error: --force and 'all' as VCPU not allowed.\n");
            goto out;
        }
        vcpuid = -1;
    }
    cfg = xlu_cfg_init(stderr, "command line");
    if (!cfg || cpumap_arg(cfg, argv[optind + 2], &hard_map, &hard) ||
        (optind + 3 < argc && cpumap_arg(cfg, argv[optind + 3], &soft_map, &soft)))
        goto out;
    if (xl_dryrun) {
        fputs("cpumap: ", stdout);
        if (hard)
            print_bitmap(hard, host_cpu_count());
        else
            fputs("-", stdout);
        if (soft) {
            fputs(" ", stdout);
            print_bitmap(soft, host_cpu_count());
        }
        fputs("\n", stdout);
        rc = EXIT_SUCCESS;
        goto out;
    }
    if (vcpuid >= 0) {
        if (libxl_set_vcpuaffinity(xl_ctx(), domid, (uint32_t)vcpuid, hard, soft)) {
            fprintf(stderr, "Could not set affinity for vcpu `%ld'.\n", vcpuid);
            goto out;
        }
    } else {
        libxl_dominfo info;
        libxl_dominfo_init(&info);
        if (libxl_domain_info(xl_ctx(), &info, domid) ||
            libxl_set_vcpuaffinity_all(xl_ctx(), domid, info.vcpu_max_id + 1, hard, soft)) {
            fprintf(stderr, "Could not set affinity.\n");
            goto out;
        }
    }
    rc = EXIT_SUCCESS;
out:
    if (cfg)
        xlu_cfg_destroy(cfg);
    libxl_bitmap_dispose(&hard_map);
    libxl_bitmap_dispose(&soft_map);
    return rc;
}
