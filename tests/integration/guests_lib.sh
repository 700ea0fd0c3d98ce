# guests_lib.sh: boot the guest kernels of tests/guests (ENV/NAME.elf) by
# the real xl on the real xenhv and check each against its .expected file:
# its PV console output (the console log the daemon writes) exactly, and
# its end (poweroff, crash or watchdog).  Source after lib.sh and xenhv_lib.sh, then
# guests_run_all "ENV:NAME ..." and guests_report the same list.
GUESTS_SRC=$top_srcdir/tests/guests
GUESTS_BIN=$top_builddir/tests/guests
GUEST_XL=$XLBIN

# The kernel's settings: "# key: value" lines of its expected file.
guest_setting() { # FILE KEY
    sed -n "s/^# $2: *//p" "$1" | head -1
}

guest_expected() { # ENV NAME: NAME.ENV.expected when there is one
    if [ -f "$GUESTS_SRC/$2.$1.expected" ]; then echo "$GUESTS_SRC/$2.$1.expected"
    else echo "$GUESTS_SRC/$2.expected"; fi
}

guest_shutdown_code() { # ENV NAME: the reason code xl must report
    case $(guest_setting "$(guest_expected "$1" "$2")" shutdown) in
    crash) echo 3 ;;
    watchdog) echo 4 ;;
    *) echo 0 ;;
    esac
}

# Every built kernel of the environments given, as ENV:NAME.
guests_built() { # ENV...
    for env in "$@"; do
        for elf in "$GUESTS_BIN/$env"/*.elf; do
            [ -f "$elf" ] && echo "$env:$(basename "$elf" .elf)"
        done
    done
}

# guest_disks DOM: the disks "# disks: yes" asks for, as a disk= line:
# xvda, 64 KiB read-write, each sector filled with its number's low byte;
# xvdb, 8 KiB of zeros, read-only.
guest_disks() {
    i=0
    while [ $i -lt 128 ]; do
        head -c 512 /dev/zero | tr '\0' "\\$(printf %03o $i)"
        i=$((i + 1))
    done > "$1-a.img"
    head -c 8192 /dev/zero > "$1-b.img"
    echo "disk=[\"$PWD/$1-a.img,raw,xvda,rw\", \"$PWD/$1-b.img,raw,xvdb,r\"]"
}

# guest_run_one ENV NAME: boot it, wait for it to end (GUEST_TIMEOUT);
# leaves g-ENV-NAME.{cfg,xl,out,exp,ms} in the current directory.
guest_run_one() {
    env=$1 name=$2 dom="g-$1-$2"
    exp=$(guest_expected "$env" "$name")
    ramdisk=$(guest_setting "$exp" ramdisk)
    {
        echo "name=\"$dom\""
        case $env in
        pv64) echo 'type="pv"'; echo "kernel=\"$GUESTS_BIN/pv64/$name.elf\"" ;;
        pvh) echo 'type="pvh"'; echo "kernel=\"$GUESTS_BIN/pvh/$name.elf\"" ;;
        *) echo 'type="hvm"'; echo "firmware=\"$GUESTS_BIN/$env/$name.elf\"" ;;
        esac
        echo "memory=$(guest_setting "$exp" memory)"
        echo "vcpus=$(guest_setting "$exp" vcpus)"
        echo "cmdline=\"$(guest_setting "$exp" cmdline)\""
        [ -n "$ramdisk" ] && echo "ramdisk=\"$GUESTS_SRC/$ramdisk\""
        [ "$(guest_setting "$exp" disks)" = yes ] && guest_disks "$dom"
        echo 'on_poweroff="destroy"'
        echo 'on_crash="destroy"'
        echo 'on_reboot="destroy"'
    } > "$dom.cfg"
    grep -v '^# ' "$exp" > "$dom.exp"
    t0=$(date +%s%N)
    timeout "${GUEST_TIMEOUT:-60}" "$GUEST_XL" create -F "$dom.cfg" > "$dom.xl" 2>&1
    echo $((($(date +%s%N) - t0) / 1000000)) > "$dom.ms"
    "$GUEST_XL" destroy "$dom" > /dev/null 2>&1
    cp "$XENHV_RUNDIR/console/guest-$dom.log" "$dom.out" 2> /dev/null || : > "$dom.out"
}

# Boot every ENV:NAME of the list, GUESTS_JOBS at a time (a new one
# starts as soon as one ends).
guests_run_all() { # LIST
    "$GUEST_XL" list > /dev/null 2>&1 # start the daemon once, before the parallel creates
    pids=
    for item in $1; do
        while :; do
            live=
            for p in $pids; do kill -0 "$p" 2> /dev/null && live="$live $p"; done
            pids=$live
            set -- $pids
            [ $# -lt "${GUESTS_JOBS:-2}" ] && break
            sleep 0.02
        done
        guest_run_one "${item%%:*}" "${item#*:}" &
        pids="$pids $!"
    done
    wait
}

# One TAP result per ENV:NAME, with the differences when it failed.
guests_report() { # LIST
    for item in $1; do
        env=${item%%:*} name=${item#*:} dom="g-${item%%:*}-${item#*:}"
        code=$(guest_shutdown_code "$env" "$name")
        want=$(guest_setting "$(guest_expected "$env" "$name")" shutdown)
        diff "$dom.exp" "$dom.out" > "$dom.diff" 2>&1 &&
            grep -q "has shut down, reason code $code " "$dom.xl"
        check "$env $name: console output and $want ($(cat "$dom.ms") ms)"
        if [ -s "$dom.diff" ] || ! grep -q "reason code $code " "$dom.xl"; then
            sed 's/^/# /' "$dom.diff" | head -8
            grep -h 'reason code\|rc=' "$dom.xl" | sed 's/^/# /' | head -2
        fi
    done
    # The daemon survived all of them (the garbage guest among them).
    "$GUEST_XL" list > /dev/null 2>&1
    check "xenhv still serves after every guest"
}
