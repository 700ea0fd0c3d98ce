/*
 * xl_parse.c: the xl.cfg -> libxl_domain_config mapping table and the
 * engine that walks it (see xl_parse.h).  One row per key, in the order
 * real xl 4.17 reads them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"
#include "xl_parse.h"

#define DC(field)  offsetof(libxl_domain_config, field)
#define BI(field)  DC(b_info.field)
#define HVM(field) DC(b_info.u.hvm.field)

/* clang-format off */
static const struct parse_row parse_table[] = {
    /* the domain */
    {"seclabel",          ROW_FN,      ROW_ANY, 0, parse_seclabel},
    {"type",              ROW_FN,      ROW_ANY, 0, parse_type},
    {"hap",               ROW_DEFBOOL, ROW_ANY, DC(c_info.hap), NULL},
    {"name",              ROW_FN,      ROW_ANY, 0, parse_name},
    {"uuid",              ROW_FN,      ROW_ANY, 0, parse_uuid},
    {"oos",               ROW_DEFBOOL, ROW_ANY, DC(c_info.oos), NULL},
    {"pool",              ROW_STRING,  ROW_ANY, DC(c_info.pool_name), NULL},
    {NULL,                ROW_FN,      ROW_ANY, 0, parse_init_type},
    {"pvshim",            ROW_DEFBOOL, ROW_PVH, BI(u.pvh.pvshim), NULL},
    {"pvshim_path",       ROW_STRING,  ROW_PVH, BI(u.pvh.pvshim_path), NULL},
    {"pvshim_cmdline",    ROW_STRING,  ROW_PVH, BI(u.pvh.pvshim_cmdline), NULL},
    {"pvshim_extra",      ROW_STRING,  ROW_PVH, BI(u.pvh.pvshim_extra), NULL},
    /* scheduling, memory, vcpus */
    {"cpu_weight",        ROW_INT,     ROW_ANY, BI(sched_params.weight), NULL},
    {"cap",               ROW_INT,     ROW_ANY, BI(sched_params.cap), NULL},
    {"period",            ROW_INT,     ROW_ANY, BI(sched_params.period), NULL},
    {"slice",             ROW_INT,     ROW_ANY, BI(sched_params.slice), NULL},
    {"latency",           ROW_INT,     ROW_ANY, BI(sched_params.latency), NULL},
    {"extratime",         ROW_INT,     ROW_ANY, BI(sched_params.extratime), NULL},
    {"memory",            ROW_MEMKB,   ROW_ANY, BI(target_memkb), NULL},
    {"maxmem",            ROW_MEMKB,   ROW_ANY, BI(max_memkb), NULL},
    {"vcpus",             ROW_FN,      ROW_ANY, 0, parse_vcpus},
    {"maxvcpus",          ROW_INT,     ROW_ANY, BI(max_vcpus), NULL},
    {"vuart",             ROW_FN,      ROW_ANY, 0, parse_vuart},
    {"vnuma",             ROW_FN,      ROW_ANY, 0, parse_vnuma},
    {NULL,                ROW_FN,      ROW_ANY, 0, parse_vcpu_defaults},
    {"cpus",              ROW_FN,      ROW_ANY, 0, parse_cpus},
    {"cpus_soft",         ROW_FN,      ROW_ANY, 0, parse_cpus},
    {"max_grant_frames",  ROW_FN,      ROW_ANY, BI(max_grant_frames), parse_grant_frames},
    {"max_maptrack_frames", ROW_FN,    ROW_ANY, BI(max_maptrack_frames), parse_grant_frames},
    {"max_grant_version", ROW_FN,      ROW_ANY, BI(max_grant_version), parse_grant_frames},
    {NULL,                ROW_FN,      ROW_ANY, BI(claim_mode), parse_claim_mode},
    /* lifecycle */
    {"on_poweroff",       ROW_FN,      ROW_ANY, DC(on_poweroff), parse_action},
    {"on_reboot",         ROW_FN,      ROW_ANY, DC(on_reboot), parse_action},
    {"on_watchdog",       ROW_FN,      ROW_ANY, DC(on_watchdog), parse_action},
    {"on_crash",          ROW_FN,      ROW_ANY, DC(on_crash), parse_action},
    {"on_soft_reset",     ROW_FN,      ROW_ANY, DC(on_soft_reset), parse_action},
    {"e820_host",         ROW_DEFBOOL, ROW_PV,  BI(u.pv.e820_host), NULL},
    /* passthrough */
    {"pci_msitranslate",  ROW_FN,      ROW_ANY, 0, parse_pci_global},
    {"pci_power_mgmt",    ROW_FN,      ROW_ANY, 0, parse_pci_global},
    {"pci_permissive",    ROW_FN,      ROW_ANY, 0, parse_pci_global},
    {"pci_seize",         ROW_FN,      ROW_ANY, 0, parse_pci_global},
    {"rdm",               ROW_FN,      ROW_ANY, 0, parse_rdm},
    {"pci",               ROW_FN,      ROW_ANY, 0, parse_pci},
    {"dtdev",             ROW_FN,      ROW_ANY, 0, parse_dtdev},
    {"passthrough",       ROW_FN,      ROW_ANY, 0, parse_passthrough},
    /* platform */
    {"shadow_memory",     ROW_MEMKB,   ROW_ANY, BI(shadow_memkb), NULL},
    {"nomigrate",         ROW_DEFBOOL, ROW_ANY, BI(disable_migrate), NULL},
    {"tsc_mode",          ROW_FN,      ROW_ANY, 0, parse_tsc_mode},
    {"rtc_timeoffset",    ROW_U32,     ROW_ANY, BI(rtc_timeoffset), NULL},
    {"vncviewer",         ROW_FN,      ROW_ANY, 0, parse_vncviewer},
    {"localtime",         ROW_DEFBOOL, ROW_ANY, BI(localtime), NULL},
    {"videoram",          ROW_MEMKB,   ROW_ANY, BI(video_memkb), NULL},
    {"max_event_channels", ROW_U32,    ROW_ANY, BI(event_channels), NULL},
    /* booting */
    {"kernel",            ROW_STRING,  ROW_ANY, BI(kernel), NULL},
    {"ramdisk",           ROW_STRING,  ROW_ANY, BI(ramdisk), NULL},
    {"device_tree",       ROW_STRING,  ROW_ANY, BI(device_tree), NULL},
    {"cmdline",           ROW_FN,      ROW_ANY, 0, parse_cmdline},
    {"driver_domain",     ROW_DEFBOOL, ROW_ANY, DC(c_info.driver_domain), NULL},
    {"acpi",              ROW_DEFBOOL, ROW_ANY, BI(acpi), NULL},
    {"bootloader",        ROW_STRING,  ROW_ANY, BI(bootloader), NULL},
    {"bootloader_args",   ROW_FN,      ROW_ANY, 0, parse_bootloader_args},
    {"timer_mode",        ROW_FN,      ROW_ANY, 0, parse_timer_mode},
    {"nestedhvm",         ROW_DEFBOOL, ROW_ANY, BI(nested_hvm), NULL},
    /* HVM firmware and platform */
    {"firmware_override", ROW_STRING,  ROW_HVM, HVM(firmware), NULL},
    {"bios_path_override", ROW_STRING, ROW_HVM, HVM(system_firmware), NULL},
    {"bios",              ROW_FN,      ROW_HVM, 0, parse_bios},
    {"pae",               ROW_DEFBOOL, ROW_HVM, HVM(pae), NULL},
    {"acpi_s3",           ROW_DEFBOOL, ROW_HVM, HVM(acpi_s3), NULL},
    {"acpi_s4",           ROW_DEFBOOL, ROW_HVM, HVM(acpi_s4), NULL},
    {"acpi_laptop_slate", ROW_DEFBOOL, ROW_HVM, HVM(acpi_laptop_slate), NULL},
    {"nx",                ROW_DEFBOOL, ROW_HVM, HVM(nx), NULL},
    {"hpet",              ROW_DEFBOOL, ROW_HVM, HVM(hpet), NULL},
    {"vpt_align",         ROW_DEFBOOL, ROW_HVM, HVM(vpt_align), NULL},
    {"apic",              ROW_DEFBOOL, ROW_HVM, BI(apic), NULL},
    {"viridian",          ROW_FN,      ROW_HVM, 0, parse_viridian},
    {"mmio_hole",         ROW_FN,      ROW_HVM, 0, parse_mmio_hole},
    {"altp2mhvm",         ROW_FN,      ROW_HVM, 0, parse_altp2mhvm},
    {"smbios_firmware",   ROW_STRING,  ROW_HVM, HVM(smbios_firmware), NULL},
    {"acpi_firmware",     ROW_STRING,  ROW_HVM, HVM(acpi_firmware), NULL},
    {"ms_vm_genid",       ROW_FN,      ROW_HVM, 0, parse_ms_vm_genid},
    {"rdm_mem_boundary",  ROW_MEMKB,   ROW_HVM, HVM(rdm_mem_boundary_memkb), NULL},
    {"mca_caps",          ROW_FN,      ROW_HVM, 0, parse_mca_caps},
    /* kernel= / firmware= / bootloader=: the rules are libxl's */
    {"firmware",          ROW_FN,      ROW_ANY, 0, parse_boot},
    {"altp2m",            ROW_FN,      ROW_ANY, 0, parse_altp2m},
    {"vmtrace_buf_kb",    ROW_FN,      ROW_ANY, 0, parse_vmtrace},
    /* resources and devices */
    {"ioports",           ROW_FN,      ROW_ANY, 0, parse_ioports},
    {"irqs",              ROW_FN,      ROW_ANY, 0, parse_irqs},
    {"iomem",             ROW_FN,      ROW_ANY, 0, parse_iomem},
    {"disk",              ROW_FN,      ROW_ANY, 0, parse_disks},
    {"p9",                ROW_FN,      ROW_ANY, 0, parse_p9s},
    {"vtpm",              ROW_FN,      ROW_ANY, 0, parse_vtpms},
    {"vdispl",            ROW_FN,      ROW_ANY, 0, parse_vdispls},
    {"pvcalls",           ROW_FN,      ROW_ANY, 0, parse_pvcalls},
    {"vsnd",              ROW_FN,      ROW_ANY, 0, parse_vsnds},
    {"channel",           ROW_FN,      ROW_ANY, 0, parse_channels},
    {"vif",               ROW_FN,      ROW_ANY, 0, parse_nics},
    {"vif2",              ROW_FN,      ROW_ANY, 0, parse_vif2},
    {"vfb",               ROW_FN,      ROW_ANY, 0, parse_vfbs},
    {"usbctrl",           ROW_FN,      ROW_ANY, 0, parse_usb},
    {"usbdev",            ROW_FN,      ROW_ANY, 0, parse_usb},
    {"cpuid",             ROW_FN,      ROW_ANY, 0, parse_cpuid},
    /* device model */
    {"device_model",      ROW_FN,      ROW_ANY, 0, parse_device_model},
    {"device_model_override", ROW_STRING, ROW_ANY, BI(device_model), NULL},
    {"device_model_version", ROW_FN,   ROW_ANY, 0, parse_device_model_version},
    {"device_model_stubdomain_override", ROW_DEFBOOL, ROW_ANY, BI(device_model_stubdomain), NULL},
    {"device_model_stubdomain_seclabel", ROW_STRING, ROW_ANY, BI(device_model_ssid_label), NULL},
    {"device_model_user", ROW_STRING,  ROW_ANY, BI(device_model_user), NULL},
    {"stubdomain_kernel", ROW_STRING,  ROW_ANY, BI(stubdomain_kernel), NULL},
    {"stubdomain_ramdisk", ROW_STRING, ROW_ANY, BI(stubdomain_ramdisk), NULL},
    {"stubdomain_memory", ROW_MEMKB,   ROW_ANY, BI(stubdomain_memkb), NULL},
    {"device_model_args", ROW_FN,      ROW_ANY, BI(extra), parse_device_model_args},
    {"device_model_args_pv", ROW_FN,   ROW_ANY, BI(extra_pv), parse_device_model_args},
    {"device_model_args_hvm", ROW_FN,  ROW_ANY, BI(extra_hvm), parse_device_model_args},
    /* display: vnc=/sdl= are a vfb for PV, the emulated display for HVM */
    {"vnc",               ROW_FN,      ROW_ANY, 0, parse_display},
    {"dm_restrict",       ROW_DEFBOOL, ROW_ANY, BI(dm_restrict), NULL},
    {"vga",               ROW_FN,      ROW_HVM, 0, parse_vga},
    {"hdtype",            ROW_FN,      ROW_HVM, 0, parse_hdtype},
    {"keymap",            ROW_STRING,  ROW_HVM, HVM(keymap), NULL},
    {"spice",             ROW_DEFBOOL, ROW_HVM, HVM(spice.enable), NULL},
    {"spiceport",         ROW_INT,     ROW_HVM, HVM(spice.port), NULL},
    {"spicetls_port",     ROW_INT,     ROW_HVM, HVM(spice.tls_port), NULL},
    {"spicehost",         ROW_STRING,  ROW_HVM, HVM(spice.host), NULL},
    {"spicedisable_ticketing", ROW_DEFBOOL, ROW_HVM, HVM(spice.disable_ticketing), NULL},
    {"spicepasswd",       ROW_STRING,  ROW_HVM, HVM(spice.passwd), NULL},
    {"spiceagent_mouse",  ROW_DEFBOOL, ROW_HVM, HVM(spice.agent_mouse), NULL},
    {"spicevdagent",      ROW_DEFBOOL, ROW_HVM, HVM(spice.vdagent), NULL},
    {"spice_clipboard_sharing", ROW_DEFBOOL, ROW_HVM, HVM(spice.clipboard_sharing), NULL},
    {"spiceusbredirection", ROW_INT,   ROW_HVM, HVM(spice.usbredirection), NULL},
    {"spice_image_compression", ROW_STRING, ROW_HVM, HVM(spice.image_compression), NULL},
    {"spice_streaming_video", ROW_STRING, ROW_HVM, HVM(spice.streaming_video), NULL},
    {"nographic",         ROW_DEFBOOL, ROW_HVM, HVM(nographic), NULL},
    {"gfx_passthru",      ROW_FN,      ROW_HVM, 0, parse_gfx_passthru},
    {"serial",            ROW_FN,      ROW_HVM, 0, parse_string_or_list},
    {"boot",              ROW_STRING,  ROW_HVM, HVM(boot), NULL},
    {"usb",               ROW_DEFBOOL, ROW_HVM, HVM(usb), NULL},
    {"usbversion",        ROW_INT,     ROW_HVM, HVM(usbversion), NULL},
    {"usbdevice",         ROW_FN,      ROW_HVM, 0, parse_string_or_list},
    {"vkb_device",        ROW_DEFBOOL, ROW_HVM, HVM(vkb_device), NULL},
    {"soundhw",           ROW_STRING,  ROW_HVM, HVM(soundhw), NULL},
    {"xen_platform_pci",  ROW_DEFBOOL, ROW_HVM, HVM(xen_platform_pci), NULL},
    {NULL,                ROW_FN,      ROW_HVM, 0, parse_vnc_display_check},
    {"vendor_device",     ROW_FN,      ROW_HVM, 0, parse_vendor_device},
    {"gic_version",       ROW_FN,      ROW_ANY, 0, parse_arm_enums},
    {"tee",               ROW_FN,      ROW_ANY, 0, parse_arm_enums},
    {"vkb",               ROW_FN,      ROW_ANY, 0, parse_vkbs},
    {"xend_suspend_evtchn_compat", ROW_DEFBOOL, ROW_ANY, DC(c_info.xend_suspend_evtchn_compat), NULL},
    {"msr_relaxed",       ROW_FN,      ROW_ANY, 0, parse_msr_relaxed},
};
/* clang-format on */

int host_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n > 0 ? (int)n : 1;
}

void *xl_array_extend(void *array, int *count, size_t elem_size)
{
    char *a = realloc(array, elem_size * (size_t)(*count + 1));
    if (!a) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    (*count)++;
    return a;
}

void xl_replace_string(char **slot, const char *value)
{
    char *copy = strdup(value);
    if (!copy) {
        perror("xl");
        exit(EXIT_FAILURE);
    }
    free(*slot);
    *slot = copy;
}

int xl_parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (end == s || v == ULONG_MAX) {
        fprintf(stderr, "xl: failed to convert \"%s\" to number\n", s);
        return 1;
    }
    *out = v;
    return 0;
}

static int apply_row(struct parse_state *ps, const struct parse_row *row)
{
    XLU_Config *config = ps->config;
    long l;

    if (row->types && !(row->types & (1u << ps->d_config->c_info.type)))
        return 0;
    switch (row->kind) {
    case ROW_STRING:
        xlu_cfg_replace_string(config, row->key, ROW_FIELD(ps, row, char *), 0);
        return 0;
    case ROW_DEFBOOL:
        xlu_cfg_get_defbool(config, row->key, ROW_FIELD(ps, row, libxl_defbool), 0);
        return 0;
    case ROW_INT:
        if (!xlu_cfg_get_long(config, row->key, &l, 0))
            *ROW_FIELD(ps, row, int) = (int)l;
        return 0;
    case ROW_U32:
        if (!xlu_cfg_get_long(config, row->key, &l, 0))
            *ROW_FIELD(ps, row, uint32_t) = (uint32_t)l;
        return 0;
    case ROW_MEMKB:
        if (!xlu_cfg_get_long(config, row->key, &l, 0))
            *ROW_FIELD(ps, row, uint64_t) = (uint64_t)l * 1024;
        return 0;
    case ROW_FN:
        return row->fn(ps, row);
    }
    return 0;
}

int parse_config_data(const char *config_source, const char *config_data, int config_len,
                      libxl_domain_config *d_config)
{
    struct parse_state ps = {.d_config = d_config};
    int rc = 0;

    ps.config = xlu_cfg_init(stderr, config_source);
    if (!ps.config) {
        fprintf(stderr, "Failed to allocate for configuration\n");
        return 1;
    }
    int e = xlu_cfg_readdata(ps.config, config_data, config_len);
    if (e) {
        fprintf(stderr, "Failed to parse config: %s\n", strerror(e));
        rc = 1;
        goto out;
    }
    for (size_t i = 0; i < sizeof(parse_table) / sizeof(parse_table[0]); i++) {
        rc = apply_row(&ps, &parse_table[i]);
        if (rc)
            goto out;
    }
out:
    xlu_cfg_destroy(ps.config);
    return rc;
}
