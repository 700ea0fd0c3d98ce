/*
 * libxl_dom.h: the domain builder's shared pieces (internal): guest
 * memory (populate, map through the control layer's zero-copy foreign
 * mapping, bounded writes), hypercall helpers the builders use (HVM
 * params, event channels, vCPU state) and the per-type builders.
 */
#ifndef LIBXL_DOM_H
#define LIBXL_DOM_H

#include <stdbool.h>
#include <stdint.h>

#include "libxl_elf.h"
#include "libxl_internal.h"

/* Guest RAM [0, nr_pages) mapped at ram (contiguous, zero-copy). */
typedef struct libxl__guest_mem {
    uint32_t domid;
    uint8_t *ram;
    uint64_t nr_pages;
    uint64_t hole_start, hole_end; /* guest-physical, unpopulated (full HVM's VGA hole) */
} libxl__guest_mem;

/* Populate [pfn, pfn+count) and account it. */
int libxl__dom_populate(libxl_ctx *ctx, uint32_t domid, uint64_t pfn, uint64_t count);
/* The same, keeping the frame numbers the hypervisor returns (machine
 * frames for a PV domain, as on Xen) in mfns[0..count). */
int libxl__dom_populate_mfns(libxl_ctx *ctx, uint32_t domid, uint64_t pfn, uint64_t count,
                             uint64_t *mfns);
/* Map [pfn, pfn+count) of domid; NULL on failure. */
void *libxl__dom_map(libxl_ctx *ctx, uint32_t domid, uint64_t pfn, uint64_t count);
void libxl__dom_unmap(libxl_ctx *ctx, void *addr, uint64_t count);
/* Map RAM [0, nr_pages); frames in m->hole_start..hole_end (set by the
 * caller, may be empty) are not populated and stay inaccessible. */
int libxl__guest_mem_map(libxl_ctx *ctx, uint32_t domid, uint64_t nr_pages, libxl__guest_mem *m);
/* Is guest-physical [gpa, gpa+len) mapped RAM (inside, not in the hole)? */
bool libxl__guest_range_ok(const libxl__guest_mem *m, uint64_t gpa, uint64_t len);
void libxl__guest_mem_unmap(libxl_ctx *ctx, libxl__guest_mem *m);
/* Host pointer for guest-physical [gpa, gpa+len) inside RAM, or NULL. */
void *libxl__guest_ptr(const libxl__guest_mem *m, uint64_t gpa, uint64_t len);

int libxl__hvm_param_set(libxl_ctx *ctx, uint32_t domid, uint32_t index, uint64_t value);
int libxl__hvm_param_get(libxl_ctx *ctx, uint32_t domid, uint32_t index, uint64_t *value);
/* An unbound port of domid for remote to bind; *port gets it. */
int libxl__evtchn_alloc_unbound(libxl_ctx *ctx, uint32_t domid, uint32_t remote, uint32_t *port);
int libxl__set_vcpu_context(libxl_ctx *ctx, uint32_t domid, uint32_t vcpu,
                            const struct vcpu_guest_context *c);
int libxl__set_hvm_context(libxl_ctx *ctx, uint32_t domid, const void *blob, uint32_t size);

/* A kernel or firmware file read and unwrapped (gzip, bzImage). */
typedef struct libxl__kernel {
    void *file;     /* the file as read */
    void *inflated; /* the unwrapped ELF when it was compressed */
    const uint8_t *elf;
    size_t elf_size;
    libxl__elf_info info;
} libxl__kernel;
int libxl__kernel_read(libxl_ctx *ctx, const char *path, libxl__elf_mode mode, libxl__kernel *k);
void libxl__kernel_free(libxl__kernel *k);
/* A whole file (ramdisk, firmware module), gzip inflated. */
int libxl__file_read(libxl_ctx *ctx, const char *path, bool inflate, void **data, size_t *size);

/* The builders: memory populated, image loaded, special pages, vCPU 0. */
int libxl__build_pvh(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                     libxl__dom_build *st);
int libxl__build_hvm(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                     libxl__dom_build *st);
int libxl__build_pv(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg, libxl__dom_build *st);

/* HVM and PVH share the layout (libxl_dom_hvm_layout.c): RAM, special
 * pages as libxenguest places them, hvm_start_info, the BSP's state. */
#define LIBXL__HVM_END_SPECIAL_REGION   0xff000u
#define LIBXL__HVM_NR_SPECIAL_PAGES     8u
#define LIBXL__HVM_SPECIALPAGE_XENSTORE 4u
#define LIBXL__HVM_SPECIALPAGE_IDENT_PT 6u
#define LIBXL__HVM_SPECIALPAGE_CONSOLE  7u
#define LIBXL__HVM_SPECIAL_PFN(x)                                                                  \
    (LIBXL__HVM_END_SPECIAL_REGION - LIBXL__HVM_NR_SPECIAL_PAGES + (x))
/* Below-4G RAM ends here at the latest (the MMIO hole above). */
#define LIBXL__HVM_MMIO_HOLE_START 0xf0000000ull

typedef struct libxl__hvm_image {
    uint64_t entry;     /* 32-bit flat entry point */
    const uint8_t *elf; /* to load (with info) */
    size_t elf_size;
    const libxl__elf_info *info;
    const void *module; /* ramdisk (PVH) or NULL */
    size_t module_size;
    const char *cmdline; /* or NULL */
} libxl__hvm_image;

int libxl__hvm_build_common(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                            const libxl__hvm_image *img, libxl__dom_build *st);
/* Reads the image at path (PVH kernel or HVM firmware, by mode) and the
 * ramdisk, then libxl__hvm_build_common. */
int libxl__hvm_build_image(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *cfg,
                           const char *path, libxl__elf_mode mode, libxl__dom_build *st);

#endif
