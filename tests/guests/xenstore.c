/*
 * xenstore.c: the xenstore ring: read our domid and name, write and read
 * back, list a directory, watch a node (the registration event, then one
 * per write), remove it, errors for missing nodes.
 */
#include "guest.h"

const char guest_name[] = "xenstore";

void guest_main(void)
{
    char buf[256], path[256], token[64];
    int n, found = 0;

    guest_require_xen();
    EXPECT_RC(xs_init(), 0, "xenstore ring");
    CHECK(xs_read("domid", buf, sizeof(buf)) > 0 && buf[0] >= '0' && buf[0] <= '9',
          "cannot read domid");
    gprintf("xenstore: read domid: ok\n");
    CHECK(xs_read("name", buf, sizeof(buf)) > 0, "cannot read name");
    gprintf("xenstore: read name: ok\n");

    EXPECT_RC(xs_write("data/guest-test", "hello from the guest"), 0, "write data/guest-test");
    CHECK(xs_read("data/guest-test", buf, sizeof(buf)) == 20 &&
              !strcmp(buf, "hello from the guest"),
          "read back '%s'", buf);
    gprintf("xenstore: read back: ok\n");
    n = xs_directory("data", buf, sizeof(buf));
    CHECK(n > 0, "cannot list data: %s", xs_strerror(n));
    for (int i = 0; i < n; i += (int)strlen(buf + i) + 1)
        if (!strcmp(buf + i, "guest-test"))
            found = 1;
    CHECK(found, "data/ does not list guest-test");
    gprintf("xenstore: directory: ok\n");

    EXPECT_RC(xs_watch("data/guest-test", "tok1"), 0, "watch data/guest-test");
    EXPECT_RC(xs_read_watch(path, sizeof(path), token, sizeof(token), 5000000000ULL), 0,
              "the watch fires on registration");
    CHECK(!strcmp(token, "tok1") && strstr(path, "data/guest-test"), "event %s %s", path, token);
    xs_write("data/guest-test", "changed");
    EXPECT_RC(xs_read_watch(path, sizeof(path), token, sizeof(token), 5000000000ULL), 0,
              "the watch fires on a write");
    CHECK(!strcmp(token, "tok1"), "event token %s", token);
    EXPECT_RC(xs_unwatch("data/guest-test", "tok1"), 0, "unwatch");
    EXPECT_RC(xs_rm("data/guest-test"), 0, "rm data/guest-test");
    EXPECT_RC(xs_read("data/guest-test", buf, sizeof(buf)), -XEN_ENOENT, "read a removed node");
}
