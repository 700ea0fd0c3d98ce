/*
 * xenhv/rundir.h: where xenhv's run directory is, decided the same way by
 * the daemon and by libxl: $XENHV_RUNDIR if set, /run/xenhv for root,
 * $XDG_RUNTIME_DIR/xenhv otherwise (or /tmp/xenhv-UID without one).
 */
#ifndef XENHV_RUNDIR_H
#define XENHV_RUNDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Write the run directory into buf; -1 if it does not fit. */
static inline int xenhv_rundir_default(char *buf, size_t len)
{
    const char *env = getenv("XENHV_RUNDIR");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    int n;

    if (env && *env)
        n = snprintf(buf, len, "%s", env);
    else if (geteuid() == 0)
        n = snprintf(buf, len, "/run/xenhv");
    else if (xdg && *xdg)
        n = snprintf(buf, len, "%s/xenhv", xdg);
    else
        n = snprintf(buf, len, "/tmp/xenhv-%u", (unsigned)geteuid());
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

#endif
