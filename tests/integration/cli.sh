#!/bin/sh
# cli.sh: xl's and xenhv's command lines: help, unknown commands, versions.
. "$top_srcdir/tests/integration/lib.sh"

"$XL" help > "$scratch/help" 2>&1
check "xl help exits 0"
grep -q '^Usage xl \[-vfNtT\] <subcommand> \[args\]' "$scratch/help"
check "xl help prints real xl's usage line"
grep -q '^ help  *Print this help\.' "$scratch/help"
check "xl help lists the help command"

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
