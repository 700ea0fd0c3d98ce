#!/bin/sh
# xl_soft_reset.sh: on_soft_reset.  The soft_reset guest (tests/guests)
# shuts down once with SHUTDOWN_soft_reset, then checks that its shutdown
# call returned 0, its memory is kept and its console and xenstore event
# channels are new and connected, prints that and powers off.  With the
# default on_soft_reset=soft-reset (PVH and HVM) xl's monitor resets the
# same domain and keeps watching it until the poweroff; with
# on_soft_reset=destroy the domain is destroyed after the first line.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=xl_bounded
GUESTS=$top_builddir/tests/guests
cd "$scratch" || exit 1

expected() { grep -v '^# ' "$top_srcdir/tests/guests/soft_reset.expected"; }

for env in pvh hvm64; do
    case $env in
    pvh) boot="type=\"pvh\"
kernel=\"$GUESTS/pvh/soft_reset.elf\"" ;;
    hvm64) boot="type=\"hvm\"
firmware=\"$GUESTS/hvm64/soft_reset.elf\"" ;;
    esac
    dom=sr-$env
    printf 'name="%s"\n%s\nmemory=64\n' $dom "$boot" > $dom.cfg
    "$XL" create -F $dom.cfg > $dom.xl 2>&1
    expected > want
    cmp -s want "$XENHV_RUNDIR/console/guest-$dom.log" ||
        { diff want "$XENHV_RUNDIR/console/guest-$dom.log" | sed 's/^/# /'; false; }
    check "$env: on_soft_reset default (soft-reset): the guest goes on after its reset and passes"
    grep -q 'Action for shutdown reason code 5 is soft_reset' $dom.xl
    check "$env: the monitor saw reason code 5 and soft-reset it"
    [ "$(grep -c "Waiting for domain $dom (domid " $dom.xl)" = 2 ] &&
        [ "$(sed -n "s/^Waiting for domain $dom (domid \([0-9]*\)).*/\1/p" $dom.xl | sort -u | wc -l)" = 1 ]
    check "$env: the same domain is watched again after the reset"
    grep -q 'reason code 0 0x0' $dom.xl && gone $dom
    check "$env: then its poweroff destroys it (on_poweroff=destroy)"
done

printf 'name="srd"\ntype="pvh"\nkernel="%s"\nmemory=64\non_soft_reset="destroy"\n' \
    "$GUESTS/pvh/soft_reset.elf" > srd.cfg
"$XL" create -F srd.cfg > srd.xl 2>&1
grep -q 'reason code 5 0x5' srd.xl && grep -q 'is destroy' srd.xl && gone srd
check "on_soft_reset=destroy: the domain is destroyed"
[ "$(cat "$XENHV_RUNDIR/console/guest-srd.log")" = "soft_reset: before the soft reset" ]
check "on_soft_reset=destroy: nothing runs after the reset request"

printf 'name="srp"\ntype="pvh"\nkernel="%s"\nmemory=64\non_soft_reset="preserve"\n' \
    "$GUESTS/pvh/soft_reset.elf" > srp.cfg
"$XL" create -F srp.cfg > /dev/null 2>&1
"$XL" list srp | awk 'NR == 2 { print $5 }' | grep -q '^---sS-$'
check "on_soft_reset=preserve: the domain stays, shut down for soft reset (---sS-)"
"$XL" destroy srp

done_testing
