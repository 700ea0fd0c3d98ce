/*
 * libxl_json.h (libxl-internal): JSON for every IDL type, driven by the
 * type tables: generation in libxl 4.17's format (yajl beautified, 4-space
 * indent, defaults left out) and parsing with errors that name the path
 * of the bad value ("b_info.type.hvm.acpi: expected a boolean").
 */
#ifndef LIBXL_JSON_H
#define LIBXL_JSON_H

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "libxl.h"
#include "libxl_types_desc.h"

/* A JSON parse path, e.g. "b_info.type.hvm"; grows as the parser descends. */
typedef struct {
    char buf[512];
    size_t len;
    char *err; /* the first error, "<path>: <what>" (malloc'd) */
} libxl__json_path;

/* Appends ".key" (or "key" at the root) / "[index]"; returns the old length. */
size_t libxl__json_path_push(libxl__json_path *path, const char *key);
size_t libxl__json_path_push_index(libxl__json_path *path, size_t index);
void libxl__json_path_pop(libxl__json_path *path, size_t len);
/* Records "<path>: <message>" (the first error only); returns ERROR_INVAL. */
int libxl__json_error(libxl__json_path *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Generation and parsing of one value of type t (libxl_json.c). */
yajl_gen_status libxl__json_gen_value(yajl_gen g, const libxl__type_desc *t, const void *p);
int libxl__json_parse_value(libxl__json_path *path, const libxl__type_desc *t, yajl_val v, void *p);

/* The builtin kinds' JSON (libxl_json_builtin.c); NULL where not builtin. */
typedef struct {
    yajl_gen_status (*gen)(yajl_gen g, const void *p);
    int (*parse)(libxl__json_path *path, yajl_val v, void *p);
} libxl__builtin_json_ops;
extern const libxl__builtin_json_ops libxl__builtin_json_table[LIBXL__K_NR];
/* Integer helpers shared with the builtins. */
yajl_gen_status libxl__json_gen_uint64(yajl_gen g, uint64_t v);
/* Parses an integer of kind k (0, or an error naming the path). */
int libxl__json_parse_int(libxl__json_path *path, yajl_val v, libxl__kind k, int64_t *out);

yajl_gen_status libxl__obj_gen_json(yajl_gen g, const libxl__type_desc *d, const void *p);
/* The whole value as libxl prints it (malloc'd), NULL on failure. */
char *libxl__obj_to_json(const libxl__type_desc *d, const void *p);
/* p: initialised; on error it stays disposable and *err_r (if not NULL)
 * gets the message (free() it). */
int libxl__obj_parse_json(const libxl__type_desc *d, yajl_val v, void *p, char **err_r);
int libxl__obj_from_json(const libxl__type_desc *d, void *p, const char *s, char **err_r);
/* As libxl__obj_from_json, reporting the error as libxl reports errors. */
int libxl__obj_from_json_ctx(libxl_ctx *ctx, const libxl__type_desc *d, void *p, const char *s);

#endif /* LIBXL_JSON_H */
