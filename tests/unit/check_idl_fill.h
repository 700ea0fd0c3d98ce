/*
 * check_idl_fill.h: test helper filling any IDL-generated struct, through
 * its description table, with values other than the defaults.
 */
#ifndef CHECK_IDL_FILL_H
#define CHECK_IDL_FILL_H

#include "libxl_types_desc.h"

#define IDL_FILL_NO_BIG   1u /* no uint64 values beyond INT64_MAX */
#define IDL_FILL_NO_CPUID 2u /* leave cpuid policies empty */

/*
 * Sets every field of p (initialised) to a non-default value; the keyed
 * union gets member seed % n; arrays get two elements.  Deprecated and
 * const fields are left alone.  Aborts if out of memory.
 */
void idl_test_fill(const libxl__type_desc *d, void *p, int seed, unsigned flags);

#endif /* CHECK_IDL_FILL_H */
