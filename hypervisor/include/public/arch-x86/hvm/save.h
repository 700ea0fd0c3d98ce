/*
 * arch-x86/hvm/save.h: the records of an x86 HVM context (Xen 4.17),
 * as XEN_DOMCTL_gethvmcontext/sethvmcontext carry them: each record is a
 * descriptor followed by its payload; a context starts with HEADER and
 * ends with END.  Only the records the toolstack and xenhv use are here.
 * Written here from Xen's published interface; only the numbers and
 * layouts are Xen's.
 */
#ifndef XEN_PUBLIC_ARCH_X86_HVM_SAVE_H
#define XEN_PUBLIC_ARCH_X86_HVM_SAVE_H

#include <stdint.h>

struct hvm_save_descriptor {
    uint16_t typecode;
    uint16_t instance; /* e.g. the vCPU */
    uint32_t length;   /* of the payload that follows */
};

#define HVM_SAVE_CODE_END    0
#define HVM_SAVE_CODE_HEADER 1
#define HVM_SAVE_CODE_CPU    2
#define HVM_SAVE_CODE_MTRR   14

#define HVM_FILE_MAGIC   0x54381286
#define HVM_FILE_VERSION 0x00000001

struct hvm_save_header {
    uint32_t magic; /* HVM_FILE_MAGIC */
    uint32_t version;
    uint64_t changeset;
    uint32_t cpuid; /* CPUID leaf 1 %eax of the saving host */
    uint32_t gtsc_khz;
};

/* A vCPU's architectural state (1032 bytes). */
struct hvm_hw_cpu {
    uint8_t fpu_regs[512];
    uint64_t rax, rbx, rcx, rdx, rbp, rsi, rdi, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint64_t cr0, cr2, cr3, cr4;
    uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
    uint32_t cs_sel, ds_sel, es_sel, fs_sel, gs_sel, ss_sel, tr_sel, ldtr_sel;
    uint32_t cs_limit, ds_limit, es_limit, fs_limit, gs_limit, ss_limit, tr_limit, ldtr_limit,
        idtr_limit, gdtr_limit;
    uint64_t cs_base, ds_base, es_base, fs_base, gs_base, ss_base, tr_base, ldtr_base, idtr_base,
        gdtr_base;
    uint32_t cs_arbytes, ds_arbytes, es_arbytes, fs_arbytes, gs_arbytes, ss_arbytes, tr_arbytes,
        ldtr_arbytes;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t shadow_gs;
    uint64_t msr_flags, msr_lstar, msr_star, msr_cstar, msr_syscall_mask, msr_efer, msr_tsc_aux;
    uint64_t tsc;
    uint32_t pending_event; /* vector, type, error-code-valid, valid (bit 31) */
    uint32_t error_code;
#define XEN_X86_FPU_INITIALISED (1U << 0)
    uint32_t flags;
    uint32_t pad0;
};

#define HVM_MTRR_VCNT 8
struct hvm_hw_mtrr {
    uint64_t msr_pat_cr;
    uint64_t msr_mtrr_var[HVM_MTRR_VCNT * 2];
    uint64_t msr_mtrr_fixed[11];
    uint64_t msr_mtrr_cap;
    uint64_t msr_mtrr_def_type;
};

#endif
