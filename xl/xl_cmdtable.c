/*
 * xl_cmdtable.c: the one table of xl commands.  A command is a row here and
 * a main_<name>() in its family's xl_<family>.c.
 */
#include <string.h>

#include "xl.h"
#include "xl_lifecycle.h"

const struct cmd_spec cmd_table[] = {
    {"create", main_create, "Create a domain from config file <filename>",
     "<ConfigFile> [options] [vars]",
     "-h                      Print this help.\n"
     "-n, --dryrun            Dry run - prints the resulting configuration\n"
     "                         (deprecated in favour of global -N option).\n"
     "-q, --quiet             Quiet.\n"
     "-f FILE, --defconfig=FILE\n"
     "                        Use the given configuration file."},
    {"config-update", main_config_update,
     "Rewrite the deprecated options of a config file, or update a running domain's saved "
     "configuration",
     "[-i] <ConfigFile> | <Domain> [ConfigFile] [vars]",
     "-i                      Write the rewritten file in place (default: print a unified diff)."},
    {"list", main_list, "List information about all/some domains", "[options] [Domain]\n",
     "-l, --long              Output all VM details\n"
     "-v, --verbose           Prints out UUIDs and security context\n"
     "-Z, --context           Prints out security context\n"
     "-c, --cpupool           Prints the cpupool the domain is in\n"
     "-n, --numa              Prints out NUMA node affinity"},
    {"destroy", main_destroy, "Terminate a domain immediately", "[options] <Domain>\n",
     "-f                      Permit destroying domain 0, which will only succeed\n"
     "                        when run from disaggregated toolstack domain with a\n"
     "                        hardware domain distinct from domain 0."},
    {"shutdown", main_shutdown, "Issue a shutdown signal to a domain", "[options] <-a|Domain>",
     "-a, --all               Shutdown all guest domains.\n"
     "-h                      Print this help.\n"
     "-F                      Fallback to ACPI power event for HVM guests with\n"
     "                        no PV drivers.\n"
     "-w, --wait              Wait for guest(s) to shutdown.\n"},
    {"reboot", main_reboot, "Issue a reboot signal to a domain", "[options] <-a|Domain>",
     "-a, --all               Shutdown all guest domains.\n"
     "-h                      Print this help.\n"
     "-F                      Fallback to ACPI reset event for HVM guests with\n"
     "                        no PV drivers.\n"
     "-w, --wait              Wait for guest(s) to reboot.\n"},
    {"pause", main_pause, "Pause execution of a domain", "<Domain>", ""},
    {"unpause", main_unpause, "Unpause a paused domain", "<Domain>", ""},
    {"console", main_console, "Attach to domain's console",
     "[options] <Domain>\n"
     "-t <type>       console type, pv , serial or vuart\n"
     "-n <number>     console number",
     ""},
    {"mem-max", main_memmax, "Set the maximum amount reservation for a domain",
     "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", ""},
    {"mem-set", main_memset, "Set the current memory usage for a domain",
     "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", ""},
    {"vcpu-list", main_vcpulist, "List the VCPUs for all/some domains", "[Domain, ...]", ""},
    {"vcpu-set", main_vcpuset, "Set the number of active VCPUs allowed for the domain",
     "[option] <Domain> <vCPUs>",
     "-i, --ignore-host  Don't limit the vCPU based on the host CPU count"},
    {"info", main_info, "Get information about Xen host",
     "-n, --numa         List host NUMA topology information", ""},
    {"domid", main_domid, "Convert a domain name to domain id", "<DomainName>", ""},
    {"domname", main_domname, "Convert a domain id to domain name", "<DomainId>", ""},
    {"rename", main_rename, "Rename a domain", "<Domain> <NewDomainName>", ""},
    {"dump-core", main_dump_core, "Core dump a domain", "<Domain> <filename>", ""},
    {"dmesg", main_dmesg, "Read and/or clear dmesg buffer", "[-c]",
     "  -c                        Clear dmesg buffer as well as printing it"},
    {"uptime", main_uptime, "Print uptime for all/some domains", "[-s] [Domain]", ""},
    {"help", main_help, "Print this help.", "[command]", "command  show the usage of this command"},
};

const int cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);

const struct cmd_spec *cmdtable_lookup(const char *name)
{
    for (int i = 0; i < cmd_table_size; i++)
        if (!strcmp(cmd_table[i].name, name))
            return &cmd_table[i];
    return NULL;
}
