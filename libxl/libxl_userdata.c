/*
 * libxl_userdata.c: the JSON configuration a domain was created with,
 * kept for libxl_retrieve_domain_configuration.  Real libxl keeps it in a
 * "userdata" file; here it lives in xenstore under /libxl/N/config (in
 * chunks: xenstore values are small), so it goes away with the domain's
 * other entries and no file can be left behind by a failed create.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_internal.h"

#define CHUNK 2048

/* Write json's chunks under /libxl/N/config, inside tx (0: none). */
int libxl__userdata_write_config(libxl_ctx *ctx, libxl__xs_tx tx, uint32_t domid, const char *json)
{
    char path[128], chunk[CHUNK + 1];
    size_t len = strlen(json), n = 0;
    int rc = 0;

    for (size_t off = 0; off < len && !rc; off += CHUNK, n++) {
        size_t k = len - off < CHUNK ? len - off : CHUNK;
        memcpy(chunk, json + off, k);
        chunk[k] = 0;
        snprintf(path, sizeof(path), "/libxl/%u/config/%zu", domid, n);
        rc = libxl__xs_write(ctx->xs, tx, path, chunk);
    }
    if (!rc) {
        snprintf(path, sizeof(path), "/libxl/%u/config/chunks", domid);
        rc = libxl__xs_printf(ctx->xs, tx, path, "%zu", n);
    }
    return rc;
}

int libxl__userdata_store_config(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg)
{
    char *json = libxl_domain_config_to_json(ctx, cfg);
    int rc;

    if (!json)
        return ERROR_NOMEM;
    rc = libxl__userdata_write_config(ctx, 0, domid, json);
    free(json);
    if (rc) {
        LOGE(ctx, ERROR, -rc, "domain %u: storing its configuration", domid);
        return ERROR_FAIL;
    }
    return 0;
}

void libxl__userdata_remove(libxl_ctx *ctx, uint32_t domid)
{
    char path[128];
    snprintf(path, sizeof(path), "/libxl/%u/config", domid);
    libxl__xs_rm(ctx->xs, 0, path);
}

static int load_config_json(libxl_ctx *ctx, uint32_t domid, char **out)
{
    char path[128], *val = NULL, *json = NULL;
    size_t len = 0;
    unsigned long n;
    int rc;

    snprintf(path, sizeof(path), "/libxl/%u/config/chunks", domid);
    rc = libxl__xs_read(ctx->xs, 0, path, &val);
    if (rc)
        return ERROR_JSON_CONFIG_EMPTY;
    n = strtoul(val, NULL, 10);
    free(val);
    json = calloc(1, n * CHUNK + 1);
    if (!json)
        return ERROR_NOMEM;
    for (unsigned long i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "/libxl/%u/config/%lu", domid, i);
        if (libxl__xs_read(ctx->xs, 0, path, &val)) {
            free(json);
            return ERROR_FAIL;
        }
        size_t k = strlen(val);
        if (k > CHUNK)
            k = CHUNK;
        memcpy(json + len, val, k);
        len += k;
        free(val);
    }
    *out = json;
    return 0;
}

static int retrieve_config(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *d_config)
{
    char *json = NULL, *name;
    uint64_t target;
    libxl_dominfo info;
    int rc;

    if ((rc = libxl__ctx_ensure(ctx)))
        return rc;
    libxl_dominfo_init(&info);
    rc = libxl_domain_info(ctx, &info, domid);
    libxl_dominfo_dispose(&info);
    if (rc)
        return rc;
    rc = load_config_json(ctx, domid, &json);
    if (rc) {
        LOG(ctx, ERROR, "domain %u: no stored configuration", domid);
        return rc;
    }
    rc = libxl_domain_config_from_json(ctx, d_config, json);
    free(json);
    if (rc)
        return rc;
    /* What may have changed since creation: the name and memory. */
    name = libxl_domid_to_name(ctx, domid);
    if (name) {
        free(d_config->c_info.name);
        d_config->c_info.name = name;
    }
    if (!libxl_get_memory_target(ctx, domid, &target))
        d_config->b_info.target_memkb = target;
    return 0;
}

int libxl_retrieve_domain_configuration(libxl_ctx *ctx, uint32_t domid,
                                        libxl_domain_config *d_config,
                                        const libxl_asyncop_how *ao_how)
{
    return libxl__ao_done(ctx, ao_how, domid, retrieve_config(ctx, domid, d_config));
}
