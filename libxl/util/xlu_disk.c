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

struct rule_def;

/* What a matched rule does: text is the match without its trailing
 * delimiter, value what follows its `=' (or text).  false: stop scanning
 * this spec. */
typedef bool rule_fn(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                     const char *raw);

/* How a rule matches: a literal word, optionally `=VALUE' (value up to a
 * comma), optionally one trailing comma. */
enum shape {
    S_WORD,      /* word,? */
    S_KEY_VALUE, /* word=[^,]*,? */
    S_KEY_REST,  /* word=.*  */
    S_PREFIX,    /* word: followed by the rest (looked at, not eaten) */
};

struct rule_def {
    const char *word;
    enum shape shape;
    rule_fn *fn;
    size_t off;       /* the libxl_device_disk field, for the generic handlers */
    int arg;          /* the value a flag is set to */
    const char *what; /* the field's name in messages */
};

#define DISK(field)        offsetof(libxl_device_disk, field)
#define FIELD(dc, r, type) ((type *)((char *)(dc)->disk + (r)->off))

static bool do_format(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                      const char *raw)
{
    (void)r, (void)text, (void)raw;
    set_format(dc, value);
    return true;
}

static bool do_int(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                   const char *raw)
{
    (void)text, (void)value, (void)raw;
    *FIELD(dc, r, int) = r->arg;
    return true;
}

static bool do_bool(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                    const char *raw)
{
    (void)text, (void)value, (void)raw;
    *FIELD(dc, r, bool) = r->arg;
    return true;
}

static bool do_defbool(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                       const char *raw)
{
    (void)text, (void)value, (void)raw;
    libxl_defbool_set(FIELD(dc, r, libxl_defbool), r->arg);
    return true;
}

static bool do_string(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                      const char *raw)
{
    char msg[64];
    (void)text, (void)raw;
    snprintf(msg, sizeof(msg), "%s respecified", r->what);
    save_string(dc, msg, FIELD(dc, r, char *), value);
    return true;
}

static bool do_access(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                      const char *raw)
{
    (void)r, (void)text, (void)raw;
    set_access(dc, value);
    return true;
}

static bool do_enum(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                    const char *raw)
{
    const struct enum_word *words = r->off == DISK(backend) ? backends : specifications;
    int v = *FIELD(dc, r, int);
    (void)text, (void)raw;
    set_word(dc, words, &v, r->off == DISK(backend) ? "backend" : "specification", r->what, value);
    *FIELD(dc, r, int) = v;
    return true;
}

static bool do_colo_port(struct disk_ctx *dc, const struct rule_def *r, char *text,
                         const char *value, const char *raw)
{
    (void)r, (void)text, (void)raw;
    if (atoi(value))
        dc->disk->colo_port = atoi(value);
    else
        disk_err(dc, value, "unknown value for colo_port");
    return true;
}

/* An error about the whole match; r->arg: stop scanning after it. */
static bool do_error(struct disk_ctx *dc, const struct rule_def *r, char *text, const char *value,
                     const char *raw)
{
    (void)text, (void)value;
    disk_err(dc, raw, r->what);
    return !r->arg;
}

static bool do_prefix_format(struct disk_ctx *dc, const struct rule_def *r, char *text,
                             const char *value, const char *raw)
{
    (void)r, (void)value, (void)raw;
    dc->had_depr_prefix = true;
    set_format(dc, text);
    return true;
}

static bool do_prefix_script(struct disk_ctx *dc, const struct rule_def *r, char *text,
                             const char *value, const char *raw)
{
    (void)r, (void)value, (void)raw;
    dc->had_depr_prefix = true;
    size_t n = strlen(text) + sizeof("block-");
    char *script = malloc(n);
    if (!script) {
        dc->err = ENOMEM;
        return false;
    }
    snprintf(script, n, "block-%s", text);
    save_string(dc, "script respecified", &dc->disk->script, script);
    free(script);
    return true;
}

static bool do_prefix_ignored(struct disk_ctx *dc, const struct rule_def *r, char *text,
                              const char *value, const char *raw)
{
    (void)r, (void)text, (void)value, (void)raw;
    dc->had_depr_prefix = true;
    return true;
}

/* false: too many positional parameters (stop scanning). */
static bool do_positional(struct disk_ctx *dc, const struct rule_def *r, char *text,
                          const char *value, const char *raw)
{
    libxl_device_disk *disk = dc->disk;
    (void)r, (void)value, (void)raw;

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

/* clang-format off */
static const struct rule_def rules[] = {
    {"format",         S_KEY_VALUE, do_format,  0, 0, "format"},
    {"cdrom",          S_WORD,      do_int,     DISK(is_cdrom), 1, NULL},
    {"devtype=cdrom",  S_WORD,      do_int,     DISK(is_cdrom), 1, NULL},
    {"devtype=disk",   S_WORD,      do_int,     DISK(is_cdrom), 0, NULL},
    {"devtype",        S_KEY_VALUE, do_error,   0, 0, "unknown value for type"},
    {"access",         S_KEY_VALUE, do_access,  0, 0, "access"},
    {"backend",        S_KEY_VALUE, do_string,  DISK(backend_domname), 0, "backend"},
    {"backendtype",    S_KEY_VALUE, do_enum,    DISK(backend), 0, "backendtype"},
    {"specification",  S_KEY_VALUE, do_enum,    DISK(specification), 0, "specification"},
    {"vdev",           S_KEY_VALUE, do_string,  DISK(vdev), 0, "vdev"},
    {"script",         S_KEY_VALUE, do_string,  DISK(script), 0, "script"},
    {"direct-io-safe", S_WORD,      do_bool,    DISK(direct_io_safe), 1, NULL},
    {"discard",        S_WORD,      do_defbool, DISK(discard_enable), 1, NULL},
    {"no-discard",     S_WORD,      do_defbool, DISK(discard_enable), 0, NULL},
    {"colo",           S_WORD,      do_defbool, DISK(colo_enable), 1, NULL},
    {"no-colo",        S_WORD,      do_defbool, DISK(colo_enable), 0, NULL},
    {"colo-host",      S_KEY_VALUE, do_string,  DISK(colo_host), 0, "colo-host"},
    {"colo-port",      S_KEY_VALUE, do_colo_port, 0, 0, "colo-port"},
    {"colo-export",    S_KEY_VALUE, do_string,  DISK(colo_export), 0, "colo-export"},
    {"active-disk",    S_KEY_VALUE, do_string,  DISK(active_disk), 0, "active-disk"},
    {"hidden-disk",    S_KEY_VALUE, do_string,  DISK(hidden_disk), 0, "hidden-disk"},
    {"target",         S_KEY_REST,  do_string,  DISK(pdev_path), 0, "target"},
    {"raw",            S_PREFIX,    do_prefix_format, 0, 0, NULL},
    {"qcow",           S_PREFIX,    do_prefix_format, 0, 0, NULL},
    {"qcow2",          S_PREFIX,    do_prefix_format, 0, 0, NULL},
    {"vhd",            S_PREFIX,    do_prefix_format, 0, 0, NULL},
    {"iscsi",          S_PREFIX,    do_prefix_script, 0, 0, NULL},
    {"nbd",            S_PREFIX,    do_prefix_script, 0, 0, NULL},
    {"enbd",           S_PREFIX,    do_prefix_script, 0, 0, NULL},
    {"drbd",           S_PREFIX,    do_prefix_script, 0, 0, NULL},
    {"tapdisk",        S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
    {"tap",            S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
    {"tap2",           S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
    {"aio",            S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
    {"ioemu",          S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
    {"file",           S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
    {"phy",            S_PREFIX,    do_prefix_ignored, 0, 0, NULL},
};
/* The generic rules, tried after the table. */
static const struct rule_def unknown_param = {NULL, S_WORD, do_error, 0, 0, "unknown parameter"};
static const struct rule_def unknown_prefix = {NULL, S_PREFIX, do_error, 0, 1, "unknown deprecated disk prefix"};
static const struct rule_def positional = {NULL, S_WORD, do_positional, 0, 0, NULL};
/* clang-format on */

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
static long rule_match(const struct rule_def *r, const char *s, size_t rest, size_t *eat)
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
static long generic_match(const char *s, size_t rest, size_t *eat, const struct rule_def **rule)
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
            best = (long)n, *eat = n, *rule = &unknown_param;
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
                best = len, *eat = j + 1, *rule = &unknown_prefix;
        }
    }
    /* [^=,]*,|[^=,]+,? */
    i = 0;
    while (s[i] && s[i] != '=' && s[i] != ',' && s[i] != '\n')
        i++;
    if (s[i] == ',' || i > 0) {
        size_t n = i + (s[i] == ',');
        if ((long)n > best)
            best = (long)n, *eat = n, *rule = &positional;
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

/* Apply one matched rule; false: stop scanning this spec. */
static bool apply(struct disk_ctx *dc, const struct rule_def *r, const char *s, size_t eat)
{
    char *text = matched(s, eat, r->shape == S_PREFIX ? ':' : ',');
    char *raw = matched(s, eat, 0);
    bool go_on = false;

    if (!text || !raw) {
        dc->err = ENOMEM;
    } else {
        const char *eq = strchr(text, '=');
        go_on = r->fn(dc, r, text, eq ? eq + 1 : text, raw);
    }
    free(text);
    free(raw);
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
        const struct rule_def *rule = NULL;
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
            size_t e = 0;
            long len = rule_match(&rules[i], s, rest, &e);
            if (len > best)
                best = len, eat = e, rule = &rules[i];
        }
        size_t ge = 0;
        const struct rule_def *grule = NULL;
        long glen = generic_match(s, rest, &ge, &grule);
        if (glen > best)
            best = glen, eat = ge, rule = grule;
        if (best < 0 || eat == 0 || !rule) {
            /* No rule: the rest of the line is bad syntax. */
            char *bad = matched(s, rest ? rest : 1, 0);
            disk_err(dc, bad ? bad : s, "bad disk syntax");
            free(bad);
            return dc->err;
        }
        if (!apply(dc, rule, s, eat))
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
