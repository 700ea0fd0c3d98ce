#!/bin/sh
# xl_lifecycle_run.sh: the lifecycle with running guests.  NEEDS RUNNING
# vCPUs (the CPU backend and issue 7): not in INTEGRATION_TESTS until guests
# run.  The example guest prints its greeting on its console and answers
# control/shutdown; the monitor carries out the on_* actions.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=$(cd "$(dirname "$XL")" && pwd)/xl
HELLO=$top_builddir/examples/guests/hello
cd "$scratch" || exit 1

wait_for() { # SECONDS COMMAND...: poll until COMMAND succeeds
    n=$(($1 * 20)); shift
    while ! "$@" && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
    "$@"
}
gone() { ! "$XL" domid "$1" > /dev/null 2>&1; }

for type in pvh pv hvm; do
    case $type in
    pvh) boot="kernel=\"$HELLO/pvh/hello.elf\"" ;;
    pv) boot="kernel=\"$HELLO/pv64/hello.elf\"" ;;
    hvm) boot="firmware=\"$HELLO/hvm64/hello.elf\"" ;;
    esac
    printf 'name="run-%s"\ntype="%s"\n%s\ncmdline="greeting=hello"\nmemory=64\non_poweroff="destroy"\non_reboot="restart"\n' \
        "$type" "$type" "$boot" > "$type.cfg"

    "$XL" create "$type.cfg" 2> /dev/null
    check "$type: xl create"
    wait_for 10 sh -c "'$XL' list run-$type | grep -q ' -b---- \| r----- '"
    check "$type: the guest runs"
    dom=$("$XL" domid "run-$type")
    "$XL" reboot "run-$type" 2> /dev/null
    wait_for 10 sh -c "[ \"\$('$XL' domid run-$type 2>/dev/null)\" != $dom ]"
    check "$type: on_reboot=restart gives a new domain"
    "$XL" shutdown -w "run-$type" 2> err
    grep -q 'has been shut down\|has been destroyed' err
    check "$type: xl shutdown -w waits for the guest"
    wait_for 10 gone "run-$type"
    check "$type: on_poweroff=destroy removes the domain"
done

printf 'name="run-console"\ntype="pvh"\nkernel="%s"\nmemory=32\n' "$HELLO/pvh/hello.elf" > c.cfg
"$XL" create -c c.cfg < /dev/null > console.out 2> /dev/null &
wait_for 10 grep -q hello console.out
check "xl create -c shows the guest's console"
"$XL" destroy run-console

done_testing
