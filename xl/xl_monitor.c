/*
 * xl_monitor.c: what `xl create' does once the domain exists, as real xl
 * 4.17: unpause it (unless -p), then, unless -e, a monitor process
 * (daemonized, logging to xl-NAME.log in the run directory, unless -F)
 * waits for the domain's shutdown or death and carries out the
 * configured on_poweroff / on_reboot / on_crash / on_watchdog /
 * on_soft_reset action: destroy, restart (a new domain from the stored
 * configuration), rename-restart (keep the old one renamed), preserve,
 * coredump-destroy / coredump-restart (the core goes to
 * XEN_DUMP_DIR/NAME, $XENHV_DUMP_DIR overriding the directory, then as
 * destroy / restart), soft-reset (libxl_domain_soft_reset: the same
 * domain goes on, and the monitor keeps watching it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xenhv/rundir.h"
#include "xl.h"
#include "xl_lifecycle.h"

static void mlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mlog(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* Fork the monitor into the background: 1 in the parent, 0 in the
 * daemon, -1 on failure. */
static int daemonize(const char *name)
{
    char dir[PATH_MAX - 64], log[PATH_MAX];
    int status, fd;
    pid_t child = fork();

    if (child < 0)
        return -1;
    if (child > 0) {
        waitpid(child, &status, 0);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : -1;
    }
    xl_ctx_postfork();
    if (setsid() < 0)
        _exit(1);
    child = fork();
    if (child < 0)
        _exit(1);
    if (child > 0)
        _exit(0);
    if (xenhv_rundir_default(dir, sizeof(dir)) == 0) {
        snprintf(log, sizeof(log), "%s/xl-%s.log", dir, name);
        fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    } else {
        fd = -1;
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(fd >= 0 ? fd : null, STDOUT_FILENO);
        dup2(fd >= 0 ? fd : null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    if (fd > STDERR_FILENO)
        close(fd);
    return 0;
}

enum restart { RESTART_NONE, RESTART_NORMAL, RESTART_RENAME, RESTART_SOFT_RESET };

static libxl_action_on_shutdown action_for(const libxl_domain_config *cfg, int reason)
{
    static const struct {
        int reason;
        size_t offset;
    } table[] = {
        {LIBXL_SHUTDOWN_REASON_POWEROFF, offsetof(libxl_domain_config, on_poweroff)},
        {LIBXL_SHUTDOWN_REASON_REBOOT, offsetof(libxl_domain_config, on_reboot)},
        {LIBXL_SHUTDOWN_REASON_CRASH, offsetof(libxl_domain_config, on_crash)},
        {LIBXL_SHUTDOWN_REASON_WATCHDOG, offsetof(libxl_domain_config, on_watchdog)},
        {LIBXL_SHUTDOWN_REASON_SOFT_RESET, offsetof(libxl_domain_config, on_soft_reset)},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].reason == reason)
            return *(const libxl_action_on_shutdown *)((const char *)cfg + table[i].offset);
    mlog("Unknown shutdown reason code %d. Destroying domain.", reason);
    return LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
}

static void reload_config(uint32_t domid, libxl_domain_config *cfg)
{
    libxl_domain_config fresh;

    libxl_domain_config_init(&fresh);
    if (libxl_retrieve_domain_configuration(xl_ctx(), domid, &fresh, NULL)) {
        mlog("failed to retrieve guest configuration (domid %u); using the old one", domid);
        libxl_domain_config_dispose(&fresh);
        return;
    }
    libxl_domain_config_dispose(cfg);
    *cfg = fresh;
}

/* The directory for cores: $XENHV_DUMP_DIR, else configure's (Xen's
 * XEN_DUMP_DIR, /var/lib/xen/dump by default), made when missing. */
static const char *dump_dir(void)
{
    const char *env = getenv("XENHV_DUMP_DIR");
    return env && *env ? env : XEN_DUMP_DIR;
}

static void make_dirs(const char *path)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf))
        return;
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    mkdir(buf, 0700);
}

static void dump_core(uint32_t domid, const char *name)
{
    char *corefile;
    int rc;

    if (asprintf(&corefile, "%s/%s", dump_dir(), name) < 0)
        return;
    make_dirs(dump_dir());
    mlog("dumping core to %s", corefile);
    rc = libxl_domain_core_dump(xl_ctx(), domid, corefile, NULL);
    if (rc)
        mlog("core dump failed (rc=%d).", rc);
    free(corefile);
}

static enum restart handle_shutdown(uint32_t *domid, int reason, libxl_domain_config *cfg)
{
    libxl_action_on_shutdown action = action_for(cfg, reason);
    enum restart restart = RESTART_NONE;

    mlog("Action for shutdown reason code %d is %s", reason,
         libxl_action_on_shutdown_to_string(action));
    if (action == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY ||
        action == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART) {
        dump_core(*domid, cfg->c_info.name);
        /* As real xl: a failed dump does not stop the action. */
        action = action == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY
                     ? LIBXL_ACTION_ON_SHUTDOWN_DESTROY
                     : LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    }
    switch (action) {
    case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
        reload_config(*domid, cfg);
        restart = RESTART_SOFT_RESET;
        break;
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
        break;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME: {
        char suffix[32], *newname;
        time_t now = time(NULL);
        struct tm tm;
        reload_config(*domid, cfg);
        gmtime_r(&now, &tm);
        strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", &tm);
        mlog("Preserving domain %u %s with suffix%s", *domid, cfg->c_info.name, suffix);
        if (asprintf(&newname, "%s%s", cfg->c_info.name, suffix) > 0) {
            if (!libxl_domain_rename(xl_ctx(), *domid, NULL, newname))
                restart = RESTART_RENAME;
            free(newname);
        }
        *domid = ~0u;
        break;
    }
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
        reload_config(*domid, cfg);
        restart = RESTART_NORMAL;
        /* fall through */
    case LIBXL_ACTION_ON_SHUTDOWN_DESTROY:
    default:
        mlog("Domain %u needs to be cleaned up: destroying the domain", *domid);
        libxl_domain_destroy(xl_ctx(), *domid, NULL);
        *domid = ~0u;
        break;
    }
    return restart;
}

/* The monitor loop: returns when nothing more is to be done. */
static int monitor(libxl_domain_config *cfg, uint32_t domid)
{
    for (;;) {
        libxl_evgen_domain_death *deathw = NULL;
        enum restart restart = RESTART_NONE;
        bool done = false;

        mlog("Waiting for domain %s (domid %u) to die [pid %ld]", cfg->c_info.name, domid,
             (long)getpid());
        if (libxl_evenable_domain_death(xl_ctx(), domid, 0, &deathw))
            return EXIT_FAILURE;
        while (!done) {
            libxl_event *ev;
            if (libxl_event_wait(xl_ctx(), &ev, ~UINT64_C(0), NULL, NULL))
                return EXIT_FAILURE;
            if (ev->domid != domid) {
                libxl_event_free(xl_ctx(), ev);
                continue;
            }
            if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
                int reason = ev->u.domain_shutdown.shutdown_reason;
                mlog("Domain %u has shut down, reason code %d 0x%x", domid, reason, reason);
                restart = handle_shutdown(&domid, reason, cfg);
                done = true;
            } else if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
                mlog("Domain %u has been destroyed.", domid);
                done = true;
            }
            libxl_event_free(xl_ctx(), ev);
        }
        libxl_evdisable_domain_death(xl_ctx(), deathw);
        if (restart == RESTART_NONE) {
            mlog("Done. Exiting now");
            return EXIT_SUCCESS;
        }
        mlog("Done. Rebooting now");
        if (restart == RESTART_SOFT_RESET) {
            if (libxl_domain_soft_reset(xl_ctx(), cfg, domid, NULL, NULL)) {
                mlog("Failed to soft reset domain %u: destroying it", domid);
                libxl_domain_destroy(xl_ctx(), domid, NULL);
                return EXIT_FAILURE;
            }
            continue;
        }
        if (libxl_domain_create_new(xl_ctx(), cfg, &domid, NULL, NULL)) {
            mlog("Failed to restart the domain");
            return EXIT_FAILURE;
        }
        libxl_domain_unpause(xl_ctx(), domid, NULL);
    }
}

int xl_domain_started(libxl_domain_config *cfg, uint32_t domid, int paused, int no_monitor,
                      int foreground, int console)
{
    int rc;

    if (!paused)
        libxl_domain_unpause(xl_ctx(), domid, NULL);
    if (no_monitor)
        return console ? xl_console_attach(domid, LIBXL_CONSOLE_TYPE_UNKNOWN, 0) : EXIT_SUCCESS;
    if (foreground)
        return monitor(cfg, domid);
    rc = daemonize(cfg->c_info.name);
    if (rc < 0) {
        fprintf(stderr, "xl: cannot start the monitor process: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    if (rc == 0)
        _exit(monitor(cfg, domid));
    return console ? xl_console_attach(domid, LIBXL_CONSOLE_TYPE_UNKNOWN, 0) : EXIT_SUCCESS;
}
