/*
 * tests/linux/init.c: the whole userspace of the Linux boot test, a static
 * /init for a tiny initramfs.  It prints a banner, what the kernel says it
 * runs on (uname, the CPU model from /proc/cpuinfo), how many CPUs it sees,
 * then powers the machine off.  Every line starts with "xenhv-init:" so a
 * test can find it in the console log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "init_cpus.h"

/* The first line of /proc/cpuinfo that starts with key, value only. */
static int cpuinfo_value(const char *key, char *out, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    int found = 0;

    if (!f)
        return 0;
    while (!found && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, key, strlen(key)) || !colon)
            continue;
        colon += 1 + (colon[1] == ' ');
        colon[strcspn(colon, "\n")] = 0;
        snprintf(out, size, "%s", colon);
        found = 1;
    }
    fclose(f);
    return found;
}

int main(void)
{
    struct utsname u;
    char model[256] = "?";

    /* No console from the kernel (no /dev/console): find one ourselves. */
    if (fcntl(1, F_GETFD) < 0) {
        int fd;
        mkdir("/dev", 0755);
        mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
        fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
    }
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
        dprintf(1, "xenhv-init: mount /proc: %s\n", strerror(errno));
    mount("sysfs", "/sys", "sysfs", 0, NULL);

    dprintf(1, "xenhv-init: hello from userspace (pid %ld)\n", (long)getpid());
    if (!uname(&u))
        dprintf(1, "xenhv-init: uname: %s %s %s\n", u.sysname, u.release, u.machine);
    if (cpuinfo_value("model name", model, sizeof(model)))
        dprintf(1, "xenhv-init: cpu: %s\n", model);
    dprintf(1, "xenhv-init: cpus: %ld\n", count_cpus());
    dprintf(1, "xenhv-init: powering off\n");
    sync();
    reboot(RB_POWER_OFF);
    dprintf(1, "xenhv-init: reboot(RB_POWER_OFF) failed: %s\n", strerror(errno));
    for (;;)
        pause();
}
