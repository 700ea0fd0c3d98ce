/*
 * arch-x86/xen-x86_64.h: what a 64-bit PV guest needs beyond the common
 * x86 ABI (Xen 4.17): the flat segment selectors Xen sets up, the frame
 * HYPERVISOR_iret takes, and the virtual-address hole Xen keeps.  Written
 * here from Xen's published interface.
 */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_X86_64_H
#define XEN_PUBLIC_ARCH_X86_XEN_X86_64_H

#include <stdint.h>

/* Selectors of the flat segments Xen provides to 64-bit PV guests. */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64
#define FLAT_USER_CS     FLAT_RING3_CS64
#define FLAT_USER_DS     FLAT_RING3_DS64
#define FLAT_USER_SS     FLAT_RING3_SS64

/* The hypervisor's part of the canonical address space. */
#define HYPERVISOR_VIRT_START 0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END   0xFFFF880000000000UL
#define MACH2PHYS_VIRT_START  0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END    0xFFFF804000000000UL

/*
 * HYPERVISOR_iret: the guest pushes ss, rsp, rflags, cs, rip and flags
 * (VGCF_in_syscall when returning from a syscall frame) and jumps to the
 * hypercall page's iret entry, which pushes rcx, r11 and rax.
 */
#define VGCF_in_syscall (1 << 8)
#define VGCF_IN_SYSCALL VGCF_in_syscall
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* HYPERVISOR_set_segment_base selectors. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

#endif
