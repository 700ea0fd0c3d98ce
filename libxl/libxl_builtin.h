/*
 * libxl_builtin.h: the builtin types the IDL's generated types are made
 * of (defbool, uuid, mac, bitmap, string and key/value lists, cpuid
 * policy, hwcap, VM generation id), their helpers, and the default values
 * the IDL refers to.  Included by libxl.h; shaped like libxl 4.17's.
 */
#ifndef LIBXL_BUILTIN_H
#define LIBXL_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct libxl__ctx libxl_ctx;

/* An enum value's string name (lower case) and number. */
typedef struct {
    const char *s;
    int v;
} libxl_enum_string_table;

/* Defaults of IDL fields. */
#define LIBXL_MEMKB_DEFAULT                        (~0ULL)
#define LIBXL_INVALID_GFN                          (~(uint64_t)0)
#define LIBXL_TIMER_MODE_DEFAULT                   -1
#define LIBXL_MAX_GRANT_DEFAULT                    (~(uint32_t)0)
#define LIBXL_SCHED_PARAM_VCPU_INDEX_DEFAULT       -1
#define LIBXL_DOMAIN_SCHED_PARAM_WEIGHT_DEFAULT    -1
#define LIBXL_DOMAIN_SCHED_PARAM_CAP_DEFAULT       -1
#define LIBXL_DOMAIN_SCHED_PARAM_PERIOD_DEFAULT    -1
#define LIBXL_DOMAIN_SCHED_PARAM_SLICE_DEFAULT     -1
#define LIBXL_DOMAIN_SCHED_PARAM_LATENCY_DEFAULT   -1
#define LIBXL_DOMAIN_SCHED_PARAM_EXTRATIME_DEFAULT -1
#define LIBXL_DOMAIN_SCHED_PARAM_BUDGET_DEFAULT    -1

/*
 * defbool: a boolean that can also be "not set" (the default), so that
 * libxl can tell a caller's false from "choose for me".
 */
typedef struct {
    int val; /* 0: default, > 0: true, < 0: false */
} libxl_defbool;

void libxl_defbool_set(libxl_defbool *db, bool b);
void libxl_defbool_unset(libxl_defbool *db);
int libxl_defbool_is_default(libxl_defbool db);
/* Sets db to b if db is the default. */
void libxl_defbool_setdefault(libxl_defbool *db, bool b);
/* The value of a defbool that is not the default. */
bool libxl_defbool_val(libxl_defbool db);
/* "True", "False" or "<default>". */
const char *libxl_defbool_to_string(libxl_defbool b);

/* uuid */
typedef struct {
    uint8_t uuid[16];
} libxl_uuid;

#define LIBXL_UUID_FMT                                                                             \
    "%02hhx%02hhx%02hhx%02hhx-%02hhx%02hhx-%02hhx%02hhx-%02hhx%02hhx-%02hhx%02hhx%02hhx"           \
    "%02hhx%02hhx%02hhx"
#define LIBXL_UUID_FMTLEN ((2 * 16) + 4)
#define LIBXL__UUID_BYTES(u)                                                                       \
    (u)[0], (u)[1], (u)[2], (u)[3], (u)[4], (u)[5], (u)[6], (u)[7], (u)[8], (u)[9], (u)[10],       \
        (u)[11], (u)[12], (u)[13], (u)[14], (u)[15]
#define LIBXL_UUID_BYTES(arg) LIBXL__UUID_BYTES((arg).uuid)

int libxl_uuid_is_nil(const libxl_uuid *uuid);
void libxl_uuid_generate(libxl_uuid *uuid);
/* 0, or ERROR_INVAL if in is not "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
int libxl_uuid_from_string(libxl_uuid *uuid, const char *in);
void libxl_uuid_copy(libxl_ctx *ctx, libxl_uuid *dst, const libxl_uuid *src);
void libxl_uuid_clear(libxl_uuid *uuid);
int libxl_uuid_compare(const libxl_uuid *a, const libxl_uuid *b);
uint8_t *libxl_uuid_bytearray(libxl_uuid *uuid);
const uint8_t *libxl_uuid_bytearray_const(const libxl_uuid *uuid);

/* MAC address */
typedef uint8_t libxl_mac[6];
#define LIBXL_MAC_FMT        "%02hhx:%02hhx:%02hhx:%02hhx:%02hhx:%02hhx"
#define LIBXL_MAC_FMTLEN     ((2 * 6) + 5)
#define LIBXL_MAC_BYTES(mac) (mac)[0], (mac)[1], (mac)[2], (mac)[3], (mac)[4], (mac)[5]
void libxl_mac_copy(libxl_ctx *ctx, libxl_mac *dst, const libxl_mac *src);
/* 0, or ERROR_INVAL if s is not "xx:xx:xx:xx:xx:xx". */
int libxl_mac_from_string(libxl_mac *mac, const char *s);

/* bitmap: map holds size bytes, bit n is map[n / 8] & (1 << (n % 8)). */
typedef struct {
    uint32_t size; /* in bytes */
    uint8_t *map;
} libxl_bitmap;

void libxl_bitmap_init(libxl_bitmap *map);
void libxl_bitmap_dispose(libxl_bitmap *map);
/* Allocates room for n_bits bits, all clear: 0 or ERROR_NOMEM. */
int libxl_bitmap_alloc(libxl_ctx *ctx, libxl_bitmap *bitmap, int n_bits);
int libxl_bitmap_copy_alloc(libxl_ctx *ctx, libxl_bitmap *dst, const libxl_bitmap *src);
int libxl_bitmap_is_full(const libxl_bitmap *bitmap);
int libxl_bitmap_is_empty(const libxl_bitmap *bitmap);
int libxl_bitmap_test(const libxl_bitmap *bitmap, int bit);
void libxl_bitmap_set(libxl_bitmap *bitmap, int bit);
void libxl_bitmap_reset(libxl_bitmap *bitmap, int bit);
int libxl_bitmap_count_set(const libxl_bitmap *bitmap);
void libxl_bitmap_set_any(libxl_bitmap *bitmap);
void libxl_bitmap_set_none(libxl_bitmap *bitmap);
#define libxl_for_each_bit(var, map) for (var = 0; var < (int)(map).size * 8; var++)
#define libxl_for_each_set_bit(v, m)                                                               \
    for (v = 0; v < (int)(m).size * 8; v++)                                                        \
        if (libxl_bitmap_test(&(m), v))

/* A NULL-terminated array of strings (NULL itself is the empty list). */
typedef char **libxl_string_list;
void libxl_string_list_dispose(libxl_string_list *sl);
int libxl_string_list_length(const libxl_string_list *sl);
int libxl_string_list_copy(libxl_ctx *ctx, libxl_string_list *dst, const libxl_string_list *src);

/* A NULL-terminated array of key, value, key, value... (a value may be NULL). */
typedef char **libxl_key_value_list;
void libxl_key_value_list_dispose(libxl_key_value_list *kvl);
int libxl_key_value_list_length(const libxl_key_value_list *kvl);
int libxl_key_value_list_copy(libxl_ctx *ctx, libxl_key_value_list *dst,
                              const libxl_key_value_list *src);

/*
 * cpuid policy: the cpuid= and MSR settings of a domain, as libxl 4.17
 * keeps them: per leaf (and subleaf), a 32-character policy string per
 * register ('1', '0', 'x', 'k', 's'), and per MSR a 64-character string.
 */
#define LIBXL_CPUID_INPUT_UNUSED 0xFFFFFFFFu
typedef struct libxl_cpuid_leaf {
    uint32_t leaf, subleaf;
    char *policy[4]; /* eax, ebx, ecx, edx; NULL: not set */
} libxl_cpuid_leaf;
typedef struct libxl_cpuid_msr {
    uint32_t index;
    char *policy;
} libxl_cpuid_msr;
typedef struct libxl_cpuid_policy {
    int num_leaves;
    libxl_cpuid_leaf *leaves;
    int num_msrs;
    libxl_cpuid_msr *msrs;
} libxl_cpuid_policy;
typedef libxl_cpuid_policy *libxl_cpuid_policy_list; /* NULL: none */
void libxl_cpuid_dispose(libxl_cpuid_policy_list *cpuid_list);
int libxl_cpuid_policy_list_copy(libxl_ctx *ctx, libxl_cpuid_policy_list *dst,
                                 const libxl_cpuid_policy_list *src);

/* Hardware capabilities (physinfo). */
typedef uint32_t libxl_hwcap[8];
void libxl_hwcap_copy(libxl_ctx *ctx, libxl_hwcap *dst, const libxl_hwcap *src);

/* Microsoft VM generation id (HVM). */
typedef struct {
    uint8_t bytes[16];
} libxl_ms_vm_genid;
int libxl_ms_vm_genid_is_zero(const libxl_ms_vm_genid *id);
void libxl_ms_vm_genid_copy(libxl_ctx *ctx, libxl_ms_vm_genid *dst, const libxl_ms_vm_genid *src);

#endif /* LIBXL_BUILTIN_H */
