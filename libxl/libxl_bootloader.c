/*
 * libxl_bootloader.c: bootloader= for PV and PVH domains, as libxl runs
 * pygrub: the program (xenhv-pygrub for "pygrub") runs as a child with a
 * time limit on the domain's first disk, writes NUL-terminated
 * "kernel PATH", "ramdisk PATH", "args ARGS" items (--output-format=
 * simple0) and copies the files into a private directory, which is
 * removed once the domain is built.  Also the create path's wrapper that
 * puts the boot files (bootloader output or firmware) into b_info for the
 * builder and restores b_info afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libxl_bootloader.h"
#include "xenhv/rundir.h"

#ifndef LIBXL_BINDIR
#define LIBXL_BINDIR "/usr/local/bin"
#endif

/* Seconds the bootloader may run ($LIBXL_BOOTLOADER_TIMEOUT, as in
 * Xen's libxl); then SIGTERM, and SIGKILL after a grace period. */
#define BOOTLOADER_TIMEOUT_DEFAULT 120
#define BOOTLOADER_GRACE_MS        2000
#define OUTPUT_MAX                 (64 * 1024)
#define STDERR_MAX                 (16 * 1024)

extern char **environ;

static const char *const own_names[] = {"pygrub", "xenhv-pygrub"};

int libxl__bootloader_program(libxl_ctx *ctx, const char *bootloader, char **path)
{
    char top[PATH_MAX], cand[PATH_MAX + 64];
    const char *name = bootloader;

    *path = NULL;
    if (bootloader[0] == '/') {
        if (access(bootloader, X_OK)) {
            LOGE(ctx, ERROR, errno, "bootloader %s is not an executable program", bootloader);
            return ERROR_INVAL;
        }
        *path = strdup(bootloader);
        return *path ? 0 : ERROR_NOMEM;
    }
    if (strchr(bootloader, '/') || !*bootloader) {
        LOG(ctx, ERROR, "bootloader \"%s\": give a program name or an absolute path", bootloader);
        return ERROR_INVAL;
    }
    for (size_t i = 0; i < sizeof(own_names) / sizeof(own_names[0]); i++) {
        if (strcmp(bootloader, own_names[i]))
            continue;
        name = "xenhv-pygrub";
        if (!libxl__build_tree_top(top, sizeof(top))) {
            snprintf(cand, sizeof(cand), "%s/bootloader/xenhv-pygrub", top);
            if (!access(cand, X_OK))
                goto found;
        }
    }
    snprintf(cand, sizeof(cand), "%s/%s", LIBXL_BINDIR, name);
    if (access(cand, X_OK)) {
        LOG(ctx, ERROR, "bootloader \"%s\": %s is not installed", bootloader, cand);
        return ERROR_INVAL;
    }
found:
    *path = strdup(cand);
    return *path ? 0 : ERROR_NOMEM;
}

/* The disk the bootloader reads: the domain's first disk, a readable
 * raw image (file or block device). */
static int boot_disk(libxl_ctx *ctx, const libxl_domain_config *cfg, const char **disk)
{
    const libxl_device_disk *d;
    struct stat st;

    if (cfg->num_disks < 1 || !cfg->disks) {
        LOG(ctx, ERROR,
            "bootloader: the domain has no disk to boot from (bootloader= reads the "
            "first disk)");
        return ERROR_INVAL;
    }
    d = &cfg->disks[0];
    if (!d->pdev_path || !*d->pdev_path) {
        LOG(ctx, ERROR, "bootloader: the first disk (%s) has no target", d->vdev ? d->vdev : "?");
        return ERROR_INVAL;
    }
    if (d->format != LIBXL_DISK_FORMAT_RAW && d->format != LIBXL_DISK_FORMAT_UNKNOWN) {
        LOG(ctx, ERROR, "bootloader: disk %s: format %s is not supported (raw images only)",
            d->pdev_path, libxl_disk_format_to_string(d->format));
        return ERROR_INVAL;
    }
    if (stat(d->pdev_path, &st)) {
        LOGE(ctx, ERROR, errno, "bootloader: disk %s", d->pdev_path);
        return ERROR_INVAL;
    }
    if ((!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) || access(d->pdev_path, R_OK)) {
        LOG(ctx, ERROR, "bootloader: disk %s is not a readable file", d->pdev_path);
        return ERROR_INVAL;
    }
    *disk = d->pdev_path;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove the output file and directory tree (nothing outside it). */
static void remove_outputs(libxl__boot_files *bf)
{
    if (bf->outdir)
        nftw(bf->outdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    if (bf->outfile)
        unlink(bf->outfile);
    free(bf->outdir);
    free(bf->outfile);
    free(bf->kernel);
    free(bf->ramdisk);
    free(bf->cmdline);
    bf->outdir = bf->outfile = bf->kernel = bf->ramdisk = bf->cmdline = NULL;
}

static int make_outputs(libxl_ctx *ctx, uint32_t domid, libxl__boot_files *bf)
{
    char rundir[PATH_MAX - 64], p[PATH_MAX];
    int fd;

    if (xenhv_rundir_default(rundir, sizeof(rundir))) {
        LOG(ctx, ERROR, "bootloader: run directory path too long");
        return ERROR_FAIL;
    }
    snprintf(p, sizeof(p), "%s/bootloader.%u.d", rundir, domid);
    if (!(bf->outdir = strdup(p)))
        return ERROR_NOMEM;
    snprintf(p, sizeof(p), "%s/bootloader.%u.out", rundir, domid);
    if (!(bf->outfile = strdup(p)))
        return ERROR_NOMEM;
    /* A stale pair from a crashed toolstack with a reused domid goes. */
    nftw(bf->outdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    unlink(bf->outfile);
    if (mkdir(bf->outdir, 0700)) {
        LOGE(ctx, ERROR, errno, "bootloader: creating %s", bf->outdir);
        return ERROR_FAIL;
    }
    fd = open(bf->outfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        LOGE(ctx, ERROR, errno, "bootloader: creating %s", bf->outfile);
        return ERROR_FAIL;
    }
    close(fd);
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int timeout_seconds(void)
{
    const char *env = getenv("LIBXL_BOOTLOADER_TIMEOUT");
    char *end;
    long v;

    if (!env || !*env)
        return BOOTLOADER_TIMEOUT_DEFAULT;
    v = strtol(env, &end, 10);
    return *end || v <= 0 || v > 86400 ? BOOTLOADER_TIMEOUT_DEFAULT : (int)v;
}

/* Wait for pid until deadline (ms, monotonic); 1 if it exited. */
static int wait_until(pid_t pid, long deadline, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return 1;
        if (now_ms() >= deadline)
            return 0;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

typedef struct child_outcome {
    int status;
    bool timed_out;
    char err[STDERR_MAX + 1]; /* what it said on stderr */
} child_outcome;

/* Run argv with stdin from /dev/null, stderr collected; stop its process
 * group at the time limit. */
static int run_child(libxl_ctx *ctx, char *const argv[], int limit_s, child_outcome *o)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int pipefd[2], rc;
    size_t used = 0;
    pid_t pid;
    bool eof = false;

    memset(o, 0, sizeof(*o));
    if (pipe2(pipefd, O_CLOEXEC)) {
        LOGE(ctx, ERROR, errno, "bootloader: pipe");
        return ERROR_FAIL;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(pipefd[1]);
    if (rc) {
        close(pipefd[0]);
        LOGE(ctx, ERROR, rc, "bootloader: running %s", argv[0]);
        return ERROR_FAIL;
    }

    long deadline = now_ms() + limit_s * 1000L;
    while (!eof) {
        long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
        int n = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        char buf[4096];
        ssize_t k = read(pipefd[0], buf, sizeof(buf));
        if (k <= 0) {
            eof = k == 0 || errno != EINTR;
            continue;
        }
        size_t take = (size_t)k < STDERR_MAX - used ? (size_t)k : STDERR_MAX - used;
        memcpy(o->err + used, buf, take);
        used += take;
    }
    close(pipefd[0]);
    if (!wait_until(pid, eof ? deadline : 0, &o->status)) {
        o->timed_out = true;
        kill(-pid, SIGTERM);
        if (!wait_until(pid, now_ms() + BOOTLOADER_GRACE_MS, &o->status)) {
            kill(-pid, SIGKILL);
            waitpid(pid, &o->status, 0);
        }
        /* Anything it left running in its group goes too. */
        kill(-pid, SIGKILL);
    }
    return 0;
}

/* value of "KEY value" when item starts with KEY and a space. */
static const char *item_value(const char *item, const char *key)
{
    size_t k = strlen(key);
    return !strncmp(item, key, k) && item[k] == ' ' ? item + k + 1 : NULL;
}

/* The file must be a regular file inside our output directory. */
static int inside_outdir(const libxl__boot_files *bf, const char *path)
{
    size_t n = strlen(bf->outdir);
    struct stat st;
    return !strncmp(path, bf->outdir, n) && path[n] == '/' && !strstr(path, "/../") &&
           !lstat(path, &st) && S_ISREG(st.st_mode);
}

static int parse_output(libxl_ctx *ctx, const char *disk, libxl__boot_files *bf)
{
    char *buf = malloc(OUTPUT_MAX + 1);
    ssize_t len = 0;
    int fd, rc = ERROR_FAIL;
    bool ended = false;

    if (!buf)
        return ERROR_NOMEM;
    fd = open(bf->outfile, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t k;
        while (len < OUTPUT_MAX && (k = read(fd, buf + len, OUTPUT_MAX - len)) > 0)
            len += k;
        close(fd);
    }
    buf[len] = '\0';
    for (ssize_t off = 0; off < len;) {
        const char *item = buf + off, *v;
        size_t ilen = strnlen(item, len - off);
        if (off + (ssize_t)ilen == len)
            break; /* unterminated */
        off += ilen + 1;
        if (!ilen) {
            ended = true;
            break;
        }
        char **slot = NULL;
        if ((v = item_value(item, "kernel")))
            slot = &bf->kernel;
        else if ((v = item_value(item, "ramdisk")))
            slot = &bf->ramdisk;
        else if ((v = item_value(item, "args")))
            slot = &bf->cmdline;
        if (!slot)
            continue; /* an item of a later protocol */
        free(*slot);
        if (!(*slot = strdup(v))) {
            rc = ERROR_NOMEM;
            goto out;
        }
    }
    if (!ended || !bf->kernel) {
        LOG(ctx, ERROR, "bootloader: disk %s: the bootloader's output %s", disk,
            !ended ? "is incomplete (no end marker)" : "names no kernel");
        goto out;
    }
    if (!inside_outdir(bf, bf->kernel) || (bf->ramdisk && !inside_outdir(bf, bf->ramdisk))) {
        LOG(ctx, ERROR, "bootloader: disk %s: the bootloader named a file outside %s", disk,
            bf->outdir);
        goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

/* Log what the bootloader said, a line each. */
static void log_child_stderr(libxl_ctx *ctx, char *err)
{
    char *save = NULL;
    for (char *line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (*line)
            LOG(ctx, ERROR, "bootloader: %s", line);
}

static int run_bootloader(libxl_ctx *ctx, uint32_t domid, const libxl_domain_config *cfg,
                          libxl__boot_files *bf)
{
    const libxl_domain_build_info *b = &cfg->b_info;
    const char *disk = NULL;
    char *prog = NULL, **argv = NULL;
    char *opt[6] = {0};
    child_outcome *o = NULL;
    int rc, argc = 0, nargs = 0, limit = timeout_seconds();

    rc = boot_disk(ctx, cfg, &disk);
    if (rc)
        return rc;
    rc = libxl__bootloader_program(ctx, b->bootloader, &prog);
    if (rc)
        return rc;
    rc = make_outputs(ctx, domid, bf);
    if (rc)
        goto out;
    rc = ERROR_NOMEM;
    while (b->bootloader_args && b->bootloader_args[nargs])
        nargs++;
    if (!(argv = calloc((size_t)nargs + 10, sizeof(*argv))) || !(o = malloc(sizeof(*o))))
        goto out;
    if ((b->kernel && asprintf(&opt[0], "--kernel=%s", b->kernel) < 0) ||
        (b->ramdisk && asprintf(&opt[1], "--ramdisk=%s", b->ramdisk) < 0) ||
        (b->cmdline && asprintf(&opt[2], "--args=%s", b->cmdline) < 0) ||
        asprintf(&opt[3], "--output=%s", bf->outfile) < 0 ||
        asprintf(&opt[4], "--output-directory=%s", bf->outdir) < 0)
        goto out;
    argv[argc++] = prog;
    for (int i = 0; i < 3; i++)
        if (opt[i])
            argv[argc++] = opt[i];
    argv[argc++] = opt[3];
    argv[argc++] = "--output-format=simple0";
    argv[argc++] = opt[4];
    for (int i = 0; i < nargs; i++)
        argv[argc++] = b->bootloader_args[i];
    argv[argc++] = (char *)disk;
    argv[argc] = NULL;

    rc = run_child(ctx, argv, limit, o);
    if (rc)
        goto out;
    rc = ERROR_FAIL;
    if (o->timed_out) {
        LOG(ctx, ERROR, "bootloader %s: disk %s: timed out after %d s (stopped)", b->bootloader,
            disk, limit);
        goto out;
    }
    if (!WIFEXITED(o->status) || WEXITSTATUS(o->status)) {
        log_child_stderr(ctx, o->err);
        if (WIFEXITED(o->status))
            LOG(ctx, ERROR, "bootloader %s: disk %s: failed (exit status %d)", b->bootloader, disk,
                WEXITSTATUS(o->status));
        else
            LOG(ctx, ERROR, "bootloader %s: disk %s: killed by signal %d", b->bootloader, disk,
                WTERMSIG(o->status));
        goto out;
    }
    rc = parse_output(ctx, disk, bf);
out:
    if (rc)
        remove_outputs(bf);
    for (int i = 0; i < 6; i++)
        free(opt[i]);
    free(argv);
    free(prog);
    free(o);
    return rc;
}

/* Put value into *field, keeping the caller's in *saved. */
static void swap_in(char **field, char **saved, char *value)
{
    *saved = *field;
    *field = value;
}

int libxl__boot_files_prepare(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                              libxl__boot_files *bf)
{
    libxl_domain_build_info *b = &cfg->b_info;
    int rc;

    memset(bf, 0, sizeof(*bf));
    if (b->bootloader && b->type != LIBXL_DOMAIN_TYPE_HVM) {
        rc = run_bootloader(ctx, domid, cfg, bf);
        if (rc)
            return rc;
        swap_in(&b->kernel, &bf->saved_kernel, bf->kernel);
        swap_in(&b->ramdisk, &bf->saved_ramdisk, bf->ramdisk);
        swap_in(&b->cmdline, &bf->saved_cmdline, bf->cmdline);
        bf->swapped = true;
        return 0;
    }
    rc = libxl__firmware_resolve(ctx, cfg, &bf->fw);
    if (rc)
        return rc;
    if (bf->fw.kernel || bf->fw.hvm_loader) {
        swap_in(&b->kernel, &bf->saved_kernel, bf->fw.kernel ? bf->fw.kernel : b->kernel);
        if (b->type == LIBXL_DOMAIN_TYPE_HVM)
            swap_in(&b->u.hvm.firmware, &bf->saved_hvm_firmware,
                    bf->fw.hvm_loader ? bf->fw.hvm_loader : b->u.hvm.firmware);
        swap_in(&b->ramdisk, &bf->saved_ramdisk, b->ramdisk);
        swap_in(&b->cmdline, &bf->saved_cmdline, b->cmdline);
        bf->swapped = true;
    }
    return 0;
}

void libxl__boot_files_done(libxl_ctx *ctx, libxl_domain_config *cfg, libxl__boot_files *bf)
{
    libxl_domain_build_info *b = &cfg->b_info;

    (void)ctx;
    if (bf->swapped) {
        /* The values in b_info are ours (freed below) or the caller's. */
        b->kernel = bf->saved_kernel;
        b->ramdisk = bf->saved_ramdisk;
        b->cmdline = bf->saved_cmdline;
        if (b->type == LIBXL_DOMAIN_TYPE_HVM)
            b->u.hvm.firmware = bf->saved_hvm_firmware;
        bf->swapped = false;
    }
    remove_outputs(bf);
    libxl__firmware_files_dispose(&bf->fw);
}
