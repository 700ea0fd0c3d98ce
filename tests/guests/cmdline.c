/*
 * cmdline.c: a long command line (1000 bytes: "longcmdline=" then a
 * counting pattern, ending " end=yes") arrives intact.
 */
#include "guest.h"

const char guest_name[] = "cmdline";

#define CMDLINE_LEN 1000

void guest_main(void)
{
    const char *cl = boot.cmdline;
    size_t len = strlen(cl), i;

    CHECK(len == CMDLINE_LEN, "command line is %u bytes, expected %u", (unsigned int)len,
          CMDLINE_LEN);
    CHECK(!strncmp(cl, "longcmdline=", 12), "command line starts '%.20s'", cl);
    CHECK(!strcmp(cl + len - 8, " end=yes"), "command line ends '%s'", cl + len - 8);
    for (i = 12; i < len - 8; i++)
        CHECK(cl[i] == 'a' + (char)((i - 12) % 26), "command line byte %u is '%c'", (unsigned int)i,
              cl[i]);
    gprintf("cmdline: %u bytes intact: ok\n", (unsigned int)len);
}
