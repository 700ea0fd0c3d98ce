/*
 * vcpu.c: HYPERVISOR_vcpu_op on the boot vCPU: is_up, runstate, moving
 * vcpu_info with register_vcpu_info (only once), bad vCPU ids, an unknown
 * command.
 */
#include "guest.h"

const char guest_name[] = "vcpu";

static uint8_t vinfo_page[4096] __aligned(4096);

void guest_main(void)
{
    struct vcpu_runstate_info rs;
    struct vcpu_info *vi = (struct vcpu_info *)(vinfo_page + 64);
    uint64_t t0;

    guest_require_xen();
    EXPECT_RC(vcpu_op(VCPUOP_is_up, 0, NULL), 1, "VCPUOP_is_up vcpu 0");
    EXPECT_RC(vcpu_op(VCPUOP_is_up, boot.nr_vcpus, NULL), -XEN_ENOENT,
              "VCPUOP_is_up past the last vcpu");
    EXPECT_RC(vcpu_op(VCPUOP_get_runstate_info, 0, &rs), 0, "VCPUOP_get_runstate_info");
    CHECK(rs.state == RUNSTATE_running, "runstate %d, expected running", rs.state);
    CHECK(rs.time[RUNSTATE_running] > 0, "no running time accounted");

    t0 = xen_system_time_ns();
    EXPECT_RC(vcpu_register_info(0, vi), 0, "VCPUOP_register_vcpu_info");
    CHECK(xen_system_time_ns() >= t0, "time went backwards after moving vcpu_info");
    CHECK(vi->time.version != 0 || vi->time.system_time != 0, "the new vcpu_info is not updated");
    EXPECT_RC(vcpu_register_info(0, (struct vcpu_info *)(vinfo_page + 128)), -XEN_EINVAL,
              "VCPUOP_register_vcpu_info twice");
    EXPECT_RC(vcpu_op(VCPUOP_is_up, 100000, NULL), -XEN_ENOENT, "VCPUOP_is_up bad vcpu");
    EXPECT_RC(vcpu_op(1000, 0, NULL), -XEN_ENOSYS, "unknown VCPUOP");
}
