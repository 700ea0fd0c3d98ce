/*
 * bench_xenstore.c: xenstore read and write operations per second over
 * the Unix socket, one request in flight (as libxenstore clients do),
 * against the xenstore service (in this process, and in xenhv itself when
 * it is built); the baselines, measured in the same run:
 * a bare echo server on the same kind of socket (the transport's floor),
 * and Debian's own xenstored and oxenstored when they can be started here
 * (else the exact reason they could not).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "public/io/xs_wire.h"
#include "xs_service.h"

#define SECONDS_PER_ROUND 0.25
#define ROUNDS            4

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sock_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One request, one reply (watch events are not expected here). */
static int roundtrip(int fd, uint32_t type, const char *payload, uint32_t len)
{
    char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = {type, 1, 0, len};
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    if (write(fd, buf, sizeof(h) + len) != (ssize_t)(sizeof(h) + len))
        return -1;
    if (read_full(fd, &h, sizeof(h)) || h.len > XENSTORE_PAYLOAD_MAX || read_full(fd, buf, h.len))
        return -1;
    return h.type == XS_ERROR ? -1 : 0;
}

/* Operations per second of one kind: the best of ROUNDS windows of
 * SECONDS_PER_ROUND (the machine is shared; the best window is the one
 * least disturbed). */
static double rate(int fd, uint32_t type)
{
    static const char wr[] = "/bench/key\0value-12";
    static const char rd[] = "/bench/key";
    const char *p = type == XS_WRITE ? wr : rd;
    uint32_t len = type == XS_WRITE ? sizeof(wr) - 1 : sizeof(rd);
    double best = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double start = now(), t;
        long ops = 0;
        do {
            for (int i = 0; i < 256; i++, ops++)
                if (roundtrip(fd, type, p, len))
                    return -1;
            t = now() - start;
        } while (t < SECONDS_PER_ROUND);
        if ((double)ops / t > best)
            best = (double)ops / t;
    }
    return best;
}

struct figures {
    double write, read;
};

static int measure(const char *path, struct figures *f)
{
    int fd = sock_connect(path);
    if (fd < 0)
        return -1;
    int rc = -1;
    if (roundtrip(fd, XS_WRITE, "/bench/key\0v", 12) == 0) {
        f->write = rate(fd, XS_WRITE);
        f->read = rate(fd, XS_READ);
        rc = f->write > 0 && f->read > 0 ? 0 : -1;
    }
    close(fd);
    return rc;
}

/* The floor: a server that answers every message with "OK" at once. */
static void *echo_main(void *arg)
{
    int lfd = *(int *)arg;
    int fd = accept(lfd, NULL, NULL);
    char buf[XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h;
    while (fd >= 0 && !read_full(fd, &h, sizeof(h)) && h.len <= sizeof(buf) &&
           !read_full(fd, buf, h.len)) {
        char out[sizeof(h) + 3];
        h.len = 3;
        memcpy(out, &h, sizeof(h));
        memcpy(out + sizeof(h), "OK", 3);
        if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
            break;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int echo_measure(const char *path, struct figures *f)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    pthread_t th;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1) ||
        pthread_create(&th, NULL, echo_main, &lfd))
        return -1;
    int rc = measure(path, f);
    pthread_join(th, NULL);
    close(lfd);
    unlink(path);
    return rc;
}

/* Start one of Debian's daemons on a private socket; measure it, or say
 * exactly why not. */
static void debian_daemon(const char *label, const char *prog, char *const argv[], const char *dir,
                          const struct figures *ours)
{
    char sock[80], errfile[256], why[512] = "";
    struct figures f;
    snprintf(sock, sizeof(sock), "%s/%s.socket", dir, label);
    snprintf(errfile, sizeof(errfile), "%s/%s.stderr", dir, label);
    if (access(prog, X_OK)) {
        printf("  Debian %-10s not measured: %s is not installed\n", label, prog);
        return;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *e = freopen(errfile, "w", stderr);
        (void)e;
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        setenv("XENSTORED_PATH", sock, 1);
        setenv("XENSTORED_RUNDIR", dir, 1);
        execv(prog, argv);
        _exit(127);
    }
    int status = 0, exited = 0;
    for (int i = 0; i < 200 && !exited; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            exited = 1;
        else if (!access(sock, F_OK))
            break;
        usleep(10000);
    }
    if (!exited) {
        int fd = sock_connect(sock);
        struct timeval tv = {1, 0};
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            int ok = roundtrip(fd, XS_WRITE, "/bench/key\0v", 12) == 0;
            close(fd);
            if (ok && measure(sock, &f) == 0) {
                printf("  Debian %-10s write %9.0f ops/s   read %9.0f ops/s\n", label, f.write,
                       f.read);
                printf("  ratio xenhv/%-8s write %.2f         read %.2f\n", label,
                       ours->write / f.write, ours->read / f.read);
                kill(pid, SIGTERM);
                waitpid(pid, &status, 0);
                return;
            }
        }
        usleep(100000);
        if (waitpid(pid, &status, WNOHANG) != pid) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            snprintf(why, sizeof(why), "started but did not answer a request");
        }
        exited = 1;
        if (!why[0] && WIFSIGNALED(status))
            snprintf(why, sizeof(why), "listened, then died of signal %d (%s) on the first request",
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
    }
    if (!why[0]) {
        char line[300] = "";
        FILE *e = fopen(errfile, "r");
        if (e) {
            if (!fgets(line, sizeof(line), e))
                line[0] = '\0';
            fclose(e);
        }
        line[strcspn(line, "\n")] = '\0';
        snprintf(why, sizeof(why), "exited with status %d at start-up: %s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, line);
    }
    printf("  Debian %-10s not measured: %s\n", label, why);
}

/* The same figures through the real daemon, if built (xenhv --foreground
 * in a private run directory). */
static int xenhv_measure(const char *dir, struct figures *f)
{
    static const char *const candidates[] = {"../hypervisor/xenhv", "hypervisor/xenhv"};
    const char *prog = NULL;
    char rundir[80], sock[100];
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (!access(candidates[i], X_OK))
            prog = candidates[i];
    if (!prog)
        return -1;
    snprintf(rundir, sizeof(rundir), "%s/run", dir);
    snprintf(sock, sizeof(sock), "%s/xenstored", rundir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        setenv("XENHV_RUNDIR", rundir, 1);
        execl(prog, "xenhv", "--foreground", (char *)NULL);
        _exit(127);
    }
    int rc = -1, status;
    for (int i = 0; i < 300 && access(sock, F_OK); i++)
        usleep(10000);
    if (!access(sock, F_OK))
        rc = measure(sock, f);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return rc;
}

int main(void)
{
    char dir[] = "/tmp/bench-xenstore.XXXXXX", path[80];
    struct figures ours, floor;

    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/socket", dir);
    struct xs_service *s = xs_service_create();
    if (!s || xs_service_listen(s, path) || xs_service_start(s)) {
        fprintf(stderr, "bench_xenstore: cannot start the xenstore service\n");
        return 1;
    }
    int rc = measure(path, &ours);
    xs_service_stop_destroy(s);
    if (rc) {
        fprintf(stderr, "bench_xenstore: requests to the service failed\n");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/echo", dir);
    if (echo_measure(path, &floor)) {
        fprintf(stderr, "bench_xenstore: the echo baseline failed\n");
        return 1;
    }

    printf("xenstore over a Unix socket, one request in flight, best of %d x %.2f s\n", ROUNDS,
           SECONDS_PER_ROUND);
    printf("  xenhv xenstore   write %9.0f ops/s   read %9.0f ops/s   (target 20000)\n", ours.write,
           ours.read);
    printf("  echo server      write %9.0f ops/s   read %9.0f ops/s   (transport floor)\n",
           floor.write, floor.read);
    printf("  ratio xenhv/echo write %.2f         read %.2f\n", ours.write / floor.write,
           ours.read / floor.read);
    struct figures daemon;
    if (xenhv_measure(dir, &daemon) == 0)
        printf("  xenhv daemon     write %9.0f ops/s   read %9.0f ops/s   (xenhv --foreground)\n",
               daemon.write, daemon.read);
    else
        printf("  xenhv daemon     not measured: hypervisor/xenhv is not built or did not serve\n");

    char *const xenstored_argv[] = {"xenstored", "--no-fork", "--no-domain-init", NULL};
    char *const xenstored_dom_argv[] = {"xenstored", "--no-fork", NULL};
    char *const oxenstored_argv[] = {"oxenstored", "--no-fork", NULL};
    debian_daemon("xenstored", "/usr/lib/xen-4.17/bin/xenstored", xenstored_dom_argv, dir, &ours);
    debian_daemon("xenstored-D", "/usr/lib/xen-4.17/bin/xenstored", xenstored_argv, dir, &ours);
    debian_daemon("oxenstored", "/usr/lib/xen-4.17/bin/oxenstored", oxenstored_argv, dir, &ours);

    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd))
        return 0;
    return 0;
}
