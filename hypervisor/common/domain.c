/*
 * domain.c: the domain table, domain creation and destruction, pause
 * state and getdomaininfo (see domain.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "guest_run.h"
#include "public/sched.h"
#include "log.h"
#include "xenhv/pv_machine.h"
#include "xenstore_glue.h"

pthread_mutex_t hv_lock = PTHREAD_MUTEX_INITIALIZER;

static struct domain *domain_table[DOMID_FIRST_RESERVED];
static unsigned nr_domains;
static domid_t last_domid;

#define DEFAULT_MAX_EVTCHN_PORT 1023

/* The two HVM emulation sets xenhv accepts (DESIGN "Domain types"), and
 * what a PV domain may ask for. */
#define EMU_FULL_HVM (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)
#define EMU_PVH      XEN_X86_EMU_LAPIC

static const uint32_t hvm_emulation_sets[] = {EMU_FULL_HVM, EMU_PVH};
static const uint32_t pv_emulation_sets[] = {0, XEN_X86_EMU_PIT};

static bool in_set(uint32_t v, const uint32_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == v)
            return true;
    return false;
}

bool domain_config_ok(const struct xen_domctl_createdomain *cfg)
{
    uint32_t emu = cfg->arch.emulation_flags;

    if (cfg->flags & ~(XEN_DOMCTL_CDF_MAX * 2 - 1))
        return false;
    if (cfg->arch.misc_flags & ~XEN_X86_MISC_FLAGS_MAX)
        return false;
    if (cfg->flags & XEN_DOMCTL_CDF_hvm) {
#ifndef CONFIG_HVM
        return false;
#endif
        return in_set(emu, hvm_emulation_sets, 2);
    }
#ifndef CONFIG_PV
    return false;
#endif
    if (cfg->flags & (XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_nested_virt))
        return false;
    return in_set(emu, pv_emulation_sets, 2);
}

static struct domain *domain_alloc(domid_t domid)
{
    struct domain *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->domid = domid;
    d->ram.memfd = -1;
    d->address_size = 64;
    d->shutdown_code = -1;
    return d;
}

int domain_create_dom0(void)
{
    struct domain *d = domain_alloc(0);
    int rc;

    if (!d)
        return -ENOMEM;
    d->is_privileged = true;
    rc = evtchn_init(d, EVTCHN_2L_NR_PORTS - 1);
    if (rc) {
        free(d);
        return rc;
    }
    domain_table[0] = d;
    nr_domains++;
    return 0;
}

static int allocate_domid(domid_t *domid)
{
    for (unsigned i = 1; i < DOMID_FIRST_RESERVED; i++) {
        domid_t id = (domid_t)((last_domid + i) % DOMID_FIRST_RESERVED);
        if (id && !domain_table[id]) {
            *domid = id;
            return 0;
        }
    }
    return -ENOMEM;
}

int domain_create(domid_t *domid, const struct xen_domctl_createdomain *cfg)
{
    struct domain *d = NULL;
    unsigned max_evtchn;
    int rc;

    if (!domain_config_ok(cfg))
        return -EINVAL;
    if (cfg->max_vcpus < 1 || cfg->max_vcpus > DOMAIN_MAX_VCPUS ||
        XEN_DOMCTL_GRANT_version(cfg->grant_opts) > 2)
        return -EINVAL;
    if (*domid == 0) {
        rc = allocate_domid(domid);
        if (rc)
            return rc;
    } else if (*domid >= DOMID_FIRST_RESERVED) {
        return -EINVAL;
    } else if (domain_table[*domid]) {
        return -EEXIST;
    }

    d = domain_alloc(*domid);
    if (!d)
        return -ENOMEM;
    d->is_hvm = cfg->flags & XEN_DOMCTL_CDF_hvm;
    d->cdf_flags = cfg->flags;
    d->emulation_flags = cfg->arch.emulation_flags;
    d->misc_flags = cfg->arch.misc_flags;
    d->ssidref = cfg->ssidref;
    memcpy(d->handle, cfg->handle, sizeof(d->handle));
    d->pause_count = 1;    /* created paused, as on Xen */
    d->sched_weight = 256; /* credit2's default */

    rc = guest_ram_init(&d->ram, *domid);
    if (rc)
        goto fail;
    rc = guest_ram_special(&d->ram, GUEST_SPECIAL_SHARED_INFO, &d->shared_info_mfn);
    if (rc)
        goto fail;
    d->shared_info = guest_ram_map(&d->ram, d->shared_info_mfn, 1);
    if (!d->shared_info) {
        rc = -ENOMEM;
        goto fail;
    }
    if (!d->is_hvm && pv_machine && (rc = pv_machine->domain_init(d)))
        goto fail;
    max_evtchn = cfg->max_evtchn_port ? cfg->max_evtchn_port : DEFAULT_MAX_EVTCHN_PORT;
    if (max_evtchn >= EVTCHN_2L_NR_PORTS)
        max_evtchn = EVTCHN_2L_NR_PORTS - 1;
    rc = evtchn_init(d, max_evtchn);
    if (rc)
        goto fail;
    rc = gnttab_init(d, cfg->max_grant_frames, XEN_DOMCTL_GRANT_version(cfg->grant_opts));
    if (rc)
        goto fail;
    rc = domain_set_max_vcpus(d, cfg->max_vcpus);
    if (rc)
        goto fail;

    domain_table[*domid] = d;
    nr_domains++;
    last_domid = *domid;
    log_info("domain %u created (%s, emulation flags %#x)", *domid,
             d->is_hvm ? (has_vpic(d) ? "HVM" : "PVH") : "PV", d->emulation_flags);
    return 0;

fail:
    domain_free(d);
    return rc;
}

int domain_unlink(struct domain *d)
{
    if (d->is_privileged)
        return -EPERM;
    if (domain_table[d->domid] != d)
        return -ESRCH;
    d->dying = true;
    domain_table[d->domid] = NULL;
    nr_domains--;
    evtchn_fini(d); /* closes remote ends while the peers still exist */
    return 0;
}

void domain_destroy_unlinked(struct domain *d)
{
    unsigned domid = d->domid;

    pthread_mutex_unlock(&hv_lock);
    if (domain_hooks && domain_hooks->destroying)
        domain_hooks->destroying(d);
    xenstore_glue_release(domid);
    pthread_mutex_lock(&hv_lock);
    domain_free(d);
    log_info("domain %u destroyed", domid);
}

struct domain *domain_unlink_any(void)
{
    for (unsigned i = 1; i < DOMID_FIRST_RESERVED; i++) {
        struct domain *d = domain_table[i];
        if (d && !domain_unlink(d))
            return d;
    }
    return NULL;
}

void domain_free(struct domain *d)
{
    if (!d)
        return;
    if (d->vcpus) {
        for (unsigned i = 0; i < d->max_vcpus; i++)
            free(d->vcpus[i]);
        free(d->vcpus);
    }
    evtchn_fini(d);
    if (d->pv && pv_machine)
        pv_machine->domain_fini(d);
    guest_ram_unmap(d->shared_info, 1);
    guest_ram_fini(&d->ram);
    free(d->hvm_context);
    free(d->code_written);
    free(d);
}

int domain_code_written(struct domain *d, uint64_t gfn)
{
    if (d->nr_code_written == d->cap_code_written) {
        unsigned cap = d->cap_code_written ? d->cap_code_written * 2 : 64;
        uint64_t *q = realloc(d->code_written, cap * sizeof(*q));
        if (!q)
            return -ENOMEM;
        d->code_written = q;
        d->cap_code_written = cap;
    }
    d->code_written[d->nr_code_written] = gfn;
    /* Seen by the domain's thread without hv_lock (vrun scan_wakeups). */
    __atomic_store_n(&d->nr_code_written, d->nr_code_written + 1, __ATOMIC_SEQ_CST);
    return 0;
}

uint64_t *domain_code_written_take(struct domain *d, unsigned *n)
{
    uint64_t *q = d->code_written;

    *n = d->nr_code_written;
    d->code_written = NULL;
    d->nr_code_written = d->cap_code_written = 0;
    return q;
}

struct domain *domain_lookup(domid_t domid)
{
    return domid < DOMID_FIRST_RESERVED ? domain_table[domid] : NULL;
}

struct vcpu_info *domain_vcpu_info(struct domain *d, unsigned vcpu)
{
    if (d->vcpus && vcpu < d->max_vcpus && d->vcpus[vcpu]->vcpu_info)
        return d->vcpus[vcpu]->vcpu_info;
    if (d->shared_info && vcpu < XEN_LEGACY_MAX_VCPUS)
        return &((struct shared_info *)d->shared_info)->vcpu_info[vcpu];
    return NULL;
}

static __thread const struct domain *thread_domain;

void domain_bind_thread(const struct domain *d)
{
    thread_domain = d;
}

bool domain_on_own_thread(const struct domain *d)
{
    return thread_domain == d;
}

struct domain *domain_next(domid_t first)
{
    for (unsigned i = first; i < DOMID_FIRST_RESERVED; i++)
        if (domain_table[i])
            return domain_table[i];
    return NULL;
}

unsigned domain_count(void)
{
    return nr_domains;
}

uint64_t host_cpu_mask(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n <= 0)
        n = 1;
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

int domain_set_max_vcpus(struct domain *d, unsigned max)
{
    struct vcpu **vcpus;

    if (max == 0 || max > DOMAIN_MAX_VCPUS)
        return -EINVAL;
    if (d->vcpus)
        return max == d->max_vcpus ? 0 : -EEXIST; /* set once, as in Xen 4.17 */
    vcpus = calloc(max, sizeof(*vcpus));
    if (!vcpus)
        return -ENOMEM;
    for (unsigned i = 0; i < max; i++) {
        vcpus[i] = calloc(1, sizeof(**vcpus));
        if (!vcpus[i]) {
            while (i--)
                free(vcpus[i]);
            free(vcpus);
            return -ENOMEM;
        }
        vcpus[i]->domain = d;
        vcpus[i]->id = i;
        vcpus[i]->affinity_hard = vcpus[i]->affinity_soft = host_cpu_mask();
    }
    d->vcpus = vcpus;
    d->max_vcpus = max;
    return 0;
}

const struct domain_hooks *domain_hooks;
const struct pv_machine_ops *pv_machine;

void pv_machine_set_ops(const struct pv_machine_ops *ops)
{
    pv_machine = ops;
}

void domain_set_hooks(const struct domain_hooks *hooks)
{
    domain_hooks = hooks;
}

void domain_pause(struct domain *d)
{
    if (d->pause_count++ == 0 && domain_hooks && domain_hooks->paused)
        domain_hooks->paused(d);
}

int domain_unpause(struct domain *d)
{
    if (!d->pause_count)
        return -EINVAL;
    if (--d->pause_count == 0 && domain_hooks && domain_hooks->unpaused) {
        int rc = domain_hooks->unpaused(d);
        if (rc) {
            d->pause_count++; /* could not run it: it stays paused */
            return rc;
        }
    }
    return 0;
}

/*
 * XEN_DOMCTL_soft_reset, as Xen's domain_soft_reset as far as xenhv
 * goes: the domain keeps its memory and vCPU 0's state (it continues
 * after its SCHEDOP_shutdown(soft_reset), which returns 0); every event
 * channel is closed (the remote ends become unbound), the grant table goes
 * back to version 1 with its entries cleared, vcpu_info registrations are
 * dropped, the other vCPUs go down, the shared info's event bits are
 * cleared, and the shutdown is forgotten.  Only for a paused HVM container
 * shut down for soft reset (PV: -EOPNOTSUPP, as xl.cfg(5) says).
 */
int domain_soft_reset(struct domain *d)
{
    if (d->is_privileged || d->dying)
        return -EINVAL;
    if (!d->is_hvm)
        return -EOPNOTSUPP;
    if (!d->shutdown || d->shutdown_reason != SHUTDOWN_soft_reset)
        return -EINVAL;
    if (!d->pause_count)
        return -EBUSY;
    evtchn_fini(d);
    for (unsigned i = 0; i < d->gnttab.nr_frames; i++) {
        void *f = guest_ram_map(&d->ram, d->gnttab.frames[i], 1);
        if (f) {
            memset(f, 0, 1u << GUEST_PAGE_SHIFT);
            guest_ram_unmap(f, 1);
        }
    }
    d->gnttab.version = 1;
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        v->vcpu_info = NULL;
        v->vcpu_info_registered = false;
        if (i && guest_run && guest_run->vcpu_is_up && guest_run->vcpu_is_up(v))
            guest_run->vcpu_down(v);
    }
    if (d->shared_info && !d->shinfo_compat) {
        struct shared_info *si = d->shared_info;
        memset(si->evtchn_pending, 0, sizeof(si->evtchn_pending));
        memset(si->evtchn_mask, 0, sizeof(si->evtchn_mask));
        for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++) {
            si->vcpu_info[i].evtchn_upcall_pending = 0;
            si->vcpu_info[i].evtchn_pending_sel = 0;
        }
    }
    d->shutdown = false;
    d->shutdown_code = -1;
    log_info("domain %u: soft reset", d->domid);
    return 0;
}

void domain_fill_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    unsigned online = 0, blocked = 0, max_id = XEN_INVALID_MAX_VCPU_ID;

    memset(info, 0, sizeof(*info));
    info->domain = d->domid;
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        max_id = i;
        online += d->vcpus[i]->online;
        blocked += d->vcpus[i]->online && d->vcpus[i]->blocked;
    }
    if (d->is_privileged) {
        online = 1; /* the toolstack is running */
        max_id = 0;
    }
    info->flags = (d->dying ? XEN_DOMINF_dying : 0) | (d->is_hvm ? XEN_DOMINF_hvm_guest : 0) |
                  (d->shutdown ? XEN_DOMINF_shutdown : 0) |
                  ((d->shutdown_reason & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift) |
                  (d->cdf_flags & XEN_DOMCTL_CDF_hap ? XEN_DOMINF_hap : 0);
    if (d->pause_count)
        info->flags |= XEN_DOMINF_paused;
    else if (d->is_privileged)
        info->flags |= XEN_DOMINF_running;
    else if (d->shutdown)
        ; /* as Xen: its vCPUs neither run nor wait (---s--) */
    else if (online && blocked < online)
        info->flags |= XEN_DOMINF_running;
    else
        info->flags |= XEN_DOMINF_blocked;
    info->tot_pages = d->ram.tot_pages;
    info->max_pages = d->ram.max_pages;
    info->shared_info_frame = d->shared_info_mfn;
    info->cpu_time = d->cpu_time_ns;
    info->nr_online_vcpus = online;
    info->max_vcpu_id = max_id;
    info->ssidref = d->ssidref;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->cpupool = 0;
    info->gpaddr_bits = 36; /* GUEST_RAM_FRAMES: 64 GiB */
    info->arch_config.emulation_flags = d->emulation_flags;
    info->arch_config.misc_flags = d->misc_flags;
}
