/*
 * guest.h: the interface of the freestanding guest runtime shared by the
 * test guests and the example guest.  One runtime serves four boot
 * environments (pv64, pvh, hvm32, hvm64); it uses only Xen's documented
 * guest ABI (hypervisor/include/public), so the guests run on real Xen.
 *
 * A guest provides guest_main(); the runtime has already set up the
 * console, the hypercall page, exception handlers and the boot info.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "xen.h"
#include "errno.h"
#include "event_channel.h"
#include "sched.h"
#include "vcpu.h"

#define GUEST_PAGE_SIZE  4096UL
#define GUEST_MAX_CPUS   8
#define GUEST_MAX_MODS   8
#define GUEST_MAX_MEMMAP 32

#define __noreturn    __attribute__((noreturn))
#define __aligned(n)  __attribute__((aligned(n)))
#define barrier()     __asm__ __volatile__("" ::: "memory")
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum guest_env { ENV_PV64, ENV_PVH, ENV_HVM32, ENV_HVM64 };

struct boot_module {
    uintptr_t addr; /* where the guest can read it */
    uint64_t size;
    const char *cmdline;
};

struct boot_memmap {
    uint64_t addr, size;
    uint32_t type; /* e820 type: 1 = RAM */
};

/* What the guest learned at boot: filled in before guest_main(). */
struct boot_info {
    enum guest_env env;
    const char *env_name; /* "PV", "PVH" or "HVM" */
    int bits;             /* 32 or 64 */
    int on_xen;           /* the Xen CPUID leaves (or PV start info) were found */
    uint32_t xen_version; /* major << 16 | minor */
    const char *cmdline;  /* never NULL */
    uint64_t mem_bytes;   /* RAM the guest was given */
    unsigned int nr_vcpus;
    unsigned int nr_modules;
    struct boot_module modules[GUEST_MAX_MODS];
    unsigned int nr_memmap;
    struct boot_memmap memmap[GUEST_MAX_MEMMAP];
    uint64_t console_pfn;
    evtchn_port_t console_evtchn;
    uint64_t store_pfn;
    evtchn_port_t store_evtchn;
    void *start_info; /* pv: start_info_t; pvh/hvm: hvm_start_info (or NULL) */
};
extern struct boot_info boot;
extern struct shared_info *shared_info; /* mapped at boot when on Xen */

/* The guest's code. */
void guest_main(void);
/* The name used in the RESULT line; each guest defines it. */
extern const char guest_name[];

/* --- console (console.c) --- */
void console_write(const char *s, size_t len);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gvprintf(const char *fmt, va_list ap);
int gvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int gsnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void console_io_write(const char *s); /* HYPERVISOR_console_io only */
void port_e9_write(const char *s);    /* the debug port only (HVM/PVH) */
int console_ring_ready(void);

/* --- the result protocol (result.c) --- */
void __noreturn guest_pass(void);
void __noreturn guest_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __noreturn guest_shutdown(unsigned int reason);
/* Fail with "not running on Xen" when there is no Xen below. */
void guest_require_xen(void);
/* Check a hypercall's result; print "<guest>: <what>: ok". */
#define EXPECT_RC(expr, want, what)                                                                \
    do {                                                                                           \
        long rc_ = (long)(expr);                                                                   \
        if (rc_ != (long)(want))                                                                   \
            guest_fail("%s: returned %ld, expected %ld", what, rc_, (long)(want));                 \
        gprintf("%s: %s: ok\n", guest_name, what);                                                 \
    } while (0)
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            guest_fail(__VA_ARGS__);                                                               \
    } while (0)

/* --- hypercalls (hypercall.c) --- */
long hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5);
#define HC0(nr)       hypercall(nr, 0, 0, 0, 0, 0)
#define HC1(nr, a)    hypercall(nr, (unsigned long)(a), 0, 0, 0, 0)
#define HC2(nr, a, b) hypercall(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define HC3(nr, a, b, c)                                                                           \
    hypercall(nr, (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), 0, 0)
#define HC4(nr, a, b, c, d)                                                                        \
    hypercall(nr, (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), (unsigned long)(d), 0)
long sched_op(int cmd, void *arg);
long console_io(int cmd, int count, const char *buf);
long xen_version_op(int cmd, void *arg);
long memory_op(unsigned int cmd, void *arg);
long vcpu_op(int cmd, unsigned int vcpu, void *arg);
long evtchn_op(int cmd, void *arg);
long grant_table_op(unsigned int cmd, void *arg, unsigned int count);
long hvm_op(unsigned long cmd, void *arg);
long set_timer_op(uint64_t timeout_ns);
int hvm_get_param(unsigned int index, uint64_t *value);
int hvm_set_param(unsigned int index, uint64_t value);
/* Xen CPUID leaf base, or 0 when not running on Xen (HVM/PVH). */
uint32_t xen_cpuid_base(void);
int hypercall_init(void);

/* --- events (evtchn.c) --- */
typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);
int events_init(void); /* map shared info, install the upcall */
int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t fn, void *data);
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
int evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
int evtchn_send(evtchn_port_t port);
int evtchn_close(evtchn_port_t port);
int evtchn_unmask(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
int evtchn_test_and_clear(evtchn_port_t port);
int evtchn_is_pending(evtchn_port_t port);
/* Sleep until the port is pending (SCHEDOP_poll); clears it.  timeout_ns
 * is relative, 0 for none.  Returns 0, or -XEN_ETIMEDOUT. */
int evtchn_wait(evtchn_port_t port, uint64_t timeout_ns);
/* The same without a lost wake-up when a handler is bound: take the
 * snapshot before checking the condition waited for. */
unsigned long evtchn_snapshot(evtchn_port_t port);
int evtchn_wait_since(evtchn_port_t port, unsigned long snapshot, uint64_t timeout_ns);
/* Events enabled (upcalls delivered) or not, on this vCPU. */
void events_enable(void);
void events_disable(void);
/* Block this vCPU until an upcall was handled (HLT on HVM/PVH with
 * interrupts on, SCHEDOP_block on PV). */
void events_idle(void);
unsigned long events_snapshot(void); /* this vCPU's upcall count */
void events_idle_since(unsigned long snapshot);
/* Sleep (events enabled) until cond holds, losing no wake-up between the
 * test of cond and the sleep. */
#define EVENTS_WAIT_UNTIL(cond)                                                                    \
    do {                                                                                           \
        for (;;) {                                                                                 \
            unsigned long snap_ = events_snapshot();                                               \
            if (cond)                                                                              \
                break;                                                                             \
            events_idle_since(snap_);                                                              \
        }                                                                                          \
    } while (0)
extern volatile unsigned long upcall_count[GUEST_MAX_CPUS];
/* This vCPU's vcpu_info: in shared info, or where it was registered. */
struct vcpu_info *vcpu_info_of(unsigned int cpu);
int vcpu_register_info(unsigned int cpu, struct vcpu_info *vi);

/* --- time (time.c) --- */
uint64_t xen_system_time_ns(void); /* from vcpu_time_info; 0 without Xen */

/* --- xenstore (xenstore.c) --- */
int xs_init(void);
/* How the client waits for the store's event (default evtchn_wait_since). */
typedef int xs_wait_fn(evtchn_port_t port, unsigned long snapshot, uint64_t timeout_ns);
void xs_set_wait(xs_wait_fn *fn);
/* Send the event after a write only when the store had read everything
 * before it, as Linux does (default: always). */
void xs_notify_as_linux(int on);
int xs_read(const char *path, char *buf, size_t size);
int xs_write(const char *path, const char *value);
int xs_rm(const char *path);
int xs_directory(const char *path, char *buf, size_t size);
int xs_watch(const char *path, const char *token);
int xs_unwatch(const char *path, const char *token);
/* Wait for a watch event; fills path and token.  timeout_ns 0: forever. */
int xs_read_watch(char *path, size_t psize, char *token, size_t tsize, uint64_t timeout_ns);
const char *xs_strerror(int err);

/* --- exceptions (traps.c) --- */
struct trap_frame {
    unsigned long vector, error_code;
    unsigned long ip, cs, flags;
    unsigned long sp; /* the interrupted stack pointer */
    unsigned long cr2;
};
/* Return 0 to resume (after moving frame->ip if needed), -1 for fatal. */
typedef int (*trap_handler_t)(struct trap_frame *f);
void trap_set_handler(unsigned int vector, trap_handler_t fn);
void traps_init(void);
void traps_load_cpu(void);                   /* lidt on this vCPU (HVM/PVH) */
void traps_remove_gate(unsigned int vector); /* make the vector undeliverable */
void __noreturn triple_fault(void);
const char *trap_name(unsigned int vector);

/* --- SMP (smp.c) --- */
typedef void (*ap_entry_t)(unsigned int cpu);
int smp_start_cpu(unsigned int cpu, ap_entry_t fn);
unsigned int smp_cpu_id(void);
int vcpu_count(void);

/* --- paging (paging.c) --- */
/* A "frame" is what the hypervisor calls a guest page: the machine frame
 * (mfn) for PV, the guest physical frame (gpfn) for HVM and PVH. */
uint64_t virt_to_frame(const void *va);
/* Map one frame at alias slot 0..15 (a second virtual address); NULL if
 * this environment cannot (hvm32 runs without paging). */
void *map_frame(unsigned int slot, uint64_t frame, int writable);
/* The guest's own address of a frame it was told about (console, store
 * rings): identity on HVM/PVH, an alias slot on PV. */
void *frame_to_virt(uint64_t frame, unsigned int pv_slot);
/* Grant frame 0, writable by the guest: PV maps setup_frame (what
 * GNTTABOP_setup_table returned), HVM/PVH put it at the page hvm_page;
 * NULL if it cannot. */
void *grant_table_map(uint64_t setup_frame, void *hvm_page);
#define ALIAS_SLOT_CONSOLE 0
#define ALIAS_SLOT_STORE   1
#define ALIAS_SLOT_SHINFO  2
#define ALIAS_SLOT_GNTTAB  3
#define ALIAS_SLOT_TEST    8 /* 8..15 free for tests */

/* --- low level (lib.c) --- */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *h, const char *n);
size_t strlcpy(char *d, const char *s, size_t size);
uint64_t udiv64(uint64_t n, uint64_t d, uint64_t *rem);

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(leaf), "2"(0));
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}
static inline int env_is_pv(void)
{
    return boot.env == ENV_PV64;
}

/* Runtime internals shared between its files. */
void console_init(void);
void boot_parse(void *start_info_ptr);
void time_init(void);
extern uint8_t hypercall_page[];
extern volatile int guest_cpu_online[GUEST_MAX_CPUS];
void __noreturn cpu_halt_forever(void);
void trap_dispatch(struct trap_frame *f);
void event_upcall(void);
void arch_start_secondary(unsigned int cpu);

#endif
