/*
 * bench_hypercall.c: the toolstack's hypercall round trip through libxl's
 * control layer to xenhv (domctl getdomaininfo: request, dispatch, copy
 * in and out of the shared buffer region, reply), against the floor of
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

int main(void)
{
    libxl__ctrl *ctrl;
    struct xen_domctl op;
    double t0, t1, us, base;
    int rc;

    if (bench_xenhv_setup())
        return 1;
    rc = libxl__ctrl_open(&ctrl);
    if (rc) {
        fprintf(stderr, "bench_hypercall: cannot open the control interface: %s\n", strerror(-rc));
        bench_xenhv_teardown();
        return 1;
    }
    for (int i = 0; i < 1000; i++) { /* warm up */
        op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo};
        libxl__ctrl_domctl(ctrl, &op);
    }
    t0 = bench_now();
    for (int i = 0; i < CALLS; i++) {
        op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo};
        rc = libxl__ctrl_domctl(ctrl, &op);
        if (rc) {
            fprintf(stderr, "bench_hypercall: getdomaininfo: %s\n", strerror(-rc));
            break;
        }
    }
    t1 = bench_now();
    libxl__ctrl_close(ctrl);
    bench_xenhv_teardown();
    if (rc)
        return 1;
    us = (t1 - t0) * 1e6 / CALLS;
    base = floor_us();
    printf("hypercall round trip (domctl getdomaininfo via %s), %d calls:\n", "xenhv", CALLS);
    printf("  xenhv:                          %8.2f us/call  (%.0f calls/s)\n", us, 1e6 / us);
    printf("  socket floor between processes: %7.2f us/call (baseline)\n", base);
    printf("  ratio xenhv/floor:              %8.2f\n", us / base);
    printf("  target %.0f us: %s (%.2f of target)\n", TARGET_US, us < TARGET_US ? "met" : "MISSED",
           us / TARGET_US);
    return 0;
}
