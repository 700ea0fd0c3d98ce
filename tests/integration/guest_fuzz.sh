#!/bin/sh
# guest_fuzz.sh: the hcall_fuzz guest fires random hypercalls with random
# arguments for 60 seconds (GUEST_FUZZ_SECONDS), as PVH, PV (pv64) and HVM
# (hvm64) at the same time, beside the example hello guest.  Afterwards
# the daemon (the same process) still answers, the hello guest still runs
# and shuts down on xl shutdown, xl dmesg still shows its lines, and:
#  - the PV fuzzer passed: it maps its code read-only and keeps its own
#    handlers, so nothing it asks for can wreck it; a failure there (its
#    code changed, an exception, the hypervisor crashing it) is a
#    hypervisor fault;
#  - the PVH and HVM fuzzers passed, or failed by their own hand: the
#    guest reported RESULT: FAIL and shut itself down (its code is
#    writable to its own hypercalls, as on Xen), with its last calls in
#    the log; a domain the hypervisor crashed is a failure.
# The seeds are printed, so a failure can be replayed (GUEST_FUZZ_SEED;
# trace=1 / verify=1 on the guest's command line narrow it down).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=$(cd "$(dirname "$XL")" && pwd)/xl
GUESTS_BIN=$top_builddir/tests/guests
HELLO_CFG=$(cd "$top_srcdir" && pwd)/examples/hello-pvh.cfg
SECONDS_RUN=${GUEST_FUZZ_SECONDS:-60}
SEED=${GUEST_FUZZ_SEED:-$(date +%s)}
LOG=$XENHV_RUNDIR/xenhv.log
cd "$scratch" || exit 1
echo "# seed base $SEED, $SECONDS_RUN seconds"

# Guest console text as TAP comments: printable characters only, and
# every line ended, so a fuzzer's garbage cannot swallow the next result.
tap_comment() {
    tr -cd '\11\12\40-\176' | awk -v p="$1" '{ print "# " p $0 }'
}

console_of() { echo "$XENHV_RUNDIR/console/guest-$1.log"; }
# The daemon's own errors: error lines that are not about one domain.
daemon_errors() { grep ' xenhv error: ' "$LOG" | grep -v ' xenhv error: domain [0-9]*: '; }

"$XL" list > /dev/null 2>&1
check "xenhv starts"
pid0=$(xenhv_pid)

# The hello guest, from the example config under a name of its own.
sed -e 's/^name = .*/name = "fuzz-hello"/' \
    -e "s|^kernel = \"|kernel = \"$(cd "$top_builddir" && pwd)/|" "$HELLO_CFG" > hello.cfg
"$XL" create hello.cfg > /dev/null 2>&1 && wait_for 20 running fuzz-hello &&
    wait_for 20 grep -q 'waiting for xl shutdown' "$(console_of fuzz-hello)"
check "the hello guest runs"

# The three fuzzers, concurrently.
i=0
for env in pvh pv64 hvm64; do
    i=$((i + 1))
    dom=fuzz-$env
    case $env in
    pvh) boot="type=\"pvh\"
kernel=\"$GUESTS_BIN/pvh/hcall_fuzz.elf\"" ;;
    pv64) boot="type=\"pv\"
kernel=\"$GUESTS_BIN/pv64/hcall_fuzz.elf\"" ;;
    hvm64) boot="type=\"hvm\"
firmware=\"$GUESTS_BIN/hvm64/hcall_fuzz.elf\"" ;;
    esac
    printf 'name="%s"\n%s\nmemory=64\nvcpus=1\ncmdline="seed=%s seconds=%s"\n' \
        "$dom" "$boot" $((SEED + i)) "$SECONDS_RUN" > "$dom.cfg"
    printf 'on_poweroff="destroy"\non_crash="destroy"\non_reboot="destroy"\n' >> "$dom.cfg"
    timeout $((SECONDS_RUN + 120)) "$XL" create -F "$dom.cfg" > "$dom.xl" 2>&1 &
done
wait

pid1=$(xenhv_pid)
timeout 30 "$XL" list > list.out 2>&1
check "xenhv still answers xl list after the fuzzing"
[ -n "$pid0" ] && [ "$pid0" = "$pid1" ] && kill -0 "$pid1" 2> /dev/null
check "the daemon is the same process throughout (pid $pid0)"

for env in pvh pv64 hvm64; do
    dom=fuzz-$env
    out=$(console_of $dom)
    cp "$out" "$dom.out" 2> /dev/null || : > "$dom.out"
    grep -ah 'seed=\| s: ' "$dom.out" | tail -n 2 | tap_comment "$env: "
    domid=$(sed -n 's/.*(domid \([0-9]*\)).*/\1/p' "$dom.xl" | head -n 1)
    if grep -q '^RESULT: PASS hcall_fuzz$' "$dom.out"; then
        grep -q 'reason code 0 ' "$dom.xl"
        check "$env: the fuzz guest passed"
    elif [ "$env" = pv64 ]; then
        tail -n 20 "$dom.out" | tap_comment "$env: "
        false
        check "$env: the fuzz guest passed (it cannot wreck itself: a failure is the hypervisor's)"
    else
        # Its own doing only: it said so and shut itself down; the
        # hypervisor did not crash it and logged no error of its own.
        tail -n 20 "$dom.out" | tap_comment "$env (guest-caused): "
        [ -n "$domid" ] && grep -q '^RESULT: FAIL hcall_fuzz' "$dom.out" &&
            grep -q "domain $domid: shutdown (reason 3) from vcpu" "$LOG" &&
            ! grep -q "xenhv warning: domain $domid crashed" "$LOG" && ! daemon_errors | grep -q .
        check "$env: the fuzz guest passed, or failed by its own hand only"
    fi
    "$XL" destroy $dom > /dev/null 2>&1
done

running fuzz-hello
check "the hello guest still runs"
timeout 60 "$XL" shutdown -w fuzz-hello > /dev/null 2>&1 && wait_for 20 gone fuzz-hello &&
    grep -q 'control/shutdown says "poweroff": shutting down' "$(console_of fuzz-hello)"
check "the hello guest answers xl shutdown"
# The hypervisor console too: the fuzzers' garbage does not hide its line.
timeout 30 "$XL" dmesg 2> /dev/null | grep -q 'hello: control/shutdown says "poweroff"'
check "xl dmesg still shows the hello guest's lines"

"$XL" list > /dev/null 2>&1 && [ "$(xenhv_pid)" = "$pid0" ]
check "xenhv still answers, same process"
! daemon_errors | sed 's/^/# /' | grep .
check "the daemon logged no error of its own"
grep ' xenhv \(error\|warning\): domain ' "$LOG" | head -n 5 | sed 's/^/# guest: /'

done_testing
