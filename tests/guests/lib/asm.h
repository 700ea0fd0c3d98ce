/*
 * asm.h: constants shared by the runtime's assembly and C.
 */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

#define STACK_SIZE    16384
#define UPCALL_VECTOR 0xf3 /* event-channel upcall (HVM_PARAM_CALLBACK_IRQ vector) */

#define SEL_CODE32 0x08
#define SEL_DATA   0x10
#define SEL_CODE64 0x18

/* enum guest_env */
#define ENV_ID_PV64  0
#define ENV_ID_PVH   1
#define ENV_ID_HVM32 2
#define ENV_ID_HVM64 3

#endif
