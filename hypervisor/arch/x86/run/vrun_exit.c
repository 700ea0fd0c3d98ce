/*
 * vrun_exit.c: what a vCPU's exits do: the Xen CPUID leaves, the
 * hypercall-page MSR, port I/O and MMIO to the emulated platform, guest
 * hypercalls (vmcall/vmmcall) through the one hypercall table with guest
 * memory copied through the vCPU's page tables, and the vcpu_time_info
 * and shared-info wallclock guests read Xen system time and the time of
 * day from.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "console_ring.h"
#include "hypercall.h"
#include "log.h"
#include "vrun_internal.h"

#define XEN_CPUID_BASE    0x40000000u
#define XEN_CPUID_LAST    (XEN_CPUID_BASE + 4)
#define XEN_HYPERCALL_MSR 0x40000000u
#define XEN_VERSION_LEAF  ((4u << 16) | 17u) /* Xen 4.17 */
#define GUEST_COPY_MAX    (16u << 20)
#define EFER_LMA          (1u << 10)
#define HVM_CPUID_VCPU_ID (1u << 3) /* XEN_HVM_CPUID_VCPU_ID_PRESENT */

/* TSC calibration for vcpu_time_info: the engine's rdtsc reads the host's. */
static uint32_t tsc_mul;
static int8_t tsc_shift;

void vrun_calibrate_tsc(void)
{
    struct timespec a, b, d = {0, 5000000};
    uint64_t c0, c1, ns, hz;

    clock_gettime(CLOCK_MONOTONIC, &a);
    c0 = __rdtsc();
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    c1 = __rdtsc();
    ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000ull + (uint64_t)(b.tv_nsec - a.tv_nsec);
    hz = ns ? (c1 - c0) * 1000000000ull / ns : 1000000000ull;
    if (hz < 1000000)
        hz = 1000000000ull;
    /* As Xen's set_time_scale: ns = ((tsc << shift) * mul) >> 32. */
    uint64_t tps = hz;
    int shift = 0;
    while (tps > 2000000000ull) {
        tps >>= 1;
        shift--;
    }
    uint32_t tps32 = (uint32_t)tps;
    while (tps32 <= 1000000000u) {
        tps32 <<= 1;
        shift++;
    }
    tsc_mul = (uint32_t)((1000000000ull << 32) / tps32);
    tsc_shift = (int8_t)shift;
    log_info("TSC %llu kHz", (unsigned long long)(hz / 1000));
}

/*
 * Xen's wallclock in the shared-info page: the time of day at system time
 * 0 (wc_sec_hi:wc_sec, wc_nsec), under the wc_version protocol (odd while
 * written).  The 32-bit (compat) layout keeps it at other offsets, with
 * wc_sec_hi in arch_shared_info.  Written when a layout's wc_version is
 * still 0, i.e. once per domain and layout: guests add their system time
 * (Linux's xen_read_wallclock) and keep their own clock from then on.
 */
#define WC_NATIVE_VERSION 3072u /* offsetof(struct shared_info, wc_version) */
#define WC_NATIVE_SEC_HI  3084u
#define WC_COMPAT_VERSION 2304u /* 32 vcpu_info, 2 x 32 event words of 4 bytes */
#define WC_COMPAT_SEC_HI  2340u /* arch_shared_info: 6 longs of 4 bytes, then it */
_Static_assert(offsetof(struct shared_info, wc_version) == WC_NATIVE_VERSION, "wc_version");
_Static_assert(offsetof(struct shared_info, wc_sec_hi) == WC_NATIVE_SEC_HI, "wc_sec_hi");

static void wallclock_update(struct domain *d, uint64_t now)
{
    uint8_t *si = d->shared_info;
    unsigned at = d->shinfo_compat ? WC_COMPAT_VERSION : WC_NATIVE_VERSION;
    unsigned hi_at = d->shinfo_compat ? WC_COMPAT_SEC_HI : WC_NATIVE_SEC_HI;
    volatile uint32_t *version, *sec, *nsec, *sec_hi;
    struct timespec ts;
    uint64_t boot;

    if (!si)
        return;
    version = (volatile uint32_t *)(si + at);
    if (__atomic_load_n(version, __ATOMIC_ACQUIRE))
        return;
    sec = version + 1;
    nsec = version + 2;
    sec_hi = (volatile uint32_t *)(si + hi_at);
    clock_gettime(CLOCK_REALTIME, &ts);
    boot = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - now;
    *version = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *sec = (uint32_t)(boot / 1000000000ull);
    *sec_hi = (uint32_t)(boot / 1000000000ull >> 32);
    *nsec = (uint32_t)(boot % 1000000000ull);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *version = 2;
}

void vrun_time_update(struct vrun_vcpu *vc, uint64_t now)
{
    struct vcpu_info *vi = vrun_vcpu_info(vc);
    volatile struct vcpu_time_info *t;

    wallclock_update(vc->rd->d, now);
    if (!vi)
        return;
    t = &vi->time;
    t->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = __rdtsc();
    t->system_time = now;
    t->tsc_to_system_mul = tsc_mul;
    t->tsc_shift = tsc_shift;
    t->flags = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}

/* The hypercall page: 32-byte entries `mov $nr, %eax; vmcall; ret`. */
static void install_hypercall_page(struct vrun_vcpu *vc, uint64_t value)
{
    struct vrun_dom *rd = vc->rd;
    uint8_t *page;

    if (value & 0xfff) /* page index 0 only: one page */
        return;
    page = vrun_gfn_hva(rd, value >> 12);
    if (!page) {
        log_warn("domain %u: hypercall page at %#llx is not RAM", rd->d->domid,
                 (unsigned long long)value);
        return;
    }
    memset(page, 0xcc, 4096); /* int3 between entries */
    for (unsigned nr = 0; nr < 4096 / 32; nr++) {
        uint8_t *p = page + nr * 32;
        p[0] = 0xb8;
        memcpy(p + 1, &nr, 4);
        p[5] = 0x0f;
        p[6] = 0x01;
        p[7] = 0xc1;
        p[8] = 0xc3;
    }
    vrun_code_written(rd, value, 4096);
}

static enum hval_answer do_cpuid(struct vrun_vcpu *vc, struct hval_exit *e)
{
    static const char sig[12] = "XenVMMXenVMM";
    uint32_t leaf = e->cpuid.leaf;

    if ((leaf & 0xffff0000u) != XEN_CPUID_BASE)
        return !vc->rd->d->is_hvm && vrun_pv && vrun_pv->cpuid ? vrun_pv->cpuid(vc, e)
                                                               : HVAL_DEFAULT;
    e->cpuid.eax = e->cpuid.ebx = e->cpuid.ecx = e->cpuid.edx = 0;
    switch (leaf) {
    case XEN_CPUID_BASE:
        e->cpuid.eax = XEN_CPUID_LAST;
        memcpy(&e->cpuid.ebx, sig, 4);
        memcpy(&e->cpuid.ecx, sig + 4, 4);
        memcpy(&e->cpuid.edx, sig + 8, 4);
        break;
    case XEN_CPUID_BASE + 1:
        e->cpuid.eax = XEN_VERSION_LEAF;
        break;
    case XEN_CPUID_BASE + 2:
        e->cpuid.eax = 1; /* hypercall pages */
        e->cpuid.ebx = XEN_HYPERCALL_MSR;
        break;
    case XEN_CPUID_BASE + 4:
        e->cpuid.eax = HVM_CPUID_VCPU_ID;
        e->cpuid.ebx = vc->id;
        break;
    }
    return HVAL_HANDLED;
}

/* Port 0xe9 bytes, collected into "(dN) line" entries of the hypervisor
 * console ring (xl dmesg). */
void vrun_debug_write(struct vrun_dom *rd, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = buf[i];
        if (ch != '\n' && rd->dbg_len < sizeof(rd->dbg_line) - 1) {
            rd->dbg_line[rd->dbg_len++] = ch;
            continue;
        }
        char out[sizeof(rd->dbg_line) + 16];
        int k = snprintf(out, sizeof(out), "(d%u) %.*s\n", rd->d->domid, (int)rd->dbg_len,
                         rd->dbg_line);
        console_ring_write(out, (size_t)k < sizeof(out) ? (size_t)k : sizeof(out) - 1);
        rd->dbg_len = 0;
        if (ch != '\n')
            rd->dbg_line[rd->dbg_len++] = ch;
    }
}

enum hval_answer vrun_exit_handler(struct hval_vcpu *hv, struct hval_exit *e, void *opaque)
{
    struct vrun_vcpu *vc = opaque;
    struct vrun_dom *rd = vc->rd;
    int rc;

    switch (e->kind) {
    case HVAL_EXIT_IO: {
        uint32_t val = e->io.data;
        rc = -ENOENT;
        if (rd->plat)
            rc = hvm_platform_pio(rd->plat, vc->id, e->io.port, e->io.size, e->io.write, &val);
        else if (e->io.port == 0xe9 && e->io.write) {
            char ch = (char)val;
            vrun_debug_write(rd, &ch, 1);
            rc = 0;
        }
        if (!e->io.write)
            e->io.data = rc ? (e->io.size == 4 ? 0xffffffffu : (1u << (8 * e->io.size)) - 1) : val;
        else
            vrun_deadline_changed(rd); /* PIT, RTC, HPET... may arm a timer */
        return HVAL_HANDLED;
    }
    case HVAL_EXIT_MMIO: {
        uint64_t val = e->mmio.data;
        rc = rd->plat ? hvm_platform_mmio(rd->plat, vc->id, e->mmio.gpa, e->mmio.size,
                                          e->mmio.write, &val)
                      : -ENOENT;
        if (!e->mmio.write)
            e->mmio.data = rc ? ~0ull : val;
        else
            vrun_deadline_changed(rd); /* the LAPIC timer, HPET */
        return HVAL_HANDLED;
    }
    case HVAL_EXIT_CPUID:
        return do_cpuid(vc, e);
    case HVAL_EXIT_MSR: {
        uint64_t val = e->msr.value;
        if (e->msr.index == XEN_HYPERCALL_MSR && rd->d->is_hvm) {
            if (e->msr.write)
                install_hypercall_page(vc, e->msr.value);
            else
                e->msr.value = 0;
            return HVAL_HANDLED;
        }
        rc = rd->plat ? hvm_platform_msr(rd->plat, vc->id, e->msr.index, e->msr.write, &val)
                      : -ENOENT;
        if (rc == -ENOENT)
            return HVAL_DEFAULT;
        if (!e->msr.write)
            e->msr.value = rc ? 0 : val;
        else
            vrun_deadline_changed(rd); /* TSC deadline */
        return HVAL_HANDLED;
    }
    default:
        return HVAL_DEFAULT;
    }
}

/* Guest memory for hypercalls: linear addresses under the vCPU's paging,
 * bounded, never past the caller's address size. */
static int guest_range_ok(struct hc_caller *c, uint64_t addr, size_t len)
{
    if (len > GUEST_COPY_MAX || addr + len < addr)
        return 0;
    if (c->compat && addr + len > (1ull << 32))
        return 0;
    /* A PV guest's pointer into the hypervisor's hole: Xen's access_ok. */
    if (c->kind == CALLER_PV && addr < 0xffff880000000000ull && addr + len > 0xffff800000000000ull)
        return 0;
    return 1;
}

static int guest_copy_from(struct hc_caller *c, uint64_t addr, void *buf, size_t len)
{
    struct vrun_vcpu *vc = c->priv;

    if (!len)
        return 0;
    if (!guest_range_ok(c, addr, len))
        return -EFAULT;
    return vrun_ops->read_linear(vc->hv, addr, buf, len) ? -EFAULT : 0;
}

static int guest_copy_to(struct hc_caller *c, uint64_t addr, const void *buf, size_t len)
{
    struct vrun_vcpu *vc = c->priv;

    if (!len)
        return 0;
    if (!guest_range_ok(c, addr, len))
        return -EFAULT;
    return vrun_ops->write_linear(vc->hv, addr, buf, len) ? -EFAULT : 0;
}

long vrun_hypercall(struct vrun_vcpu *vc, int kind, bool compat, uint64_t nr,
                    const uint64_t args[5])
{
    struct domain *d = vc->rd->d;
    struct hc_caller c = {
        .kind = (enum caller_kind)kind,
        .d = d,
        .v = vc->v,
        .compat = compat,
        .copy_from = guest_copy_from,
        .copy_to = guest_copy_to,
        .priv = vc,
    };
    long ret;

    pthread_mutex_lock(&hv_lock);
    ret = d->dying ? -ESRCH : hypercall_dispatch(&c, nr, args);
    pthread_mutex_unlock(&hv_lock);
    return ret;
}

void vrun_handle_hypercall(struct vrun_vcpu *vc, struct hval_exit *e)
{
    struct hval_state st;
    uint64_t args[5];
    bool is64;
    long ret;

    if (vrun_ops->get_state(vc->hv, &st)) {
        vrun_crash(vc->rd, "cannot read the vCPU state");
        return;
    }
    is64 = (st.efer & EFER_LMA) && (st.seg[HVAL_CS].attr & HVAL_SEG_L);
    if (HVAL_SEG_DPL(st.seg[HVAL_SS].attr) != 0) {
        ret = -EPERM; /* as Xen: only the guest kernel */
    } else if (!is64 && !allows_32bit_hypercalls(vc->rd->d)) {
        ret = -ENOSYS; /* PVH: 64-bit callers only */
    } else if (is64) {
        args[0] = st.gpr[HVAL_RDI];
        args[1] = st.gpr[HVAL_RSI];
        args[2] = st.gpr[HVAL_RDX];
        args[3] = st.gpr[HVAL_R10];
        args[4] = st.gpr[HVAL_R8];
        ret = vrun_hypercall(vc, CALLER_HVM, false, st.gpr[HVAL_RAX], args);
    } else {
        args[0] = (uint32_t)st.gpr[HVAL_RBX];
        args[1] = (uint32_t)st.gpr[HVAL_RCX];
        args[2] = (uint32_t)st.gpr[HVAL_RDX];
        args[3] = (uint32_t)st.gpr[HVAL_RSI];
        args[4] = (uint32_t)st.gpr[HVAL_RDI];
        ret = vrun_hypercall(vc, CALLER_HVM, true, (uint32_t)st.gpr[HVAL_RAX], args);
    }
    struct hval_regs regs;
    if (vrun_ops->get_regs(vc->hv, &regs)) {
        vrun_crash(vc->rd, "cannot read the vCPU registers");
        return;
    }
    regs.gpr[HVAL_RAX] = is64 ? (uint64_t)ret : (uint32_t)ret;
    if (vrun_ops->set_regs(vc->hv, &regs))
        vrun_crash(vc->rd, "cannot write the vCPU registers");
}
