#!/bin/sh
# cli.sh: xl's and xenhv's command lines: help, unknown commands, versions.
. "$top_srcdir/tests/integration/lib.sh"

"$XL" help > "$scratch/help" 2>&1
check "xl help exits 0"
grep -q '^Usage xl \[-vfNtT\] <subcommand> \[args\]' "$scratch/help"
check "xl help prints real xl's usage line"
grep -q '^ create  *Create a domain from config file <filename>$' "$scratch/help"
check "xl help lists the commands with their summaries"
"$XL" help help > "$scratch/help2" 2>&1 && cmp -s "$scratch/help" "$scratch/help2"
check "xl help help prints the whole list, as real xl (help is not a table command)"

# Usage lines and statuses as Debian's real xl 4.17 prints them.
"$XL" help create | head -1 | grep -qx 'Usage: xl \[-vtTfN\] create <ConfigFile> \[options\] \[vars\]'
check "xl help create: [-vtTfN] (create modifies and can dry-run)"
"$XL" help list | head -1 | grep -qx 'Usage: xl \[-vtT\] list \[options\] \[Domain\]'
check "xl help list: [-vtT]"
"$XL" help destroy | head -1 | grep -qx 'Usage: xl \[-vtTf\] destroy \[options\] <Domain>'
check "xl help destroy: [-vtTf]"
"$XL" help sysrq | head -1 | grep -qx 'Usage: xl \[-vtTf\] sysrq <Domain> <letter>'
check "xl help sysrq: [-vtTf]"
printf 'name="c"\ntype="pvh"\nkernel="/k"\nmemory=64\n' > "$scratch/c.cfg"
"$XL" create -n "$scratch/c.cfg" memory > "$scratch/out" 2>&1
[ $? = 2 ] && head -1 "$scratch/out" | grep -q '^Usage: xl \[-vtTfN\] create'
check "xl create with a second file-like argument prints create's usage and exits 2"
"$XL" -N list > "$scratch/out" 2>&1
[ $? = 1 ] && grep -qx 'command does not implement -N (dryrun) option' "$scratch/out"
check "xl -N refuses a command that cannot dry-run"

"$XL" no-such-command > "$scratch/out" 2>&1
[ $? = 1 ]
check "an unknown command exits 1"
grep -qx 'command not implemented' "$scratch/out"
check "an unknown command says 'command not implemented'"

"$XL" > /dev/null 2>&1
[ $? = 1 ]
check "xl with no command exits 1"

"$XENHV" --version > "$scratch/ver" 2>&1
check "xenhv --version exits 0"
grep -Eq '^xenhv [0-9.]+ \(unicorn 2\.[1-9]' "$scratch/ver"
check "xenhv --version names unicorn 2.1 or newer"

done_testing
