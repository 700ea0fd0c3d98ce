/*
 * libxl.h: the public interface of libxenlight.
 */
#ifndef LIBXL_H
#define LIBXL_H

/* The version of this library, "MAJOR.MINOR.MICRO". */
const char *libxl_version_string(void);

#endif /* LIBXL_H */
