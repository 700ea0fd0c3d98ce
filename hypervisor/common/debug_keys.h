/*
 * debug_keys.h: Xen's debug keys ('h', 'q', 'e'), pressed through
 * XEN_SYSCTL_debug_keys; their output goes to the hypervisor console.
 */
#ifndef XENHV_DEBUG_KEYS_H
#define XENHV_DEBUG_KEYS_H

/* Press n keys (hv_lock held): 0, or -E2BIG for too many. */
int debug_keys_press(const char *keys, unsigned n);

#endif
