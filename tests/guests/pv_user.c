/*
 * pv_user.c: a 64-bit PV guest's user mode: with user page tables
 * (MMUEXT_NEW_USER_BASEPTR) and a kernel stack (stack_switch), an iret to
 * a ring-3 code selector enters user mode; the user's syscall comes back
 * to the kernel's syscall callback on the kernel stack with Xen's frame
 * (rcx, r11, rip, cs, rflags, rsp, ss) and the user's registers.
 */
#include "guest.h"
#include "callback.h"

const char guest_name[] = "pv_user";

#define USER_MAGIC 0x5ca1ab1eUL

extern uint8_t hypercall_page[];
static uint8_t user_stack[4096] __aligned(16);
static uint8_t kernel_stack[8192] __aligned(16);

void pv_user_code(void);
void pv_syscall_entry(void);
void __noreturn syscall_in_kernel(const uint64_t *frame, uint64_t rax, uint64_t rsp);

__asm__(".text\n"
        ".globl pv_user_code\n"
        "pv_user_code:\n"
        "    movl $0x5ca1ab1e, %eax\n"
        "    syscall\n"
        "    ud2\n"
        ".globl pv_syscall_entry\n"
        "pv_syscall_entry:\n"
        "    movq %rsp, %rdi\n"
        "    movq %rax, %rsi\n"
        "    movq %rsp, %rdx\n"
        "    andq $-16, %rsp\n"
        "    call syscall_in_kernel\n"
        "    ud2\n");

void __noreturn syscall_in_kernel(const uint64_t *f, uint64_t rax, uint64_t rsp)
{
    uint64_t ret = (uintptr_t)pv_user_code + 7; /* past mov and syscall */

    CHECK(rax == USER_MAGIC, "rax %#lx in the callback", (unsigned long)rax);
    CHECK(rsp + 7 * 8 <= (uintptr_t)kernel_stack + sizeof(kernel_stack) &&
              rsp >= (uintptr_t)kernel_stack,
          "the callback is not on the kernel stack (rsp %#lx)", (unsigned long)rsp);
    CHECK(f[2] == ret && f[0] == ret, "rip %#lx rcx %#lx, expected %#lx", (unsigned long)f[2],
          (unsigned long)f[0], (unsigned long)ret);
    CHECK((f[3] & 3) == 3 && (f[6] & 3) == 3, "cs %#lx ss %#lx: not user mode", (unsigned long)f[3],
          (unsigned long)f[6]);
    CHECK(f[5] == (uintptr_t)user_stack + sizeof(user_stack), "user rsp %#lx", (unsigned long)f[5]);
    CHECK(f[1] & 0x200, "r11 %#lx: not the user's rflags", (unsigned long)f[1]);
    gprintf("pv_user: the user's syscall entered the kernel's callback: ok\n");
    guest_pass();
}

void guest_main(void)
{
    start_info_t *si = boot.start_info;
    struct callback_register cb = {.type = CALLBACKTYPE_syscall,
                                   .address = (unsigned long)pv_syscall_entry};
    struct mmuext_op op = {.cmd = MMUEXT_NEW_USER_BASEPTR,
                           .arg1.mfn = virt_to_frame((const void *)si->pt_base)};

    guest_require_xen();
    CHECK(env_is_pv(), "not a PV guest");
    EXPECT_RC(HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb), 0,
              "register the syscall callback");
    EXPECT_RC(HC4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF), 0, "MMUEXT_NEW_USER_BASEPTR");
    EXPECT_RC(HC2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, kernel_stack + sizeof(kernel_stack)),
              0, "stack_switch");
    /* HYPERVISOR_iret to user mode: ss, rsp, rflags, cs, rip, flags. */
    __asm__ __volatile__("pushq %[ss]\n\t"
                         "pushq %[sp]\n\t"
                         "pushq %[fl]\n\t"
                         "pushq %[cs]\n\t"
                         "pushq %[ip]\n\t"
                         "pushq $0\n\t"
                         "jmp *%[iret]"
                         :
                         : [ss] "r"((uint64_t)FLAT_USER_SS),
                           [sp] "r"((uint64_t)(uintptr_t)(user_stack + sizeof(user_stack))),
                           [fl] "r"((uint64_t)0x202), [cs] "r"((uint64_t)FLAT_USER_CS),
                           [ip] "r"((uint64_t)(uintptr_t)pv_user_code),
                           [iret] "r"(hypercall_page + __HYPERVISOR_iret * 32)
                         : "memory");
    guest_fail("HYPERVISOR_iret returned");
}
