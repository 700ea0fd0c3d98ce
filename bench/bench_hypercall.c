/*
 * bench_hypercall.c: the toolstack's hypercall round trip through libxl's
 * control layer to xenhv (domctl getdomaininfo: request, dispatch, copy
 * in and out of the shared buffer region, reply), through the doorbell
 * page and through the control socket, against the floor of
 * the same transport measured in the same run: a request/reply of the
 * same sizes over a SOCK_SEQPACKET socket pair to another process that
 * answers at once.  Target: under 10 us per call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/wait.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_xenhv.h"
#include "libxl_ctrl.h"
#include "xenhv/control.h"

#define TARGET_US 10.0
#define CALLS     200000

/* The echo peer: a separate process, as the daemon is. */
static void echo_loop(int fd)
{
    struct xenhv_request rq;
    struct xenhv_reply rp = {0};

    while (recv(fd, &rq, sizeof(rq), 0) == (ssize_t)sizeof(rq))
        if (send(fd, &rp, sizeof(rp), 0) != (ssize_t)sizeof(rp))
            break;
}

static double floor_us(void)
{
    struct xenhv_request rq = {0};
    struct xenhv_reply rp;
    double t0, t1;
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(sv[0]);
        echo_loop(sv[1]);
        _exit(0);
    }
    close(sv[1]);
    t0 = bench_now();
    for (int i = 0; i < CALLS; i++) {
        if (send(sv[0], &rq, sizeof(rq), 0) != (ssize_t)sizeof(rq) ||
            recv(sv[0], &rp, sizeof(rp), 0) != (ssize_t)sizeof(rp))
            break;
    }
    t1 = bench_now();
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return (t1 - t0) * 1e6 / CALLS;
}

/* Microseconds per getdomaininfo through a fresh control handle. */
static double measure(void)
{
    libxl__ctrl *ctrl;
    struct xen_domctl op;
    double t0, t1;
    int rc = libxl__ctrl_open(&ctrl);

    if (rc) {
        fprintf(stderr, "bench_hypercall: cannot open the control interface: %s\n", strerror(-rc));
        return -1;
    }
    for (int i = 0; i < 1000; i++) { /* warm up */
        op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo};
        libxl__ctrl_domctl(ctrl, &op);
    }
    t0 = bench_now();
    for (int i = 0; i < CALLS && !rc; i++) {
        op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo};
        rc = libxl__ctrl_domctl(ctrl, &op);
    }
    t1 = bench_now();
    libxl__ctrl_close(ctrl);
    if (rc) {
        fprintf(stderr, "bench_hypercall: getdomaininfo: %s\n", strerror(-rc));
        return -1;
    }
    return (t1 - t0) * 1e6 / CALLS;
}

int main(void)
{
    double bell, sock, base;

    if (bench_xenhv_setup())
        return 1;
    bell = measure();
    setenv("XENHV_NO_DOORBELL", "1", 1);
    sock = bell > 0 ? measure() : -1;
    bench_xenhv_teardown();
    if (bell <= 0 || sock <= 0)
        return 1;
    base = floor_us();
    printf("hypercall round trip (domctl getdomaininfo, xenhv), %d calls each:\n", CALLS);
    printf("  doorbell (futex, the default): %8.2f us/call  (%.0f calls/s)\n", bell, 1e6 / bell);
    printf("  control socket:                %8.2f us/call\n", sock);
    printf("  socket floor between processes: %7.2f us/call (baseline)\n", base);
    printf("  ratios: doorbell/floor %.2f, socket/floor %.2f, doorbell/socket %.2f\n", bell / base,
           sock / base, bell / sock);
    printf("  target %.0f us: %s (%.2f of target)\n", TARGET_US,
           bell < TARGET_US ? "met" : "MISSED", bell / TARGET_US);
    return 0;
}
