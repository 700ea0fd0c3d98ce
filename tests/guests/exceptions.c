/*
 * exceptions.c: #UD, #DE, #BP, #GP and #PF raised on purpose and delivered
 * to the guest's own handlers (the IDT on HVM/PVH, the trap table on PV),
 * which check vector, error code and faulting address and resume after
 * the instruction.  hvm32 turns on 32-bit paging for the #PF case.
 */
#include "guest.h"

const char guest_name[] = "exceptions";

static volatile unsigned long got_vector = ~0UL, got_error, got_ip, got_cr2;
static volatile unsigned long fault_ip, resume_ip;

static int on_fault(struct trap_frame *f)
{
    got_vector = f->vector;
    got_error = f->error_code;
    got_ip = f->ip;
    got_cr2 = f->cr2;
    f->ip = resume_ip;
    return 0;
}

/* Run INSN with fault_ip/resume_ip pointing at it and past it; the
 * variadic arguments are the asm inputs. */
#ifdef __x86_64__
#define LABELS "movq $1f, %[f]; movq $2f, %[r]\n\t"
#else
#define LABELS "movl $1f, %[f]; movl $2f, %[r]\n\t"
#endif
#define RAISE(insn, ...)                                                                           \
    __asm__ __volatile__(LABELS "1: " insn "\n2:"                                                  \
                         : [f] "=m"(fault_ip), [r] "=m"(resume_ip)                                 \
                         : __VA_ARGS__                                                             \
                         : "memory", "cc")

static void expect(unsigned int vector, const char *what)
{
    CHECK(got_vector == vector, "%s: got vector %ld, expected %u (%s)", what, (long)got_vector,
          vector, trap_name(vector));
    if (vector != 3) /* #BP is a trap: it reports the next instruction */
        CHECK(got_ip == fault_ip, "%s: reported ip %#lx, faulting instruction at %#lx", what,
              got_ip, fault_ip);
    gprintf("exceptions: %s delivered to the guest's handler: ok\n", trap_name(vector));
    got_vector = ~0UL;
}

#if defined(GUEST_HVM32)
static uint32_t pd32[1024] __aligned(4096);

static void paging_on(void)
{
    unsigned long v;
    unsigned int i;

    for (i = 0; i < 1024; i++)
        pd32[i] = i == 512 ? 0 : (i << 22) | 0x83; /* 4 MiB pages; 2 GiB left out */
    __asm__ __volatile__("mov %%cr4, %0; or $0x10, %0; mov %0, %%cr4" : "=r"(v)); /* PSE */
    __asm__ __volatile__("mov %0, %%cr3" ::"r"(pd32));
    __asm__ __volatile__("mov %%cr0, %0; or $0x80000000, %0; mov %0, %%cr0" : "=r"(v));
}

static void paging_off(void)
{
    unsigned long v;

    __asm__ __volatile__("mov %%cr0, %0; and $0x7fffffff, %0; mov %0, %%cr0" : "=r"(v));
}
#define UNMAPPED 0x80000000UL
#else
#define UNMAPPED 0x700000000000UL
#endif

void guest_main(void)
{
    unsigned int v;

    for (v = 0; v < 20; v++)
        trap_set_handler(v, on_fault);

    RAISE("ud2");
    expect(6, "ud2");

    RAISE("divl %%ecx", "a"(1), "c"(0), "d"(0));
    expect(0, "divide by zero");

    RAISE("int3");
    expect(3, "int3");

#ifdef __x86_64__
    RAISE("movabsq 0x8000000000000000, %%rax");
    expect(13, "non-canonical load");
    CHECK(got_error == 0, "#GP error code %#lx, expected 0", got_error);
#else
    RAISE("movw %%ax, %%ds", "a"(0x1230)); /* past the GDT limit */
    expect(13, "bad segment load");
    CHECK(got_error == 0x1230, "#GP error code %#lx, expected 0x1230", got_error);
#endif

#if defined(GUEST_HVM32)
    paging_on();
#endif
    RAISE("movl $0x5a5a5a5a, (%[p])", [p] "r"(UNMAPPED));
#if defined(GUEST_HVM32)
    paging_off();
#endif
    expect(14, "write to an unmapped page");
    CHECK(got_cr2 == UNMAPPED, "#PF address %#lx, expected %#lx", got_cr2, UNMAPPED);
    CHECK((got_error & 3) == 2, "#PF error code %#lx: expected not-present write", got_error);
    gprintf("exceptions: execution continues after five exceptions: ok\n");
}
