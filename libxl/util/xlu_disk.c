/*
 * xlu_disk.c: the disk specification parser (xl-disk-configuration(5)):
 * `key=value' parameters, the positional form `target,format,vdev,access',
 * and the old `phy:'/`file:'/`tap:aio:' prefixes, into a libxl_device_disk.
 *
 * Scanning follows the longest-match rule of a lexer: at each point every
 * rule of the table below is tried, the longest match wins and the first
 * rule wins a tie.  Some rules look ahead over the rest of the spec (the
 * old prefixes do), which counts towards their length but is not consumed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libxlutil.h"
#include "xlu_internal.h"

struct disk_ctx {
    XLU_Config *cfg;
    const char *spec;
    libxl_device_disk *disk;
    int err;
    bool had_depr_prefix, access_set;
};

static void disk_err(struct disk_ctx *dc, const char *near, const char *message)
{
    if (dc->cfg->report)
        fprintf(dc->cfg->report,
                "%s: config parsing error in disk specification: %s%s%s%s in `%s'\n",
                dc->cfg->source, message, near ? ": near `" : "", near ? near : "", near ? "'" : "",
                dc->spec);
    if (!dc->err)
        dc->err = EINVAL;
}

static void save_string(struct disk_ctx *dc, const char *what_respecified, char **slot,
                        const char *value)
{
    if (*slot) {
        if (**slot) {
            disk_err(dc, value, what_respecified);
            return;
        }
        free(*slot);
    }
    *slot = strdup(value);
    if (!*slot && !dc->err)
        dc->err = ENOMEM;
}

static void set_access(struct disk_ctx *dc, const char *s)
{
    if (!strcmp(s, "r") || !strcmp(s, "ro"))
        dc->disk->readwrite = 0;
    else if (!strcmp(s, "rw") || !strcmp(s, "w") || !strcmp(s, ""))
        dc->disk->readwrite = 1;
    else
        disk_err(dc, s, "unknown value for access");
}

/* An enumerated setting that may be given twice only with the same value. */
static void set_enum(struct disk_ctx *dc, int *member, int value, const char *member_name,
                     const char *s)
{
    if (*member != 0 && *member != value) {
        char msg[64];
        snprintf(msg, sizeof(msg), "%s respecified", member_name);
        disk_err(dc, s, msg);
        return;
    }
    *member = value;
}

struct enum_word {
    const char *word;
    int value;
};

static const struct enum_word formats[] = {
    {"", LIBXL_DISK_FORMAT_RAW},      {"raw", LIBXL_DISK_FORMAT_RAW},
    {"qcow", LIBXL_DISK_FORMAT_QCOW}, {"qcow2", LIBXL_DISK_FORMAT_QCOW2},
    {"vhd", LIBXL_DISK_FORMAT_VHD},   {"empty", LIBXL_DISK_FORMAT_EMPTY},
    {"qed", LIBXL_DISK_FORMAT_QED},   {NULL, 0},
};
static const struct enum_word backends[] = {
    {"phy", LIBXL_DISK_BACKEND_PHY},
    {"tap", LIBXL_DISK_BACKEND_TAP},
    {"qdisk", LIBXL_DISK_BACKEND_QDISK},
    {"standalone", LIBXL_DISK_BACKEND_STANDALONE},
    {NULL, 0},
};
static const struct enum_word specifications[] = {
    {"xen", LIBXL_DISK_SPECIFICATION_XEN},
    {"virtio", LIBXL_DISK_SPECIFICATION_VIRTIO},
    {NULL, 0},
};

static void set_word(struct disk_ctx *dc, const struct enum_word *words, int *member,
                     const char *member_name, const char *what, const char *s)
{
    for (const struct enum_word *w = words; w->word; w++)
        if (!strcmp(s, w->word)) {
            set_enum(dc, member, w->value, member_name, s);
            return;
        }
    char msg[64];
    snprintf(msg, sizeof(msg), "unknown value for %s", what);
    disk_err(dc, s, msg);
}

static void set_format(struct disk_ctx *dc, const char *s)
{
    int f = (int)dc->disk->format;
    set_word(dc, formats, &f, "format", "format", s);
    dc->disk->format = (libxl_disk_format)f;
}

/* `vdev:cdrom' / `vdev:disk' (old syntax): 1 if it was that form. */
static int vdev_and_devtype(struct disk_ctx *dc, char *s)
{
    char *colon = strrchr(s, ':');
    if (!colon)
        return 0;
    *colon++ = 0;
    save_string(dc, "vdev respecified", &dc->disk->vdev, s);
    if (!strcmp(colon, "cdrom"))
        dc->disk->is_cdrom = 1;
    else if (!strcmp(colon, "disk"))
        dc->disk->is_cdrom = 0;
    else
        disk_err(dc, colon, "unknown deprecated type");
    return 1;
}

/* ---- the rules ---- */

enum action {
    A_SKIP,
    A_FORMAT,
    A_CDROM,
    A_DEVTYPE_CDROM,
    A_DEVTYPE_DISK,
    A_DEVTYPE_BAD,
    A_ACCESS,
    A_BACKEND,
    A_BACKENDTYPE,
    A_SPECIFICATION,
    A_VDEV,
    A_SCRIPT,
    A_DIRECT_IO_SAFE,
    A_DISCARD,
    A_NO_DISCARD,
    A_COLO,
    A_NO_COLO,
    A_COLO_HOST,
    A_COLO_PORT,
    A_COLO_EXPORT,
    A_ACTIVE_DISK,
    A_HIDDEN_DISK,
    A_TRUSTED,
    A_UNTRUSTED,
    A_TARGET,
    A_UNKNOWN_PARAM,
    A_PREFIX_FORMAT,
    A_PREFIX_SCRIPT,
    A_PREFIX_IGNORED,
    A_PREFIX_UNKNOWN,
    A_POSITIONAL,
};

/* How a rule matches: a literal word, optionally `=VALUE' (value up to a
 * comma), optionally one trailing comma. */
enum shape {
    S_WORD,      /* word,? */
    S_KEY_VALUE, /* word=[^,]*,? */
    S_KEY_REST,  /* word=.*  */
    S_PREFIX,    /* word: followed by the rest (looked at, not eaten) */
};

static const struct rule {
    const char *word;
    enum shape shape;
    enum action action;
} rules[] = {
    {"format", S_KEY_VALUE, A_FORMAT},
    {"cdrom", S_WORD, A_CDROM},
    {"devtype=cdrom", S_WORD, A_DEVTYPE_CDROM},
    {"devtype=disk", S_WORD, A_DEVTYPE_DISK},
    {"devtype", S_KEY_VALUE, A_DEVTYPE_BAD},
    {"access", S_KEY_VALUE, A_ACCESS},
    {"backend", S_KEY_VALUE, A_BACKEND},
    {"backendtype", S_KEY_VALUE, A_BACKENDTYPE},
    {"specification", S_KEY_VALUE, A_SPECIFICATION},
    {"vdev", S_KEY_VALUE, A_VDEV},
    {"script", S_KEY_VALUE, A_SCRIPT},
    {"direct-io-safe", S_WORD, A_DIRECT_IO_SAFE},
    {"discard", S_WORD, A_DISCARD},
    {"no-discard", S_WORD, A_NO_DISCARD},
    {"colo", S_WORD, A_COLO},
    {"no-colo", S_WORD, A_NO_COLO},
    {"colo-host", S_KEY_VALUE, A_COLO_HOST},
    {"colo-port", S_KEY_VALUE, A_COLO_PORT},
    {"colo-export", S_KEY_VALUE, A_COLO_EXPORT},
    {"active-disk", S_KEY_VALUE, A_ACTIVE_DISK},
    {"hidden-disk", S_KEY_VALUE, A_HIDDEN_DISK},
    {"trusted", S_WORD, A_TRUSTED},
    {"untrusted", S_WORD, A_UNTRUSTED},
    {"target", S_KEY_REST, A_TARGET},
    {"raw", S_PREFIX, A_PREFIX_FORMAT},
    {"qcow", S_PREFIX, A_PREFIX_FORMAT},
    {"qcow2", S_PREFIX, A_PREFIX_FORMAT},
    {"vhd", S_PREFIX, A_PREFIX_FORMAT},
    {"iscsi", S_PREFIX, A_PREFIX_SCRIPT},
    {"nbd", S_PREFIX, A_PREFIX_SCRIPT},
    {"enbd", S_PREFIX, A_PREFIX_SCRIPT},
    {"drbd", S_PREFIX, A_PREFIX_SCRIPT},
    {"tapdisk", S_PREFIX, A_PREFIX_IGNORED},
    {"tap", S_PREFIX, A_PREFIX_IGNORED},
    {"tap2", S_PREFIX, A_PREFIX_IGNORED},
    {"aio", S_PREFIX, A_PREFIX_IGNORED},
    {"ioemu", S_PREFIX, A_PREFIX_IGNORED},
    {"file", S_PREFIX, A_PREFIX_IGNORED},
    {"phy", S_PREFIX, A_PREFIX_IGNORED},
};

static size_t line_end(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? (size_t)(nl - s) : strlen(s);
}

static bool is_az(char c)
{
    return c >= 'a' && c <= 'z';
}
static bool is_az09(char c)
{
    return is_az(c) || (c >= '0' && c <= '9');
}

/* Length matched by rule r at s (-1: no match); *eat: bytes consumed.
 * rest: bytes from s to the end of its line. */
static long rule_match(const struct rule *r, const char *s, size_t rest, size_t *eat)
{
    size_t n = strlen(r->word);
    if (strncmp(s, r->word, n))
        return -1;
    switch (r->shape) {
    case S_WORD:
        if (s[n] == ',')
            n++;
        *eat = n;
        return (long)n;
    case S_KEY_VALUE:
        if (s[n] != '=')
            return -1;
        n++;
        while (s[n] && s[n] != ',' && s[n] != '\n')
            n++;
        if (s[n] == ',')
            n++;
        *eat = n;
        return (long)n;
    case S_KEY_REST:
        if (s[n] != '=')
            return -1;
        *eat = rest;
        return (long)*eat;
    case S_PREFIX:
        if (s[n] != ':')
            return -1;
        *eat = n + 1;
        return (long)rest;
    }
    return -1;
}

/* The generic rules: unknown `key=X', unknown `prefix:', positional. */
static long generic_match(const char *s, size_t rest, size_t *eat, enum action *act)
{
    long best = -1;
    size_t i = 0;

    if (is_az(s[0])) {
        i = 1;
        while (is_az09(s[i]) || s[i] == '-')
            i++;
        /* [a-z][-a-z0-9]*=[^,],? */
        if (s[i] == '=' && s[i + 1] && s[i + 1] != ',' && s[i + 1] != '\n') {
            size_t n = i + 2 + (s[i + 2] == ',');
            best = (long)n, *eat = n, *act = A_UNKNOWN_PARAM;
        }
        /* [a-z][a-z0-9]*:/([^a-z0-9].*)? */
        size_t j = 1;
        while (is_az09(s[j]))
            j++;
        if (s[j] == ':') {
            long len = (long)j + 1;
            if (s[j + 1] && !is_az09(s[j + 1]) && s[j + 1] != '\n')
                len = (long)rest;
            if (len > best)
                best = len, *eat = j + 1, *act = A_PREFIX_UNKNOWN;
        }
    }
    /* [^=,]*,|[^=,]+,? */
    i = 0;
    while (s[i] && s[i] != '=' && s[i] != ',' && s[i] != '\n')
        i++;
    if (s[i] == ',' || i > 0) {
        size_t n = i + (s[i] == ',');
        if ((long)n > best)
            best = (long)n, *eat = n, *act = A_POSITIONAL;
    }
    return best;
}

/* Copy of the matched text without its trailing delimiter. */
static char *matched(const char *s, size_t len, char delim)
{
    if (len > 0 && s[len - 1] == delim)
        len--;
    char *t = malloc(len + 1);
    if (t) {
        memcpy(t, s, len);
        t[len] = 0;
    }
    return t;
}

/* false: too many positional parameters (stop scanning). */
static bool positional(struct disk_ctx *dc, char *text)
{
    libxl_device_disk *disk = dc->disk;

    if (dc->err) {
        /* earlier errors would only cause more */
    } else if (!disk->pdev_path) {
        save_string(dc, "target respecified", &disk->pdev_path, text);
    } else if (!dc->had_depr_prefix && disk->format == LIBXL_DISK_FORMAT_UNKNOWN) {
        if (!*disk->pdev_path && vdev_and_devtype(dc, text))
            disk->format = LIBXL_DISK_FORMAT_EMPTY;
        else
            set_format(dc, text);
    } else if (!disk->vdev) {
        if (!vdev_and_devtype(dc, text))
            save_string(dc, "vdev respecified", &disk->vdev, text);
    } else if (!dc->access_set) {
        dc->access_set = true;
        set_access(dc, text);
    } else {
        disk_err(dc, text, "too many positional parameters");
        return false;
    }
    return true;
}

/* Apply one matched rule; false: stop scanning this spec. */
static bool apply(struct disk_ctx *dc, enum action act, const char *s, size_t eat)
{
    libxl_device_disk *disk = dc->disk;
    char *text = matched(s, eat, act >= A_PREFIX_FORMAT && act <= A_PREFIX_UNKNOWN ? ':' : ',');
    const char *value = text && strchr(text, '=') ? strchr(text, '=') + 1 : text;
    bool go_on = true;

    if (!text) {
        dc->err = ENOMEM;
        return false;
    }
    switch (act) {
    case A_SKIP:
        break;
    case A_FORMAT:
        set_format(dc, value);
        break;
    case A_CDROM:
    case A_DEVTYPE_CDROM:
        disk->is_cdrom = 1;
        break;
    case A_DEVTYPE_DISK:
        disk->is_cdrom = 0;
        break;
    case A_DEVTYPE_BAD: {
        char *raw = matched(s, eat, 0);
        disk_err(dc, raw ? raw : text, "unknown value for type");
        free(raw);
        break;
    }
    case A_ACCESS:
        set_access(dc, value);
        break;
    case A_BACKEND:
        save_string(dc, "backend respecified", &disk->backend_domname, value);
        break;
    case A_BACKENDTYPE: {
        int b = (int)disk->backend;
        set_word(dc, backends, &b, "backend", "backendtype", value);
        disk->backend = (libxl_disk_backend)b;
        break;
    }
    case A_SPECIFICATION: {
        int sp = (int)disk->specification;
        set_word(dc, specifications, &sp, "specification", "specification", value);
        disk->specification = (libxl_disk_specification)sp;
        break;
    }
    case A_VDEV:
        save_string(dc, "vdev respecified", &disk->vdev, value);
        break;
    case A_SCRIPT:
        save_string(dc, "script respecified", &disk->script, value);
        break;
    case A_DIRECT_IO_SAFE:
        disk->direct_io_safe = 1;
        break;
    case A_DISCARD:
        libxl_defbool_set(&disk->discard_enable, true);
        break;
    case A_NO_DISCARD:
        libxl_defbool_set(&disk->discard_enable, false);
        break;
    case A_COLO:
        libxl_defbool_set(&disk->colo_enable, true);
        break;
    case A_NO_COLO:
        libxl_defbool_set(&disk->colo_enable, false);
        break;
    case A_COLO_HOST:
        save_string(dc, "colo-host respecified", &disk->colo_host, value);
        break;
    case A_COLO_PORT:
        if (atoi(value))
            disk->colo_port = atoi(value);
        else
            disk_err(dc, value, "unknown value for colo_port");
        break;
    case A_COLO_EXPORT:
        save_string(dc, "colo-export respecified", &disk->colo_export, value);
        break;
    case A_ACTIVE_DISK:
        save_string(dc, "active-disk respecified", &disk->active_disk, value);
        break;
    case A_HIDDEN_DISK:
        save_string(dc, "hidden-disk respecified", &disk->hidden_disk, value);
        break;
    case A_TRUSTED:
        libxl_defbool_set(&disk->trusted, true);
        break;
    case A_UNTRUSTED:
        libxl_defbool_set(&disk->trusted, false);
        break;
    case A_TARGET:
        save_string(dc, "target respecified", &disk->pdev_path, value);
        break;
    case A_UNKNOWN_PARAM: {
        char *raw = matched(s, eat, 0);
        disk_err(dc, raw ? raw : text, "unknown parameter");
        free(raw);
        break;
    }
    case A_PREFIX_FORMAT:
        dc->had_depr_prefix = true;
        set_format(dc, text);
        break;
    case A_PREFIX_SCRIPT: {
        dc->had_depr_prefix = true;
        size_t n = strlen(text) + sizeof("block-");
        char *script = malloc(n);
        if (!script) {
            dc->err = ENOMEM;
            go_on = false;
            break;
        }
        snprintf(script, n, "block-%s", text);
        save_string(dc, "script respecified", &disk->script, script);
        free(script);
        break;
    }
    case A_PREFIX_IGNORED:
        dc->had_depr_prefix = true;
        break;
    case A_PREFIX_UNKNOWN: {
        char *raw = matched(s, eat, 0);
        disk_err(dc, raw ? raw : text, "unknown deprecated disk prefix");
        free(raw);
        go_on = false;
        break;
    }
    case A_POSITIONAL:
        go_on = positional(dc, text);
        break;
    }
    free(text);
    return go_on;
}

static int scan(struct disk_ctx *dc)
{
    const char *s = dc->spec;
    const char *eol = NULL; /* the end of s's line, found once per line */

    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            while (*s == ' ' || *s == '\t' || *s == '\n')
                s++;
            continue;
        }
        if (!eol || eol < s)
            eol = s + line_end(s);
        size_t rest = (size_t)(eol - s);
        long best = -1;
        size_t eat = 0;
        enum action act = A_SKIP;
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
            size_t e = 0;
            long len = rule_match(&rules[i], s, rest, &e);
            if (len > best)
                best = len, eat = e, act = rules[i].action;
        }
        size_t ge = 0;
        enum action gact = A_SKIP;
        long glen = generic_match(s, rest, &ge, &gact);
        if (glen > best)
            best = glen, eat = ge, act = gact;
        if (best < 0 || eat == 0) {
            /* No rule: the rest of the line is bad syntax. */
            char *bad = matched(s, rest ? rest : 1, 0);
            disk_err(dc, bad ? bad : s, "bad disk syntax");
            free(bad);
            return dc->err;
        }
        if (!apply(dc, act, s, eat))
            return dc->err;
        s += eat;
    }
    return dc->err;
}

int xlu_disk_parse(XLU_Config *cfg, int nspecs, const char *const *specs, libxl_device_disk *disk)
{
    struct disk_ctx dc = {.cfg = cfg, .disk = disk};

    disk->readwrite = 1;
    for (int i = 0; i < nspecs; i++) {
        dc.spec = specs[i];
        if (scan(&dc))
            return dc.err;
    }
    if (disk->format == LIBXL_DISK_FORMAT_UNKNOWN)
        disk->format = LIBXL_DISK_FORMAT_RAW;
    if (disk->is_cdrom) {
        disk->removable = 1;
        disk->readwrite = 0;
        if (!disk->pdev_path || !strcmp(disk->pdev_path, ""))
            disk->format = LIBXL_DISK_FORMAT_EMPTY;
    }
    if (!disk->vdev) {
        disk_err(&dc, NULL, "no vdev specified");
        return dc.err;
    }
    if (!disk->pdev_path && !disk->removable) {
        disk_err(&dc, NULL, "no target specified (and device not removable)");
        return dc.err;
    }
    return dc.err;
}
