/*
 * emu_smc.c: keeping translated code in step with guest memory.
 */
#include "config.h"

#include <errno.h>

#include "emu_internal.h"

void emu_smc_before_run(struct hval_vcpu *v)
{
}

int emu_code_written(struct hval_vcpu *v, uint64_t gpa, uint64_t len)
{
    if (!len)
        return 0;
    v->smc_flushes++;
    return uc_ctl_flush_tb(v->uc) == UC_ERR_OK ? 0 : -EIO;
}
