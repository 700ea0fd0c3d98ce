/*
 * libxl_firmware.c: firmware= and friends resolved to files.  A bare
 * firmware name (hvmloader, seabios.bin, ovmf.bin, pvgrub64.bin) is looked
 * up on the firmware search path ($XENHV_FIRMWARE_PATH, the build tree's
 * hypervisor/firmware, FIRMWAREDIR); a path is used as given.  A missing
 * file is an error naming every path tried.  Also finds the build tree a
 * program runs from, for the project's own helper programs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libxl_boot_config.h"
#include "libxl_firmware.h"

#ifndef LIBXL_FIRMWAREDIR
#define LIBXL_FIRMWAREDIR "/usr/local/lib/xenhv/boot"
#endif

#define MAX_DIRS 16

int libxl__build_tree_top(char *out, size_t len)
{
    static const char *const up[] = {"", "/..", "/../..", "/../../.."};
    char exe[PATH_MAX], probe[PATH_MAX + 64];
    struct stat st;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
        snprintf(probe, sizeof(probe), "%s%s/libxl/Makefile", exe, up[i]);
        if (stat(probe, &st) || !S_ISREG(st.st_mode))
            continue;
        snprintf(probe, sizeof(probe), "%s%s/hypervisor", exe, up[i]);
        if (stat(probe, &st) || !S_ISDIR(st.st_mode))
            continue;
        if (!realpath(probe, exe))
            return -1;
        *strrchr(exe, '/') = '\0';
        if (snprintf(out, len, "%s", exe) >= (int)len)
            return -1;
        return 0;
    }
    return -1;
}

/* The search path's directories (malloc'd copies), in order. */
static int search_dirs(char *dirs[MAX_DIRS], int *count)
{
    const char *env = getenv("XENHV_FIRMWARE_PATH");
    char top[PATH_MAX];
    int n = 0;

    if (env && *env) {
        char *copy = strdup(env), *save = NULL;
        if (!copy)
            return ERROR_NOMEM;
        for (char *d = strtok_r(copy, ":", &save); d && n < MAX_DIRS - 2;
             d = strtok_r(NULL, ":", &save))
            if (*d && !(dirs[n++] = strdup(d)))
                break;
        free(copy);
    }
    if (!libxl__build_tree_top(top, sizeof(top)) && n < MAX_DIRS) {
        size_t k = strlen(top) + sizeof("/hypervisor/firmware");
        if ((dirs[n] = malloc(k)))
            snprintf(dirs[n++], k, "%s/hypervisor/firmware", top);
    }
    if (n < MAX_DIRS)
        dirs[n++] = strdup(LIBXL_FIRMWAREDIR);
    *count = n;
    for (int i = 0; i < n; i++)
        if (!dirs[i])
            return ERROR_NOMEM;
    return 0;
}

static int readable_file(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, R_OK);
}

/* Appends "PATH" to a growing list of tried paths for the message. */
static void tried_add(char *tried, size_t len, const char *path)
{
    size_t used = strlen(tried), n = strlen(path);
    if (used + n + 3 > len)
        return; /* the message keeps what fits */
    if (used) {
        memcpy(tried + used, ", ", 2);
        used += 2;
    }
    memcpy(tried + used, path, n + 1);
}

/* Find name on the search path, then at fallback (may be NULL). */
static int find_with_fallback(libxl_ctx *ctx, const char *what, const char *name,
                              const char *fallback, char **path)
{
    char *dirs[MAX_DIRS] = {0}, tried[4096] = "", cand[PATH_MAX];
    int n = 0, rc;

    *path = NULL;
    rc = search_dirs(dirs, &n);
    if (rc)
        goto out;
    rc = ERROR_INVAL;
    for (int i = 0; i < n && rc; i++) {
        if (snprintf(cand, sizeof(cand), "%s/%s", dirs[i], name) >= (int)sizeof(cand))
            continue;
        if (readable_file(cand)) {
            rc = (*path = strdup(cand)) ? 0 : ERROR_NOMEM;
        } else {
            tried_add(tried, sizeof(tried), cand);
        }
    }
    if (rc && fallback) {
        if (readable_file(fallback))
            rc = (*path = strdup(fallback)) ? 0 : ERROR_NOMEM;
        else
            tried_add(tried, sizeof(tried), fallback);
    }
    if (rc == ERROR_INVAL)
        LOG(ctx, ERROR,
            "%s: firmware file %s not found (searched %s; set XENHV_FIRMWARE_PATH or "
            "configure --with-firmware-dir)",
            what, name, tried);
out:
    for (int i = 0; i < MAX_DIRS; i++)
        free(dirs[i]);
    return rc;
}

int libxl__firmware_find(libxl_ctx *ctx, const char *what, const char *name, char **path)
{
    return find_with_fallback(ctx, what, name, NULL, path);
}

/* A firmware given as a path (has a '/') must be a readable file; a bare
 * name is searched for. */
static int path_or_search(libxl_ctx *ctx, const char *what, const char *value, char **path)
{
    if (!strchr(value, '/'))
        return libxl__firmware_find(ctx, what, value, path);
    if (!readable_file(value)) {
        LOG(ctx, ERROR, "%s: firmware image %s: %s", what, value,
            access(value, F_OK) ? "no such file" : "not a readable file");
        return ERROR_INVAL;
    }
    *path = strdup(value);
    return *path ? 0 : ERROR_NOMEM;
}

/* HVM system firmware per bios= (hvmloader's payload): seabios and ovmf
 * are files; rombios is built into hvmloader; the default needs none. */
static const struct {
    libxl_bios_type bios;
    const char *file;
} system_firmware[] = {
    {LIBXL_BIOS_TYPE_SEABIOS, "seabios.bin"},
    {LIBXL_BIOS_TYPE_OVMF, "ovmf.bin"},
};

static int resolve_hvm(libxl_ctx *ctx, const libxl_domain_build_info *b, libxl__firmware_files *out)
{
    int rc;

    if (b->u.hvm.firmware)
        return path_or_search(ctx, "firmware", b->u.hvm.firmware, &out->hvm_loader);
    if (b->kernel)
        return 0; /* the builder enters the HVM "kernel" as firmware */
    rc = libxl__firmware_find(ctx, "HVM firmware", "hvmloader", &out->hvm_loader);
    if (rc)
        return rc;
    if (b->u.hvm.system_firmware)
        return path_or_search(ctx, "bios_path_override", b->u.hvm.system_firmware,
                              &out->system_firmware);
    for (size_t i = 0; i < sizeof(system_firmware) / sizeof(system_firmware[0]); i++) {
        if (system_firmware[i].bios != b->u.hvm.bios)
            continue;
        char what[64];
        snprintf(what, sizeof(what), "bios=%s", libxl_bios_type_to_string(b->u.hvm.bios));
        return libxl__firmware_find(ctx, what, system_firmware[i].file, &out->system_firmware);
    }
    return 0;
}

/* PV/PVH: firmware=pvgrub* became kernel=FIRMWARE_DIR/pvgrubNN.bin (the
 * path real xl records); look for the image on the search path first. */
static int resolve_pv(libxl_ctx *ctx, const libxl_domain_build_info *b, libxl__firmware_files *out)
{
    const char *dir = libxl_firmware_dir();
    size_t dl = strlen(dir);

    if (!b->kernel || strncmp(b->kernel, dir, dl) || b->kernel[dl] != '/' ||
        strchr(b->kernel + dl + 1, '/') || strncmp(b->kernel + dl + 1, "pvgrub", 6))
        return 0;
    return find_with_fallback(ctx, "firmware=pvgrub", b->kernel + dl + 1, b->kernel, &out->kernel);
}

int libxl__firmware_resolve(libxl_ctx *ctx, const libxl_domain_config *cfg,
                            libxl__firmware_files *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (cfg->b_info.type == LIBXL_DOMAIN_TYPE_HVM)
        rc = resolve_hvm(ctx, &cfg->b_info, out);
    else
        rc = resolve_pv(ctx, &cfg->b_info, out);
    if (rc)
        libxl__firmware_files_dispose(out);
    return rc;
}

void libxl__firmware_files_dispose(libxl__firmware_files *f)
{
    free(f->kernel);
    free(f->hvm_loader);
    free(f->system_firmware);
    memset(f, 0, sizeof(*f));
}
