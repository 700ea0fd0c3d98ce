/*
 * rundir.h: preparing and locking xenhv's run directory (rundir.c).
 */
#ifndef XENHV_RUNDIR_SERVER_H
#define XENHV_RUNDIR_SERVER_H

/* Create dir (0700) or check an existing one is ours; 0 or -errno. */
int rundir_prepare(const char *dir);
/* Take the lock: the held fd, -EBUSY if another daemon has it. */
int rundir_lock(const char *lock_path);

#endif
