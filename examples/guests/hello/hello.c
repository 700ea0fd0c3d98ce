/*
 * hello.c: the example guest.  It prints a banner with its environment
 * (PV, PVH or HVM; 32 or 64 bit), command line, memory, vCPUs and modules,
 * then idles blocked and answers `xl shutdown` / `xl reboot` as real
 * guests do: it watches control/shutdown in xenstore and shuts down with
 * the reason written there.  Built for every environment from the guest
 * runtime in tests/guests/lib; see examples/hello-*.cfg.
 */
#include "guest.h"

const char guest_name[] = "hello";

static volatile unsigned long store_events;

static void on_store(evtchn_port_t port, void *data)
{
    store_events++;
}

static void banner(void)
{
    unsigned int i, j;

    gprintf("hello: Xen guest example running as %s, %d-bit\n", boot.env_name, boot.bits);
    gprintf("hello: command line: \"%s\"\n", boot.cmdline);
    gprintf("hello: memory: %llu MiB\n", (unsigned long long)((boot.mem_bytes + (1 << 19)) >> 20));
    gprintf("hello: vCPUs: %u\n", boot.nr_vcpus);
    gprintf("hello: modules: %u\n", boot.nr_modules);
    for (i = 0; i < boot.nr_modules; i++) {
        const struct boot_module *m = &boot.modules[i];
        const uint8_t *p = (const uint8_t *)m->addr;
        char hex[3 * 16 + 1], text[17];

        for (j = 0; j < 16 && j < m->size && p; j++) {
            gsnprintf(hex + 3 * j, 4, " %02x", p[j]);
            text[j] = p[j] >= 0x20 && p[j] < 0x7f ? (char)p[j] : '.';
        }
        hex[3 * j] = '\0';
        text[j] = '\0';
        gprintf("hello: module %u (ramdisk): %llu bytes, first bytes:%s \"%s\"\n", i,
                (unsigned long long)m->size, hex, text);
    }
}

/* The reasons xl writes to control/shutdown. */
static const struct {
    const char *request;
    unsigned int reason;
} requests[] = {
    {"poweroff", SHUTDOWN_poweroff},
    {"halt", SHUTDOWN_poweroff},
    {"reboot", SHUTDOWN_reboot},
    {"crash", SHUTDOWN_crash},
};

void guest_main(void)
{
    char path[256], token[32], value[64];
    unsigned int i;
    int rc;

    banner();
    if (!boot.on_xen) {
        gprintf("hello: not running on Xen: nothing to wait for\n");
        return;
    }
    rc = xs_init();
    if (rc) {
        gprintf("hello: no xenstore ring; idling\n");
        for (;;)
            sched_op(SCHEDOP_block, NULL);
    }
    evtchn_bind_handler(boot.store_evtchn, on_store, NULL);
    events_enable();
    /* Tell the toolstack we handle these requests ourselves. */
    xs_write("control/feature-poweroff", "1");
    xs_write("control/feature-reboot", "1");
    rc = xs_watch("control/shutdown", "shutdown");
    if (rc)
        guest_fail("cannot watch control/shutdown: %s", xs_strerror(rc));
    gprintf("hello: idle; waiting for xl shutdown or xl reboot\n");
    for (;;) {
        rc = xs_read_watch(path, sizeof(path), token, sizeof(token), 0);
        if (rc)
            guest_fail("reading the watch: %s", xs_strerror(rc));
        rc = xs_read("control/shutdown", value, sizeof(value));
        if (rc <= 0)
            continue; /* the watch's first event, or the node is empty */
        for (i = 0; i < ARRAY_SIZE(requests); i++) {
            if (strcmp(value, requests[i].request))
                continue;
            xs_write("control/shutdown", ""); /* acknowledge, as Linux does */
            gprintf("hello: control/shutdown says \"%s\": shutting down\n", value);
            guest_shutdown(requests[i].reason);
        }
        gprintf("hello: ignoring control/shutdown \"%s\"\n", value);
        xs_write("control/shutdown", "");
    }
}
