#!/bin/sh
# xl_lifecycle_run.sh: the lifecycle with running guests (needs the CPU
# backend): the example guest, as PVH, PV and HVM, runs, answers xl reboot
# (on_reboot=restart: a new domain) and xl shutdown -w (on_poweroff=
# destroy); on_poweroff=preserve and rename-restart; on_watchdog=preserve
# and restart with the watchdog guest (tests/guests), which hangs and is
# shut down by its watchdog timer; xl create -c shows the guest's console.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=xl_bounded
HELLO=$top_builddir/examples/guests/hello
cd "$scratch" || exit 1

new_domid() { [ "$("$XL" domid "$1" 2> /dev/null)" != "$2" ] && ! gone "$1"; }
state_is() { [ "$("$XL" list "$1" 2> /dev/null | awk 'NR == 2 { print $5 }')" = "$2" ]; }

mkcfg() { # NAME TYPE [extra lines]
    case $2 in
    pvh) boot="kernel=\"$HELLO/pvh/hello.elf\"" ;;
    pv) boot="kernel=\"$HELLO/pv64/hello.elf\"" ;;
    hvm) boot="firmware=\"$HELLO/hvm64/hello.elf\"" ;;
    esac
    printf 'name="%s"\ntype="%s"\n%s\ncmdline="greeting=hello"\nmemory=64\n%s\n' \
        "$1" "$2" "$boot" "$3" > "$1.cfg"
}

for type in pvh pv hvm; do
    mkcfg "run-$type" $type 'on_poweroff="destroy"
on_reboot="restart"'
    "$XL" create "run-$type.cfg" 2> /dev/null
    check "$type: xl create"
    wait_for 20 running "run-$type"
    check "$type: the guest runs"
    dom=$("$XL" domid "run-$type")
    "$XL" reboot "run-$type" 2> /dev/null && wait_for 20 new_domid "run-$type" "$dom"
    check "$type: xl reboot, on_reboot=restart: a new domain of the same name"
    wait_for 20 running "run-$type"
    "$XL" shutdown -w "run-$type" 2> err
    grep -Eq 'has been shut down|has been destroyed' err || { sed 's/^/# /' err; false; }
    check "$type: xl shutdown -w waits for the guest"
    wait_for 20 gone "run-$type"
    check "$type: on_poweroff=destroy removes the domain"
done

mkcfg keep pvh 'on_poweroff="preserve"'
"$XL" create keep.cfg 2> /dev/null && wait_for 20 running keep
"$XL" shutdown -w keep 2> /dev/null
state_is keep ---s-- || "$XL" list keep | sed 's/^/# /'
check "on_poweroff=preserve keeps the domain, shut down (---s--)"
"$XL" destroy keep

mkcfg again pvh 'on_poweroff="rename-restart"'
"$XL" create again.cfg 2> /dev/null && wait_for 20 running again
dom=$("$XL" domid again)
"$XL" shutdown again 2> /dev/null && wait_for 20 new_domid again "$dom"
"$XL" list | grep -Eq "^again-[0-9T]+Z +$dom "
check "on_poweroff=rename-restart: the old domain renamed with a time suffix, a new one started"
"$XL" destroy again; "$XL" destroy "$dom"

# The watchdog guest stops poking its 2 s timer about 3 s after it starts.
WATCHDOG=$top_builddir/tests/guests/pvh/watchdog.elf
printf 'name="wdp"\ntype="pvh"\nkernel="%s"\nmemory=64\non_watchdog="preserve"\n' \
    "$WATCHDOG" > wdp.cfg
printf 'name="wdr"\ntype="pvh"\nkernel="%s"\nmemory=64\non_watchdog="restart"\n' \
    "$WATCHDOG" > wdr.cfg
"$XL" create wdp.cfg 2> /dev/null && "$XL" create wdr.cfg 2> /dev/null
wdp=$("$XL" domid wdp) wdr=$("$XL" domid wdr)
wait_for 30 new_domid wdr "$wdr"
check "on_watchdog=restart: a hung guest's watchdog fires, a new domain of the same name"
wait_for 10 state_is wdp ---sw-
check "on_watchdog=preserve keeps the domain, shut down by its watchdog (---sw-)"
"$XL" dmesg | grep -q "Watchdog timer fired for domain $wdp\$"
check "xl dmesg says which domain's watchdog fired"
"$XL" destroy wdp; "$XL" destroy wdr

mkcfg con pvh ''
"$XL" create -c con.cfg < /dev/null > console.out 2> /dev/null &
wait_for 20 grep -q 'running as PVH' console.out
check "xl create -c shows the guest's console"
grep -q 'command line: "greeting=hello"' console.out
check "the guest got its command line"
"$XL" destroy con

done_testing
