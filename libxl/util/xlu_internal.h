/*
 * xlu_internal.h: libxlutil's in-memory form of a parsed xl.cfg: values,
 * settings, and the parse entry points shared by the accessors
 * (xlu_cfg.c) and the grammar (xlu_cfg_parse.c).  Needs no libxl types,
 * so the grammar builds and fuzzes alone.
 */
#ifndef XLU_INTERNAL_H
#define XLU_INTERNAL_H

#include <stdio.h>

typedef struct XLU_Config XLU_Config;
typedef struct XLU_ConfigList XLU_ConfigList;
typedef struct XLU_ConfigValue XLU_ConfigValue;

struct XLU_ConfigList {
    int nvalues, avalues;
    XLU_ConfigValue **values;
};

struct XLU_ConfigValue {
    int type; /* enum XLU_ConfigValueType */
    int line;
    union {
        char *string;
        XLU_ConfigList list;
    } u;
};

typedef struct XLU_ConfigSetting {
    struct XLU_ConfigSetting *next; /* newer settings first */
    char *name;
    XLU_ConfigValue *value;
    int op; /* enum XLU_Operation */
    int line;
    long stmt_off, value_off, value_end;
} XLU_ConfigSetting;

struct XLU_Config {
    XLU_ConfigSetting *settings;
    FILE *report;
    char *source;
    void *infos; /* XLU_SettingInfo[], built on demand */
};

/* The grammar: parse data into cfg (xlu_cfg_parse.c).  Messages go to
 * cfg->report.  0 or an errno value. */
int xlu__cfg_parse(XLU_Config *cfg, const char *data, size_t len);

void xlu__value_free(XLU_ConfigValue *v);
XLU_ConfigSetting *xlu__cfg_find(const XLU_Config *cfg, const char *name);

#endif /* XLU_INTERNAL_H */
