/*
 * xl_help.c: `xl help` and the usage text, in real xl's format.
 */
#include <stdio.h>
#include <string.h>

#include "xl.h"

void help(const char *command)
{
    const struct cmd_spec *cmd = command ? cmdtable_lookup(command) : NULL;

    if (!cmd) {
        printf("Usage xl [-vfNtT] <subcommand> [args]\n\n");
        printf("xl full list of subcommands:\n\n");
        for (int i = 0; i < cmd_table_size; i++) {
            const struct cmd_spec *c = &cmd_table[i];
            if (strlen(c->name) > 19)
                printf(" %s\n %-19s %s\n", c->name, "", c->summary);
            else
                printf(" %-19s %s\n", c->name, c->summary);
        }
        printf("\n");
        return;
    }
    printf("Usage: xl [-vtT%s%s] %s %s\n\n%s.\n\n", cmd->modifies ? "f" : "",
           cmd->can_dryrun ? "N" : "", cmd->name, cmd->usage, cmd->summary);
    if (cmd->options && *cmd->options)
        printf("Options:\n\n%s\n", cmd->options);
}
