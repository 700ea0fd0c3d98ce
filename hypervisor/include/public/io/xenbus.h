/*
 * io/xenbus.h: the states a PV device's frontend and backend step through
 * in xenstore, each side writing its own "state" node as the number
 * (Xen 4.17 public ABI).  Written here from Xen's published interface.
 */
#ifndef XEN_PUBLIC_IO_XENBUS_H
#define XEN_PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown = 0,
    XenbusStateInitialising = 1,
    XenbusStateInitWait = 2, /* backend: waiting for the frontend's details */
    XenbusStateInitialised = 3,
    XenbusStateConnected = 4,
    XenbusStateClosing = 5,
    XenbusStateClosed = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured = 8,
};

#endif
