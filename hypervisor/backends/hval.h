/*
 * hval.h: the CPU backend table ("HVAL"): everything the hypervisor needs
 * from a CPU, with no engine detail.  A backend creates vCPUs attached to
 * guest-physical memory, loads and stores their whole architectural state,
 * runs them until an exit (what a VM exit is on hardware) and injects
 * events through the guest's IDT.  `emu` (unicorn) implements it.
 *
 * Threading: every call on a vCPU comes from the one thread that runs it,
 * except kick(), which any thread may call.
 */
#ifndef XENHV_HVAL_H
#define XENHV_HVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hval_vcpu;

/* General registers, in the instruction set's encoding order. */
enum hval_gpr {
    HVAL_RAX,
    HVAL_RCX,
    HVAL_RDX,
    HVAL_RBX,
    HVAL_RSP,
    HVAL_RBP,
    HVAL_RSI,
    HVAL_RDI,
    HVAL_R8,
    HVAL_R9,
    HVAL_R10,
    HVAL_R11,
    HVAL_R12,
    HVAL_R13,
    HVAL_R14,
    HVAL_R15,
    HVAL_NR_GPRS
};

/* Segment registers with their hidden parts. */
enum hval_seg { HVAL_ES, HVAL_CS, HVAL_SS, HVAL_DS, HVAL_FS, HVAL_GS, HVAL_NR_SEGS };

/*
 * Segment attributes, packed as SVM's VMCB does: bits 0-3 type, 4 S,
 * 5-6 DPL, 7 P, 8 AVL, 9 L, 10 D/B, 11 G.  limit is in bytes (G expanded).
 */
#define HVAL_SEG_TYPE(a) ((a)&0xf)
#define HVAL_SEG_S       (1u << 4)
#define HVAL_SEG_DPL(a)  (((a) >> 5) & 3)
#define HVAL_SEG_P       (1u << 7)
#define HVAL_SEG_AVL     (1u << 8)
#define HVAL_SEG_L       (1u << 9)
#define HVAL_SEG_DB      (1u << 10)
#define HVAL_SEG_G       (1u << 11)

struct hval_segment {
    uint64_t base;
    uint32_t limit;
    uint16_t selector;
    uint16_t attr;
};

struct hval_dtable {
    uint64_t base;
    uint16_t limit;
};

/* x87 and SSE state. st[i] is the 80-bit physical register i. */
struct hval_fpu {
    uint16_t fcw, fsw, ftw, fop; /* ftw: the full 16-bit tag word */
    uint16_t fcs, fds;
    uint64_t fip, fdp;
    uint8_t st[8][10];
    uint32_t mxcsr;
    uint8_t xmm[16][16];
};

/* The whole architectural state of a vCPU. */
struct hval_state {
    uint64_t gpr[HVAL_NR_GPRS];
    uint64_t rip, rflags;
    struct hval_segment seg[HVAL_NR_SEGS]; /* FS/GS base: the full 64 bits */
    struct hval_segment ldtr, tr;
    struct hval_dtable gdtr, idtr;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t dr[4], dr6, dr7;
    uint64_t efer;
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat;
    struct hval_fpu fpu;
};

/* The cheap subset: what a hypercall or an I/O handler reads and writes. */
struct hval_regs {
    uint64_t gpr[HVAL_NR_GPRS];
    uint64_t rip, rflags;
};

enum hval_exit_kind {
    HVAL_EXIT_NONE,
    HVAL_EXIT_IO,        /* port I/O (handled synchronously, see below) */
    HVAL_EXIT_MMIO,      /* access to guest-physical memory that is not RAM */
    HVAL_EXIT_CPUID,     /* the hypervisor answers */
    HVAL_EXIT_MSR,       /* rdmsr/wrmsr of an MSR the CPU does not own */
    HVAL_EXIT_HYPERCALL, /* vmcall/vmmcall; rip is already past it */
    HVAL_EXIT_HLT,       /* rip is past the hlt */
    HVAL_EXIT_EXCEPTION, /* fault, trap or int n, not delivered to the guest */
    HVAL_EXIT_TRIPLE_FAULT,
    HVAL_EXIT_INTERRUPTED, /* kick() or the run's timeout: time slice over */
    HVAL_EXIT_ERROR,       /* the engine failed; error holds -errno */
};

struct hval_exit {
    enum hval_exit_kind kind;
    union {
        struct {
            uint16_t port;
            uint8_t size; /* 1, 2 or 4 */
            bool write;
            uint32_t data; /* out: the value; in: the handler's answer */
        } io;
        struct {
            uint64_t gpa;
            uint8_t size; /* 1, 2, 4 or 8 */
            bool write;
            uint64_t data;
        } mmio;
        struct {
            uint32_t leaf, subleaf;
            uint32_t eax, ebx, ecx, edx; /* in: the CPU model's; out: the handler's answer */
        } cpuid;
        struct {
            uint32_t index;
            bool write;
            uint64_t value; /* wrmsr: the value; rdmsr: the handler's answer */
        } msr;
        struct {
            uint8_t insn_len;
            bool vmmcall; /* AMD's form */
            bool syscall; /* a PV vCPU's syscall (config.syscall_exits) */
        } hypercall;
        struct {
            uint8_t vector;
            bool software; /* int n / int3 / into: rip is past the instruction */
            bool has_error_code;
            uint32_t error_code;
            uint64_t cr2; /* #PF: the faulting linear address */
        } exception;
        struct {
            int error;    /* -errno */
            uint64_t gpa; /* for a fetch from outside RAM */
        } error;
    };
};

/*
 * I/O, MMIO, CPUID and MSR exits are answered synchronously, in the middle
 * of the instruction, by the vCPU's exit handler, which fills the answer in
 * *exit and returns one of these.  HVAL_STOP also makes run() return this
 * exit soon after the instruction: the rest of its translated block may
 * run first (a hlt there is reported by the next run()).  An 8-byte MMIO
 * access reaches the handler as two 4-byte exits, low half first.
 */
enum hval_answer {
    HVAL_HANDLED = 0, /* the answer is in *exit */
    HVAL_STOP = 1,    /* handled; end run() with this exit */
    HVAL_DEFAULT = 2, /* let the CPU answer: native cpuid/MSR, reads of all ones */
};
typedef enum hval_answer (*hval_exit_handler)(struct hval_vcpu *vcpu, struct hval_exit *exit,
                                              void *opaque);

/* Guest RAM: host memory (a memfd mapping) at a guest-physical range. */
struct hval_ram {
    uint64_t gpa;
    uint64_t size; /* page multiple */
    void *hva;
};

#define HVAL_OVERLAY_PAGES 32

struct hval_overlay {
    uint64_t la; /* page aligned; HVAL_OVERLAY_PAGES pages from here */
    uint64_t gpa[HVAL_OVERLAY_PAGES];
};

struct hval_vcpu_config {
    const struct hval_ram *ram; /* initial RAM regions; more with map_ram() */
    size_t nr_ram;
    hval_exit_handler handler; /* NULL: HVAL_DEFAULT for everything */
    void *opaque;
    /*
     * Another vCPU of the same domain (NULL for the first): vCPUs created
     * this way keep translated code consistent when one writes code the
     * other runs.  They must not run at the same time (one host thread
     * per domain); each still needs the domain's RAM mapped.
     */
    struct hval_vcpu *sibling;
    /*
     * PV (x86-64) vCPUs.  machine_to_gfn: page-table entries and CR3 hold
     * machine frame numbers; the long-mode page walk turns every frame it
     * meets (each table, the final page) into a guest-physical frame
     * through it, ~0 meaning unreachable (a not-present fault).  NULL:
     * frames are guest-physical.  syscall_exits: SYSCALL is not performed
     * but reported (HVAL_EXIT_HYPERCALL with .syscall, rip past it): the
     * guest kernel's hypercalls, and its user's syscalls, are the
     * hypervisor's to route.
     */
    uint64_t (*machine_to_gfn)(void *ctx, uint64_t mfn);
    void *machine_ctx;
    bool syscall_exits;
    /*
     * PV: a hypervisor linear overlay (NULL: none), owned by the caller
     * and read by the backend on every TLB miss inside it: pages of
     * linear addresses that translate to guest-physical frames without
     * the guest's page tables (Xen's per-vCPU GDT/LDT area in the
     * hypervisor hole).  Read-only, supervisor, never executable; gpa ~0
     * is not present.  A change takes effect at the next set_state()
     * (which flushes the TLB).
     */
    const struct hval_overlay *overlay;
};

enum hval_event_kind {
    HVAL_EVENT_EXCEPTION, /* vector < 32, error code when the vector has one */
    HVAL_EVENT_EXTINT,    /* external interrupt: refused while RFLAGS.IF is 0 */
    HVAL_EVENT_SOFTINT,   /* int n: gate DPL checked, rip past the instruction */
    HVAL_EVENT_NMI,
};

struct hval_event {
    enum hval_event_kind kind;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint64_t cr2; /* #PF: loaded into CR2 before delivery */
};

struct hval_ops {
    const char *name;
    /* 0 or -errno. */
    int (*vcpu_create)(const struct hval_vcpu_config *cfg, struct hval_vcpu **out);
    void (*vcpu_destroy)(struct hval_vcpu *vcpu);
    /* Guest-physical memory: RAM in, RAM out (it becomes MMIO again). */
    int (*map_ram)(struct hval_vcpu *vcpu, const struct hval_ram *ram);
    int (*unmap_ram)(struct hval_vcpu *vcpu, uint64_t gpa, uint64_t size);
    /* The host wrote guest memory [gpa, gpa+len) that may hold code. */
    int (*code_written)(struct hval_vcpu *vcpu, uint64_t gpa, uint64_t len);
    int (*get_state)(struct hval_vcpu *vcpu, struct hval_state *st);
    int (*set_state)(struct hval_vcpu *vcpu, const struct hval_state *st);
    int (*get_regs)(struct hval_vcpu *vcpu, struct hval_regs *regs);
    int (*set_regs)(struct hval_vcpu *vcpu, const struct hval_regs *regs);
    /* Run until an exit; timeout_us 0: no timeout (unicorn starts a timer
     * thread per timed run: time slices are better a timer thread's kick).
     * 0 or -errno. */
    int (*run)(struct hval_vcpu *vcpu, uint64_t timeout_us, struct hval_exit *exit);
    /* Any thread: make run() return HVAL_EXIT_INTERRUPTED soon. */
    void (*kick)(struct hval_vcpu *vcpu);
    /*
     * Deliver an event through the guest's IDT now (the next run() starts
     * in the handler).  -EAGAIN: an external interrupt while IF is 0.  A
     * delivery that faults becomes #DF, and one that faults on #DF makes
     * the next run() return HVAL_EXIT_TRIPLE_FAULT.
     */
    int (*inject)(struct hval_vcpu *vcpu, const struct hval_event *ev);
    /*
     * Optional, the interrupt-window exit: the next run() returns
     * HVAL_EXIT_INTERRUPTED as soon as the guest can take an external
     * interrupt (IF set at a block start after the run's first block, so
     * the instruction after sti/popf/iret has run: `sti; hlt` halts).
     * Cleared by that exit or by on=false.
     */
    void (*irq_window)(struct hval_vcpu *vcpu, bool on);
    /* Read/write guest memory by linear address under the vCPU's paging,
     * with supervisor rights (RAM only): a write to a read-only page
     * fails when CR0.WP is set, as the CPU's would. */
    int (*read_linear)(struct hval_vcpu *vcpu, uint64_t la, void *buf, size_t len);
    int (*write_linear)(struct hval_vcpu *vcpu, uint64_t la, const void *buf, size_t len);
};

extern const struct hval_ops hval_emu_ops;

/* The backend called name ("emu"), or NULL. */
const struct hval_ops *hval_backend(const char *name);

/*
 * Entry states (all else zero, FPU at its reset values):
 * flat 32-bit protected mode, paging off, CPL 0 (PVH entry, HVM firmware);
 * 64-bit long mode with the given page tables, CPL 0 (PV, 64-bit tests).
 */
void hval_state_flat32(struct hval_state *st, uint32_t eip);
void hval_state_long64(struct hval_state *st, uint64_t rip, uint64_t cr3);

#endif /* XENHV_HVAL_H */
