/*
 * entry_pv64.S: entry of 64-bit PV guests.  The Xen ELF notes tell the
 * domain builder how to load the kernel (virtual base 0, no physical
 * offset: virtual address = pseudo-physical address), where to enter it
 * (in long mode, %rsi = start_info) and where to put the hypercall page.
 * Also the exception and event-callback entries: Xen pushes %rcx and %r11
 * above the hardware-style frame; the return is HYPERVISOR_iret.
 */
#include "asm.h"

#define ELFNOTE(type, desc_kind, desc)                                                             \
    .balign 4;                                                                                     \
    .long 4, 2f - 1f, type;                                                                        \
    .asciz "Xen";                                                                                  \
1:  desc_kind desc;                                                                                \
2:  .balign 4

    .section .note.Xen, "a", @note
    ELFNOTE(6, .asciz, "xenhv-test-guest")   /* XEN_ELFNOTE_GUEST_OS */
    ELFNOTE(7, .asciz, "0.1")                /* XEN_ELFNOTE_GUEST_VERSION */
    ELFNOTE(5, .asciz, "xen-3.0")            /* XEN_ELFNOTE_XEN_VERSION */
    ELFNOTE(8, .asciz, "generic")            /* XEN_ELFNOTE_LOADER */
    ELFNOTE(3, .quad, 0)                     /* XEN_ELFNOTE_VIRT_BASE */
    ELFNOTE(4, .quad, 0)                     /* XEN_ELFNOTE_PADDR_OFFSET */
    ELFNOTE(1, .quad, _start)                /* XEN_ELFNOTE_ENTRY */
    ELFNOTE(2, .quad, hypercall_page)        /* XEN_ELFNOTE_HYPERCALL_PAGE */
    ELFNOTE(10, .asciz, "!writable_page_tables") /* XEN_ELFNOTE_FEATURES */
    ELFNOTE(11, .asciz, "no")                /* XEN_ELFNOTE_BSD_SYMTAB */

    .section .text.entry, "ax"
    .code64
    .globl _start
_start:
    cld
    /* Zero .bss ourselves; %rsi (start_info) lies beyond the image. */
    movq $__bss_start, %rdi
    movq $__bss_end, %rcx
    subq %rdi, %rcx
    xorl %eax, %eax
    rep stosb
    movq $(cpu_stacks + STACK_SIZE), %rsp
    movl $ENV_ID_PV64, %edi
    /* %rsi: the start_info page, as the builder left it */
    call c_start
    ud2

/* Secondary vCPUs (VCPUOP_initialise): %rdi = cpu, %rsp = its stack. */
    .globl pv_ap_entry
pv_ap_entry:
    call ap_c_entry
    ud2

    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .text
.macro PVSTUB vec, err
    .balign 16
    popq %rcx
    popq %r11
    .if \err == 0
    pushq $0
    .endif
    pushq $\vec
    jmp pv_trap_common
.endm

    .balign 16
    .globl pv_trap_stubs
pv_trap_stubs:
    PVSTUB 0, 0
    PVSTUB 1, 0
    PVSTUB 2, 0
    PVSTUB 3, 0
    PVSTUB 4, 0
    PVSTUB 5, 0
    PVSTUB 6, 0
    PVSTUB 7, 0
    PVSTUB 8, 1
    PVSTUB 9, 0
    PVSTUB 10, 1
    PVSTUB 11, 1
    PVSTUB 12, 1
    PVSTUB 13, 1
    PVSTUB 14, 1
    PVSTUB 15, 0
    PVSTUB 16, 0
    PVSTUB 17, 1
    PVSTUB 18, 0
    PVSTUB 19, 0

/* The event callback: a frame like an interrupt's, events masked. */
    .globl pv_event_callback
pv_event_callback:
    PVSTUB UPCALL_VECTOR, 0

/* The failsafe callback (Xen could not load the segments we returned
 * to): %ds %es %fs %gs are on the stack too.  Report and crash. */
    .globl pv_failsafe_callback
pv_failsafe_callback:
    popq %rcx
    popq %r11
    addq $32, %rsp
    pushq $0
    pushq $0x100
    jmp pv_trap_common

pv_trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call trap_entry
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    pushq $0 /* iret flags: not from a syscall */
    jmp hypercall_page + 23 * 32 /* __HYPERVISOR_iret */

    .bss
    .balign 4096
    .globl cpu_stacks
cpu_stacks:
    .skip STACK_SIZE * 8

    .section .note.GNU-stack, "", @progbits
