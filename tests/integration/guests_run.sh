#!/bin/sh
# guests_run.sh: every guest kernel of tests/guests, as PVH (pvh) and as
# HVM (hvm32, hvm64), booted by the real xl on the real xenhv; its PV
# console output (the console log the daemon writes) must be exactly its
# .expected file, and it must end as the .expected file says (poweroff or
# crash).  Guests run several at a time, each under a timeout.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
XL=$(cd "$(dirname "$XL")" && pwd)/xl
GUESTS_SRC=$top_srcdir/tests/guests
GUESTS_BIN=$top_builddir/tests/guests
JOBS=${GUESTS_JOBS:-4}
TIMEOUT=${GUEST_TIMEOUT:-20}
# Known failures of the emu backend, skipped with the reason (env:name).
KNOWN=""
known_why=""
cd "$scratch" || exit 1

# The kernels' settings: "# key: value" lines of the expected file.
setting() { # FILE KEY
    sed -n "s/^# $2: *//p" "$1" | head -1
}

# run_one ENV NAME: boot it, wait for it to end; writes NAME.ENV.{out,why,rc}.
run_one() {
    env=$1 name=$2
    exp=$GUESTS_SRC/$name.$env.expected
    [ -f "$exp" ] || exp=$GUESTS_SRC/$name.expected
    dom="g-$env-$name"
    case $env in
    pvh) boot="type=\"pvh\"
kernel=\"$GUESTS_BIN/pvh/$name.elf\"" ;;
    *) boot="type=\"hvm\"
firmware=\"$GUESTS_BIN/$env/$name.elf\"" ;;
    esac
    ramdisk=$(setting "$exp" ramdisk)
    {
        echo "name=\"$dom\""
        echo "$boot"
        echo "memory=$(setting "$exp" memory)"
        echo "vcpus=$(setting "$exp" vcpus)"
        echo "cmdline=\"$(setting "$exp" cmdline)\""
        [ -n "$ramdisk" ] && echo "ramdisk=\"$GUESTS_SRC/$ramdisk\""
        echo 'on_poweroff="destroy"'
        echo 'on_crash="destroy"'
        echo 'on_reboot="destroy"'
    } > "$dom.cfg"
    grep -v '^# ' "$exp" > "$dom.exp"
    case $(setting "$exp" shutdown) in crash) code=3 ;; *) code=0 ;; esac
    # Another run only when one went wrong (up to three): intermittent
    # failures (the xenstore guest's, see the TAP output) are told apart
    # from broken guests, and reported.
    for attempt in 1 2 3; do
        rm -f "$XENHV_RUNDIR/console/guest-$dom.log"
        t0=$(date +%s%N)
        timeout "$TIMEOUT" "$XL" create -F "$dom.cfg" > "$dom.xl" 2>&1
        echo $((($(date +%s%N) - t0) / 1000000)) > "$dom.ms"
        "$XL" destroy "$dom" > /dev/null 2>&1
        cp "$XENHV_RUNDIR/console/guest-$dom.log" "$dom.out" 2> /dev/null || : > "$dom.out"
        cmp -s "$dom.exp" "$dom.out" && grep -q "reason code $code " "$dom.xl" && break
        [ $attempt = 1 ] && { tail -n 2 "$dom.out"; grep -h 'reason code' "$dom.xl"; } > "$dom.first"
    done
}

"$XL" list > /dev/null 2>&1 # start the daemon once, before the parallel creates

list=
for env in pvh hvm32 hvm64; do
    for elf in "$GUESTS_BIN/$env"/*.elf; do
        [ -f "$elf" ] || continue
        name=$(basename "$elf" .elf)
        list="$list $env:$name"
    done
done

# Run JOBS at a time: a new one starts as soon as one ends.
pids=
for item in $list; do
    case " $KNOWN " in *" $item "*) continue ;; esac
    while :; do
        live=
        for p in $pids; do kill -0 "$p" 2> /dev/null && live="$live $p"; done
        pids=$live
        set -- $pids
        [ $# -lt "$JOBS" ] && break
        sleep 0.02
    done
    run_one "${item%%:*}" "${item#*:}" &
    pids="$pids $!"
done
wait

for item in $list; do
    env=${item%%:*} name=${item#*:}
    dom="g-$env-$name"
    case " $KNOWN " in *" $item "*)
        tap_n=$((tap_n + 1))
        echo "ok $tap_n - $env $name # SKIP $known_why"
        continue ;;
    esac
    exp=$GUESTS_SRC/$name.$env.expected
    [ -f "$exp" ] || exp=$GUESTS_SRC/$name.expected
    want=$(setting "$exp" shutdown)
    case $want in crash) code=3 ;; *) code=0 ;; esac
    diff "$dom.exp" "$dom.out" > "$dom.diff" 2>&1 &&
        grep -q "has shut down, reason code $code " "$dom.xl"
    check "$env $name: console output and $want ($(cat "$dom.ms") ms)"
    if [ -s "$dom.first" ]; then
        echo "# $env $name: needed another run; the first ended with:"
        sed 's/^/#   /' "$dom.first"
    fi
    if [ -s "$dom.diff" ] || ! grep -q "reason code $code " "$dom.xl"; then
        sed 's/^/# /' "$dom.diff" | head -8
        grep -h 'reason code\|rc=' "$dom.xl" | sed 's/^/# /' | head -2
    fi
done

# The daemon survived all of them (the garbage guest among them).
"$XL" list > /dev/null 2>&1
check "xenhv still serves after every guest"

done_testing
