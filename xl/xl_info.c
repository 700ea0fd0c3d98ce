/*
 * xl_info.c: `xl info', `xl uptime', `xl dmesg' and `xl debug-keys', with
 * real xl 4.17's keys, formats and messages.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "xl.h"
#include "xl_lifecycle.h"

#define KEY(k) printf("%-23s: ", k)

int main_info(int argc, char **argv)
{
    libxl_physinfo p;
    const libxl_version_info *v;
    struct utsname u;
    static const struct option opts[] = {{"numa", 0, 0, 'n'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int opt, status;

    while ((opt = xl_getopt(argc, argv, "n", opts, "info", 0, &status)) != -1)
        if (opt == XL_OPT_EXIT)
            return status;
    libxl_physinfo_init(&p);
    if (libxl_get_physinfo(xl_ctx(), &p)) {
        fprintf(stderr, "libxl_physinfo failed.\n");
        return EXIT_FAILURE;
    }
    v = libxl_get_version_info(xl_ctx());
    if (!v) {
        fprintf(stderr, "libxl_get_version_info failed.\n");
        return EXIT_FAILURE;
    }
    if (uname(&u) == 0) {
        KEY("host"), printf("%s\n", u.nodename);
        KEY("release"), printf("%s\n", u.release);
        KEY("version"), printf("%s\n", u.version);
        KEY("machine"), printf("%s\n", u.machine);
    }
    KEY("nr_cpus"), printf("%d\n", p.nr_cpus);
    KEY("max_cpu_id"), printf("%d\n", p.max_cpu_id);
    KEY("nr_nodes"), printf("%d\n", p.nr_nodes);
    KEY("cores_per_socket"), printf("%d\n", p.cores_per_socket);
    KEY("threads_per_core"), printf("%d\n", p.threads_per_core);
    KEY("cpu_mhz"), printf("%d.%03d\n", p.cpu_khz / 1000, p.cpu_khz % 1000);
    KEY("hw_caps");
    for (int i = 0; i < 8; i++)
        printf("%08x%c", p.hw_cap[i], i < 7 ? ':' : '\n');
    printf("virt_caps              :%s%s%s%s%s%s%s%s%s%s%s\n", p.cap_pv ? " pv" : "",
           p.cap_hvm ? " hvm" : "", p.cap_hvm && p.cap_hvm_directio ? " hvm_directio" : "",
           p.cap_pv && p.cap_hvm_directio ? " pv_directio" : "", p.cap_hap ? " hap" : "",
           p.cap_shadow ? " shadow" : "", p.cap_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
           p.cap_vmtrace ? " vmtrace" : "", p.cap_vpmu ? " vpmu" : "",
           p.cap_gnttab_v1 ? " gnttab-v1" : "", p.cap_gnttab_v2 ? " gnttab-v2" : "");
    unsigned long pages_per_mb = (1u << 20) / 4096;
    KEY("total_memory"), printf("%" PRIu64 "\n", p.total_pages / pages_per_mb);
    KEY("free_memory"), printf("%" PRIu64 "\n", p.free_pages / pages_per_mb);
    KEY("sharing_freed_memory"), printf("%" PRIu64 "\n", p.sharing_freed_pages / pages_per_mb);
    KEY("sharing_used_memory"), printf("%" PRIu64 "\n", p.sharing_used_frames / pages_per_mb);
    KEY("outstanding_claims"), printf("%" PRIu64 "\n", p.outstanding_pages / pages_per_mb);
    KEY("free_cpus"), printf("%d\n", 0);
    KEY("xen_major"), printf("%d\n", v->xen_version_major);
    KEY("xen_minor"), printf("%d\n", v->xen_version_minor);
    KEY("xen_extra"), printf("%s\n", v->xen_version_extra);
    KEY("xen_version"),
        printf("%d.%d%s\n", v->xen_version_major, v->xen_version_minor, v->xen_version_extra);
    KEY("xen_caps"), printf("%s\n", v->capabilities);
    KEY("xen_scheduler"), printf("%s\n", libxl_scheduler_to_string(libxl_get_scheduler(xl_ctx())));
    KEY("xen_pagesize"), printf("%u\n", v->pagesize);
    KEY("platform_params"), printf("virt_start=0x%" PRIx64 "\n", v->virt_start);
    KEY("xen_changeset"), printf("%s\n", v->changeset);
    KEY("xen_commandline"), printf("%s\n", v->commandline);
    KEY("cc_compiler"), printf("%s\n", v->compiler);
    KEY("cc_compile_by"), printf("%s\n", v->compile_by);
    KEY("cc_compile_domain"), printf("%s\n", v->compile_domain);
    KEY("cc_compile_date"), printf("%s\n", v->compile_date);
    KEY("build_id"), printf("%s\n", v->build_id);
    KEY("xend_config_format"), printf("%d\n", 4);
    libxl_physinfo_dispose(&p);
    return EXIT_SUCCESS;
}

static void print_uptime_row(uint32_t domid, const char *name, unsigned long up, int short_mode,
                             time_t now)
{
    char s[64];

    xl_uptime_string(up, short_mode, s, sizeof(s));
    if (short_mode) {
        char tbuf[16];
        strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
        printf(" %s up %s, %s (%d)\n", tbuf, s, name, domid);
    } else {
        printf("%-33s %4u %s\n", name, domid, s);
    }
}

int main_uptime(int argc, char **argv)
{
    int opt, short_mode = 0, n = 0, status;
    time_t now = time(NULL);
    libxl_dominfo *list = NULL;
    uint32_t *ids = NULL;

    while ((opt = xl_getopt(argc, argv, "s", NULL, "uptime", 0, &status)) != -1) {
        if (opt == XL_OPT_EXIT)
            return status;
        short_mode = 1;
    }
    if (optind < argc) {
        n = argc - optind;
        ids = calloc((size_t)n, sizeof(*ids));
        if (!ids)
            return EXIT_FAILURE;
        for (int i = 0; i < n; i++)
            ids[i] = xl_find_domain(argv[optind + i], NULL);
    } else {
        list = libxl_list_domain(xl_ctx(), &n);
        if (!list) {
            fprintf(stderr, "libxl_list_domain failed.\n");
            return EXIT_FAILURE;
        }
        ids = calloc((size_t)n + 1, sizeof(*ids));
        if (!ids)
            return EXIT_FAILURE;
        for (int i = 0; i < n; i++)
            ids[i] = list[i].domid;
        libxl_dominfo_list_free(list, n);
    }
    if (!short_mode)
        printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (int i = 0; i < n; i++) {
        char *name = libxl_domid_to_name(xl_ctx(), ids[i]);
        unsigned long up = 0;
        if (ids[i] == 0) {
            FILE *f = fopen("/proc/uptime", "r");
            double d = 0;
            if (f) {
                if (fscanf(f, "%lf", &d) != 1)
                    d = 0;
                fclose(f);
            }
            up = (unsigned long)d;
        } else {
            uint32_t start = libxl_vm_get_start_time(xl_ctx(), ids[i]);
            if (start == (uint32_t)-1) {
                free(name);
                continue;
            }
            up = (unsigned long)(now - (time_t)start);
        }
        print_uptime_row(ids[i], name ? name : "(null)", up, short_mode, now);
        free(name);
    }
    free(ids);
    return EXIT_SUCCESS;
}

int main_dmesg(int argc, char **argv)
{
    int opt, clear = 0, status;
    char *text = NULL;

    while ((opt = xl_getopt(argc, argv, "c", NULL, "dmesg", 0, &status)) != -1) {
        if (opt == XL_OPT_EXIT)
            return status;
        clear = 1;
    }
    if (libxl_read_console_ring(xl_ctx(), clear, &text))
        return EXIT_FAILURE;
    fputs(text, stdout);
    free(text);
    return EXIT_SUCCESS;
}

int main_debug_keys(int argc, char **argv)
{
    int status;

    if (xl_getopt(argc, argv, "", NULL, "debug-keys", 1, &status) != -1)
        return status;
    if (libxl_send_debug_keys(xl_ctx(), argv[optind])) {
        fprintf(stderr, "cannot send debug keys: %s\n", argv[optind]);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
