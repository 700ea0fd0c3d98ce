/*
 * fuzz_xlu_cfg.c: libFuzzer target for libxlutil: any bytes are parsed as
 * xl.cfg, every setting is read back through the typed accessors, and
 * every string value is fed to the spec parsers (disk, pci, rdm, vif
 * rate, cpu list).  No input may crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libxlutil.h"
#include "xlu_internal.h"

/* One string through every spec parser. */
static void specs(XLU_Config *cfg, const char *s)
{
    libxl_device_disk disk;
    libxl_device_disk_init(&disk);
    xlu_disk_parse(cfg, 1, &s, &disk);
    libxl_device_disk_dispose(&disk);

    libxl_device_pci pci;
    libxl_device_pci_init(&pci);
    xlu_pci_parse_spec_string(cfg, &pci, s);
    libxl_device_pci_dispose(&pci);

    libxl_rdm_reserve rdm;
    libxl_rdm_reserve_init(&rdm);
    xlu_rdm_parse(cfg, &rdm, s);

    libxl_device_nic nic;
    libxl_device_nic_init(&nic);
    xlu_vif_parse_rate(cfg, s, &nic);
    libxl_device_nic_dispose(&nic);

    libxl_bitmap map;
    libxl_bitmap_init(&map);
    if (!libxl_bitmap_alloc(NULL, &map, 64))
        xlu_cpu_parse_list(cfg, s, &map);
    libxl_bitmap_dispose(&map);
}

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
        else if (!xlu_cfg_value_get_string(cfg, v, &s, 0))
            specs(cfg, s);
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
        if (!xlu_cfg_get_string(cfg, name, &s, 0))
            specs(cfg, s);
        (void)xlu_cfg_get_long(cfg, name, &l, 0);
        (void)xlu_cfg_get_bounded_long(cfg, name, 0, 100, &l, 0);
        if (!xlu_cfg_get_list(cfg, name, &list, &entries, 0))
            walk(cfg, list, 0);
    }
    xlu_cfg_destroy(cfg);
    return 0;
}
