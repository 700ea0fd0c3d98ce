/*
 * hcall_fuzz.c: fires random hypercalls with random arguments for a while
 * and expects to survive.  Command line: seed=N (printed, so a run can be
 * replayed; default from the system time) and seconds=N (default 60).
 * Progress is printed every 5 seconds when the run is that long; trace=1
 * writes each call to the console before making it.
 *
 * Hypercall numbers are drawn from 0..63, sub-op numbers (the first
 * argument of the multiplexed calls) from 0..31, and every argument from a
 * mix: 0, small ints, -1, huge values, random 64-bit, addresses inside the
 * guest's own fuzz buffer (refilled with random bytes before each call),
 * addresses just outside RAM, unmapped and non-canonical addresses.
 *
 * Skipped, because they would end or legitimately wreck the guest itself
 * (not the hypervisor's business):
 *  - sched_op and sched_op_compat block, shutdown, poll, remote_shutdown,
 *    shutdown_code, watchdog (sub-ops 1..6): they end the run, sleep
 *    without a wake-up, or arm a watchdog that kills the domain later;
 *  - vcpu_op down (2) of vCPU 0 (the only vCPU) and send_nmi (11) to it;
 *  - PV only: set_trap_table (0), set_callbacks (4), iret (23) and
 *    set_segment_base (25) replace the guest's own handlers, stack or
 *    segments; update_va_mapping (14, 22) never names the guest's own
 *    memory (its code and page tables) as the address to remap, and the
 *    lists of mmu_update (1), set_gdt (2) and mmuext_op (26) are never
 *    read from its own memory other than the fuzz buffer, nor are the
 *    structures of callback_op (30) and nmi_op (28) (the ELF notes in
 *    page 0 would register an event callback at a small address);
 *  - multicall (13) likewise: its entries, read from the guest's code,
 *    would be real calls (set_trap_table(NULL) among them).
 * Small ints as addresses land in page 0 (PV: the ELF notes; HVM/PVH:
 * unused low memory), where writes do no harm; it is refilled with random
 * bytes like the buffer, so no structure read there points into the guest.
 * The guest checks its code and read-only data every 64 calls (verify=1:
 * every call) and, when it fails, prints its last calls (a multicall's
 * entries too): a guest that wrecked itself says how.
 * When an argument points into the fuzz buffer, the others are kept
 * small (<= 64: one buffer address per call) so that the counts a
 * hypervisor honours stay inside it.
 */
#include "guest.h"

const char guest_name[] = "hcall_fuzz";

#define FUZZ_BUF_SIZE   (16 * 1024)
#define FUZZ_FILL       1024 /* bytes refilled with random data per call */
#define PROGRESS_NS     5000000000ULL
#define CHECK_TIME_MASK 63 /* read the clock every 64 calls */

static uint8_t fuzz_buf[FUZZ_BUF_SIZE] __aligned(4096);

/* The last calls made, for the report when the guest dies. */
#define HISTORY 16
static struct {
    unsigned long nr, a[5], ret, count;
} history[HISTORY];
static unsigned long calls_made;
static uint64_t code_sum;

/* The guest's code and read-only data: they must never change. */
static uint64_t sum_code(void)
{
    extern const char _start[], __rodata_end[];
    const uint64_t *p = (const uint64_t *)(uintptr_t)_start;
    uint64_t s = 0;

    for (; (uintptr_t)(p + 1) <= (uintptr_t)__rodata_end; p++)
        s = (s ^ *p) * 0x100000001b3ULL;
    return s;
}

static int in_fuzz_buf(unsigned long a);

/* PV: the guest maps its code and read-only data read-only (its own
 * right), so the hypervisor may not write them either (Xen's copy to a
 * guest honours the guest's page tables): when they change anyway, the
 * hypervisor wrote through a read-only mapping. */
static void protect_code(void)
{
    extern const char _start[], __rodata_end[];
    unsigned long va;

    if (!env_is_pv())
        return;
    for (va = (unsigned long)(uintptr_t)_start; va < (unsigned long)(uintptr_t)__rodata_end;
         va += GUEST_PAGE_SIZE) {
        uint64_t pte = (virt_to_frame((const void *)va) << 12) | 0x1 | 0x4 | 0x20; /* P US A */
        long rc = HC3(__HYPERVISOR_update_va_mapping, va, pte, UVMF_INVLPG);
        CHECK(rc == 0, "mapping the code read-only: %ld", rc);
    }
}

static const char *code_changed(void)
{
    return env_is_pv() ? "the guest's code or read-only data changed, though mapped read-only: "
                         "the hypervisor wrote through a read-only mapping"
                       : "the guest's code or read-only data changed";
}

void guest_fail_hook(void)
{
    unsigned int i, k_last;

    for (i = 0; i < HISTORY; i++) {
        unsigned int k = (unsigned int)((calls_made + i) % HISTORY);
        if (!history[k].count)
            continue;
        gprintf("hcall_fuzz: call %lu: %lu(%lx, %lx, %lx, %lx, %lx) = %ld\n", history[k].count,
                history[k].nr, history[k].a[0], history[k].a[1], history[k].a[2], history[k].a[3],
                history[k].a[4], (long)history[k].ret);
    }
    k_last = (unsigned int)((calls_made + HISTORY - 1) % HISTORY);
    if (history[k_last].nr == __HYPERVISOR_multicall && in_fuzz_buf(history[k_last].a[0])) {
        const struct multicall_entry *e =
            (const struct multicall_entry *)(uintptr_t)history[k_last].a[0];
        for (i = 0; i < history[k_last].a[1] && i < 64; i++)
            gprintf("hcall_fuzz:   entry %u: %lu(%lx, %lx, %lx, %lx, %lx, %lx) = %ld\n", i,
                    (unsigned long)e[i].op, (unsigned long)e[i].args[0],
                    (unsigned long)e[i].args[1], (unsigned long)e[i].args[2],
                    (unsigned long)e[i].args[3], (unsigned long)e[i].args[4],
                    (unsigned long)e[i].args[5], (long)e[i].result);
    }
    if (code_sum && sum_code() != code_sum)
        gprintf("hcall_fuzz: %s\n", code_changed());
}
static uint64_t rng_state;
static int trace;  /* trace=1: each call goes to the console first */
static int verify; /* verify=1: code checked after every call */

/* xorshift64*: small, good enough, and replayable from the seed. */
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n)
{
    uint64_t rem;

    udiv64(rnd(), n, &rem);
    return rem;
}

static uint64_t parse_num(const char *cl, const char *key, uint64_t dflt)
{
    const char *p = strstr(cl, key);
    uint64_t n = 0;

    if (!p || (p != cl && p[-1] != ' '))
        return dflt;
    for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (uint64_t)(*p - '0');
    return n;
}

enum arg_kind {
    ARG_ZERO,
    ARG_SMALL,
    ARG_MINUS1,
    ARG_HUGE,
    ARG_RANDOM,
    ARG_OWN,
    ARG_PAST_RAM,
    ARG_UNMAPPED,
    ARG_NONCANON,
    ARG_KINDS
};

static unsigned long own_addr(void)
{
    return (unsigned long)(uintptr_t)(fuzz_buf + rnd_below(FUZZ_BUF_SIZE / 2));
}

static unsigned long draw_arg(enum arg_kind k)
{
    static const uint64_t huge[] = {
        0x7fffffffULL,         0x80000000ULL,         0xffffffffULL,        0x100000000ULL,
        0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xfffffffffffff000ULL};

    switch (k) {
    case ARG_ZERO:
        return 0;
    case ARG_SMALL:
        return (unsigned long)rnd_below(256);
    case ARG_MINUS1:
        return ~0UL;
    case ARG_HUGE:
        return (unsigned long)huge[rnd_below(ARRAY_SIZE(huge))];
    case ARG_RANDOM:
        return (unsigned long)rnd();
    case ARG_OWN:
        return own_addr();
    case ARG_PAST_RAM:
        return (unsigned long)(boot.mem_bytes + rnd_below(3 * GUEST_PAGE_SIZE));
#ifdef __x86_64__
    case ARG_UNMAPPED:
        return 0x700000000000UL + (unsigned long)rnd_below(1UL << 32);
    case ARG_NONCANON:
        return 0x0000800000000000UL | (unsigned long)(rnd() & 0x00007fffffffffffUL);
#else
    case ARG_UNMAPPED:
        return 0xc0000000UL + (unsigned long)rnd_below(1UL << 28);
    case ARG_NONCANON:
        return 0xfffff000UL + (unsigned long)rnd_below(GUEST_PAGE_SIZE);
#endif
    default:
        return 0;
    }
}

/* Hypercall numbers whose sub-op is the first argument. */
static int is_multiplexed(unsigned int nr)
{
    switch (nr) {
    case __HYPERVISOR_sched_op_compat:
    case __HYPERVISOR_platform_op:
    case __HYPERVISOR_memory_op:
    case __HYPERVISOR_event_channel_op_compat:
    case __HYPERVISOR_xen_version:
    case __HYPERVISOR_console_io:
    case __HYPERVISOR_physdev_op_compat:
    case __HYPERVISOR_grant_table_op:
    case __HYPERVISOR_vm_assist:
    case __HYPERVISOR_vcpu_op:
    case __HYPERVISOR_mmuext_op:
    case __HYPERVISOR_xsm_op:
    case __HYPERVISOR_nmi_op:
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_callback_op:
    case __HYPERVISOR_xenoprof_op:
    case __HYPERVISOR_event_channel_op:
    case __HYPERVISOR_physdev_op:
    case __HYPERVISOR_hvm_op:
    case __HYPERVISOR_kexec_op:
    case __HYPERVISOR_argo_op:
    case __HYPERVISOR_xenpmu_op:
    case __HYPERVISOR_hypfs_op:
        return 1;
    default:
        return 0;
    }
}

static int own_memory(unsigned long a)
{
    extern char _end[];
    return a < (unsigned long)(uintptr_t)_end + GUEST_PAGE_SIZE * 64;
}

static int in_fuzz_buf(unsigned long a)
{
    return a >= (unsigned long)(uintptr_t)fuzz_buf &&
           a < (unsigned long)(uintptr_t)(fuzz_buf + FUZZ_BUF_SIZE);
}

/* 1 if the call would end or wreck the guest itself (see the top). */
static int self_destructive(unsigned int nr, const unsigned long *a)
{
    if (nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_sched_op_compat)
        return a[0] >= 1 && a[0] <= 6;
    if (nr == __HYPERVISOR_vcpu_op)
        return (a[0] == 2 || a[0] == 11) && (unsigned int)a[1] == 0;
    if (nr == __HYPERVISOR_multicall)
        return own_memory(a[0]) && !in_fuzz_buf(a[0]);
    if (!env_is_pv())
        return 0;
    switch (nr) {
    case __HYPERVISOR_mmu_update:
    case __HYPERVISOR_set_gdt:
    case __HYPERVISOR_mmuext_op:
        return own_memory(a[0]) && !in_fuzz_buf(a[0]);
    case __HYPERVISOR_callback_op:
    case __HYPERVISOR_nmi_op:
        return own_memory(a[1]) && !in_fuzz_buf(a[1]);
    case __HYPERVISOR_set_trap_table:
    case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_iret:
    case __HYPERVISOR_set_segment_base:
        return 1;
    case __HYPERVISOR_update_va_mapping:
    case __HYPERVISOR_update_va_mapping_otherdomain:
        return own_memory(a[0]);
    default:
        return 0;
    }
}

/* Random bytes where the call will look: FUZZ_FILL bytes from the buffer
 * address it gets (the buffer's start if none); all of it now and then, so
 * the zeros hypervisor results leave there do not pile up.  Page 0 (where
 * small ints point) too: what earlier results left there must not become
 * a live pointer into the guest itself (a "2.0" from xen_version read as
 * extent_start 0x302e made machphys_mfn_list write M2P frame numbers over
 * the guest's code: the pv64 runs that died at ip 0x4/0x7). */
static void fill_random(unsigned long at)
{
    uint64_t *p = (uint64_t *)fuzz_buf;
    volatile uint64_t *page0;
    unsigned int i;

    if (in_fuzz_buf(at))
        p += (at - (unsigned long)(uintptr_t)fuzz_buf) / 8;
    for (i = 0; i < FUZZ_FILL / 8; i++)
        p[i] = rnd();
    __asm__("" : "=r"(page0) : "0"(0UL)); /* address 0, opaque to the compiler */
    for (i = 0; i < FUZZ_FILL / 8; i++)
        page0[i] = rnd();
    if (!rnd_below(256)) {
        for (p = (uint64_t *)fuzz_buf, i = 0; i < FUZZ_BUF_SIZE / 8; i++)
            p[i] = rnd();
        for (i = FUZZ_FILL / 8; i < GUEST_PAGE_SIZE / 8; i++)
            page0[i] = rnd();
    }
}

/* A multicall's entries: random calls, none of them self-destructive (a
 * zero left in the buffer would be set_trap_table(NULL) on PV). */
static void fill_multicall(unsigned long at, unsigned long count)
{
    struct multicall_entry *e = (struct multicall_entry *)(uintptr_t)at;
    unsigned long args[6];
    unsigned int i, j;

    for (; count; count--, e++) {
        e->op = (unsigned long)rnd_below(64);
        for (j = 0; j < 6; j++) {
            enum arg_kind k = (enum arg_kind)rnd_below(ARG_KINDS);
            args[j] = k == ARG_OWN ? 0 : draw_arg(k);
        }
        if (is_multiplexed((unsigned int)e->op))
            args[0] = (unsigned long)rnd_below(32);
        if (e->op == __HYPERVISOR_multicall || self_destructive((unsigned int)e->op, args))
            e->op = 64 + (unsigned long)rnd_below(64); /* none */
        for (i = 0; i < 6; i++)
            e->args[i] = args[i];
    }
}

static void fire_one(void)
{
    unsigned long a[5];
    unsigned int nr, i, own;

    do { /* the checks come last: they judge the arguments as made */
        nr = (unsigned int)rnd_below(64);
        own = 0;
        for (i = 0; i < 5; i++) {
            enum arg_kind k = (enum arg_kind)rnd_below(ARG_KINDS);
            a[i] = draw_arg(k);
            own |= (k == ARG_OWN);
        }
        if (is_multiplexed(nr))
            a[0] = (unsigned long)rnd_below(32);
        if (own) { /* one buffer address; every other argument small */
            unsigned int keep = 5;
            for (i = 0; i < 5; i++)
                if (keep == 5 && in_fuzz_buf(a[i]))
                    keep = i;
            for (i = 0; i < 5; i++)
                if (i != keep && a[i] > 64)
                    a[i] = (unsigned long)rnd_below(65);
        }
    } while (self_destructive(nr, a));
    for (i = 0; i < 5 && !in_fuzz_buf(a[i]); i++)
        ;
    fill_random(i < 5 ? a[i] : 0);
    if (nr == __HYPERVISOR_multicall && in_fuzz_buf(a[0]))
        fill_multicall(a[0], a[1]);
    if (trace) {
        char line[160];
        gsnprintf(line, sizeof(line), "hcall_fuzz: %u(%lx, %lx, %lx, %lx, %lx)\n", nr, a[0], a[1],
                  a[2], a[3], a[4]);
        console_write(line, strlen(line));
    }
    {
        unsigned int k = (unsigned int)(calls_made % HISTORY);
        history[k].nr = nr;
        for (i = 0; i < 5; i++)
            history[k].a[i] = a[i];
        history[k].count = ++calls_made;
        history[k].ret = (unsigned long)hypercall(nr, a[0], a[1], a[2], a[3], a[4]);
    }
}

void guest_main(void)
{
    uint64_t seed, seconds, start, now, end, next_report;
    unsigned long calls = 0;

    guest_require_xen();
    seed = parse_num(boot.cmdline, "seed=", xen_system_time_ns() | 1);
    seconds = parse_num(boot.cmdline, "seconds=", 60);
    trace = (int)parse_num(boot.cmdline, "trace=", 0);
    verify = (int)parse_num(boot.cmdline, "verify=", 0);
    rng_state = seed ? seed : 1;
    gprintf("hcall_fuzz: seed=%llu seconds=%llu\n", (unsigned long long)seed,
            (unsigned long long)seconds);

    protect_code();
    code_sum = sum_code();
    start = xen_system_time_ns();
    end = start + seconds * 1000000000ULL;
    next_report = start + PROGRESS_NS;
    for (;;) {
        fire_one();
        calls++;
        if (!(calls & CHECK_TIME_MASK) || verify)
            if (sum_code() != code_sum)
                guest_fail("%s", code_changed());
        if (calls & CHECK_TIME_MASK)
            continue;
        now = xen_system_time_ns();
        if (now >= next_report && next_report <= end) {
            uint64_t rem;
            gprintf("hcall_fuzz: %llu s: %lu hypercalls\n",
                    (unsigned long long)udiv64(next_report - start, 1000000000ULL, &rem), calls);
            next_report += PROGRESS_NS;
        }
        if (now >= end)
            break;
    }
    gprintf("hcall_fuzz: survived %llu seconds: ok\n", (unsigned long long)seconds);
}
