/*
 * modules.c: the ramdisk (tests/guests/modules.txt) arrives as a module:
 * its size, first bytes and checksum match the file.
 */
#include "guest.h"

const char guest_name[] = "modules";

#define MODULE_SIZE  12288
#define MODULE_MAGIC "XENHV-MODULE-TEST\n"
#define MODULE_SUM   0xbd52d6afu

void guest_main(void)
{
    const struct boot_module *m = &boot.modules[0];
    const uint8_t *p;
    uint32_t sum = 0;
    uint64_t i;

    CHECK(boot.nr_modules >= 1, "no modules");
    CHECK(m->size == MODULE_SIZE, "module is %llu bytes, expected %u", (unsigned long long)m->size,
          MODULE_SIZE);
    p = (const uint8_t *)m->addr;
    CHECK(p && !memcmp(p, MODULE_MAGIC, strlen(MODULE_MAGIC)), "module starts with '%.16s'",
          p ? (const char *)p : "");
    for (i = 0; i < m->size; i++)
        sum = sum * 31 + p[i];
    CHECK(sum == MODULE_SUM, "module checksum %08x, expected %08x", sum, MODULE_SUM);
    gprintf("modules: %u modules, first: %u bytes, starts \"XENHV-MODULE-TEST\": ok\n",
            boot.nr_modules, MODULE_SIZE);
}
