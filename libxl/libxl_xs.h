/*
 * libxl_xs.h: libxl's xenstore client (internal): the XenStore wire
 * protocol over the daemon's Unix socket.  One request at a time per
 * connection (a lock serialises them); watch events that arrive while a
 * reply is awaited are queued for libxl__xs_read_watch.
 *
 * Errors: 0, or a negative errno (-ENOENT for a missing node, -EAGAIN for
 * a transaction that must be retried, ...).
 */
#ifndef LIBXL_XS_H
#define LIBXL_XS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct libxl__xs libxl__xs;
typedef uint32_t libxl__xs_tx; /* 0: no transaction */

int libxl__xs_open(const char *socket_path, libxl__xs **out);
void libxl__xs_close(libxl__xs *xs);
int libxl__xs_fd(const libxl__xs *xs);

/* *val: malloc'd, NUL-terminated. */
int libxl__xs_read(libxl__xs *xs, libxl__xs_tx tx, const char *path, char **val);
int libxl__xs_write(libxl__xs *xs, libxl__xs_tx tx, const char *path, const char *val);
int libxl__xs_printf(libxl__xs *xs, libxl__xs_tx tx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int libxl__xs_mkdir(libxl__xs *xs, libxl__xs_tx tx, const char *path);
int libxl__xs_rm(libxl__xs *xs, libxl__xs_tx tx, const char *path);
/* *names: a malloc'd NULL-terminated array of malloc'd names. */
int libxl__xs_directory(libxl__xs *xs, libxl__xs_tx tx, const char *path, char ***names,
                        unsigned *n);
void libxl__xs_free_list(char **names);
/* An empty node owned by domain owner (no access for others), readable
 * by domain reader too unless reader is negative. */
int libxl__xs_mknod(libxl__xs *xs, libxl__xs_tx tx, const char *path, unsigned owner, int reader);
/* perms: "n0", "r5", ... (owner and default first), count entries. */
int libxl__xs_set_perms(libxl__xs *xs, libxl__xs_tx tx, const char *path, const char *const *perms,
                        unsigned count);

/* A batch: from begin to end, the calling thread's requests that return
 * nothing (write, printf, mkdir, rm, set_perms, transaction end) are
 * queued and return 0; end sends them at once (one round trip instead of
 * one each) and returns the first error of any of them.  Other threads'
 * requests go as usual. */
void libxl__xs_batch_begin(libxl__xs *xs);
int libxl__xs_batch_end(libxl__xs *xs);

int libxl__xs_transaction_start(libxl__xs *xs, libxl__xs_tx *tx);
/* abort: discard.  -EAGAIN: conflict, start again. */
int libxl__xs_transaction_end(libxl__xs *xs, libxl__xs_tx tx, bool abort);

int libxl__xs_watch(libxl__xs *xs, const char *path, const char *token);
int libxl__xs_unwatch(libxl__xs *xs, const char *path, const char *token);
/* A queued or arriving watch event; block: wait for one.  -EAGAIN when
 * none is there and !block. */
int libxl__xs_read_watch(libxl__xs *xs, bool block, char **path, char **token);

int libxl__xs_introduce(libxl__xs *xs, uint32_t domid, uint64_t store_gfn, uint32_t port);
int libxl__xs_release(libxl__xs *xs, uint32_t domid);

#endif
