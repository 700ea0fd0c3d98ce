/*
 * idlgen.c: the IDL generator's entry point.  Usage:
 *   idlgen IDL-FILE OUTDIR
 * reads the type description and writes into OUTDIR: _libxl_types.h,
 * _libxl_types_json.h, _libxl_types_features.h, _libxl_types_desc.h and
 * _libxl_types.c.  Each file is written under a temporary name and
 * renamed, so a failed run leaves no half-written output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) {
        perror(path);
        exit(1);
    }
    do {
        if (len + 4096 + 1 > cap) {
            cap = (cap + 4096) * 2;
            buf = realloc(buf, cap);
            if (!buf) {
                perror("idlgen");
                exit(1);
            }
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        perror(path);
        exit(1);
    }
    fclose(f);
    buf[len] = 0;
    return buf;
}

static void write_output(const char *dir, const char *name, const struct idl_model *m,
                         void (*emit)(const struct idl_model *, FILE *))
{
    char path[4096], tmp[4200];
    FILE *out;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    out = fopen(tmp, "w");
    if (!out) {
        perror(tmp);
        exit(1);
    }
    emit(m, out);
    if (ferror(out) || fclose(out) != 0) {
        perror(tmp);
        remove(tmp);
        exit(1);
    }
    if (rename(tmp, path) != 0) {
        perror(path);
        remove(tmp);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct idl_model m;
    char *src;

    if (argc != 3) {
        fprintf(stderr, "usage: %s IDL-FILE OUTDIR\n", argv[0]);
        return 2;
    }
    src = read_file(argv[1]);
    idl_parse(&m, argv[1], src);
    write_output(argv[2], "_libxl_types.h", &m, idl_emit_header);
    write_output(argv[2], "_libxl_types_json.h", &m, idl_emit_json_header);
    write_output(argv[2], "_libxl_types_features.h", &m, idl_emit_features);
    write_output(argv[2], "_libxl_types_desc.h", &m, idl_emit_desc_header);
    write_output(argv[2], "_libxl_types.c", &m, idl_emit_tables);
    idl_model_free(&m);
    free(src);
    return 0;
}
