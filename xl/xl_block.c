/*
 * xl_block.c: `xl block-list <Domain(s)>': each domain's PV disks with
 * their frontends' state, event channel and ring reference, in real xl
 * 4.17's columns.  A domain argument that names nothing is said and
 * skipped, as real xl does.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "xl.h"
#include "xl_lifecycle.h"

/* A domain id or name, without real xl's exit on failure (its
 * libxl_domain_qualifier_to_domid). */
static int qualifier_to_domid(const char *arg, uint32_t *domid)
{
    const char *p = arg;

    while (*p && isdigit((unsigned char)*p))
        p++;
    if (*arg && !*p) {
        *domid = (uint32_t)strtoul(arg, NULL, 10);
        return 0;
    }
    return libxl_name_to_domid(xl_ctx(), arg, domid);
}

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

        if (qualifier_to_domid(argv[a], &domid) < 0) {
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
