/*
 * xl_parse_vsnd.c: vsnd= (virtual sound cards).  Each card is a list of
 * items; an item is "card|pcm|stream" followed by comma-separated
 * key=value parameters, and applies to the card, its last pcm, or that
 * pcm's last stream:
 *   vsnd = [ [ 'card, short-name=C, long-name=L, sample-rates=8000;44100',
 *              'pcm, name=P', 'stream, unique-id=S, type=p' ] ]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xl.h"
#include "xl_parse.h"

static void *grow(void *array, int *count, size_t size)
{
    char *a = xl_array_extend(array, count, size);
    memset(a + size * (size_t)(*count - 1), 0, size);
    return a;
}

/* The parameters common to card, pcm and stream: 0, 1 (not one of them),
 * -1 (bad value, reported). */
static int vsnd_param(libxl_vsnd_params *params, const char *key, const char *value)
{
    static const struct {
        const char *key;
        size_t off;
    } numbers[] = {
        {"channels-min", offsetof(libxl_vsnd_params, channels_min)},
        {"channels-max", offsetof(libxl_vsnd_params, channels_max)},
        {"buffer-size", offsetof(libxl_vsnd_params, buffer_size)},
    };
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        if (!strcmp(key, numbers[i].key)) {
            *(uint32_t *)((char *)params + numbers[i].off) = (uint32_t)strtoul(value, NULL, 0);
            return 0;
        }
    int rates = !strcmp(key, "sample-rates");
    if (!rates && strcmp(key, "sample-formats"))
        return 1;
    char *copy = strdup(value), *save = NULL;
    if (!copy)
        return -1;
    for (char *w = strtok_r(copy, ";", &save); w; w = strtok_r(NULL, ";", &save)) {
        if (rates) {
            params->sample_rates =
                grow(params->sample_rates, &params->num_sample_rates, sizeof(uint32_t));
            params->sample_rates[params->num_sample_rates - 1] = (uint32_t)strtoul(w, NULL, 0);
        } else {
            libxl_vsnd_pcm_format f;
            if (libxl_vsnd_pcm_format_from_string(w, &f)) {
                fprintf(stderr, "Invalid pcm format: %s\n", w);
                free(copy);
                return -2; /* real xl exits here */
            }
            params->sample_formats =
                grow(params->sample_formats, &params->num_sample_formats, sizeof(f));
            params->sample_formats[params->num_sample_formats - 1] = f;
        }
    }
    free(copy);
    return 0;
}

/* One "key=value" of an item of kind `kind'. */
static int vsnd_item_param(libxl_device_vsnd *vsnd, const char *kind, char *param)
{
    char *eq = strchr(param, '=');
    const char *key = param, *value = eq ? eq + 1 : "";
    if (eq)
        *eq = 0;
    int rc;

    if (!strcasecmp(kind, "card")) {
        rc = eq ? vsnd_param(&vsnd->params, key, value) : 1;
        if (rc == 1) {
            if (eq && !strcmp(key, "backend"))
                xl_replace_string(&vsnd->backend_domname, value), rc = 0;
            else if (eq && !strcmp(key, "short-name"))
                xl_replace_string(&vsnd->short_name, value), rc = 0;
            else if (eq && !strcmp(key, "long-name"))
                xl_replace_string(&vsnd->long_name, value), rc = 0;
        }
    } else if (!strcasecmp(kind, "pcm")) {
        if (!vsnd->num_vsnd_pcms) {
            fprintf(stderr, "No pcm device\n");
            return -1;
        }
        libxl_vsnd_pcm *pcm = &vsnd->pcms[vsnd->num_vsnd_pcms - 1];
        rc = eq ? vsnd_param(&pcm->params, key, value) : 1;
        if (rc == 1 && eq && !strcmp(key, "name"))
            xl_replace_string(&pcm->name, value), rc = 0;
    } else {
        libxl_vsnd_pcm *pcm = &vsnd->pcms[vsnd->num_vsnd_pcms - 1];
        if (!pcm->num_vsnd_streams) {
            fprintf(stderr, "No vsnd stream\n");
            return -1;
        }
        libxl_vsnd_stream *st = &pcm->streams[pcm->num_vsnd_streams - 1];
        rc = eq ? vsnd_param(&st->params, key, value) : 1;
        if (rc == 1 && eq && !strcmp(key, "unique-id")) {
            xl_replace_string(&st->unique_id, value), rc = 0;
        } else if (rc == 1 && eq && !strcmp(key, "type")) {
            if (libxl_vsnd_stream_type_from_string(value, &st->type)) {
                fprintf(stderr, "Invalid stream type: %s\n", value);
                return -1;
            }
            rc = 0;
        }
    }
    if (eq)
        *eq = '=';
    if (rc == 1)
        fprintf(stderr, "Invalid parameter: %s\n", param);
    return rc ? -1 : 0;
}

/* A new pcm or stream for an item's kind word. */
static int vsnd_new_item(libxl_device_vsnd *vsnd, const char *kind)
{
    if (!strcasecmp(kind, "card"))
        return 0;
    if (!strcasecmp(kind, "pcm") || (!strcasecmp(kind, "stream") && !vsnd->num_vsnd_pcms)) {
        vsnd->pcms = grow(vsnd->pcms, &vsnd->num_vsnd_pcms, sizeof(*vsnd->pcms));
        libxl_vsnd_pcm_init(&vsnd->pcms[vsnd->num_vsnd_pcms - 1]);
    }
    if (!strcasecmp(kind, "stream")) {
        libxl_vsnd_pcm *pcm = &vsnd->pcms[vsnd->num_vsnd_pcms - 1];
        pcm->streams = grow(pcm->streams, &pcm->num_vsnd_streams, sizeof(*pcm->streams));
        libxl_vsnd_stream_init(&pcm->streams[pcm->num_vsnd_streams - 1]);
        return 0;
    }
    if (strcasecmp(kind, "pcm")) {
        fprintf(stderr, "Invalid key: %s\n", kind);
        return -1;
    }
    return 0;
}

static int vsnd_item(libxl_device_vsnd *vsnd, const char *spec)
{
    char *copy = strdup(spec), *save = NULL, *kind = NULL;
    int rc = 0;
    if (!copy)
        return -1;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (!kind) {
            kind = tok;
            rc = vsnd_new_item(vsnd, kind);
        } else {
            rc = vsnd_item_param(vsnd, kind, tok);
        }
    }
    free(copy);
    return rc;
}

PARSE_HANDLER(parse_vsnds)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *cards;
    XLU_ConfigValue *card;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vsnd", &cards, 0, 0))
        return 0;
    while ((card = xlu_cfg_get_listitem2(cards, d->num_vsnds)) != NULL) {
        XLU_ConfigList *items;
        int e = xlu_cfg_value_get_list(ps->config, card, &items, 0);
        if (e) {
            fprintf(stderr, "Failed to get vsnd card list: %s\n", strerror(e));
            return 1;
        }
        d->vsnds = grow(d->vsnds, &d->num_vsnds, sizeof(*d->vsnds));
        libxl_device_vsnd *vsnd = &d->vsnds[d->num_vsnds - 1];
        libxl_device_vsnd_init(vsnd);
        vsnd->devid = d->num_vsnds - 1;
        const char *item;
        for (int i = 0; (item = xlu_cfg_get_listitem(items, i)) != NULL; i++)
            if (vsnd_item(vsnd, item))
                return 1;
    }
    return 0;
}
