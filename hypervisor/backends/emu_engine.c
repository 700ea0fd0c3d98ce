/*
 * emu_engine.c: facts about the unicorn library the emu backend runs on.
 */
#include "config.h"

#include <stdio.h>
#include <unicorn/unicorn.h>

#include "backend.h"

const char *emu_engine_version(void)
{
    static char buf[32];
    unsigned int major, minor;
    unsigned int v = uc_version(&major, &minor);

    snprintf(buf, sizeof(buf), "unicorn %u.%u.%u", major, minor, (v >> 8) & 0xff);
    return buf;
}

bool emu_engine_usable(void)
{
    unsigned int major, minor;

    uc_version(&major, &minor);
    return major > 2 || (major == 2 && minor >= 1);
}
