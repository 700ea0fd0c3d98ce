/*
 * xl_domain.c: `xl destroy, shutdown, reboot, pause, unpause, rename,
 * sysrq, dump-core, domid, domname': controlling one domain (or all, for
 * shutdown -a and reboot -a), with real xl 4.17's messages and exit
 * statuses.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_lifecycle.h"

/* A command with no options of its own and nargs arguments: -1 to go
 * on, else its exit status (xl_getopt). */
static int one_domain_arg(int argc, char **argv, const char *cmd, int nargs)
{
    int status = -1;

    if (xl_getopt(argc, argv, "", NULL, cmd, nargs, &status) != -1)
        return status; /* -h, a bad option or too few arguments */
    return -1;
}

int main_destroy(int argc, char **argv)
{
    int opt, force = 0, rc;

    while ((opt = xl_getopt(argc, argv, "f", NULL, "destroy", 1, &rc)) != -1) {
        if (opt == XL_OPT_EXIT)
            return rc;
        force = 1;
    }
    uint32_t domid = xl_find_domain(argv[optind], NULL);
    if (domid == 0 && !force) {
        fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
                        "This can only be done when using a disaggregated "
                        "hardware domain and toolstack.\n\n");
        return EXIT_FAILURE;
    }
    rc = libxl_domain_destroy(xl_ctx(), domid, NULL);
    if (rc) {
        fprintf(stderr, "destroy failed (rc=%d)\n", rc);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

struct shutdown_kind {
    const char *cmd, *verb_ing, *what;
    int (*fn)(libxl_ctx *, uint32_t, const libxl_asyncop_how *);
};

static const struct shutdown_kind kinds[] = {
    {"shutdown", "Shutting down", "shutdown", libxl_domain_shutdown},
    {"reboot", "Rebooting", "reboot", libxl_domain_reboot},
};

static void wait_for_deaths(libxl_evgen_domain_death **deathws, int nr)
{
    int count = 0;

    fprintf(stderr, "Waiting for %d domains\n", nr);
    while (count < nr) {
        libxl_event *ev;
        if (libxl_event_wait(xl_ctx(), &ev, ~UINT64_C(0), NULL, NULL)) {
            fprintf(stderr, "Failed to get event, quitting\n");
            exit(EXIT_FAILURE);
        }
        if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
            fprintf(stderr, "Domain %u has been destroyed\n", ev->domid);
            libxl_evdisable_domain_death(xl_ctx(), deathws[ev->for_user]);
            count++;
        } else if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
            fprintf(stderr, "Domain %u has been shut down, reason code %d\n", ev->domid,
                    ev->u.domain_shutdown.shutdown_reason);
            libxl_evdisable_domain_death(xl_ctx(), deathws[ev->for_user]);
            count++;
        }
        libxl_event_free(xl_ctx(), ev);
    }
}

static void request_one(const struct shutdown_kind *k, uint32_t domid,
                        libxl_evgen_domain_death **deathw, uint64_t user, int fallback)
{
    int rc;

    fprintf(stderr, "%s domain %u\n", k->verb_ing, domid);
    rc = k->fn(xl_ctx(), domid, NULL);
    if (rc == ERROR_NOPARAVIRT) {
        if (fallback) {
            fprintf(stderr, "PV control interface not available: sending ACPI %s event.\n",
                    k->fn == libxl_domain_shutdown ? "power button" : "reset");
            fprintf(stderr, "ACPI events are not available on this hypervisor.\n");
        } else {
            fprintf(stderr,
                    "PV control interface not available: external graceful %s not "
                    "possible.\n",
                    k->what);
            fprintf(stderr, "Use \"-F\" to fallback to ACPI %s event.\n",
                    k->fn == libxl_domain_shutdown ? "power" : "reset");
        }
    }
    if (rc) {
        fprintf(stderr, "%s failed (rc=%d)\n", k->what, rc);
        exit(EXIT_FAILURE);
    }
    if (deathw && (rc = libxl_evenable_domain_death(xl_ctx(), domid, user, deathw))) {
        fprintf(stderr, "wait for death failed (evgen, rc=%d)\n", rc);
        exit(EXIT_FAILURE);
    }
}

static int shutdown_or_reboot(const struct shutdown_kind *k, int argc, char **argv)
{
    static const struct option opts[] = {
        {"all", 0, 0, 'a'}, {"wait", 0, 0, 'w'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int opt, all = 0, wait = 0, fallback = 0, status;

    while ((opt = xl_getopt(argc, argv, "awF", opts, k->cmd, 0, &status)) != -1) {
        switch (opt) {
        case 'a':
            all = 1;
            break;
        case 'w':
            wait = 1;
            break;
        case 'F':
            fallback = 1;
            break;
        default:
            return status;
        }
    }
    if (!all && optind >= argc) {
        fprintf(stderr, "You must specify -a or a domain id.\n\n");
        return EXIT_FAILURE;
    }
    if (all) {
        int n, nr = 0;
        libxl_dominfo *list = libxl_list_domain(xl_ctx(), &n);
        libxl_evgen_domain_death **deathws = NULL;
        if (!list) {
            fprintf(stderr, "libxl_list_domain failed.\n");
            return EXIT_FAILURE;
        }
        if (wait && !(deathws = calloc((size_t)n + 1, sizeof(*deathws)))) {
            libxl_dominfo_list_free(list, n);
            return EXIT_FAILURE;
        }
        for (int i = 0; i < n; i++) {
            if (list[i].domid == 0)
                continue;
            request_one(k, list[i].domid, deathws ? &deathws[nr] : NULL, (uint64_t)nr, fallback);
            nr++;
        }
        libxl_dominfo_list_free(list, n);
        if (wait && nr)
            wait_for_deaths(deathws, nr);
        free(deathws);
        return EXIT_SUCCESS;
    }
    uint32_t domid = xl_find_domain(argv[optind], NULL);
    libxl_evgen_domain_death *deathw = NULL;
    request_one(k, domid, wait ? &deathw : NULL, 0, fallback);
    if (wait)
        wait_for_deaths(&deathw, 1);
    return EXIT_SUCCESS;
}

int main_shutdown(int argc, char **argv)
{
    return shutdown_or_reboot(&kinds[0], argc, argv);
}

int main_reboot(int argc, char **argv)
{
    return shutdown_or_reboot(&kinds[1], argc, argv);
}

int main_pause(int argc, char **argv)
{
    int rc = one_domain_arg(argc, argv, "pause", 1);
    if (rc >= 0)
        return rc;
    libxl_domain_pause(xl_ctx(), xl_find_domain(argv[optind], NULL), NULL);
    return EXIT_SUCCESS;
}

int main_unpause(int argc, char **argv)
{
    int rc = one_domain_arg(argc, argv, "unpause", 1);
    if (rc >= 0)
        return rc;
    libxl_domain_unpause(xl_ctx(), xl_find_domain(argv[optind], NULL), NULL);
    return EXIT_SUCCESS;
}

int main_rename(int argc, char **argv)
{
    char *name = NULL;
    int rc = one_domain_arg(argc, argv, "rename", 2);
    if (rc >= 0)
        return rc;
    uint32_t domid = xl_find_domain(argv[optind], &name);
    rc = libxl_domain_rename(xl_ctx(), domid, name, argv[optind + 1]);
    free(name);
    if (rc) {
        fprintf(stderr, "Can't rename domain '%s'.\n", argv[optind]);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* xl sysrq DOMAIN LETTER: as real xl, which ignores libxl's status. */
int main_sysrq(int argc, char **argv)
{
    int rc = one_domain_arg(argc, argv, "sysrq", 2);
    if (rc >= 0)
        return rc;
    uint32_t domid = xl_find_domain(argv[optind], NULL);
    const char *letter = argv[optind + 1];
    if (strlen(letter) != 1) {
        fprintf(stderr, "sysrq must be a single character\n");
        return EXIT_FAILURE;
    }
    libxl_send_sysrq(xl_ctx(), domid, letter[0]);
    return EXIT_SUCCESS;
}

/* xl dump-core DOMAIN FILE: as real xl, libxl_domain_core_dump. */
int main_dump_core(int argc, char **argv)
{
    int rc = one_domain_arg(argc, argv, "dump-core", 2);
    if (rc >= 0)
        return rc;
    rc = libxl_domain_core_dump(xl_ctx(), xl_find_domain(argv[optind], NULL), argv[optind + 1],
                                NULL);
    if (rc) {
        fprintf(stderr, "core dump failed (rc=%d)\n", rc);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int main_domid(int argc, char **argv)
{
    uint32_t domid;
    int rc = one_domain_arg(argc, argv, "domid", 1);
    if (rc >= 0)
        return rc;
    if (libxl_name_to_domid(xl_ctx(), argv[optind], &domid)) {
        fprintf(stderr, "Can't get domid of domain name '%s', maybe this domain does not exist.\n",
                argv[optind]);
        return EXIT_FAILURE;
    }
    printf("%u\n", domid);
    return EXIT_SUCCESS;
}

int main_domname(int argc, char **argv)
{
    char *end, *name;
    int rc = one_domain_arg(argc, argv, "domname", 1);
    if (rc >= 0)
        return rc;
    unsigned long domid = strtoul(argv[optind], &end, 10);
    if (end == argv[optind] || *end) {
        fprintf(stderr, "Invalid domain id.\n\n");
        return EXIT_FAILURE;
    }
    name = libxl_domid_to_name(xl_ctx(), (uint32_t)domid);
    if (!name) {
        fprintf(stderr,
                "Can't get domain name of domain id '%lu', maybe this domain does not "
                "exist.\n",
                domid);
        return EXIT_FAILURE;
    }
    printf("%s\n", name);
    free(name);
    return EXIT_SUCCESS;
}
