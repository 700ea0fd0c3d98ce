/*
 * libxl_types_desc.h (libxl-internal): the description tables idl/idlgen
 * writes for every IDL type, and the table-driven runtime that gives each
 * type its init, dispose, copy, equality and deprecated-alias rules
 * (libxl_types_rt.c, libxl_types_compat.c; JSON in libxl_json.h).
 */
#ifndef LIBXL_TYPES_DESC_H
#define LIBXL_TYPES_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libxl.h"

/* What a value is, as far as the runtime is concerned. */
typedef enum {
    LIBXL__K_BOOL,
    LIBXL__K_INT,
    LIBXL__K_INT8,
    LIBXL__K_INT16,
    LIBXL__K_INT32,
    LIBXL__K_INT64,
    LIBXL__K_UINT8,
    LIBXL__K_UINT16,
    LIBXL__K_UINT32,
    LIBXL__K_UINT64,
    LIBXL__K_STRING,
    LIBXL__K_ENUM,
    LIBXL__K_STRUCT,
    /* builtins (libxl_builtin.c) */
    LIBXL__K_DEFBOOL,
    LIBXL__K_UUID,
    LIBXL__K_MAC,
    LIBXL__K_BITMAP,
    LIBXL__K_CPUID_POLICY_LIST,
    LIBXL__K_STRING_LIST,
    LIBXL__K_KEY_VALUE_LIST,
    LIBXL__K_HWCAP,
    LIBXL__K_MS_VM_GENID,
    LIBXL__K_NR
} libxl__kind;

typedef enum {
    LIBXL__F_PLAIN, /* a value of .type at .offset */
    LIBXL__F_ARRAY, /* .type *array at .offset, int count at .count_offset */
    LIBXL__F_UNION, /* key (enum .type) at .key_offset, union at .offset */
} libxl__field_kind;

typedef struct libxl__type_desc libxl__type_desc;

typedef struct {
    const char *name;             /* "hvm"; its JSON key is "type.hvm" */
    int key;                      /* the key's value selecting it */
    const libxl__type_desc *type; /* its struct; NULL: no data */
} libxl__union_member;

typedef struct {
    const char *name;
    libxl__field_kind fkind;
    size_t offset;
    const libxl__type_desc *type;
    bool has_init; /* .init overrides the type's default */
    int64_t init;
    size_t count_offset;
    const char *key_name;
    size_t key_offset;
    int key_init;
    const libxl__union_member *members;
    size_t nmembers;
    const char *deprecated_by; /* a field of the outermost struct */
    bool is_const;             /* not disposed, copied by pointer, not in JSON */
} libxl__field_desc;

struct libxl__type_desc {
    const char *name;
    libxl__kind kind;
    size_t size;
    int64_t init;                          /* integers and enums */
    const libxl_enum_string_table *values; /* enums, ends with {NULL, -1} */
    const libxl__field_desc *fields;       /* structs */
    size_t nfields;
    bool has_deprecated; /* some field (maybe in a union) has deprecated_by */
};

/* Tables of the primitive and builtin types. */
extern const libxl__type_desc libxl__bool_desc, libxl__integer_desc, libxl__int8_desc,
    libxl__int16_desc, libxl__int32_desc, libxl__int64_desc, libxl__uint8_desc, libxl__uint16_desc,
    libxl__uint32_desc, libxl__uint64_desc, libxl__string_desc, libxl__defbool_desc,
    libxl__uuid_desc, libxl__mac_desc, libxl__bitmap_desc, libxl__cpuid_policy_list_desc,
    libxl__string_list_desc, libxl__key_value_list_desc, libxl__hwcap_desc, libxl__ms_vm_genid_desc;

/* Per-kind operations on one value of a builtin kind. */
typedef struct {
    void (*dispose)(void *p);
    int (*copy)(void *dst, const void *src); /* dst is initialised */
    bool (*is_default)(const void *p);
    bool (*equal)(const void *a, const void *b);
} libxl__builtin_ops;
extern const libxl__builtin_ops libxl__builtin_ops_table[LIBXL__K_NR];

/* Integers of every width, as int64 (unsigned 64-bit kept bit for bit). */
bool libxl__kind_is_integer(libxl__kind k);
int64_t libxl__int_get(libxl__kind k, const void *p);
void libxl__int_set(libxl__kind k, void *p, int64_t v);
/* Whether v fits kind k (for uint64, v is the value's bits). */
bool libxl__int_fits(libxl__kind k, int64_t v, bool v_unsigned);

/* The default of a field (its own, else its type's), as an int64. */
int64_t libxl__field_init(const libxl__field_desc *f);
const libxl__field_desc *libxl__union_active(const libxl__field_desc *f, const void *obj,
                                             const libxl__union_member **m_r);

void libxl__obj_init(const libxl__type_desc *d, void *p);
/* Sets the key of union field number idx and initialises that member. */
void libxl__obj_init_union(const libxl__type_desc *d, size_t idx, void *p, int key);
void libxl__obj_dispose(const libxl__type_desc *d, void *p);
/* dst: uninitialised; on error (ERROR_NOMEM) dst is still disposable. */
int libxl__obj_copy(const libxl__type_desc *d, void *dst, const void *src);
bool libxl__obj_equal(const libxl__type_desc *d, const void *a, const void *b);
/* Whether the field of obj holds its default (left out of JSON). */
bool libxl__field_is_default(const libxl__field_desc *f, const void *obj);
bool libxl__value_is_default(const libxl__type_desc *t, const void *p, bool has_init, int64_t init);

const char *libxl__enum_to_string(const libxl__type_desc *d, int v);
int libxl__enum_from_string(const libxl__type_desc *d, const char *s, int *v);

/*
 * Deprecated aliases (libxl_types_compat.c): for every field with
 * deprecated_by in the struct (and its active union member): only the old
 * one set -> moved to the new one; both set and different -> ERROR_INVAL
 * and *msg_r (if not NULL, free() it) names both.  json picks the names
 * the message uses: JSON paths under prefix ("b_info.type.pv.kernel") or
 * C member names ("u.pv.kernel").
 */
int libxl__obj_resolve_deprecated(const libxl__type_desc *d, void *p, const char *prefix, bool json,
                                  char **msg_r);

#endif /* LIBXL_TYPES_DESC_H */
