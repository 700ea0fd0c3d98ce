/*
 * xenhv.c: the hosted hypervisor daemon's entry point: options and start-up.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: xenhv [--foreground] [--rundir DIR]\n"
               "       xenhv --version\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    while ((opt = getopt_long(argc, argv, "Vh", opts, NULL)) >= 0) {
        switch (opt) {
        case 'V':
            printf("xenhv %s (%s)\n", PACKAGE_VERSION, emu_engine_version());
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return EXIT_FAILURE;
        }
    }
    if (!emu_engine_usable()) {
        fprintf(stderr, "xenhv: %s is too old: 2.1 or newer is needed\n", emu_engine_version());
        return EXIT_FAILURE;
    }
    fprintf(stderr, "xenhv: the daemon is not built yet\n");
    return EXIT_FAILURE;
}
