/*
 * xl_parse_devices.c: xl.cfg's device and resource lists: cpu affinity,
 * pci (and rdm), dtdev, ioports, irqs, iomem, disk, vtpm, channel, vif,
 * vfb, vkb.  The one-line specs are parsed by libxlutil where xl 4.17
 * does (disk, pci, vif rate, cpu lists) and here otherwise.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"
#include "xl_parse.h"

/* Grow a device array by one initialised element (ARRAY_EXTEND_INIT also
 * numbers it: devid = its index). */
#define ARRAY_EXTEND_INIT_NODEVID(array, count, initfn)                                            \
    ({                                                                                             \
        int old_ = (count);                                                                        \
        (array) = xl_array_extend((array), &(count), sizeof(*(array)));                            \
        initfn(&(array)[old_]);                                                                    \
        &(array)[old_];                                                                            \
    })
#define ARRAY_EXTEND_INIT(array, count, initfn)                                                    \
    ({                                                                                             \
        int n_ = (count);                                                                          \
        ARRAY_EXTEND_INIT_NODEVID(array, count, initfn)->devid = n_;                               \
        &(array)[n_];                                                                              \
    })

/* ---- cpu affinity ---- */

static int cpu_map(XLU_Config *config, const char *spec, libxl_bitmap *map)
{
    libxl_bitmap_init(map);
    if (libxl_bitmap_alloc(NULL, map, host_cpu_count())) {
        fprintf(stderr, "Unable to allocate cpumap\n");
        return 1;
    }
    return xlu_cpu_parse_list(config, spec, map) ? 1 : 0;
}

/* cpus= / cpus_soft=: a string applies to every vcpu, a list gives one
 * entry per vcpu. */
PARSE_HANDLER(parse_cpus)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    int hard = !strcmp(row->key, "cpus");
    XLU_ConfigList *list = NULL;
    const char *buf = NULL;
    int n = 0;

    if (xlu_cfg_get_list(ps->config, row->key, &list, &n, 1) &&
        xlu_cfg_get_string(ps->config, row->key, &buf, 0))
        return 0;
    if (buf || n > b->max_vcpus)
        n = b->max_vcpus;
    libxl_bitmap *maps = calloc((size_t)(n > 0 ? n : 1), sizeof(*maps));
    if (!maps) {
        perror("xl");
        return 1;
    }
    if (hard) {
        b->num_vcpu_hard_affinity = n;
        b->vcpu_hard_affinity = maps;
    } else {
        b->num_vcpu_soft_affinity = n;
        b->vcpu_soft_affinity = maps;
    }
    if (!buf) {
        const char *item;
        for (int j = 0; j < n && (item = xlu_cfg_get_listitem(list, j)) != NULL; j++)
            if (cpu_map(ps->config, item, &maps[j]))
                return 1;
        libxl_defbool_set(&b->numa_placement, false);
        return 0;
    }
    if (cpu_map(ps->config, buf, &maps[0])) {
        if (!n) /* maps[0] is outside the array's count: free it here */
            libxl_bitmap_dispose(&maps[0]);
        return 1;
    }
    for (int i = 1; i < n; i++)
        if (libxl_bitmap_copy_alloc(NULL, &maps[i], &maps[0])) {
            fprintf(stderr, "Unable to allocate cpumap for vcpu %d\n", i);
            return 1;
        }
    if (!n)
        libxl_bitmap_dispose(&maps[0]);
    if (!hard)
        libxl_defbool_set(&b->numa_placement, false);
    return 0;
}

int apply_global_affinity_masks(libxl_domain_config *d_config)
{
    const libxl_domain_build_info *b = &d_config->b_info;

    for (int i = 0; i < b->num_vcpu_hard_affinity; i++)
        if (libxl_bitmap_is_empty(&b->vcpu_hard_affinity[i])) {
            fprintf(stderr, "vcpu hard affinity map is empty\n");
            return 1;
        }
    return 0;
}

/* ---- passthrough ---- */

/* rdm= for a guest whose build info has no rdm (PV, PVH): pci devices
 * take their policy from it all the same. */
static libxl_rdm_reserve_policy non_hvm_rdm_policy = LIBXL_RDM_RESERVE_POLICY_STRICT;

PARSE_HANDLER(parse_rdm)
{
    const char *buf;
    libxl_rdm_reserve rdm;
    (void)row;

    if (xlu_cfg_get_string(ps->config, "rdm", &buf, 0))
        return 0;
    libxl_rdm_reserve_init(&rdm);
    if (!xlu_rdm_parse(ps->config, &rdm, buf)) {
        if (ps->d_config->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
            ps->d_config->b_info.u.hvm.rdm.strategy = rdm.strategy;
            ps->d_config->b_info.u.hvm.rdm.policy = rdm.policy;
        } else {
            non_hvm_rdm_policy = rdm.policy;
        }
    }
    return 0;
}

PARSE_HANDLER(parse_pci)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *pcis;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "pci", &pcis, 0, 0))
        return 0;
    for (int i = 0; (buf = xlu_cfg_get_listitem(pcis, i)) != NULL; i++) {
        libxl_device_pci *pci =
            ARRAY_EXTEND_INIT_NODEVID(d->pcidevs, d->num_pcidevs, libxl_device_pci_init);
        pci->msitranslate = ps->pci_msitranslate;
        pci->power_mgmt = ps->pci_power_mgmt;
        pci->permissive = ps->pci_permissive;
        pci->seize = ps->pci_seize;
        pci->rdm_policy = d->c_info.type == LIBXL_DOMAIN_TYPE_HVM ? d->b_info.u.hvm.rdm.policy
                                                                  : non_hvm_rdm_policy;
        int e = xlu_pci_parse_spec_string(ps->config, pci, buf);
        if (e) {
            fprintf(stderr, "unable to parse PCI_SPEC_STRING `%s' for passthrough\n", buf);
            return (-e) & 0xff;
        }
    }
    if (d->num_pcidevs && d->c_info.type == LIBXL_DOMAIN_TYPE_PV)
        libxl_defbool_set(&d->b_info.u.pv.e820_host, true);
    return 0;
}

PARSE_HANDLER(parse_dtdev)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "dtdev", &list, 0, 0))
        return 0;
    for (int i = 0; (buf = xlu_cfg_get_listitem(list, i)) != NULL; i++) {
        libxl_device_dtdev *dt =
            ARRAY_EXTEND_INIT_NODEVID(d->dtdevs, d->num_dtdevs, libxl_device_dtdev_init);
        xl_replace_string(&dt->path, buf);
    }
    return 0;
}

PARSE_HANDLER(parse_ioports)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    XLU_ConfigList *list;
    int n;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "ioports", &list, &n, 0))
        return 0;
    b->num_ioports = n;
    b->ioports = calloc((size_t)n + 1, sizeof(*b->ioports));
    if (!b->ioports) {
        fprintf(stderr, "unable to allocate memory for ioports\n");
        return 255;
    }
    for (int i = 0; i < n; i++) {
        const char *buf = xlu_cfg_get_listitem(list, i), *buf2;
        char *ep;
        unsigned long ul;
        uint32_t start, end;

        if (!buf) {
            fprintf(stderr, "xl: Unable to get element #%d in ioport list\n", i);
            return 1;
        }
        ul = strtoul(buf, &ep, 16);
        if (ep == buf) {
            fprintf(stderr, "xl: Invalid argument parsing ioport: %s\n", buf);
            return 1;
        }
        if (ul >= UINT32_MAX) {
            fprintf(stderr, "xl: ioport %lx too big\n", ul);
            return 1;
        }
        start = end = (uint32_t)ul;
        if (*ep == '-') {
            buf2 = ep + 1;
            ul = strtoul(buf2, &ep, 16);
            if (ep == buf2 || *ep != '\0') {
                fprintf(stderr, "xl: Invalid argument parsing ioport: %s\n", buf);
                return 1;
            }
            if (ul >= UINT32_MAX) {
                fprintf(stderr, "xl: ioport %lx too big\n", ul);
                return 1;
            }
            end = (uint32_t)ul;
        } else if (*ep != '\0') {
            fprintf(stderr, "xl: Invalid argument parsing ioport: %s\n", buf);
        }
        b->ioports[i].first = start;
        b->ioports[i].number = end - start + 1;
    }
    return 0;
}

PARSE_HANDLER(parse_irqs)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    XLU_ConfigList *list;
    int n;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "irqs", &list, &n, 0))
        return 0;
    b->num_irqs = n;
    b->irqs = calloc((size_t)n + 1, sizeof(*b->irqs));
    if (!b->irqs) {
        fprintf(stderr, "unable to allocate memory for ioports\n");
        return 255;
    }
    for (int i = 0; i < n; i++) {
        const char *buf = xlu_cfg_get_listitem(list, i);
        char *ep;
        if (!buf) {
            fprintf(stderr, "xl: Unable to get element %d in irq list\n", i);
            return 1;
        }
        unsigned long ul = strtoul(buf, &ep, 10);
        if (ep == buf || *ep != '\0') {
            fprintf(stderr, "xl: Invalid argument parsing irq: %s\n", buf);
            return 1;
        }
        if (ul >= UINT32_MAX) {
            fprintf(stderr, "xl: irq %lx too big\n", ul);
            return 1;
        }
        b->irqs[i] = (uint32_t)ul;
    }
    return 0;
}

PARSE_HANDLER(parse_iomem)
{
    libxl_domain_build_info *b = &ps->d_config->b_info;
    XLU_ConfigList *list;
    int n;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "iomem", &list, &n, 0))
        return 0;
    b->num_iomem = n;
    b->iomem = calloc((size_t)n + 1, sizeof(*b->iomem));
    if (!b->iomem) {
        fprintf(stderr, "unable to allocate memory for iomem\n");
        return 255;
    }
    for (int i = 0; i < n; i++) {
        const char *buf = xlu_cfg_get_listitem(list, i);
        int used = 0;
        if (!buf) {
            fprintf(stderr, "xl: Unable to get element %d in iomem list\n", i);
            return 1;
        }
        libxl_iomem_range_init(&b->iomem[i]);
        int ret = sscanf(buf, "%" SCNx64 ",%" SCNx64 "%n@%" SCNx64 "%n", &b->iomem[i].start,
                         &b->iomem[i].number, &used, &b->iomem[i].gfn, &used);
        if (ret < 2 || buf[used] != '\0') {
            fprintf(stderr, "xl: Invalid argument parsing iomem: %s\n", buf);
            return 1;
        }
    }
    return 0;
}

/* ---- block and network ---- */

PARSE_HANDLER(parse_disks)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "disk", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_disks)) != NULL) {
        libxl_device_disk *disk =
            ARRAY_EXTEND_INIT_NODEVID(d->disks, d->num_disks, libxl_device_disk_init);
        int e = xlu_disk_parse(ps->config, 1, &buf, disk);
        if (e == EINVAL)
            return 1;
        if (e) {
            fprintf(stderr, "xlu_disk_parse failed: %s\n", strerror(e));
            return 1;
        }
    }
    return 0;
}

/* Split "a,b,c" into comma tokens (empty ones dropped, as strtok does),
 * each with its leading spaces skipped; fn sees each.  fn returns 0 to go
 * on, 1 to stop quietly, other values are returned. */
static int for_each_token(const char *spec, int (*fn)(void *arg, char *token), void *arg)
{
    char *copy = strdup(spec), *save = NULL;
    int rc = 0;
    if (!copy) {
        perror("xl");
        return 1;
    }
    for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        while (*p == ' ')
            p++;
        rc = fn(arg, p);
        if (rc == 1) {
            rc = 0;
            break;
        }
        if (rc)
            break;
    }
    free(copy);
    return rc;
}

struct vtpm_arg {
    libxl_device_vtpm *vtpm;
    int got_backend;
};

static int vtpm_token(void *arg, char *p)
{
    struct vtpm_arg *a = arg;
    libxl_device_vtpm *vtpm = a->vtpm;
    char *eq = strchr(p, '=');
    if (!eq)
        return 1;
    *eq = 0;
    if (!strcmp(p, "backend")) {
        xl_replace_string(&vtpm->backend_domname, eq + 1);
        a->got_backend = 1;
    } else if (!strcmp(p, "uuid")) {
        if (libxl_uuid_from_string(&vtpm->uuid, eq + 1)) {
            fprintf(stderr, "Failed to parse vtpm UUID: %s\n", eq + 1);
            return 2;
        }
    } else {
        fprintf(stderr, "Unknown string `%s' in vtpm spec\n", p);
        return 2;
    }
    return 0;
}

PARSE_HANDLER(parse_vtpms)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vtpm", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_vtpms)) != NULL) {
        struct vtpm_arg a = {ARRAY_EXTEND_INIT(d->vtpms, d->num_vtpms, libxl_device_vtpm_init), 0};
        if (for_each_token(buf, vtpm_token, &a))
            return 1;
        if (!a.got_backend) {
            fprintf(stderr, "vtpm spec missing required backend field!\n");
            return 1;
        }
    }
    return 0;
}

/* "key=value" split as real xl splits it: the first two `='-separated
 * words, trimmed. */
static int split_pair(const char *s, char **key, char **value)
{
    char *copy = strdup(s), *save = NULL;
    char *a = copy ? strtok_r(copy, "=", &save) : NULL;
    char *b = a ? strtok_r(NULL, "=", &save) : NULL;
    if (!b) {
        free(copy);
        return 1;
    }
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    for (char *e = a + strlen(a); e > a && isspace((unsigned char)e[-1]); e--)
        e[-1] = 0;
    for (char *e = b + strlen(b); e > b && isspace((unsigned char)e[-1]); e--)
        e[-1] = 0;
    *key = strdup(a);
    *value = strdup(b);
    free(copy);
    return 0;
}

PARSE_HANDLER(parse_channels)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "channel", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_channels)) != NULL) {
        libxl_device_channel *chn =
            ARRAY_EXTEND_INIT(d->channels, d->num_channels, libxl_device_channel_init);
        char *copy = strdup(buf), *save = NULL, *path = NULL;
        for (char *pair = strtok_r(copy, ",", &save); pair; pair = strtok_r(NULL, ",", &save)) {
            char *key, *value;
            if (split_pair(pair, &key, &value)) {
                fprintf(stderr, "failed to parse channel configuration: %s", pair);
                free(copy);
                return 1;
            }
            if (!strcmp(key, "backend")) {
                xl_replace_string(&chn->backend_domname, value);
            } else if (!strcmp(key, "name")) {
                xl_replace_string(&chn->name, value);
            } else if (!strcmp(key, "path")) {
                xl_replace_string(&path, value);
            } else if (!strcmp(key, "connection")) {
                if (!strcmp(value, "pty")) {
                    chn->connection = LIBXL_CHANNEL_CONNECTION_PTY;
                } else if (!strcmp(value, "socket")) {
                    chn->connection = LIBXL_CHANNEL_CONNECTION_SOCKET;
                } else {
                    fprintf(stderr, "unknown channel connection '%s'\n", value);
                    free(key), free(value), free(copy), free(path);
                    return 1;
                }
            } else {
                fprintf(stderr, "unknown channel parameter '%s', ignoring\n", key);
            }
            free(key);
            free(value);
        }
        free(copy);
        switch (chn->connection) {
        case LIBXL_CHANNEL_CONNECTION_SOCKET:
            if (!path) {
                fprintf(stderr, "channel connection 'socket' requires path=..\n");
                return 1;
            }
            libxl_device_channel_init_connection(chn, LIBXL_CHANNEL_CONNECTION_SOCKET);
            chn->u.socket.path = path;
            path = NULL;
            break;
        case LIBXL_CHANNEL_CONNECTION_PTY:
            break;
        default:
            fprintf(stderr, "channel has unknown 'connection'\n");
            free(path);
            return 1;
        }
        free(path);
    }
    return 0;
}

/* One `key=value' of a vif spec: 0, 2 (fatal: exit 1). */
static int nic_token(void *arg, char *token)
{
    struct {
        libxl_device_nic *nic;
        XLU_Config *config;
    } *a = arg;
    libxl_device_nic *nic = a->nic;
    static const struct {
        const char *key;
        size_t off;
    } strings[] = {
        {"bridge", offsetof(libxl_device_nic, bridge)},
        {"gatewaydev", offsetof(libxl_device_nic, gatewaydev)},
        {"ip", offsetof(libxl_device_nic, ip)},
        {"script", offsetof(libxl_device_nic, script)},
        {"backend", offsetof(libxl_device_nic, backend_domname)},
        {"vifname", offsetof(libxl_device_nic, ifname)},
        {"model", offsetof(libxl_device_nic, model)},
        {"forwarddev", offsetof(libxl_device_nic, coloft_forwarddev)},
#define COLO(field) {#field, offsetof(libxl_device_nic, field)}
        COLO(colo_sock_mirror_id),
        COLO(colo_sock_mirror_ip),
        COLO(colo_sock_mirror_port),
        COLO(colo_sock_compare_pri_in_id),
        COLO(colo_sock_compare_pri_in_ip),
        COLO(colo_sock_compare_pri_in_port),
        COLO(colo_sock_compare_sec_in_id),
        COLO(colo_sock_compare_sec_in_ip),
        COLO(colo_sock_compare_sec_in_port),
        COLO(colo_sock_compare_notify_id),
        COLO(colo_sock_compare_notify_ip),
        COLO(colo_sock_compare_notify_port),
        COLO(colo_sock_redirector0_id),
        COLO(colo_sock_redirector0_ip),
        COLO(colo_sock_redirector0_port),
        COLO(colo_sock_redirector1_id),
        COLO(colo_sock_redirector1_ip),
        COLO(colo_sock_redirector1_port),
        COLO(colo_sock_redirector2_id),
        COLO(colo_sock_redirector2_ip),
        COLO(colo_sock_redirector2_port),
        COLO(colo_filter_mirror_queue),
        COLO(colo_filter_mirror_outdev),
        COLO(colo_filter_redirector0_queue),
        COLO(colo_filter_redirector0_indev),
        COLO(colo_filter_redirector0_outdev),
        COLO(colo_filter_redirector1_queue),
        COLO(colo_filter_redirector1_indev),
        COLO(colo_filter_redirector1_outdev),
        COLO(colo_compare_pri_in),
        COLO(colo_compare_sec_in),
        COLO(colo_compare_out),
        COLO(colo_compare_notify_dev),
        COLO(colo_sock_sec_redirector0_id),
        COLO(colo_sock_sec_redirector0_ip),
        COLO(colo_sock_sec_redirector0_port),
        COLO(colo_sock_sec_redirector1_id),
        COLO(colo_sock_sec_redirector1_ip),
        COLO(colo_sock_sec_redirector1_port),
        COLO(colo_filter_sec_redirector0_queue),
        COLO(colo_filter_sec_redirector0_indev),
        COLO(colo_filter_sec_redirector0_outdev),
        COLO(colo_filter_sec_redirector1_queue),
        COLO(colo_filter_sec_redirector1_indev),
        COLO(colo_filter_sec_redirector1_outdev),
        COLO(colo_filter_sec_rewriter0_queue),
        COLO(colo_checkpoint_host),
        COLO(colo_checkpoint_port),
#undef COLO
    };
    char *eq = strchr(token, '=');
    if (eq) {
        size_t klen = (size_t)(eq - token);
        const char *v = eq + 1;
        for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
            if (strlen(strings[i].key) == klen && !strncmp(token, strings[i].key, klen)) {
                xl_replace_string((char **)((char *)nic + strings[i].off), v);
                return 0;
            }
#define KEY_IS(k) (klen == sizeof(k) - 1 && !strncmp(token, k, klen))
        if (KEY_IS("type")) {
            if (!strcmp(v, "vif"))
                nic->nictype = LIBXL_NIC_TYPE_VIF;
            else if (!strcmp(v, "ioemu"))
                nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
            else
                fprintf(stderr, "Invalid parameter `type'.\n");
            return 0;
        }
        if (KEY_IS("mac")) {
            const char *p = v;
            for (int i = 0; i < 6; i++) {
                char *end;
                unsigned long val = strtoul(p, &end, 16);
                if (p == end || val > 255) {
                    fprintf(stderr, "Invalid parameter `mac'.\n");
                    return 0;
                }
                nic->mac[i] = (uint8_t)val;
                p = end + 1;
                if (i < 5 && !*end)
                    p = end; /* ran out of digits: the next read fails */
            }
            return 0;
        }
        if (KEY_IS("netdev")) {
            fprintf(stderr, "the netdev parameter is deprecated, please use gatewaydev instead\n");
            xl_replace_string(&nic->gatewaydev, v);
            return 0;
        }
        if (KEY_IS("rate")) {
            int e = xlu_vif_parse_rate(a->config, v, nic);
            if (e == EINVAL || e == EOVERFLOW)
                return 2;
            if (e) {
                fprintf(stderr, "xlu_vif_parse_rate failed: %s\n", strerror(e));
                return 2;
            }
            return 0;
        }
        if (KEY_IS("accel")) {
            fprintf(stderr, "the accel parameter for vifs is currently not supported\n");
            return 0;
        }
        if (KEY_IS("devid") || KEY_IS("mtu")) {
            unsigned long n;
            if (xl_parse_ulong(v, &n))
                return 2;
            if (KEY_IS("devid"))
                nic->devid = (libxl_devid)n;
            else
                nic->mtu = (uint32_t)n;
            return 0;
        }
#undef KEY_IS
    } else if (!strcmp(token, "trusted") || !strcmp(token, "untrusted")) {
        libxl_defbool_set(&nic->trusted, token[0] == 't');
        return 0;
    }
    fprintf(stderr, "unrecognized argument `%s'\n", token);
    return 0;
}

PARSE_HANDLER(parse_nics)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vif", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_nics)) != NULL) {
        libxl_device_nic *nic = ARRAY_EXTEND_INIT(d->nics, d->num_nics, libxl_device_nic_init);
        struct {
            libxl_device_nic *nic;
            XLU_Config *config;
        } arg = {nic, ps->config};
        if (for_each_token(buf, nic_token, &arg))
            return 1;
    }
    return 0;
}

PARSE_HANDLER(parse_vif2)
{
    (void)row;
    if (!xlu_cfg_get_list(ps->config, "vif2", NULL, 0, 0))
        fprintf(stderr, "WARNING: vif2: netchannel2 is deprecated and not supported by xl\n");
    return 0;
}

/* ---- framebuffers and keyboards ---- */

static int vfb_token(void *arg, char *p)
{
    libxl_device_vfb *vfb = arg;
    char *eq = strchr(p, '=');
    if (!eq)
        return 1; /* stops the spec, as real xl does */
    *eq++ = 0;
    if (!strcmp(p, "vnc"))
        libxl_defbool_set(&vfb->vnc.enable, atoi(eq));
    else if (!strcmp(p, "vnclisten"))
        xl_replace_string(&vfb->vnc.listen, eq);
    else if (!strcmp(p, "vncpasswd"))
        xl_replace_string(&vfb->vnc.passwd, eq);
    else if (!strcmp(p, "vncdisplay"))
        vfb->vnc.display = atoi(eq);
    else if (!strcmp(p, "vncunused"))
        libxl_defbool_set(&vfb->vnc.findunused, atoi(eq));
    else if (!strcmp(p, "keymap"))
        xl_replace_string(&vfb->keymap, eq);
    else if (!strcmp(p, "sdl"))
        libxl_defbool_set(&vfb->sdl.enable, atoi(eq));
    else if (!strcmp(p, "opengl"))
        libxl_defbool_set(&vfb->sdl.opengl, atoi(eq));
    else if (!strcmp(p, "display"))
        xl_replace_string(&vfb->sdl.display, eq);
    else if (!strcmp(p, "xauthority"))
        xl_replace_string(&vfb->sdl.xauthority, eq);
    return 0;
}

PARSE_HANDLER(parse_vfbs)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vfb", &list, 0, 0))
        return 0;
    while ((buf = xlu_cfg_get_listitem(list, d->num_vfbs)) != NULL) {
        libxl_device_vfb *vfb = ARRAY_EXTEND_INIT(d->vfbs, d->num_vfbs, libxl_device_vfb_init);
        ARRAY_EXTEND_INIT(d->vkbs, d->num_vkbs, libxl_device_vkb_init);
        for_each_token(buf, vfb_token, vfb);
    }
    return 0;
}

static int vkb_token(void *arg, char *p)
{
    libxl_device_vkb *vkb = arg;
    static const struct {
        const char *key;
        size_t off;
        int is_bool;
    } numbers[] = {
        {"feature-disable-keyboard", offsetof(libxl_device_vkb, feature_disable_keyboard), 1},
        {"feature-disable-pointer", offsetof(libxl_device_vkb, feature_disable_pointer), 1},
        {"feature-abs-pointer", offsetof(libxl_device_vkb, feature_abs_pointer), 1},
        {"feature-raw-pointer", offsetof(libxl_device_vkb, feature_raw_pointer), 1},
        {"feature-multi-touch", offsetof(libxl_device_vkb, feature_multi_touch), 1},
        {"multi-touch-width", offsetof(libxl_device_vkb, multi_touch_width), 0},
        {"multi-touch-height", offsetof(libxl_device_vkb, multi_touch_height), 0},
        {"multi-touch-num-contacts", offsetof(libxl_device_vkb, multi_touch_num_contacts), 0},
        {"width", offsetof(libxl_device_vkb, width), 0},
        {"height", offsetof(libxl_device_vkb, height), 0},
    };
    char *eq = strchr(p, '=');
    if (eq) {
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(p, "backend")) {
            xl_replace_string(&vkb->backend_domname, v);
            return 0;
        }
        if (!strcmp(p, "backend-type")) {
            if (libxl_vkb_backend_from_string(v, &vkb->backend_type)) {
                fprintf(stderr, "Unknown backend_type \"%s\" in vkb spec\n", v);
                return 2;
            }
            return 0;
        }
        if (!strcmp(p, "unique-id")) {
            xl_replace_string(&vkb->unique_id, v);
            return 0;
        }
        for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
            if (!strcmp(p, numbers[i].key)) {
                unsigned long n = strtoul(v, NULL, 0);
                if (numbers[i].is_bool)
                    *(bool *)((char *)vkb + numbers[i].off) = n != 0;
                else
                    *(uint32_t *)((char *)vkb + numbers[i].off) = (uint32_t)n;
                return 0;
            }
        *eq = '=';
    }
    fprintf(stderr, "Unknown string \"%s\" in vkb spec\n", p);
    return 2;
}

PARSE_HANDLER(parse_vkbs)
{
    libxl_domain_config *d = ps->d_config;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    if (xlu_cfg_get_list(ps->config, "vkb", &list, 0, 0))
        return 0;
    for (int entry = 0; (buf = xlu_cfg_get_listitem(list, entry)) != NULL; entry++) {
        libxl_device_vkb *vkb = ARRAY_EXTEND_INIT(d->vkbs, d->num_vkbs, libxl_device_vkb_init);
        if (for_each_token(buf, vkb_token, vkb))
            return 1;
        if (vkb->backend_type == LIBXL_VKB_BACKEND_UNKNOWN) {
            fprintf(stderr, "backend-type should be set in vkb spec\n");
            return 1;
        }
        if (vkb->multi_touch_height || vkb->multi_touch_width || vkb->multi_touch_num_contacts)
            vkb->feature_multi_touch = true;
        if (vkb->feature_multi_touch &&
            !(vkb->multi_touch_height || vkb->multi_touch_width || vkb->multi_touch_num_contacts)) {
            fprintf(stderr,
                    "multi-touch-width, multi-touch-height, multi-touch-num-contacts should be "
                    "set for multi touch in vkb spec\n");
            return 1;
        }
    }
    return 0;
}
