/*
 * io/console.h: the PV console ring page (Xen 4.17 public ABI), shared by
 * a guest and its console backend; each side notifies the other on the
 * console event channel.  Written here from Xen's published interface.
 */
#ifndef XEN_PUBLIC_IO_CONSOLE_H
#define XEN_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];  /* backend to guest */
    char out[2048]; /* guest to backend */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif
