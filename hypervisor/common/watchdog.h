/*
 * watchdog.h: a domain's watchdog timers (SCHEDOP_watchdog): up to
 * DOMAIN_WATCHDOG_TIMERS per domain, each shutting the domain down with
 * SHUTDOWN_watchdog unless poked in time.  The state lives in struct
 * domain; the runner asks for the next deadline and whether one passed.
 */
#ifndef XENHV_WATCHDOG_H
#define XENHV_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct hc_caller;

/* SCHEDOP_watchdog on d at system time now (ns): id 0 arms a free timer
 * and returns its id (1-based), -ENOSPC when none is free; id N with a
 * timeout pokes timer N, with timeout 0 frees it; an id not armed is
 * -EINVAL.  Timeouts are in seconds. */
long watchdog_op(struct domain *d, uint32_t id, uint32_t timeout_s, uint64_t now);
/* The nearest armed deadline, UINT64_MAX when none is armed. */
uint64_t watchdog_next(const struct domain *d);
/* Did an armed timer's deadline pass at now?  Those that did stay armed
 * but wait for their next poke, as a fired Xen timer. */
bool watchdog_take_expired(struct domain *d, uint64_t now);

#endif
