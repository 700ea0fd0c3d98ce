/*
 * xl_console.c: `xl console [-t pv|serial] [-n N] Domain': the terminal
 * attached to the domain console's pty (found through libxl) in raw
 * mode, until Ctrl-] as with xenconsole.  Also used by `xl create -c'.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "xl.h"
#include "xl_lifecycle.h"

#define ESCAPE_CHAR        0x1d /* Ctrl-] */
#define CONSOLE_WAIT_TRIES 100  /* 5 s */

static int copy_loop(int tty, uint32_t domid)
{
    struct termios saved, raw;
    bool is_tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved);
    char buf[4096];
    bool stdin_open = true;

    if (is_tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    for (;;) {
        struct pollfd p[2] = {{.fd = tty, .events = POLLIN},
                              {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};
        /* As xenconsole: leave when the domain is gone (its pty may
         * outlive it a while). */
        int ready = poll(p, 2, 500);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (ready == 0) {
            if (libxl_domain_info(xl_ctx(), NULL, domid))
                break;
            continue;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(tty, buf, sizeof(buf));
            if (n <= 0 || write(STDOUT_FILENO, buf, (size_t)n) != n)
                break;
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n == 0 && !is_tty) { /* input ended (< /dev/null): keep showing output */
                stdin_open = false;
                continue;
            }
            if (n <= 0 || memchr(buf, ESCAPE_CHAR, (size_t)n))
                break;
            if (write(tty, buf, (size_t)n) != n)
                break;
        }
    }
    if (is_tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return 0;
}

int xl_console_attach(uint32_t domid, libxl_console_type type, int num)
{
    char *path = NULL;
    int tty, rc;

    /* The console backend writes the tty once the domain's console is
     * up: wait for it a while, as xenconsole does. */
    for (int tries = 0;; tries++) {
        rc = type == LIBXL_CONSOLE_TYPE_UNKNOWN
                 ? libxl_primary_console_get_tty(xl_ctx(), domid, &path)
                 : libxl_console_get_tty(xl_ctx(), domid, num, type, &path);
        if (!rc || tries >= CONSOLE_WAIT_TRIES || libxl_domain_info(xl_ctx(), NULL, domid))
            break;
        usleep(50 * 1000);
    }
    if (rc)
        return EXIT_FAILURE;
    tty = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0) {
        fprintf(stderr, "xl: cannot open console %s: %s\n", path, strerror(errno));
        free(path);
        return EXIT_FAILURE;
    }
    free(path);
    copy_loop(tty, domid);
    close(tty);
    return EXIT_SUCCESS;
}

int main_console(int argc, char **argv)
{
    libxl_console_type type = LIBXL_CONSOLE_TYPE_UNKNOWN;
    int opt, num = 0, status;

    while ((opt = xl_getopt(argc, argv, "n:t:", NULL, "console", 1, &status)) != -1) {
        switch (opt) {
        case 't':
            if (!strcmp(optarg, "pv"))
                type = LIBXL_CONSOLE_TYPE_PV;
            else if (!strcmp(optarg, "serial"))
                type = LIBXL_CONSOLE_TYPE_SERIAL;
            else if (!strcmp(optarg, "vuart"))
                type = LIBXL_CONSOLE_TYPE_VUART;
            else {
                fprintf(stderr, "console type supported are: pv, serial, vuart\n");
                return EXIT_FAILURE;
            }
            break;
        case 'n':
            num = atoi(optarg);
            break;
        default:
            return status;
        }
    }
    uint32_t domid = xl_find_domain(argv[optind], NULL);
    if (type == LIBXL_CONSOLE_TYPE_UNKNOWN && num)
        type = LIBXL_CONSOLE_TYPE_PV;
    if (xl_console_attach(domid, type, num)) {
        fprintf(stderr, "Unable to attach console\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
