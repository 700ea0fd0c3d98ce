/*
 * debug_keys.h: Xen's debug keys ('h', 'q', 'e'), pressed through
 * XEN_SYSCTL_debug_keys; their output goes to the hypervisor console.
 */
#ifndef XENHV_DEBUG_KEYS_H
#define XENHV_DEBUG_KEYS_H

#define DEBUG_KEYS_MAX 64 /* keys in one request; more is -E2BIG */

/* Press n keys, in order (hv_lock held). */
void debug_keys_press(const char *keys, unsigned n);

#endif
