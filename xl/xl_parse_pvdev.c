/*
 * xl_parse_pvdev.c: xl.cfg's lists of the other paravirtual devices:
 * 9pfs shares (p9), pvcalls, virtual displays (vdispl), and USB
 * controllers and devices (usbctrl, usbdev).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_parse.h"

static void *extend(void *array, int *count, size_t size)
{
    char *a = xl_array_extend(array, count, size);
    memset(a + size * (size_t)(*count - 1), 0, size);
    return a;
}

/* Calls fn on each `key=value' of a comma-separated spec (leading spaces
 * skipped); a token without `=' ends the spec.  fn returns 0 or an exit
 * status. */
static int for_each_pair(const char *spec, int (*fn)(void *arg, const char *key, const char *value),
                         void *arg)
{
    char *copy = strdup(spec), *save = NULL;
    int rc = 0;
    if (!copy)
        return 1;
    for (char *p = strtok_r(copy, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save)) {
        while (*p == ' ')
            p++;
        char *eq = strchr(p, '=');
        if (!eq)
            break;
        *eq = 0;
        rc = fn(arg, p, eq + 1);
    }
    free(copy);
    return rc;
}

struct p9_fields {
    char *tag, *path, *security_model, *backend;
};

static int p9_pair(void *arg, const char *key, const char *value)
{
    struct p9_fields *f = arg;
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"security_model", offsetof(struct p9_fields, security_model)},
        {"path", offsetof(struct p9_fields, path)},
        {"tag", offsetof(struct p9_fields, tag)},
        {"backend", offsetof(struct p9_fields, backend)},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(key, keys[i].key)) {
            xl_replace_string((char **)((char *)f + keys[i].off), value);
            return 0;
        }
    fprintf(stderr, "Unknown string `%s' in 9pfs spec\n", key);
    return 1;
}

PARSE_HANDLER(parse_p9s)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "p9", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_p9s)) != NULL) {
        d->p9s = extend(d->p9s, &d->num_p9s, sizeof(*d->p9s));
        libxl_device_p9 *p9 = &d->p9s[d->num_p9s - 1];
        libxl_device_p9_init(p9); /* devid stays unset, as in xl 4.17 */
        struct p9_fields f = {0};
        int rc = for_each_pair(buf, p9_pair, &f);
        if (!rc && (!f.path || !f.security_model || !f.tag)) {
            fprintf(stderr, "9pfs spec missing required field!\n");
            rc = 1;
        }
        if (!rc) {
            p9->tag = f.tag, p9->path = f.path, p9->security_model = f.security_model;
            p9->backend_domname = f.backend;
        } else {
            free(f.tag), free(f.path), free(f.security_model), free(f.backend);
            return rc;
        }
    }
    return 0;
}

static int pvcalls_pair(void *arg, const char *key, const char *value)
{
    libxl_device_pvcallsif *p = arg;
    if (strcmp(key, "backend")) {
        fprintf(stderr, "Unknown string `%s' in pvcalls spec\n", key);
        return 1;
    }
    xl_replace_string(&p->backend_domname, value);
    return 0;
}

PARSE_HANDLER(parse_pvcalls)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "pvcalls", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_pvcallsifs)) != NULL) {
        d->pvcallsifs = extend(d->pvcallsifs, &d->num_pvcallsifs, sizeof(*d->pvcallsifs));
        libxl_device_pvcallsif *p = &d->pvcallsifs[d->num_pvcallsifs - 1];
        libxl_device_pvcallsif_init(p);
        p->devid = d->num_pvcallsifs - 1;
        int rc = for_each_pair(buf, pvcalls_pair, p);
        if (rc)
            return rc;
    }
    return 0;
}

/* connectors=ID:WxH;ID:WxH */
static int vdispl_connectors(libxl_device_vdispl *v, const char *value)
{
    char *copy = strdup(value), *save = NULL;
    if (!copy)
        return 1;
    for (char *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        v->connectors = extend(v->connectors, &v->num_connectors, sizeof(*v->connectors));
        libxl_connector_param *cp = &v->connectors[v->num_connectors - 1];
        libxl_connector_param_init(cp);
        char *colon = strchr(c, ':');
        if (colon)
            *colon = 0;
        xl_replace_string(&cp->unique_id, c);
        if (!colon || sscanf(colon + 1, "%ux%u", &cp->width, &cp->height) != 2) {
            fprintf(stderr, "Can't parse connector resolution\n");
            free(copy);
            return 1;
        }
    }
    free(copy);
    return 0;
}

static int vdispl_pair(void *arg, const char *key, const char *value)
{
    libxl_device_vdispl *v = arg;
    if (!strcmp(key, "backend")) {
        xl_replace_string(&v->backend_domname, value);
        return 0;
    }
    if (!strcmp(key, "be-alloc")) {
        v->be_alloc = strtoul(value, NULL, 0) != 0;
        return 0;
    }
    if (!strcmp(key, "connectors"))
        return vdispl_connectors(v, value);
    fprintf(stderr, "Unknown string \"%s=%s\" in vdispl spec\n", key, value);
    return 1;
}

PARSE_HANDLER(parse_vdispls)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vdispl", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_vdispls)) != NULL) {
        d->vdispls = extend(d->vdispls, &d->num_vdispls, sizeof(*d->vdispls));
        libxl_device_vdispl *v = &d->vdispls[d->num_vdispls - 1];
        libxl_device_vdispl_init(v);
        v->devid = d->num_vdispls - 1;
        if (for_each_pair(buf, vdispl_pair, v))
            return 1;
        if (!v->num_connectors) {
            fprintf(stderr, "At least one connector should be specified.\n");
            return 1;
        }
    }
    return 0;
}

static int usbctrl_pair(void *arg, const char *key, const char *value)
{
    libxl_device_usbctrl *u = arg;
    if (!strcmp(key, "type")) {
        if (libxl_usbctrl_type_from_string(value, &u->type)) {
            fprintf(stderr, "Invalid usb controller type '%s'\n", value);
            return 1;
        }
    } else if (!strcmp(key, "version")) {
        u->version = atoi(value);
    } else if (!strcmp(key, "ports")) {
        u->ports = atoi(value);
    } else {
        fprintf(stderr, "Unknown string `%s=%s' in usbctrl spec\n", key, value);
        return 1;
    }
    return 0;
}

static int usbdev_pair(void *arg, const char *key, const char *value)
{
    libxl_device_usbdev *u = arg;
    if (!strcmp(key, "type")) {
        if (libxl_usbdev_type_from_string(value, &u->type)) {
            /* real xl names a variable still NULL here: glibc's "(null)" */
            fprintf(stderr, "Invalid usb device type: (null)\n");
            return 1;
        }
    } else if (!strcmp(key, "hostbus")) {
        u->u.hostdev.hostbus = (uint8_t)strtoul(value, NULL, 0);
    } else if (!strcmp(key, "hostaddr")) {
        u->u.hostdev.hostaddr = (uint8_t)strtoul(value, NULL, 0);
    } else if (!strcmp(key, "controller")) {
        u->ctrl = atoi(value);
    } else if (!strcmp(key, "port")) {
        u->port = atoi(value);
    } else {
        fprintf(stderr, "Unknown string `%s=%s' in usbdev spec\n", key, value);
        return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_usb)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    int ctrl = !strcmp(row->key, "usbctrl");

    if (xlu_cfg_get_list(ps->config, row->key, &list, 0, 0))
        return 0;
    for (int i = 0; (buf = xlu_cfg_get_listitem(list, i)) != NULL; i++) {
        int rc;
        if (ctrl) {
            d->usbctrls = extend(d->usbctrls, &d->num_usbctrls, sizeof(*d->usbctrls));
            libxl_device_usbctrl *u = &d->usbctrls[d->num_usbctrls - 1];
            libxl_device_usbctrl_init(u);
            u->devid = d->num_usbctrls - 1;
            rc = for_each_pair(buf, usbctrl_pair, u);
        } else {
            d->usbdevs = extend(d->usbdevs, &d->num_usbdevs, sizeof(*d->usbdevs));
            libxl_device_usbdev *u = &d->usbdevs[d->num_usbdevs - 1];
            libxl_device_usbdev_init(u);
            rc = for_each_pair(buf, usbdev_pair, u);
        }
        if (rc)
            return rc;
    }
    return 0;
}
