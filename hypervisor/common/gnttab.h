/*
 * gnttab.h: a domain's grant table, as far as the toolstack sets it up:
 * version, frame limit and the table frames themselves (special frames
 * of the domain's memfd, mappable by the toolstack to seed entries).
 */
#ifndef XENHV_GNTTAB_H
#define XENHV_GNTTAB_H

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

long do_grant_table_op(struct hc_caller *c, const uint64_t args[5]);

#endif
