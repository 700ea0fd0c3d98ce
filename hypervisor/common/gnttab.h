/*
 * gnttab.h: a domain's grant table, as far as the toolstack sets it up:
 * version, frame limit and the table frames themselves (special frames
 * of the domain's memfd, mappable by the toolstack to seed entries).
 */
#ifndef XENHV_GNTTAB_H
#define XENHV_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct hc_caller;

struct gnttab {
    unsigned version;     /* 1 (default) or 2 */
    unsigned max_version; /* from createdomain grant_opts */
    unsigned nr_frames;   /* frames set up so far */
    unsigned max_frames;  /* from createdomain */
    uint64_t frames[64];  /* their machine frame numbers */
};

int gnttab_init(struct domain *d, int max_frames, unsigned max_version);
/* Grow d's table to nr frames; -EINVAL past max_frames. */
int gnttab_grow(struct domain *d, unsigned nr);

/*
 * The guest frame that d granted to grantee through ref, for a backend
 * inside the daemon to read (or also write, when write) as Xen's
 * map/copy checks it: a full-page permit_access entry naming grantee, not
 * read-only when writing, for a frame d owns and has populated.  hv_lock
 * held; the entry is read once.  -EINVAL for a ref past the table,
 * -EACCES when the entry does not grant it.
 */
int gnttab_granted_frame(struct domain *d, uint32_t ref, uint16_t grantee, bool write,
                         uint64_t *gfn);

long do_grant_table_op(struct hc_caller *c, const uint64_t args[5]);

#endif
