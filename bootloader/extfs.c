/*
 * extfs.c: ext2/3/4 access through libext2fs, read-only, on the image's
 * file descriptor (unixfd io manager) at a byte offset (the io channel's
 * "offset=" option).  Sizes come from a hostile inode: they are checked
 * against the caller's cap before anything is read, and a file is never
 * read past its recorded size or the cap.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2_err.h>
#include <ext2fs/ext2fs.h>

#include "extfs.h"

#define EXTFS_CHUNK (64u * 1024u)

static bool error_table_ready;

struct extfs {
    ext2_filsys fs;
};

int extfs_open(int fd, uint64_t offset, struct extfs **out, char *err, size_t errlen)
{
    char name[32], opts[48];
    struct extfs *x;
    errcode_t e;
    int dfd;

    *out = NULL;
    if (!error_table_ready) {
        initialize_ext2_error_table();
        error_table_ready = true;
    }
    x = calloc(1, sizeof(*x));
    if (!x)
        return -ENOMEM;
    /* The io channel closes the descriptor it is given, even on failure. */
    dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dfd < 0) {
        snprintf(err, errlen, "dup: %s", strerror(errno));
        free(x);
        return -errno;
    }
    snprintf(name, sizeof(name), "%d", dfd);
    snprintf(opts, sizeof(opts), "offset=%" PRIu64, offset);
    e = ext2fs_open2(name, opts, EXT2_FLAG_64BITS, 0, 0, unixfd_io_manager, &x->fs);
    if (e) {
        if (fcntl(dfd, F_GETFD) >= 0)
            close(dfd); /* not taken over by a channel */
        snprintf(err, errlen, "not an ext2/3/4 filesystem: %s", error_message(e));
        free(x);
        return -EINVAL;
    }
    *out = x;
    return 0;
}

void extfs_close(struct extfs *x)
{
    if (!x)
        return;
    ext2fs_close_free(&x->fs);
    free(x);
}

static int errcode_to_errno(errcode_t e)
{
    if (e == EXT2_ET_FILE_NOT_FOUND)
        return -ENOENT;
    if (e == EXT2_ET_SYMLINK_LOOP)
        return -ELOOP;
    if (e == EXT2_ET_NO_DIRECTORY)
        return -ENOTDIR;
    if (e > 0 && e < 4096)
        return -(int)e; /* a plain errno from the io layer */
    return -EIO;
}

/* Finds PATH, following symlinks; a regular file's inode and size. */
static int lookup(struct extfs *x, const char *path, ext2_ino_t *ino, uint64_t *size)
{
    struct ext2_inode inode;
    errcode_t e;

    if (path[0] != '/')
        return -ENOENT;
    e = ext2fs_namei_follow(x->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino);
    if (e)
        return errcode_to_errno(e);
    e = ext2fs_read_inode(x->fs, *ino, &inode);
    if (e)
        return errcode_to_errno(e);
    if (LINUX_S_ISDIR(inode.i_mode))
        return -EISDIR;
    if (!LINUX_S_ISREG(inode.i_mode))
        return -EINVAL;
    *size = EXT2_I_SIZE(&inode);
    return 0;
}

int extfs_stat(struct extfs *x, const char *path, uint64_t *size)
{
    ext2_ino_t ino;

    return lookup(x, path, &ino, size);
}

/* Reads up to SIZE bytes of INO, calling SINK for each chunk. */
static int read_inode_data(struct extfs *x, ext2_ino_t ino, uint64_t size,
                           int (*sink)(void *ctx, const void *buf, size_t n), void *ctx)
{
    ext2_file_t f;
    char *buf;
    uint64_t done = 0;
    errcode_t e;
    int rc = 0;

    buf = malloc(EXTFS_CHUNK);
    if (!buf)
        return -ENOMEM;
    e = ext2fs_file_open(x->fs, ino, 0, &f);
    if (e) {
        free(buf);
        return errcode_to_errno(e);
    }
    while (done < size) {
        unsigned int want = (unsigned int)(size - done < EXTFS_CHUNK ? size - done : EXTFS_CHUNK);
        unsigned int got = 0;

        e = ext2fs_file_read(f, buf, want, &got);
        if (e) {
            rc = errcode_to_errno(e);
            break;
        }
        if (got == 0) {
            rc = -EIO; /* shorter than its inode says */
            break;
        }
        rc = sink(ctx, buf, got);
        if (rc < 0)
            break;
        done += got;
    }
    ext2fs_file_close(f);
    free(buf);
    return rc;
}

struct membuf {
    char *data;
    size_t len;
};

static int mem_sink(void *ctx, const void *buf, size_t n)
{
    struct membuf *m = ctx;

    memcpy(m->data + m->len, buf, n);
    m->len += n;
    return 0;
}

int extfs_read_file(struct extfs *x, const char *path, size_t max, char **data, size_t *len)
{
    struct membuf m = {NULL, 0};
    ext2_ino_t ino;
    uint64_t size;
    int rc;

    *data = NULL;
    *len = 0;
    rc = lookup(x, path, &ino, &size);
    if (rc < 0)
        return rc;
    if (size > max)
        return -EFBIG;
    m.data = malloc((size_t)size + 1);
    if (!m.data)
        return -ENOMEM;
    rc = read_inode_data(x, ino, size, mem_sink, &m);
    if (rc < 0) {
        free(m.data);
        return rc;
    }
    m.data[m.len] = '\0';
    *data = m.data;
    *len = m.len;
    return 0;
}

static int fd_sink(void *ctx, const void *buf, size_t n)
{
    int fd = *(int *)ctx;
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int extfs_copy(struct extfs *x, const char *path, uint64_t max, int outfd, char *err, size_t errlen)
{
    ext2_ino_t ino;
    uint64_t size;
    int rc;

    rc = lookup(x, path, &ino, &size);
    if (rc == -ELOOP) {
        snprintf(err, errlen, "%s: too many levels of symbolic links", path);
        return rc;
    }
    if (rc == -EISDIR || rc == -EINVAL) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return rc;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        return rc;
    }
    if (size > max) {
        snprintf(err, errlen, "%s: %" PRIu64 " bytes, more than the limit of %" PRIu64 " MiB", path,
                 size, max >> 20);
        return -EFBIG;
    }
    rc = read_inode_data(x, ino, size, fd_sink, &outfd);
    if (rc < 0)
        snprintf(err, errlen, "%s: reading: %s", path, strerror(-rc));
    return rc;
}
