/*
 * pv_domain.h: a PV domain's machine view: its p2m (guest frame ->
 * machine frame), its RAM mapped whole in the daemon (for the frame
 * table's contents), and per vCPU the page-table base pointers (kernel
 * and user L4) holding typed references.
 */
#ifndef XENHV_PV_DOMAIN_H
#define XENHV_PV_DOMAIN_H

#include <stdint.h>

#include "domain.h"

struct pv_vcpu {
    uint64_t kernel_l4; /* mfn, 0: none */
    uint64_t user_l4;
};

struct pv_domain {
    struct domain *d;
    uint64_t *p2m; /* GUEST_MEMFD_FRAMES entries (sparse); 0: none */
    uint8_t *ram;  /* the RAM memfd, mapped whole */
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
