/*
 * libxl_event.h: events for a management daemon's own loop: domain
 * shutdown and death (from xenstore's @releaseDomain watch), asynchronous
 * operations completing, and the hooks through which libxl registers its
 * file descriptors and timeouts with the application's poll loop.
 *
 * Two ways to use them: libxl_event_wait (libxl polls by itself), or
 * libxl_osevent_register_hooks + libxl_event_check (the application polls
 * and calls libxl_osevent_occurred_fd when libxl's fd is readable).
 */
#ifndef LIBXL_EVENT_H
#define LIBXL_EVENT_H

#include <poll.h>
#include <sys/time.h>
#include <stdint.h>

typedef enum libxl_event_type {
    LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN = 1,
    LIBXL_EVENT_TYPE_DOMAIN_DEATH = 2,
    LIBXL_EVENT_TYPE_DISK_EJECT = 3,
    LIBXL_EVENT_TYPE_OPERATION_COMPLETE = 4,
    LIBXL_EVENT_TYPE_DOMAIN_CREATE_CONSOLE_AVAILABLE = 5,
} libxl_event_type;

const char *libxl_event_type_to_string(libxl_event_type t);

typedef struct libxl_event {
    libxl_event_type type;
    uint32_t domid;
    libxl_uuid domuuid;
    uint64_t for_user;
    union {
        struct {
            uint8_t shutdown_reason; /* SHUTDOWN_* (poweroff 0, reboot 1, ...) */
        } domain_shutdown;
        struct {
            int rc;
        } operation_complete;
    } u;
} libxl_event;

void libxl_event_free(libxl_ctx *ctx, libxl_event *event);

/* Watch one domain (domid) for shutdown and death; *out frees it. */
typedef struct libxl__evgen_domain_death libxl_evgen_domain_death;
int libxl_evenable_domain_death(libxl_ctx *ctx, uint32_t domid, uint64_t user,
                                libxl_evgen_domain_death **evgen_out);
void libxl_evdisable_domain_death(libxl_ctx *ctx, libxl_evgen_domain_death *evgen);

typedef int libxl_event_predicate(const libxl_event *, void *user);

/* Take an already-pending event (ERROR_NOT_READY if none). */
int libxl_event_check(libxl_ctx *ctx, libxl_event **event_r, uint64_t typemask,
                      libxl_event_predicate *predicate, void *predicate_user);
/* Wait for an event of typemask (bit 1 << type; ~0 for all). */
int libxl_event_wait(libxl_ctx *ctx, libxl_event **event_r, uint64_t typemask,
                     libxl_event_predicate *predicate, void *predicate_user);

/* Callbacks delivering events instead of the queue. */
typedef struct libxl_event_hooks {
    uint64_t event_occurs_mask;
    void (*event_occurs)(void *user, libxl_event *event); /* takes ownership */
    void (*disaster)(void *user, libxl_event_type type, const char *msg, int errnoval);
} libxl_event_hooks;
void libxl_event_register_callbacks(libxl_ctx *ctx, const libxl_event_hooks *hooks, void *user);

/* The application's poll loop.  Timeouts (libxl 4.17's contract): abs is
 * gettimeofday's clock; when it is reached the application calls
 * libxl_osevent_occurred_timeout(for_libxl) once and forgets the
 * registration.  libxl cancels by timeout_modify to {0,0} ("now") and
 * ignores that firing; it calls timeout_deregister only from
 * libxl_ctx_free.  While domains are watched libxl keeps one timeout
 * registered: it re-reads their state every second. */
typedef struct libxl_osevent_hooks {
    int (*fd_register)(void *user, int fd, void **for_app_registration_out, short events,
                       void *for_libxl);
    int (*fd_modify)(void *user, int fd, void **for_app_registration_update, short events);
    void (*fd_deregister)(void *user, int fd, void *for_app_registration);
    int (*timeout_register)(void *user, void **for_app_registration_out, struct timeval abs,
                            void *for_libxl);
    int (*timeout_modify)(void *user, void **for_app_registration_update, struct timeval abs);
    void (*timeout_deregister)(void *user, void *for_app_registration);
} libxl_osevent_hooks;
void libxl_osevent_register_hooks(libxl_ctx *ctx, const libxl_osevent_hooks *hooks, void *user);
/* The application reports what its poll saw. */
void libxl_osevent_occurred_fd(libxl_ctx *ctx, void *for_libxl, int fd, short events,
                               short revents);
void libxl_osevent_occurred_timeout(libxl_ctx *ctx, void *for_libxl);

#endif
