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

    /* As real xl: `help' is not a command of the table, and a command's
     * own status (2 for a usage error) is xl's. */
    const struct cmd_spec *cmd = cmdtable_lookup(argv[optind]);
    if (!cmd && !strcmp(argv[optind], "help")) {
        help(optind + 1 < argc ? argv[optind + 1] : NULL);
        return EXIT_SUCCESS;
    }
    if (!cmd) {
        fprintf(stderr, "command not implemented\n");
        return EXIT_FAILURE;
    }
    if (xl_dryrun && !cmd->can_dryrun) {
        fprintf(stderr, "command does not implement -N (dryrun) option\n");
        return EXIT_FAILURE;
    }

    argc -= optind;
    argv += optind;
    optind = 0;
    int rc = cmd->fn(argc, argv);
    return rc >= 0 && rc <= 255 ? rc : EXIT_FAILURE;
}
