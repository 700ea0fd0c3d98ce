/*
 * backend.h: the CPU backends xenhv can run vCPUs on.
 */
#ifndef XENHV_BACKEND_H
#define XENHV_BACKEND_H

#include <stdbool.h>

#include "hval.h"

/* "unicorn X.Y.Z": the engine the emu backend was linked against. */
const char *emu_engine_version(void);
/* The engine is new enough to run paged guests correctly (2.1+). */
bool emu_engine_usable(void);

#endif /* XENHV_BACKEND_H */
