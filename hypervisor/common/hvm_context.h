/*
 * hvm_context.h: a domain's HVM context (XEN_DOMCTL_get/sethvmcontext):
 * records (public/arch-x86/hvm/save.h) checked on the way in, kept as the
 * CPU backend's input, and a fresh domain's default (HEADER, one MTRR
 * record per vCPU, END) until the toolstack sets one.
 */
#ifndef XENHV_HVM_CONTEXT_H
#define XENHV_HVM_CONTEXT_H

#include <stdint.h>

#include "public/arch-x86/hvm/save.h"

#define HVM_CONTEXT_MAX (1u << 20)

struct domain;

/* The context as the toolstack reads it: *blob is malloc'd. */
int hvm_context_get(const struct domain *d, uint8_t **blob, uint32_t *len);

/* Check blob's records and make it d's context (taking ownership on
 * success).  -EINVAL for a malformed context. */
int hvm_context_set(struct domain *d, uint8_t *blob, uint32_t len);

/* Find record (type, instance) in a well-formed context. */
int hvm_context_find(const uint8_t *blob, uint32_t len, uint16_t type, uint16_t instance,
                     const uint8_t **payload, uint32_t *plen);

#endif
