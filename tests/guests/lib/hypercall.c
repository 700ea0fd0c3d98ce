/*
 * hypercall.c: reaching Xen.  PV: the domain builder filled the page
 * named by XEN_ELFNOTE_HYPERCALL_PAGE.  HVM/PVH: the Xen CPUID leaves
 * (0x40000000 + n*0x100, signature "XenVMMXenVMM") name an MSR; writing a
 * page's physical address to it makes Xen fill that page.  Each entry is
 * 32 bytes; arguments in rdi rsi rdx r10 r8 (64-bit) or ebx ecx edx esi
 * edi (32-bit), result in rax.
 */
#include "guest.h"
#include "hvm/hvm_op.h"
#include "hvm/params.h"

#ifndef GUEST_PV
uint8_t hypercall_page[4096] __aligned(4096);
#endif

long hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5)
{
    void *entry = hypercall_page + nr * 32;
    long ret;

    if (nr >= 4096 / 32 || !boot.on_xen)
        return -XEN_ENOSYS;
#ifdef __x86_64__
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    __asm__ __volatile__("call *%[e]"
                         : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                         : [e] "r"(entry)
                         : "memory", "rcx", "r11", "r9"); /* debug Xen poisons unused args */
#else
    /* %ebp is the sixth argument register: debug Xen poisons it. */
    __asm__ __volatile__("push %%ebp; call *%%eax; pop %%ebp"
                         : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                         : "0"(entry)
                         : "memory");
#endif
    return ret;
}

long sched_op(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_sched_op, cmd, arg);
}

long console_io(int cmd, int count, const char *buf)
{
    return HC3(__HYPERVISOR_console_io, cmd, count, buf);
}

long xen_version_op(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_xen_version, cmd, arg);
}

long memory_op(unsigned int cmd, void *arg)
{
    return HC2(__HYPERVISOR_memory_op, cmd, arg);
}

long vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return HC3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

long evtchn_op(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_event_channel_op, cmd, arg);
}

long grant_table_op(unsigned int cmd, void *arg, unsigned int count)
{
    return HC3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

long hvm_op(unsigned long cmd, void *arg)
{
    return HC2(__HYPERVISOR_hvm_op, cmd, arg);
}

long set_timer_op(uint64_t timeout_ns)
{
#ifdef __x86_64__
    return HC1(__HYPERVISOR_set_timer_op, timeout_ns);
#else
    return HC2(__HYPERVISOR_set_timer_op, (uint32_t)timeout_ns, (uint32_t)(timeout_ns >> 32));
#endif
}

int hvm_get_param(unsigned int index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hvm_op(HVMOP_get_param, &p);

    *value = rc ? 0 : p.value;
    return (int)rc;
}

int hvm_set_param(unsigned int index, uint64_t value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index, .value = value};

    return (int)hvm_op(HVMOP_set_param, &p);
}

#define XEN_SIG_EBX 0x566e6558 /* "XenV" */
#define XEN_SIG_ECX 0x65584d4d /* "MMXe" */
#define XEN_SIG_EDX 0x4d4d566e /* "nVMM" */

uint32_t xen_cpuid_base(void)
{
    uint32_t base, a, b, c, d;

    for (base = 0x40000000; base < 0x40010000; base += 0x100) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_SIG_EBX && c == XEN_SIG_ECX && d == XEN_SIG_EDX && a - base >= 2)
            return base;
    }
    return 0;
}

/* Returns 0 when Xen is there and the hypercall page works. */
int hypercall_init(void)
{
    uint32_t base, a, b, c, d;

    if (env_is_pv()) {
        boot.on_xen = 1;
        boot.xen_version = (uint32_t)xen_version_op(0 /* XENVER_version */, NULL);
        return 0;
    }
    base = xen_cpuid_base();
    if (!base)
        return -1;
    cpuid(base + 1, &a, &b, &c, &d);
    boot.xen_version = a;
    cpuid(base + 2, &a, &b, &c, &d);
    if (a < 1)
        return -1;
    wrmsr(b, (uintptr_t)hypercall_page);
    boot.on_xen = 1;
    return 0;
}
