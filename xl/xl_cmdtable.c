/*
 * xl_cmdtable.c: the one table of xl commands.  A command is a row here and
 * a main_<name>() in its family's xl_<family>.c.
 */
#include <string.h>

#include "xl.h"
#include "xl_lifecycle.h"

const struct cmd_spec cmd_table[] = {
    {"create", main_create, 1, 1, "Create a domain from config file <filename>",
     "<ConfigFile> [options] [vars]",
     "-c                      Connect to the console after the domain is created.\n"
     "-d                      Enable debug messages.\n"
     "-e                      Do not wait in the background for the death of the domain.\n"
     "-F                      Run in foreground until death of the domain.\n"
     "-f FILE, --defconfig=FILE\n"
     "                     Use the given configuration file.\n"
     "-h                      Print this help.\n"
     "-n, --dryrun            Dry run - prints the resulting configuration\n"
     "                         (deprecated in favour of global -N option).\n"
     "-p                      Leave the domain paused after it is created.\n"
     "-q, --quiet             Quiet.\n"
     "-V, --vncviewer         Connect to the VNC display after the domain is created.\n"
     "-A, --vncviewer-autopass\n"
     "                        Pass VNC password to viewer via stdin.\n"
     "--ignore-global-affinity-masks Ignore global masks in xl.conf."},
    {"config-update", main_config_update, 1, 1,
     "Rewrite the deprecated options of a config file, or update a running domain's saved "
     "configuration",
     "[-i] <ConfigFile> | <Domain> [ConfigFile] [vars]",
     "-i                      Write the rewritten file in place (default: print a unified diff)."},
    {"list", main_list, 0, 0, "List information about all/some domains", "[options] [Domain]\n",
     "-l, --long              Output all VM details\n"
     "-v, --verbose           Prints out UUIDs and security context\n"
     "-Z, --context           Prints out security context\n"
     "-c, --cpupool           Prints the cpupool the domain is in\n"
     "-n, --numa              Prints out NUMA node affinity"},
    {"destroy", main_destroy, 0, 1, "Terminate a domain immediately", "[options] <Domain>\n",
     "-f                      Permit destroying domain 0, which will only succeed\n"
     "                        when run from disaggregated toolstack domain with a\n"
     "                        hardware domain distinct from domain 0."},
    {"shutdown", main_shutdown, 0, 1, "Issue a shutdown signal to a domain",
     "[options] <-a|Domain>",
     "-a, --all               Shutdown all guest domains.\n"
     "-h                      Print this help.\n"
     "-F                      Fallback to ACPI power event for HVM guests with\n"
     "                        no PV drivers.\n"
     "-w, --wait              Wait for guest(s) to shutdown.\n"},
    {"reboot", main_reboot, 0, 1, "Issue a reboot signal to a domain", "[options] <-a|Domain>",
     "-a, --all               Shutdown all guest domains.\n"
     "-h                      Print this help.\n"
     "-F                      Fallback to ACPI reset event for HVM guests with\n"
     "                        no PV drivers.\n"
     "-w, --wait              Wait for guest(s) to reboot.\n"},
    {"pause", main_pause, 0, 1, "Pause execution of a domain", "<Domain>", ""},
    {"unpause", main_unpause, 0, 1, "Unpause a paused domain", "<Domain>", ""},
    {"console", main_console, 0, 0, "Attach to domain's console",
     "[options] <Domain>\n"
     "-t <type>       console type, pv , serial or vuart\n"
     "-n <number>     console number",
     ""},
    {"dump-core", main_dump_core, 0, 1, "Core dump a domain", "<Domain> <filename>", ""},
    {"mem-max", main_memmax, 0, 1, "Set the maximum amount reservation for a domain",
     "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", ""},
    {"mem-set", main_memset, 0, 1, "Set the current memory usage for a domain",
     "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", ""},
    {"vcpu-list", main_vcpulist, 0, 0, "List the VCPUs for all/some domains", "[Domain, ...]", ""},
    {"vcpu-pin", main_vcpupin, 1, 1, "Set which CPUs a VCPU can use",
     "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>",
     "-f, --force        undo an override pinning done by the kernel\n"
     "--ignore-global-affinity-masks Ignore global masks in xl.conf"},
    {"vcpu-set", main_vcpuset, 0, 1, "Set the number of active VCPUs allowed for the domain",
     "[option] <Domain> <vCPUs>",
     "-i, --ignore-host  Don't limit the vCPU based on the host CPU count"},
    {"vm-list", main_vm_list, 0, 0, "List guest domains, excluding dom0, stubdoms, etc.", "", ""},
    {"info", main_info, 0, 0, "Get information about Xen host",
     "-n, --numa         List host NUMA topology information", ""},
    {"domid", main_domid, 0, 0, "Convert a domain name to domain id", "<DomainName>", ""},
    {"domname", main_domname, 0, 0, "Convert a domain id to domain name", "<DomainId>", ""},
    {"rename", main_rename, 0, 1, "Rename a domain", "<Domain> <NewDomainName>", ""},
    {"sysrq", main_sysrq, 0, 1, "Send a sysrq to a domain", "<Domain> <letter>", ""},
    {"debug-keys", main_debug_keys, 0, 1, "Send debug keys to Xen", "<Keys>", ""},
    {"dmesg", main_dmesg, 0, 0, "Read and/or clear dmesg buffer", "[-c]",
     "  -c                        Clear dmesg buffer as well as printing it"},
    {"block-attach", main_blockattach, 1, 1, "Create a new virtual block device",
     "<Domain> <disk-spec-component(s)>...", ""},
    {"block-list", main_blocklist, 0, 0, "List virtual block devices for a domain", "<Domain(s)>",
     ""},
    {"block-detach", main_blockdetach, 0, 1, "Destroy a domain's virtual block device",
     "[option] <Domain> <DevId>",
     "-f, --force        do not wait for the domain to release the device"},
    {"uptime", main_uptime, 0, 0, "Print uptime for all/some domains", "[-s] [Domain]", ""},
};

const int cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);

const struct cmd_spec *cmdtable_lookup(const char *name)
{
    for (int i = 0; i < cmd_table_size; i++)
        if (!strcmp(cmd_table[i].name, name))
            return &cmd_table[i];
    return NULL;
}
