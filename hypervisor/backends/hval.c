/*
 * hval.c: the table of CPU backends and the entry states callers start
 * vCPUs in.
 */
#include "config.h"

#include <string.h>

#include "hval.h"

static const struct hval_ops *const hval_backends[] = {
    &hval_emu_ops,
};

const struct hval_ops *hval_backend(const char *name)
{
    for (size_t i = 0; i < sizeof(hval_backends) / sizeof(hval_backends[0]); i++)
        if (strcmp(hval_backends[i]->name, name) == 0)
            return hval_backends[i];
    return NULL;
}

#define ATTR_CODE32 (0xb | HVAL_SEG_S | HVAL_SEG_P | HVAL_SEG_DB | HVAL_SEG_G)
#define ATTR_CODE64 (0xb | HVAL_SEG_S | HVAL_SEG_P | HVAL_SEG_L | HVAL_SEG_G)
#define ATTR_DATA   (0x3 | HVAL_SEG_S | HVAL_SEG_P | HVAL_SEG_DB | HVAL_SEG_G)

static void flat(struct hval_segment *s, uint16_t sel, uint16_t attr)
{
    s->base = 0;
    s->limit = 0xffffffff;
    s->selector = sel;
    s->attr = attr;
}

static void reset_common(struct hval_state *st)
{
    memset(st, 0, sizeof(*st));
    st->rflags = 0x2;
    st->fpu.fcw = 0x37f;
    st->fpu.ftw = 0xffff;
    st->fpu.mxcsr = 0x1f80;
    st->pat = 0x0007040600070406ULL;
    st->dr6 = 0xffff0ff0;
    st->dr7 = 0x400;
    st->ldtr.attr = 0x2 | HVAL_SEG_P;
    st->ldtr.limit = 0xffff;
    st->tr.limit = 0x67;
    st->idtr.limit = 0xffff;
    st->gdtr.limit = 0xffff;
}

void hval_state_flat32(struct hval_state *st, uint32_t eip)
{
    reset_common(st);
    st->rip = eip;
    st->cr0 = 0x11; /* PE, ET */
    flat(&st->seg[HVAL_CS], 0x08, ATTR_CODE32);
    for (int s = 0; s < HVAL_NR_SEGS; s++)
        if (s != HVAL_CS)
            flat(&st->seg[s], 0x10, ATTR_DATA);
    st->tr.attr = 0xb | HVAL_SEG_P; /* busy 32-bit TSS */
}

void hval_state_long64(struct hval_state *st, uint64_t rip, uint64_t cr3)
{
    reset_common(st);
    st->rip = rip;
    st->cr0 = 0x80050033; /* PG, WP, NE, ET, MP, PE */
    st->cr3 = cr3;
    st->cr4 = 0x620;  /* OSXMMEXCPT, OSFXSR, PAE */
    st->efer = 0xd01; /* NXE, LMA, LME, SCE */
    flat(&st->seg[HVAL_CS], 0x08, ATTR_CODE64);
    for (int s = 0; s < HVAL_NR_SEGS; s++)
        if (s != HVAL_CS)
            flat(&st->seg[s], 0x10, ATTR_DATA);
    st->tr.attr = 0xb | HVAL_SEG_P; /* busy 64-bit TSS */
}
