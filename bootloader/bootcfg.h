/*
 * bootcfg.h: the boot menu model shared by the configuration parsers
 * (GRUB 2, GRUB legacy, extlinux/syslinux) and the way they read included
 * files.  The parsers are pure: text in, menu out; files come through a
 * caller-supplied reader, so they run the same on a guest filesystem, on
 * the host (--isconfig) and under the fuzzer.
 */
#ifndef BOOTCFG_H
#define BOOTCFG_H

#include <stddef.h>

/* Limits that keep hostile configurations bounded. */
#define BOOTCFG_MAX_FILE    (1u << 20) /* one configuration file */
#define BOOTCFG_MAX_TOTAL   (4u << 20) /* all files of one parse, includes too */
#define BOOTCFG_MAX_DEPTH   8          /* include/source/configfile nesting */
#define BOOTCFG_MAX_ENTRIES 512        /* menu entries kept */
#define BOOTCFG_MAX_NEST    8          /* submenu/block nesting */
#define BOOTCFG_MAX_VARS    256        /* GRUB 2 variables */
#define BOOTCFG_MAX_STR     65536      /* one word, path or argument string */
#define BOOTCFG_MAX_INITRDS 8          /* initrd files of one entry */

enum bootcfg_kind {
    BOOTCFG_GRUB2,
    BOOTCFG_GRUB_LEGACY,
    BOOTCFG_EXTLINUX,
};

/* One bootable entry; paths are absolute paths inside the boot filesystem. */
struct bootcfg_entry {
    char *title;
    char *kernel;   /* NULL: the entry boots nothing we can load */
    char *initrd;   /* NULL: none; else the first (or only) initrd */
    char **initrds; /* NULL, or every initrd in load order, NULL-terminated, when
                       there are several (GRUB and syslinux concatenate them) */
    char *args;     /* never NULL, may be "" */
};

struct bootcfg {
    struct bootcfg_entry *entries;
    unsigned int n_entries;
    int default_index; /* index into entries; 0 when the config names none */
};

/*
 * Reads the file PATH (absolute inside the boot filesystem) into a
 * malloc'd buffer of at most BOOTCFG_MAX_FILE bytes.  Returns 0, or a
 * negative errno (-ENOENT when it does not exist, -EFBIG when too large).
 */
struct bootcfg_reader {
    int (*read)(void *ctx, const char *path, char **data, size_t *len);
    void *ctx;
};

/*
 * Parses TEXT (LEN bytes, the content of PATH) as a configuration of KIND
 * into OUT.  READER may be NULL (includes then fail as missing).  Returns 0
 * or a negative errno with a message naming the file and line in ERR.
 * On error OUT is left empty.
 */
int bootcfg_parse(enum bootcfg_kind kind, const char *path, const char *text, size_t len,
                  const struct bootcfg_reader *reader, struct bootcfg *out, char *err,
                  size_t errlen);

void bootcfg_free(struct bootcfg *cfg);

/*
 * The entry --entry=SEL names: a flat index or an exact title.  Returns the
 * index, or -1 when SEL names no entry.
 */
int bootcfg_find_entry(const struct bootcfg *cfg, const char *sel);

const char *bootcfg_kind_name(enum bootcfg_kind kind);

#endif
