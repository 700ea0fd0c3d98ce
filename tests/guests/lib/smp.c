/*
 * smp.c: bringing up secondary vCPUs with VCPUOP_initialise and VCPUOP_up.
 * HVM/PVH pass a vcpu_hvm_context (64-bit: the boot vCPU's paging state;
 * 32-bit: flat segments); PV passes a vcpu_guest_context with the kernel
 * stack, trap table, callbacks and the builder's page tables.  Each vCPU
 * runs on its own stack in cpu_stacks, which also tells smp_cpu_id().
 */
#include "guest.h"
#include "asm.h"
#include "hvm/hvm_vcpu.h"

extern uint8_t cpu_stacks[];
volatile int guest_cpu_online[GUEST_MAX_CPUS] = {1};
static ap_entry_t ap_fn[GUEST_MAX_CPUS];

unsigned int smp_cpu_id(void)
{
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    uintptr_t base = (uintptr_t)cpu_stacks;

    if (sp < base || sp >= base + STACK_SIZE * GUEST_MAX_CPUS)
        return 0;
    return (unsigned int)((sp - base) / STACK_SIZE);
}

static uintptr_t stack_top(unsigned int cpu)
{
    return (uintptr_t)cpu_stacks + (cpu + 1) * STACK_SIZE;
}

void ap_c_entry(unsigned long cpu);
void ap_c_entry(unsigned long cpu)
{
    traps_load_cpu();
    if (shared_info && env_is_pv())
        vcpu_info_of((unsigned int)cpu)->evtchn_upcall_mask = 1;
    __atomic_store_n(&guest_cpu_online[cpu], 1, __ATOMIC_SEQ_CST);
    if (ap_fn[cpu])
        ap_fn[cpu]((unsigned int)cpu);
    __atomic_store_n(&guest_cpu_online[cpu], 0, __ATOMIC_SEQ_CST);
    vcpu_op(VCPUOP_down, (unsigned int)cpu, NULL);
    cpu_halt_forever();
}

#if defined(GUEST_PV)
extern const char pv_ap_entry[], pv_event_callback[], pv_failsafe_callback[];
const struct trap_info *pv_trap_table(void);
static struct vcpu_guest_context pv_ctx;

static int init_context(unsigned int cpu)
{
    const struct trap_info *t;
    start_info_t *si = boot.start_info;

    memset(&pv_ctx, 0, sizeof(pv_ctx));
    pv_ctx.flags = VGCF_in_kernel;
    pv_ctx.user_regs.rip = (uintptr_t)pv_ap_entry;
    pv_ctx.user_regs.rsp = stack_top(cpu);
    pv_ctx.user_regs.rdi = cpu;
    pv_ctx.user_regs.cs = FLAT_KERNEL_CS;
    pv_ctx.user_regs.ss = FLAT_KERNEL_SS;
    pv_ctx.user_regs.rflags = 0x2;
    for (t = pv_trap_table(); t->address; t++)
        pv_ctx.trap_ctxt[t->vector] = *t;
    pv_ctx.kernel_ss = FLAT_KERNEL_SS;
    pv_ctx.kernel_sp = stack_top(cpu);
    pv_ctx.ctrlreg[3] = virt_to_frame((void *)si->pt_base) << 12;
    pv_ctx.event_callback_eip = (uintptr_t)pv_event_callback;
    pv_ctx.failsafe_callback_eip = (uintptr_t)pv_failsafe_callback;
    return (int)vcpu_op(VCPUOP_initialise, cpu, &pv_ctx);
}

#else
static struct vcpu_hvm_context hvm_ctx;

static int init_context(unsigned int cpu)
{
    unsigned long cr0, cr3, cr4;

    __asm__ __volatile__("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2"
                         : "=r"(cr0), "=r"(cr3), "=r"(cr4));
    memset(&hvm_ctx, 0, sizeof(hvm_ctx));
#ifdef __x86_64__
    extern const char ap_entry64[];
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
    hvm_ctx.mode = VCPU_HVM_MODE_64B;
    hvm_ctx.cpu_regs.x86_64.rip = (uintptr_t)ap_entry64;
    hvm_ctx.cpu_regs.x86_64.rsp = stack_top(cpu);
    hvm_ctx.cpu_regs.x86_64.rdi = cpu;
    hvm_ctx.cpu_regs.x86_64.rflags = 0x2;
    hvm_ctx.cpu_regs.x86_64.cr0 = cr0;
    hvm_ctx.cpu_regs.x86_64.cr3 = cr3;
    hvm_ctx.cpu_regs.x86_64.cr4 = cr4;
    hvm_ctx.cpu_regs.x86_64.efer = ((uint64_t)hi << 32) | lo;
#else
    extern const char ap_entry32[];
    struct vcpu_hvm_x86_32 *r = &hvm_ctx.cpu_regs.x86_32;
    hvm_ctx.mode = VCPU_HVM_MODE_32B;
    r->eip = (uintptr_t)ap_entry32;
    r->esp = stack_top(cpu);
    r->eax = cpu;
    r->eflags = 0x2;
    r->cr0 = cr0;
    r->cr3 = cr3;
    r->cr4 = cr4;
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = 0xc9b; /* 32-bit code, present, accessed */
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_limit = 0x67;
    r->tr_ar = 0x8b; /* busy 32-bit TSS */
#endif
    return (int)vcpu_op(VCPUOP_initialise, cpu, &hvm_ctx);
}
#endif

int smp_start_cpu(unsigned int cpu, ap_entry_t fn)
{
    int rc;

    if (cpu == 0 || cpu >= GUEST_MAX_CPUS)
        return -XEN_EINVAL;
    ap_fn[cpu] = fn;
    rc = init_context(cpu);
    if (rc)
        return rc;
    return (int)vcpu_op(VCPUOP_up, cpu, NULL);
}
