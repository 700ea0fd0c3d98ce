/*
 * arch-x86/xen.h: the x86 part of Xen's public ABI (Xen 4.17, 64-bit
 * tools and guests): machine word types, guest handles, the domain
 * configuration's emulation flags, trap table entries, the PV vCPU context
 * and the architecture parts of shared info.  Written here from Xen's
 * published interface; only the layout facts are Xen's.
 */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_H
#define XEN_PUBLIC_ARCH_X86_XEN_H

#include <stdint.h>

#include "xen-x86_64.h"

#if !defined(__x86_64__) && !defined(__i386__)
#error "xenhv's public headers describe the x86 ABI only"
#endif
/* 32-bit callers (hvm32 guests) see the x86_32 layouts: 4-byte longs and
 * pointers, no PV vCPU context. */

/* Guest handles: a pointer in the caller's address space.  The 64-bit
 * form has the same size and alignment for every caller. */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                                                     \
    typedef struct {                                                                               \
        type *p;                                                                                   \
    } __guest_handle_##name;                                                                       \
    typedef union {                                                                                \
        type *p;                                                                                   \
        uint64_t __attribute__((aligned(8))) q;                                                    \
    } __guest_handle_64_##name
#define __DEFINE_XEN_GUEST_HANDLE(name, type)                                                      \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);                                                        \
    ___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define XEN_GUEST_HANDLE(name)        __guest_handle_##name
#define XEN_GUEST_HANDLE_64(name)     __guest_handle_64_##name
#define XEN_GUEST_HANDLE_PARAM(name)  XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val)                                                         \
    do {                                                                                           \
        (hnd).q = 0;                                                                               \
        (hnd).p = (val);                                                                           \
    } while (0)
#define set_xen_guest_handle(hnd, val) ((hnd).p = (val))

typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn "lx"
typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"

typedef uint64_t __attribute__((aligned(8))) uint64_aligned_t;
typedef int64_t __attribute__((aligned(8))) int64_aligned_t;

/* The maximum number of vCPUs with a vcpu_info slot in shared info. */
#define XEN_LEGACY_MAX_VCPUS 32

/* Trap table entry (HYPERVISOR_set_trap_table). */
struct trap_info {
    uint8_t vector;
    uint8_t flags; /* bits 0-3: privilege level; bit 4: clear event enable */
    uint16_t cs;
    unsigned long address;
};
typedef struct trap_info trap_info_t;

#if defined(__x86_64__)
#include "xen-x86_64.h"

/* General-purpose registers of a 64-bit vCPU, in Xen's save order. */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask;
    uint8_t _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

/* vcpu_guest_context.flags */
#define VGCF_I387_VALID               (1 << 0)
#define VGCF_IN_KERNEL                (1 << 2)
#define VGCF_i387_valid               (1 << 0)
#define VGCF_in_kernel                (1 << 2)
#define VGCF_failsafe_disables_events (1 << 3)
#define VGCF_syscall_disables_events  (1 << 4)
#define VGCF_online                   (1 << 5)

/* A vCPU's full context (XEN_DOMCTL_setvcpucontext, VCPUOP_initialise). */
struct vcpu_guest_context {
    struct {
        char x[512];
    } fpu_ctxt;
    unsigned long flags;
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    unsigned long ldt_base, ldt_ents;
    unsigned long gdt_frames[16], gdt_ents;
    unsigned long kernel_ss, kernel_sp;
    unsigned long ctrlreg[8]; /* ctrlreg[1]: the user page table on x86-64 */
    unsigned long debugreg[8];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);
#endif /* __x86_64__ */

struct arch_shared_info {
    unsigned long max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
#if defined(__i386__)
    uint32_t wc_sec_hi;
#endif
};
typedef struct arch_shared_info arch_shared_info_t;

struct arch_vcpu_info {
    unsigned long cr2;
#if defined(__i386__)
    unsigned long pad[5]; /* keeps vcpu_info 64 bytes */
#else
    unsigned long pad;
#endif
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

typedef unsigned long xen_callback_t;

/* Emulated devices of an HVM domain, chosen once at createdomain. */
#define XEN_X86_EMU_LAPIC    (1U << 0)
#define XEN_X86_EMU_HPET     (1U << 1)
#define XEN_X86_EMU_PM       (1U << 2)
#define XEN_X86_EMU_RTC      (1U << 3)
#define XEN_X86_EMU_IOAPIC   (1U << 4)
#define XEN_X86_EMU_PIC      (1U << 5)
#define XEN_X86_EMU_VGA      (1U << 6)
#define XEN_X86_EMU_IOMMU    (1U << 7)
#define XEN_X86_EMU_PIT      (1U << 8)
#define XEN_X86_EMU_USE_PIRQ (1U << 9)
#define XEN_X86_EMU_VPCI     (1U << 10)
#define XEN_X86_EMU_ALL      0x7ffU

#define XEN_X86_MSR_RELAXED    (1U << 0)
#define XEN_X86_MISC_FLAGS_MAX XEN_X86_MSR_RELAXED

struct xen_arch_domainconfig {
    uint32_t emulation_flags;
    uint32_t misc_flags;
};

#endif
