/*
 * libxl_elf.h: the kernel image loader (internal).  A guest kernel is
 * hostile input: these functions check every offset, size, segment and
 * note before using it, say precisely what is wrong with a bad image, and
 * never write outside the destination they are given.  They are a pure
 * core: no libxl context, no I/O, no logging; errors are returned as a
 * libxl error code plus a message in a libxl__elf_err.
 *
 *   file bytes --libxl__kernel_unwrap--> ELF bytes   (gzip, bzImage, plain)
 *   ELF bytes  --libxl__elf_parse------> libxl__elf_info (segments, notes,
 *                                        entry, extents for PV/PVH/plain)
 *   ELF bytes + info --libxl__elf_load-> segments copied into a
 *                                        (host buffer, guest-physical base,
 *                                        size) destination, bss zeroed
 */
#ifndef LIBXL_ELF_H
#define LIBXL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return values: 0 or these, equal to libxl's ERROR_NOMEM/ERROR_INVAL. */
#define LIBXL__ELF_ERROR_NOMEM (-5)
#define LIBXL__ELF_ERROR_INVAL (-6)

/* At most this many PT_LOAD segments (a vmlinux has about five). */
#define LIBXL__ELF_MAX_SEGS 32
/* The loadable extent of a kernel (lowest to highest address) is at most this. */
#define LIBXL__ELF_MAX_EXTENT (UINT64_C(1) << 30)
/* At most this many notes (of any owner) in all note segments or sections. */
#define LIBXL__ELF_MAX_NOTES 4096
/* Default limit for decompressed kernels and ramdisks. */
#define LIBXL__INFLATE_DEFAULT_LIMIT ((size_t)1 << 30)

/* What went wrong, e.g. "segment 2: p_offset+p_filesz beyond end of image (0x.. > 0x..)". */
typedef struct libxl__elf_err {
    char msg[256];
} libxl__elf_err;

/* How the domain builder will start the kernel. */
typedef enum libxl__elf_mode {
    LIBXL__ELF_MODE_PLAIN, /* firmware: p_paddr as is, entry e_entry */
    LIBXL__ELF_MODE_PV,    /* Xen PV: by its Xen notes or __xen_guest */
    LIBXL__ELF_MODE_PVH,   /* PVH: p_paddr as is, entry XEN_ELFNOTE_PHYS32_ENTRY */
} libxl__elf_mode;

typedef enum libxl__elf_pae {
    LIBXL__ELF_PAE_UNSET = 0,
    LIBXL__ELF_PAE_NO,
    LIBXL__ELF_PAE_YES,
    LIBXL__ELF_PAE_EXTENDED_CR3,
    LIBXL__ELF_PAE_BIMODAL,
} libxl__elf_pae;

/* Where the Xen notes came from. */
typedef enum libxl__elf_note_source {
    LIBXL__ELF_NOTES_NONE = 0,
    LIBXL__ELF_NOTES_PT_NOTE,   /* PT_NOTE program headers */
    LIBXL__ELF_NOTES_SHT_NOTE,  /* SHT_NOTE sections */
    LIBXL__ELF_NOTES_XEN_GUEST, /* the legacy __xen_guest section string */
} libxl__elf_note_source;

#define LIBXL__ELF_NOTE_STR 64

/* The Xen notes as found (before defaults). */
typedef struct libxl__elf_notes {
    libxl__elf_note_source source;
    uint32_t found; /* bit n: XEN_ELFNOTE n (or its __xen_guest key) seen */
    char guest_os[LIBXL__ELF_NOTE_STR];
    char guest_version[LIBXL__ELF_NOTE_STR];
    char xen_version[LIBXL__ELF_NOTE_STR];
    char loader[LIBXL__ELF_NOTE_STR];
    uint64_t entry;          /* ENTRY / VIRT_ENTRY */
    uint64_t hypercall_page; /* HYPERCALL_PAGE (virtual address) */
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t hv_start_low;
    uint64_t l1_mfn_valid_mask, l1_mfn_valid_value; /* first pair */
    uint64_t suspend_cancel;
    uint64_t init_p2m;
    uint64_t mod_start_pfn;
    uint32_t phys32_entry;
    uint32_t features_supported; /* XENFEAT_* bits, submap 0 */
    uint32_t features_required;
    libxl__elf_pae pae;
    bool bsd_symtab;
    unsigned nr_parsed; /* notes of any owner walked, for LIBXL__ELF_MAX_NOTES */
} libxl__elf_notes;

#define LIBXL__ELF_HAS_NOTE(notes, type) (((notes)->found >> (type)) & 1u)

/* One PT_LOAD segment with p_memsz > 0, as checked. */
typedef struct libxl__elf_seg {
    unsigned index; /* program header index */
    uint64_t offset, filesz, memsz, paddr, vaddr;
} libxl__elf_seg;

typedef struct libxl__elf_info {
    int elf_class; /* 32 or 64 */
    uint16_t machine;
    uint64_t e_entry;
    unsigned nr_segs;
    libxl__elf_seg segs[LIBXL__ELF_MAX_SEGS]; /* sorted by paddr, disjoint */
    uint64_t paddr_start, paddr_end;          /* [lowest p_paddr, highest p_paddr+p_memsz) */
    uint64_t vaddr_start, vaddr_end;
    libxl__elf_notes notes;

    /* What the domain builder uses, for the mode given to parse. */
    libxl__elf_mode mode;
    uint64_t virt_base;    /* PV: VIRT_BASE (default 0); else 0 */
    uint64_t paddr_offset; /* PV: PADDR_OFFSET with Xen's defaults; else 0 */
    uint64_t virt_kstart;  /* PV: the kernel's virtual extent; else = phys */
    uint64_t virt_kend;
    uint64_t entry;          /* PV: virtual entry; PVH: PHYS32_ENTRY; plain: e_entry */
    uint64_t hypercall_page; /* PV: virtual address, 0 if none */
    uint64_t phys_start;     /* guest-physical extent libxl__elf_load writes: */
    uint64_t phys_end;       /*   segment at p_paddr - paddr_offset */
} libxl__elf_info;

/* A destination: host buffer buf holds guest-physical [base, base+size). */
typedef struct libxl__elf_dest {
    void *buf;
    uint64_t base;
    uint64_t size;
} libxl__elf_dest;

/* Parse and check an x86 ELF32/ELF64 image for mode; fills *info. */
int libxl__elf_parse(const void *image, size_t size, libxl__elf_mode mode, libxl__elf_info *info,
                     libxl__elf_err *err);

/*
 * Copy the segments of image (as parsed into info) into dest and zero
 * their bss.  Everything is checked before the first byte is written: on
 * error dest is untouched.
 */
int libxl__elf_load(const void *image, size_t size, const libxl__elf_info *info,
                    const libxl__elf_dest *dest, libxl__elf_err *err);

/* Name of XEN_ELFNOTE type n ("PHYS32_ENTRY"), or NULL if unknown. */
const char *libxl__elf_note_name(unsigned type);

/* Notes parsing (libxl_elf_notes.c), used by libxl__elf_parse. */
int libxl__elf_notes_parse(const uint8_t *p, uint64_t len, uint64_t align, const char *where,
                           libxl__elf_notes *notes, bool *found_xen, libxl__elf_err *err);
int libxl__elf_xen_guest_parse(const uint8_t *p, uint64_t len, libxl__elf_notes *notes,
                               libxl__elf_err *err);
int libxl__elf_features_parse(const char *s, uint32_t *supported, uint32_t *required,
                              libxl__elf_err *err);

/*
 * A decompressor's output (libxl_inflate.c): a buffer grown by doubling up
 * to a hard limit, so a decompression bomb costs at most limit bytes; the
 * first size is a hint (capped at 64 MiB), never trusted.
 */
typedef struct {
    uint8_t *buf;
    size_t cap, used, limit;
} libxl__unpack_out;
int libxl__unpack_out_init(libxl__unpack_out *o, size_t hint, size_t limit);
/* Room for more output when full; the error names format at the limit. */
int libxl__unpack_out_grow(libxl__unpack_out *o, const char *format, libxl__elf_err *err);
/* The output, trimmed, handed to the caller (*out freed by it). */
void libxl__unpack_out_take(libxl__unpack_out *o, void **out, size_t *out_size);

/* gzip (libxl_inflate.c). */
bool libxl__gzip_detect(const void *data, size_t size);
/*
 * Inflate one gzip member into a new buffer (*out, freed by the caller)
 * of at most limit bytes; more output than that is an error, so a
 * decompression bomb costs at most limit bytes.
 */
int libxl__gzip_inflate(const void *data, size_t size, size_t limit, void **out, size_t *out_size,
                        libxl__elf_err *err);

/* xz (libxl_unxz.c): one xz stream, trailing bytes ignored, same limits. */
bool libxl__xz_detect(const void *data, size_t size);
int libxl__xz_decode(const void *data, size_t size, size_t limit, void **out, size_t *out_size,
                     libxl__elf_err *err);

/* Linux bzImage (libxl_bzimage.c). */
bool libxl__bzimage_detect(const void *image, size_t size);
/* The compressed payload (a vmlinux) inside a bzImage: a range of image. */
int libxl__bzimage_payload(const void *image, size_t size, const uint8_t **payload,
                           size_t *payload_size, libxl__elf_err *err);

/*
 * A kernel file as read to ELF bytes: a bzImage's payload or a gzip file
 * is inflated (at most limit bytes) into a new buffer (*to_free, which the
 * caller frees); a plain ELF is returned in place (*to_free = NULL).
 */
int libxl__kernel_unwrap(const void *file, size_t size, size_t limit, const uint8_t **elf,
                         size_t *elf_size, void **to_free, libxl__elf_err *err);

/* Format err (printf-style) and return LIBXL__ELF_ERROR_INVAL. */
int libxl__elf_fail(libxl__elf_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* LIBXL_ELF_H */
