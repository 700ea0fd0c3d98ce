#!/bin/sh
# xl_debug_keys.sh: xl debug-keys presses the hypervisor's debug keys, whose
# output `xl dmesg` shows: 'h' the list of keys, 'q' every domain and its
# vCPUs, 'e' every domain's event channels; tried on the example guest
# (PVH) while it runs.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=xl_bounded
HELLO=$top_builddir/examples/guests/hello
cd "$scratch" || exit 1

printf 'name="dk"\ntype="pvh"\nkernel="%s"\nmemory=64\nvcpus=2\n' \
    "$HELLO/pvh/hello.elf" > dk.cfg
"$XL" create dk.cfg 2> /dev/null && wait_for 20 running dk
check "the example guest runs"
dom=$("$XL" domid dk)

"$XL" debug-keys h && "$XL" dmesg > h.out
grep -q "'h' pressed -> showing installed handlers" h.out &&
    grep -q "key 'q' (ascii '71') => dump domain" h.out &&
    grep -q "key 'e' (ascii '65') => dump evtchn info" h.out
check "xl debug-keys h: the keys and what they do, in xl dmesg"

"$XL" dmesg -c > /dev/null
"$XL" debug-keys q && "$XL" dmesg > q.out
grep -q "General information for domain $dom:" q.out &&
    grep -q "type=pvh, vcpus=2, pages=" q.out &&
    grep -Eq "VCPU0: up, (running|runnable|blocked) for [0-9]+ ms; upcall_pending=" q.out &&
    grep -q "VCPU1: down, offline" q.out
check "xl debug-keys q: each domain, its vCPUs' state and event flags"
sed 's/^/# /' q.out | tail -4

"$XL" dmesg -c > /dev/null
"$XL" debug-keys e && "$XL" dmesg > e.out
grep -q "Event channel information for domain $dom:" e.out &&
    grep -Eq "^\(XEN\) +[0-9]+ \[[01]/[01]/[01]\]: s=2 \(interdomain\) n=0 x=0 d=0 p=[0-9]+$" e.out
check "xl debug-keys e: the guest's ports with their bits and other ends"
sed 's/^/# /' e.out | tail -4

"$XL" dmesg -c > /dev/null
"$XL" debug-keys Z && "$XL" dmesg > z.out && ! grep -q "pressed" z.out
check "a key without a handler does nothing, as on Xen"

long=$(printf '%080d' 0 | tr 0 h)
"$XLBIN" debug-keys "$long" > long.out 2>&1
[ $? = 1 ] && grep -qx "cannot send debug keys: $long" long.out
check "more keys than one request takes: 'cannot send debug keys', exit 1"

"$XL" destroy dk
done_testing
