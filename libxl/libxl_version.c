/*
 * libxl_version.c: the library's own version.
 */
#include "config.h"
#include "libxl.h"

const char *libxl_version_string(void)
{
    return PACKAGE_VERSION;
}
