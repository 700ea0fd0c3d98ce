/*
 * xen-sys/privcmd.h: Linux's /dev/xen/privcmd and /dev/xen/evtchn ioctl
 * requests (the "hypercall ioctls").  libxl sends these structures either
 * to the kernel (a real Xen host) or, as messages, to xenhv.  The ioctl
 * numbers and layouts are Linux's; written here from its public interface.
 */
#ifndef XEN_SYS_PRIVCMD_H
#define XEN_SYS_PRIVCMD_H

#include <stdint.h>
#include <sys/ioctl.h>

#include "public/xen.h"

typedef struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
} privcmd_hypercall_t;

typedef struct privcmd_mmap_entry {
    uint64_t va;
    uint64_t mfn;
    uint64_t npages;
} privcmd_mmap_entry_t;

typedef struct privcmd_mmapbatch_v2 {
    unsigned int num; /* number of frames */
    domid_t dom;      /* the domain whose frames are mapped */
    uint64_t addr;    /* where in the caller's address space */
    const xen_pfn_t *arr;
    int *err; /* OUT: 0 or -errno per frame */
} privcmd_mmapbatch_v2_t;

typedef struct privcmd_mmap_resource {
    domid_t dom;
    uint32_t type;
    uint32_t id;
    uint32_t idx;
    uint64_t num;
    uint64_t addr;
} privcmd_mmap_resource_t;

#define IOCTL_PRIVCMD_HYPERCALL     _IOC(_IOC_NONE, 'P', 0, sizeof(privcmd_hypercall_t))
#define IOCTL_PRIVCMD_MMAPBATCH_V2  _IOC(_IOC_NONE, 'P', 4, sizeof(privcmd_mmapbatch_v2_t))
#define IOCTL_PRIVCMD_RESTRICT      _IOC(_IOC_NONE, 'P', 6, sizeof(domid_t))
#define IOCTL_PRIVCMD_MMAP_RESOURCE _IOC(_IOC_NONE, 'P', 7, sizeof(privcmd_mmap_resource_t))

/* /dev/xen/evtchn */
struct ioctl_evtchn_bind_interdomain {
    unsigned int remote_domain, remote_port;
};
struct ioctl_evtchn_bind_unbound_port {
    unsigned int remote_domain;
};
struct ioctl_evtchn_unbind {
    unsigned int port;
};
struct ioctl_evtchn_notify {
    unsigned int port;
};
#define IOCTL_EVTCHN_BIND_INTERDOMAIN                                                              \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT                                                             \
    _IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct ioctl_evtchn_unbind))
#define IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))

#endif
