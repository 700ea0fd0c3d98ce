/*
 * xlu_vif.c: the vif `rate=' parameter: `N[GMK]{B,b}/s[@INTERVAL[mu]s]'
 * into bytes per interval and the interval in microseconds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xlu_internal.h"

static void vif_err(XLU_Config *cfg, const char *msg, const char *rate)
{
    if (cfg->report)
        fprintf(cfg->report, "%s: config parsing error in vif: %s in `%s'\n", cfg->source, msg,
                rate);
}

static const char *skip_digits(const char *s)
{
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        p++;
    return p == s ? NULL : p;
}

/* ^[0-9]+[GMK]?[Bb]/s$ */
static bool rate_well_formed(const char *s)
{
    const char *p = skip_digits(s);
    if (!p)
        return false;
    if (*p == 'G' || *p == 'M' || *p == 'K')
        p++;
    if (*p != 'B' && *p != 'b')
        return false;
    return !strcmp(p + 1, "/s");
}

/* ^[0-9]+[mu]?s?$ */
static bool interval_well_formed(const char *s)
{
    const char *p = skip_digits(s);
    if (!p)
        return false;
    if (*p == 'm' || *p == 'u')
        p++;
    if (*p == 's')
        p++;
    return *p == 0;
}

static int parse_bytes_per_sec(XLU_Config *cfg, const char *bytes, uint64_t *out)
{
    if (!rate_well_formed(bytes)) {
        vif_err(cfg, "invalid rate", bytes);
        return EINVAL;
    }
    char *p;
    errno = 0;
    uint64_t v = strtoull(bytes, &p, 0);
    if (v == 0 || v > UINT32_MAX || errno == ERANGE) {
        vif_err(cfg, "rate overflow", bytes);
        return EOVERFLOW;
    }
    static const struct {
        char suffix;
        uint64_t factor;
    } scale[] = {{'G', 1000000000ull}, {'M', 1000000ull}, {'K', 1000ull}};
    for (size_t i = 0; i < sizeof(scale) / sizeof(scale[0]); i++)
        if (*p == scale[i].suffix)
            v *= scale[i].factor;
    if (*p == 'b' || p[1] == 'b')
        v /= 8;
    *out = v;
    return 0;
}

static int parse_interval_usecs(XLU_Config *cfg, const char *interval, uint32_t *out)
{
    if (!interval_well_formed(interval)) {
        vif_err(cfg, "invalid replenishment interval", interval);
        return EINVAL;
    }
    char *p;
    errno = 0;
    uint64_t v = strtoull(interval, &p, 0);
    if (v == 0 || v > UINT32_MAX || errno == ERANGE) {
        vif_err(cfg, "replenishment interval overflow", interval);
        return EOVERFLOW;
    }
    if (*p == 's' || *p == 0)
        v *= 1000000;
    else if (*p == 'm')
        v *= 1000;
    if (v > UINT32_MAX) {
        vif_err(cfg, "replenishment interval overflow", interval);
        return EOVERFLOW;
    }
    *out = (uint32_t)v;
    return 0;
}

int xlu_vif_parse_rate(XLU_Config *cfg, const char *rate, libxl_device_nic *nic)
{
    uint64_t bytes_per_sec = 0;
    uint32_t interval_usecs = 50000; /* 50ms unless given */
    int rc;
    char *copy = strdup(rate);

    if (!copy)
        return ENOMEM;
    char *at = strchr(copy, '@');
    if (at)
        *at++ = 0;
    if (!*copy) {
        vif_err(cfg, "no rate specified", rate);
        rc = EINVAL;
        goto out;
    }
    rc = parse_bytes_per_sec(cfg, copy, &bytes_per_sec);
    if (rc)
        goto out;
    if (at) {
        rc = parse_interval_usecs(cfg, at, &interval_usecs);
        if (rc)
            goto out;
    }
    if (interval_usecs && bytes_per_sec > UINT64_MAX / interval_usecs) {
        vif_err(cfg, "rate overflow", rate);
        rc = EOVERFLOW;
        goto out;
    }
    nic->rate_interval_usecs = interval_usecs;
    nic->rate_bytes_per_interval = bytes_per_sec * interval_usecs / 1000000;
out:
    free(copy);
    return rc;
}
