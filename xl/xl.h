/*
 * xl.h: what the xl command families share: the command table entry and
 * the global options.
 */
#ifndef XL_H
#define XL_H

#include <stdbool.h>

/* An xl command, as real xl's table has it: can_dryrun (accepts the
 * global -N) and modifies (accepts -f) show in its usage line. */
struct cmd_spec {
    const char *name;
    int (*fn)(int argc, char **argv);
    int can_dryrun;
    int modifies;
    const char *summary;
    const char *usage;
    const char *options;
};

/* xl_cmdtable.c */
extern const struct cmd_spec cmd_table[];
extern const int cmd_table_size;
const struct cmd_spec *cmdtable_lookup(const char *name);

/* Global options (xl -v, -N, -f, -t, -T). */
extern int xl_verbosity;
extern bool xl_dryrun;
extern bool xl_force;

/* xl_create.c, xl_config_update.c */
int main_create(int argc, char **argv);
int main_config_update(int argc, char **argv);

/* xl_help.c */
int main_help(int argc, char **argv);
void help(const char *command);

/*
 * A command's options, as real xl's SWITCH_FOREACH_OPT: the next option
 * of opts (getopt letters; -h and, with longopts, --help are added),
 * stopping at the first argument; -1 once none is left and at least
 * reqargs arguments follow.  XL_OPT_EXIT when the command must end with
 * *status: 0 after -h printed its usage, 2 after "option `x' not
 * supported." or "'xl cmd' requires at least N arguments." and the usage.
 */
struct option;
#define XL_OPT_EXIT (-2)
int xl_getopt(int argc, char **argv, const char *opts, const struct option *longopts,
              const char *cmd, int reqargs, int *status);

#endif /* XL_H */
