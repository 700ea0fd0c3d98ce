/*
 * bootsearch.h: finding and reading the boot configuration on one guest
 * filesystem (the search path of configuration files), and finding the
 * files an entry names, also on a separate /boot partition.
 */
#ifndef BOOTSEARCH_H
#define BOOTSEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "bootcfg.h"
#include "extfs.h"

/*
 * Looks for a configuration on FS in search-path order and parses the
 * first one found into CFG; *FOUND gets its path (static storage).
 * Returns 0, -ENOENT when there is none (ERR says so), or the parse error.
 */
int bootsearch_config(struct extfs *fs, struct bootcfg *cfg, const char **found, char *err,
                      size_t errlen);

/*
 * The path under which PATH exists on FS as a regular file: PATH itself,
 * or PATH without a leading "/boot" when /boot is this filesystem's root.
 * malloc'd, or NULL with *RC set to the lookup error of PATH.
 */
char *bootsearch_file(struct extfs *fs, const char *path, int *rc);

/* The configuration kind a file name suggests (for --isconfig). */
enum bootcfg_kind bootsearch_kind_of(const char *path, const char *text);

#endif
