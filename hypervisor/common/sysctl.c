/*
 * sysctl.c: HYPERVISOR_sysctl, the toolstack's host operations: one row
 * per command (physinfo, getdomaininfolist, readconsole, sched_id,
 * debug_keys, the topology).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_ring.h"
#include "debug_keys.h"
#include "domain.h"
#include "hypercall.h"
#include "public/sysctl.h"

#define DOMAININFOLIST_MAX 1024
#define READCONSOLE_MAX    (1u << 20)

struct sysctl_row {
    const char *name;
    long (*fn)(struct hc_caller *c, struct xen_sysctl *op);
};

/* The host's memory and cpu speed, from /proc. */
static void host_meminfo(uint64_t *total_kb, uint64_t *avail_kb)
{
    char line[256];
    FILE *f = fopen("/proc/meminfo", "re");
    unsigned long long v;

    *total_kb = *avail_kb = 0;
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "MemTotal: %llu kB", &v) == 1)
            *total_kb = v;
        else if (sscanf(line, "MemAvailable: %llu kB", &v) == 1)
            *avail_kb = v;
    }
    fclose(f);
}

static uint32_t host_cpu_khz(void)
{
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "re");
    double mhz = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
            break;
    fclose(f);
    return (uint32_t)(mhz * 1000);
}

static long sc_physinfo(struct hc_caller *c, struct xen_sysctl *op)
{
    struct xen_sysctl_physinfo *pi = &op->u.physinfo;
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t total_kb, avail_kb;

    memset(pi, 0, sizeof(*pi));
    host_meminfo(&total_kb, &avail_kb);
    pi->threads_per_core = 1;
    pi->nr_cpus = ncpus > 0 ? (uint32_t)ncpus : 1;
    pi->cores_per_socket = pi->nr_cpus;
    pi->max_cpu_id = pi->nr_cpus - 1;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = host_cpu_khz();
    pi->capabilities = XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2;
#ifdef CONFIG_HVM
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
#endif
#ifdef CONFIG_PV
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_pv;
#endif
    pi->total_pages = total_kb / 4;
    pi->free_pages = avail_kb / 4;
    pi->max_mfn = pi->total_pages;
    return 0;
}

static long sc_getdomaininfolist(struct hc_caller *c, struct xen_sysctl *op)
{
    struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;

    if (l->max_domains > DOMAININFOLIST_MAX)
        l->max_domains = DOMAININFOLIST_MAX;
    for (unsigned id = l->first_domain; id < DOMID_FIRST_RESERVED && n < l->max_domains; id++) {
        struct domain *d = domain_next((domid_t)id);
        int rc;

        if (!d)
            break;
        domain_fill_info(d, &info);
        rc = c->copy_to(c, l->buffer.q + (uint64_t)n * sizeof(info), &info, sizeof(info));
        if (rc)
            return rc;
        n++;
        id = d->domid;
    }
    l->num_domains = n;
    return 0;
}

static long sc_readconsole(struct hc_caller *c, struct xen_sysctl *op)
{
    struct xen_sysctl_readconsole *rc_op = &op->u.readconsole;
    uint32_t max = rc_op->count < READCONSOLE_MAX ? rc_op->count : READCONSOLE_MAX;
    char *buf = malloc(max ? max : 1);
    uint32_t index = rc_op->index;
    size_t n;
    int rc;

    if (!buf)
        return -ENOMEM;
    n = console_ring_read(buf, max, &index, rc_op->incremental, rc_op->clear);
    rc = n ? c->copy_to(c, rc_op->buffer.q, buf, n) : 0;
    free(buf);
    if (rc)
        return rc;
    rc_op->count = (uint32_t)n;
    rc_op->index = index;
    return 0;
}

/* The host as one node, one socket, a core per CPU. */
static long sc_cputopoinfo(struct hc_caller *c, struct xen_sysctl *op)
{
    struct xen_sysctl_cputopoinfo *t = &op->u.cputopoinfo;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t ncpus = n > 0 ? (uint32_t)n : 1;

    if (t->cputopo.q) {
        for (uint32_t i = 0; i < t->num_cpus && i < ncpus; i++) {
            struct xen_sysctl_cputopo topo = {.core = i, .socket = 0, .node = 0};
            int rc = c->copy_to(c, t->cputopo.q + (uint64_t)i * sizeof(topo), &topo, sizeof(topo));
            if (rc)
                return rc;
        }
    }
    t->num_cpus = ncpus;
    return 0;
}

static long sc_numainfo(struct hc_caller *c, struct xen_sysctl *op)
{
    struct xen_sysctl_numainfo *ni = &op->u.numainfo;
    struct xen_sysctl_meminfo mi;
    uint64_t total_kb, avail_kb;
    uint32_t distance = 10; /* local */
    int rc;

    if (ni->num_nodes >= 1 && ni->meminfo.q) {
        host_meminfo(&total_kb, &avail_kb);
        mi.memsize = total_kb * 1024;
        mi.memfree = avail_kb * 1024;
        rc = c->copy_to(c, ni->meminfo.q, &mi, sizeof(mi));
        if (rc)
            return rc;
    }
    if (ni->num_nodes >= 1 && ni->distance.q) {
        rc = c->copy_to(c, ni->distance.q, &distance, sizeof(distance));
        if (rc)
            return rc;
    }
    ni->num_nodes = 1;
    return 0;
}

static long sc_sched_id(struct hc_caller *c, struct xen_sysctl *op)
{
    op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT2;
    return 0;
}

/* The keys are copied in (at most DEBUG_KEYS_MAX), then pressed. */
static long sc_debug_keys(struct hc_caller *c, struct xen_sysctl *op)
{
    char keys[DEBUG_KEYS_MAX];
    uint32_t n = op->u.debug_keys.nr_keys;
    long rc;

    if (n > sizeof(keys))
        return -E2BIG;
    rc = c->copy_from(c, op->u.debug_keys.keys.q, keys, n);
    if (!rc)
        debug_keys_press(keys, n);
    return rc;
}

static const struct sysctl_row sysctl_table[] = {
    [XEN_SYSCTL_readconsole] = {"readconsole", sc_readconsole},
    [XEN_SYSCTL_physinfo] = {"physinfo", sc_physinfo},
    [XEN_SYSCTL_sched_id] = {"sched_id", sc_sched_id},
    [XEN_SYSCTL_getdomaininfolist] = {"getdomaininfolist", sc_getdomaininfolist},
    [XEN_SYSCTL_debug_keys] = {"debug_keys", sc_debug_keys},
    [XEN_SYSCTL_cputopoinfo] = {"cputopoinfo", sc_cputopoinfo},
    [XEN_SYSCTL_numainfo] = {"numainfo", sc_numainfo},
};

long do_sysctl(struct hc_caller *c, const uint64_t args[5])
{
    struct xen_sysctl op;
    long rc;

    if (!c->d->is_privileged)
        return -EPERM;
    rc = c->copy_from(c, args[0], &op, sizeof(op));
    if (rc)
        return rc;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (op.cmd >= sizeof(sysctl_table) / sizeof(sysctl_table[0]) || !sysctl_table[op.cmd].fn)
        return -EOPNOTSUPP;
    rc = sysctl_table[op.cmd].fn(c, &op);
    if (rc >= 0) {
        int crc = c->copy_to(c, args[0], &op, sizeof(op));
        if (crc)
            rc = crc;
    }
    return rc;
}
