/*
 * callback.h: HYPERVISOR_callback_op (Xen 4.17 public ABI): registering a
 * PV guest's event, failsafe, syscall and NMI entry points.  Written here
 * from Xen's published interface.
 */
#ifndef XEN_PUBLIC_CALLBACK_H
#define XEN_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event     0
#define CALLBACKTYPE_failsafe  1
#define CALLBACKTYPE_syscall   2 /* x86-64 only */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi       4
#define CALLBACKTYPE_sysenter  5
#define CALLBACKTYPE_syscall32 7 /* x86-64 only */

#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

struct callback_register {
    uint16_t type;
    uint16_t flags;
    xen_callback_t address;
};
typedef struct callback_register callback_register_t;

struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;

#endif
