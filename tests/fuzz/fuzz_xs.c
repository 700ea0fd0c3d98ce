/*
 * fuzz_xs.c: libFuzzer target for the xenstore core behind the wire
 * codec: the input is a byte stream of XenStore messages, each sent by
 * dom0 or by one of two guests (chosen by its req_id), as a hostile guest
 * or a buggy client would send them.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xs_codec.h"
#include "xs_core.h"

static void drain(struct xs_conn *c)
{
    struct xs_msg *m;
    while ((m = xs_conn_out_peek(c)))
        xs_conn_out_consume(c, m->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct xs_reader rd;
    struct xs_store *st = xs_store_new();
    if (!st)
        return 0;
    xs_store_quota(st)->entries = 50;
    struct xs_conn *conns[3] = {xs_conn_new(st, 0, true), xs_conn_new(st, 5, false),
                                xs_conn_new(st, 6, false)};
    static const char home[] = "/local/domain/5\0n5";
    struct xsd_sockmsg h = {XS_SET_PERMS, 0, 0, 0};
    h.type = XS_MKDIR;
    h.len = 16;
    xs_conn_request(conns[0], &h, home);
    h.type = XS_SET_PERMS;
    h.len = sizeof(home);
    xs_conn_request(conns[0], &h, home);
    xs_domain_introduce(st, 5, conns[1]);

    xs_reader_reset(&rd);
    size_t off = 0;
    while (off < size) {
        size_t used;
        int rc = xs_reader_feed(&rd, data + off, size - off, &used);
        off += used ? used : 1;
        if (rc < 0) {
            xs_reader_reset(&rd);
            continue;
        }
        if (rc == 1) {
            struct xs_conn *c = conns[rd.hdr.req_id % 3];
            if (c) {
                xs_conn_request(c, &rd.hdr, rd.payload);
                for (int i = 0; i < 3; i++)
                    if (conns[i] && xs_domain_conn(st, 5) != conns[1] && i == 1)
                        conns[i] = NULL; /* released: freed by the core */
            }
            for (int i = 0; i < 3; i++)
                if (conns[i])
                    drain(conns[i]);
            xs_reader_reset(&rd);
        }
    }
    xs_store_free(st);
    return 0;
}
