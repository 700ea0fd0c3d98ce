/*
 * fuzz_xlu_cfg.c: libFuzzer target for the xl.cfg grammar (libxlutil):
 * any bytes are parsed, then every setting is read back through the
 * typed accessors.  No input may crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libxlutil.h"
#include "xlu_internal.h"

static void walk(XLU_Config *cfg, XLU_ConfigList *list, int depth)
{
    for (int i = 0; i < xlu_cfg_list_length(list); i++) {
        XLU_ConfigValue *v = xlu_cfg_get_listitem2(list, i);
        XLU_ConfigList *sub;
        char *s;
        (void)xlu_cfg_get_listitem(list, i);
        if (xlu_cfg_value_type(v) == XLU_LIST && !xlu_cfg_value_get_list(cfg, v, &sub, 0) &&
            depth < 8)
            walk(cfg, sub, depth + 1);
        else
            (void)xlu_cfg_value_get_string(cfg, v, &s, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (size > 1 << 20)
        return 0;

    XLU_Config *cfg = xlu_cfg_init(devnull, "fuzz.cfg");
    if (!cfg)
        return 0;
    xlu_cfg_readdata(cfg, (const char *)data, (int)size);

    const XLU_SettingInfo *infos;
    int n = xlu_cfg_settings(cfg, &infos);
    for (int i = 0; i < n; i++) {
        const char *name = infos[i].name, *s;
        long l;
        XLU_ConfigList *list;
        int entries;
        if (infos[i].value_off > infos[i].value_end || infos[i].value_end > (long)size)
            __builtin_trap();
        (void)xlu_cfg_get_string(cfg, name, &s, 0);
        (void)xlu_cfg_get_long(cfg, name, &l, 0);
        (void)xlu_cfg_get_bounded_long(cfg, name, 0, 100, &l, 0);
        if (!xlu_cfg_get_list(cfg, name, &list, &entries, 0))
            walk(cfg, list, 0);
    }
    xlu_cfg_destroy(cfg);
    return 0;
}
