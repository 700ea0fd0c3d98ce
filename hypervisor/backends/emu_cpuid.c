/*
 * emu_cpuid.c: the CPU model's own CPUID answers, for the exit handler to
 * start from.  Unicorn answers cpuid inside the instruction and has no
 * way to ask it beforehand, so a scratch engine of the same model (opened
 * once) runs a lone cpuid for each leaf/subleaf first asked; the answers
 * are kept (the model's are fixed).  A vCPU's own state (its APIC ID,
 * OSXSAVE, XSAVE sizes for its XCR0) is not in these answers: the handler
 * fills what it uses, or lets the vCPU's CPU answer.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>

#include "emu_internal.h"

#define CACHE_SLOTS 64
#define CODE_GPA    0x1000

struct cpuid_answer {
    uint32_t leaf, subleaf;
    uint32_t r[4];
};

static pthread_mutex_t cpuid_lock = PTHREAD_MUTEX_INITIALIZER;
static uc_engine *scratch;
static struct cpuid_answer cache[CACHE_SLOTS];
static unsigned cached;

static int open_scratch(void)
{
    static const uint8_t code[2] = {0x0f, 0xa2}; /* cpuid */

    if (scratch)
        return 0;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &scratch) != UC_ERR_OK)
        return -EIO;
    if (uc_mem_map(scratch, CODE_GPA, 0x1000, UC_PROT_ALL) != UC_ERR_OK ||
        uc_mem_write(scratch, CODE_GPA, code, sizeof(code)) != UC_ERR_OK) {
        uc_close(scratch);
        scratch = NULL;
        return -EIO;
    }
    return 0;
}

int emu_native_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    static const int regs[4] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX};
    int rc = 0;

    pthread_mutex_lock(&cpuid_lock);
    for (unsigned i = 0; i < cached; i++)
        if (cache[i].leaf == leaf && cache[i].subleaf == subleaf) {
            for (int k = 0; k < 4; k++)
                r[k] = cache[i].r[k];
            goto out;
        }
    rc = open_scratch();
    if (rc)
        goto out;
    uint64_t a = leaf, c = subleaf, v;
    uc_reg_write(scratch, UC_X86_REG_RAX, &a);
    uc_reg_write(scratch, UC_X86_REG_RCX, &c);
    if (uc_emu_start(scratch, CODE_GPA, CODE_GPA + 2, 0, 1) != UC_ERR_OK) {
        rc = -EIO;
        goto out;
    }
    for (int k = 0; k < 4; k++) {
        uc_reg_read(scratch, regs[k], &v);
        r[k] = (uint32_t)v;
    }
    if (cached < CACHE_SLOTS) {
        cache[cached] = (struct cpuid_answer){leaf, subleaf, {r[0], r[1], r[2], r[3]}};
        cached++;
    }
out:
    pthread_mutex_unlock(&cpuid_lock);
    return rc;
}
