/*
 * libxl_console.c: finding a domain's console pty, as libxl does: the PV
 * console's tty is /local/domain/N/console/tty (written by the console
 * backend), further consoles are under device/console/K/tty, and an HVM
 * guest's serial console is serial/0/tty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_internal.h"

int libxl_console_get_tty(libxl_ctx *ctx, uint32_t domid, int cons_num, libxl_console_type type,
                          char **path)
{
    char node[128], *tty = NULL;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    if (type == LIBXL_CONSOLE_TYPE_SERIAL)
        snprintf(node, sizeof(node), "/local/domain/%u/serial/%d/tty", domid, cons_num);
    else if (cons_num == 0)
        snprintf(node, sizeof(node), "/local/domain/%u/console/tty", domid);
    else
        snprintf(node, sizeof(node), "/local/domain/%u/device/console/%d/tty", domid, cons_num);
    rc = libxl__xs_read(ctx->xs, 0, node, &tty);
    if (rc || !*tty) {
        /* An empty tty: the console backend has not published it yet. */
        libxl__log(ctx, rc ? LIBXL_LOG_ERROR : LIBXL_LOG_DEBUG, -1,
                   "unable to read console tty path `%s'", node);
        free(tty);
        return ERROR_FAIL;
    }
    *path = tty;
    return 0;
}

int libxl_primary_console_get_tty(libxl_ctx *ctx, uint32_t domid_vm, char **path)
{
    libxl_dominfo info;
    int rc;

    libxl_dominfo_init(&info);
    rc = libxl_domain_info(ctx, &info, domid_vm);
    if (rc)
        return rc;
    if (info.domain_type == LIBXL_DOMAIN_TYPE_HVM &&
        !libxl_console_get_tty(ctx, domid_vm, 0, LIBXL_CONSOLE_TYPE_SERIAL, path))
        return 0;
    return libxl_console_get_tty(ctx, domid_vm, 0, LIBXL_CONSOLE_TYPE_PV, path);
}
