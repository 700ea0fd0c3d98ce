/*
 * libxl_ctrl.h: libxl's lowest layer, the control interface ("hypercall
 * ioctls"): hypercalls with hypercall buffers, foreign mapping of a
 * domain's frames, event-channel notify.  Two transports hide behind it:
 * privcmd (/dev/xen/privcmd on a real Xen host) and xenhv (the bundled
 * hypervisor's control socket, the daemon started on first use).  Above
 * this layer nothing knows which one is in use.
 *
 * Errors are negative errno values.  Every function is thread-safe.  A
 * handle belongs to the process that opened it: after fork, the child
 * opens its own (the parent's shares its socket and doorbell page).
 */
#ifndef LIBXL_CTRL_H
#define LIBXL_CTRL_H

#include <stddef.h>
#include <stdint.h>

#include "public/domctl.h"
#include "public/sysctl.h"
#include "public/xen.h"

typedef struct libxl__ctrl libxl__ctrl;

/*
 * Open the control interface.  On a real Xen host (/sys/hypervisor/type
 * says "xen", or /proc/xen/capabilities exists) privcmd; otherwise xenhv
 * in the run directory ($XENHV_RUNDIR, /run/xenhv for root,
 * $XDG_RUNTIME_DIR/xenhv), starting the daemon when none answers there
 * (the binary: $XENHV, else next to the running program in a build tree,
 * else the installed sbindir).
 */
int libxl__ctrl_open(libxl__ctrl **out);
void libxl__ctrl_close(libxl__ctrl *ctrl);

/* "privcmd" or "xenhv". */
const char *libxl__ctrl_transport(const libxl__ctrl *ctrl);
/* Where the xenstore daemon listens (for the xenstore client). */
const char *libxl__ctrl_xenstore_path(const libxl__ctrl *ctrl);

/*
 * Hypercall buffers: every pointer a hypercall argument holds (and every
 * guest handle inside the structures they point to) must point into
 * memory from here.  Zero-filled.  NULL when the region is exhausted.
 */
void *libxl__ctrl_buf_alloc(libxl__ctrl *ctrl, size_t len);
void libxl__ctrl_buf_free(libxl__ctrl *ctrl, void *buf);

/* A raw hypercall: its result (>= 0) or -errno. */
long libxl__ctrl_hypercall(libxl__ctrl *ctrl, unsigned op, uint64_t a0, uint64_t a1, uint64_t a2,
                           uint64_t a3, uint64_t a4);

/* domctl / sysctl: op is copied into a hypercall buffer (with the
 * interface version set) and back.  Handles inside must already point to
 * hypercall buffers. */
int libxl__ctrl_domctl(libxl__ctrl *ctrl, struct xen_domctl *op);
int libxl__ctrl_sysctl(libxl__ctrl *ctrl, struct xen_sysctl *op);

/*
 * Map num frames of domid contiguously (prot: PROT_READ|PROT_WRITE).
 * err (may be NULL) gets 0 or -errno per frame; with err NULL any failed
 * frame fails the call.  On xenhv the mapping is the domain's RAM itself
 * (zero-copy).  Returns NULL with errno set on failure.
 */
void *libxl__ctrl_map_foreign(libxl__ctrl *ctrl, uint32_t domid, int prot, const xen_pfn_t *arr,
                              int *err, unsigned num);
int libxl__ctrl_unmap_foreign(libxl__ctrl *ctrl, void *addr, unsigned num);

/* Notify the remote end of one of dom0's (the toolstack's) ports. */
int libxl__ctrl_evtchn_notify(libxl__ctrl *ctrl, uint32_t port);

/* Domain creation's safety net.  After hold_creates, xenhv holds every
 * domain this connection creates and destroys it (and its xenstore
 * entries) if the connection goes first, e.g. because the creating
 * process was killed; domain_release says the domain is complete.  Real
 * Xen has no such thing: both do nothing there (0). */
int libxl__ctrl_hold_creates(libxl__ctrl *ctrl);
int libxl__ctrl_domain_release(libxl__ctrl *ctrl, uint32_t domid);

/* Transports (libxl_ctrl_xenhv.c, libxl_ctrl_privcmd.c). */
struct libxl__ctrl_ops {
    const char *name;
    long (*hypercall)(libxl__ctrl *ctrl, const uint64_t call[6]);
    void *(*map_foreign)(libxl__ctrl *ctrl, uint32_t domid, int prot, const xen_pfn_t *arr,
                         int *err, unsigned num);
    int (*evtchn_notify)(libxl__ctrl *ctrl, uint32_t port);
    int (*hold_creates)(libxl__ctrl *ctrl);                   /* NULL: nothing held */
    int (*domain_release)(libxl__ctrl *ctrl, uint32_t domid); /* NULL: nothing held */
    void (*close)(libxl__ctrl *ctrl);
};

#define LIBXL__CTRL_PATH_MAX 256

struct libxl__ctrl {
    const struct libxl__ctrl_ops *ops;
    int fd;          /* control socket, or /dev/xen/privcmd */
    int evtchn_fd;   /* privcmd: /dev/xen/evtchn, opened on first notify */
    uint8_t *region; /* hypercall-buffer region */
    size_t region_size;
    void *doorbell; /* xenhv: the region's first page, when served */
    int holding;    /* xenhv: the daemon holds the domains we create */
    void *map_base; /* xenhv: the whole mapping (doorbell and region) */
    size_t map_size;
    unsigned region_chunks;
    uint64_t *region_used; /* one bit per LIBXL__CTRL_CHUNK bytes */
    char xenstore_path[LIBXL__CTRL_PATH_MAX];
    void *lock; /* pthread_mutex_t */
};

#define LIBXL__CTRL_CHUNK 64

int libxl__ctrl_xenhv_open(libxl__ctrl *ctrl);
int libxl__ctrl_privcmd_open(libxl__ctrl *ctrl);
/* Is this a real Xen host? */
int libxl__ctrl_real_xen(void);
/* Set up the allocator over ctrl->region / region_size. */
int libxl__ctrl_region_init(libxl__ctrl *ctrl);

#endif
