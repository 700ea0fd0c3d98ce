/*
 * xlu_pci.c: PCI passthrough specifications: `[DDDD:]BB:DD.F[@VSLOT]' and
 * `key=value' options (bdf, vslot, permissive, msitranslate, seize,
 * power_mgmt, rdm_policy, name), and the `rdm=' reservation setting.
 * Errors are libxl ERROR_* values.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xlu_internal.h"

#ifndef LIBXL_PCI_FUNC_ALL
#define LIBXL_PCI_FUNC_ALL (~0U) /* vfunc_mask for `BB:DD.*' */
#endif

static void pci_err(XLU_Config *cfg, const char *what, const char *s)
{
    if (cfg && cfg->report)
        fprintf(cfg->report, "%s: %s", what, s);
}

/* Hex digits at *p (at least one); false if none. */
static bool hex_number(const char **p, unsigned int *out)
{
    const char *s = *p;
    unsigned long v = 0;
    if (!isxdigit((unsigned char)*s))
        return false;
    while (isxdigit((unsigned char)*s)) {
        int d = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
        if (v <= 0xffffffffUL)
            v = v * 16 + (unsigned long)d;
        s++;
    }
    *out = v > 0xffffffffUL ? 0xffffffffu : (unsigned int)v;
    *p = s;
    return true;
}

static int parse_bdf(libxl_device_pci *pci, const char *str, const char **endp)
{
    const char *p = str;
    unsigned int colons = 0, domain = 0, bus, dev, func;

    for (const char *q = str; isxdigit((unsigned char)*q) || *q == ':'; q++)
        colons += *q == ':';
    if (colons != 1 && colons != 2)
        return ERROR_INVAL;
    if (colons == 2 && (!hex_number(&p, &domain) || *p++ != ':'))
        return ERROR_INVAL;
    if (!hex_number(&p, &bus) || *p++ != ':' || !hex_number(&p, &dev) || *p++ != '.')
        return ERROR_INVAL;
    if (domain > 0xffff || bus > 0xff || dev > 0x1f)
        return ERROR_INVAL;
    if (*p == '*') {
        pci->vfunc_mask = LIBXL_PCI_FUNC_ALL;
        func = 0;
        p++;
    } else {
        if (!hex_number(&p, &func) || func > 7)
            return ERROR_INVAL;
        pci->vfunc_mask = 1;
    }
    pci->domain = (int)domain;
    pci->bus = (uint8_t)bus;
    pci->dev = (uint8_t)dev;
    pci->func = (uint8_t)func;
    if (endp)
        *endp = p;
    return 0;
}

static int parse_vslot(uint32_t *vdevfn, const char *str, const char **endp)
{
    unsigned int v;
    const char *p = str;
    if (!hex_number(&p, &v) || v > 0x1f)
        return ERROR_INVAL;
    *vdevfn = v << 3;
    if (endp)
        *endp = p;
    return 0;
}

int xlu_pci_parse_bdf(XLU_Config *cfg, libxl_device_pci *pci, const char *str)
{
    (void)cfg;
    return parse_bdf(pci, str, NULL);
}

static int set_bool_option(libxl_device_pci *pci, const char *key, const char *val)
{
    static const struct {
        const char *key;
        size_t offset;
    } options[] = {
        {"permissive", offsetof(libxl_device_pci, permissive)},
        {"msitranslate", offsetof(libxl_device_pci, msitranslate)},
        {"seize", offsetof(libxl_device_pci, seize)},
        {"power_mgmt", offsetof(libxl_device_pci, power_mgmt)},
    };
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
        if (!strcmp(key, options[i].key)) {
            *(bool *)((char *)pci + options[i].offset) = atoi(val) != 0;
            return 0;
        }
    return 1;
}

int xlu_pci_parse_spec_string(XLU_Config *cfg, libxl_device_pci *pci, const char *str)
{
    const char *p = str;
    bool bdf_present = false, name_present = false;
    int ret;

    if (!parse_bdf(pci, p, &p)) {
        bdf_present = true;
        if (*p == '@') {
            ret = parse_vslot(&pci->vdevfn, p + 1, &p);
            if (ret)
                return ret;
        }
        if (*p == ',')
            p++;
        else if (*p)
            return ERROR_INVAL;
    }
    while (*p) {
        const char *eq = strchr(p, '=');
        if (!eq)
            return ERROR_INVAL;
        const char *end = strchr(eq + 1, ',');
        if (!end)
            end = eq + strlen(eq);
        char *key = strndup(p, (size_t)(eq - p));
        char *val = strndup(eq + 1, (size_t)(end - eq - 1));
        p = *end ? end + 1 : end;
        if (!key || !val) {
            free(key);
            free(val);
            return ERROR_NOMEM;
        }
        ret = 0;
        if (!strcmp(key, "bdf")) {
            ret = parse_bdf(pci, val, NULL);
            if (!ret)
                bdf_present = true;
        } else if (!strcmp(key, "vslot")) {
            ret = parse_vslot(&pci->vdevfn, val, NULL);
        } else if (!set_bool_option(pci, key, val)) {
            /* done */
        } else if (!strcmp(key, "rdm_policy")) {
            /* the enum parser's own error (ERROR_FAIL), as libxlutil */
            ret = libxl_rdm_reserve_policy_from_string(val, &pci->rdm_policy);
            if (ret)
                pci_err(cfg, "Unknown RDM policy", val);
        } else if (!strcmp(key, "name")) {
            name_present = true;
            free(pci->name);
            pci->name = strdup(val);
            if (!pci->name)
                ret = ERROR_NOMEM;
        } else {
            pci_err(cfg, "Unknown PCI_SPEC_STRING option", key);
            ret = ERROR_INVAL;
        }
        free(key);
        free(val);
        if (ret)
            return ret;
    }
    if (!(bdf_present ^ name_present))
        return ERROR_INVAL;
    return 0;
}

int xlu_rdm_parse(XLU_Config *cfg, libxl_rdm_reserve *rdm, const char *str)
{
    /* As libxlutil's scanner: a key runs to the next '=' (commas and all),
     * its value to the next ',' or the end; the string must end after a
     * value.  A key or value it does not know is reported. */
    char *copy = strdup(str);
    int ret = ERROR_INVAL;

    if (!copy)
        return ERROR_NOMEM;
    for (char *tok = copy;;) {
        char *eq = strchr(tok, '=');
        if (!eq)
            break; /* ended without a value: invalid, silently */
        *eq++ = 0;
        char *comma = strchr(eq, ',');
        if (comma)
            *comma = 0;
        if (!strcmp(tok, "strategy")) {
            if (strcmp(eq, "host")) {
                pci_err(cfg, "Unknown RDM strategy option", eq);
                break;
            }
            rdm->strategy = LIBXL_RDM_RESERVE_STRATEGY_HOST;
        } else if (!strcmp(tok, "policy")) {
            /* xl 4.17 inverts this test: a policy it knows makes the whole
             * setting invalid (so it is ignored), an unknown one is
             * reported and then accepted.  Kept, for the same outcome. */
            if (!libxl_rdm_reserve_policy_from_string(eq, &rdm->policy))
                break;
            pci_err(cfg, "Unknown RDM policy", eq);
        } else {
            pci_err(cfg, "Unknown RDM state option", tok);
            break;
        }
        if (!comma) {
            ret = 0;
            break;
        }
        tok = comma + 1;
    }
    free(copy);
    return ret;
}
