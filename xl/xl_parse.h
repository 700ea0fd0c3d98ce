/*
 * xl_parse.h: mapping a parsed xl.cfg onto libxl_domain_config.  The
 * mapping is one ordered table of rows (xl_parse.c): simple keys are
 * rows (key, kind, field); keys with rules of their own name a handler
 * (xl_parse_domain.c, xl_parse_hvm.c, xl_parse_devices.c).  The order of
 * the rows is the order real xl 4.17 reads the keys, so messages come out
 * in the same order.
 */
#ifndef XL_PARSE_H
#define XL_PARSE_H

#include <stddef.h>

#include "libxl.h"
#include "libxlutil.h"

/*
 * Parse config_data (config_len bytes; messages name config_source) into
 * d_config, which the caller has initialised.  Returns 0, or the exit
 * status real xl exits with for that error (the message is printed).
 */
int parse_config_data(const char *config_source, const char *config_data, int config_len,
                      libxl_domain_config *d_config);

/*
 * What xl create does after parsing unless -i: each vcpu's hard affinity
 * is narrowed by xl.conf's global masks (all cpus here), and one left
 * empty is an error.  Returns 0, or 1 after printing the message.
 */
int apply_global_affinity_masks(libxl_domain_config *d_config);

/* ---- for the rows and their handlers ---- */

struct parse_state {
    XLU_Config *config;
    libxl_domain_config *d_config;
    long vcpus;
    int pci_msitranslate, pci_power_mgmt, pci_permissive, pci_seize;
};

enum row_kind {
    ROW_STRING,  /* replace a char * field */
    ROW_DEFBOOL, /* a number, true if not 0 */
    ROW_INT,     /* a number into an int */
    ROW_U32,     /* a number into a uint32_t */
    ROW_MEMKB,   /* a number of MiB into a uint64_t of KiB */
    ROW_FN,      /* the handler decides */
};

/* Which domain types a row applies to. */
#define ROW_PV  (1u << LIBXL_DOMAIN_TYPE_PV)
#define ROW_PVH (1u << LIBXL_DOMAIN_TYPE_PVH)
#define ROW_HVM (1u << LIBXL_DOMAIN_TYPE_HVM)
#define ROW_ANY 0u /* also before the type is known */

struct parse_row {
    const char *key;
    enum row_kind kind;
    unsigned types;
    size_t off; /* into libxl_domain_config */
    int (*fn)(struct parse_state *ps, const struct parse_row *row);
};

/* The field a row names. */
#define ROW_FIELD(ps, row, type) ((type *)((char *)(ps)->d_config + (row)->off))

/* Handlers: 0, or the exit status after printing the message. */
#define PARSE_HANDLER(name) int name(struct parse_state *ps, const struct parse_row *row)

/* xl_parse_domain.c */
PARSE_HANDLER(parse_seclabel);
PARSE_HANDLER(parse_type);
PARSE_HANDLER(parse_name);
PARSE_HANDLER(parse_uuid);
PARSE_HANDLER(parse_init_type);
PARSE_HANDLER(parse_vcpus);
PARSE_HANDLER(parse_vuart);
PARSE_HANDLER(parse_vcpu_defaults);
PARSE_HANDLER(parse_grant_frames);
PARSE_HANDLER(parse_claim_mode);
PARSE_HANDLER(parse_action);
PARSE_HANDLER(parse_pci_global);
PARSE_HANDLER(parse_passthrough);
PARSE_HANDLER(parse_tsc_mode);
PARSE_HANDLER(parse_vncviewer);
PARSE_HANDLER(parse_cmdline);
PARSE_HANDLER(parse_bootloader_args);
PARSE_HANDLER(parse_timer_mode);
PARSE_HANDLER(parse_boot);
PARSE_HANDLER(parse_altp2m);
PARSE_HANDLER(parse_vmtrace);
PARSE_HANDLER(parse_device_model);
PARSE_HANDLER(parse_device_model_version);
PARSE_HANDLER(parse_device_model_args);
PARSE_HANDLER(parse_arm_enums);
PARSE_HANDLER(parse_msr_relaxed);

/* xl_parse_hvm.c */
PARSE_HANDLER(parse_bios);
PARSE_HANDLER(parse_viridian);
PARSE_HANDLER(parse_mmio_hole);
PARSE_HANDLER(parse_altp2mhvm);
PARSE_HANDLER(parse_ms_vm_genid);
PARSE_HANDLER(parse_mca_caps);
PARSE_HANDLER(parse_display);
PARSE_HANDLER(parse_vga);
PARSE_HANDLER(parse_hdtype);
PARSE_HANDLER(parse_gfx_passthru);
PARSE_HANDLER(parse_string_or_list);
PARSE_HANDLER(parse_vnc_display_check);
PARSE_HANDLER(parse_vendor_device);
PARSE_HANDLER(parse_cpuid);

/* xl_parse_devices.c */
PARSE_HANDLER(parse_cpus);
PARSE_HANDLER(parse_rdm);
PARSE_HANDLER(parse_pci);
PARSE_HANDLER(parse_dtdev);
PARSE_HANDLER(parse_ioports);
PARSE_HANDLER(parse_irqs);
PARSE_HANDLER(parse_iomem);
PARSE_HANDLER(parse_disks);
PARSE_HANDLER(parse_vtpms);
PARSE_HANDLER(parse_channels);
PARSE_HANDLER(parse_nics);
PARSE_HANDLER(parse_vif2);
PARSE_HANDLER(parse_vfbs);
PARSE_HANDLER(parse_vkbs);

/* xl_parse_pvdev.c, xl_parse_vnuma.c */
PARSE_HANDLER(parse_p9s);
PARSE_HANDLER(parse_pvcalls);
PARSE_HANDLER(parse_vdispls);
PARSE_HANDLER(parse_usb);
PARSE_HANDLER(parse_vnuma);
PARSE_HANDLER(parse_vsnds);

/* Helpers (xl_parse.c). */
/* The host's cpus, as cpu bitmaps count them. */
int host_cpu_count(void);
void *xl_array_extend(void *array, int *count, size_t elem_size);
void xl_replace_string(char **slot, const char *value);
/* A decimal unsigned long, or 1 with xl's "failed to convert" message. */
int xl_parse_ulong(const char *s, unsigned long *out);

#endif /* XL_PARSE_H */
