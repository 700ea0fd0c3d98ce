/*
 * xl_list.c: `xl list [-l] [-v] [-Z] [-c] [-n] [Domain]' with real xl
 * 4.17's columns; -l prints each domain's stored configuration as JSON
 * ([{"domid": N, "config": {...}}, ...], yajl-beautified as xl does);
 * `xl vm-list' (uuid, id, name).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "_libxl_types_json.h"
#include "xl.h"
#include "xl_lifecycle.h"

static void list_domains(bool verbose, bool context, bool cpupool, bool numa,
                         const libxl_dominfo *info, int n)
{
    static const char shutdown_reason_letters[] = "-rscwS";

    printf("Name                                        ID   Mem VCPUs\tState\tTime(s)");
    if (verbose)
        printf("   UUID                            Reason-Code\tSecurity Label");
    if (context && !verbose)
        printf("   Security Label");
    if (cpupool)
        printf("         Cpupool");
    if (numa)
        printf(" NODE Affinity");
    printf("\n");
    for (int i = 0; i < n; i++) {
        char *name = libxl_domid_to_name(xl_ctx(), info[i].domid);
        int reason = info[i].shutdown ? info[i].shutdown_reason : 0;
        if (reason < 0 || reason > 5)
            reason = 0;
        printf("%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f", name ? name : "(null)", info[i].domid,
               (unsigned long)((info[i].current_memkb + info[i].outstanding_memkb) / 1024),
               info[i].vcpu_online, info[i].running ? 'r' : '-', info[i].blocked ? 'b' : '-',
               info[i].paused ? 'p' : '-', info[i].shutdown ? 's' : '-',
               shutdown_reason_letters[reason], info[i].dying ? 'd' : '-',
               ((float)info[i].cpu_time / 1e9));
        free(name);
        if (verbose) {
            printf(" " LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info[i].uuid));
            if (info[i].shutdown)
                printf(" %8x", reason);
            else
                printf(" %8s", "-");
        }
        if (verbose || context)
            printf(" %16s", info[i].ssid_label ? info[i].ssid_label : "-");
        if (cpupool)
            printf("%16s", "Pool-0");
        if (numa)
            printf(" %s", "all");
        putchar('\n');
    }
}

static int list_details(const libxl_dominfo *info, int n)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;

    if (!g)
        return EXIT_FAILURE;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_array_open(g);
    for (int i = 0; i < n; i++) {
        libxl_domain_config cfg;
        if (info[i].domid == 0)
            continue;
        libxl_domain_config_init(&cfg);
        if (libxl_retrieve_domain_configuration(xl_ctx(), info[i].domid, &cfg, NULL)) {
            libxl_domain_config_dispose(&cfg);
            continue;
        }
        yajl_gen_map_open(g);
        yajl_gen_string(g, (const unsigned char *)"domid", 5);
        yajl_gen_integer(g, info[i].domid);
        yajl_gen_string(g, (const unsigned char *)"config", 6);
        libxl_domain_config_gen_json(g, &cfg);
        yajl_gen_map_close(g);
        libxl_domain_config_dispose(&cfg);
    }
    yajl_gen_array_close(g);
    yajl_gen_get_buf(g, &buf, &len);
    fwrite(buf, 1, len, stdout);
    putchar('\n'); /* real xl puts() the buffer */
    yajl_gen_free(g);
    return EXIT_SUCCESS;
}

int main_list(int argc, char **argv)
{
    static const struct option opts[] = {{"long", 0, 0, 'l'},
                                         {"verbose", 0, 0, 'v'},
                                         {"context", 0, 0, 'Z'},
                                         {"cpupool", 0, 0, 'c'},
                                         {"numa", 0, 0, 'n'},
                                         {"help", 0, 0, 'h'},
                                         {0, 0, 0, 0}};
    bool details = false, verbose = false, context = false, cpupool = false, numa = false;
    libxl_dominfo *info;
    int opt, n, rc;

    while ((opt = xl_getopt(argc, argv, "lvZcn", opts, "list", 0, &rc)) != -1) {
        switch (opt) {
        case 'l':
            details = true;
            break;
        case 'v':
            verbose = true;
            break;
        case 'Z':
            context = true;
            break;
        case 'c':
            cpupool = true;
            break;
        case 'n':
            numa = true;
            break;
        default:
            return rc;
        }
    }
    if (optind < argc - 1) {
        help("list");
        return EXIT_FAILURE;
    }
    if (optind < argc) {
        uint32_t domid = xl_find_domain(argv[optind], NULL);
        info = calloc(1, sizeof(*info));
        if (!info)
            return EXIT_FAILURE;
        libxl_dominfo_init(info);
        rc = libxl_domain_info(xl_ctx(), info, domid);
        if (rc == ERROR_DOMAIN_NOTFOUND) {
            fprintf(stderr, "Error: Domain \'%s\' does not exist.\n", argv[optind]);
            libxl_dominfo_list_free(info, 1);
            return EXIT_FAILURE;
        }
        if (rc) {
            fprintf(stderr, "libxl_domain_info failed (code %d).\n", rc);
            libxl_dominfo_list_free(info, 1);
            return EXIT_FAILURE;
        }
        n = 1;
    } else {
        info = libxl_list_domain(xl_ctx(), &n);
        if (!info) {
            fprintf(stderr, "libxl_list_domain failed.\n");
            return EXIT_FAILURE;
        }
    }
    rc = details ? list_details(info, n)
                 : (list_domains(verbose, context, cpupool, numa, info, n), EXIT_SUCCESS);
    libxl_dominfo_list_free(info, n);
    return rc;
}

/* `xl vm-list': real xl 4.17's columns, dom0 included as it lists it. */
int main_vm_list(int argc, char **argv)
{
    libxl_vminfo *info;
    int status, n;

    if (xl_getopt(argc, argv, "", NULL, "vm-list", 0, &status) != -1)
        return status;
    info = libxl_list_vm(xl_ctx(), &n);
    if (!info) {
        fprintf(stderr, "libxl_list_vm failed.\n");
        return EXIT_FAILURE;
    }
    printf("UUID                                  ID    name\n");
    for (int i = 0; i < n; i++) {
        char *name = libxl_domid_to_name(xl_ctx(), info[i].domid);
        printf(LIBXL_UUID_FMT "  %d    %-30s\n", LIBXL_UUID_BYTES(info[i].uuid), info[i].domid,
               name ? name : "(null)");
        free(name);
    }
    libxl_vminfo_list_free(info, n);
    return 0;
}
