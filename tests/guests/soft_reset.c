/*
 * soft_reset.c: SHUTDOWN_soft_reset (on_soft_reset=soft-reset).  The
 * guest writes a marker into its memory, shuts down for a soft reset
 * once, and must come back: SCHEDOP_shutdown returns 0 on vCPU 0, its
 * memory is kept, and the console and xenstore rings have new event
 * channels (read again from the HVM params) that the backends are
 * connected to; it prints again through them and powers off.  With on_soft_reset=destroy the domain
 * is destroyed and the second half never prints.
 */
#include "guest.h"
#include "hvm/params.h"

const char guest_name[] = "soft_reset";

static volatile uint64_t marker;

/* Is this port of ours interdomain-bound to dom0 (a backend took it)? */
static int bound_to_dom0(evtchn_port_t port)
{
    struct evtchn_status st = {.dom = DOMID_SELF, .port = port};

    return port && evtchn_op(EVTCHNOP_status, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
           st.u.interdomain.dom == 0;
}

void guest_main(void)
{
    struct sched_shutdown sd = {.reason = SHUTDOWN_soft_reset};
    uint64_t v;
    long rc;

    guest_require_xen();
    marker = 0x5eedf00dcafe5eedull;
    gprintf("soft_reset: before the soft reset\n");
    rc = sched_op(SCHEDOP_shutdown, &sd);
    CHECK(hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &v) == 0, "reading the console port");
    boot.console_evtchn = (evtchn_port_t)v;
    console_init();
    CHECK(hvm_get_param(HVM_PARAM_STORE_EVTCHN, &v) == 0, "reading the xenstore port");
    boot.store_evtchn = (evtchn_port_t)v;
    gprintf("soft_reset: after the soft reset\n");
    CHECK(rc == 0, "SCHEDOP_shutdown(soft_reset) returned %ld", rc);
    gprintf("soft_reset: SCHEDOP_shutdown returned 0: ok\n");
    CHECK(marker == 0x5eedf00dcafe5eedull, "memory lost: %llx", (unsigned long long)marker);
    gprintf("soft_reset: memory kept: ok\n");
    CHECK(bound_to_dom0(boot.console_evtchn) && bound_to_dom0(boot.store_evtchn),
          "the new console/xenstore ports are not connected to dom0");
    gprintf("soft_reset: new console and xenstore event channels, connected: ok\n");
    guest_pass();
}
