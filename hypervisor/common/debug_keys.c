/*
 * debug_keys.c: XEN_SYSCTL_debug_keys, what `xl debug-keys` sends.  One
 * row per key, as Xen's keyhandlers: each writes what it shows to the log
 * and so to the hypervisor console ring (`xl dmesg`).  'h' lists the
 * keys, 'q' the domains and their vCPUs, 'e' every domain's event
 * channels.  A key without a row is ignored, as on Xen.  Everything runs
 * under hv_lock, on the control thread; what the vCPU runner reports is a
 * snapshot (the vCPUs go on running).
 */
#include "config.h"

#include <stdlib.h>

#include "debug_keys.h"
#include "domain.h"
#include "evtchn.h"
#include "guest_run.h"
#include "log.h"
#include "public/sched.h"
#include "public/xen.h"

struct debug_key {
    char key;
    const char *what;
    void (*fn)(void);
};

static const char *domain_kind(const struct domain *d)
{
    if (!d->is_hvm)
        return "pv";
    return has_vpic(d) ? "hvm" : "pvh";
}

static void dump_vcpu(struct domain *d, struct vcpu *v, uint64_t now)
{
    static const char *const runstates[] = {"running", "runnable", "blocked", "offline"};
    struct vcpu_info *vi = domain_vcpu_info(d, v->id);
    struct vcpu_runstate_info rs = {.state = RUNSTATE_offline};

    if (guest_run && guest_run->runstate)
        guest_run->runstate(v, &rs);
    log_info(
        "    VCPU%u: %s, %s for %llu ms; upcall_pending=%u upcall_mask=%u "
        "pending_sel=%#llx",
        v->id, v->online ? "up" : "down", rs.state < 4 ? runstates[rs.state] : "?",
        (unsigned long long)(now > rs.state_entry_time ? (now - rs.state_entry_time) / 1000000 : 0),
        vi ? vi->evtchn_upcall_pending : 0, vi ? vi->evtchn_upcall_mask : 0,
        vi ? (unsigned long long)vi->evtchn_pending_sel : 0ull);
}

static void key_domains(void)
{
    static const char *const reasons[] = {"poweroff", "reboot",   "suspend",
                                          "crash",    "watchdog", "soft_reset"};
    uint64_t now = guest_run && guest_run->now_ns ? guest_run->now_ns() : 0;

    log_info("'q' pressed -> dumping domain info (now = %llu ms)",
             (unsigned long long)(now / 1000000));
    for (struct domain *d = domain_next(0); d; d = domain_next((domid_t)(d->domid + 1))) {
        log_info("General information for domain %u:", d->domid);
        log_info("    type=%s, vcpus=%u, pages=%llu/%llu, pause_count=%u%s%s%s", domain_kind(d),
                 d->max_vcpus, (unsigned long long)d->ram.tot_pages,
                 (unsigned long long)d->ram.max_pages, d->pause_count,
                 d->shutdown ? ", shut down: " : "",
                 d->shutdown
                     ? (d->shutdown_reason <= SHUTDOWN_MAX ? reasons[d->shutdown_reason] : "?")
                     : "",
                 d->dying ? ", dying" : "");
        for (unsigned i = 0; i < d->max_vcpus && !d->is_privileged; i++)
            dump_vcpu(d, d->vcpus[i], now);
    }
}

static void key_evtchn(void)
{
    log_info("'e' pressed -> dumping event-channel info");
    for (struct domain *d = domain_next(0); d; d = domain_next((domid_t)(d->domid + 1)))
        evtchn_dump(d);
}

static void key_help(void);

static const struct debug_key debug_keys[] = {
    {'e', "dump evtchn info", key_evtchn},
    {'h', "show this message", key_help},
    {'q', "dump domain (and guest debug) info", key_domains},
};

static void key_help(void)
{
    log_info("'h' pressed -> showing installed handlers");
    for (size_t i = 0; i < sizeof(debug_keys) / sizeof(debug_keys[0]); i++)
        log_info(" key '%c' (ascii '%02x') => %s", debug_keys[i].key, debug_keys[i].key,
                 debug_keys[i].what);
}

void debug_keys_press(const char *keys, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        for (size_t i = 0; i < sizeof(debug_keys) / sizeof(debug_keys[0]); i++)
            if (debug_keys[i].key == keys[k])
                debug_keys[i].fn();
}
