/*
 * xl_create.c: `xl create CONFIG [options] [key=value...]'.  The config
 * file plus the command-line key=value lines are parsed into a
 * libxl_domain_config (xl_parse.c); with -n (or the global -N) the result
 * is printed as JSON, as real xl prints it.  Building and starting the
 * domain from that configuration is create_domain_start() below.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_lifecycle.h"
#include "xl_parse.h"

struct domain_create {
    const char *config_file;
    char *extra_config; /* "key=value\n..." from the command line */
    int dryrun, quiet, paused, debug, daemonize, monitor, console_autoconnect;
    int vnc, vncautopass, ignore_global_affinity_masks;
};

/* The whole file, NUL-terminated (*len excludes the NUL). */
static int read_file(const char *path, char **data, int *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return errno;
    for (;;) {
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 4096;
            char *nb = cap > INT_MAX ? NULL : realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return cap > INT_MAX ? EFBIG : ENOMEM;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (!r)
            break;
        n += r;
    }
    int e = ferror(f) ? EIO : 0;
    fclose(f);
    if (e) {
        free(buf);
        return e;
    }
    buf[n] = 0;
    *data = buf;
    *len = (int)n;
    return 0;
}

/* Where a lifecycle implementation takes over: build and start the
 * domain described by d_config.  Returns an exit status. */
static int create_domain_start(struct domain_create *dc, libxl_domain_config *d_config)
{
    uint32_t domid;

    /* libxl logs why it failed and leaves nothing behind. */
    if (libxl_domain_create_new(xl_ctx(), d_config, &domid, NULL, NULL))
        return EXIT_FAILURE;
    return xl_domain_started(d_config, domid, dc->paused, !dc->monitor, !dc->daemonize,
                             dc->console_autoconnect);
}

static int create_domain(struct domain_create *dc)
{
    char *data = NULL;
    int len = 0, rc;
    libxl_domain_config d_config;

    int e = read_file(dc->config_file, &data, &len);
    if (e) {
        fprintf(stderr, "Failed to read config file: %s: %s\n", dc->config_file, strerror(e));
        return EXIT_FAILURE;
    }
    if (dc->extra_config && *dc->extra_config) {
        size_t extra = strlen(dc->extra_config);
        if ((size_t)len > INT_MAX - extra - 3) {
            fprintf(stderr, "Failed to attach extra configuration\n");
            free(data);
            return EXIT_FAILURE;
        }
        char *joined = realloc(data, (size_t)len + extra + 4);
        if (!joined) {
            free(data);
            return EXIT_FAILURE;
        }
        data = joined;
        /* real xl: "\n%s\n" of the arguments, each ended by a newline */
        len += sprintf(data + len, "\n%s\n\n", dc->extra_config);
    }

    if (!dc->quiet)
        fprintf(stderr, "Parsing config from %s\n", dc->config_file);
    libxl_domain_config_init(&d_config);
    rc = parse_config_data(dc->config_file, data, len, &d_config);
    free(data);
    if (!rc && !dc->ignore_global_affinity_masks)
        rc = apply_global_affinity_masks(&d_config);
    if (rc)
        goto out;

    if (dc->dryrun) {
        char *json = libxl_domain_config_to_json(NULL, &d_config);
        if (!json) {
            fprintf(stderr, "xl: failed to convert the configuration to JSON\n");
            rc = EXIT_FAILURE;
            goto out;
        }
        size_t n = strlen(json);
        fputs(json, stdout);
        if (!n || json[n - 1] != '\n')
            putchar('\n');
        free(json);
        goto out;
    }
    rc = create_domain_start(dc, &d_config);
out:
    libxl_domain_config_dispose(&d_config);
    return rc;
}

static int append_extra(char **extra, const char *line)
{
    size_t old = *extra ? strlen(*extra) : 0;
    char *n = realloc(*extra, old + strlen(line) + 2);
    if (!n)
        return -1;
    if (old)
        n[old++] = '\n';
    strcpy(n + old, line);
    *extra = n;
    return 0;
}

int main_create(int argc, char **argv)
{
    static const struct option opts[] = {
        {"defconfig", 1, 0, 'f'},
        {"dryrun", 0, 0, 'n'},
        {"ignore-global-affinity-masks", 0, 0, 'i'},
        {"quiet", 0, 0, 'q'},
        {"vncviewer", 0, 0, 'V'},
        {"vncviewer-autopass", 0, 0, 'A'},
        {"help", 0, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct domain_create dc = {.daemonize = 1, .monitor = 1, .dryrun = xl_dryrun};
    int opt, rc;

    /* `xl create FILE [options]': the file may come first. */
    if (argc > 1 && argv[1][0] != '-' && !strchr(argv[1], '=')) {
        dc.config_file = argv[1];
        argc--;
        argv++;
    }
    while ((opt = xl_getopt(argc, argv, "Fnqf:pcdeVAi", opts, "create", 0, &rc)) != -1) {
        switch (opt) {
        case 'f':
            dc.config_file = optarg;
            break;
        case 'n':
            dc.dryrun = 1;
            break;
        case 'q':
            dc.quiet = 1;
            break;
        case 'F':
            dc.daemonize = 0;
            break;
        case 'e':
            dc.daemonize = 0;
            dc.monitor = 0;
            break;
        case 'p':
            dc.paused = 1;
            break;
        case 'c':
            dc.console_autoconnect = 1;
            break;
        case 'd':
            dc.debug = 1;
            break;
        case 'V':
            dc.vnc = 1;
            break;
        case 'A':
            dc.vnc = dc.vncautopass = 1;
            break;
        case 'i':
            dc.ignore_global_affinity_masks = 1;
            break;
        default:
            return rc;
        }
    }
    for (; optind < argc; optind++) {
        if (strchr(argv[optind], '=')) {
            if (append_extra(&dc.extra_config, argv[optind])) {
                perror("xl");
                return EXIT_FAILURE;
            }
        } else if (!dc.config_file) {
            dc.config_file = argv[optind];
        } else {
            help("create");
            free(dc.extra_config);
            return 2;
        }
    }
    if (!dc.config_file) { /* real xl: create_domain's ERROR_INVAL, negated */
        fprintf(stderr, "Config file not specified and none in save file\n");
        free(dc.extra_config);
        return -ERROR_INVAL;
    }
    rc = create_domain(&dc);
    free(dc.extra_config);
    if (rc > 1)
        exit(rc); /* real xl's own status (3, 6, ...), not just failure */
    return rc;
}
