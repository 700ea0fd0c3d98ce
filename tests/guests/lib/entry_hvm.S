/*
 * entry_hvm.S: entry of PVH and HVM guests.  Both are entered as Xen
 * enters a PVH kernel (XEN_ELFNOTE_PHYS32_ENTRY) or hvmloader: flat 32-bit
 * protected mode, paging off, %ebx = physical address of hvm_start_info
 * (when there is one).  pvh and hvm64 build an identity map of the first
 * 16 GiB in 2 MiB pages and switch to long mode; hvm32 stays in 32-bit
 * mode without paging.  Also the secondary-vCPU entries for VCPUOP_initialise.
 */
#include "asm.h"

#if defined(GUEST_PVH) || defined(GUEST_PHYS32_NOTE)
/* The PVH entry point: read by Xen's and QEMU's PVH loaders.  HVM builds
 * carry it only when asked (GUEST_PHYS32_NOTE: smoke tests under QEMU). */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 8, 18 /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long _start, 0
    .balign 4
#endif
#if defined(GUEST_PVH)
#define ENV_ID ENV_ID_PVH
#elif defined(GUEST_HVM64)
#define ENV_ID ENV_ID_HVM64
#else
#define ENV_ID ENV_ID_HVM32
#endif

    .section .text.entry, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    movl %ebx, %esi
    /* Zero .bss ourselves rather than trust every loader to. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    movl $(cpu_stacks + STACK_SIZE), %esp
#if defined(__x86_64__)
    /* boot_pd: 16 tables of 512 2 MiB pages, 0 - 16 GiB. */
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, boot_pd(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, boot_pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $(16 * 512), %ecx
    jb 1b
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $12, %eax
    addl $(boot_pd + 3), %eax
    movl %eax, boot_pdpt(, %ecx, 8)
    incl %ecx
    cmpl $16, %ecx
    jb 2b
    movl $(boot_pdpt + 3), %eax
    movl %eax, boot_pml4
    movl %cr4, %eax
    orl $0x20, %eax /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax /* PG | PE */
    movl %eax, %cr0
    lgdt gdt_desc
    ljmp $SEL_CODE64, $start64

    .code64
start64:
    movl $SEL_DATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    movq $(cpu_stacks + STACK_SIZE), %rsp
    movl $ENV_ID, %edi
    movl %esi, %esi
    call c_start
    ud2

/* Secondary vCPUs (VCPU_HVM_MODE_64B): %rdi = cpu, %rsp = its stack. */
    .globl ap_entry64
ap_entry64:
    lgdt gdt_desc
    pushq $SEL_CODE64
    pushq $1f
    lretq
1:  movl $SEL_DATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    call ap_c_entry
    ud2
#else
    lgdt gdt_desc
    ljmp $SEL_CODE32, $1f
1:  movl $SEL_DATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    pushl %esi
    pushl $ENV_ID
    call c_start
    ud2

/* Secondary vCPUs (VCPU_HVM_MODE_32B, flat): %eax = cpu, %esp = stack. */
    .globl ap_entry32
ap_entry32:
    lgdt gdt_desc
    ljmp $SEL_CODE32, $1f
1:  movl $SEL_DATA, %ecx
    movl %ecx, %ds
    movl %ecx, %es
    movl %ecx, %ss
    movl %ecx, %fs
    movl %ecx, %gs
    pushl %eax
    call ap_c_entry
    ud2
#endif

    .data
    .balign 16
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff /* SEL_CODE32 */
    .quad 0x00cf93000000ffff /* SEL_DATA */
    .quad 0x00af9b000000ffff /* SEL_CODE64 */
gdt_end:
    .balign 8
    .globl gdt_desc
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt, 0

    .bss
    .balign 4096
    .globl cpu_stacks
cpu_stacks:
    .skip STACK_SIZE * 8
#if defined(__x86_64__)
    .globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096 * 16
#endif

    .section .note.GNU-stack, "", @progbits
