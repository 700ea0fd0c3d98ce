/*
 * xenstore_glue.h: the xenstore service wired into xenhv: its socket in
 * the run directory, guest rings mapped from domain memory, its event
 * channels, and releasing a domain when it is destroyed.
 */
#ifndef XENHV_XENSTORE_GLUE_H
#define XENHV_XENSTORE_GLUE_H

#include <stddef.h>

struct domain;

int xenstore_glue_start(const char *socket_path);
void xenstore_glue_stop(void);

/* Forget a destroyed domain (called without hv_lock): the service
 * releases it (firing @releaseDomain) and dom0's end of its xenstore
 * event channel is closed. */
void xenstore_glue_release(unsigned domid);

/* A domain shut down or crashed: fire @releaseDomain (any thread, any
 * lock: the service calls nothing back). */
void xenstore_glue_domain_exception(void);
/* Write or read a node as dom0 from inside the daemon (console backend).
 * Safe under hv_lock (no callback runs).  0 or -errno. */
int xenstore_glue_write(const char *path, const char *value);
int xenstore_glue_read(const char *path, char *value, size_t max);
/* The names below path, each NUL-terminated, into buf: their total
 * length, or -errno (-EINVAL when path does not exist). */
int xenstore_glue_directory(const char *path, char *buf, size_t max);
/* Remove path and what is below it (0 if it was not there). */
int xenstore_glue_rm(const char *path);

#endif
