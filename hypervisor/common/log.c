/*
 * log.c: xenhv's log sinks (file, stderr, console ring).  Thread-safe.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console_ring.h"
#include "log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static int log_to_stderr = 1;
static enum log_level stderr_min = LOG_LVL_DEBUG;

static const char *const level_names[] = {
    [LOG_LVL_DEBUG] = "debug",
    [LOG_LVL_INFO] = "info",
    [LOG_LVL_WARN] = "warning",
    [LOG_LVL_ERROR] = "error",
};

int log_open(const char *path, int use_stderr)
{
    FILE *f = fopen(path, "ae");

    if (!f)
        return -1;
    setvbuf(f, NULL, _IOLBF, 0);
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = f;
    log_to_stderr = use_stderr;
    pthread_mutex_unlock(&log_lock);
    return 0;
}

void log_set_stderr(int use_stderr)
{
    pthread_mutex_lock(&log_lock);
    log_to_stderr = use_stderr;
    pthread_mutex_unlock(&log_lock);
}

void log_set_stderr_min(enum log_level lvl)
{
    pthread_mutex_lock(&log_lock);
    stderr_min = lvl;
    pthread_mutex_unlock(&log_lock);
}

void log_close(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_lock);
}

void xenhv_log(enum log_level lvl, const char *fmt, ...)
{
    char msg[1024], stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);

    pthread_mutex_lock(&log_lock);
    if (log_file)
        fprintf(log_file, "%s.%03ld xenhv %s: %s\n", stamp, ts.tv_nsec / 1000000, level_names[lvl],
                msg);
    if (log_to_stderr && lvl >= stderr_min)
        fprintf(stderr, "xenhv: %s: %s\n", level_names[lvl], msg);
    pthread_mutex_unlock(&log_lock);
    if (lvl >= LOG_LVL_INFO) {
        char line[1100];
        int n = snprintf(line, sizeof(line), "(XEN) %s\n", msg);
        console_ring_write(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
    }
}
