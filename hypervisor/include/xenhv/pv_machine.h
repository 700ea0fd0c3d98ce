/*
 * xenhv/pv_machine.h: how the core reaches the PV code (arch/x86/pv/)
 * without linking it: a table registered at start-up.  Without one (unit
 * tests of the core, ./configure --disable-pv) PV domains keep machine
 * frame = guest frame.
 */
#ifndef XENHV_PV_MACHINE_H
#define XENHV_PV_MACHINE_H

#include <stdint.h>

struct domain;
struct hc_caller;

/* The PV-only hypercalls, by number (the PV column's cells that the
 * core's table leaves empty). */
#define PV_NR_HYPERCALLS 64
typedef long pv_hypercall_fn(struct hc_caller *c, const uint64_t args[5]);

struct pv_machine_ops {
    /* A PV domain was just created / is being freed (hv_lock held):
     * give it machine frames, an M2P entry per frame, a machine frame for
     * its shared info (d->shared_info_mfn), and take them all back. */
    int (*domain_init)(struct domain *d);
    void (*domain_fini)(struct domain *d);
    pv_hypercall_fn *const *hypercalls; /* PV_NR_HYPERCALLS cells */
    /* A PV domain's frame numbers both ways (populate returns machine
     * frames, decrease takes them); ~0 for none. */
    uint64_t (*gfn_to_mfn)(struct domain *d, uint64_t gfn);
    uint64_t (*mfn_to_gfn)(struct domain *d, uint64_t mfn);
    /* XENMEM_machphys_mfn_list and XENMEM_machphys_mapping. */
    long (*memory_op)(struct hc_caller *c, unsigned cmd, uint64_t arg);
};

extern const struct pv_machine_ops *pv_machine;
void pv_machine_set_ops(const struct pv_machine_ops *ops);

#endif
