/*
 * xenhv/control.h: the wire protocol of xenhv's control socket, shared by
 * the daemon and libxl's control layer.
 *
 * The socket is SOCK_SEQPACKET: one request, one reply.  A session starts
 * with HELLO; the reply carries (SCM_RIGHTS) a sealed memfd of
 * XENHV_BUFFER_REGION_SIZE bytes, the hypercall-buffer region.  The client
 * maps it and sends REGION with the address it mapped it at.  From then
 * on, requests carry Linux's privcmd/evtchn ioctl structures unchanged;
 * every pointer in them (and in the hypercall arguments they point to) is
 * an address inside the client's mapping of the region, which the daemon
 * translates by offset and bounds-checks.
 *
 * The region's first page is a doorbell (struct xenhv_doorbell): once
 * REGION's reply says XENHV_REGION_DOORBELL, the client may put a
 * hypercall or notify request there instead of on the socket, bump
 * req_seq and wake it (futex); the daemon answers in rp, sets rsp_seq to
 * the same number and wakes that.  Two futex wake-ups per call instead of
 * two socket messages.  Requests that carry an fd back stay on the socket.
 *
 * HOLD (u.hold): with XENHV_HOLD_CREATES, every domain this connection
 * creates from then on is held by it: if the connection goes away while
 * the domain is still held, the create never finished, and the daemon
 * destroys the domain and removes its xenstore entries (/local/domain/N,
 * its /vm/UUID, /libxl/N).  XENHV_HOLD_RELEASE with u.hold.domid: the
 * domain is complete; it is no longer held (-ESRCH if this connection
 * does not hold it).  Event channels the connection opens in dom0 are
 * closed when it goes away, as with /dev/xen/evtchn.
 *
 * IOCTL_PRIVCMD_MMAPBATCH_V2: arr and err are in the region; the daemon
 * fills err[] (0, or -EINVAL for a frame that is not mappable) and the
 * reply carries the domain's RAM memfd: frame n is at offset n * 4096.
 */
#ifndef XENHV_CONTROL_H
#define XENHV_CONTROL_H

#include <stdint.h>

#include "xen-sys/privcmd.h"

#define XENHV_CONTROL_SOCKET     "control"
#define XENHV_XENSTORE_SOCKET    "xenstored"
#define XENHV_LOCK_FILE          "xenhv.lock"
#define XENHV_LOG_FILE           "xenhv.log"
#define XENHV_PID_FILE           "xenhv.pid"
#define XENHV_PROTO_VERSION      1
#define XENHV_BUFFER_REGION_SIZE (4u << 20)

enum xenhv_req_type {
    XENHV_REQ_HELLO = 1,  /* u.hello; reply: fd = region, value = its size */
    XENHV_REQ_REGION = 2, /* u.region: where the client mapped the region */
    XENHV_REQ_IOCTL = 3,  /* ioctl = the request number, u = its structure */
    XENHV_REQ_HOLD = 4,   /* u.hold: hold created domains / release one */
};

#define XENHV_HOLD_CREATES 1u /* hold the domains created from now on */
#define XENHV_HOLD_RELEASE 2u /* u.hold.domid is complete: release it */

struct xenhv_request {
    uint32_t type;
    uint32_t ioctl;
    union {
        struct {
            uint32_t version;
            uint32_t pad;
        } hello;
        struct {
            uint64_t base;
        } region;
        struct {
            uint32_t flags; /* XENHV_HOLD_* */
            uint32_t domid;
        } hold;
        privcmd_hypercall_t hypercall;
        privcmd_mmapbatch_v2_t mmapbatch;
        struct ioctl_evtchn_notify notify;
        uint8_t raw[64];
    } u;
};

#define XENHV_REPLY_FD        1u /* an fd came with the reply */
#define XENHV_REGION_DOORBELL 1u /* REGION's reply value: the doorbell is served */

struct xenhv_reply {
    int64_t ret; /* >= 0: the result; < 0: -errno */
    uint32_t flags;
    uint32_t pad;
    uint64_t value;
};

/* The first page of the hypercall-buffer region. */
#define XENHV_DOORBELL_SIZE 4096u
struct xenhv_doorbell {
    uint32_t req_seq; /* bumped by the client after writing rq (futex) */
    uint32_t rsp_seq; /* set to req_seq by the daemon after writing rp (futex) */
    uint32_t pad[2];
    struct xenhv_request rq;
    struct xenhv_reply rp;
};

#endif
