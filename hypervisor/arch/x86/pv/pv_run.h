/*
 * pv_run.h: PV vCPUs on the runner: the table xenhv registers with
 * vrun_register_pv() (see pv_run.c).
 */
#ifndef XENHV_PV_RUN_H
#define XENHV_PV_RUN_H

#include "vrun.h"

extern const struct vrun_pv_ops pv_vrun_ops;

#endif
