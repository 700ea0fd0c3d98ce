/*
 * elfnote.h: the Xen ELF note types (Xen 4.17 public ABI), as a guest
 * kernel declares them in notes named "Xen" (PT_NOTE segments or SHT_NOTE
 * sections).  Numeric notes carry a little-endian integer of 1, 2, 4 or 8
 * bytes; string notes a NUL-terminated string.
 */
#ifndef XEN_PUBLIC_ELFNOTE_H
#define XEN_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO               0  /* string: NAME=VALUE (legacy) */
#define XEN_ELFNOTE_ENTRY              1  /* numeric: virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE     2  /* numeric: virtual address */
#define XEN_ELFNOTE_VIRT_BASE          3  /* numeric: kernel mapping base */
#define XEN_ELFNOTE_PADDR_OFFSET       4  /* numeric: p_paddr bias */
#define XEN_ELFNOTE_XEN_VERSION        5  /* string: "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS           6  /* string: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION      7  /* string */
#define XEN_ELFNOTE_LOADER             8  /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE           9  /* string: yes, no, bimodal, yes[extended-cr3] */
#define XEN_ELFNOTE_FEATURES           10 /* string: feat|!required_feat|... */
#define XEN_ELFNOTE_BSD_SYMTAB         11 /* string: "yes" or "no" */
#define XEN_ELFNOTE_HV_START_LOW       12 /* numeric: lowest hypervisor hole start */
#define XEN_ELFNOTE_L1_MFN_VALID       13 /* numeric pairs: mask, value */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14 /* numeric */
#define XEN_ELFNOTE_INIT_P2M           15 /* numeric: virtual address of the p2m */
#define XEN_ELFNOTE_MOD_START_PFN      16 /* numeric */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* numeric: XENFEAT bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY       18 /* numeric: 32-bit physical entry (PVH) */

/* The highest note type Xen 4.17 knows. */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes in Xen crash dumps and domain core files, not in kernels. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* XEN_PUBLIC_ELFNOTE_H */
