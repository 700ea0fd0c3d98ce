/*
 * console_backend.h: the daemon's console backend (xenconsoled's job):
 * each guest's PV console ring served to a pty (recorded in xenstore as
 * /local/domain/N/console/tty, as on Xen) and the HVM serial port to a
 * second pty (serial/0/tty), both logged to
 * <rundir>/console/guest-<name>.log.  One thread serves every domain.
 */
#ifndef XENHV_CONSOLE_BACKEND_H
#define XENHV_CONSOLE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "public/event_channel.h"

struct domain;

int console_backend_start(const char *rundir);
void console_backend_stop(void);

/* Serve d's PV console ring (guest frame ring_gfn, the guest's event
 * channel port, unbound to dom0) and, when serial_in is set, a serial
 * console.  Called with hv_lock held.  0 or -errno. */
typedef void console_serial_in_fn(void *opaque, const uint8_t *buf, size_t len);
int console_backend_attach(struct domain *d, uint64_t ring_gfn, evtchn_port_t port,
                           console_serial_in_fn *serial_in, void *opaque);
/* Serial output (the domain's thread). */
/* The domain's console ring now signals on port (the toolstack set a new
 * HVM_PARAM_CONSOLE_EVTCHN, e.g. after a soft reset; hv_lock held). */
int console_backend_rebind(struct domain *d, evtchn_port_t port);
void console_backend_serial_out(unsigned domid, const uint8_t *buf, size_t len);
/* Forget the domain (without hv_lock, before its memory goes). */
void console_backend_detach(unsigned domid);

#endif
