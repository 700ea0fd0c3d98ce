/*
 * xenhv.c: the hosted hypervisor daemon's entry point: options, the run
 * directory, start-up (daemonizing once the sockets listen), the serving
 * loop and an orderly shutdown that destroys every domain.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "blkback.h"
#include "control.h"
#include "domain.h"
#include "log.h"
#include "rundir.h"
#include "xenhv/control.h"
#include "xenhv/pv_machine.h"
#include "xenhv/rundir.h"
#include "xenstore_glue.h"
#ifdef CONFIG_HVM
#include "vrun.h"
#endif
#ifdef CONFIG_PV
#include "pv_domain.h"
#include "pv_run.h"
#endif

struct options {
    int foreground;
    const char *rundir;
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: xenhv [--foreground] [--rundir DIR]\n"
               "       xenhv --version\n");
}

static int path_in(char *buf, size_t len, const char *dir, const char *name)
{
    int n = snprintf(buf, len, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Fork; the parent waits until the child reports ready (one byte) or
 * dies, and exits accordingly.  Returns the write end in the child. */
static int daemonize(void)
{
    int pipefd[2];
    pid_t pid;
    char c;

    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -errno;
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid > 0) {
        close(pipefd[1]);
        if (read(pipefd[0], &c, 1) == 1)
            _exit(EXIT_SUCCESS);
        int status;
        waitpid(pid, &status, WNOHANG);
        _exit(EXIT_FAILURE);
    }
    close(pipefd[0]);
    setsid();
    return pipefd[1];
}

static void detach_stdio(void)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
}

static void destroy_all_domains(void)
{
    struct domain *d;

    pthread_mutex_lock(&hv_lock);
    while ((d = domain_unlink_any()))
        domain_destroy_unlinked(d);
    pthread_mutex_unlock(&hv_lock);
}

static int run(const struct options *o)
{
    char dir[PATH_MAX - 32], lock_path[PATH_MAX], log_path[PATH_MAX], ctl_path[PATH_MAX],
        xs_path[PATH_MAX], pid_path[PATH_MAX];
    int ready_fd = -1, lock_fd = -1, listen_fd = -1, signal_fd = -1, rc, sig;
    sigset_t mask;

    if (!o->foreground)
        close_range(3, ~0U, 0); /* nothing inherited stays open in the daemon */
    if (o->rundir) {
        if (snprintf(dir, sizeof(dir), "%s", o->rundir) >= (int)sizeof(dir))
            return -ENAMETOOLONG;
    } else if (xenhv_rundir_default(dir, sizeof(dir))) {
        return -ENAMETOOLONG;
    }
    if (path_in(lock_path, sizeof(lock_path), dir, XENHV_LOCK_FILE) ||
        path_in(log_path, sizeof(log_path), dir, XENHV_LOG_FILE) ||
        path_in(ctl_path, sizeof(ctl_path), dir, XENHV_CONTROL_SOCKET) ||
        path_in(xs_path, sizeof(xs_path), dir, XENHV_XENSTORE_SOCKET) ||
        path_in(pid_path, sizeof(pid_path), dir, XENHV_PID_FILE))
        return -ENAMETOOLONG;
    rc = rundir_prepare(dir);
    if (rc) {
        fprintf(stderr, "xenhv: run directory %s: %s\n", dir, strerror(-rc));
        return rc;
    }
    if (!o->foreground) {
        ready_fd = daemonize();
        if (ready_fd < 0)
            return ready_fd;
    }
    lock_fd = rundir_lock(lock_path);
    if (lock_fd < 0) {
        if (lock_fd == -EBUSY)
            fprintf(stderr, "xenhv: another xenhv is running in %s\n", dir);
        else
            fprintf(stderr, "xenhv: %s: %s\n", lock_path, strerror(-lock_fd));
        rc = lock_fd;
        goto out;
    }
    if (log_open(log_path, 1) < 0)
        fprintf(stderr, "xenhv: cannot open %s: %s\n", log_path, strerror(errno));
    if (!o->foreground)
        log_set_stderr_min(LOG_LVL_WARN); /* a starting daemon is quiet unless it fails */

    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &mask, NULL); /* before any thread starts */
    signal(SIGPIPE, SIG_IGN);
    signal_fd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (signal_fd < 0) {
        rc = -errno;
        goto out;
    }

    /* Every domain holds a memfd: allow as many fds as the system lets us. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
#ifdef CONFIG_PV
    pv_machine_set_ops(&pv_machine_impl); /* machine frames for PV domains */
    vrun_register_pv(&pv_vrun_ops);       /* and their vCPUs */
#endif
    rc = domain_create_dom0();
    if (rc)
        goto out;
    rc = xenstore_glue_start(xs_path);
    if (rc) {
        log_error("xenstore service on %s: %s", xs_path, strerror(-rc));
        goto out;
    }
    rc = blkback_start(xs_path); /* PV disks: a dom0 backend on our own store */
    if (rc) {
        log_error("block backend: %s", strerror(-rc));
        goto out;
    }
#ifdef CONFIG_HVM
    rc = vrun_init(dir); /* vCPUs run: domain hooks, guest hypercalls, consoles */
    if (rc) {
        log_error("vCPU runner: %s", strerror(-rc));
        goto out;
    }
#endif
    listen_fd = control_listen(ctl_path);
    if (listen_fd < 0) {
        rc = listen_fd;
        log_error("control socket %s: %s", ctl_path, strerror(-rc));
        goto out;
    }
    FILE *pf = fopen(pid_path, "we");
    if (pf) {
        fprintf(pf, "%d\n", (int)getpid());
        fclose(pf);
    }
    log_info("xenhv %s (%s) serving in %s, pid %d", PACKAGE_VERSION, emu_engine_version(), dir,
             (int)getpid());
    if (ready_fd >= 0) {
        char c = 1;
        if (write(ready_fd, &c, 1) != 1)
            log_warn("cannot signal readiness: %s", strerror(errno));
        close(ready_fd);
        ready_fd = -1;
        log_set_stderr(0);
        detach_stdio();
    }

    sig = control_run(listen_fd, signal_fd);
    if (sig > 0)
        log_info("signal %d: destroying %u domain(s) and exiting", sig, domain_count() - 1);
    rc = 0;

out:
    if (listen_fd >= 0) {
        close(listen_fd);
        unlink(ctl_path);
    }
    control_close_all();
    destroy_all_domains();
#ifdef CONFIG_HVM
    vrun_fini();
#endif
    blkback_stop();
    xenstore_glue_stop();
    if (lock_fd >= 0) {
        /* Only the lock's holder owns the sockets: a daemon that lost the
         * race for the run directory must not remove the winner's. */
        unlink(xs_path);
        unlink(pid_path);
        unlink(lock_path);
        close(lock_fd);
    }
    if (signal_fd >= 0)
        close(signal_fd);
    if (!rc)
        log_info("xenhv exited");
    log_close();
    if (ready_fd >= 0)
        close(ready_fd); /* the waiting parent sees EOF: failure */
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {"foreground", no_argument, NULL, 'F'},
        {"rundir", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    struct options o = {0};
    int opt;

    while ((opt = getopt_long(argc, argv, "VhFR:", opts, NULL)) >= 0) {
        switch (opt) {
        case 'V':
            printf("xenhv %s (%s)\n", PACKAGE_VERSION, emu_engine_version());
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        case 'F':
            o.foreground = 1;
            break;
        case 'R':
            o.rundir = optarg;
            break;
        default:
            usage(stderr);
            return EXIT_FAILURE;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return EXIT_FAILURE;
    }
    if (!emu_engine_usable()) {
        fprintf(stderr, "xenhv: %s is too old: 2.1 or newer is needed\n", emu_engine_version());
        return EXIT_FAILURE;
    }
    return run(&o) ? EXIT_FAILURE : EXIT_SUCCESS;
}
