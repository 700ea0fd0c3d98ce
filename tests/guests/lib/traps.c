/*
 * traps.c: exceptions delivered to the guest's own handlers.  HVM/PVH: an
 * IDT whose gates lead to traps_hvm.S.  PV: a trap table registered with
 * HYPERVISOR_set_trap_table, plus the event and failsafe callbacks.
 * Guests install per-vector handlers; a vector nobody handles ends the
 * guest with RESULT: FAIL.
 */
#include "guest.h"
#include "asm.h"
#include "callback.h"

#define NR_TRAPS 32

/* The registers trap_common / pv_trap_common saved, lowest address first. */
struct hw_regs {
#ifdef __x86_64__
    unsigned long r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    unsigned long vector, error, ip, cs, flags, sp, ss;
#else
    unsigned long edi, esi, ebp, esp0, ebx, edx, ecx, eax;
    unsigned long vector, error, ip, cs, flags; /* same ring: no sp, ss */
#endif
};
void trap_entry(struct hw_regs *r);

static trap_handler_t handlers[NR_TRAPS];

static const char *const names[NR_TRAPS] = {"#DE", "#DB",  "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                            "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
                                            "#MF", "#AC",  "#MC", "#XM", "#VE", "#CP"};

const char *trap_name(unsigned int vector)
{
    if (vector < NR_TRAPS && names[vector])
        return names[vector];
    return "#??";
}

void trap_set_handler(unsigned int vector, trap_handler_t fn)
{
    if (vector < NR_TRAPS)
        handlers[vector] = fn;
}

void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < NR_TRAPS && handlers[f->vector] && handlers[f->vector](f) == 0)
        return;
    if (f->vector == 0x100)
        guest_fail("failsafe callback: Xen could not return to the guest");
    guest_fail("unhandled exception %s (vector %lu, error %#lx) at ip %p", trap_name(f->vector),
               f->vector, f->error_code, (void *)f->ip);
}

static unsigned long read_cr2(void)
{
    unsigned long v = 0;

    if (env_is_pv())
        v = shared_info ? vcpu_info_of(smp_cpu_id())->arch.cr2 : 0;
    else
        __asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
    return v;
}

void trap_entry(struct hw_regs *r)
{
    struct trap_frame f;

    if (r->vector == UPCALL_VECTOR) {
        event_upcall();
        return;
    }
    f.vector = r->vector;
    f.error_code = r->error;
    f.ip = r->ip;
    f.cs = r->cs;
    f.flags = r->flags;
#ifdef __x86_64__
    f.sp = r->sp;
#else
    f.sp = (unsigned long)&r->flags + sizeof(r->flags);
#endif
    f.cr2 = f.vector == 14 ? read_cr2() : 0;
    trap_dispatch(&f);
    r->ip = f.ip;
}

#if defined(GUEST_PV)
extern const char pv_trap_stubs[], pv_event_callback[], pv_failsafe_callback[];
static struct trap_info trap_table[NR_TRAPS + 1];
static unsigned long removed_gates;

static void pv_load_table(void)
{
    unsigned int v, n = 0;

    for (v = 0; v < 20; v++) {
        if (v == 2 || v == 9 || v == 15 || (removed_gates & (1UL << v)))
            continue;
        trap_table[n].vector = (uint8_t)v;
        trap_table[n].flags = v == 3 ? 3 : 0; /* int3 from any ring */
        trap_table[n].cs = FLAT_KERNEL_CS;
        trap_table[n].address = (unsigned long)pv_trap_stubs + v * 16;
        n++;
    }
    memset(&trap_table[n], 0, sizeof(trap_table[n]));
    HC1(__HYPERVISOR_set_trap_table, NULL); /* clear, then load */
    HC1(__HYPERVISOR_set_trap_table, trap_table);
}

const struct trap_info *pv_trap_table(void)
{
    return trap_table;
}

void traps_init(void)
{
    struct callback_register ev = {.type = CALLBACKTYPE_event,
                                   .address = (unsigned long)pv_event_callback};
    struct callback_register fs = {.type = CALLBACKTYPE_failsafe,
                                   .flags = CALLBACKF_mask_events,
                                   .address = (unsigned long)pv_failsafe_callback};

    pv_load_table();
    HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &ev);
    HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &fs);
}

void traps_load_cpu(void)
{
}

void traps_remove_gate(unsigned int vector)
{
    if (vector < NR_TRAPS)
        removed_gates |= 1UL << vector;
    pv_load_table();
}

void __noreturn triple_fault(void)
{
    /* A PV guest has no IDT: with no handlers at all, Xen crashes it. */
    HC1(__HYPERVISOR_set_trap_table, NULL);
    __asm__ __volatile__("ud2");
    cpu_halt_forever();
}

#else /* HVM, PVH */
extern const char trap_stubs[], upcall_stub[];

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
#ifdef __x86_64__
    uint32_t off_hi, zero;
#endif
} __attribute__((packed));

static struct idt_gate idt[256] __aligned(16);
static struct {
    uint16_t limit;
    unsigned long base;
} __attribute__((packed)) idt_desc = {sizeof(idt) - 1, (unsigned long)idt};

static void set_gate(unsigned int vec, const void *fn)
{
    uintptr_t a = (uintptr_t)fn;

    idt[vec].off_lo = (uint16_t)a;
    idt[vec].off_mid = (uint16_t)(a >> 16);
#ifdef __x86_64__
    idt[vec].sel = SEL_CODE64;
    idt[vec].off_hi = (uint32_t)((uint64_t)a >> 32);
#else
    idt[vec].sel = SEL_CODE32;
#endif
    idt[vec].type = 0x8e; /* present, DPL 0, interrupt gate */
}

void traps_load_cpu(void)
{
    __asm__ __volatile__("lidt %0" ::"m"(idt_desc));
}

void traps_init(void)
{
    unsigned int v;

    for (v = 0; v < NR_TRAPS; v++)
        set_gate(v, trap_stubs + v * 16);
    set_gate(UPCALL_VECTOR, upcall_stub);
    traps_load_cpu();
}

void traps_remove_gate(unsigned int vector)
{
    idt[vector & 0xff].type &= 0x7f; /* not present */
}

void __noreturn triple_fault(void)
{
    static const struct {
        uint16_t limit;
        unsigned long base;
    } __attribute__((packed)) empty = {0, 0};

    __asm__ __volatile__("lidt %0; int3" ::"m"(empty));
    cpu_halt_forever();
}
#endif
