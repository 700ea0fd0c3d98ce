/*
 * hvm_context.c: HVM contexts (see hvm_context.h).  Contexts come from
 * the toolstack: every descriptor and length is checked before use.
 */
#include "config.h"

#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hvm_context.h"

#define MTRR_CAP_FIX 0x100
#define MTRR_CAP_WC  0x400
#define PAT_RESET    0x0007040600070406ULL

/* Walk the records: 0 if the context is well formed (a HEADER with the
 * right magic first, an END last, every record inside the blob). */
static int walk(const uint8_t *blob, uint32_t len, uint16_t type, uint16_t instance,
                const uint8_t **payload, uint32_t *plen)
{
    uint32_t off = 0;
    int first = 1;

    while (off <= len && len - off >= sizeof(struct hvm_save_descriptor)) {
        struct hvm_save_descriptor desc;

        memcpy(&desc, blob + off, sizeof(desc));
        off += sizeof(desc);
        if (desc.length > len - off)
            return -EINVAL;
        if (first) {
            struct hvm_save_header hdr;
            if (desc.typecode != HVM_SAVE_CODE_HEADER || desc.length < sizeof(hdr))
                return -EINVAL;
            memcpy(&hdr, blob + off, sizeof(hdr));
            if (hdr.magic != HVM_FILE_MAGIC || hdr.version != HVM_FILE_VERSION)
                return -EINVAL;
            first = 0;
        }
        if (payload && desc.typecode == type && desc.instance == instance) {
            *payload = blob + off;
            *plen = desc.length;
            return 0;
        }
        if (desc.typecode == HVM_SAVE_CODE_END)
            return payload ? -ENOENT : 0;
        off += desc.length;
    }
    return -EINVAL;
}

int hvm_context_find(const uint8_t *blob, uint32_t len, uint16_t type, uint16_t instance,
                     const uint8_t **payload, uint32_t *plen)
{
    return walk(blob, len, type, instance, payload, plen);
}

int hvm_context_set(struct domain *d, uint8_t *blob, uint32_t len)
{
    int rc = walk(blob, len, 0, 0, NULL, NULL);

    if (rc)
        return rc;
    free(d->hvm_context);
    d->hvm_context = blob;
    d->hvm_context_len = len;
    /* As on Xen, loading a vCPU's CPU record brings it up: a paused
     * domain shows its vCPU online before it first runs. */
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        const uint8_t *cpu;
        uint32_t cpu_len;
        if (!walk(blob, len, HVM_SAVE_CODE_CPU, (uint16_t)i, &cpu, &cpu_len))
            d->vcpus[i]->online = true;
    }
    return 0;
}

static uint8_t *put_record(uint8_t *p, uint16_t type, uint16_t instance, const void *payload,
                           uint32_t len)
{
    struct hvm_save_descriptor desc = {.typecode = type, .instance = instance, .length = len};

    memcpy(p, &desc, sizeof(desc));
    p += sizeof(desc);
    if (len)
        memcpy(p, payload, len);
    return p + len;
}

int hvm_context_get(const struct domain *d, uint8_t **blob, uint32_t *len)
{
    const size_t desc = sizeof(struct hvm_save_descriptor);
    struct hvm_save_header hdr = {.magic = HVM_FILE_MAGIC, .version = HVM_FILE_VERSION};
    struct hvm_hw_mtrr mtrr = {
        .msr_pat_cr = PAT_RESET,
        .msr_mtrr_cap = HVM_MTRR_VCNT | MTRR_CAP_FIX | MTRR_CAP_WC,
    };
    unsigned eax, ebx, ecx, edx;
    size_t size;
    uint8_t *p;

    if (d->hvm_context) {
        *blob = malloc(d->hvm_context_len);
        if (!*blob)
            return -ENOMEM;
        memcpy(*blob, d->hvm_context, d->hvm_context_len);
        *len = d->hvm_context_len;
        return 0;
    }
    /* A fresh domain: its vCPUs are down, so there are no CPU records
     * (as on Xen), only the header and each vCPU's reset MTRRs. */
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        hdr.cpuid = eax;
    size = desc + sizeof(hdr) + d->max_vcpus * (desc + sizeof(mtrr)) + desc;
    p = *blob = malloc(size);
    if (!p)
        return -ENOMEM;
    p = put_record(p, HVM_SAVE_CODE_HEADER, 0, &hdr, sizeof(hdr));
    for (unsigned i = 0; i < d->max_vcpus; i++)
        p = put_record(p, HVM_SAVE_CODE_MTRR, (uint16_t)i, &mtrr, sizeof(mtrr));
    put_record(p, HVM_SAVE_CODE_END, 0, NULL, 0);
    *len = (uint32_t)size;
    return 0;
}
