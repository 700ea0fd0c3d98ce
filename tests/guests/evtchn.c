/*
 * evtchn.c: HYPERVISOR_event_channel_op: alloc_unbound, a loopback
 * bind_interdomain to ourselves, send, status, mask/unmask, close,
 * bind_virq, bind_ipi; delivery through the upcall and pending bits seen
 * by SCHEDOP_poll.
 */
#include "guest.h"

const char guest_name[] = "evtchn";

static volatile unsigned long hits;

static void on_event(evtchn_port_t port, void *data)
{
    hits++;
}

static uint32_t status_of(evtchn_port_t port)
{
    struct evtchn_status st = {.dom = DOMID_SELF, .port = port};

    if (evtchn_op(EVTCHNOP_status, &st))
        guest_fail("EVTCHNOP_status of port %u failed", port);
    return st.status;
}

void guest_main(void)
{
    struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
    evtchn_port_t a, b, ipi, virq;

    guest_require_xen();
    EXPECT_RC(evtchn_alloc_unbound(DOMID_SELF, &a), 0, "EVTCHNOP_alloc_unbound");
    CHECK(status_of(a) == EVTCHNSTAT_unbound, "new port is not unbound");
    bi.remote_port = a;
    EXPECT_RC(evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0, "EVTCHNOP_bind_interdomain loopback");
    b = bi.local_port;
    CHECK(status_of(a) == EVTCHNSTAT_interdomain && status_of(b) == EVTCHNSTAT_interdomain,
          "loopback ports are not interdomain");

    EXPECT_RC(evtchn_send(b), 0, "EVTCHNOP_send");
    CHECK(evtchn_test_and_clear(a), "the other end is not pending after send");
    evtchn_mask(a);
    evtchn_send(b);
    CHECK(evtchn_wait(a, 1000000000ULL) == 0, "a masked port did not become pending");
    EXPECT_RC(evtchn_unmask(a), 0, "EVTCHNOP_unmask");

    evtchn_bind_handler(a, on_event, NULL);
    events_enable();
    evtchn_send(b);
    EVENTS_WAIT_UNTIL(hits);
    events_disable();
    gprintf("evtchn: upcall delivered the event: ok\n");

    EXPECT_RC(evtchn_close(a), 0, "EVTCHNOP_close");
    CHECK(status_of(b) == EVTCHNSTAT_unbound, "closing one end did not unbind the other");
    CHECK(status_of(a) == EVTCHNSTAT_closed, "a closed port is not closed");
    EXPECT_RC(evtchn_close(b), 0, "EVTCHNOP_close other end");

    EXPECT_RC(evtchn_bind_ipi(0, &ipi), 0, "EVTCHNOP_bind_ipi");
    CHECK(status_of(ipi) == EVTCHNSTAT_ipi, "IPI port has the wrong status");
    evtchn_send(ipi);
    CHECK(evtchn_wait(ipi, 1000000000ULL) == 0, "IPI to self not delivered");
    gprintf("evtchn: IPI to self: ok\n");

    EXPECT_RC(evtchn_bind_virq(VIRQ_DEBUG, 0, &virq), 0, "EVTCHNOP_bind_virq");
    CHECK(status_of(virq) == EVTCHNSTAT_virq, "VIRQ port has the wrong status");
    EXPECT_RC(evtchn_bind_virq(VIRQ_DEBUG, 0, &b), -XEN_EEXIST, "bind the same VIRQ twice");
    EXPECT_RC(evtchn_close(virq), 0, "close the VIRQ port");
    EXPECT_RC(evtchn_close(ipi), 0, "close the IPI port");
}
