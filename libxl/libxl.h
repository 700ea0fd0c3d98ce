/*
 * libxl.h: the public interface of libxenlight.
 */
#ifndef LIBXL_H
#define LIBXL_H

/*
 * The configuration and runtime types, generated from idl/libxl_types.idl
 * (libxl 4.17's names and JSON): libxl_domain_config, libxl_dominfo, ...
 * with _init/_dispose/_copy/_to_json/_from_json, enums with
 * _to_string/_from_string, ERROR_* codes, and LIBXL_HAVE_* macros.
 * Their JSON at the yajl level is in _libxl_types_json.h.
 */
#include "libxl_builtin.h"
#include "_libxl_types.h"
#include "_libxl_types_features.h"

/* libxl_device_pci.vfunc_mask: every function of the device. */
#define LIBXL_PCI_FUNC_ALL (~0U)

/* The version of this library, "MAJOR.MINOR.MICRO". */
const char *libxl_version_string(void);

/* The lifecycle API: context, logger, domains, host info, events. */
#include "libxl_lifecycle.h"
#include "libxl_event.h"

#endif /* LIBXL_H */
