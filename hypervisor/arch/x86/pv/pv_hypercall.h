/*
 * pv_hypercall.h: the hypercalls only PV guests make (the PV column of
 * the dispatch table): page tables (mmu_update, mmuext_op,
 * update_va_mapping), traps and callbacks (set_trap_table, set_callbacks,
 * callback_op, stack_switch), segments and CPU state (set_segment_base,
 * fpu_taskswitch, set/get_debugreg), vm_assist and multicall.  They check
 * and record; the vCPU runner applies what pv_vcpu says is pending.
 */
#ifndef XENHV_PV_HYPERCALL_H
#define XENHV_PV_HYPERCALL_H

#include <stdint.h>

#include "hypercall.h"
#include "xenhv/pv_machine.h"

extern pv_hypercall_fn *const pv_hypercall_table[PV_NR_HYPERCALLS];

long do_pv_mmu_update(struct hc_caller *c, const uint64_t args[5]);
long do_pv_mmuext_op(struct hc_caller *c, const uint64_t args[5]);
long do_pv_update_va_mapping(struct hc_caller *c, const uint64_t args[5]);
long do_pv_set_trap_table(struct hc_caller *c, const uint64_t args[5]);
long do_pv_set_callbacks(struct hc_caller *c, const uint64_t args[5]);
long do_pv_callback_op(struct hc_caller *c, const uint64_t args[5]);
long do_pv_physdev_op(struct hc_caller *c, const uint64_t args[5]);
long do_pv_stack_switch(struct hc_caller *c, const uint64_t args[5]);
long do_pv_set_segment_base(struct hc_caller *c, const uint64_t args[5]);
long do_pv_fpu_taskswitch(struct hc_caller *c, const uint64_t args[5]);
long do_pv_set_debugreg(struct hc_caller *c, const uint64_t args[5]);
long do_pv_get_debugreg(struct hc_caller *c, const uint64_t args[5]);
long do_pv_vm_assist(struct hc_caller *c, const uint64_t args[5]);
long do_pv_multicall(struct hc_caller *c, const uint64_t args[5]);
long do_pv_set_gdt(struct hc_caller *c, const uint64_t args[5]);
long do_pv_update_descriptor(struct hc_caller *c, const uint64_t args[5]);
/* Drop a vCPU's GDT references (the domain going away). */
void pv_vcpu_drop_gdt(unsigned owner, struct pv_vcpu *pv);

/* XENMEM_machphys_mfn_list / XENMEM_machphys_mapping. */
long pv_memory_op(struct hc_caller *c, unsigned cmd, uint64_t arg);

/* The L1 entry mapping va in the tables at l4 (machine address of the
 * entry in *ptr): -EINVAL when an upper level is missing or va is in the
 * hypervisor hole or not canonical. */
int pv_l1_entry_of(uint64_t l4_mfn, uint64_t va, uint64_t *ptr);

#endif
