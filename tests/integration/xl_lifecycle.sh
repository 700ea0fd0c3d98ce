#!/bin/sh
# xl_lifecycle.sh: the domain lifecycle through the real xl, libxl and
# xenhv, as far as it goes without running vCPUs: `xl create -p' of the
# example guest as PVH, PV and HVM with the builder's output checked in
# guest memory (tools/guest_peek), xenstore entries and permissions, list
# formats, pause/unpause, rename, memory limits, vCPU lists, info/uptime/
# dmesg, shutdown requests, the monitor process, destroy, and failing
# creates that leave nothing behind.  Tests that need running vCPUs are in
# xl_lifecycle_run.sh (not yet in TESTS).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"
PEEK=$top_builddir/tests/tools/guest_peek
XENSTORED_PATH=$XENHV_RUNDIR/xenstored
export XENSTORED_PATH
XL=xl_bounded
# Every xl call is bounded: a hang fails its check instead of the run.
HELLO=$top_builddir/examples/guests/hello
cd "$scratch" || exit 1

# The example configs with the kernels from the build tree.
mkcfg() { # NAME TYPE
    case $2 in
    pvh) echo "type=\"pvh\"
kernel=\"$HELLO/pvh/hello.elf\"
cmdline=\"console=hvc0 greeting=hello\"" ;;
    pv) echo "type=\"pv\"
kernel=\"$HELLO/pv64/hello.elf\"
cmdline=\"console=hvc0 greeting=hello\"" ;;
    hvm) echo "type=\"hvm\"
firmware=\"$HELLO/hvm64/hello.elf\"" ;;
    esac > "$1.cfg"
    printf 'name="%s"\nmemory=64\nvcpus=1\non_poweroff="destroy"\n' "$1" >> "$1.cfg"
}
mkcfg g-pvh pvh
mkcfg g-pv pv
mkcfg g-hvm hvm

xs_count() { xenstore-ls -f "$1" 2>/dev/null | wc -l; }
xsr() { xenstore-read "$1" 2>/dev/null; }

# --- list before anything: the header and dom0 ---
"$XL" list > list0 2>&1
check "xl list works with a fresh daemon (started on first use)"
head -1 list0 | grep -qx 'Name                                        ID   Mem VCPUs	State	Time(s)'
check "xl list header is real xl's"
grep -Eq '^Domain-0 {32} +0 +[0-9]+ +1 +r-----  +[0-9]+\.[0-9]$' list0
check "xl list shows Domain-0 in real xl's columns"

# --- PVH ---
"$XL" create -p g-pvh.cfg > out 2> err
check "xl create -p of a PVH guest succeeds"
grep -qx 'Parsing config from g-pvh.cfg' err
check "xl create says which config it parses"
pvh=$("$XL" domid g-pvh)
check "xl domid finds the new domain"
"$XL" list g-pvh | grep -Eq '^g-pvh +[0-9]+ +64 +[01] +--p---  +0\.0$'
check "xl list shows it paused with 64 MiB"
"$PEEK" hvm "$pvh" > peek 2>&1
check "guest_peek reads vCPU 0 and the start info"
grep -qx 'magic 0x336ec578' peek && grep -qx 'version 1' peek
check "hvm_start_info: magic 0x336ec578, version 1"
entry=$(readelf -n "$HELLO/pvh/hello.elf" | awk '/0x00000012/ { getline; print "0x" $6 $5 $4 $3 }' |
    sed 's/^0x0*/0x/')
grep -qx "rip $entry" peek
check "vCPU 0 starts at the kernel's PHYS32_ENTRY ($entry)"
grep -qx 'cr0 0x11' peek && grep -qx 'cs_arbytes 0xc9b' peek && grep -qx 'cs_limit 0xffffffff' peek
check "vCPU 0: flat 32-bit protected mode, paging off"
si=$(awk '/^rbx/ { print $2 }' peek)
[ -n "$si" ] && [ "$si" != 0x0 ]
check "%ebx holds the start info's address ($si)"
grep -qx 'cmdline console=hvc0 greeting=hello' peek
check "the start info carries the command line"
grep -qx 'memmap 0x0 0x4000000 1' peek && grep -qx 'memmap 0xfeff8000 0x8000 2' peek
check "memory map: 64 MiB of RAM, the special pages reserved"
[ "$(xsr /local/domain/$pvh/name)" = g-pvh ] && [ "$(xsr /local/domain/$pvh/domid)" = "$pvh" ]
check "xenstore: name and domid"
[ "$(xsr /local/domain/$pvh/store/ring-ref)" = 1044476 ] &&
    [ "$(xsr /local/domain/$pvh/console/ring-ref)" = 1044479 ]
check "xenstore: store and console rings at libxenguest's special pfns (0xfeffc, 0xfefff)"
[ -n "$(xsr /local/domain/$pvh/store/port)" ] && [ -n "$(xsr /local/domain/$pvh/console/port)" ] &&
    [ "$(xsr /local/domain/$pvh/console/type)" = xenconsoled ]
check "xenstore: event channels and console type"
[ "$(xsr /local/domain/$pvh/memory/static-max)" = 65536 ] &&
    [ "$(xsr /local/domain/$pvh/memory/target)" = 65536 ]
check "xenstore: memory/static-max and target"
vm=$(xsr /local/domain/$pvh/vm)
[ "$(xsr "$vm/name")" = g-pvh ] && [ "$(xsr "$vm/uuid")" = "${vm#/vm/}" ]
check "xenstore: /vm/UUID with name and uuid"
xenstore-ls -fp /local/domain/$pvh > perms 2> /dev/null &&
    grep -Eq "^/local/domain/$pvh/control = \"\" .*\(n0,r$pvh\)$" perms &&
    grep -Eq "^/local/domain/$pvh/control/shutdown = \"\" .*\(n$pvh\)$" perms
check "xenstore permissions: control read-only to the guest, control/shutdown its own"
"$XL" list -v g-pvh | grep -q " ${vm#/vm/} "
check "xl list -v shows the domain's UUID"
"$XL" list -l g-pvh > long.json && grep -q "\"domid\": $pvh," long.json &&
    grep -q '"name": "g-pvh"' long.json
check "xl list -l prints the stored configuration as JSON"

state() { "$XL" list "$1" | awk 'NR == 2 { print $5 }'; }
"$XL" unpause g-pvh && case $(state g-pvh) in ??p*) false ;; ??-*) true ;; *) false ;; esac
check "xl unpause clears the paused state"
"$XL" pause g-pvh && case $(state g-pvh) in ??p*) true ;; *) false ;; esac
check "xl pause sets it again"
[ "$("$XL" domname "$pvh")" = g-pvh ]
check "xl domname"
"$XL" rename g-pvh g-renamed && [ "$("$XL" domname "$pvh")" = g-renamed ] &&
    [ "$(xsr "$vm/name")" = g-renamed ]
check "xl rename changes the name in xenstore"
"$XL" rename g-renamed Domain-0 2> err; rc=$?
[ $rc = 1 ] && grep -q "Can't rename domain 'g-renamed'" err
check "xl rename to a name in use fails with real xl's message"
"$XL" mem-max g-renamed 128 && [ "$(xsr /local/domain/$pvh/memory/static-max)" = 131072 ]
check "xl mem-max 128 raises the maximum"
"$XL" mem-max g-renamed 12x 2> err; [ $? = 3 ] && grep -qx 'invalid memory size: 12x' err
check "xl mem-max with a bad size exits 3"
"$XL" mem-set g-renamed 32m && [ "$(xsr /local/domain/$pvh/memory/target)" = 32768 ]
check "xl mem-set 32m sets memory/target"
! "$XL" mem-set g-renamed 1g 2> /dev/null
check "xl mem-set above the maximum fails"
"$XL" vcpu-list g-renamed > vl && head -1 vl | grep -q '^Name  *ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)$' &&
    grep -Eq "^g-renamed +$pvh +0 " vl
check "xl vcpu-list: header and a row for vCPU 0"
# cpus= / cpus_soft= become each vCPU's affinity, shown as real xl shows
# CPU maps ("all", or ranges).
mkcfg g-aff pvh
printf 'vcpus=2\ncpus=["0", "0-%d"]\ncpus_soft="0"\n' $(($(nproc) - 1)) >> g-aff.cfg
"$XL" create -p g-aff.cfg 2> /dev/null && "$XL" vcpu-list g-aff > vla &&
    awk '$1 == "g-aff" { print $3, $(NF - 2), $(NF - 1), $NF }' vla > vla.aff &&
    printf '0 0 / 0\n1 all / 0\n' | cmp -s - vla.aff
check "cpus= and cpus_soft=: each vCPU's hard and soft affinity in xl vcpu-list"
sed 's/^/# /' vla
aff_of() { # VCPU: "HARD / SOFT" of g-aff's vCPU
    "$XL" vcpu-list g-aff | awk -v v="$1" '$1 == "g-aff" && $3 == v { print $(NF - 2), $(NF - 1), $NF }'
}
"$XL" vcpu-pin g-aff 1 0 - && [ "$(aff_of 1)" = "0 / 0" ]
check "xl vcpu-pin g-aff 1 0 -: vCPU 1's hard affinity, its soft one left"
"$XL" vcpu-pin g-aff all all all && [ "$(aff_of 0)" = "all / all" ] && [ "$(aff_of 1)" = "all / all" ]
check "xl vcpu-pin g-aff all all all: every vCPU, both affinities"
"$XL" vcpu-pin g-aff 0 - 1 && [ "$(aff_of 0)" = "all / 1" ]
check "xl vcpu-pin g-aff 0 - 1: only the soft affinity"
"$XL" vcpu-pin g-aff 0 "^0-$(($(nproc) - 1))" 2> err
[ $? = 1 ] && grep -qx "Could not set affinity for vcpu \`0'." err
check "xl vcpu-pin to no CPU at all: refused, as Xen (exit 1)"
"$XL" destroy g-aff
# Disks: a raw image gets real libxl's vbd entries and xenhv's block
# backend offers it (InitWait); what xenhv cannot serve (qcow2) and
# devices it has no backend for are left out, each named.
cp g-pvh.cfg g-dev.cfg
printf 'name="g-dev"\ndisk=["%s,raw,xvda,rw", "%s,qcow2,xvdb,r"]\nvif=["bridge=xenbr0"]\n' \
    "$scratch/g-dev.cfg" "$scratch/g-dev.cfg" >> g-dev.cfg
"$XL" create -p g-dev.cfg 2> err && dev=$("$XL" domid g-dev)
check "disk= and vif=: the domain is created"
be=/local/domain/0/backend/vbd/$dev/51712 fe=/local/domain/$dev/device/vbd/51712
[ "$(xsr $fe/backend)" = "$be" ] && [ "$(xsr $fe/virtual-device)" = 51712 ] &&
    [ "$(xsr $be/frontend)" = "$fe" ] && [ "$(xsr $be/params)" = "$scratch/g-dev.cfg" ] &&
    [ "$(xsr $be/mode)" = w ] && [ "$(xsr $be/type)" = phy ] && [ "$(xsr $be/dev)" = xvda ]
check "xvda: frontend and backend entries as real libxl writes them"
xenstore-ls -p "$fe" 2> /dev/null | grep -q "(n$dev,r0)" && xenstore-ls -p "$be" | grep -q "(n0,r$dev)"
check "xvda: the guest owns its frontend, dom0 its backend, each readable by the other"
wait_for 5 sh -c "[ \"\$(xenstore-read $be/state 2> /dev/null)\" = 2 ]" &&
    [ "$(xsr $be/sectors)" = $(($(stat -c %s g-dev.cfg) / 512)) ]
check "xvda: the block backend opened the image and waits for the guest (InitWait, its sectors)"
"$XL" block-list g-dev > bl
printf '%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n' Vdev BE handle state evt-ch ring-ref BE-path \
    51712 0 "$dev" 1 -1 -1 "$be" | cmp -s - bl || sed 's/^/# /' bl
check "xl block-list: xvda, its frontend not started yet, in real xl's columns"
grep -qx "libxl: warning: disk xvdb ($scratch/g-dev.cfg): xenhv serves raw images from its own block backend only: left out" err &&
    [ -z "$(xsr /local/domain/$dev/device/vbd/51728/backend)" ]
check "xvdb, qcow2: left out, and said"
grep -qx 'libxl: warning: vif devices (1) are not supported by xenhv yet: domain g-dev is created without them' err
check "vif: left out, and said once"
"$XL" create -p g-dev.cfg 'name="g-bad"' "disk=['g-dev.cfg,raw,hdq,rw']" 2> err
[ $? != 0 ] && grep -q 'Invalid or unsupported virtual disk identifier hdq' err && gone g-bad
check "a disk named hdq: the create fails with real libxl's message, nothing left"
"$XL" create -p g-dev.cfg 'name="g-bad"' "disk=['no-such.img,raw,xvda,rw']" 2> err
[ $? != 0 ] && grep -qx 'libxl: error: Disk vdev=xvda failed to stat: no-such.img: No such file or directory' err &&
    gone g-bad
check "a disk image that is not there: the create fails with real libxl's message, nothing left"
"$XL" create -p g-dev.cfg 'name="g-rel"' "disk=['g-dev.cfg,raw,xvda,r']" 2> /dev/null &&
    rel=$("$XL" domid g-rel) && [ "$(xsr /local/domain/0/backend/vbd/$rel/51712/params)" = g-dev.cfg ] &&
    [ "$(xsr /local/domain/0/backend/vbd/$rel/51712/physical-device-path)" = "$scratch/g-dev.cfg" ] &&
    wait_for 5 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vbd/$rel/51712/state)\" = 2 ]"
check "a relative image path: params as given, the backend opens it from where xl ran"
"$XL" destroy g-rel
mkfifo fifo
"$XL" create -p g-dev.cfg 'name="g-fifo"' "disk=['fifo,raw,xvda,r']" 2> /dev/null &&
    fifo=$("$XL" domid g-fifo) &&
    wait_for 5 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vbd/$fifo/51712/state)\" = 6 ]" &&
    [ -n "$(xsr /local/domain/0/backend/vbd/$fifo/51712/hotplug-error)" ] && "$XL" list > /dev/null
check "a FIFO as the image: the backend says why and closes the disk, the daemon goes on"
"$XL" destroy g-fifo
# Hot plug on the paused guest (its frontend never answers).
"$XL" block-attach g-dev "$scratch/g-dev.cfg,raw,xvdc,r" && wait_for 5 sh -c \
    "[ \"\$(xenstore-read /local/domain/0/backend/vbd/$dev/51744/state)\" = 2 ]"
check "xl block-attach: the backend takes the image (InitWait)"
"$XL" block-attach g-dev "$scratch/g-dev.cfg,raw,xvdc,r" 2> err
[ $? = 1 ] && grep -qx 'libxl: error: disk xvdc: domain '"$dev"' already has it' err &&
    grep -qx 'libxl_device_disk_add failed.' err
check "xl block-attach of a vdev in use: refused, real xl's last line"
"$XL" block-attach g-dev "no-such.img,raw,xvdd,r" 2> err
[ $? = 1 ] && grep -q 'Disk vdev=xvdd failed to stat: no-such.img' err
check "xl block-attach of a missing image: real libxl's message"
"$XL" block-attach g-dev "fifo,raw,xvdd,r" 2> err
[ $? = 1 ] && grep -q 'the block backend did not take fifo: cannot open' err &&
    [ -z "$(xsr /local/domain/0/backend/vbd/$dev/51760/state)" ]
check "xl block-attach of an image the backend refuses: the reason, nothing left"
"$XL" block-detach -f g-dev xvdc && [ -z "$(xsr /local/domain/0/backend/vbd/$dev/51744/state)" ]
check "xl block-detach -f: gone at once"
"$XL" destroy g-dev
[ -z "$(xsr /local/domain/0/backend/vbd/$dev/51712/params)" ]
check "xl destroy removes the disk's backend entries"
"$XL" vcpu-set g-renamed 1 && [ "$(xsr /local/domain/$pvh/cpu/0/availability)" = online ]
check "xl vcpu-set keeps vCPU 0 online"
"$XL" list 999 2> err; rc=$?
[ $rc = 1 ] && grep -qx "Error: Domain '999' does not exist." err
check "xl list of an unknown id: real xl's message, exit 1"
"$XL" destroy 999 2> err; rc=$?
[ $rc = 1 ] && grep -qx 'destroy failed (rc=-21)' err
check "xl destroy of an unknown id: destroy failed (rc=-21), exit 1"
"$XL" shutdown g-renamed 2> err && grep -qx "Shutting down domain $pvh" err &&
    [ "$(xsr /local/domain/$pvh/control/shutdown)" = poweroff ]
check "xl shutdown asks the guest through control/shutdown"
"$XL" reboot g-renamed 2> /dev/null && [ "$(xsr /local/domain/$pvh/control/shutdown)" = reboot ]
check "xl reboot writes reboot"
[ "$("$XL" list -l | grep -c '"domid"')" = 1 ]
check "xl list -l of all domains lists the guest once (not dom0)"
"$XL" vm-list > vml
{
    echo 'UUID                                  ID    name'
    printf '%s  %d    %-30s\n' 00000000-0000-0000-0000-000000000000 0 Domain-0 \
        "${vm#/vm/}" "$pvh" g-renamed
} | cmp -s - vml || sed 's/^/# /' vml
check "xl vm-list: each domain's uuid, id and name in real xl's columns"

# --- PV ---
"$XL" create -p g-pv.cfg 2> /dev/null
check "xl create -p of a PV guest succeeds"
pv=$("$XL" domid g-pv)
"$PEEK" pv "$pv" > peek 2>&1
check "guest_peek reads the PV vCPU and start_info through its page tables"
grep -qx 'magic xen-3.0-x86_64' peek && grep -qx 'nr_pages 16384' peek
check "start_info: magic xen-3.0-x86_64, 16384 pages"
grep -qx 'cs 0xe033' peek && grep -qx 'entry_mapped 1' peek && grep -qx 'stack_mapped 1' peek
check "vCPU 0 in the flat kernel code segment, entry and boot stack mapped"
grep -qx 'pt_base_mapped 1' peek && grep -qx 'pt_base_writable 0' peek
check "the page tables are mapped read-only"
grep -qx 'p2m_mapped 1' peek && grep -Fqx 'p2m[5]_is_pfn_5 1' peek
check "the p2m list is mapped and maps pfn 5 to its machine frame"
grep -qx 'cmdline console=hvc0 greeting=hello' peek
check "start_info carries the command line"
# Xen's libxl writes the machine frame; xenhv's XS_INTRODUCE takes guest
# frames for now, so the builder may give either, but the same page.
ring=$(xsr /local/domain/$pv/store/ring-ref)
{ [ "$ring" = "$(awk '/^store_mfn/ { print $2 }' peek)" ] ||
    [ "$ring" = "$(awk '/^store_pfn/ { print $2 }' peek)" ]; } &&
    [ "$(awk '/^console_pfn/ { print $2 }' peek)" = $(($(awk '/^store_pfn/ { print $2 }' peek) + 1)) ]
check "xenstore's store/ring-ref names start_info's store page; the console page follows it"
hc=$(nm "$HELLO/pv64/hello.elf" | awk '$3 == "hypercall_page" { print "0x" $1 }')
[ "$("$PEEK" pvmem "$pv" "$hc" 14)" = 514153b8000000000f05415b59c3 ]
check "hypercall page stub 0: push rcx; push r11; mov \$0,%eax; syscall; pop r11; pop rcx; ret"
[ "$("$PEEK" pvmem "$pv" $((hc + 23 * 32)) 11)" = 51415350b8170000000f05 ]
check "hypercall page: the iret stub pushes rax and does not return"

# --- HVM ---
"$XL" create -p g-hvm.cfg 2> /dev/null
check "xl create -p of an HVM guest (firmware= image) succeeds"
hvm=$("$XL" domid g-hvm)
"$PEEK" hvm "$hvm" > peek 2>&1 && grep -qx 'cr0 0x11' peek &&
    grep -qx "rip 0x$(readelf -h "$HELLO/hvm64/hello.elf" | awk '/Entry/ { print $4 }' | sed 's/0x//')" peek
check "HVM firmware entered at its ELF entry in flat 32-bit mode"
grep -qx 'memmap 0xa0000 0x60000 2' peek
check "HVM memory map keeps the VGA/ROM hole"
"$XL" list g-hvm | grep -Eq '^g-hvm +[0-9]+ +63 '
check "xl list: the HVM guest's RAM without the VGA hole (63 MiB)"

"$XL" shutdown g-hvm 2> err; rc=$?
[ $rc = 1 ] && grep -q 'PV control interface not available' err &&
    grep -qx 'shutdown failed (rc=-10)' err
check "xl shutdown of an HVM guest without PV drivers: real xl's messages, exit 1"

# --- host information ---
"$XL" info > info
keys="host release version machine nr_cpus max_cpu_id nr_nodes cores_per_socket threads_per_core cpu_mhz hw_caps virt_caps total_memory free_memory sharing_freed_memory sharing_used_memory outstanding_claims free_cpus xen_major xen_minor xen_extra xen_version xen_caps xen_scheduler xen_pagesize platform_params xen_changeset xen_commandline cc_compiler cc_compile_by cc_compile_domain cc_compile_date build_id xend_config_format"
[ "$(cut -c1-23 info | tr -d ' ' | tr '\n' ' ')" = "$keys " ] && grep -q '^virt_caps              : pv hvm' info
check "xl info prints real xl's keys in order"
"$XL" uptime > up && head -1 up | grep -qx 'Name                                ID Uptime' &&
    grep -Eq "^g-pv +$pv +[ 0-9]+:[0-9][0-9]:[0-9][0-9]$" up
check "xl uptime: header and rows"
"$XL" dmesg > /dev/null
check "xl dmesg reads the hypervisor console"

# --- failing creates leave nothing behind ---
doms_before=$("$XL" list | wc -l)
xs_before=$(xs_count /local/domain)$(xs_count /vm)$(xs_count /libxl)
run_before=$(ls "$XENHV_RUNDIR" | sort | tr '\n' ' ')
nothing_left() {
    [ "$("$XL" list | wc -l)" = "$doms_before" ] &&
        [ "$(xs_count /local/domain)$(xs_count /vm)$(xs_count /libxl)" = "$xs_before" ] &&
        [ "$(ls "$XENHV_RUNDIR" | sort | tr '\n' ' ')" = "$run_before" ]
}
"$XL" create -p g-pvh.cfg 'name="bad1"' 'kernel="/nonexistent/kernel"' 2> err; rc=$?
[ $rc = 1 ] && grep -q 'cannot open /nonexistent/kernel' err && nothing_left
check "a missing kernel: exit 1, the reason, nothing left behind"
printf 'not a kernel at all' > garbage.elf
"$XL" create -p g-pvh.cfg 'name="bad2"' "kernel=\"$scratch/garbage.elf\"" 2> err; rc=$?
[ $rc = 1 ] && grep -q 'unrecognised kernel format' err && nothing_left
check "a garbage image: exit 1, the reason, nothing left behind"
head -c 200 "$HELLO/pvh/hello.elf" > truncated.elf
"$XL" create -p g-pvh.cfg 'name="bad3"' "kernel=\"$scratch/truncated.elf\"" 2> /dev/null; rc=$?
[ $rc = 1 ] && nothing_left
check "a truncated ELF: exit 1, nothing left behind"
"$XL" create -p g-pvh.cfg 'name="bad4"' "kernel=\"$HELLO/pv64/hello.elf\"" 2> err; rc=$?
[ $rc = 1 ] && grep -qi 'PHYS32' err && nothing_left
check "a PV-only kernel as PVH: refused (no PHYS32_ENTRY), nothing left behind"
"$XL" create -p g-pv.cfg 2> err; rc=$?
[ $rc = 1 ] && grep -q 'already exists' err && nothing_left
check "a name in use: exit 1, nothing left behind"

# --- the monitor process ---
mkcfg g-mon pvh
"$XL" create g-mon.cfg 2> /dev/null
check "xl create without -p (a monitor process in the background)"
mon=$("$XL" domid g-mon)
i=0; while ! grep -q 'Waiting for domain g-mon' "$XENHV_RUNDIR/xl-g-mon.log" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
grep -q "Waiting for domain g-mon (domid $mon) to die" "$XENHV_RUNDIR/xl-g-mon.log"
check "the monitor logs that it waits for the domain"
"$XL" destroy g-mon
i=0; while ! grep -q 'has been destroyed' "$XENHV_RUNDIR/xl-g-mon.log" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
grep -q "Domain $mon has been destroyed." "$XENHV_RUNDIR/xl-g-mon.log"
check "the monitor sees the domain's death and exits"

"$XL" create -F g-mon.cfg 2> fg.err &
fgpid=$!
i=0; while ! "$XL" domid g-mon > /dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$XL" destroy g-mon
wait $fgpid; rc=$?
[ $rc = 0 ] && grep -q 'Waiting for domain g-mon' fg.err && grep -q 'has been destroyed.' fg.err
check "xl create -F monitors in the foreground until the domain dies"
"$XL" create -e g-mon.cfg 2> /dev/null && ! pgrep -f "xl create -e g-mon.cfg" > /dev/null
check "xl create -e returns with no monitor"
"$XL" destroy g-mon

# --- destroy ---
"$XL" destroy nosuch 2> err; rc=$?
[ $rc = 1 ] && grep -qx 'nosuch is an invalid domain identifier (rc=-6)' err
check "xl destroy of an unknown name: real xl's message, exit 1"
"$XL" destroy 0 2> err; rc=$?
[ $rc = 1 ] && grep -q '^Not destroying domain 0; use -f to force.' err
check "xl destroy 0 refuses"
"$XL" destroy g-renamed && "$XL" destroy g-pv && "$XL" destroy g-hvm
check "xl destroy of each guest"
[ "$("$XL" list | wc -l)" = 2 ] && [ -z "$(xenstore-list /local/domain 2>/dev/null | grep -vx 0)" ] &&
    [ -z "$(xenstore-list /vm 2>/dev/null)" ] && [ -z "$(xenstore-list /libxl 2>/dev/null)" ]
check "after destroy: only Domain-0, no xenstore entries left"

done_testing
