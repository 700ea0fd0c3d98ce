/*
 * hvmop.c (HVM and PVH only): HYPERVISOR_hvm_op get/set param: the store
 * and console rings, the callback via, a bad index, an unknown op.
 */
#include "guest.h"
#include "hvm/params.h"

const char guest_name[] = "hvmop";

void guest_main(void)
{
    uint64_t v;

    guest_require_xen();
    EXPECT_RC(hvm_get_param(HVM_PARAM_STORE_PFN, &v), 0, "get HVM_PARAM_STORE_PFN");
    CHECK(v != 0, "no xenstore page");
    EXPECT_RC(hvm_get_param(HVM_PARAM_STORE_EVTCHN, &v), 0, "get HVM_PARAM_STORE_EVTCHN");
    CHECK(v != 0, "no xenstore event channel");
    EXPECT_RC(hvm_get_param(HVM_PARAM_CONSOLE_PFN, &v), 0, "get HVM_PARAM_CONSOLE_PFN");
    CHECK(v != 0, "no console page");
    EXPECT_RC(hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &v), 0, "get HVM_PARAM_CONSOLE_EVTCHN");
    EXPECT_RC(hvm_set_param(HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0xf3), 0,
              "set HVM_PARAM_CALLBACK_IRQ");
    EXPECT_RC(hvm_get_param(HVM_PARAM_CALLBACK_IRQ, &v), 0, "get HVM_PARAM_CALLBACK_IRQ");
    CHECK(v == ((2ULL << 56) | 0xf3), "callback via reads back as %#llx", (unsigned long long)v);
    EXPECT_RC(hvm_get_param(HVM_NR_PARAMS + 100, &v), -XEN_EINVAL, "get a bad param index");
    EXPECT_RC(hvm_op(1000, &v), -XEN_ENOSYS, "unknown HVMOP");
}
