/*
 * pygrub.c: xenhv-pygrub's entry point: pygrub's command line, then
 * disk -> partitions -> filesystem -> configuration -> entry, then the
 * chosen kernel and ramdisk copied into a private directory and reported
 * in pygrub's output protocol.  Any failure names the disk and the reason,
 * exits non-zero and leaves no file behind.
 */
#define _GNU_SOURCE /* setresuid, setresgid */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootcfg.h"
#include "bootsearch.h"
#include "extfs.h"
#include "partition.h"
#include "pygrub_output.h"

#define PROG "xenhv-pygrub"

/* Size caps for what is copied out of the guest's disk. */
#define MAX_KERNEL  (512ull << 20)
#define MAX_RAMDISK (1024ull << 20)

#define DEFAULT_OUTPUT_DIR "/var/run/xen/pygrub"

struct options {
    const char *disk;
    const char *output;
    const char *output_dir;
    enum pygrub_format format;
    const char *entry;
    const char *kernel;
    const char *ramdisk;
    const char *args;
    const char *default_args;
    const char *extra_args;
    bool have_offset;
    unsigned long long offset;
    long runas;
    bool quiet, interactive, list, not_really, isconfig, debug;
};

/* The chosen boot, as paths inside the guest filesystem. */
struct choice {
    char *title;
    char *kernel;
    char *ramdisk; /* the first (or only) ramdisk file, NULL: none */
    char **more;   /* NULL, or the further ones to append, NULL-terminated */
    char *args;
};

/* What exists on the host and must go if we fail (also on SIGTERM). */
static char tmp_dir[4096];
static char tmp_kernel[4200];
static char tmp_ramdisk[4200];

static void remove_temporaries(void)
{
    if (tmp_kernel[0])
        unlink(tmp_kernel);
    if (tmp_ramdisk[0])
        unlink(tmp_ramdisk);
    if (tmp_dir[0])
        rmdir(tmp_dir);
    tmp_kernel[0] = tmp_ramdisk[0] = tmp_dir[0] = '\0';
}

static volatile pid_t worker_pid; /* --runas: the unprivileged child */

static void on_signal(int sig)
{
    if (worker_pid > 0)
        kill(worker_pid, SIGKILL);
    remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, PROG ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: " PROG " [-q|--quiet] [-i|--interactive] [-l|--list-entries] "
               "[-n|--not-really] [--output=FILE] [--output-format=sxp|simple|simple0] "
               "[--output-directory=DIR] [--entry=N|TITLE] [--kernel=PATH] [--ramdisk=PATH] "
               "[--args=ARGS] [--default_args=ARGS] [--extra_args=ARGS] [--offset=BYTES] "
               "[--runas=UID] [--isconfig] [--debug] DISK-IMAGE\n");
}

enum {
    OPT_OUTPUT = 256,
    OPT_FORMAT,
    OPT_DIR,
    OPT_ENTRY,
    OPT_KERNEL,
    OPT_RAMDISK,
    OPT_ARGS,
    OPT_DEFAULT_ARGS,
    OPT_EXTRA_ARGS,
    OPT_OFFSET,
    OPT_RUNAS,
    OPT_ISCONFIG,
    OPT_DEBUG,
    OPT_VM,
};

static const struct option long_options[] = {
    {"quiet", no_argument, NULL, 'q'},
    {"interactive", no_argument, NULL, 'i'},
    {"list-entries", no_argument, NULL, 'l'},
    {"not-really", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"output-format", required_argument, NULL, OPT_FORMAT},
    {"output-directory", required_argument, NULL, OPT_DIR},
    {"entry", required_argument, NULL, OPT_ENTRY},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"ramdisk", required_argument, NULL, OPT_RAMDISK},
    {"args", required_argument, NULL, OPT_ARGS},
    {"default_args", required_argument, NULL, OPT_DEFAULT_ARGS},
    {"extra_args", required_argument, NULL, OPT_EXTRA_ARGS},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"runas", required_argument, NULL, OPT_RUNAS},
    {"isconfig", no_argument, NULL, OPT_ISCONFIG},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"vm", required_argument, NULL, OPT_VM},
    {NULL, 0, NULL, 0},
};

/* 0, or 2 for a usage error (reported), or -1 for --help. */
static int parse_options(int argc, char **argv, struct options *o)
{
    int c;

    memset(o, 0, sizeof(*o));
    o->format = PYGRUB_SXP;
    o->output_dir = DEFAULT_OUTPUT_DIR;
    o->runas = -1;
    while ((c = getopt_long(argc, argv, "qilnh", long_options, NULL)) != -1) {
        char *end;

        switch (c) {
        case 'q':
            o->quiet = true;
            o->interactive = false;
            break;
        case 'i':
            o->interactive = true;
            break;
        case 'l':
            o->list = true;
            break;
        case 'n':
            o->not_really = true;
            break;
        case 'h':
            usage(stdout);
            return -1;
        case OPT_OUTPUT:
            o->output = strcmp(optarg, "-") == 0 ? NULL : optarg;
            break;
        case OPT_FORMAT:
            if (pygrub_format_parse(optarg, &o->format) < 0) {
                msg("unknown output format \"%s\" (sxp, simple or simple0)", optarg);
                return 2;
            }
            break;
        case OPT_DIR:
            o->output_dir = optarg;
            break;
        case OPT_ENTRY:
            o->entry = optarg;
            o->interactive = false;
            break;
        case OPT_KERNEL:
            o->kernel = optarg;
            break;
        case OPT_RAMDISK:
            o->ramdisk = optarg;
            break;
        case OPT_ARGS:
            o->args = optarg;
            break;
        case OPT_DEFAULT_ARGS:
            o->default_args = optarg;
            break;
        case OPT_EXTRA_ARGS:
            o->extra_args = optarg;
            break;
        case OPT_OFFSET:
            errno = 0;
            o->offset = strtoull(optarg, &end, 0);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                msg("--offset: \"%s\" is not a byte offset", optarg);
                return 2;
            }
            o->have_offset = true;
            break;
        case OPT_RUNAS:
            errno = 0;
            o->runas = strtol(optarg, &end, 10);
            if (errno || *end || !*optarg || o->runas <= 0) {
                msg("--runas: \"%s\" is not a non-root user id", optarg);
                return 2;
            }
            break;
        case OPT_ISCONFIG:
            o->isconfig = true;
            break;
        case OPT_DEBUG:
            o->debug = true;
            break;
        case OPT_VM:
            break; /* accepted for compatibility, unused */
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        msg(optind >= argc ? "no disk image given" : "more than one disk image given");
        usage(stderr);
        return 2;
    }
    o->disk = argv[optind];
    return 0;
}

static void choice_free(struct choice *ch)
{
    free(ch->title);
    free(ch->kernel);
    free(ch->ramdisk);
    for (char **p = ch->more; p && *p; p++)
        free(*p);
    free(ch->more);
    free(ch->args);
    memset(ch, 0, sizeof(*ch));
}

/* BASE, then " "-joined EXTRA when non-empty. */
static char *join_args(const char *base, const char *extra)
{
    size_t n;
    char *s;

    if (!base)
        base = "";
    if (!extra || !*extra)
        return strdup(base);
    if (!*base)
        return strdup(extra);
    n = strlen(base) + strlen(extra) + 2;
    s = malloc(n);
    if (s)
        snprintf(s, n, "%s %s", base, extra);
    return s;
}

/* The arguments rules: entry's (or --args with --kernel), else --default_args, then extras. */
static int compose(const struct options *o, const struct bootcfg_entry *e, struct choice *ch)
{
    char *base, *args;

    if (e) {
        base = join_args(e->args, o->args);
    } else {
        base = strdup(o->args ? o->args : "");
    }
    if (!base)
        return -ENOMEM;
    if (!*base && o->default_args) {
        free(base);
        base = strdup(o->default_args);
        if (!base)
            return -ENOMEM;
    }
    args = join_args(base, o->extra_args);
    free(base);
    if (!args)
        return -ENOMEM;
    ch->args = args;
    ch->title = strdup(e ? e->title : "(--kernel)");
    ch->kernel = strdup(e ? e->kernel : o->kernel);
    if (o->ramdisk)
        ch->ramdisk = strdup(o->ramdisk);
    else if (e && e->initrd)
        ch->ramdisk = strdup(e->initrd);
    if (!ch->title || !ch->kernel || ((o->ramdisk || (e && e->initrd)) && !ch->ramdisk))
        return -ENOMEM;
    if (!o->ramdisk && e && e->initrds && e->initrds[0]) {
        size_t n = 0;

        while (e->initrds[n + 1])
            n++;
        ch->more = calloc(n + 1, sizeof(*ch->more));
        if (!ch->more)
            return -ENOMEM;
        for (size_t i = 0; i < n; i++)
            if (!(ch->more[i] = strdup(e->initrds[i + 1])))
                return -ENOMEM;
    }
    return 0;
}

static void list_entries(const struct bootcfg *cfg)
{
    for (unsigned i = 0; i < cfg->n_entries; i++) {
        const struct bootcfg_entry *e = &cfg->entries[i];

        printf("title: %s%s\n", e->title, (int)i == cfg->default_index ? " (default)" : "");
        printf("  kernel: %s\n", e->kernel ? e->kernel : "(none)");
        if (e->initrds)
            for (char **p = e->initrds; *p; p++)
                printf("  initrd: %s\n", *p);
        else
            printf("  initrd: %s\n", e->initrd ? e->initrd : "(none)");
        printf("  args: %s\n", e->args);
    }
}

/* The entry --entry names, or the default; -1 (reported) if it boots nothing. */
static int pick_entry(const struct options *o, const struct bootcfg *cfg, const char *where)
{
    int idx = cfg->default_index;

    if (o->entry) {
        int sel = bootcfg_find_entry(cfg, o->entry);

        if (sel < 0)
            msg("%s: no entry \"%s\" in %s; booting the default entry", o->disk, o->entry, where);
        else
            idx = sel;
    }
    if (!cfg->entries[idx].kernel) {
        msg("%s: entry \"%s\" in %s boots no Linux kernel", o->disk, cfg->entries[idx].title,
            where);
        return -1;
    }
    return idx;
}

/* --isconfig: FILE is a configuration on the host; print the choice. */
static int host_reader(void *ctx, const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    (void)ctx;
    if (!f)
        return -errno;
    buf = malloc(BOOTCFG_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return -ENOMEM;
    }
    n = fread(buf, 1, BOOTCFG_MAX_FILE + 1, f);
    fclose(f);
    if (n > BOOTCFG_MAX_FILE) {
        free(buf);
        return -EFBIG;
    }
    *data = buf;
    *len = n;
    return 0;
}

static int run_isconfig(const struct options *o)
{
    struct bootcfg_reader reader = {host_reader, NULL};
    struct bootcfg cfg;
    struct choice ch = {0};
    char err[512], *data = NULL, *full;
    size_t len;
    int rc, idx;

    full = realpath(o->disk, NULL);
    if (!full || (rc = host_reader(NULL, full, &data, &len)) < 0) {
        msg("%s: %s", o->disk, strerror(full ? -rc : errno));
        free(full);
        return 1;
    }
    data[len] = '\0';
    rc = bootcfg_parse(bootsearch_kind_of(full, data), full, data, len, &reader, &cfg, err,
                       sizeof(err));
    free(data);
    free(full);
    if (rc < 0) {
        msg("%s", err);
        return 1;
    }
    if (o->list)
        list_entries(&cfg);
    idx = pick_entry(o, &cfg, o->disk);
    rc = 1;
    if (idx >= 0 && compose(o, &cfg.entries[idx], &ch) == 0) {
        printf("  title: %s\n  kernel: %s\n", ch.title, ch.kernel);
        if (ch.ramdisk)
            printf("  initrd: %s\n", ch.ramdisk);
        for (char **m = ch.more; m && *m; m++)
            printf("  initrd: %s\n", *m);
        printf("  args: %s\n", ch.args);
        rc = 0;
    }
    choice_free(&ch);
    bootcfg_free(&cfg);
    return rc;
}

/*
 * Finds the boot on the disk: the first region whose filesystem opens and
 * holds a configuration (or, with --kernel, the kernel).  On success *FS
 * is open and CH filled.  Failures are reported per region.
 */
static int find_boot(const struct options *o, int fd, uint64_t disk_size, struct extfs **fsp,
                     struct choice *ch)
{
    struct part_table t;
    char err[512], why[1024] = "";
    int rc;

    *fsp = NULL;
    if (o->have_offset) {
        memset(&t, 0, sizeof(t));
        t.scheme = "--offset";
        t.parts[0] = (struct part_region){0, o->offset, disk_size, false};
        t.n = 1;
    } else {
        rc = part_scan(fd, disk_size, &t, err, sizeof(err));
        if (rc < 0) {
            msg("%s: bad partition table: %s", o->disk, err);
            return rc;
        }
        if (t.n == 0) {
            msg("%s: %s partition table with no usable partition (%u entries outside the disk "
                "or empty)",
                o->disk, t.scheme, t.skipped);
            return -ENOENT;
        }
    }
    for (unsigned i = 0; i < t.n; i++) {
        const struct part_region *r = &t.parts[i];
        struct bootcfg cfg;
        struct extfs *fs;
        const char *found;
        char where[64], *k;
        size_t wl = strlen(why);

        if (r->number)
            snprintf(where, sizeof(where), "partition %u", r->number);
        else if (o->have_offset)
            snprintf(where, sizeof(where), "offset %llu", o->offset);
        else
            snprintf(where, sizeof(where), "whole disk");
        if (o->debug)
            msg("%s: trying %s (%s, offset %llu)", o->disk, where, t.scheme,
                (unsigned long long)r->offset);
        rc = extfs_open(fd, r->offset, &fs, err, sizeof(err));
        if (rc < 0) {
            snprintf(why + wl, sizeof(why) - wl, "%s%s: %s", wl ? "; " : "", where, err);
            continue;
        }
        if (o->kernel) {
            k = bootsearch_file(fs, o->kernel, &rc);
            free(k);
            if (!k) {
                snprintf(why + wl, sizeof(why) - wl, "%s%s: --kernel %s: %s", wl ? "; " : "", where,
                         o->kernel, strerror(-rc));
                extfs_close(fs);
                continue;
            }
            rc = compose(o, NULL, ch);
        } else {
            rc = bootsearch_config(fs, &cfg, &found, err, sizeof(err));
            if (rc < 0) {
                snprintf(why + wl, sizeof(why) - wl, "%s%s: %s", wl ? "; " : "", where, err);
                extfs_close(fs);
                continue;
            }
            if (o->list) {
                printf("%s (%s):\n", found, where);
                list_entries(&cfg);
            }
            int idx = pick_entry(o, &cfg, found);

            rc = idx < 0 ? -ENOENT : compose(o, &cfg.entries[idx], ch);
            bootcfg_free(&cfg);
        }
        if (rc < 0) {
            extfs_close(fs);
            return rc;
        }
        if (!o->quiet)
            msg("%s: booting \"%s\" from %s", o->disk, ch->title, where);
        *fsp = fs;
        return 0;
    }
    msg("%s: no bootable filesystem (%s): %s", o->disk, t.scheme, why);
    return -ENOENT;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* mkdir -p with mode 0700 for what is missing. */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);

    if (n == 0 || n >= sizeof(path))
        return -ENAMETOOLONG;
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
            return -errno;
        path[i] = i == n ? '\0' : '/';
    }
    return 0;
}

/* Copies guest file PATH (or its /boot-less form) into DST_FD. */
static int copy_out(const struct options *o, struct extfs *fs, const char *what, const char *path,
                    uint64_t max, int dst_fd)
{
    char err[512], *real;
    int rc;

    real = bootsearch_file(fs, path, &rc);
    if (!real) {
        msg("%s: %s %s: %s", o->disk, what, path,
            rc == -ELOOP ? "too many levels of symbolic links" : strerror(-rc));
        return rc;
    }
    rc = extfs_copy(fs, real, max, dst_fd, err, sizeof(err));
    if (rc < 0)
        msg("%s: %s %s", o->disk, what, err);
    free(real);
    return rc;
}

/* boot()'s results: success with a ramdisk written, without one, failure. */
enum { BOOT_OK = 0, BOOT_FAILED = 1, BOOT_OK_NO_RAMDISK = 10 };

/*
 * The work after privileges are settled: find, copy into KERNEL_FD and
 * RAMDISK_FD (opened by the caller; -1 with --not-really), report.
 */
static int boot(const struct options *o, int disk_fd, uint64_t disk_size, int out_fd, int kernel_fd,
                int ramdisk_fd)
{
    struct extfs *fs = NULL;
    struct choice ch = {0};
    char err[256], *text = NULL, kname[4200], rname[4200];
    const char *kernel, *ramdisk = NULL;
    size_t len;
    int rc;

    rc = find_boot(o, disk_fd, disk_size, &fs, &ch);
    if (rc < 0)
        goto out;
    if (o->list)
        goto out;
    if (o->not_really) {
        char *k = bootsearch_file(fs, ch.kernel, &rc), *r = NULL;

        if (k && ch.ramdisk)
            r = bootsearch_file(fs, ch.ramdisk, &rc);
        for (char **m = ch.more; k && r && m && *m; m++) {
            char *x = bootsearch_file(fs, *m, &rc);

            if (!x) {
                msg("%s: ramdisk %s does not exist (%s)", o->disk, *m, strerror(-rc));
                free(k);
                free(r);
                rc = -ENOENT;
                goto out;
            }
            free(x);
        }
        if (!k || (ch.ramdisk && !r)) {
            msg("%s: %s %s does not exist (%s)", o->disk, k ? "ramdisk" : "kernel",
                k ? ch.ramdisk : ch.kernel, strerror(-rc));
            free(k);
            rc = -ENOENT;
            goto out;
        }
        snprintf(kname, sizeof(kname), "<kernel:%s>", k);
        if (r)
            snprintf(rname, sizeof(rname), "<ramdisk:%s>", r);
        free(k);
        free(r);
    } else {
        snprintf(kname, sizeof(kname), "%s", tmp_kernel);
        snprintf(rname, sizeof(rname), "%s", tmp_ramdisk);
        rc = copy_out(o, fs, "kernel", ch.kernel, MAX_KERNEL, kernel_fd);
        if (rc < 0)
            goto out;
        if (ch.ramdisk) {
            rc = copy_out(o, fs, "ramdisk", ch.ramdisk, MAX_RAMDISK, ramdisk_fd);
            /* further initrds follow it in the same file, as GRUB loads them */
            for (char **m = ch.more; rc == 0 && m && *m; m++) {
                off_t used = lseek(ramdisk_fd, 0, SEEK_CUR);

                rc = used < 0
                         ? -errno
                         : copy_out(o, fs, "ramdisk", *m, MAX_RAMDISK - (uint64_t)used, ramdisk_fd);
            }
            if (rc < 0)
                goto out;
        }
    }
    kernel = kname;
    if (ch.ramdisk)
        ramdisk = rname;
    text = pygrub_format_output(o->format, kernel, ramdisk, ch.args, &len, err, sizeof(err));
    if (!text) {
        msg("%s: %s", o->disk, err);
        rc = -EINVAL;
        goto out;
    }
    rc = write_all(out_fd, text, len);
    if (rc < 0)
        msg("%s: writing the result to %s: %s", o->disk, o->output ? o->output : "stdout",
            strerror(-rc));
out:
    free(text);
    extfs_close(fs);
    if (rc < 0) {
        choice_free(&ch);
        return BOOT_FAILED;
    }
    rc = ch.ramdisk ? BOOT_OK : BOOT_OK_NO_RAMDISK;
    choice_free(&ch);
    return rc;
}

/*
 * --runas: the disk is read in a child running as UID (no supplementary
 * groups), writing through descriptors the parent opened; the parent
 * stays root to clean up.
 */
static int boot_as(const struct options *o, int disk_fd, uint64_t disk_size, int out_fd,
                   int kernel_fd, int ramdisk_fd)
{
    uid_t uid = (uid_t)o->runas;
    gid_t gid = (gid_t)o->runas;
    struct passwd *pw = getpwuid(uid);
    int status;
    pid_t pid;

    if (pw)
        gid = pw->pw_gid;
    pid = fork();
    if (pid < 0) {
        msg("fork: %s", strerror(errno));
        return BOOT_FAILED;
    }
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL); /* the parent cleans up */
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
            setresuid(uid, uid, uid) < 0) {
            msg("%s: --runas=%ld: cannot drop privileges: %s", o->disk, o->runas, strerror(errno));
            _exit(BOOT_FAILED);
        }
        _exit(boot(o, disk_fd, disk_size, out_fd, kernel_fd, ramdisk_fd));
    }
    worker_pid = pid;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            worker_pid = 0;
            return BOOT_FAILED;
        }
    }
    worker_pid = 0;
    if (!WIFEXITED(status))
        return BOOT_FAILED;
    return WEXITSTATUS(status) == BOOT_OK_NO_RAMDISK ? BOOT_OK_NO_RAMDISK
           : WEXITSTATUS(status) == BOOT_OK          ? BOOT_OK
                                                     : BOOT_FAILED;
}

/* The private directory and its two files, opened before any privilege drop. */
static int make_temporaries(const struct options *o, int *kernel_fd, int *ramdisk_fd)
{
    int r = make_dirs(o->output_dir);

    if (r == 0 && (size_t)snprintf(tmp_dir, sizeof(tmp_dir), "%s/" PROG ".XXXXXX", o->output_dir) >=
                      sizeof(tmp_dir))
        r = -ENAMETOOLONG;
    if (r == 0 && !mkdtemp(tmp_dir))
        r = -errno;
    if (r < 0) {
        msg("%s: cannot make a directory in %s: %s", o->disk, o->output_dir, strerror(-r));
        tmp_dir[0] = '\0';
        return r;
    }
    snprintf(tmp_kernel, sizeof(tmp_kernel), "%s/kernel", tmp_dir);
    snprintf(tmp_ramdisk, sizeof(tmp_ramdisk), "%s/ramdisk", tmp_dir);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    *kernel_fd = open(tmp_kernel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    *ramdisk_fd = open(tmp_ramdisk, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (*kernel_fd < 0 || *ramdisk_fd < 0) {
        r = -errno;
        msg("%s: cannot create files in %s: %s", o->disk, tmp_dir, strerror(errno));
        return r;
    }
    return 0;
}

static int open_disk(const char *disk, uint64_t *size)
{
    struct stat st;
    off_t end;
    int fd = open(disk, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        msg("%s: cannot open the disk image: %s", disk, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
        msg("%s: not a regular file or block device", disk);
        close(fd);
        return -1;
    }
    end = lseek(fd, 0, SEEK_END);
    if (end <= 0) {
        msg("%s: empty disk image", disk);
        close(fd);
        return -1;
    }
    *size = (uint64_t)end;
    return fd;
}

int main(int argc, char **argv)
{
    struct options o;
    uint64_t disk_size = 0;
    int disk_fd = -1, out_fd = STDOUT_FILENO, kernel_fd = -1, ramdisk_fd = -1, rc;

    rc = parse_options(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.interactive && !o.quiet)
        msg("no interactive menu; booting the default entry");
    if (o.isconfig)
        return run_isconfig(&o);
    if (o.runas > 0 && geteuid() != 0) {
        msg("--runas needs to start as root");
        return 1;
    }
    disk_fd = open_disk(o.disk, &disk_size);
    if (disk_fd < 0)
        return 1;
    if (o.output && !o.list) {
        out_fd = open(o.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out_fd < 0) {
            msg("%s: cannot open the output file %s: %s", o.disk, o.output, strerror(errno));
            close(disk_fd);
            return 1;
        }
    }
    if (!o.not_really && !o.list && make_temporaries(&o, &kernel_fd, &ramdisk_fd) < 0) {
        rc = 1;
        goto out;
    }
    rc = o.runas > 0 ? boot_as(&o, disk_fd, disk_size, out_fd, kernel_fd, ramdisk_fd)
                     : boot(&o, disk_fd, disk_size, out_fd, kernel_fd, ramdisk_fd);
    if (kernel_fd >= 0 && close(kernel_fd) < 0 && rc != BOOT_FAILED) {
        msg("%s: writing %s: %s", o.disk, tmp_kernel, strerror(errno));
        rc = BOOT_FAILED;
    }
    if (ramdisk_fd >= 0 && close(ramdisk_fd) < 0 && rc == BOOT_OK) {
        msg("%s: writing %s: %s", o.disk, tmp_ramdisk, strerror(errno));
        rc = BOOT_FAILED;
    }
    kernel_fd = ramdisk_fd = -1;
    if (rc == BOOT_OK_NO_RAMDISK) {
        if (tmp_ramdisk[0])
            unlink(tmp_ramdisk);
        tmp_ramdisk[0] = '\0';
        rc = BOOT_OK;
    }
out:
    if (kernel_fd >= 0)
        close(kernel_fd);
    if (ramdisk_fd >= 0)
        close(ramdisk_fd);
    if (rc != 0)
        remove_temporaries();
    if (out_fd != STDOUT_FILENO && close(out_fd) < 0 && rc == 0) {
        msg("%s: writing %s: %s", o.disk, o.output, strerror(errno));
        remove_temporaries();
        rc = 1;
    }
    close(disk_fd);
    return rc;
}
