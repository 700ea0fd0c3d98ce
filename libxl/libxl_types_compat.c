/*
 * libxl_types_compat.c: the deprecated-alias rules of the IDL types.  A
 * field marked deprecated_by=NEW (in the struct itself or in a member of
 * its keyed union, e.g. u.pv.kernel -> kernel) is an old spelling of NEW:
 *   - only the old one set: its value moves to NEW;
 *   - both set, equal: the old one is dropped;
 *   - both set, different: ERROR_INVAL with a message naming both.
 * Driven by the type tables, so every deprecated_by field of the IDL gets
 * the same rules from the C API and from JSON.
 */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_libxl_types_desc.h"
#include "libxl.h"
#include "libxl_types_desc.h"
#include "libxl_types_internal.h"

static const libxl__field_desc *field_named(const libxl__type_desc *d, const char *name)
{
    for (size_t i = 0; i < d->nfields; i++)
        if (!strcmp(d->fields[i].name, name))
            return &d->fields[i];
    return NULL;
}

/* Back to the field's default. */
static void reset_value(const libxl__field_desc *f, void *p)
{
    libxl__obj_dispose(f->type, p);
    libxl__obj_init(f->type, p);
    if (f->has_init && libxl__kind_is_integer(f->type->kind))
        libxl__int_set(f->type->kind, p, f->init);
}

static int apply_alias(const libxl__field_desc *oldf, void *oldp, const libxl__field_desc *newf,
                       void *newp, const char *oldname, const char *newname, char **msg_r)
{
    int rc;

    if (libxl__value_is_default(oldf->type, oldp, oldf->has_init, oldf->init))
        return 0;
    if (libxl__value_is_default(newf->type, newp, newf->has_init, newf->init)) {
        libxl__obj_dispose(newf->type, newp);
        rc = libxl__obj_copy(newf->type, newp, oldp);
        if (rc)
            return rc;
    } else if (!libxl__obj_equal(newf->type, oldp, newp)) {
        if (msg_r && asprintf(msg_r,
                              "%s (deprecated) and %s are both set, to different values; "
                              "set only %s",
                              oldname, newname, newname) < 0)
            *msg_r = NULL;
        return ERROR_INVAL;
    }
    reset_value(oldf, oldp);
    return 0;
}

int libxl__obj_resolve_deprecated(const libxl__type_desc *d, void *p, const char *prefix, bool json,
                                  char **msg_r)
{
    char *base = p;
    char oldname[256], newname[256];
    const char *pre = prefix && *prefix ? prefix : "";
    const char *dot = *pre ? "." : "";

    if (msg_r)
        *msg_r = NULL;
    for (size_t i = 0; i < d->nfields; i++) {
        const libxl__field_desc *f = &d->fields[i];
        const libxl__union_member *m;
        const libxl__type_desc *mt;
        int rc;

        if (f->fkind == LIBXL__F_PLAIN && f->deprecated_by) {
            const libxl__field_desc *nf = field_named(d, f->deprecated_by);

            snprintf(oldname, sizeof(oldname), "%s%s%s", pre, dot, f->name);
            snprintf(newname, sizeof(newname), "%s%s%s", pre, dot, nf->name);
            rc = apply_alias(f, base + f->offset, nf, base + nf->offset, oldname, newname, msg_r);
            if (rc)
                return rc;
        }
        if (f->fkind != LIBXL__F_UNION)
            continue;
        libxl__union_active(f, p, &m);
        if (!m || !m->type)
            continue;
        mt = m->type;
        for (size_t j = 0; j < mt->nfields; j++) {
            const libxl__field_desc *g = &mt->fields[j];
            const libxl__field_desc *nf;

            if (!g->deprecated_by)
                continue;
            nf = field_named(d, g->deprecated_by);
            if (json)
                snprintf(oldname, sizeof(oldname), "%s%s%s.%s.%s", pre, dot, f->key_name, m->name,
                         g->name);
            else
                snprintf(oldname, sizeof(oldname), "%s%s%s.%s.%s", pre, dot, f->name, m->name,
                         g->name);
            snprintf(newname, sizeof(newname), "%s%s%s", pre, dot, nf->name);
            rc = apply_alias(g, base + f->offset + g->offset, nf, base + nf->offset, oldname,
                             newname, msg_r);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int libxl__domain_build_info_resolve_deprecated(libxl_domain_build_info *b_info, char **msg_r)
{
    return libxl__obj_resolve_deprecated(&libxl__domain_build_info_desc, b_info, NULL, false,
                                         msg_r);
}
