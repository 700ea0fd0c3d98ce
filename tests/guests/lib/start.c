/*
 * start.c: from the environment's entry code to guest_main(): find Xen,
 * install exception handlers, read the start info (PV start_info or PVH
 * hvm_start_info; HVM params for the rings), map shared info, open the
 * console.
 */
#include "guest.h"
#include "hvm/params.h"
#include "hvm/start_info.h"
#include "memory.h"

struct boot_info boot;
static char cmdline_buf[MAX_GUEST_CMDLINE + 1];

static const char *const env_names[] = {
    [ENV_PV64] = "PV", [ENV_PVH] = "PVH", [ENV_HVM32] = "HVM", [ENV_HVM64] = "HVM"};

/* The e820 entry layout XENMEM_memory_map returns. */
struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static void memmap_from_xen(void)
{
    static struct e820_entry map[GUEST_MAX_MEMMAP];
    struct xen_memory_map mm = {.nr_entries = GUEST_MAX_MEMMAP};
    unsigned int i;

    set_xen_guest_handle(mm.buffer, map);
    if (memory_op(XENMEM_memory_map, &mm) || mm.nr_entries > GUEST_MAX_MEMMAP)
        return;
    for (i = 0; i < mm.nr_entries; i++) {
        boot.memmap[i].addr = map[i].addr;
        boot.memmap[i].size = map[i].size;
        boot.memmap[i].type = map[i].type;
    }
    boot.nr_memmap = mm.nr_entries;
}

static void mem_from_memmap(void)
{
    unsigned int i;

    boot.mem_bytes = 0;
    for (i = 0; i < boot.nr_memmap; i++)
        if (boot.memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
            boot.mem_bytes += boot.memmap[i].size;
}

/* Only what fits the address space is readable (hvm32: below 4 GiB). */
static void *phys_ptr(uint64_t paddr)
{
    if (paddr != (uintptr_t)paddr)
        return NULL;
    return (void *)(uintptr_t)paddr;
}

static void parse_pv(start_info_t *si)
{
    unsigned long mod;

    memcpy(cmdline_buf, si->cmd_line, MAX_GUEST_CMDLINE);
    boot.mem_bytes = (uint64_t)si->nr_pages * GUEST_PAGE_SIZE;
    boot.console_pfn = si->console.domU.mfn;
    boot.console_evtchn = si->console.domU.evtchn;
    boot.store_pfn = si->store_mfn;
    boot.store_evtchn = si->store_evtchn;
    if (si->mod_start && si->mod_len) {
        mod = si->mod_start;
        if (si->flags & SIF_MOD_START_PFN)
            mod <<= 12; /* the kernel is mapped from virtual address 0 */
        boot.modules[0].addr = mod;
        boot.modules[0].size = si->mod_len;
        boot.modules[0].cmdline = "";
        boot.nr_modules = 1;
    }
    memmap_from_xen();
}

static void parse_hvm(struct hvm_start_info *si)
{
    uint64_t v;

    if (si && si->magic == XEN_HVM_START_MAGIC_VALUE) {
        const char *cl = si->cmdline_paddr ? phys_ptr(si->cmdline_paddr) : NULL;
        struct hvm_modlist_entry *mods = phys_ptr(si->modlist_paddr);
        unsigned int i;

        boot.start_info = si;
        if (cl)
            strlcpy(cmdline_buf, cl, sizeof(cmdline_buf));
        for (i = 0; mods && i < si->nr_modules && i < GUEST_MAX_MODS; i++) {
            const char *mcl = mods[i].cmdline_paddr ? phys_ptr(mods[i].cmdline_paddr) : NULL;
            boot.modules[i].addr = (uintptr_t)phys_ptr(mods[i].paddr);
            boot.modules[i].size = mods[i].size;
            boot.modules[i].cmdline = mcl ? mcl : "";
            boot.nr_modules = i + 1;
        }
        if (si->version >= 1 && si->memmap_paddr) {
            struct hvm_memmap_table_entry *mm = phys_ptr(si->memmap_paddr);
            for (i = 0; mm && i < si->memmap_entries && i < GUEST_MAX_MEMMAP; i++) {
                boot.memmap[i].addr = mm[i].addr;
                boot.memmap[i].size = mm[i].size;
                boot.memmap[i].type = mm[i].type;
                boot.nr_memmap = i + 1;
            }
        }
    } else {
        boot.start_info = NULL;
    }
    if (!boot.on_xen)
        return;
    if (!boot.nr_memmap)
        memmap_from_xen();
    if (!hvm_get_param(HVM_PARAM_CONSOLE_PFN, &v))
        boot.console_pfn = v;
    if (!hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &v))
        boot.console_evtchn = (evtchn_port_t)v;
    if (!hvm_get_param(HVM_PARAM_STORE_PFN, &v))
        boot.store_pfn = v;
    if (!hvm_get_param(HVM_PARAM_STORE_EVTCHN, &v))
        boot.store_evtchn = (evtchn_port_t)v;
}

int vcpu_count(void)
{
    unsigned int i;

    if (!boot.on_xen)
        return 1;
    /* VCPUOP_is_up answers 0 or 1 for each vCPU the domain has. */
    for (i = 0; i < 4096; i++)
        if (vcpu_op(VCPUOP_is_up, i, NULL) < 0)
            break;
    return i ? (int)i : 1;
}

void boot_parse(void *si)
{
    boot.cmdline = cmdline_buf;
    if (env_is_pv())
        parse_pv(si);
    else
        parse_hvm(si);
    if (boot.nr_memmap && !env_is_pv()) /* PV: nr_pages says it */
        mem_from_memmap();
    boot.nr_vcpus = (unsigned int)vcpu_count();
}

/* Called by the entry code of every environment on the boot vCPU. */
void c_start(unsigned long env, void *start_info);
void c_start(unsigned long env, void *start_info)
{
    boot.env = (enum guest_env)env;
    boot.env_name = env_names[env];
    boot.bits = sizeof(long) * 8;
    if (env_is_pv())
        boot.start_info = start_info;
    hypercall_init(); /* first: PV registers its trap table by hypercall */
    traps_init();
    boot_parse(start_info);
    if (boot.on_xen) {
        if (events_init())
            console_io_write("guest: cannot map shared info\n");
        time_init();
    }
    console_init();
    if (!boot.on_xen)
        gprintf("guest: not running on Xen (no Xen CPUID signature); no hypercalls\n");
    guest_main();
    guest_pass();
}
