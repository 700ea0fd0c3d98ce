/*
 * xl_parse_domain.c: the xl.cfg keys about the domain as a whole that need
 * more than a table row: labels, type/builder, name, uuid, vcpus, grant
 * limits, shutdown actions, tsc/timer modes, the command line, the boot
 * method (through libxl's rules), the device model.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_boot_config.h"
#include "xl.h"
#include "xl_parse.h"

/* s is a prefix of word: real xl compares type names this way, so "h"
 * and "" mean hvm. */
static int prefix_of(const char *s, const char *word)
{
    return !strncmp(s, word, strlen(s));
}

PARSE_HANDLER(parse_seclabel)
{
    libxl_domain_config *d = ps->d_config;
    const char *buf;
    (void)row;

    if (!xlu_cfg_get_string(ps->config, "init_seclabel", &buf, 0))
        xlu_cfg_replace_string(ps->config, "init_seclabel", &d->c_info.ssid_label, 0);
    if (!xlu_cfg_get_string(ps->config, "seclabel", &buf, 0)) {
        if (d->c_info.ssid_label)
            xlu_cfg_replace_string(ps->config, "seclabel", &d->b_info.exec_ssid_label, 0);
        else
            xlu_cfg_replace_string(ps->config, "seclabel", &d->c_info.ssid_label, 0);
    }
    /* xl.conf's run_hotplug_scripts (default 1) */
    libxl_defbool_set(&d->c_info.run_hotplug_scripts, true);
    return 0;
}

/* type= names the domain type; builder= is its deprecated older form
 * ("hvm" or "generic", meaning PV).  Both given must agree. */
PARSE_HANDLER(parse_type)
{
    static const struct {
        const char *name;
        libxl_domain_type type;
    } types[] = {{"hvm", LIBXL_DOMAIN_TYPE_HVM},
                 {"pv", LIBXL_DOMAIN_TYPE_PV},
                 {"pvh", LIBXL_DOMAIN_TYPE_PVH}},
      builders[] = {{"hvm", LIBXL_DOMAIN_TYPE_HVM}, {"generic", LIBXL_DOMAIN_TYPE_PV}};
    libxl_domain_create_info *c = &ps->d_config->c_info;
    const char *buf;
    size_t i;
    (void)row;

    if (!xlu_cfg_get_string(ps->config, "type", &buf, 0)) {
        for (i = 0; i < sizeof(types) / sizeof(types[0]) && !prefix_of(buf, types[i].name); i++)
            ;
        if (i == sizeof(types) / sizeof(types[0])) {
            fprintf(stderr, "Invalid domain type %s.\n", buf);
            return 1;
        }
        c->type = types[i].type;
    }
    if (!xlu_cfg_get_string(ps->config, "builder", &buf, 0)) {
        for (i = 0; i < sizeof(builders) / sizeof(builders[0]) && !prefix_of(buf, builders[i].name);
             i++)
            ;
        if (i == sizeof(builders) / sizeof(builders[0])) {
            fprintf(stderr, "Invalid domain type %s.\n", buf);
            return 1;
        }
        if (c->type != LIBXL_DOMAIN_TYPE_INVALID && c->type != builders[i].type) {
            fprintf(stderr, "Contradicting \"builder\" and \"type\" options specified.\n");
            return 1;
        }
        c->type = builders[i].type;
    }
    if (c->type == LIBXL_DOMAIN_TYPE_INVALID)
        c->type = LIBXL_DOMAIN_TYPE_PV;
    return 0;
}

PARSE_HANDLER(parse_name)
{
    (void)row;
    if (xlu_cfg_replace_string(ps->config, "name", &ps->d_config->c_info.name, 0)) {
        fprintf(stderr, "Domain name must be specified.\n");
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_uuid)
{
    const char *buf;
    (void)row;

    if (!xlu_cfg_get_string(ps->config, "uuid", &buf, 0)) {
        if (libxl_uuid_from_string(&ps->d_config->c_info.uuid, buf)) {
            fprintf(stderr, "Failed to parse UUID: %s\n", buf);
            return 1;
        }
    } else {
        libxl_uuid_generate(&ps->d_config->c_info.uuid);
    }
    return 0;
}

PARSE_HANDLER(parse_init_type)
{
    (void)row;
    libxl_domain_build_info_init_type(&ps->d_config->b_info, ps->d_config->c_info.type);
    return 0;
}

PARSE_HANDLER(parse_vcpus)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    long l;
    (void)row;

    if (xlu_cfg_get_long(ps->config, "vcpus", &l, 0))
        return 0;
    ps->vcpus = l;
    libxl_bitmap_dispose(&b->avail_vcpus);
    if (libxl_bitmap_alloc(NULL, &b->avail_vcpus, l > 0 ? (int)l : 0)) {
        fprintf(stderr, "Unable to allocate cpumap\n");
        return 1;
    }
    libxl_bitmap_set_none(&b->avail_vcpus);
    while (l-- > 0)
        libxl_bitmap_set(&b->avail_vcpus, (int)l);
    return 0;
}

PARSE_HANDLER(parse_vuart)
{
    const char *buf;
    (void)row;
    if (!xlu_cfg_get_string(ps->config, "vuart", &buf, 0) &&
        libxl_vuart_type_from_string(buf, &ps->d_config->b_info.arch_arm.vuart)) {
        fprintf(stderr, "ERROR: invalid value \"%s\" for \"vuart\"\n", buf);
        return 1;
    }
    return 0;
}

/* maxmem defaults to memory, maxvcpus to vcpus. */
PARSE_HANDLER(parse_vcpu_defaults)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    (void)row;

    if (b->max_memkb == LIBXL_MEMKB_DEFAULT)
        b->max_memkb = b->target_memkb;
    if (b->max_vcpus == 0)
        b->max_vcpus = (int)ps->vcpus;
    if (b->max_vcpus < ps->vcpus) {
        fprintf(stderr, "xl: maxvcpus < vcpus\n");
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_grant_frames)
{
    long l;
    int is_int = !strcmp(row->key, "max_grant_version");
    int e = xlu_cfg_get_bounded_long(ps->config, row->key, 0, INT_MAX, &l, 1);
    if (e == ESRCH) /* not given: xl.conf's default, "libxl decides" */
        return 0;
    if (e)
        return 1;
    if (is_int) /* max_grant_version is an int */
        *ROW_FIELD(ps, row, int) = (int)l;
    else
        *ROW_FIELD(ps, row, uint32_t) = (uint32_t)l;
    return 0;
}

/* xl.conf's claim_mode (default on). */
PARSE_HANDLER(parse_claim_mode)
{
    libxl_defbool_set(ROW_FIELD(ps, row, libxl_defbool), true);
    return 0;
}

static const struct {
    const char *key, *dflt;
} action_defaults[] = {
    {"on_poweroff", "destroy"}, {"on_reboot", "restart"},        {"on_watchdog", "destroy"},
    {"on_crash", "destroy"},    {"on_soft_reset", "soft-reset"},
};

static const char *const action_names[] = {
    [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft-reset",
};

PARSE_HANDLER(parse_action)
{
    const char *buf = NULL;

    if (xlu_cfg_get_string(ps->config, row->key, &buf, 0))
        for (size_t i = 0; i < sizeof(action_defaults) / sizeof(action_defaults[0]); i++)
            if (!strcmp(action_defaults[i].key, row->key))
                buf = action_defaults[i].dflt;
    for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
        if (action_names[i] && !strcmp(buf, action_names[i])) {
            *ROW_FIELD(ps, row, libxl_action_on_shutdown) = (libxl_action_on_shutdown)i;
            return 0;
        }
    fprintf(stderr, "Unknown %s action \"%s\" specified\n", row->key, buf);
    return 1;
}

PARSE_HANDLER(parse_pci_global)
{
    static const struct {
        const char *key;
        size_t off;
    } globals[] = {
        {"pci_msitranslate", offsetof(struct parse_state, pci_msitranslate)},
        {"pci_power_mgmt", offsetof(struct parse_state, pci_power_mgmt)},
        {"pci_permissive", offsetof(struct parse_state, pci_permissive)},
        {"pci_seize", offsetof(struct parse_state, pci_seize)},
    };
    long l;

    if (xlu_cfg_get_long(ps->config, row->key, &l, 0))
        return 0;
    for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
        if (!strcmp(globals[i].key, row->key))
            *(int *)((char *)ps + globals[i].off) = (int)l;
    return 0;
}

PARSE_HANDLER(parse_passthrough)
{
    const char *buf;
    (void)row;
    if (!xlu_cfg_get_string(ps->config, "passthrough", &buf, 0) &&
        libxl_passthrough_from_string(buf, &ps->d_config->c_info.passthrough)) {
        fprintf(stderr, "ERROR: unknown passthrough option '%s'\n", buf);
        return 1;
    }
    return 0;
}

/* tsc_mode and timer_mode: a name, or (deprecated) a number. */
static int parse_mode(struct parse_state *ps, const char *key, int *field, int lo, int hi,
                      const char *(*to_string)(int), int (*from_string)(const char *, int *),
                      int pv_refused)
{
    const char *buf;
    long l;

    if (!xlu_cfg_get_long(ps->config, key, &l, 1)) {
        const char *s = to_string((int)l);
        if (pv_refused && ps->d_config->b_info.type == LIBXL_DOMAIN_TYPE_PV) {
            fprintf(stderr, "ERROR: \"%s\" option is not supported for PV guests.\n", key);
            return 3;
        }
        fprintf(stderr,
                "WARNING: specifying \"%s\" as an integer is deprecated. "
                "Please use the named parameter variant. %s%s%s%s%s\n",
                key, s ? "e.g. " : "", s ? key : "", s ? "=\"" : "", s ? s : "", s ? "\"" : "");
        if (l < lo || l > hi) {
            fprintf(stderr, "ERROR: invalid value %ld for \"%s\"\n", l, key);
            return 1;
        }
        *field = (int)l;
    } else if (!xlu_cfg_get_string(ps->config, key, &buf, 0)) {
        if (pv_refused && ps->d_config->b_info.type == LIBXL_DOMAIN_TYPE_PV) {
            fprintf(stderr, "ERROR: \"%s\" option is not supported for PV guests.\n", key);
            return 3;
        }
        if (!pv_refused)
            fprintf(stderr, "got a tsc mode string: \"%s\"\n", buf);
        if (from_string(buf, field)) {
            fprintf(stderr, "ERROR: invalid value \"%s\" for \"%s\"\n", buf, key);
            return 1;
        }
    }
    return 0;
}

static const char *tsc_to_string(int v)
{
    return libxl_tsc_mode_to_string((libxl_tsc_mode)v);
}
static int tsc_from_string(const char *s, int *v)
{
    libxl_tsc_mode m;
    int rc = libxl_tsc_mode_from_string(s, &m);
    if (!rc)
        *v = (int)m;
    return rc;
}
static const char *timer_to_string(int v)
{
    return libxl_timer_mode_to_string((libxl_timer_mode)v);
}
static int timer_from_string(const char *s, int *v)
{
    libxl_timer_mode m;
    int rc = libxl_timer_mode_from_string(s, &m);
    if (!rc)
        *v = (int)m;
    return rc;
}

PARSE_HANDLER(parse_tsc_mode)
{
    int mode = (int)ps->d_config->b_info.tsc_mode;
    (void)row;
    int rc = parse_mode(ps, "tsc_mode", &mode, LIBXL_TSC_MODE_DEFAULT,
                        LIBXL_TSC_MODE_NATIVE_PARAVIRT, tsc_to_string, tsc_from_string, 0);
    ps->d_config->b_info.tsc_mode = (libxl_tsc_mode)mode;
    return rc;
}

PARSE_HANDLER(parse_timer_mode)
{
    int mode = (int)ps->d_config->b_info.timer_mode;
    (void)row;
    int rc =
        parse_mode(ps, "timer_mode", &mode, LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS,
                   LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING, timer_to_string, timer_from_string, 1);
    ps->d_config->b_info.timer_mode = (libxl_timer_mode)mode;
    return rc;
}

PARSE_HANDLER(parse_vncviewer)
{
    long l;
    (void)row;
    if (!xlu_cfg_get_long(ps->config, "vncviewer", &l, 0))
        fprintf(stderr, "WARNING: ignoring \"vncviewer\" option. "
                        "Use \"-V\" option of \"xl create\" to automatically spawn vncviewer.\n");
    return 0;
}

/* cmdline=, or root= and extra= put together. */
PARSE_HANDLER(parse_cmdline)
{
    const char *cmdline = NULL, *root = NULL, *extra = NULL;
    char **out = &ps->d_config->b_info.cmdline;
    (void)row;

    xlu_cfg_get_string(ps->config, "cmdline", &cmdline, 0);
    xlu_cfg_get_string(ps->config, "root", &root, 0);
    xlu_cfg_get_string(ps->config, "extra", &extra, 0);
    if (cmdline) {
        xl_replace_string(out, cmdline);
        if (root || extra)
            fprintf(stderr, "Warning: ignoring root= and extra= in favour of cmdline=\n");
    } else if (root) {
        size_t n = strlen(root) + (extra ? strlen(extra) : 0) + sizeof("root= ");
        char *s = malloc(n);
        if (!s) {
            fprintf(stderr, "Failed to allocate memory for cmdline\n");
            return 1;
        }
        snprintf(s, n, extra ? "root=%s %s" : "root=%s", root, extra);
        free(*out);
        *out = s;
    } else if (extra) {
        xl_replace_string(out, extra);
    }
    return 0;
}

/* Split on blanks (strtok semantics: empty words dropped). */
static int split_words(const char *s, libxl_string_list *out)
{
    char *copy = strdup(s), *save = NULL;
    int n = 0;
    char **words = calloc(strlen(s) / 2 + 2, sizeof(*words));
    if (!copy || !words) {
        free(copy);
        free(words);
        return ENOMEM;
    }
    for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
        words[n++] = strdup(w);
    free(copy);
    libxl_string_list_dispose(out);
    *out = words;
    return 0;
}

PARSE_HANDLER(parse_bootloader_args)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    const char *buf;
    (void)row;

    switch (
        xlu_cfg_get_list_as_string_list(ps->config, "bootloader_args", &b->bootloader_args, 1)) {
    case 0:
    case ESRCH:
        return 0;
    case EINVAL:
        if (!xlu_cfg_get_string(ps->config, "bootloader_args", &buf, 0)) {
            fprintf(stderr, "WARNING: Specifying \"bootloader_args\" as a string is deprecated. "
                            "Please use a list of arguments.\n");
            if (split_words(buf, &b->bootloader_args))
                return 1;
        }
        return 0;
    default:
        fprintf(stderr, "xl: Unable to parse bootloader_args.\n");
        return 3;
    }
}

/* firmware=, kernel= and bootloader=: libxl decides what goes together. */
PARSE_HANDLER(parse_boot)
{
    const char *firmware = NULL;
    libxl_boot_report report;
    (void)row;

    xlu_cfg_get_string(ps->config, "firmware", &firmware, 0);
    int rc = libxl_domain_config_resolve_boot(ps->d_config, firmware, &report);
    if (report.warning)
        fprintf(stderr, "%s\n", report.warning);
    if (rc) {
        fprintf(stderr, "%s\n", report.error ? report.error : "Failed to set up the boot method");
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_altp2m)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    const char *buf;
    long l;
    (void)row;

    if (!xlu_cfg_get_long(ps->config, "altp2m", &l, 1)) {
        if (l < LIBXL_ALTP2M_MODE_DISABLED || l > LIBXL_ALTP2M_MODE_LIMITED) {
            fprintf(stderr, "ERROR: invalid value %ld for \"altp2m\"\n", l);
            return 1;
        }
        b->altp2m = (libxl_altp2m_mode)l;
    } else if (!xlu_cfg_get_string(ps->config, "altp2m", &buf, 0) &&
               libxl_altp2m_mode_from_string(buf, &b->altp2m)) {
        fprintf(stderr, "ERROR: invalid value \"%s\" for \"altp2m\"\n", buf);
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_vmtrace)
{
    long l;
    (void)row;
    if (!xlu_cfg_get_long(ps->config, "vmtrace_buf_kb", &l, 1) && l)
        ps->d_config->b_info.vmtrace_buf_kb = (int)l;
    return 0;
}

PARSE_HANDLER(parse_device_model)
{
    const char *buf;
    (void)row;

    if (xlu_cfg_get_string(ps->config, "device_model", &buf, 0))
        return 0;
    fprintf(stderr,
            "WARNING: ignoring device_model directive.\n"
            "WARNING: Use \"device_model_override\" instead if you really want a non-default "
            "device_model\n");
    if (strstr(buf, "stubdom-dm")) {
        if (ps->d_config->c_info.type == LIBXL_DOMAIN_TYPE_HVM)
            fprintf(stderr, "WARNING: Or use \"device_model_stubdomain_override\" if you  want to "
                            "enable stubdomains\n");
        else
            fprintf(
                stderr,
                "WARNING: ignoring \"device_model_stubdomain_override\" directive for pv guest\n");
    }
    return 0;
}

PARSE_HANDLER(parse_device_model_version)
{
    static const struct {
        const char *name;
        libxl_device_model_version v;
    } versions[] = {
        {"qemu-xen-traditional", LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL},
        {"qemu-xen", LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN},
    };
    libxl_domain_build_info *b = &ps->d_config->b_info;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_string(ps->config, "device_model_version", &buf, 0)) {
        if (b->device_model)
            fprintf(stderr, "WARNING: device model override given without specific DM version\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
        if (!strcmp(buf, versions[i].name)) {
            b->device_model_version = versions[i].v;
            return 0;
        }
    fprintf(stderr, "Unknown device_model_version \"%s\" specified\n", buf);
    return 1;
}

PARSE_HANDLER(parse_device_model_args)
{
    int e = xlu_cfg_get_list_as_string_list(ps->config, row->key,
                                            ROW_FIELD(ps, row, libxl_string_list), 0);
    if (e && e != ESRCH) {
        fprintf(stderr, "xl: Unable to parse %s.\n", row->key);
        return 3;
    }
    return 0;
}

PARSE_HANDLER(parse_arm_enums)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    const char *buf;
    int e;

    if (xlu_cfg_get_string(ps->config, row->key, &buf, 1))
        return 0;
    if (!strcmp(row->key, "gic_version"))
        e = libxl_gic_version_from_string(buf, &b->arch_arm.gic_version);
    else
        e = libxl_tee_type_from_string(buf, &b->tee);
    if (e) {
        fprintf(stderr, "Unknown %s \"%s\" specified\n",
                !strcmp(row->key, "tee") ? "tee" : "gic_version", buf);
        return 3;
    }
    return 0;
}

PARSE_HANDLER(parse_msr_relaxed)
{
    (void)row;
    if (!xlu_cfg_get_defbool(ps->config, "msr_relaxed", &ps->d_config->b_info.arch_x86.msr_relaxed,
                             0))
        fprintf(stderr, "WARNING: msr_relaxed will be removed in future versions.\n"
                        "If it fixes an issue you are having please report to "
                        "xen-devel@lists.xenproject.org.\n");
    return 0;
}
