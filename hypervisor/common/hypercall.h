/*
 * hypercall.h: who calls a hypercall and how its pointer arguments reach
 * memory.  One dispatch table (hypercall.c) has a row per hypercall and a
 * column per caller kind: the toolstack (over the control socket), PV
 * guests, HVM guests (PVH uses HVM's column).  Sub-op tables use the same
 * columns as a mask.  Guest columns are filled in by the guest-ABI code.
 */
#ifndef XENHV_HYPERCALL_H
#define XENHV_HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum caller_kind {
    CALLER_TOOLSTACK,
    CALLER_PV,
    CALLER_HVM,
    NR_CALLER_KINDS,
};
#define CALLERS_TOOLSTACK (1u << CALLER_TOOLSTACK)
#define CALLERS_PV        (1u << CALLER_PV)
#define CALLERS_HVM       (1u << CALLER_HVM)
#define CALLERS_GUESTS    (CALLERS_PV | CALLERS_HVM)
#define CALLERS_ALL       (CALLERS_TOOLSTACK | CALLERS_GUESTS)

struct domain;
struct vcpu;

/* A caller and its memory: every pointer argument is an address in the
 * caller's space, copied in and out through these (bounds-checked; they
 * return 0 or -EFAULT). */
struct hc_caller {
    enum caller_kind kind;
    struct domain *d; /* the calling domain (dom0 for the toolstack) */
    struct vcpu *v;   /* the calling vCPU (guests) */
    bool compat;      /* a 32-bit guest: 32-bit handles and xen_ulong_t */
    int (*copy_from)(struct hc_caller *c, uint64_t addr, void *buf, size_t len);
    int (*copy_to)(struct hc_caller *c, uint64_t addr, const void *buf, size_t len);
    void *priv;
    /* The toolstack connection making the call (0: none).  Domains it
     * creates while holding is set are held by it (reaped if it goes
     * before releasing them); dom0 ports it opens are closed with it. */
    uint64_t conn_id;
    bool hold;
};

typedef long hypercall_fn(struct hc_caller *c, const uint64_t args[5]);

struct hypercall_row {
    const char *name;
    hypercall_fn *fn[NR_CALLER_KINDS];
};

/* Run hypercall op for c (hv_lock held).  -ENOSYS for unknown or not
 * allowed to this caller kind. */
long hypercall_dispatch(struct hc_caller *c, uint64_t op, const uint64_t args[5]);

/* Resolve a domid argument (DOMID_SELF means the caller): NULL if none. */
struct domain *hc_domain(struct hc_caller *c, uint64_t domid);
/* May c act on d (itself, or a privileged caller)? */
int hc_may_control(struct hc_caller *c, struct domain *d);

/* Handlers with a row in the table. */
long do_domctl(struct hc_caller *c, const uint64_t args[5]);
long do_sysctl(struct hc_caller *c, const uint64_t args[5]);
long do_xen_version(struct hc_caller *c, const uint64_t args[5]);
long do_memory_op(struct hc_caller *c, const uint64_t args[5]);
long do_hvm_op(struct hc_caller *c, const uint64_t args[5]);

#endif
