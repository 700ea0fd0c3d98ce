/*
 * xl_util.c: the libxl context of an xl process, domain arguments,
 * memory sizes, uptime strings and command options, as real xl handles
 * them.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_lifecycle.h"

static libxl_ctx *ctx;
static libxl_logger *logger;

static void free_ctx(void)
{
    libxl_ctx_free(ctx);
    libxl_logger_destroy(logger);
}

libxl_ctx *xl_ctx(void)
{
    if (ctx)
        return ctx;
    libxl_log_level level = xl_verbosity >= 2   ? LIBXL_LOG_DEBUG
                            : xl_verbosity == 1 ? LIBXL_LOG_INFO
                                                : LIBXL_LOG_WARN;
    logger = libxl_logger_stdio_new(stderr, level);
    if (!logger || libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, logger)) {
        fprintf(stderr, "cannot init xl context\n");
        exit(EXIT_FAILURE);
    }
    atexit(free_ctx);
    return ctx;
}

int xl_domain_qualifier_to_domid(const char *arg, uint32_t *domid)
{
    const char *p = arg;

    while (*p && isdigit((unsigned char)*p))
        p++;
    if (*arg && !*p) {
        *domid = (uint32_t)strtoul(arg, NULL, 10);
        return 0;
    }
    return libxl_name_to_domid(xl_ctx(), arg, domid);
}

uint32_t xl_find_domain(const char *arg, char **name)
{
    uint32_t domid;
    int rc = xl_domain_qualifier_to_domid(arg, &domid);

    if (rc) {
        fprintf(stderr, "%s is an invalid domain identifier (rc=%d)\n", arg, rc);
        exit(EXIT_FAILURE);
    }
    if (name)
        *name = libxl_domid_to_name(xl_ctx(), domid);
    return domid;
}

int64_t xl_parse_mem_size_kb(const char *mem)
{
    char *end;
    int64_t kb = strtoll(mem, &end, 10);

    if (end == mem || strlen(end) > 1 || kb < 0)
        return -1;
    switch (tolower((unsigned char)*end)) {
    case 't':
        kb <<= 10; /* fall through */
    case 'g':
        kb <<= 10; /* fall through */
    case '\0':
    case 'm':
        kb <<= 10; /* fall through */
    case 'k':
        break;
    case 'b':
        kb >>= 10;
        break;
    default:
        return -1;
    }
    return kb;
}

void xl_uptime_string(unsigned long up, int short_mode, char *out, size_t len)
{
    unsigned long sec = up % 60, min = (up / 60) % 60, hours = (up / 3600) % 24, days = up / 86400;

    if (short_mode) {
        if (days)
            snprintf(out, len, "%lu day%s, %2lu:%02lu", days, days == 1 ? "" : "s", hours, min);
        else
            snprintf(out, len, "%2lu:%02lu", hours, min);
    } else {
        if (days)
            snprintf(out, len, "%lu day%s, %2lu:%02lu:%02lu", days, days == 1 ? "" : "s", hours,
                     min, sec);
        else
            snprintf(out, len, "%2lu:%02lu:%02lu", hours, min, sec);
    }
}

void xl_ctx_postfork(void)
{
    /* The parent's connections are shared with it: drop ours and open
     * fresh ones on next use (as real xl's postfork). */
    if (ctx) {
        libxl_ctx_free(ctx);
        ctx = NULL;
        libxl_logger_destroy(logger);
        logger = NULL;
    }
}

int xl_getopt(int argc, char **argv, const char *opts, const struct option *longopts,
              const char *cmd, int reqargs, int *status)
{
    static const struct option help_only[] = {{"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    char optstring[32];
    int opt;

    snprintf(optstring, sizeof(optstring), "+h%s", opts);
    opterr = 0;
    opt = getopt_long(argc, argv, optstring, longopts ? longopts : help_only, NULL);
    if (opt == '?') {
        fprintf(stderr, "option `%c' not supported.\n", optopt);
        *status = 2;
        return XL_OPT_EXIT;
    }
    if (opt == 'h') {
        help(cmd);
        *status = 0;
        return XL_OPT_EXIT;
    }
    if (opt != -1)
        return opt;
    if (argc - optind < reqargs) {
        fprintf(stderr, "'xl %s' requires at least %d argument%s.\n\n", cmd, reqargs,
                reqargs > 1 ? "s" : "");
        help(cmd);
        *status = 2;
        return XL_OPT_EXIT;
    }
    return -1;
}
