/*
 * fuzz_idl_json.c: libFuzzer target for the JSON parser of the IDL types.
 * The input is parsed as a libxl_domain_config (and as a libxl_dominfo);
 * a parse must either fail with a message or give a value whose JSON
 * parses again to an equal value and the same JSON.  Everything parsed is
 * disposed, so LeakSanitizer sees any leak on an error path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_libxl_types_desc.h"
#include "libxl.h"
#include "libxl_json.h"

static void one(const libxl__type_desc *d, const char *s)
{
    unsigned char a[8192], b[8192];
    char *err = NULL, *json, *json2;
    int rc;

    if (d->size > sizeof(a))
        abort();
    libxl__obj_init(d, a);
    rc = libxl__obj_from_json(d, a, s, &err);
    if (rc) {
        if (!err)
            abort(); /* every failure says why */
        free(err);
        libxl__obj_dispose(d, a);
        return;
    }
    json = libxl__obj_to_json(d, a);
    if (!json)
        abort();
    libxl__obj_init(d, b);
    if (libxl__obj_from_json(d, b, json, NULL) || !libxl__obj_equal(d, a, b))
        abort();
    json2 = libxl__obj_to_json(d, b);
    if (!json2 || strcmp(json, json2))
        abort();
    free(json);
    free(json2);
    libxl__obj_dispose(d, a);
    libxl__obj_dispose(d, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    one(&libxl__domain_config_desc, s);
    one(&libxl__dominfo_desc, s);
    free(s);
    return 0;
}
