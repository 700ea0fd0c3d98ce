/*
 * evtchn.c: event channels (see evtchn.h) and HYPERVISOR_event_channel_op.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "evtchn.h"
#include "hypercall.h"
#include "log.h"

/*
 * The 2-level bitmaps in shared info, in the guest's layout: 64-bit words,
 * or Xen's compat layout for a 32-bit HVM guest (32-bit words: 1024 ports,
 * the mask right after a 128-byte pending array, a 32-bit selector).  Bit
 * arrays are little-endian either way, so port p is bit p%8 of byte p/8.
 */
#define COMPAT_SHINFO_MASK_OFFSET (offsetof(struct shared_info, evtchn_pending) + 128)

static unsigned shinfo_word_bits(const struct domain *d)
{
    return d->shinfo_compat ? 32 : 64;
}

static unsigned shinfo_ports(const struct domain *d)
{
    return shinfo_word_bits(d) * shinfo_word_bits(d);
}

static uint8_t *shinfo_pending(struct domain *d)
{
    return (uint8_t *)d->shared_info + offsetof(struct shared_info, evtchn_pending);
}

static uint8_t *shinfo_mask(struct domain *d)
{
    return (uint8_t *)d->shared_info + (d->shinfo_compat
                                            ? COMPAT_SHINFO_MASK_OFFSET
                                            : offsetof(struct shared_info, evtchn_mask));
}

static bool bit_set(uint8_t *a, unsigned p) /* returns the old bit */
{
    uint8_t b = (uint8_t)(1u << (p % 8));
    return __atomic_fetch_or(&a[p / 8], b, __ATOMIC_SEQ_CST) & b;
}

static bool bit_clear(uint8_t *a, unsigned p)
{
    uint8_t b = (uint8_t)(1u << (p % 8));
    return __atomic_fetch_and(&a[p / 8], (uint8_t)~b, __ATOMIC_SEQ_CST) & b;
}

static bool bit_test(uint8_t *a, unsigned p)
{
    return __atomic_load_n(&a[p / 8], __ATOMIC_SEQ_CST) & (1u << (p % 8));
}

/* The vCPU a port notifies: a bound vCPU the domain no longer has means
 * vCPU 0. */
static unsigned notify_vcpu(const struct domain *d, unsigned vcpu)
{
    return vcpu < d->max_vcpus ? vcpu : 0;
}

int evtchn_init(struct domain *d, unsigned max_port)
{
    d->evtchn = (struct evtchn_table){.max_port = max_port};
    return 0;
}

static struct evtchn *port_get(struct domain *d, evtchn_port_t port)
{
    if (port >= d->evtchn.nr_ports)
        return NULL;
    return &d->evtchn.ports[port];
}

/* A free port (never 0, which Xen reserves), growing the table. */
static int port_alloc(struct domain *d, evtchn_port_t *out)
{
    struct evtchn_table *t = &d->evtchn;
    unsigned n;

    for (unsigned p = 1; p < t->nr_ports; p++) {
        if (t->ports[p].state == EVTCHNSTAT_closed) {
            *out = p;
            return 0;
        }
    }
    if (t->nr_ports > t->max_port)
        return -ENOSPC;
    n = t->nr_ports ? t->nr_ports * 2 : 64;
    if (n > t->max_port + 1)
        n = t->max_port + 1;
    if (n <= t->nr_ports)
        return -ENOSPC;
    struct evtchn *ports = realloc(t->ports, n * sizeof(*ports));
    if (!ports)
        return -ENOMEM;
    memset(ports + t->nr_ports, 0, (n - t->nr_ports) * sizeof(*ports));
    t->ports = ports;
    *out = t->nr_ports ? t->nr_ports : 1;
    t->nr_ports = n;
    return 0;
}

static void port_reset(struct evtchn *ch)
{
    *ch = (struct evtchn){.state = EVTCHNSTAT_closed};
}

void evtchn_fini(struct domain *d)
{
    for (evtchn_port_t p = 1; p < d->evtchn.nr_ports; p++)
        evtchn_close(d, p);
    free(d->evtchn.ports);
    d->evtchn.ports = NULL;
    d->evtchn.nr_ports = 0;
}

int evtchn_alloc_unbound(struct domain *d, domid_t remote_dom, evtchn_port_t *port)
{
    int rc = port_alloc(d, port);

    if (rc)
        return rc;
    port_reset(&d->evtchn.ports[*port]);
    d->evtchn.ports[*port].state = EVTCHNSTAT_unbound;
    d->evtchn.ports[*port].remote_dom = remote_dom;
    return 0;
}

int evtchn_bind_interdomain(struct domain *d, domid_t remote_dom, evtchn_port_t remote_port,
                            evtchn_port_t *local_port)
{
    struct domain *rd = domain_lookup(remote_dom);
    struct evtchn *rch, *lch;
    int rc;

    if (!rd || rd->dying)
        return -ESRCH;
    rch = port_get(rd, remote_port);
    if (!rch || rch->state != EVTCHNSTAT_unbound || rch->remote_dom != d->domid)
        return -EINVAL;
    rc = port_alloc(d, local_port);
    if (rc)
        return rc;
    rch = port_get(rd, remote_port); /* d == rd: the table may have moved */
    lch = &d->evtchn.ports[*local_port];
    port_reset(lch);
    lch->state = EVTCHNSTAT_interdomain;
    lch->remote_dom = rd->domid;
    lch->remote_port = remote_port;
    rch->state = EVTCHNSTAT_interdomain;
    rch->remote_dom = d->domid;
    rch->remote_port = *local_port;
    /* As on Xen: the remote end may have missed an event while unbound. */
    evtchn_set_pending(d, *local_port);
    return 0;
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *ch = port_get(d, port);

    if (!ch || port == 0)
        return -EINVAL;
    if (ch->state == EVTCHNSTAT_interdomain) {
        struct domain *rd = domain_lookup(ch->remote_dom);
        struct evtchn *rch = rd ? port_get(rd, ch->remote_port) : NULL;
        if (rch && rch->state == EVTCHNSTAT_interdomain && rch->remote_dom == d->domid &&
            rch->remote_port == port) {
            rch->state = EVTCHNSTAT_unbound;
            rch->remote_port = 0;
        }
    }
    port_reset(ch);
    __atomic_fetch_and(&d->evtchn.deferred[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
    /* As Xen's evtchn_free: the port, bound again, must not find an old
     * event (Linux's spinlock kicker port, pending when a CPU went offline,
     * fired its BUG() handler when the CPU came back). */
    if (d->shared_info && port < shinfo_ports(d))
        bit_clear(shinfo_pending(d), port);
    return 0;
}

unsigned evtchn_close_conn(struct domain *d, uint64_t conn_id)
{
    unsigned closed = 0;

    if (!conn_id)
        return 0;
    for (evtchn_port_t p = 1; p < d->evtchn.nr_ports; p++)
        if (d->evtchn.ports[p].state != EVTCHNSTAT_closed &&
            d->evtchn.ports[p].conn_id == conn_id && !evtchn_close(d, p))
            closed++;
    return closed;
}

/*
 * Why events from other threads wait for the domain's own thread: the CPU
 * emulator runs a guest's locked read-modify-write (lock btr, xchg) as a
 * plain load and store, atomic only against its own thread (unicorn's TCG
 * runs without CF_PARALLEL).  A bit another thread set between them was
 * written back cleared, and the event was lost: a guest spinning on
 * test_and_clear of a port lost ~2.5% of its xenstore replies, Linux
 * stalled now and then with a port pending that it never saw.  So only
 * the thread that runs d's vCPUs writes d's event bits, between runs;
 * others queue the port here and kick it (evtchn_apply_deferred).
 */
static void defer_event(struct domain *d, evtchn_port_t port, unsigned vcpu)
{
    __atomic_fetch_or(&d->evtchn.deferred[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
    __atomic_store_n(&d->evtchn.any_deferred, true, __ATOMIC_SEQ_CST);
    d->kick(d, notify_vcpu(d, vcpu));
}

bool evtchn_has_deferred(struct domain *d)
{
    return __atomic_load_n(&d->evtchn.any_deferred, __ATOMIC_SEQ_CST);
}

void evtchn_apply_deferred(struct domain *d)
{
    if (!__atomic_exchange_n(&d->evtchn.any_deferred, false, __ATOMIC_SEQ_CST))
        return;
    for (unsigned w = 0; w < EVTCHN_2L_NR_PORTS / 64; w++) {
        uint64_t bits = __atomic_exchange_n(&d->evtchn.deferred[w], 0, __ATOMIC_SEQ_CST);
        while (bits) {
            evtchn_port_t port = w * 64 + (unsigned)__builtin_ctzll(bits);
            struct evtchn *ch = port_get(d, port);
            bits &= bits - 1;
            if (ch && ch->state != EVTCHNSTAT_closed)
                evtchn_set_pending(d, port);
        }
    }
}

void evtchn_set_pending(struct domain *d, evtchn_port_t port)
{
    struct evtchn *ch = port_get(d, port);
    struct shared_info *si = d->shared_info;

    if (!ch)
        return;
    if (ch->handler) {
        ch->handler(ch->opaque, d, port);
        return;
    }
    if (!si) {
        ch->pending = true;
        return;
    }
    if (port >= shinfo_ports(d))
        return;
    if (d->kick && !domain_on_own_thread(d)) {
        defer_event(d, port, ch->vcpu);
        return;
    }
    if (bit_set(shinfo_pending(d), port))
        return;
    if (bit_test(shinfo_mask(d), port)) {
        /* As Xen: a vCPU polling a masked port (SCHEDOP_poll) wakes. */
        if (d->kick)
            d->kick(d, ch->vcpu < d->max_vcpus ? ch->vcpu : 0);
        return;
    }
    unsigned word = port / shinfo_word_bits(d);
    evtchn_mark_upcall(d, ch->vcpu, word);
}

/* vcpu's pending-selector bit for word (the compat selector is 32-bit,
 * at offset 4). */
static bool selector_test(struct domain *d, unsigned vcpu, unsigned word)
{
    struct vcpu_info *vi = domain_vcpu_info(d, notify_vcpu(d, vcpu));

    if (!vi)
        return false;
    if (d->shinfo_compat)
        return __atomic_load_n((uint32_t *)((uint8_t *)vi + 4), __ATOMIC_SEQ_CST) >> word & 1;
    return __atomic_load_n(&vi->evtchn_pending_sel, __ATOMIC_SEQ_CST) >> word & 1;
}

void evtchn_dump(struct domain *d)
{
    static const char *const states[] = {"closed", "unbound", "interdomain", "pirq", "virq", "ipi"};
    unsigned queued = 0;

    log_info("Event channel information for domain %u:", d->domid);
    log_info("    port [p/m/s]");
    for (evtchn_port_t p = 1; p < d->evtchn.nr_ports; p++) {
        struct evtchn *ch = &d->evtchn.ports[p];
        bool pend = ch->pending, mask = false, sel = false;
        char other[48] = "";

        if (ch->state == EVTCHNSTAT_closed)
            continue;
        if (d->shared_info && p < shinfo_ports(d)) {
            pend = bit_test(shinfo_pending(d), p);
            mask = bit_test(shinfo_mask(d), p);
            sel = selector_test(d, ch->vcpu, p / shinfo_word_bits(d));
        }
        if (ch->state == EVTCHNSTAT_interdomain)
            snprintf(other, sizeof(other), " d=%u p=%u", ch->remote_dom, ch->remote_port);
        else if (ch->state == EVTCHNSTAT_unbound)
            snprintf(other, sizeof(other), " d=%u", ch->remote_dom);
        else if (ch->state == EVTCHNSTAT_virq)
            snprintf(other, sizeof(other), " v=%u", ch->virq);
        log_info("    %4u [%d/%d/%d]: s=%u (%s) n=%u x=%d%s", p, pend, mask, sel, ch->state,
                 ch->state < 6 ? states[ch->state] : "?", ch->vcpu, ch->handler != NULL, other);
    }
    for (unsigned w = 0; w < EVTCHN_2L_NR_PORTS / 64; w++)
        queued += (unsigned)__builtin_popcountll(
            __atomic_load_n(&d->evtchn.deferred[w], __ATOMIC_SEQ_CST));
    if (queued)
        log_info("    %u event(s) queued for the domain's thread", queued);
}

void evtchn_mark_upcall(struct domain *d, unsigned vcpu, unsigned word)
{
    struct vcpu_info *vi;

    vcpu = notify_vcpu(d, vcpu);
    vi = domain_vcpu_info(d, vcpu);
    if (!vi)
        return;
    if (d->shinfo_compat) /* a 32-bit selector at offset 4 */
        __atomic_fetch_or((uint32_t *)((uint8_t *)vi + 4), 1u << word, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or(&vi->evtchn_pending_sel, (xen_ulong_t)1 << word, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    if (d->kick)
        d->kick(d, vcpu);
}

int evtchn_send_virq(struct domain *d, unsigned vcpu, unsigned virq)
{
    for (evtchn_port_t p = 1; p < d->evtchn.nr_ports; p++) {
        struct evtchn *ch = &d->evtchn.ports[p];
        if (ch->state == EVTCHNSTAT_virq && ch->virq == virq && ch->vcpu == vcpu) {
            evtchn_set_pending(d, p);
            return 0;
        }
    }
    return -ENOENT;
}

bool evtchn_is_pending(struct domain *d, evtchn_port_t port)
{
    struct shared_info *si = d->shared_info;

    if (port >= d->evtchn.nr_ports || !si)
        return false;
    return port < shinfo_ports(d) && bit_test(shinfo_pending(d), port);
}

int evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *ch = port_get(d, port);

    if (!ch || port == 0)
        return -EINVAL;
    switch (ch->state) {
    case EVTCHNSTAT_interdomain: {
        struct domain *rd = domain_lookup(ch->remote_dom);
        if (rd)
            evtchn_set_pending(rd, ch->remote_port);
        return 0;
    }
    case EVTCHNSTAT_ipi:
        evtchn_set_pending(d, port);
        return 0;
    case EVTCHNSTAT_unbound:
        return 0; /* dropped, as on Xen */
    default:
        return -EINVAL;
    }
}

int evtchn_status(struct domain *d, evtchn_port_t port, struct evtchn_status *st)
{
    struct evtchn *ch = port_get(d, port);

    if (port > d->evtchn.max_port)
        return -EINVAL;
    st->status = ch ? ch->state : EVTCHNSTAT_closed;
    st->vcpu = ch ? ch->vcpu : 0;
    memset(&st->u, 0, sizeof(st->u));
    if (!ch)
        return 0;
    switch (ch->state) {
    case EVTCHNSTAT_unbound:
        st->u.unbound.dom = ch->remote_dom;
        break;
    case EVTCHNSTAT_interdomain:
        st->u.interdomain.dom = ch->remote_dom;
        st->u.interdomain.port = ch->remote_port;
        break;
    case EVTCHNSTAT_virq:
        st->u.virq = ch->virq;
        break;
    }
    return 0;
}

int evtchn_set_handler(struct domain *d, evtchn_port_t port, evtchn_handler_fn *fn, void *opaque)
{
    struct evtchn *ch = port_get(d, port);

    if (!ch || ch->state == EVTCHNSTAT_closed)
        return -EINVAL;
    ch->handler = fn;
    ch->opaque = opaque;
    return 0;
}

bool evtchn_test_and_clear(struct domain *d, evtchn_port_t port)
{
    struct evtchn *ch = port_get(d, port);
    bool was = ch && ch->pending;

    if (ch)
        ch->pending = false;
    return was;
}

/* The hypercall: one row per sub-op. */
struct evtchn_op_row {
    const char *name;
    size_t size;
    unsigned callers;
    int (*fn)(struct hc_caller *c, void *arg);
};

static int op_alloc_unbound(struct hc_caller *c, void *arg)
{
    struct evtchn_alloc_unbound *a = arg;
    struct domain *d = hc_domain(c, a->dom);
    domid_t remote = a->remote_dom == DOMID_SELF ? c->d->domid : a->remote_dom;
    int rc;

    if (!d)
        return -ESRCH;
    if (hc_may_control(c, d))
        return -EPERM;
    if (remote >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    rc = evtchn_alloc_unbound(d, remote, &a->port);
    if (!rc && d == c->d)
        d->evtchn.ports[a->port].conn_id = c->conn_id;
    return rc;
}

static int op_bind_interdomain(struct hc_caller *c, void *arg)
{
    struct evtchn_bind_interdomain *a = arg;
    domid_t remote = a->remote_dom == DOMID_SELF ? c->d->domid : a->remote_dom;
    int rc = evtchn_bind_interdomain(c->d, remote, a->remote_port, &a->local_port);

    if (!rc)
        c->d->evtchn.ports[a->local_port].conn_id = c->conn_id;
    return rc;
}

static int op_send(struct hc_caller *c, void *arg)
{
    return evtchn_send(c->d, ((struct evtchn_send *)arg)->port);
}

static int op_close(struct hc_caller *c, void *arg)
{
    return evtchn_close(c->d, ((struct evtchn_close *)arg)->port);
}

static int op_status(struct hc_caller *c, void *arg)
{
    struct evtchn_status *a = arg;
    struct domain *d = hc_domain(c, a->dom);

    if (!d)
        return -ESRCH;
    if (hc_may_control(c, d))
        return -EPERM;
    return evtchn_status(d, a->port, a);
}

static int op_bind_virq(struct hc_caller *c, void *arg)
{
    struct evtchn_bind_virq *a = arg;
    struct domain *d = c->d;
    int rc;

    if (a->virq >= NR_VIRQS)
        return -EINVAL;
    if (a->vcpu >= d->max_vcpus)
        return -ENOENT;
    /* Global VIRQs go to vCPU 0 only; per-vCPU ones once per vCPU. */
    if (a->virq != VIRQ_TIMER && a->virq != VIRQ_DEBUG && a->vcpu != 0)
        return -EINVAL;
    for (evtchn_port_t p = 1; p < d->evtchn.nr_ports; p++) {
        struct evtchn *ch = &d->evtchn.ports[p];
        if (ch->state == EVTCHNSTAT_virq && ch->virq == a->virq && ch->vcpu == a->vcpu)
            return -EEXIST;
    }
    rc = port_alloc(d, &a->port);
    if (rc)
        return rc;
    port_reset(&d->evtchn.ports[a->port]);
    d->evtchn.ports[a->port].state = EVTCHNSTAT_virq;
    d->evtchn.ports[a->port].virq = a->virq;
    d->evtchn.ports[a->port].vcpu = a->vcpu;
    return 0;
}

static int op_bind_ipi(struct hc_caller *c, void *arg)
{
    struct evtchn_bind_ipi *a = arg;
    struct domain *d = c->d;
    int rc;

    if (a->vcpu >= d->max_vcpus)
        return -ENOENT;
    rc = port_alloc(d, &a->port);
    if (rc)
        return rc;
    port_reset(&d->evtchn.ports[a->port]);
    d->evtchn.ports[a->port].state = EVTCHNSTAT_ipi;
    d->evtchn.ports[a->port].vcpu = a->vcpu;
    return 0;
}

static int op_bind_vcpu(struct hc_caller *c, void *arg)
{
    struct evtchn_bind_vcpu *a = arg;
    struct evtchn *ch = port_get(c->d, a->port);

    if (!ch || a->port == 0 || ch->state == EVTCHNSTAT_closed)
        return -EINVAL;
    if (a->vcpu >= c->d->max_vcpus)
        return -ENOENT;
    if (ch->state == EVTCHNSTAT_virq && ch->virq != VIRQ_TIMER && ch->virq != VIRQ_DEBUG)
        return -EINVAL;
    ch->vcpu = a->vcpu;
    return 0;
}

static int op_unmask(struct hc_caller *c, void *arg)
{
    struct evtchn_unmask *a = arg;
    struct domain *d = c->d;
    struct shared_info *si = d->shared_info;
    struct evtchn *ch = port_get(d, a->port);

    if (!ch || !si)
        return -EINVAL;
    if (a->port >= shinfo_ports(d))
        return -EINVAL;
    if (bit_clear(shinfo_mask(d), a->port) && bit_test(shinfo_pending(d), a->port))
        evtchn_mark_upcall(d, ch->vcpu, a->port / shinfo_word_bits(d));
    return 0;
}

static const struct evtchn_op_row evtchn_ops[] = {
    [EVTCHNOP_bind_interdomain] = {"bind_interdomain", sizeof(struct evtchn_bind_interdomain),
                                   CALLERS_ALL, op_bind_interdomain},
    [EVTCHNOP_bind_virq] = {"bind_virq", sizeof(struct evtchn_bind_virq), CALLERS_GUESTS,
                            op_bind_virq},
    [EVTCHNOP_close] = {"close", sizeof(struct evtchn_close), CALLERS_ALL, op_close},
    [EVTCHNOP_send] = {"send", sizeof(struct evtchn_send), CALLERS_ALL, op_send},
    [EVTCHNOP_status] = {"status", sizeof(struct evtchn_status), CALLERS_ALL, op_status},
    [EVTCHNOP_alloc_unbound] = {"alloc_unbound", sizeof(struct evtchn_alloc_unbound), CALLERS_ALL,
                                op_alloc_unbound},
    [EVTCHNOP_bind_ipi] = {"bind_ipi", sizeof(struct evtchn_bind_ipi), CALLERS_GUESTS, op_bind_ipi},
    [EVTCHNOP_bind_vcpu] = {"bind_vcpu", sizeof(struct evtchn_bind_vcpu), CALLERS_GUESTS,
                            op_bind_vcpu},
    [EVTCHNOP_unmask] = {"unmask", sizeof(struct evtchn_unmask), CALLERS_GUESTS, op_unmask},
};

long do_event_channel_op(struct hc_caller *c, const uint64_t args[5])
{
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_status status;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_ipi bind_ipi;
        uint8_t raw[64];
    } buf;
    const struct evtchn_op_row *row;
    int rc;

    if (args[0] >= sizeof(evtchn_ops) / sizeof(evtchn_ops[0]))
        return -ENOSYS;
    row = &evtchn_ops[args[0]];
    if (!row->fn || !(row->callers & (1u << c->kind)))
        return -ENOSYS;
    memset(&buf, 0, sizeof(buf));
    rc = c->copy_from(c, args[1], &buf, row->size);
    if (rc)
        return rc;
    rc = row->fn(c, &buf);
    if (!rc)
        rc = c->copy_to(c, args[1], &buf, row->size);
    return rc;
}
