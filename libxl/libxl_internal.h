/*
 * libxl_internal.h: what libxl's lifecycle files share: the context
 * (control layer, xenstore connection, logger, event machinery), logging
 * macros, xenstore paths and the domain builder's entry points.
 */
#ifndef LIBXL_INTERNAL_H
#define LIBXL_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "libxl.h"
#include "libxl_ctrl.h"
#include "libxl_event.h"
#include "libxl_xs.h"

#define LIBXL__PAGE_SHIFT 12
#define LIBXL__PAGE_SIZE  4096u
/* libxl's LIBXL_MAXMEM_CONSTANT: slack added to max_memkb for Xen. */
#define LIBXL__MAXMEM_CONSTANT 1024

struct libxl__evgen_domain_death; /* libxl_event.c */
struct libxl__pending_event;

struct libxl__ctx {
    libxl_logger *lg;
    libxl__ctrl *ctrl;
    libxl__xs *xs; /* requests; watches use ev_xs */
    pthread_mutex_t lock;
    /* Events (libxl_event.c). */
    libxl__xs *ev_xs;
    bool ev_watching;
    struct libxl__evgen_domain_death *watches;
    struct libxl__pending_event *pending, **pending_tail;
    const libxl_osevent_hooks *hooks;
    void *hooks_user;
    void *fd_for_app; /* the registration handle of ev_xs's fd */
    /* The re-check of watched domains in the application's loop, through
     * the timeout hooks (libxl_event.c). */
    struct libxl__ev_time {
        void *for_app;
        bool registered; /* until libxl_osevent_occurred_timeout */
        bool cancelled;  /* timeout_modify'd to "now": ignore the firing */
    } recheck;
    const libxl_event_hooks *ev_hooks;
    uint64_t ev_mask;
    void *ev_user;
};

/* Logging. */
void libxl__log(libxl_ctx *ctx, libxl_log_level level, int errnoval, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define LOG(ctx, lvl, ...)     libxl__log((ctx), LIBXL_LOG_##lvl, -1, __VA_ARGS__)
#define LOGE(ctx, lvl, e, ...) libxl__log((ctx), LIBXL_LOG_##lvl, (e), __VA_ARGS__)

/* Open the control layer and xenstore on first use. */
int libxl__ctx_ensure(libxl_ctx *ctx);

/* The run directory libxl keeps its per-domain files in (JSON config). */
int libxl__run_dir(char *out, size_t len);
int libxl__userdata_path(uint32_t domid, const libxl_uuid *uuid, const char *what, char *out,
                         size_t len);

/* Map a -errno from the control layer to an ERROR_* code. */
int libxl__errno_to_error(int neg_errno);

/* Domain queries (libxl_domain.c). */
int libxl__domain_getinfo(libxl_ctx *ctx, uint32_t domid, struct xen_domctl_getdomaininfo *info);
int libxl__domain_path(libxl_ctx *ctx, uint32_t domid, char *out, size_t len);
int libxl__domctl_simple(libxl_ctx *ctx, uint32_t cmd, uint32_t domid);
void libxl__dominfo_from_xen(const struct xen_domctl_getdomaininfo *x, libxl_dominfo *info);

/* Building (libxl_dom_*.c). */
typedef struct libxl__dom_build libxl__dom_build;
int libxl__build_domain(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                        libxl__dom_build *out);

/* What the builder tells the rest of creation. */
struct libxl__dom_build {
    uint64_t store_pfn, console_pfn;
    uint32_t store_port, console_port;
};

/* Create-time xenstore entries (libxl_xs_domain.c). */
int libxl__xs_domain_create(libxl_ctx *ctx, uint32_t domid, const libxl_domain_config *cfg,
                            const libxl__dom_build *st);
int libxl__xs_domain_remove(libxl_ctx *ctx, uint32_t domid);

/* PV disks (libxl_disk.c).  A vdev's device number, -1 if invalid. */
int libxl__disk_devid(const char *vdev);
/* Served by xenhv's block backend: a raw image of dom0's, phy backend. */
bool libxl__disk_served(const libxl_device_disk *disk);
/* Every vdev valid and used once (an error); the disks left out named. */
int libxl__disk_check(libxl_ctx *ctx, const libxl_domain_config *cfg);
/* The served disks' frontend and backend entries. */
int libxl__disk_entries(libxl_ctx *ctx, libxl__xs_tx tx, uint32_t domid,
                        const libxl_domain_config *cfg);

/* Userdata: the stored JSON configuration (libxl_userdata.c). */
int libxl__userdata_store_config(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg);
int libxl__userdata_write_config(libxl_ctx *ctx, libxl__xs_tx tx, uint32_t domid, const char *json);
void libxl__userdata_remove(libxl_ctx *ctx, uint32_t domid);

/* Asynchronous operations (libxl_event.c).  Operations that finish at
 * once: with ao_how, report rc through its callback or an
 * OPERATION_COMPLETE event and return 0; without, return rc. */
int libxl__ao_done(libxl_ctx *ctx, const libxl_asyncop_how *ao_how, uint32_t domid, int rc);
void libxl__ao_complete(libxl_ctx *ctx, const libxl_asyncop_how *how, uint32_t domid, int rc);

#endif
