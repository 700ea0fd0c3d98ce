/*
 * pv_domain.h: a PV domain's machine view: its p2m (guest frame ->
 * machine frame), its RAM mapped whole in the daemon (for the frame
 * table's contents), and per vCPU the page-table base pointers (kernel
 * and user L4) holding typed references.
 */
#ifndef XENHV_PV_DOMAIN_H
#define XENHV_PV_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "hval.h"

/* What the PV hypercalls set for a vCPU; the vCPU runner applies it
 * (pending bits) and uses it to bounce exceptions and events. */
#define PV_PENDING_TLB_FLUSH 0x1 /* a live table changed: flush the TLB */
#define PV_PENDING_BASEPTR   0x2 /* kernel_l4 changed: reload CR3 */
#define PV_PENDING_SEGBASE   0x4 /* fs_base / gs bases / gs_sel changed */
#define PV_PENDING_DEBUGREG  0x8
#define PV_PENDING_FPU_TS    0x10 /* fpu_ts changed */
#define PV_PENDING_DESC      0x20 /* GDT/LDT frames changed: the overlay, GDTR, LDTR */

struct pv_trap {
    uint64_t address;
    uint16_t cs;
    uint8_t flags; /* DPL in bits 0-1, bit 2: clear event mask on entry */
    bool set;
};

struct pv_vcpu {
    uint64_t kernel_l4; /* mfn, 0: none */
    uint64_t user_l4;
    unsigned pending; /* PV_PENDING_* */
    struct pv_trap traps[256];
    uint64_t event_cb, failsafe_cb, syscall_cb, nmi_cb;
    bool event_cb_mask, failsafe_cb_mask, syscall_cb_mask;
    uint64_t kernel_ss, kernel_sp; /* stack_switch */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint16_t gs_sel;
    uint64_t ldt_base, ldt_ents;
    uint64_t ldt_frames[16]; /* SET_LDT: segdesc references (0: page absent) */
    unsigned ldt_nr_frames;
    uint64_t gdt_frames[14]; /* set_gdt: segdesc references */
    unsigned gdt_nr_frames, gdt_ents;
    struct hval_overlay overlay; /* what the CPU sees of both (pv_desc.c) */
    uint64_t dr[8];
    bool fpu_ts;
    bool kernel_mode; /* guest kernel mode (kernel_l4 in CR3), else user */
    uint64_t cr4;     /* the CR4 the guest sees (pv_guest_cr4) */
    unsigned iopl;    /* virtual IOPL (PHYSDEVOP_set_iopl), 0-3 */
};

struct pv_domain {
    struct domain *d;
    uint64_t *p2m;      /* GUEST_MEMFD_FRAMES entries (sparse); 0: none */
    uint8_t *ram;       /* the RAM memfd, mapped whole */
    uint64_t vm_assist; /* VMASST_TYPE_* bits enabled */
    struct pv_vcpu vcpu[DOMAIN_MAX_VCPUS];
};

/* The table xenhv registers (xenhv/pv_machine.h). */
extern const struct pv_machine_ops pv_machine_impl;

/* Set up / tear down a PV domain's machine view (also the ops above). */
int pv_domain_init(struct domain *d);
void pv_domain_fini(struct domain *d);

static inline struct pv_domain *pv_dom(const struct domain *d)
{
    return d->pv;
}

/* Guest frame -> machine frame (0 when none). */
uint64_t pv_domain_p2m(const struct domain *d, uint64_t gpfn);
/* For the CPU backend: machine frame -> guest-physical frame of d, or ~0. */
uint64_t pv_domain_machine_to_gfn(void *d, uint64_t mfn);

#endif
