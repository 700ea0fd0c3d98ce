/*
 * xenstore_glue.h: the xenstore service wired into xenhv: its socket in
 * the run directory, guest rings mapped from domain memory, its event
 * channels, and releasing a domain when it is destroyed.
 */
#ifndef XENHV_XENSTORE_GLUE_H
#define XENHV_XENSTORE_GLUE_H

struct domain;

int xenstore_glue_start(const char *socket_path);
void xenstore_glue_stop(void);

/* d was unlinked under hv_lock (held by the caller): release it from the
 * xenstore service (hv_lock is dropped meanwhile) and free it. */
void xenhv_domain_destroyed(struct domain *d);

#endif
