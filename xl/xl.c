/*
 * xl.c: xl's entry point: global options, then dispatch through the
 * command table.  Only xl/ may exit(); everything below returns errors.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

int xl_verbosity;
bool xl_dryrun;
bool xl_force;

int main(int argc, char **argv)
{
    int opt;

    while ((opt = getopt(argc, argv, "+vfNtT")) >= 0) {
        switch (opt) {
        case 'v':
            xl_verbosity++;
            break;
        case 'N':
            xl_dryrun = true;
            break;
        case 'f':
            xl_force = true;
            break;
        case 't':
        case 'T':
            break;
        default:
            help(NULL);
            return EXIT_FAILURE;
        }
    }

    if (optind >= argc) {
        help(NULL);
        return EXIT_FAILURE;
    }

    const struct cmd_spec *cmd = cmdtable_lookup(argv[optind]);
    if (!cmd) {
        fprintf(stderr, "command not implemented\n");
        return EXIT_FAILURE;
    }

    argc -= optind;
    argv += optind;
    optind = 0;
    return cmd->fn(argc, argv) ? EXIT_FAILURE : EXIT_SUCCESS;
}
