/*
 * libxl_elf_notes.c: the Xen notes of a kernel image: the "Xen" ELF notes
 * (one table: type, name, kind, destination field), the legacy
 * __xen_guest string ("GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=...") and
 * the FEATURES string ("writable_page_tables|!dom0").  The bytes are
 * hostile: every note header, size and string is bounds-checked.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "libxl_elf.h"
#include "public/elfnote.h"

#define X(v) ((unsigned long long)(v))

/* XENFEAT_* bit numbers (Xen public features.h) that kernels name. */
static const struct {
    const char *name;
    unsigned bit;
} feature_names[] = {
    {"writable_page_tables", 0},
    {"writable_descriptor_tables", 1},
    {"auto_translated_physmap", 2},
    {"supervisor_mode_kernel", 3},
    {"pae_pgdir_above_4gb", 4},
    {"hvm_callback_vector", 8},
    {"dom0", 11},
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int libxl__elf_features_parse(const char *s, uint32_t *supported, uint32_t *required,
                              libxl__elf_err *err)
{
    while (*s) {
        bool req = false;
        size_t len;
        unsigned i;

        if (*s == '|') {
            s++;
            continue;
        }
        if (*s == '!') {
            req = true;
            s++;
        }
        len = strcspn(s, "|");
        for (i = 0; i < ARRAY_SIZE(feature_names); i++)
            if (strlen(feature_names[i].name) == len && !memcmp(s, feature_names[i].name, len))
                break;
        if (i == ARRAY_SIZE(feature_names))
            return libxl__elf_fail(err, "FEATURES: unknown feature '%.*s'",
                                   (int)(len > 64 ? 64 : len), s);
        *supported |= 1u << feature_names[i].bit;
        if (req)
            *required |= 1u << feature_names[i].bit;
        s += len;
    }
    return 0;
}

static const struct {
    const char *name;
    libxl__elf_pae mode;
} pae_names[] = {
    {"no", LIBXL__ELF_PAE_NO},
    {"yes", LIBXL__ELF_PAE_YES},
    {"yes[extended-cr3]", LIBXL__ELF_PAE_EXTENDED_CR3},
    {"bimodal", LIBXL__ELF_PAE_BIMODAL},
};

static int pae_parse(const char *s, libxl__elf_pae *pae, libxl__elf_err *err)
{
    for (unsigned i = 0; i < ARRAY_SIZE(pae_names); i++) {
        if (!strcmp(s, pae_names[i].name)) {
            *pae = pae_names[i].mode;
            return 0;
        }
    }
    return libxl__elf_fail(err, "PAE_MODE: unknown mode '%.64s'", s);
}

/* How a note's descriptor is read and where it goes. */
enum note_kind {
    NOTE_IGNORE,   /* known, carries nothing the builder uses */
    NOTE_NUM,      /* integer into a uint64_t field */
    NOTE_NUM32,    /* integer that must fit 32 bits, into a uint32_t field */
    NOTE_STR,      /* string into a char[LIBXL__ELF_NOTE_STR] field */
    NOTE_FEATURES, /* FEATURES string */
    NOTE_FEATMAP,  /* SUPPORTED_FEATURES bitmap */
    NOTE_PAE,      /* PAE_MODE string */
    NOTE_BOOL_STR, /* "yes" or "no" */
    NOTE_L1_MFN,   /* mask/value pairs */
};

#define F(field) offsetof(libxl__elf_notes, field)

static const struct note_type {
    const char *name;
    enum note_kind kind;
    size_t field;
} note_types[XEN_ELFNOTE_MAX + 1] = {
    [XEN_ELFNOTE_INFO] = {"INFO", NOTE_IGNORE, 0},
    [XEN_ELFNOTE_ENTRY] = {"ENTRY", NOTE_NUM, F(entry)},
    [XEN_ELFNOTE_HYPERCALL_PAGE] = {"HYPERCALL_PAGE", NOTE_NUM, F(hypercall_page)},
    [XEN_ELFNOTE_VIRT_BASE] = {"VIRT_BASE", NOTE_NUM, F(virt_base)},
    [XEN_ELFNOTE_PADDR_OFFSET] = {"PADDR_OFFSET", NOTE_NUM, F(paddr_offset)},
    [XEN_ELFNOTE_XEN_VERSION] = {"XEN_VERSION", NOTE_STR, F(xen_version)},
    [XEN_ELFNOTE_GUEST_OS] = {"GUEST_OS", NOTE_STR, F(guest_os)},
    [XEN_ELFNOTE_GUEST_VERSION] = {"GUEST_VERSION", NOTE_STR, F(guest_version)},
    [XEN_ELFNOTE_LOADER] = {"LOADER", NOTE_STR, F(loader)},
    [XEN_ELFNOTE_PAE_MODE] = {"PAE_MODE", NOTE_PAE, F(pae)},
    [XEN_ELFNOTE_FEATURES] = {"FEATURES", NOTE_FEATURES, 0},
    [XEN_ELFNOTE_BSD_SYMTAB] = {"BSD_SYMTAB", NOTE_BOOL_STR, F(bsd_symtab)},
    [XEN_ELFNOTE_HV_START_LOW] = {"HV_START_LOW", NOTE_NUM, F(hv_start_low)},
    [XEN_ELFNOTE_L1_MFN_VALID] = {"L1_MFN_VALID", NOTE_L1_MFN, 0},
    [XEN_ELFNOTE_SUSPEND_CANCEL] = {"SUSPEND_CANCEL", NOTE_NUM, F(suspend_cancel)},
    [XEN_ELFNOTE_INIT_P2M] = {"INIT_P2M", NOTE_NUM, F(init_p2m)},
    [XEN_ELFNOTE_MOD_START_PFN] = {"MOD_START_PFN", NOTE_NUM, F(mod_start_pfn)},
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = {"SUPPORTED_FEATURES", NOTE_FEATMAP, 0},
    [XEN_ELFNOTE_PHYS32_ENTRY] = {"PHYS32_ENTRY", NOTE_NUM32, F(phys32_entry)},
};

const char *libxl__elf_note_name(unsigned type)
{
    return type <= XEN_ELFNOTE_MAX ? note_types[type].name : NULL;
}

/* A little-endian integer of 1, 2, 4 or 8 bytes. */
static int read_num(const uint8_t *d, uint64_t len, const char *what, uint64_t *v,
                    libxl__elf_err *err)
{
    if (len != 1 && len != 2 && len != 4 && len != 8)
        return libxl__elf_fail(err, "%s: descsz %llu (numbers are 1, 2, 4 or 8 bytes)", what,
                               X(len));
    *v = 0;
    for (unsigned i = 0; i < len; i++)
        *v |= (uint64_t)d[i] << (8 * i);
    return 0;
}

/*
 * A string in desc, copied NUL-terminated to out[outsz]: up to its NUL,
 * or all descsz bytes when there is none.  Linux writes its FEATURES note
 * with .ascii (no NUL; 6.1: "!writable_page_tables|pae_pgdir_above_4gb"
 * in 41 bytes), and Xen's libelf reads it on into the note's zero padding.
 */
static int read_str(const uint8_t *d, uint64_t len, const char *what, char *out, size_t outsz,
                    libxl__elf_err *err)
{
    const uint8_t *nul = len ? memchr(d, 0, len) : NULL;
    uint64_t n = nul ? (uint64_t)(nul - d) : len;

    if (n >= outsz)
        return libxl__elf_fail(err, "%s: string too long (%llu bytes, max %zu)", what, X(n),
                               outsz - 1);
    memcpy(out, d, n);
    out[n] = 0;
    return 0;
}

static int note_apply(unsigned type, const uint8_t *d, uint64_t len, const char *what,
                      libxl__elf_notes *n, libxl__elf_err *err)
{
    const struct note_type *t = &note_types[type];
    char *field = (char *)n + t->field;
    char str[256];
    uint64_t v = 0;
    int rc = 0;

    switch (t->kind) {
    case NOTE_IGNORE:
        break;
    case NOTE_NUM:
        rc = read_num(d, len, what, &v, err);
        if (!rc)
            memcpy(field, &v, sizeof(v));
        break;
    case NOTE_NUM32:
        rc = read_num(d, len, what, &v, err);
        if (!rc && v > UINT32_MAX)
            rc = libxl__elf_fail(err, "%s: value 0x%llx does not fit 32 bits", what, X(v));
        if (!rc) {
            uint32_t v32 = (uint32_t)v;
            memcpy(field, &v32, sizeof(v32));
        }
        break;
    case NOTE_STR:
        rc = read_str(d, len, what, field, LIBXL__ELF_NOTE_STR, err);
        break;
    case NOTE_FEATURES:
        rc = read_str(d, len, what, str, sizeof(str), err);
        if (!rc)
            rc = libxl__elf_features_parse(str, &n->features_supported, &n->features_required, err);
        break;
    case NOTE_FEATMAP:
        /* A bitmap of 32-bit words; only submap 0 has defined features. */
        if (len < 4 || len % 4)
            return libxl__elf_fail(err, "%s: descsz %llu is not a multiple of 4", what, X(len));
        rc = read_num(d, 4, what, &v, err);
        n->features_supported |= (uint32_t)v;
        break;
    case NOTE_PAE:
        rc = read_str(d, len, what, str, sizeof(str), err);
        if (!rc)
            rc = pae_parse(str, &n->pae, err);
        break;
    case NOTE_BOOL_STR:
        rc = read_str(d, len, what, str, sizeof(str), err);
        if (!rc)
            n->bsd_symtab = !strcmp(str, "yes");
        break;
    case NOTE_L1_MFN:
        /* Pairs of mask, value: 4-byte (ELF32 kernels) or 8-byte. */
        if (len == 8) {
            read_num(d, 4, what, &n->l1_mfn_valid_mask, err);
            read_num(d + 4, 4, what, &n->l1_mfn_valid_value, err);
        } else if (len >= 16 && len % 16 == 0) {
            read_num(d, 8, what, &n->l1_mfn_valid_mask, err);
            read_num(d + 8, 8, what, &n->l1_mfn_valid_value, err);
        } else {
            rc = libxl__elf_fail(err, "%s: descsz %llu is not a list of mask/value pairs", what,
                                 X(len));
        }
        break;
    }
    if (!rc)
        n->found |= 1u << type;
    return rc;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1); /* v < 2^33 here: no overflow */
}

int libxl__elf_notes_parse(const uint8_t *p, uint64_t len, uint64_t align, const char *where,
                           libxl__elf_notes *notes, bool *found_xen, libxl__elf_err *err)
{
    uint64_t off = 0;

    while (len - off >= 12) {
        uint32_t namesz = rd32(p + off), descsz = rd32(p + off + 4), type = rd32(p + off + 8);
        uint64_t name_off = off + 12;
        uint64_t desc_off = name_off + round_up(namesz, align);
        const uint8_t *name = p + name_off;
        char what[96];
        int rc;

        if (desc_off > len)
            return libxl__elf_fail(err,
                                   "%s: note at offset 0x%llx: namesz 0x%x beyond end of notes "
                                   "(0x%llx > 0x%llx)",
                                   where, X(off), namesz, X(desc_off), X(len));
        if (descsz > len - desc_off)
            return libxl__elf_fail(err,
                                   "%s: note at offset 0x%llx: descsz 0x%x beyond end of notes "
                                   "(0x%llx > 0x%llx)",
                                   where, X(off), descsz, X(desc_off + descsz), X(len));
        if (++notes->nr_parsed > LIBXL__ELF_MAX_NOTES)
            return libxl__elf_fail(err, "%s: more than %u notes", where, LIBXL__ELF_MAX_NOTES);
        if (namesz == 4 && !memcmp(name, "Xen", 4)) {
            *found_xen = true;
            if (type <= XEN_ELFNOTE_MAX) {
                snprintf(what, sizeof(what), "%s: note %s", where, note_types[type].name);
                rc = note_apply(type, p + desc_off, descsz, what, notes, err);
                if (rc)
                    return rc;
            }
        }
        off = desc_off + round_up(descsz, align);
        if (off > len)
            break;
    }
    return 0;
}

/* __xen_guest keys: the note each one stands for, and how it is read. */
enum guest_kind { GUEST_STR, GUEST_NUM, GUEST_PAGE, GUEST_FEATURES, GUEST_PAE, GUEST_PRESENT };

static const struct {
    const char *key;
    unsigned note;
    enum guest_kind kind;
    size_t field;
} guest_keys[] = {
    {"GUEST_OS", XEN_ELFNOTE_GUEST_OS, GUEST_STR, F(guest_os)},
    {"GUEST_VER", XEN_ELFNOTE_GUEST_VERSION, GUEST_STR, F(guest_version)},
    {"XEN_VER", XEN_ELFNOTE_XEN_VERSION, GUEST_STR, F(xen_version)},
    {"LOADER", XEN_ELFNOTE_LOADER, GUEST_STR, F(loader)},
    {"VIRT_BASE", XEN_ELFNOTE_VIRT_BASE, GUEST_NUM, F(virt_base)},
    {"VIRT_ENTRY", XEN_ELFNOTE_ENTRY, GUEST_NUM, F(entry)},
    {"ELF_PADDR_OFFSET", XEN_ELFNOTE_PADDR_OFFSET, GUEST_NUM, F(paddr_offset)},
    {"HYPERCALL_PAGE", XEN_ELFNOTE_HYPERCALL_PAGE, GUEST_PAGE, F(hypercall_page)},
    {"FEATURES", XEN_ELFNOTE_FEATURES, GUEST_FEATURES, 0},
    {"PAE", XEN_ELFNOTE_PAE_MODE, GUEST_PAE, 0},
    {"BSD_SYMTAB", XEN_ELFNOTE_BSD_SYMTAB, GUEST_PRESENT, F(bsd_symtab)},
};

/* A whole decimal or 0x-hex number, without overflow. */
static bool parse_u64(const char *s, uint64_t *v)
{
    unsigned base = 10;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (*v = 0; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return false;
        if (*v > (UINT64_MAX - d) / base)
            return false;
        *v = *v * base + d;
    }
    return true;
}

static int guest_item(const char *item, libxl__elf_notes *n, uint64_t *hypercall_pfn,
                      libxl__elf_err *err)
{
    const char *eq = strchr(item, '=');
    size_t klen = eq ? (size_t)(eq - item) : strlen(item);
    const char *val = eq ? eq + 1 : "";
    uint64_t v;

    for (unsigned i = 0; i < ARRAY_SIZE(guest_keys); i++) {
        char *field = (char *)n + guest_keys[i].field;
        int rc = 0;

        if (strlen(guest_keys[i].key) != klen || memcmp(item, guest_keys[i].key, klen))
            continue;
        switch (guest_keys[i].kind) {
        case GUEST_STR:
            if (strlen(val) >= LIBXL__ELF_NOTE_STR)
                return libxl__elf_fail(err, "__xen_guest: %s: value too long (max %d bytes)",
                                       guest_keys[i].key, LIBXL__ELF_NOTE_STR - 1);
            strcpy(field, val);
            break;
        case GUEST_NUM:
        case GUEST_PAGE:
            if (!parse_u64(val, &v))
                return libxl__elf_fail(err, "__xen_guest: %s: bad number '%.32s'",
                                       guest_keys[i].key, val);
            if (guest_keys[i].kind == GUEST_PAGE)
                *hypercall_pfn = v;
            else
                memcpy(field, &v, sizeof(v));
            break;
        case GUEST_FEATURES:
            rc = libxl__elf_features_parse(val, &n->features_supported, &n->features_required, err);
            break;
        case GUEST_PAE:
            rc = pae_parse(val, &n->pae, err);
            break;
        case GUEST_PRESENT:
            *(bool *)field = true;
            break;
        }
        if (rc)
            return rc;
        n->found |= 1u << guest_keys[i].note;
        return 0;
    }
    return 0; /* unknown keys are ignored, as Xen does */
}

int libxl__elf_xen_guest_parse(const uint8_t *p, uint64_t len, libxl__elf_notes *n,
                               libxl__elf_err *err)
{
    char s[1024], *item, *save = NULL;
    uint64_t hypercall_pfn = 0;
    const uint8_t *nul = len ? memchr(p, 0, len) : NULL;
    size_t slen = nul ? (size_t)(nul - p) : len;
    int rc;

    if (slen >= sizeof(s))
        return libxl__elf_fail(err, "__xen_guest: string too long (%zu bytes, max %zu)", slen,
                               sizeof(s) - 1);
    memcpy(s, p, slen);
    s[slen] = 0;
    for (item = strtok_r(s, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        rc = guest_item(item, n, &hypercall_pfn, err);
        if (rc)
            return rc;
    }
    /* The legacy value is a page number relative to VIRT_BASE. */
    if (LIBXL__ELF_HAS_NOTE(n, XEN_ELFNOTE_HYPERCALL_PAGE)) {
        if (hypercall_pfn > (UINT64_MAX >> 12) || (hypercall_pfn << 12) > UINT64_MAX - n->virt_base)
            return libxl__elf_fail(err, "__xen_guest: HYPERCALL_PAGE 0x%llx out of range",
                                   X(hypercall_pfn));
        n->hypercall_page = n->virt_base + (hypercall_pfn << 12);
    }
    return 0;
}
