/*
 * watchdog.c: SCHEDOP_watchdog's timers, as Xen's domain_watchdog: two
 * per domain, armed by id 0, poked or freed by their id.  Pure state on
 * struct domain (hv_lock held by the caller); firing is the runner's
 * (it shuts the domain down with SHUTDOWN_watchdog when
 * watchdog_take_expired says so, and sleeps no longer than watchdog_next).
 */
#include "config.h"

#include <errno.h>

#include "domain.h"
#include "watchdog.h"

#define NS_PER_SECOND 1000000000ull

long watchdog_op(struct domain *d, uint32_t id, uint32_t timeout_s, uint64_t now)
{
    uint64_t deadline = now + (uint64_t)timeout_s * NS_PER_SECOND;

    if (id > DOMAIN_WATCHDOG_TIMERS)
        return -EINVAL;
    if (id == 0) {
        for (unsigned i = 0; i < DOMAIN_WATCHDOG_TIMERS; i++)
            if (!(d->watchdog_armed & (1u << i))) {
                d->watchdog_armed |= 1u << i;
                d->watchdog_deadline[i] = deadline;
                return (long)i + 1;
            }
        return -ENOSPC;
    }
    if (!(d->watchdog_armed & (1u << (id - 1))))
        return -EINVAL;
    if (timeout_s == 0)
        d->watchdog_armed &= ~(1u << (id - 1));
    else
        d->watchdog_deadline[id - 1] = deadline;
    return 0;
}

uint64_t watchdog_next(const struct domain *d)
{
    uint64_t next = UINT64_MAX;

    for (unsigned i = 0; i < DOMAIN_WATCHDOG_TIMERS; i++)
        if ((d->watchdog_armed & (1u << i)) && d->watchdog_deadline[i] < next)
            next = d->watchdog_deadline[i];
    return next;
}

bool watchdog_take_expired(struct domain *d, uint64_t now)
{
    bool fired = false;

    for (unsigned i = 0; i < DOMAIN_WATCHDOG_TIMERS; i++)
        if ((d->watchdog_armed & (1u << i)) && d->watchdog_deadline[i] <= now) {
            d->watchdog_deadline[i] = UINT64_MAX;
            fired = true;
        }
    return fired;
}
