/*
 * xenstore_notify.c: requests written to the xenstore ring in pieces
 * (header, path, value), an event sent after a piece only when the store
 * had read everything before it, as Linux's xb_write does, with no fence
 * between publishing req_prod and reading req_cons.  The store must not
 * stop reading while the guest writes: a store that looks at req_prod
 * once, right after moving req_cons, can miss the last piece while the
 * guest misses the req_cons that would have made it notify, and then
 * both wait (the reply times out).
 */
#include "guest.h"

const char guest_name[] = "xenstore_notify";

#define REQUESTS 10000

void guest_main(void)
{
    char buf[64], want[16];

    guest_require_xen();
    EXPECT_RC(xs_init(), 0, "xenstore ring");
    xs_notify_as_linux(1);
    for (int i = 0; i < REQUESTS; i++) {
        int rc;
        gsnprintf(want, sizeof(want), "%d", i);
        rc = xs_write("data/notify", want);
        CHECK(!rc, "write %d: %s", i, xs_strerror(rc));
        rc = xs_read("data/notify", buf, sizeof(buf));
        CHECK(rc > 0 && !strcmp(buf, want), "read %d: %s", i, rc < 0 ? xs_strerror(rc) : buf);
    }
    xs_notify_as_linux(0);
    gprintf("xenstore_notify: %d writes and reads, notified as Linux does: ok\n", REQUESTS);
}
