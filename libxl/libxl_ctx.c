/*
 * libxl_ctx.c: the libxl context (libxl_ctx_alloc/free), its connections
 * opened on first use, the stdio logger and error-code mapping.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_internal.h"

struct stdio_logger {
    libxl_logger base;
    FILE *f;
    libxl_log_level min;
};

static const char *const level_names[] = {
    [LIBXL_LOG_NONE] = "none",         [LIBXL_LOG_DEBUG] = "debug",
    [LIBXL_LOG_VERBOSE] = "verbose",   [LIBXL_LOG_DETAIL] = "detail",
    [LIBXL_LOG_PROGRESS] = "progress", [LIBXL_LOG_INFO] = "info",
    [LIBXL_LOG_NOTICE] = "notice",     [LIBXL_LOG_WARN] = "warning",
    [LIBXL_LOG_ERROR] = "error",       [LIBXL_LOG_CRITICAL] = "critical",
};

static void stdio_vmessage(libxl_logger *lg, libxl_log_level level, int errnoval,
                           const char *context, const char *fmt, va_list al)
{
    struct stdio_logger *s = (struct stdio_logger *)lg;

    if (level < s->min || level > LIBXL_LOG_CRITICAL)
        return;
    fprintf(s->f, "%s: %s: ", context ? context : "libxl", level_names[level]);
    vfprintf(s->f, fmt, al);
    if (errnoval >= 0)
        fprintf(s->f, ": %s", strerror(errnoval));
    fputc('\n', s->f);
    fflush(s->f);
}

static void stdio_destroy(libxl_logger *lg)
{
    free(lg);
}

libxl_logger *libxl_logger_stdio_new(FILE *f, libxl_log_level min_level)
{
    struct stdio_logger *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->base.vmessage = stdio_vmessage;
    s->base.destroy = stdio_destroy;
    s->f = f;
    s->min = min_level;
    return &s->base;
}

void libxl_logger_destroy(libxl_logger *lg)
{
    if (lg && lg->destroy)
        lg->destroy(lg);
}

void libxl__log(libxl_ctx *ctx, libxl_log_level level, int errnoval, const char *fmt, ...)
{
    va_list ap;

    if (!ctx || !ctx->lg || !ctx->lg->vmessage)
        return;
    va_start(ap, fmt);
    ctx->lg->vmessage(ctx->lg, level, errnoval, "libxl", fmt, ap);
    va_end(ap);
}

int libxl_ctx_alloc(libxl_ctx **pctx, int version, unsigned flags, libxl_logger *lg)
{
    libxl_ctx *ctx;

    (void)flags;
    if (version != LIBXL_VERSION)
        return ERROR_VERSION;
    ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return ERROR_NOMEM;
    ctx->lg = lg;
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->pending_tail = &ctx->pending;
    *pctx = ctx;
    return 0;
}

int libxl__ctx_ensure(libxl_ctx *ctx)
{
    int rc = 0;

    pthread_mutex_lock(&ctx->lock);
    if (!ctx->ctrl) {
        rc = libxl__ctrl_open(&ctx->ctrl);
        if (rc) {
            LOGE(ctx, ERROR, -rc, "cannot open the control interface");
            ctx->ctrl = NULL;
            rc = ERROR_FAIL;
            goto out;
        }
    }
    if (!ctx->xs) {
        rc = libxl__xs_open(libxl__ctrl_xenstore_path(ctx->ctrl), &ctx->xs);
        if (rc) {
            LOGE(ctx, ERROR, -rc, "cannot connect to xenstore at %s",
                 libxl__ctrl_xenstore_path(ctx->ctrl));
            ctx->xs = NULL;
            rc = ERROR_FAIL;
        }
    }
out:
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

void libxl__event_ctx_free(libxl_ctx *ctx); /* libxl_event.c */

int libxl_ctx_free(libxl_ctx *ctx)
{
    if (!ctx)
        return 0;
    libxl__event_ctx_free(ctx);
    libxl__xs_close(ctx->xs);
    if (ctx->ctrl)
        libxl__ctrl_close(ctx->ctrl);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
    return 0;
}

int libxl__errno_to_error(int neg_errno)
{
    switch (-neg_errno) {
    case 0:
        return 0;
    case ENOMEM:
        return ERROR_NOMEM;
    case EINVAL:
        return ERROR_INVAL;
    case ESRCH:
        return ERROR_DOMAIN_NOTFOUND;
    case ENOENT:
        return ERROR_NOTFOUND;
    default:
        return ERROR_FAIL;
    }
}
