/*
 * extfs.h: read-only access to an ext2/3/4 filesystem at an offset inside
 * a disk image, through libext2fs: open, read a small file, copy a file
 * out with a size cap.  Paths are absolute; symlinks are followed (at most
 * libext2fs's nesting limit, 8 links).
 */
#ifndef EXTFS_H
#define EXTFS_H

#include <stddef.h>
#include <stdint.h>

struct extfs;

/* Opens the filesystem at byte OFFSET of the image open on FD. */
int extfs_open(int fd, uint64_t offset, struct extfs **out, char *err, size_t errlen);
void extfs_close(struct extfs *fs);

/*
 * Reads PATH whole into a malloc'd buffer (NUL-terminated, not counted in
 * *LEN) if it is a regular file of at most MAX bytes.  Returns 0, -ENOENT,
 * -ELOOP (symlink loop), -EISDIR/-EINVAL (not a regular file), -EFBIG, -EIO.
 */
int extfs_read_file(struct extfs *fs, const char *path, size_t max, char **data, size_t *len);

/* 0 when PATH is a regular file (its size in *SIZE), else as above. */
int extfs_stat(struct extfs *fs, const char *path, uint64_t *size);

/*
 * Copies PATH into OUTFD if it is a regular file of at most MAX bytes.
 * Returns 0 or a negative errno with the reason in ERR.
 */
int extfs_copy(struct extfs *fs, const char *path, uint64_t max, int outfd, char *err,
               size_t errlen);

#endif
