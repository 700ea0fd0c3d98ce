/*
 * control.h: xenhv's control socket server (protocol in xenhv/control.h):
 * accepting toolstack connections (root or the daemon's own uid only),
 * their hypercall-buffer regions, and turning their requests into
 * hypercalls, foreign-mapping grants and event notifications.
 */
#ifndef XENHV_CONTROL_H_SERVER
#define XENHV_CONTROL_H_SERVER

/* Listen on path (mode 0600, a stale socket replaced): fd or -errno. */
int control_listen(const char *path);

/* Serve until a signal arrives on signal_fd; returns the signal. */
int control_run(int listen_fd, int signal_fd);

/* Close every connection. */
void control_close_all(void);

#endif
