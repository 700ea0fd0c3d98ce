/*
 * blkback.h: the PV block backend ("vbd") inside xenhv.  The toolstack
 * describes a disk in xenstore as real libxl does (the backend directory
 * /local/domain/0/backend/vbd/DOMID/DEVID with params, mode, frontend,
 * state); this backend opens the image, steps the xenbus handshake with
 * the guest's blkfront and serves its ring (read, write, flush) from the
 * file.  It runs its own thread and watches xenstore through the daemon's
 * own socket, like any dom0 backend.
 */
#ifndef XENHV_BLKBACK_H
#define XENHV_BLKBACK_H

/* Start serving; xs_socket is the daemon's xenstore socket. */
int blkback_start(const char *xs_socket);
/* Stop the thread, disconnect every device. */
void blkback_stop(void);

#endif
