/*
 * libxl_lifecycle.h: the public lifecycle API of libxenlight (included by
 * libxl.h): the context and its logger, creating and controlling domains,
 * host information, consoles and the stored domain configuration.  The
 * events a management daemon's own loop receives are in libxl_event.h.
 *
 * Every function returns 0 or a negative ERROR_* code unless it says
 * otherwise.
 */
#ifndef LIBXL_LIFECYCLE_H
#define LIBXL_LIFECYCLE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

/* The logger: a minimal xentoollog-like interface. */
typedef enum libxl_log_level {
    LIBXL_LOG_NONE = 0,
    LIBXL_LOG_DEBUG,
    LIBXL_LOG_VERBOSE,
    LIBXL_LOG_DETAIL,
    LIBXL_LOG_PROGRESS,
    LIBXL_LOG_INFO,
    LIBXL_LOG_NOTICE,
    LIBXL_LOG_WARN,
    LIBXL_LOG_ERROR,
    LIBXL_LOG_CRITICAL,
} libxl_log_level;

typedef struct libxl_logger libxl_logger;
struct libxl_logger {
    /* errnoval is -1 when no errno applies. */
    void (*vmessage)(libxl_logger *lg, libxl_log_level level, int errnoval, const char *context,
                     const char *fmt, va_list al);
    void (*destroy)(libxl_logger *lg);
};

/* A logger writing "libxl: error: ...\n" lines of at least min_level to f. */
libxl_logger *libxl_logger_stdio_new(FILE *f, libxl_log_level min_level);
void libxl_logger_destroy(libxl_logger *lg);

#define LIBXL_VERSION 0

/* ctx_alloc does not connect: the control layer (and xenhv, started on
 * first use) and xenstore are opened by the first call that needs them.
 * lg stays the caller's. */
int libxl_ctx_alloc(libxl_ctx **pctx, int version, unsigned flags, libxl_logger *lg);
int libxl_ctx_free(libxl_ctx *ctx);

/* Asynchronous operations (ao_how): NULL means synchronous; with a
 * callback the call returns 0 at once and the callback runs (in a thread
 * of libxl's) with the result; with for_event only, the result is queued
 * as a LIBXL_EVENT_TYPE_OPERATION_COMPLETE event. */
typedef struct libxl_asyncop_how {
    void (*callback)(libxl_ctx *ctx, int rc, void *for_callback);
    union {
        void *for_callback;
        uint64_t for_event;
    } u;
} libxl_asyncop_how;

typedef struct libxl_asyncprogress_how libxl_asyncprogress_how;

/* Create a domain from d_config; *domid gets its id (also on failure,
 * when one was allocated, INVALID_DOMID otherwise).  A failed create
 * leaves no domain, xenstore entries or files behind.  The domain is left
 * paused: the caller unpauses it (as xl does unless -p). */
int libxl_domain_create_new(libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t *domid,
                            const libxl_asyncop_how *ao_how,
                            const libxl_asyncprogress_how *aop_console_how);

int libxl_domain_destroy(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how);
/* A domain shut down with reason soft_reset (HVM or PVH) goes on: same
 * domain, memory and vCPU 0; event channels, grant table and vcpu_info
 * reset, other vCPUs down, new xenstore and console event channels, a
 * cleared console ring.  It is unpaused when done; on failure it stays
 * paused (xl then destroys it). */
int libxl_domain_soft_reset(libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t domid,
                            const libxl_asyncop_how *ao_how,
                            const libxl_asyncprogress_how *aop_console_how);
int libxl_domain_pause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how);
int libxl_domain_unpause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how);
/* Ask the guest through control/shutdown ("poweroff", "reboot"); the
 * guest acknowledges by clearing the node.  ERROR_NOPARAVIRT when the
 * guest has no PV control interface (no control/feature-... and the node
 * is still unread after the caller's timeout is the caller's business). */
int libxl_domain_shutdown(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how);
int libxl_domain_reboot(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how);
int libxl_domain_rename(libxl_ctx *ctx, uint32_t domid, const char *old_name, const char *new_name);
/* Ask the guest for a magic SysRq (its control/sysrq node, which a Linux
 * guest watches); 0 or ERROR_*. */
int libxl_send_sysrq(libxl_ctx *ctx, uint32_t domid, char sysrq);
/* Write the domain's core to filename as Xen's xc_domain_dumpcore does
 * (an ELF64 core: .note.Xen, .xen_prstatus, .xen_p2m or .xen_pfn,
 * .xen_pages; mode 0600).  A running domain is paused meanwhile.  A
 * failure leaves no file. */
int libxl_domain_core_dump(libxl_ctx *ctx, uint32_t domid, const char *filename,
                           const libxl_asyncop_how *ao_how);

/* Every domain (dom0 included); *nb_domain gets the count.  Free with
 * libxl_dominfo_list_free.  NULL on error. */
libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *nb_domain);
void libxl_dominfo_list_free(libxl_dominfo *list, int nb_domain);
/* Every domain but stub domains, by uuid and id (xl vm-list). */
libxl_vminfo *libxl_list_vm(libxl_ctx *ctx, int *nb_vm);
void libxl_vminfo_list_free(libxl_vminfo *list, int nb_vm);
/* info may be NULL (existence test): ERROR_DOMAIN_NOTFOUND when absent. */
int libxl_domain_info(libxl_ctx *ctx, libxl_dominfo *info, uint32_t domid);
/* Name <-> id, as xl resolves a domain argument.  Name: malloc'd. */
char *libxl_domid_to_name(libxl_ctx *ctx, uint32_t domid);
int libxl_name_to_domid(libxl_ctx *ctx, const char *name, uint32_t *domid);

/* The PV disks attached to a domain (from xenstore: vdev, image, mode);
 * *num gets the count.  Free with libxl_device_disk_list_free.  NULL when
 * there are none. */
libxl_device_disk *libxl_device_disk_list(libxl_ctx *ctx, uint32_t domid, int *num);
void libxl_device_disk_list_free(libxl_device_disk *list, int num);
/* One disk's frontend as the guest left it: state, event channel and ring
 * reference (-1 when not published), backend path and domain. */
int libxl_device_disk_getinfo(libxl_ctx *ctx, uint32_t domid, const libxl_device_disk *disk,
                              libxl_diskinfo *info);
/* Plug a disk into a running domain: its xenstore entries, once xenhv's
 * block backend took the image (else ERROR_FAIL, nothing left), and the
 * stored configuration.  ERROR_DEVICE_EXISTS if the vdev is in use. */
int libxl_device_disk_add(libxl_ctx *ctx, uint32_t domid, libxl_device_disk *disk,
                          const libxl_asyncop_how *ao_how);
/* Unplug it: the backend closes, the guest's frontend follows (up to 10 s,
 * then it is removed anyway); ERROR_NOTFOUND if it is not there. */
int libxl_device_disk_remove(libxl_ctx *ctx, uint32_t domid, libxl_device_disk *disk,
                             const libxl_asyncop_how *ao_how);
/* The same without waiting for the guest (xl block-detach -f). */
int libxl_device_disk_destroy(libxl_ctx *ctx, uint32_t domid, libxl_device_disk *disk,
                              const libxl_asyncop_how *ao_how);
/* The attached disk of that vdev ("xvdb", "51728"), ERROR_NOTFOUND if none. */
int libxl_vdev_to_device_disk(libxl_ctx *ctx, uint32_t domid, const char *vdev,
                              libxl_device_disk *disk);

/* Each vCPU's state, CPU time and hard/soft affinity (bitmaps of
 * *nr_cpus_out host CPUs). */
libxl_vcpuinfo *libxl_list_vcpu(libxl_ctx *ctx, uint32_t domid, int *nb_vcpu, int *nr_cpus_out);
/* Which host CPUs vCPU vcpuid may run on (hard) and prefers (soft); NULL
 * leaves that one as it is.  ERROR_INVAL if the hard map has no online
 * CPU, as Xen. */
int libxl_set_vcpuaffinity(libxl_ctx *ctx, uint32_t domid, uint32_t vcpuid,
                           const libxl_bitmap *cpumap_hard, const libxl_bitmap *cpumap_soft);
/* The same for vCPUs 0 to max_vcpus - 1. */
int libxl_set_vcpuaffinity_all(libxl_ctx *ctx, uint32_t domid, unsigned int max_vcpus,
                               const libxl_bitmap *cpumap_hard, const libxl_bitmap *cpumap_soft);
void libxl_vcpuinfo_list_free(libxl_vcpuinfo *list, int nr);
int libxl_set_vcpuonline(libxl_ctx *ctx, uint32_t domid, libxl_bitmap *cpumap,
                         const libxl_asyncop_how *ao_how);

/* Memory: the maximum (max_mem; the domain may not grow past it) and the
 * balloon target (memory/target in xenstore). */
int libxl_domain_setmaxmem(libxl_ctx *ctx, uint32_t domid, uint64_t target_memkb);
int libxl_set_memory_target(libxl_ctx *ctx, uint32_t domid, int64_t target_memkb, int relative,
                            int enforce);
int libxl_get_memory_target(libxl_ctx *ctx, uint32_t domid, uint64_t *out_target);

int libxl_get_physinfo(libxl_ctx *ctx, libxl_physinfo *physinfo);
const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx);
/* The hypervisor's console ring (xl dmesg): the whole text, malloc'd. */
int libxl_read_console_ring(libxl_ctx *ctx, int clear, char **text);
/* Press the hypervisor's debug keys (their output goes to its console
 * ring); 0 or ERROR_*. */
int libxl_send_debug_keys(libxl_ctx *ctx, char *keys);
int libxl_get_free_memory(libxl_ctx *ctx, uint64_t *memkb);
/* The running scheduler. */
libxl_scheduler libxl_get_scheduler(libxl_ctx *ctx);
/* A domain's start time (seconds since the epoch), (uint32_t)-1 if unknown. */
uint32_t libxl_vm_get_start_time(libxl_ctx *ctx, uint32_t domid);

/* The pty of a domain's console (cons_num 0: the PV console, or the
 * serial one of an HVM guest with type SERIAL).  malloc'd path. */
int libxl_console_get_tty(libxl_ctx *ctx, uint32_t domid, int cons_num, libxl_console_type type,
                          char **path);
int libxl_primary_console_get_tty(libxl_ctx *ctx, uint32_t domid_vm, char **path);

/* The configuration a domain was created with (as stored at creation,
 * with what changed since: name, memory). */
int libxl_retrieve_domain_configuration(libxl_ctx *ctx, uint32_t domid,
                                        libxl_domain_config *d_config,
                                        const libxl_asyncop_how *ao_how);

#endif
