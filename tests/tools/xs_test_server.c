/*
 * xs_test_server.c: test-only host for the xenstore service: listens on
 * the socket given and serves until SIGTERM or SIGINT.  Lets the
 * integration tests and the benchmark run Debian's stock xenstore clients
 * against the service without the rest of the daemon.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_service.h"

int main(int argc, char **argv)
{
    sigset_t set;
    int sig, rc;

    if (argc != 2) {
        fprintf(stderr, "usage: xs_test_server SOCKET\n");
        return 2;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    struct xs_service *s = xs_service_create();
    if (!s) {
        fprintf(stderr, "xs_test_server: out of memory\n");
        return 1;
    }
    rc = xs_service_listen(s, argv[1]);
    if (!rc)
        rc = xs_service_start(s);
    if (rc) {
        fprintf(stderr, "xs_test_server: %s: %s\n", argv[1], strerror(-rc));
        xs_service_stop_destroy(s);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    sigwait(&set, &sig);
    xs_service_stop_destroy(s);
    return 0;
}
