/*
 * version.c: HYPERVISOR_xen_version: version, extraversion, capabilities,
 * features, page size, guest handle; an unknown submap is refused.
 */
#include "guest.h"
#include "version.h"

const char guest_name[] = "version";

void guest_main(void)
{
    static char buf[1024];
    struct xen_feature_info fi = {.submap_idx = 0};
    long v;

    guest_require_xen();
    v = xen_version_op(XENVER_version, NULL);
    CHECK(v >= 0x30000, "XENVER_version returned %#lx", v);
    if (!env_is_pv()) {
        uint32_t a, b, c, d;
        cpuid(xen_cpuid_base() + 1, &a, &b, &c, &d);
        CHECK(a == (uint32_t)v, "CPUID says %#x, XENVER_version %#lx", a, v);
    }
    gprintf("version: XENVER_version: ok\n");
    memset(buf, 0xff, sizeof(buf));
    EXPECT_RC(xen_version_op(XENVER_extraversion, buf), 0, "XENVER_extraversion");
    CHECK(strnlen(buf, 16) < 16, "extraversion is not NUL-terminated");
    EXPECT_RC(xen_version_op(XENVER_capabilities, buf), 0, "XENVER_capabilities");
    CHECK(strnlen(buf, sizeof(buf)) < sizeof(buf), "capabilities is not NUL-terminated");
    CHECK(strstr(buf, env_is_pv() ? "xen-3.0-x86_64" : "hvm-3.0-x86_"),
          "capabilities '%s' lack this guest's type", buf);
    EXPECT_RC(xen_version_op(XENVER_get_features, &fi), 0, "XENVER_get_features");
    if (env_is_pv())
        CHECK(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad),
              "PV features %#x lack mmu_pt_update_preserve_ad", fi.submap);
    else
        CHECK(fi.submap & (1u << XENFEAT_hvm_callback_vector),
              "HVM features %#x lack hvm_callback_vector", fi.submap);
    fi.submap_idx = 1000;
    EXPECT_RC(xen_version_op(XENVER_get_features, &fi), -XEN_EINVAL,
              "XENVER_get_features bad submap");
    EXPECT_RC(xen_version_op(XENVER_pagesize, NULL), 4096, "XENVER_pagesize");
    EXPECT_RC(xen_version_op(XENVER_guest_handle, buf), 0, "XENVER_guest_handle");
    EXPECT_RC(xen_version_op(1000, buf), -XEN_ENOSYS, "unknown XENVER command");
}
