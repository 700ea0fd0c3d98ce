/*
 * libxlutil.h: the public interface of libxlutil, the xl.cfg library.
 * Parses xl.cfg text into settings (xlu_cfg_*), and parses the one-line
 * device specifications found in it (disk, vif rate, pci, cpu lists,
 * serial, vfb) into libxl types.  It reports problems on the `report'
 * stream given at init and returns errno values; it never exits.
 */
#ifndef LIBXLUTIL_H
#define LIBXLUTIL_H

#include <stdio.h>

#include "libxl.h"

enum XLU_ConfigValueType { XLU_STRING, XLU_LIST };
enum XLU_Operation { XLU_OP_ASSIGNMENT = 0, XLU_OP_ADDITION };

typedef struct XLU_Config XLU_Config;
typedef struct XLU_ConfigList XLU_ConfigList;
typedef struct XLU_ConfigValue XLU_ConfigValue;

/* Where a setting sits in the text it was parsed from (byte offsets into
 * that text, end exclusive); config-update rewrites by these. */
typedef struct {
    const char *name;
    int line;       /* line of the value's first token */
    int op;         /* enum XLU_Operation */
    long stmt_off;  /* first byte of the name */
    long value_off; /* first byte of the value */
    long value_end; /* one past the value's last byte */
} XLU_SettingInfo;

/* report: where messages go (may be NULL for silence); report_source: the
 * file name messages start with. */
XLU_Config *xlu_cfg_init(FILE *report, const char *report_source);
/* Parse a file / a buffer; settings accumulate.  0 or an errno value. */
int xlu_cfg_readfile(XLU_Config *cfg, const char *real_filename);
int xlu_cfg_readdata(XLU_Config *cfg, const char *data, int length);
void xlu_cfg_destroy(XLU_Config *cfg);

/* Accessors: 0, ESRCH (absent), or EINVAL/ERANGE (wrong kind; a warning
 * `FILE:LINE: warning: ...' is printed unless dont_warn). */
int xlu_cfg_get_string(const XLU_Config *cfg, const char *n, const char **value_r, int dont_warn);
/* Like get_string, but *value_r is replaced by a malloc'd copy. */
int xlu_cfg_replace_string(const XLU_Config *cfg, const char *n, char **value_r, int dont_warn);
int xlu_cfg_get_long(const XLU_Config *cfg, const char *n, long *value_r, int dont_warn);
int xlu_cfg_get_bounded_long(const XLU_Config *cfg, const char *n, long min, long max,
                             long *value_r, int dont_warn);
int xlu_cfg_get_defbool(const XLU_Config *cfg, const char *n, libxl_defbool *b, int dont_warn);
int xlu_cfg_get_list(const XLU_Config *cfg, const char *n, XLU_ConfigList **list_r, int *entries_r,
                     int dont_warn);
/* A list of strings (or one string) as a NULL-terminated malloc'd array. */
int xlu_cfg_get_list_as_string_list(const XLU_Config *cfg, const char *n, libxl_string_list *sl,
                                    int dont_warn);
/* The string at entry (NULL if out of range or not a string). */
const char *xlu_cfg_get_listitem(const XLU_ConfigList *list, int entry);
/* Nested values. */
XLU_ConfigValue *xlu_cfg_get_listitem2(const XLU_ConfigList *list, int entry);
enum XLU_ConfigValueType xlu_cfg_value_type(const XLU_ConfigValue *value);
int xlu_cfg_value_get_string(const XLU_Config *cfg, XLU_ConfigValue *value, char **value_r,
                             int dont_warn);
int xlu_cfg_value_get_list(const XLU_Config *cfg, XLU_ConfigValue *value, XLU_ConfigList **value_r,
                           int dont_warn);
int xlu_cfg_list_length(const XLU_ConfigList *list);
/* The line a setting's value starts on (0 if absent). */
int xlu_cfg_setting_line(const XLU_Config *cfg, const char *n);

/* Settings in file order, with their positions (for rewriting tools). */
int xlu_cfg_settings(const XLU_Config *cfg, const XLU_SettingInfo **infos_r);

/* Spec parsers (xlu_disk.c, xlu_pci.c, xlu_vif.c, xlu_cpu.c). */
/* Parse the words of one disk spec (xl-disk-configuration(5)) into disk,
 * which the caller has initialised. */
int xlu_disk_parse(XLU_Config *cfg, int nspecs, const char *const *specs, libxl_device_disk *disk);
int xlu_pci_parse_bdf(XLU_Config *cfg, libxl_device_pci *pci, const char *str);
/* `BDF[@VSLOT][,key=value...]' or `key=value,...': 0 or ERROR_*. */
int xlu_pci_parse_spec_string(XLU_Config *cfg, libxl_device_pci *pci, const char *str);
int xlu_rdm_parse(XLU_Config *cfg, libxl_rdm_reserve *rdm, const char *str);
int xlu_vif_parse_rate(XLU_Config *cfg, const char *rate, libxl_device_nic *nic);
/* "0-3,^2,node:0,all"-style lists: sets/clears bits of an allocated
 * bitmap (bits beyond its size are ignored). */
int xlu_cpu_parse_list(XLU_Config *cfg, const char *str, libxl_bitmap *map);

#endif /* LIBXLUTIL_H */
