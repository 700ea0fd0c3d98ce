/*
 * traps_hvm.S: IDT entry stubs of HVM and PVH guests.  Stub n of
 * trap_stubs (16 bytes each) serves vector n (0-31); upcall_stub serves
 * the event-channel callback vector.  All save the registers and call
 * trap_entry(struct hw_regs *).
 */
#include "asm.h"

    .text
#if defined(__x86_64__)
.macro STUB vec, err
    .balign 16
    .if \err == 0
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm
#else
.macro STUB vec, err
    .balign 16
    .if \err == 0
    pushl $0
    .endif
    pushl $\vec
    jmp trap_common
.endm
#endif

    .balign 16
    .globl trap_stubs
trap_stubs:
    STUB 0, 0
    STUB 1, 0
    STUB 2, 0
    STUB 3, 0
    STUB 4, 0
    STUB 5, 0
    STUB 6, 0
    STUB 7, 0
    STUB 8, 1
    STUB 9, 0
    STUB 10, 1
    STUB 11, 1
    STUB 12, 1
    STUB 13, 1
    STUB 14, 1
    STUB 15, 0
    STUB 16, 0
    STUB 17, 1
    STUB 18, 0
    STUB 19, 0
    STUB 20, 0
    STUB 21, 1
    STUB 22, 0
    STUB 23, 0
    STUB 24, 0
    STUB 25, 0
    STUB 26, 0
    STUB 27, 0
    STUB 28, 0
    STUB 29, 1
    STUB 30, 1
    STUB 31, 0
    .globl upcall_stub
upcall_stub:
    STUB UPCALL_VECTOR, 0

trap_common:
#if defined(__x86_64__)
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
    iretq
#else
    pushal
    cld
    pushl %esp
    call trap_entry
    addl $4, %esp
    popal
    addl $8, %esp
    iret
#endif

    .section .note.GNU-stack, "", @progbits
