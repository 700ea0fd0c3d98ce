/*
 * xl_cmdtable.c: the one table of xl commands.  A command is a row here and
 * a main_<name>() in its family's xl_<family>.c.
 */
#include <string.h>

#include "xl.h"

const struct cmd_spec cmd_table[] = {
    {"create", main_create, "Create a domain from config file <filename>.",
     "<ConfigFile> [options] [vars]",
     "-h                      Print this help.\n"
     "-n, --dryrun            Dry run - prints the resulting configuration\n"
     "                         (deprecated in favour of global -N option).\n"
     "-q, --quiet             Quiet.\n"
     "-f FILE, --defconfig=FILE\n"
     "                        Use the given configuration file."},
    {"config-update", main_config_update,
     "Rewrite the deprecated options of a config file, or update a running domain's saved configuration.",
     "[-i] <ConfigFile> | <Domain> [ConfigFile] [vars]",
     "-i                      Write the rewritten file in place (default: print a unified diff)."},
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
