/*
 * idl_emit_tables.c: writes _libxl_types.c, the description table of every
 * type (field names, offsets, defaults, array counts, union keys,
 * deprecated aliases) and each type's functions, thin wrappers over the
 * table-driven runtime of libxl/ (libxl_types_rt.c, libxl_json.c); and
 * _libxl_types_desc.h declaring the tables for libxl's own use.
 */
#include <stdlib.h>
#include <string.h>

#include "idl.h"

/* The runtime's kind constant of a type. */
static void kind_of(const struct idl_type *t, char *buf, size_t bufsz)
{
    static const char *const prim_kinds[] = {
        [IDL_P_BOOL] = "BOOL",     [IDL_P_INTEGER] = "INT",   [IDL_P_INT8] = "INT8",
        [IDL_P_INT16] = "INT16",   [IDL_P_INT32] = "INT32",   [IDL_P_INT64] = "INT64",
        [IDL_P_UINT8] = "UINT8",   [IDL_P_UINT16] = "UINT16", [IDL_P_UINT32] = "UINT32",
        [IDL_P_UINT64] = "UINT64", [IDL_P_STRING] = "STRING",
    };
    char up[128];

    switch (t->kind) {
    case IDL_K_PRIM:
    case IDL_K_ALIAS:
        idl_fmt(buf, bufsz, "LIBXL__K_%s", prim_kinds[t->prim]);
        return;
    case IDL_K_BUILTIN:
        idl_upper(t->name, up, sizeof(up));
        idl_fmt(buf, bufsz, "LIBXL__K_%s", up);
        return;
    case IDL_K_ENUM:
        idl_fmt(buf, bufsz, "LIBXL__K_ENUM");
        return;
    case IDL_K_STRUCT:
        idl_fmt(buf, bufsz, "LIBXL__K_STRUCT");
        return;
    }
}

/* "libxl__domain_build_info__u_hvm_desc" for a path "u.hvm". */
static void desc_name(const char *top, const char *path, char *buf, size_t bufsz)
{
    size_t n;

    if (!path) {
        idl_fmt(buf, bufsz, "libxl__%s_desc", top);
        return;
    }
    idl_fmt(buf, bufsz, "libxl__%s__", top);
    n = strlen(buf);
    for (size_t i = 0; path[i] && n + 6 < bufsz; i++)
        buf[n++] = path[i] == '.' ? '_' : path[i];
    idl_fmt(buf + n, bufsz - n, "_desc");
}

/* A reference to the table of a named (non-anonymous) type. */
static void type_ref(const struct idl_type *t, char *buf, size_t bufsz)
{
    idl_fmt(buf, bufsz, "&libxl__%s_desc", t->name);
}

/* The offset expression of member MEMBER of the struct at PATH in TOP. */
static void offset_of(const char *top, const char *path, const char *member, char *buf,
                      size_t bufsz)
{
    if (!path)
        idl_fmt(buf, bufsz, "offsetof(libxl_%s, %s)", top, member);
    else
        idl_fmt(buf, bufsz, "(offsetof(libxl_%s, %s.%s) - offsetof(libxl_%s, %s))", top, path,
                member, top, path);
}

static bool has_deprecated(const struct idl_type *st)
{
    for (int i = 0; i < st->nfields; i++) {
        const struct idl_field *f = &st->fields[i];
        if (f->deprecated_by)
            return true;
        if (f->fkind == IDL_F_PLAIN && f->type->anonymous && has_deprecated(f->type))
            return true;
        if (f->fkind == IDL_F_UNION)
            for (int j = 0; j < f->nmembers; j++)
                if (f->members[j].st && has_deprecated(f->members[j].st))
                    return true;
    }
    return false;
}

static void emit_struct_desc(FILE *out, const char *top, const char *path,
                             const struct idl_type *st);

/* Tables of the anonymous structs inside ST, before ST's own. */
static void emit_nested(FILE *out, const char *top, const char *path, const struct idl_type *st)
{
    for (int i = 0; i < st->nfields; i++) {
        const struct idl_field *f = &st->fields[i];
        char sub[256];

        idl_fmt(sub, sizeof(sub), "%s%s%s", path ? path : "", path ? "." : "", f->name);
        if (f->fkind == IDL_F_PLAIN && f->type->anonymous)
            emit_struct_desc(out, top, sub, f->type);
        if (f->fkind != IDL_F_UNION)
            continue;
        for (int j = 0; j < f->nmembers; j++) {
            char msub[300];
            if (!f->members[j].st)
                continue;
            idl_fmt(msub, sizeof(msub), "%s.%s", sub, f->members[j].name);
            emit_struct_desc(out, top, msub, f->members[j].st);
        }
        {
            char dn[300], ref[300], c[192];

            desc_name(top, sub, dn, sizeof(dn));
            fprintf(out, "static const libxl__union_member %s_members[] = {\n", dn);
            for (int j = 0; j < f->nmembers; j++) {
                char msub[300];
                idl_enum_const(f->type, f->members[j].name, c, sizeof(c));
                if (f->members[j].st) {
                    idl_fmt(msub, sizeof(msub), "%s.%s", sub, f->members[j].name);
                    desc_name(top, msub, ref, sizeof(ref));
                    fprintf(out, "    {\"%s\", %s, &%s},\n", f->members[j].name, c, ref);
                } else {
                    fprintf(out, "    {\"%s\", %s, NULL},\n", f->members[j].name, c);
                }
            }
            fprintf(out, "};\n\n");
        }
    }
}

static void emit_field_desc(FILE *out, const char *top, const char *path, const struct idl_field *f)
{
    char off[512], ref[300], sub[256];

    idl_fmt(sub, sizeof(sub), "%s%s%s", path ? path : "", path ? "." : "", f->name);
    fprintf(out, "    {\n        .name = \"%s\",\n", f->name);
    switch (f->fkind) {
    case IDL_F_PLAIN:
        offset_of(top, path, f->name, off, sizeof(off));
        if (f->type->anonymous)
            desc_name(top, sub, ref + 1, sizeof(ref) - 1), ref[0] = '&';
        else
            type_ref(f->type, ref, sizeof(ref));
        fprintf(out, "        .fkind = LIBXL__F_PLAIN,\n        .offset = %s,\n", off);
        fprintf(out, "        .type = %s,\n", ref);
        break;
    case IDL_F_ARRAY:
        offset_of(top, path, f->name, off, sizeof(off));
        type_ref(f->type, ref, sizeof(ref));
        fprintf(out, "        .fkind = LIBXL__F_ARRAY,\n        .offset = %s,\n", off);
        fprintf(out, "        .type = %s,\n", ref);
        offset_of(top, path, f->count, off, sizeof(off));
        fprintf(out, "        .count_offset = %s,\n", off);
        break;
    case IDL_F_UNION: {
        char c[192], dn[300];

        offset_of(top, path, f->name, off, sizeof(off));
        type_ref(f->type, ref, sizeof(ref));
        fprintf(out, "        .fkind = LIBXL__F_UNION,\n        .offset = %s,\n", off);
        fprintf(out, "        .type = %s,\n", ref);
        offset_of(top, path, f->key, off, sizeof(off));
        fprintf(out, "        .key_name = \"%s\",\n        .key_offset = %s,\n", f->key, off);
        idl_enum_default(f->type, f->key_def ? f->key_def : f->type->def, c, sizeof(c));
        fprintf(out, "        .key_init = %s,\n", c);
        desc_name(top, sub, dn, sizeof(dn));
        fprintf(out, "        .members = %s_members,\n", dn);
        fprintf(out, "        .nmembers = sizeof(%s_members) / sizeof(%s_members[0]),\n", dn, dn);
        break;
    }
    }
    if (f->def) {
        char c[192];
        if (f->type->kind == IDL_K_ENUM)
            idl_enum_default(f->type, f->def, c, sizeof(c));
        else
            idl_fmt(c, sizeof(c), "%s", f->def);
        fprintf(out, "        .has_init = true,\n        .init = (int64_t)(%s),\n", c);
    }
    if (f->deprecated_by)
        fprintf(out, "        .deprecated_by = \"%s\",\n", f->deprecated_by);
    if (f->is_const)
        fprintf(out, "        .is_const = true,\n");
    fprintf(out, "    },\n");
}

static void emit_struct_desc(FILE *out, const char *top, const char *path,
                             const struct idl_type *st)
{
    char dn[300];

    emit_nested(out, top, path, st);
    desc_name(top, path, dn, sizeof(dn));
    fprintf(out, "static const libxl__field_desc %s_fields[] = {\n", dn);
    for (int i = 0; i < st->nfields; i++)
        emit_field_desc(out, top, path, &st->fields[i]);
    fprintf(out, "};\n\n");
    fprintf(out, "%sconst libxl__type_desc %s = {\n", path ? "static " : "", dn);
    fprintf(out, "    .name = \"%s%s%s\",\n    .kind = LIBXL__K_STRUCT,\n", top, path ? "." : "",
            path ? path : "");
    if (path)
        fprintf(out, "    .size = sizeof(((libxl_%s *)0)->%s),\n", top, path);
    else
        fprintf(out, "    .size = sizeof(libxl_%s),\n", top);
    fprintf(out, "    .fields = %s_fields,\n", dn);
    fprintf(out, "    .nfields = sizeof(%s_fields) / sizeof(%s_fields[0]),\n", dn, dn);
    if (!path && has_deprecated(st))
        fprintf(out, "    .has_deprecated = true,\n");
    fprintf(out, "};\n\n");
}

static void emit_struct_functions(FILE *out, const struct idl_type *t)
{
    const char *n = t->name;

    fprintf(out,
            "void libxl_%s_init(libxl_%s *p)\n{\n"
            "    libxl__obj_init(&libxl__%s_desc, p);\n}\n\n",
            n, n, n);
    for (int i = 0; i < t->nfields; i++) {
        const struct idl_field *f = &t->fields[i];
        if (f->fkind != IDL_F_UNION)
            continue;
        fprintf(out,
                "void libxl_%s_init_%s(libxl_%s *p, libxl_%s %s)\n{\n"
                "    libxl__obj_init_union(&libxl__%s_desc, %d, p, (int)%s);\n}\n\n",
                n, f->key, n, f->type->name, f->key, n, i, f->key);
    }
    fprintf(out,
            "void libxl_%s_dispose(libxl_%s *p)\n{\n"
            "    libxl__obj_dispose(&libxl__%s_desc, p);\n}\n\n",
            n, n, n);
    fprintf(out,
            "int libxl_%s_copy(libxl_ctx *ctx, libxl_%s *dst, const libxl_%s *src)\n{\n"
            "    (void)ctx;\n    return libxl__obj_copy(&libxl__%s_desc, dst, src);\n}\n\n",
            n, n, n, n);
    fprintf(out,
            "yajl_gen_status libxl_%s_gen_json(yajl_gen hand, libxl_%s *p)\n{\n"
            "    return libxl__obj_gen_json(hand, &libxl__%s_desc, p);\n}\n\n",
            n, n, n);
    fprintf(out,
            "char *libxl_%s_to_json(libxl_ctx *ctx, libxl_%s *p)\n{\n"
            "    (void)ctx;\n    return libxl__obj_to_json(&libxl__%s_desc, p);\n}\n\n",
            n, n, n);
    fprintf(out,
            "int libxl__%s_parse_json(yajl_val v, libxl_%s *p, char **err_r)\n{\n"
            "    return libxl__obj_parse_json(&libxl__%s_desc, v, p, err_r);\n}\n\n",
            n, n, n);
    fprintf(out,
            "int libxl_%s_from_json(libxl_ctx *ctx, libxl_%s *p, const char *s)\n{\n"
            "    return libxl__obj_from_json_ctx(ctx, &libxl__%s_desc, p, s);\n}\n\n",
            n, n, n);
}

static void emit_enum(FILE *out, const struct idl_type *t)
{
    const char *n = t->name;
    char c[192], low[128];

    fprintf(out, "const libxl_enum_string_table libxl_%s_string_table[] = {\n", n);
    for (int i = 0; i < t->nvalues; i++) {
        idl_enum_const(t, t->values[i].name, c, sizeof(c));
        idl_lower(t->values[i].name, low, sizeof(low));
        fprintf(out, "    {\"%s\", %s},\n", low, c);
    }
    fprintf(out, "    {NULL, -1},\n};\n\n");
    idl_enum_default(t, t->def, c, sizeof(c));
    fprintf(out,
            "const libxl__type_desc libxl__%s_desc = {\n    .name = \"%s\",\n"
            "    .kind = LIBXL__K_ENUM,\n    .size = sizeof(libxl_%s),\n"
            "    .init = (int64_t)(%s),\n    .values = libxl_%s_string_table,\n};\n\n",
            n, n, n, c, n);
    fprintf(out,
            "const char *libxl_%s_to_string(libxl_%s p)\n{\n"
            "    return libxl__enum_to_string(&libxl__%s_desc, (int)p);\n}\n\n",
            n, n, n);
    fprintf(out,
            "int libxl_%s_from_string(const char *s, libxl_%s *e)\n{\n"
            "    int v, rc = libxl__enum_from_string(&libxl__%s_desc, s, &v);\n\n"
            "    if (!rc)\n        *e = (libxl_%s)v;\n    return rc;\n}\n\n",
            n, n, n, n);
    fprintf(out,
            "yajl_gen_status libxl_%s_gen_json(yajl_gen hand, libxl_%s *p)\n{\n"
            "    return libxl__obj_gen_json(hand, &libxl__%s_desc, p);\n}\n\n",
            n, n, n);
    fprintf(out,
            "int libxl__%s_parse_json(yajl_val v, libxl_%s *p, char **err_r)\n{\n"
            "    return libxl__obj_parse_json(&libxl__%s_desc, v, p, err_r);\n}\n\n",
            n, n, n);
}

void idl_emit_tables(const struct idl_model *m, FILE *out)
{
    char k[64];

    fprintf(out, "/*\n * _libxl_types.c: generated by idl/idlgen from idl/libxl_types.idl;"
                 " do not edit.\n * The description table of every type and its functions.\n"
                 " */\n");
    fprintf(out, "#include <stddef.h>\n\n#include \"libxl.h\"\n#include \"libxl_json.h\"\n"
                 "#include \"libxl_types_desc.h\"\n#include \"_libxl_types_desc.h\"\n"
                 "#include \"_libxl_types_json.h\"\n\n");
    for (const struct idl_type *t = m->types; t; t = t->next) {
        switch (t->kind) {
        case IDL_K_PRIM:
        case IDL_K_BUILTIN:
            break; /* their tables are in libxl_types_rt.c */
        case IDL_K_ALIAS:
            kind_of(t, k, sizeof(k));
            fprintf(out,
                    "const libxl__type_desc libxl__%s_desc = {\n    .name = \"%s\",\n"
                    "    .kind = %s,\n    .size = sizeof(%s),\n    .init = (int64_t)(%s),\n"
                    "};\n\n",
                    t->name, t->name, k, idl_prim_ctype(t->prim), t->def ? t->def : "0");
            break;
        case IDL_K_ENUM:
            emit_enum(out, t);
            break;
        case IDL_K_STRUCT:
            emit_struct_desc(out, t->name, NULL, t);
            emit_struct_functions(out, t);
            break;
        }
    }
    fprintf(out, "const libxl__type_desc *const libxl__idl_types[] = {\n");
    for (const struct idl_type *t = m->types; t; t = t->next)
        if (t->kind == IDL_K_ENUM || t->kind == IDL_K_STRUCT)
            fprintf(out, "    &libxl__%s_desc,\n", t->name);
    fprintf(out, "    NULL,\n};\n");
}

void idl_emit_desc_header(const struct idl_model *m, FILE *out)
{
    fprintf(out, "/*\n * _libxl_types_desc.h: generated by idl/idlgen from "
                 "idl/libxl_types.idl; do not\n * edit.  The description tables of the "
                 "types (libxl-internal).\n */\n");
    fprintf(out, "#ifndef LIBXL__TYPES_DESC_GEN_H\n#define LIBXL__TYPES_DESC_GEN_H\n\n"
                 "#include \"libxl_types_desc.h\"\n\n");
    for (const struct idl_type *t = m->types; t; t = t->next)
        if (t->kind == IDL_K_ALIAS || t->kind == IDL_K_ENUM || t->kind == IDL_K_STRUCT)
            fprintf(out, "extern const libxl__type_desc libxl__%s_desc;\n", t->name);
    fprintf(out, "/* Every enum and struct, NULL-terminated. */\n"
                 "extern const libxl__type_desc *const libxl__idl_types[];\n");
    fprintf(out, "\n#endif /* LIBXL__TYPES_DESC_GEN_H */\n");
}
