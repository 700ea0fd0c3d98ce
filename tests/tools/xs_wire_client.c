/*
 * xs_wire_client.c: test-only XenStore client for what Debian's
 * xenstore-* tools cannot send: domain operations and malformed input.
 *   xs_wire_client SOCKET introduce DOMID GFN PORT | release DOMID |
 *                  is-introduced DOMID | get-domain-path DOMID |
 *                  garbage | oversized | half
 * Prints the reply payload (NULs as newlines), or "ERROR <name>";
 * exits 0 on a reply, 1 on an error reply, 2 on a closed connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "public/io/xs_wire.h"

static int sock_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
        return -1;
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        close(fd);
        return -1;
    }
    return fd;
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Send type with args (each NUL-terminated); print the reply. */
static int talk(int fd, uint32_t type, int argc, char **argv)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = {type, 1, 0, 0};
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (h.len + l > sizeof(buf))
            return 2;
        memcpy(buf + h.len, argv[i], l);
        h.len += (uint32_t)l;
    }
    if (write(fd, &h, sizeof(h)) != sizeof(h) || write(fd, buf, h.len) != (ssize_t)h.len)
        return 2;
    for (;;) {
        if (read_full(fd, &h, sizeof(h)) || h.len > sizeof(buf) || read_full(fd, buf, h.len))
            return 2;
        if (h.type == XS_WATCH_EVENT)
            continue;
        break;
    }
    if (h.type == XS_ERROR) {
        printf("ERROR %.*s\n", (int)strnlen(buf, h.len), buf);
        return 1;
    }
    for (uint32_t i = 0; i < h.len; i++)
        putchar(buf[i] ? buf[i] : '\n');
    if (h.len && buf[h.len - 1])
        putchar('\n');
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        uint32_t type;
        int nargs;
    } cmds[] = {
        {"introduce", XS_INTRODUCE, 3},
        {"release", XS_RELEASE, 1},
        {"is-introduced", XS_IS_DOMAIN_INTRODUCED, 1},
        {"get-domain-path", XS_GET_DOMAIN_PATH, 1},
    };
    if (argc < 3) {
        fprintf(stderr, "usage: xs_wire_client SOCKET COMMAND [ARGS]\n");
        return 2;
    }
    int fd = sock_connect(argv[1]);
    if (fd < 0) {
        perror(argv[1]);
        return 2;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!strcmp(argv[2], cmds[i].name) && argc == 3 + cmds[i].nargs)
            return talk(fd, cmds[i].type, cmds[i].nargs, argv + 3);
    if (!strcmp(argv[2], "garbage")) {
        char junk[300];
        for (size_t i = 0; i < sizeof(junk); i++)
            junk[i] = (char)(i * 37 + 11);
        if (write(fd, junk, sizeof(junk)) < 0)
            return 2;
    } else if (!strcmp(argv[2], "oversized")) {
        struct xsd_sockmsg h = {XS_WRITE, 1, 0, 1u << 30};
        if (write(fd, &h, sizeof(h)) < 0)
            return 2;
    } else if (!strcmp(argv[2], "half")) {
        struct xsd_sockmsg h = {XS_READ, 1, 0, 100};
        if (write(fd, &h, sizeof(h)) < 0 || write(fd, "/loc", 4) < 0)
            return 2;
    } else {
        fprintf(stderr, "xs_wire_client: unknown command %s\n", argv[2]);
        return 2;
    }
    /* Whatever the service does, it must not reply with something bogus;
     * wait briefly for it to close or ignore us. */
    char c;
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssize_t n = read(fd, &c, 1);
    printf("%s\n", n == 0 ? "closed" : n < 0 ? "no reply" : "replied");
    close(fd);
    return 0;
}
