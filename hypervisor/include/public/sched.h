/*
 * sched.h: HYPERVISOR_sched_op (Xen 4.17 public ABI): yield, block, poll,
 * shutdown with a reason, and the shutdown reasons themselves.  Written
 * here from Xen's published interface.
 */
#ifndef XEN_PUBLIC_SCHED_H
#define XEN_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield           0 /* no argument */
#define SCHEDOP_block           1 /* no argument: sleep until an event */
#define SCHEDOP_shutdown        2 /* struct sched_shutdown */
#define SCHEDOP_poll            3 /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5 /* struct sched_shutdown: record a reason */
#define SCHEDOP_watchdog        6 /* struct sched_watchdog */
#define SCHEDOP_pin_override    7 /* struct sched_pin_override */

struct sched_shutdown {
    unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout; /* absolute system time in ns; 0: none */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

#endif
