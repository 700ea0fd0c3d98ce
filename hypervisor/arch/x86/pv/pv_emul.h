/*
 * pv_emul.h: what Xen emulates for a 64-bit PV guest whose privileged
 * instructions fault in ring 3 (see pv_emul.c): the #GP(0) of port I/O,
 * rdmsr/wrmsr, moves to and from control registers, clts, wbinvd/invd,
 * cli/sti; and the #UD of Xen's forced-emulation prefix before cpuid.
 */
#ifndef XENHV_PV_EMUL_H
#define XENHV_PV_EMUL_H

#include <stddef.h>
#include <stdint.h>

#include "hval.h"
#include "pv_domain.h"

struct vcpu_info;

/* The PAT every PV guest sees (Xen's own: WB WT UC- UC WC WP UC UC). */
#define PV_GUEST_PAT 0x0000050100070406ULL

/* CR4 bits a PV guest controls (TSD DE FSGSBASE OSXSAVE) and the host
 * settings it sees (PAE MCE OSFXSR OSXMMEXCPT), as Xen's pv_fixup_guest_cr4. */
uint64_t pv_guest_cr4(uint64_t requested);

struct pv_emul_env {
    unsigned domid;
    struct hval_state *st; /* the faulting state: rip at the instruction */
    struct pv_vcpu *pv;
    struct vcpu_info *vi; /* NULL before the guest has one */
    /* Read instruction bytes at linear address la; 0 or -errno. */
    int (*read_code)(void *opaque, uint64_t la, void *buf, size_t len);
    void *opaque;
};

enum pv_emul_result {
    PV_EMUL_NONE = 0, /* not emulated: deliver the exception as it is */
    PV_EMUL_DONE = 1, /* done: the state (and pv->pending) updated, rip past it */
    PV_EMUL_GP = 2,   /* an emulated instruction that faults: #GP(0) */
};

/* A #GP with error code 0 from the guest. */
enum pv_emul_result pv_emulate_gp(struct pv_emul_env *env);
/* A #UD: ud2a 'x' 'e' 'n' before cpuid moves rip onto the cpuid, which
 * the CPU then runs through the CPUID exit, as Xen's forced emulation
 * gives the guest its CPUID policy. */
enum pv_emul_result pv_emulate_ud(struct pv_emul_env *env);

/* A #PF (error, cr2) writing an entry of one of the guest's own L1
 * tables through a read-only mapping: Xen's writable page tables
 * (pv_ptwr.c).  The entry is validated as by mmu_update. */
enum pv_emul_result pv_emulate_ptwr(struct pv_emul_env *env, uint32_t error, uint64_t cr2);

/* Xen's PV CPUID policy applied to the CPU's answer r (eax ebx ecx edx)
 * for leaf, as the vCPU pv sees it. */
void pv_cpuid_policy(const struct pv_vcpu *pv, uint32_t leaf, uint32_t r[4]);

/* The MSRs of a PV vCPU (also for tests): 0 or -EPERM (#GP). */
int pv_rdmsr(struct pv_emul_env *env, uint32_t index, uint64_t *val);
int pv_wrmsr(struct pv_emul_env *env, uint32_t index, uint64_t val);

#endif
