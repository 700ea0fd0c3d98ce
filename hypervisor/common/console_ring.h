/*
 * console_ring.h: the hypervisor console ring, as Xen keeps it: the last
 * CONSOLE_RING_SIZE bytes of hypervisor messages (and guest console_io
 * output), read by sysctl readconsole (`xl dmesg`).
 */
#ifndef XENHV_CONSOLE_RING_H
#define XENHV_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_RING_SIZE (64u * 1024)

void console_ring_write(const char *buf, size_t len);

/*
 * Copy up to max bytes into out, starting at *index when incremental (and
 * *index is still in the ring), else at the oldest unread byte.  On return
 * *index is the position after the last byte copied.  clear marks the
 * whole ring read.  Returns the number of bytes copied.
 */
size_t console_ring_read(char *out, size_t max, uint32_t *index, int incremental, int clear);

#endif
