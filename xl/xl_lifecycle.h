/*
 * xl_lifecycle.h: what xl's lifecycle command families share: the libxl
 * context, resolving a domain argument as real xl does, memory sizes,
 * the monitor (on_* actions) and their main_* entry points.
 */
#ifndef XL_LIFECYCLE_H
#define XL_LIFECYCLE_H

#include <stdint.h>

#include "libxl.h"

/* The process's libxl context (logger on stderr; -v lowers its level). */
libxl_ctx *xl_ctx(void);
/* In a forked child: forget the parent's connections. */
void xl_ctx_postfork(void);
/* A domain id (digits, not checked) or name, as libxl's
 * libxl_domain_qualifier_to_domid: 0, or the lookup's error. */
int xl_domain_qualifier_to_domid(const char *arg, uint32_t *domid);
/* A domain name or id; exits with real xl's message when unknown.
 * *name (may be NULL) gets the malloc'd name. */
uint32_t xl_find_domain(const char *arg, char **name);
/* "64", "64m", "512k", "1g", "2t", "4096b" -> kB (default unit MiB), -1 if bad. */
int64_t xl_parse_mem_size_kb(const char *mem);
/* "[ d day(s), ] hh:mm:ss" as real xl prints uptime. */
void xl_uptime_string(unsigned long secs, int short_mode, char *out, size_t len);

/* Start a created domain's life as real xl does: unpause unless paused,
 * then (unless no_monitor) a monitor process carrying out the on_*
 * actions, in the background unless foreground.  Returns an exit status. */
int xl_domain_started(libxl_domain_config *cfg, uint32_t domid, int paused, int no_monitor,
                      int foreground, int console);
/* Attach the terminal to a domain's console (xl_console.c). */
int xl_console_attach(uint32_t domid, libxl_console_type type, int num);

int main_list(int argc, char **argv);
int main_vm_list(int argc, char **argv);
int main_destroy(int argc, char **argv);
int main_shutdown(int argc, char **argv);
int main_reboot(int argc, char **argv);
int main_pause(int argc, char **argv);
int main_unpause(int argc, char **argv);
int main_rename(int argc, char **argv);
int main_sysrq(int argc, char **argv);
int main_dump_core(int argc, char **argv);
int main_domid(int argc, char **argv);
int main_domname(int argc, char **argv);
int main_console(int argc, char **argv);
int main_dmesg(int argc, char **argv);
int main_debug_keys(int argc, char **argv);
int main_info(int argc, char **argv);
int main_uptime(int argc, char **argv);
int main_vcpulist(int argc, char **argv);
int main_blocklist(int argc, char **argv);
int main_blockattach(int argc, char **argv);
int main_blockdetach(int argc, char **argv);
int main_vcpuset(int argc, char **argv);
int main_vcpupin(int argc, char **argv);
int main_memset(int argc, char **argv);
int main_memmax(int argc, char **argv);

#endif
