/*
 * hvm/hvm_vcpu.h: the vCPU context VCPUOP_initialise takes for HVM and
 * PVH guests (Xen 4.17 public ABI).  In 64-bit mode Xen loads flat
 * segments itself; in 32-bit mode the caller gives each segment's base,
 * limit and attributes.  Written here from Xen's published interface.
 */
#ifndef XEN_PUBLIC_HVM_HVM_VCPU_H
#define XEN_PUBLIC_HVM_HVM_VCPU_H

#include <stdint.h>

struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;
    uint64_t efer;
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];
};

struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};

struct vcpu_hvm_context {
#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1
    uint32_t mode;
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;

#endif
