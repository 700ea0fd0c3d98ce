/*
 * log.h: xenhv's log: one line per event, to the log file in the run
 * directory, to stderr while attached to a terminal or supervisor, and
 * (info and above) to the hypervisor console ring read by `xl dmesg`.
 */
#ifndef XENHV_LOG_H
#define XENHV_LOG_H

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* Start logging to path (appended); stderr too while use_stderr. */
int log_open(const char *path, int use_stderr);
void log_set_stderr(int use_stderr);
/* Only messages at lvl or above go to stderr (default: all). */
void log_set_stderr_min(enum log_level lvl);
void log_close(void);

void xenhv_log(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) xenhv_log(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)  xenhv_log(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...)  xenhv_log(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) xenhv_log(LOG_LVL_ERROR, __VA_ARGS__)

#endif
