/*
 * libxl_types_internal.h (libxl-internal): entry points of the generated
 * types' rules that libxl's create path and xl call.
 */
#ifndef LIBXL_TYPES_INTERNAL_H
#define LIBXL_TYPES_INTERNAL_H

#include "libxl.h"

/*
 * Applies the deprecated aliases of b_info (u.pv.kernel, u.pv.ramdisk,
 * u.pv.cmdline, u.pv.bootloader, u.pv.bootloader_args, u.hvm.acpi,
 * u.hvm.apic, u.hvm.timer_mode, u.hvm.nested_hvm): an old field set alone
 * is moved to its replacement; set together with its replacement to the
 * same value it is dropped; set to a different value it is an error:
 * ERROR_INVAL, and *msg_r (if msg_r is not NULL; free() it) names both
 * fields.  JSON parsing applies the same rules.
 */
int libxl__domain_build_info_resolve_deprecated(libxl_domain_build_info *b_info, char **msg_r);

#endif /* LIBXL_TYPES_INTERNAL_H */
