#!/bin/sh
# xenhv_domains.sh: domains through libxl's control layer: create (PV, PVH,
# HVM, and the emulation-flag rules), pause, destroy, memory accounting and
# limits, foreign mapping, event channels, HVM params, vCPU context.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/xenhv_lib.sh"

pv=$("$PROBE" create pv)
check "create a PV domain"
pvh=$("$PROBE" create pvh) && hvm=$("$PROBE" create hvm)
check "create a PVH and an HVM domain"
[ "$("$PROBE" list | tr '\n' ' ')" = "0 $pv $pvh $hvm " ]
check "getdomaininfolist lists dom0 and the three domains"

"$PROBE" dominfo "$pvh" > "$scratch/pvh"
grep -qx 'hvm 1' "$scratch/pvh" && grep -qx 'emulation_flags 0x1' "$scratch/pvh"
check "PVH is an HVM domain with only the LAPIC emulated"
"$PROBE" dominfo "$hvm" | grep -qx 'emulation_flags 0x3ff'
check "full HVM has every emulated device but vPCI"
"$PROBE" dominfo "$pv" | grep -qx 'hvm 0'
check "a PV domain is not HVM"
"$PROBE" dominfo "$pv" | grep -qx 'paused 1'
check "a new domain starts paused"

"$PROBE" create hvm 0x1 > /dev/null
check "HVM with exactly the PVH set is accepted"
"$PROBE" create hvm 0x3 > /dev/null 2> "$scratch/err"
[ $? = 1 ] && grep -q 'Invalid argument' "$scratch/err"
check "HVM with LAPIC+HPET (neither set) is EINVAL"
"$PROBE" create hvm 0x7ff > /dev/null 2>&1
[ $? = 1 ]
check "HVM with vPCI added is EINVAL"
"$PROBE" create pv 0x1 > /dev/null 2>&1
[ $? = 1 ]
check "PV with an emulated LAPIC is EINVAL"

"$PROBE" unpause "$pv" && "$PROBE" dominfo "$pv" | grep -qx 'paused 0'
check "unpause"
"$PROBE" pause "$pv" && "$PROBE" dominfo "$pv" | grep -qx 'paused 1'
check "pause"

# Memory: nothing without max_mem, then up to the limit, never past it.
[ "$("$PROBE" populate "$pv" 0 1)" = 0 ]
check "populate with max_mem 0 does nothing (ENOMEM at the first extent)"
"$PROBE" maxmem "$pv" 1024
check "max_mem 1024 KiB"
[ "$("$PROBE" populate "$pv" 0 200)" = 200 ]
check "populate 200 frames"
[ "$("$PROBE" populate "$pv" 200 100)" = 56 ]
check "populate past max_mem stops at 256 frames (56 of 100)"
"$PROBE" dominfo "$pv" > "$scratch/pv"
grep -qx 'tot_pages 256' "$scratch/pv" && grep -qx 'max_pages 256' "$scratch/pv"
check "getdomaininfo accounts tot_pages 256 of max_pages 256"
"$PROBE" memquery "$pv" > "$scratch/q"
grep -qx 'current 256' "$scratch/q" && grep -qx 'maximum 256' "$scratch/q" &&
    grep -qx 'maximum_gpfn 255' "$scratch/q"
check "current/maximum_reservation and maximum_gpfn agree"
[ "$("$PROBE" decrease "$pv" 0 100)" = 100 ] && "$PROBE" dominfo "$pv" | grep -qx 'tot_pages 156'
check "decrease_reservation gives 100 frames back"
[ "$("$PROBE" populate "$pv" 0 50)" = 50 ]
check "freed frames can be populated again"
[ "$("$PROBE" populate "$pv" 512 1 9)" = 0 ]
check "a 2 MiB extent does not fit in the rest of max_mem"
"$PROBE" maxmem "$hvm" 65536 && [ "$("$PROBE" populate "$hvm" 0 16 9)" = 16 ]
check "populate 32 MiB of HVM memory in 2 MiB extents"
"$PROBE" dominfo "$hvm" | grep -qx 'tot_pages 8192'
check "accounted as 8192 pages"

out=$("$PROBE" map "$pv" 7)
[ "$out" = "hello from the toolstack 7" ]
check "foreign mapping is the domain's memory itself (written, read back)"
"$PROBE" map "$pv" 400 > /dev/null 2>&1
[ $? = 1 ]
check "mapping an unpopulated frame fails"

"$PROBE" evtchn "$pv" > "$scratch/ev"
grep -q '^guest port [0-9]* status 1 remote 0$' "$scratch/ev"
check "alloc_unbound: the guest's port waits for dom0"
grep -q "^bound dom0 port [0-9]*; guest port status 2 peer 0:" "$scratch/ev"
check "bind_interdomain connects dom0 to it"
grep -qx 'notified' "$scratch/ev"
check "evtchn notify on the bound port"
grep -qx 'after close: guest port status 1' "$scratch/ev"
check "closing dom0's end leaves the guest's port unbound"
grep -qx 'notify closed port: Invalid argument' "$scratch/ev"
check "notify on a closed port is EINVAL"

"$PROBE" gnttab "$pvh" > "$scratch/gt"
grep -qx 'frames 4 of 32' "$scratch/gt"
check "grant table set up with 4 of its 32 frames"
grep -qx 'xenstore grant: flags 1 domid 0 frame 0xfeffc' "$scratch/gt"
check "the toolstack seeds a grant entry through a mapping of the table"

"$PROBE" hvmctx "$pvh" > "$scratch/ctx"
grep -qx 'default size 288' "$scratch/ctx" && grep -qx 'first record 1 magic 0x54381286' "$scratch/ctx"
check "a fresh HVM domain's context: the header and its vCPUs' MTRRs"
grep -qx 'mtrr pat 0x7040600070406' "$scratch/ctx"
check "gethvmcontext_partial finds vCPU 0's MTRR record"
grep -qx 'cpu rip 0x100000 rbx 0x5000' "$scratch/ctx"
check "sethvmcontext with a CPU record, read back"
grep -qx 'bad magic: Invalid argument' "$scratch/ctx" &&
    grep -qx 'overlong record: Invalid argument' "$scratch/ctx"
check "malformed contexts are EINVAL"

"$PROBE" sched "$hvm" > "$scratch/sched"
grep -qx 'weight 512 cap 0' "$scratch/sched"
check "credit2 weight set and read back (scheduler_op)"
grep -qx 'hard affinity 0x1' "$scratch/sched" && grep -qx 'empty affinity: Invalid argument' "$scratch/sched"
check "vCPU hard affinity set and read back; an empty one is EINVAL"
grep -qx 'tsc_mode 2' "$scratch/sched" && grep -qx 'paging pool 4194304' "$scratch/sched"
check "TSC mode and paging pool size recorded"
"$PROBE" topo > "$scratch/topo"
grep -qx "cpus $(nproc)" "$scratch/topo" && grep -qx 'nodes 1 distance 10 memory ok' "$scratch/topo"
check "cputopoinfo and numainfo describe the host"

"$PROBE" hvmparam "$hvm" 1 0xfeffc && [ "$("$PROBE" hvmparam "$hvm" 1)" = $((0xfeffc)) ]
check "HVM_PARAM_STORE_PFN set and read back"
"$PROBE" hvmparam "$pv" 1 > /dev/null 2>&1
[ $? = 1 ]
check "HVM params do not exist for PV domains"

[ "$("$PROBE" vcpuctx "$pv")" = "rip 0xffffffff81000000 rsi 0x1234" ]
check "setvcpucontext / getvcpucontext round trip"

"$PROBE" destroy "$pv" && ! "$PROBE" dominfo "$pv" > /dev/null 2>&1
check "destroy removes the domain"
"$PROBE" destroy "$pv" > /dev/null 2>&1
[ $? = 1 ]
check "destroying it again is an error"

done_testing
