/*
 * xl_block.c: PV disks of running domains, as real xl 4.17: `xl
 * block-list <Domain(s)>' (each disk with its frontend's state, event
 * channel and ring reference, in real xl's columns; a domain argument
 * that names nothing is said and skipped), `xl block-attach <Domain>
 * <disk-spec>...' (-N prints the disk's JSON) and `xl block-detach [-f]
 * <Domain> <DevId>'.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xl.h"
#include "xl_lifecycle.h"

int main_blocklist(int argc, char **argv)
{
    int status;

    if (xl_getopt(argc, argv, "", NULL, "block-list", 1, &status) != -1)
        return status;
    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
           "ring-ref", "BE-path");
    for (int a = optind; a < argc; a++) {
        libxl_device_disk *disks;
        uint32_t domid;
        int n;

        if (xl_domain_qualifier_to_domid(argv[a], &domid) < 0) {
            fprintf(stderr, "%s is an invalid domain identifier\n", argv[a]);
            continue;
        }
        disks = libxl_device_disk_list(xl_ctx(), domid, &n);
        for (int i = 0; i < n; i++) {
            libxl_diskinfo info;
            if (libxl_device_disk_getinfo(xl_ctx(), domid, &disks[i], &info))
                continue;
            printf("%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", info.devid, (int)info.backend_id,
                   (int)info.frontend_id, info.state, info.evtch, info.rref, info.backend);
            libxl_diskinfo_dispose(&info);
        }
        libxl_device_disk_list_free(disks, n);
    }
    return 0;
}

int main_blockattach(int argc, char **argv)
{
    libxl_device_disk disk;
    XLU_Config *cfg;
    uint32_t domid;
    int status, rc;

    if (xl_getopt(argc, argv, "", NULL, "block-attach", 2, &status) != -1)
        return status;
    if (xl_domain_qualifier_to_domid(argv[optind], &domid) < 0) {
        fprintf(stderr, "%s is an invalid domain identifier\n", argv[optind]);
        return 1;
    }
    optind++;
    cfg = xlu_cfg_init(stderr, "command line");
    if (!cfg)
        return 1;
    libxl_device_disk_init(&disk);
    rc = xlu_disk_parse(cfg, argc - optind, (const char *const *)argv + optind, &disk);
    xlu_cfg_destroy(cfg);
    if (rc) {
        if (rc != EINVAL)
            fprintf(stderr, "xlu_disk_parse failed: %s\n", strerror(rc));
        libxl_device_disk_dispose(&disk);
        return 1;
    }
    if (xl_dryrun) {
        char *json = libxl_device_disk_to_json(xl_ctx(), &disk);
        printf("disk: %s\n", json ? json : "");
        free(json);
        rc = 0;
    } else if ((rc = libxl_device_disk_add(xl_ctx(), domid, &disk, NULL))) {
        fprintf(stderr, "libxl_device_disk_add failed.\n");
        rc = 1;
    }
    libxl_device_disk_dispose(&disk);
    return rc;
}

int main_blockdetach(int argc, char **argv)
{
    static const struct option opts[] = {{"force", 0, 0, 'f'}, {0, 0, 0, 0}};
    libxl_device_disk disk;
    uint32_t domid;
    int opt, status, force = 0, rc;

    while ((opt = xl_getopt(argc, argv, "f", opts, "block-detach", 2, &status)) != -1) {
        if (opt == XL_OPT_EXIT)
            return status;
        force = opt == 'f';
    }
    domid = xl_find_domain(argv[optind], NULL);
    if (libxl_vdev_to_device_disk(xl_ctx(), domid, argv[optind + 1], &disk)) {
        fprintf(stderr, "Error: Device %s not connected.\n", argv[optind + 1]);
        return 1;
    }
    rc = force ? libxl_device_disk_destroy(xl_ctx(), domid, &disk, NULL)
               : libxl_device_disk_remove(xl_ctx(), domid, &disk, NULL);
    libxl_device_disk_dispose(&disk);
    if (rc) {
        fprintf(stderr, "libxl_device_disk_%s failed.\n", force ? "destroy" : "remove");
        return 1;
    }
    return 0;
}
