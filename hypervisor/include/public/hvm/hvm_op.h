/*
 * hvm/hvm_op.h: HYPERVISOR_hvm_op sub-ops (Xen 4.17).  Written here from
 * Xen's published interface; only the numbers and layouts are Xen's.
 */
#ifndef XEN_PUBLIC_HVM_HVM_OP_H
#define XEN_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"

#define HVMOP_set_param                0
#define HVMOP_get_param                1
#define HVMOP_set_pci_intx_level       2
#define HVMOP_set_isa_irq_level        3
#define HVMOP_set_pci_link_route       4
#define HVMOP_flush_tlbs               5
#define HVMOP_pagetable_dying          9
#define HVMOP_get_time                 10
#define HVMOP_xentrace                 11
#define HVMOP_get_mem_type             15
#define HVMOP_set_evtchn_upcall_vector 23
#define HVMOP_guest_request_vm_event   24
#define HVMOP_altp2m                   25

struct xen_hvm_param {
    domid_t domid; /* IN */
    uint16_t pad;
    uint32_t index; /* IN: HVM_PARAM_* */
    uint64_t value; /* IN/OUT */
};
typedef struct xen_hvm_param xen_hvm_param_t;

struct xen_hvm_set_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};

#endif
