/*
 * check_xenhv_core.c: xenhv's core without its sockets: the emulation-flag
 * rules, guest memory accounting, the console ring, and the hypercall
 * tables driven by a toolstack caller whose memory is a local buffer
 * (every pointer bounds-checked against it, as the control socket does),
 * and event channels between domains.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "console_ring.h"
#include "domain.h"
#include "guest_ram.h"
#include "hvm_context.h"
#include "hypercall.h"
#include "log.h"
#include "public/event_channel.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "public/sched.h"
#include "public/memory.h"
#include "public/version.h"
#include "watchdog.h"

/* The caller's memory: addresses are offsets from BUF_BASE. */
#define BUF_BASE 0x10000000ULL
#define BUF_SIZE (1u << 20)
static uint8_t *buf;

static int buf_check(uint64_t addr, size_t len)
{
    return addr >= BUF_BASE && addr - BUF_BASE <= BUF_SIZE && len <= BUF_SIZE - (addr - BUF_BASE)
               ? 0
               : -EFAULT;
}

static int buf_from(struct hc_caller *c, uint64_t addr, void *out, size_t len)
{
    int rc = buf_check(addr, len);
    if (!rc)
        memcpy(out, buf + (addr - BUF_BASE), len);
    return rc;
}

static int buf_to(struct hc_caller *c, uint64_t addr, const void *in, size_t len)
{
    int rc = buf_check(addr, len);
    if (!rc)
        memcpy(buf + (addr - BUF_BASE), in, len);
    return rc;
}

static struct hc_caller caller;

static void setup(void)
{
    static int dom0_made;

    buf = calloc(1, BUF_SIZE);
    if (!dom0_made) {
        log_set_stderr(0);
        ck_assert_int_eq(domain_create_dom0(), 0);
        dom0_made = 1;
    }
    caller = (struct hc_caller){
        .kind = CALLER_TOOLSTACK, .d = domain_lookup(0), .copy_from = buf_from, .copy_to = buf_to};
}

static void teardown(void)
{
    free(buf);
}

static long call(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t args[5] = {a0, a1, a2, 0, 0};
    long rc;

    pthread_mutex_lock(&hv_lock);
    rc = hypercall_dispatch(&caller, op, args);
    pthread_mutex_unlock(&hv_lock);
    return rc;
}

/* Put a domctl at the start of the buffer and run it. */
static long domctl(struct xen_domctl *op)
{
    long rc;

    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    memcpy(buf, op, sizeof(*op));
    rc = call(__HYPERVISOR_domctl, BUF_BASE, 0, 0);
    memcpy(op, buf, sizeof(*op));
    return rc;
}

static uint32_t create(uint32_t cdf, uint32_t emu)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};
    op.u.createdomain.flags = cdf;
    op.u.createdomain.arch.emulation_flags = emu;
    op.u.createdomain.max_vcpus = 2;
    op.u.createdomain.max_grant_frames = -1; /* the default */
    ck_assert_int_eq(domctl(&op), 0);
    return op.domain;
}

static void destroy(uint32_t domid)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_destroydomain, .domain = (domid_t)domid};
    ck_assert_int_eq(domctl(&op), 0);
}

START_TEST(emulation_flag_sets)
{
    struct xen_domctl_createdomain cfg = {.flags = XEN_DOMCTL_CDF_hvm};

    cfg.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
    ck_assert(domain_config_ok(&cfg));
    cfg.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    ck_assert(domain_config_ok(&cfg));
    for (uint32_t bad = 0; bad <= XEN_X86_EMU_ALL; bad += 7) {
        cfg.arch.emulation_flags = bad;
        ck_assert_int_eq(domain_config_ok(&cfg),
                         bad == XEN_X86_EMU_LAPIC || bad == (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI));
    }
    cfg.flags = 0;
    cfg.arch.emulation_flags = 0;
    ck_assert(domain_config_ok(&cfg));
    cfg.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    ck_assert(!domain_config_ok(&cfg));
    cfg.flags = XEN_DOMCTL_CDF_hap;
    cfg.arch.emulation_flags = 0;
    ck_assert(!domain_config_ok(&cfg));
    cfg.flags = 1u << 20;
    ck_assert(!domain_config_ok(&cfg));
}
END_TEST

START_TEST(feature_predicates)
{
    uint32_t pvh = create(XEN_DOMCTL_CDF_hvm, XEN_X86_EMU_LAPIC);
    uint32_t hvm = create(XEN_DOMCTL_CDF_hvm, XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI);
    struct domain *d;

    pthread_mutex_lock(&hv_lock);
    d = domain_lookup((domid_t)pvh);
    ck_assert(has_vlapic(d) && !has_emulated_pit(d) && !has_vpic(d) && !has_ioreq_servers(d));
    ck_assert(!allows_32bit_hypercalls(d));
    d = domain_lookup((domid_t)hvm);
    ck_assert(has_vlapic(d) && has_emulated_pit(d) && has_vpic(d) && has_vrtc(d) && !has_vpci(d));
    ck_assert(allows_32bit_hypercalls(d) && has_ioreq_servers(d));
    pthread_mutex_unlock(&hv_lock);
    destroy(pvh);
    destroy(hvm);
}
END_TEST

START_TEST(guest_ram_accounting)
{
    struct guest_ram ram;
    uint64_t gpfn, mfn;

    ck_assert_int_eq(guest_ram_init(&ram, 99), 0);
    ck_assert_int_eq(guest_ram_populate(&ram, 0, 0), -ENOMEM); /* max_pages 0 */
    ram.max_pages = 600;
    ck_assert_int_eq(guest_ram_populate(&ram, 0, 9), 0);
    ck_assert_int_eq(ram.tot_pages, 512);
    ck_assert_int_eq(guest_ram_populate(&ram, 0, 9), 0); /* again: nothing new */
    ck_assert_int_eq(ram.tot_pages, 512);
    ck_assert_int_eq(guest_ram_populate(&ram, 512, 9), -ENOMEM);
    ck_assert_int_eq(guest_ram_populate(&ram, 3, 1), -EINVAL); /* misaligned */
    ck_assert_int_eq(guest_ram_populate(&ram, GUEST_RAM_FRAMES, 0), -EINVAL);
    ck_assert_int_eq(guest_ram_populate(&ram, GUEST_RAM_FRAMES - 1, 1), -EINVAL);
    ck_assert_int_eq(guest_ram_populate(&ram, 0, 40), -EINVAL);
    ck_assert_int_eq(guest_ram_populate_run(&ram, 1000, 0, 88), 0);
    ck_assert_int_eq(ram.tot_pages, 600);
    ck_assert_int_eq(guest_ram_populate_run(&ram, 2000, 0, 1), -ENOMEM);
    ck_assert(guest_ram_populated(&ram, 1087) && !guest_ram_populated(&ram, 1088));
    ck_assert_int_eq(ram.max_gpfn, 1087);
    ck_assert_int_eq(guest_ram_release(&ram, 1000, 0), 0);
    ck_assert_int_eq(guest_ram_release(&ram, 1000, 0), -ENOENT);
    ck_assert_int_eq(ram.tot_pages, 599);
    ck_assert_int_eq(guest_ram_allocate(&ram, 0, &gpfn), 0);
    ck_assert(guest_ram_populated(&ram, gpfn));
    ck_assert_int_eq(guest_ram_allocate(&ram, 0, &gpfn), -ENOMEM);
    ck_assert(guest_ram_mappable(&ram, 5) && !guest_ram_mappable(&ram, 5000));
    ck_assert(!guest_ram_mappable(&ram, GUEST_SPECIAL_MFN(0)));
    ck_assert_int_eq(guest_ram_special(&ram, 0, &mfn), 0);
    ck_assert(guest_ram_mappable(&ram, mfn));
    ck_assert(!guest_ram_mappable(&ram, ~0ULL));
    ck_assert_int_eq(guest_ram_special(&ram, GUEST_NR_SPECIAL, &mfn), -EINVAL);
    ck_assert_ptr_null(guest_ram_map(&ram, GUEST_MEMFD_FRAMES, 1));
    guest_ram_fini(&ram);
}
END_TEST

START_TEST(console_ring_reads)
{
    char out[64];
    uint32_t idx = 0;
    size_t n;

    console_ring_read(out, sizeof(out), &idx, 0, 1); /* start empty */
    console_ring_write("hello ", 6);
    console_ring_write("world", 5);
    n = console_ring_read(out, 5, &idx, 0, 0);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(memcmp(out, "hello", 5), 0);
    n = console_ring_read(out, sizeof(out), &idx, 1, 0); /* continue from idx */
    ck_assert_int_eq(n, 6);
    ck_assert_int_eq(memcmp(out, " world", 6), 0);
    n = console_ring_read(out, sizeof(out), &idx, 1, 1);
    ck_assert_int_eq(n, 0);
    n = console_ring_read(out, sizeof(out), &idx, 0, 0); /* cleared */
    ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(domctl_lifecycle)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo};
    uint32_t domid = create(0, 0);

    op.domain = (domid_t)domid;
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_int_eq(op.domain, domid);
    ck_assert(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
    ck_assert_int_eq(op.u.getdomaininfo.max_vcpu_id, 1);

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_unpausedomain, .domain = (domid_t)domid};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_int_eq(domctl(&op), -EINVAL);

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo, .domain = 0};
    op.interface_version = 0x14;
    memcpy(buf, &op, sizeof(op));
    ck_assert_int_eq(call(__HYPERVISOR_domctl, BUF_BASE, 0, 0), -EACCES);
    ck_assert_int_eq(call(__HYPERVISOR_domctl, BUF_BASE + BUF_SIZE - 8, 0, 0), -EFAULT);
    ck_assert_int_eq(call(__HYPERVISOR_domctl, 0, 0, 0), -EFAULT);
    ck_assert_int_eq(call(77, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(call(__HYPERVISOR_sched_op, 0, 0, 0), -ENOSYS);

    destroy(domid);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_pausedomain, .domain = (domid_t)domid};
    ck_assert_int_eq(domctl(&op), -ESRCH);
}
END_TEST

START_TEST(memory_op_populate)
{
    uint32_t domid = create(0, 0);
    struct xen_domctl op = {.cmd = XEN_DOMCTL_max_mem, .domain = (domid_t)domid};
    struct xen_memory_reservation r = {.nr_extents = 300, .domid = (domid_t)domid};
    xen_pfn_t *list = (xen_pfn_t *)(buf + 4096);

    op.u.max_mem.max_memkb = 1024;
    ck_assert_int_eq(domctl(&op), 0);
    for (int i = 0; i < 300; i++)
        list[i] = (xen_pfn_t)(i < 150 ? i : 1000 + i); /* two runs */
    r.extent_start.p = (xen_pfn_t *)(uintptr_t)(BUF_BASE + 4096);
    memcpy(buf, &r, sizeof(r));
    ck_assert_int_eq(call(__HYPERVISOR_memory_op, XENMEM_populate_physmap, BUF_BASE, 0), 256);
    *(domid_t *)(buf + 2048) = (domid_t)domid;
    ck_assert_int_eq(call(__HYPERVISOR_memory_op, XENMEM_current_reservation, BUF_BASE + 2048, 0),
                     256);
    ck_assert_int_eq(call(__HYPERVISOR_memory_op, XENMEM_maximum_gpfn, BUF_BASE + 2048, 0), 1255);
    r.nr_extents = 10;
    memcpy(buf, &r, sizeof(r));
    ck_assert_int_eq(call(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, BUF_BASE, 0), 10);
    ck_assert_int_eq(call(__HYPERVISOR_memory_op, XENMEM_current_reservation, BUF_BASE + 2048, 0),
                     246);
    r.extent_start.p = (xen_pfn_t *)(uintptr_t)(BUF_BASE + BUF_SIZE - 8);
    r.nr_extents = 1ULL << 40;
    memcpy(buf, &r, sizeof(r));
    ck_assert_int_lt(call(__HYPERVISOR_memory_op, XENMEM_populate_physmap, BUF_BASE, 0), 2);
    destroy(domid);
}
END_TEST

START_TEST(evtchn_between_domains)
{
    uint32_t a = create(0, 0), b = create(XEN_DOMCTL_CDF_hvm, XEN_X86_EMU_LAPIC);
    struct evtchn_alloc_unbound au = {.dom = (domid_t)a, .remote_dom = (domid_t)b};
    struct evtchn_status st = {.dom = (domid_t)a};
    struct domain *db;
    evtchn_port_t bport;

    memcpy(buf, &au, sizeof(au));
    ck_assert_int_eq(call(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, BUF_BASE, 0), 0);
    memcpy(&au, buf, sizeof(au));
    ck_assert_int_gt(au.port, 0);

    pthread_mutex_lock(&hv_lock);
    db = domain_lookup((domid_t)b);
    ck_assert_int_eq(evtchn_bind_interdomain(db, (domid_t)a, au.port, &bport), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(db, (domid_t)a, au.port, &bport), -EINVAL);
    /* b sends: a's port becomes pending in a's shared info. */
    ck_assert_int_eq(evtchn_send(db, bport), 0);
    struct shared_info *si = domain_lookup((domid_t)a)->shared_info;
    ck_assert(si->evtchn_pending[au.port / 64] & (1ULL << (au.port % 64)));
    ck_assert(si->vcpu_info[0].evtchn_upcall_pending);
    pthread_mutex_unlock(&hv_lock);

    st.port = au.port;
    memcpy(buf, &st, sizeof(st));
    ck_assert_int_eq(call(__HYPERVISOR_event_channel_op, EVTCHNOP_status, BUF_BASE, 0), 0);
    memcpy(&st, buf, sizeof(st));
    ck_assert_int_eq(st.status, EVTCHNSTAT_interdomain);
    ck_assert_int_eq(st.u.interdomain.dom, b);
    ck_assert_int_eq(st.u.interdomain.port, bport);

    /* Destroying b leaves a's port unbound again. */
    destroy(b);
    memcpy(buf, &st, sizeof(st));
    ck_assert_int_eq(call(__HYPERVISOR_event_channel_op, EVTCHNOP_status, BUF_BASE, 0), 0);
    memcpy(&st, buf, sizeof(st));
    ck_assert_int_eq(st.status, EVTCHNSTAT_unbound);
    destroy(a);
}
END_TEST

/* While a domain's vCPUs may run (it has a kick), an event from another
 * thread waits for the domain's own thread: the guest's locked
 * read-modify-writes are not atomic against other threads (evtchn.c). */
static unsigned kicks;
static void count_kick(struct domain *d, unsigned vcpu)
{
    kicks++;
}

START_TEST(evtchn_deferred_to_own_thread)
{
    uint32_t a = create(0, 0), b = create(0, 0);
    struct domain *da, *db;
    evtchn_port_t aport, bport, bport2;

    pthread_mutex_lock(&hv_lock);
    da = domain_lookup((domid_t)a);
    db = domain_lookup((domid_t)b);
    ck_assert_int_eq(evtchn_alloc_unbound(db, (domid_t)a, &bport), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(da, (domid_t)b, bport, &aport), 0);
    struct shared_info *si = db->shared_info;
    uint64_t bit = 1ULL << (bport % 64);
    db->kick = count_kick;
    kicks = 0;

    /* From this (the test's) thread: queued, b kicked, nothing written. */
    ck_assert_int_eq(evtchn_send(da, aport), 0);
    ck_assert_int_eq(kicks, 1);
    ck_assert(!(si->evtchn_pending[bport / 64] & bit));
    ck_assert(!si->vcpu_info[0].evtchn_upcall_pending);
    ck_assert(evtchn_has_deferred(db));
    /* b's thread sets it. */
    domain_bind_thread(db);
    evtchn_apply_deferred(db);
    ck_assert(!evtchn_has_deferred(db));
    ck_assert(si->evtchn_pending[bport / 64] & bit);
    ck_assert(si->vcpu_info[0].evtchn_upcall_pending);
    /* On b's own thread an event is set at once. */
    si->evtchn_pending[bport / 64] &= ~bit;
    ck_assert_int_eq(evtchn_send(da, aport), 0);
    ck_assert(si->evtchn_pending[bport / 64] & bit);
    ck_assert(!evtchn_has_deferred(db));

    /* A port closed before its deferred event is set never sees it, nor
     * does the next binding of that port. */
    si->evtchn_pending[bport / 64] &= ~bit;
    domain_bind_thread(NULL);
    ck_assert_int_eq(evtchn_send(da, aport), 0);
    ck_assert_int_eq(evtchn_close(db, bport), 0);
    ck_assert_int_eq(evtchn_alloc_unbound(db, (domid_t)a, &bport2), 0);
    ck_assert_int_eq(bport2, bport);
    domain_bind_thread(db);
    evtchn_apply_deferred(db);
    ck_assert(!(si->evtchn_pending[bport / 64] & bit));
    domain_bind_thread(NULL);
    db->kick = NULL;
    pthread_mutex_unlock(&hv_lock);
    destroy(b);
    destroy(a);
}
END_TEST

/* A guest's own calls: the HVM column, a 32-bit caller's compat shared
 * info (latched when it sets the callback), what guests may not set. */
START_TEST(guest_column_compat_events)
{
    uint32_t g = create(XEN_DOMCTL_CDF_hvm, XEN_X86_EMU_LAPIC);
    struct domain *d;
    struct hc_caller saved = caller;
    struct xen_hvm_param p = {
        .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ, .value = (2ULL << 56) | 0xf3};
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 7};
    struct evtchn_unmask um;
    evtchn_port_t port;

    pthread_mutex_lock(&hv_lock);
    d = domain_lookup((domid_t)g);
    pthread_mutex_unlock(&hv_lock);
    caller = (struct hc_caller){.kind = CALLER_HVM,
                                .d = d,
                                .v = d->vcpus[0],
                                .compat = true,
                                .copy_from = buf_from,
                                .copy_to = buf_to};

    memcpy(buf, &p, sizeof(p));
    ck_assert_int_eq(call(__HYPERVISOR_hvm_op, HVMOP_set_param, BUF_BASE, 0), 0);
    ck_assert(d->shinfo_compat);
    p.index = HVM_PARAM_STORE_PFN;
    memcpy(buf, &p, sizeof(p));
    ck_assert_int_eq(call(__HYPERVISOR_hvm_op, HVMOP_set_param, BUF_BASE, 0), -EPERM);
    memcpy(buf, &bv, sizeof(bv));
    ck_assert_int_eq(call(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, BUF_BASE, 0), -ENOENT);
    bv.virq = NR_VIRQS;
    bv.vcpu = 0;
    memcpy(buf, &bv, sizeof(bv));
    ck_assert_int_eq(call(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, BUF_BASE, 0), -EINVAL);
    /* No vCPU runner in this test: the scheduling hypercalls are absent. */
    ck_assert_int_eq(call(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), -ENOSYS);

    /* Port 40 in compat layout: word 1 bit 8; mask right after 128 bytes
     * of pending bits; a 32-bit selector at offset 4 of vcpu_info. */
    pthread_mutex_lock(&hv_lock);
    while (evtchn_alloc_unbound(d, (domid_t)g, &port) == 0 && port < 40)
        ;
    ck_assert_int_eq(port, 40);
    uint8_t *si = d->shared_info;
    uint8_t *pending = si + offsetof(struct shared_info, evtchn_pending);
    uint8_t *mask = pending + 128;
    uint32_t sel;
    ck_assert_int_eq(evtchn_bind_interdomain(d, (domid_t)g, 40, &port), 0);
    memset(si, 0, 8); /* forget the bind's own event */
    mask[5] |= 1;     /* port 40 masked */
    ck_assert_int_eq(evtchn_send(d, port), 0);
    ck_assert(pending[5] & 1); /* 40 is pending ... */
    memcpy(&sel, si + 4, 4);
    ck_assert_int_eq(sel, 0); /* ... but masked: no selector bit */
    ck_assert(!si[0]);
    pthread_mutex_unlock(&hv_lock);
    um.port = 40;
    memcpy(buf, &um, sizeof(um));
    ck_assert_int_eq(call(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask, BUF_BASE, 0), 0);
    memcpy(&sel, si + 4, 4);
    ck_assert_int_eq(sel & 2, 2); /* word 1 of 32-bit words */
    ck_assert_int_eq(mask[5] & 1, 0);
    ck_assert(si[0]); /* evtchn_upcall_pending */

    caller = saved;
    destroy(g);
}
END_TEST

START_TEST(xen_version_subops)
{
    ck_assert_int_eq(call(__HYPERVISOR_xen_version, XENVER_version, 0, 0), (4 << 16) | 17);
    ck_assert_int_eq(call(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);
    ck_assert_int_eq(call(__HYPERVISOR_xen_version, XENVER_capabilities, BUF_BASE, 0), 0);
    ck_assert_ptr_nonnull(strstr((char *)buf, "hvm-3.0-x86_64"));
    ck_assert_int_eq(
        call(__HYPERVISOR_xen_version, XENVER_capabilities, BUF_BASE + BUF_SIZE - 10, 0), -EFAULT);
    ck_assert_int_eq(call(__HYPERVISOR_xen_version, 99, 0, 0), -ENOSYS);
}
END_TEST

START_TEST(hvm_context_records)
{
    uint8_t blob[512] = {0};
    struct hvm_save_descriptor d = {.typecode = HVM_SAVE_CODE_HEADER, .length = 24};
    struct hvm_save_header h = {.magic = HVM_FILE_MAGIC, .version = HVM_FILE_VERSION};
    const uint8_t *payload;
    uint32_t plen;

    memcpy(blob, &d, 8);
    memcpy(blob + 8, &h, 24);
    d = (struct hvm_save_descriptor){.typecode = 7, .instance = 3, .length = 4};
    memcpy(blob + 32, &d, 8);
    memcpy(blob + 40, "abcd", 4);
    d = (struct hvm_save_descriptor){.typecode = HVM_SAVE_CODE_END};
    memcpy(blob + 44, &d, 8);
    ck_assert_int_eq(hvm_context_find(blob, 52, 7, 3, &payload, &plen), 0);
    ck_assert_int_eq(plen, 4);
    ck_assert_int_eq(memcmp(payload, "abcd", 4), 0);
    ck_assert_int_eq(hvm_context_find(blob, 52, 7, 4, &payload, &plen), -ENOENT);
    /* Truncated anywhere: no complete END inside the blob. */
    for (uint32_t len = 0; len < 52; len++)
        ck_assert_int_eq(hvm_context_find(blob, len, 99, 0, &payload, &plen), -EINVAL);
    ck_assert_int_eq(hvm_context_find(blob, 52, 99, 0, &payload, &plen), -ENOENT);
    /* A record claiming more than there is. */
    d = (struct hvm_save_descriptor){.typecode = 7, .length = 0xffffffffu};
    memcpy(blob + 32, &d, 8);
    ck_assert_int_eq(hvm_context_find(blob, 52, 99, 0, &payload, &plen), -EINVAL);
    /* Not starting with a header. */
    ck_assert_int_eq(hvm_context_find(blob + 32, 20, 99, 0, &payload, &plen), -EINVAL);
}
END_TEST

/* SCHEDOP_watchdog's timers, as Xen's domain_watchdog: two per domain. */
START_TEST(watchdog_timers)
{
    const uint64_t s = 1000000000ull;
    struct domain d = {0};

    ck_assert_uint_eq(watchdog_next(&d), UINT64_MAX);
    ck_assert_int_eq(watchdog_op(&d, 1, 5, 0), -EINVAL); /* not armed */
    ck_assert_int_eq(watchdog_op(&d, 0, 10, 100), 1);
    ck_assert_int_eq(watchdog_op(&d, 0, 3, 100), 2);
    ck_assert_int_eq(watchdog_op(&d, 0, 3, 100), -ENOSPC);
    ck_assert_int_eq(watchdog_op(&d, 3, 3, 100), -EINVAL); /* no such id */
    ck_assert_uint_eq(watchdog_next(&d), 100 + 3 * s);
    ck_assert_int_eq(watchdog_op(&d, 2, 0, 200), 0); /* freed */
    ck_assert_int_eq(watchdog_op(&d, 2, 5, 200), -EINVAL);
    ck_assert_uint_eq(watchdog_next(&d), 100 + 10 * s);
    ck_assert_int_eq(watchdog_op(&d, 1, 2, 5 * s), 0); /* poked: 2 s from now */
    ck_assert_uint_eq(watchdog_next(&d), 7 * s);
    ck_assert(!watchdog_take_expired(&d, 7 * s - 1));
    ck_assert(watchdog_take_expired(&d, 7 * s));
    /* Fired once: still armed, silent until poked again. */
    ck_assert(!watchdog_take_expired(&d, 100 * s));
    ck_assert_uint_eq(watchdog_next(&d), UINT64_MAX);
    ck_assert_int_eq(watchdog_op(&d, 0, 1, 0), 2); /* id 1 still taken */
    ck_assert_int_eq(watchdog_op(&d, 1, 1, 100 * s), 0);
    ck_assert_uint_eq(watchdog_next(&d), 1 * s); /* timer 2, armed at 0 */
    /* The largest timeout does not wrap. */
    ck_assert_int_eq(watchdog_op(&d, 2, UINT32_MAX, 200 * s), 0);
    ck_assert_uint_eq(watchdog_next(&d), 101 * s);
    ck_assert_int_eq(watchdog_op(&d, 1, 0, 0), 0);
    ck_assert_uint_eq(watchdog_next(&d), 200 * s + (uint64_t)UINT32_MAX * s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenhv_core");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, emulation_flag_sets);
    tcase_add_test(tc, feature_predicates);
    tcase_add_test(tc, guest_ram_accounting);
    tcase_add_test(tc, console_ring_reads);
    tcase_add_test(tc, domctl_lifecycle);
    tcase_add_test(tc, memory_op_populate);
    tcase_add_test(tc, evtchn_between_domains);
    tcase_add_test(tc, evtchn_deferred_to_own_thread);
    tcase_add_test(tc, guest_column_compat_events);
    tcase_add_test(tc, xen_version_subops);
    tcase_add_test(tc, hvm_context_records);
    tcase_add_test(tc, watchdog_timers);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
