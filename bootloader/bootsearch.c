/*
 * bootsearch.c: where boot configurations live on a guest filesystem.  The
 * search path, in order (a separate /boot partition has them without the
 * /boot prefix, so both forms are tried):
 *   /boot/grub/menu.lst /boot/grub/grub.conf /boot/grub/grub.cfg
 *   /boot/grub2/grub.cfg /grub/menu.lst /grub/grub.conf /grub/grub.cfg
 *   /grub2/grub.cfg /boot/extlinux/extlinux.conf /boot/extlinux.conf
 *   /extlinux/extlinux.conf /extlinux.conf /boot/syslinux/syslinux.cfg
 *   /syslinux/syslinux.cfg /syslinux.cfg
 * A GRUB legacy menu.lst beside a grub.cfg wins, as with pygrub (some
 * distributions keep one for Xen guests).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootsearch.h"

static const struct {
    const char *path;
    enum bootcfg_kind kind;
} search_path[] = {
    {"/boot/grub/menu.lst", BOOTCFG_GRUB_LEGACY},
    {"/boot/grub/grub.conf", BOOTCFG_GRUB_LEGACY},
    {"/boot/grub/grub.cfg", BOOTCFG_GRUB2},
    {"/boot/grub2/grub.cfg", BOOTCFG_GRUB2},
    {"/grub/menu.lst", BOOTCFG_GRUB_LEGACY},
    {"/grub/grub.conf", BOOTCFG_GRUB_LEGACY},
    {"/grub/grub.cfg", BOOTCFG_GRUB2},
    {"/grub2/grub.cfg", BOOTCFG_GRUB2},
    {"/boot/extlinux/extlinux.conf", BOOTCFG_EXTLINUX},
    {"/boot/extlinux.conf", BOOTCFG_EXTLINUX},
    {"/extlinux/extlinux.conf", BOOTCFG_EXTLINUX},
    {"/extlinux.conf", BOOTCFG_EXTLINUX},
    {"/boot/syslinux/syslinux.cfg", BOOTCFG_EXTLINUX},
    {"/syslinux/syslinux.cfg", BOOTCFG_EXTLINUX},
    {"/syslinux.cfg", BOOTCFG_EXTLINUX},
};

static int fs_reader(void *ctx, const char *path, char **data, size_t *len)
{
    return extfs_read_file(ctx, path, BOOTCFG_MAX_FILE, data, len);
}

int bootsearch_config(struct extfs *fs, struct bootcfg *cfg, const char **found, char *err,
                      size_t errlen)
{
    struct bootcfg_reader reader = {fs_reader, fs};

    *found = NULL;
    for (size_t i = 0; i < sizeof(search_path) / sizeof(search_path[0]); i++) {
        char *data = NULL;
        size_t len = 0;
        int rc = extfs_read_file(fs, search_path[i].path, BOOTCFG_MAX_FILE, &data, &len);

        if (rc == -ENOENT || rc == -ENOTDIR || rc == -EISDIR)
            continue;
        *found = search_path[i].path;
        if (rc == 0)
            rc = bootcfg_parse(search_path[i].kind, search_path[i].path, data, len, &reader, cfg,
                               err, errlen);
        else if (rc == -EFBIG)
            snprintf(err, errlen, "%s: larger than %u bytes", search_path[i].path,
                     BOOTCFG_MAX_FILE);
        else
            snprintf(err, errlen, "%s: %s", search_path[i].path, strerror(-rc));
        free(data);
        return rc;
    }
    snprintf(err, errlen,
             "no boot configuration (no grub.cfg, menu.lst, grub.conf, "
             "extlinux.conf or syslinux.cfg in /boot, /boot/grub, /boot/grub2, "
             "/boot/extlinux, /grub, /grub2, /extlinux, /syslinux or /)");
    return -ENOENT;
}

char *bootsearch_file(struct extfs *fs, const char *path, int *rc)
{
    uint64_t size;

    *rc = extfs_stat(fs, path, &size);
    if (*rc == 0)
        return strdup(path);
    if (*rc == -ENOENT && strncmp(path, "/boot/", 6) == 0 && extfs_stat(fs, path + 5, &size) == 0) {
        *rc = 0;
        return strdup(path + 5);
    }
    return NULL;
}

enum bootcfg_kind bootsearch_kind_of(const char *path, const char *text)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof(search_path) / sizeof(search_path[0]); i++) {
        const char *b = strrchr(search_path[i].path, '/') + 1;

        if (strcmp(base, b) == 0)
            return search_path[i].kind;
    }
    if (strstr(text, "menuentry"))
        return BOOTCFG_GRUB2;
    if (strstr(text, "title"))
        return BOOTCFG_GRUB_LEGACY;
    return BOOTCFG_EXTLINUX;
}
