#!/usr/bin/env python3
"""gen.py OUTDIR: write the conformance sweep's xl.cfg files.

Each case is a config (NAME.cfg) and, optionally, command-line key=value
overrides (NAME.args), covering xl.cfg(5) and xl-disk-configuration(5):
every key for pv/pvh/hvm and builder=, edge values, device specs, boot
configs and broken configs.  sweep.sh runs real xl 4.17 and ours on them.
Deterministic: the same cases every run.
"""
import os
import sys

BASE = {
    "pv": ['kernel = "/boot/vmlinuz"', 'memory = 128'],
    "pvh": ['type = "pvh"', 'kernel = "/boot/vmlinuz"', 'memory = 128'],
    "hvm": ['type = "hvm"', 'memory = 128'],
    "builder": ['builder = "hvm"', 'memory = 128'],
}

cases = []  # (name, text, args)


def add(name, body, types=("pv", "pvh", "hvm"), args=None, base=True):
    for t in types:
        n = "%s-%s" % (name, t)
        lines = ['name = "%s"' % n[:60], 'uuid = "5a8e3c1e-0000-4000-8000-%012x"' % (len(cases) + 1)]
        if base:
            lines += BASE[t]
        if isinstance(body, str):
            body = [body]
        lines += body
        cases.append((n, "\n".join(lines) + "\n", args))


def raw(name, text, args=None):
    cases.append((name, text, args))


# ---- numbers and generic keys -------------------------------------------
for key in ["memory", "maxmem", "vcpus", "maxvcpus", "shadow_memory", "videoram",
            "cpu_weight", "cap", "period", "slice", "latency", "extratime",
            "rtc_timeoffset", "max_event_channels", "max_grant_frames",
            "max_maptrack_frames", "max_grant_version", "stubdomain_memory",
            "vmtrace_buf_kb", "tsc_mode", "timer_mode", "viridian", "hap",
            "oos", "nomigrate", "localtime", "acpi", "apic", "pae", "nx", "hpet",
            "usbversion", "spiceport", "rdm_mem_boundary", "mmio_hole", "altp2m",
            "e820_host", "driver_domain", "claim_mode", "pvshim", "nestedhvm",
            "xen_platform_pci", "vkb_device", "acpi_s3", "vpt_align",
            "xend_suspend_evtchn_compat", "msr_relaxed", "dm_restrict",
            "vga", "hdtype", "vendor_device", "mca_caps", "ms_vm_genid",
            "altp2mhvm", "gfx_passthru", "device_model_stubdomain_override",
            "usb", "sdl", "vnc", "nographic", "spice", "vncunused", "opengl"]:
    for label, val in [("zero", "0"), ("one", "1"), ("neg", "-1"), ("huge", "99999999999"),
                       ("hex", "0x10"), ("str", '"8"'), ("word", '"abc"'), ("list", "[1]"),
                       ("float", "1.5"), ("octal", "010")]:
        if key == "vcpus" and label == "huge":
            continue  # real xl (and ours) build 10^11 cpu maps: hours
        types = ("pv", "hvm") if label in ("zero", "one", "str") else ("hvm",)
        add("num-%s-%s" % (key.replace("_", ""), label), "%s = %s" % (key, val), types)

# ---- memory / vcpus combos ----------------------------------------------
for m, mx in [(128, 256), (256, 128), (128, 128), (0, 128), (128, 0), (1, 1)]:
    add("mem-%d-%d" % (m, mx), ["memory = %d" % m, "maxmem = %d" % mx], ("pv", "pvh", "hvm"))
for v, mv in [(1, 4), (4, 1), (2, 2), (0, 0), (0, 2), (64, 128), (200, 200)]:
    add("vcpu-%d-%d" % (v, mv), ["vcpus = %d" % v, "maxvcpus = %d" % mv], ("pv", "hvm"))
add("vcpu-only-max", "maxvcpus = 3", ("pv", "hvm"))

# ---- cpus= forms ----------------------------------------------------------
for i, c in enumerate(['"0"', '"1"', '"0-1"', '"all"', '"0,1"', '"^0"', '"0-1,^1"', '"node:0"',
                       '"nodes:0"', '"node:0,^node:0"', '["0", "1"]', '["0-1", "1"]', '[]',
                       '"1-0"', '"x"', '"0-"', '""', '"0,,1"', '"all,^0"', '"  1"', '"99"',
                       '["all"]', '["node:0"]', '"^1"', '[0]', '0', '"0-1,"']):
    add("cpus-%02d" % i, ["vcpus = 2", "cpus = %s" % c], ("pv",))
    add("cpussoft-%02d" % i, ["vcpus = 2", "cpus_soft = %s" % c], ("hvm",))
add("cpus-both", ["vcpus = 2", 'cpus = "0"', 'cpus_soft = "1"'], ("pv",))

# ---- on_* actions -----------------------------------------------------------
for act in ["destroy", "restart", "rename-restart", "preserve", "coredump-destroy",
            "coredump-restart", "soft-reset", "bogus", "", "Destroy", "restart "]:
    for key in ["on_poweroff", "on_reboot", "on_watchdog", "on_crash", "on_soft_reset"]:
        add("act-%s-%s" % (key.replace("_", ""), act.replace(" ", "_") or "empty"),
            '%s = "%s"' % (key, act), ("pv",))

# ---- boot configs -------------------------------------------------------------
boot = {
    "kcmd": ['cmdline = "console=hvc0"'],
    "kroot": ['root = "/dev/xvda1"'],
    "kextra": ['extra = "quiet"'],
    "krootextra": ['root = "/dev/xvda1 ro"', 'extra = "quiet"'],
    "kcmdroot": ['cmdline = "a"', 'root = "/dev/xvda1"', 'extra = "b"'],
    "kramdisk": ['ramdisk = "/boot/initrd.img"'],
    "kdt": ['device_tree = "/boot/dt.dtb"'],
    "bl": ['bootloader = "pygrub"'],
    "blargs": ['bootloader = "pygrub"', 'bootloader_args = ["-q", "--entry=1"]'],
    "blargsstr": ['bootloader = "pygrub"', 'bootloader_args = "-q --entry=1"'],
    "blpath": ['bootloader = "/usr/bin/pygrub"'],
    "fwpvgrub32": ['firmware = "pvgrub32"'],
    "fwpvgrub64": ['firmware = "pvgrub64"'],
    "fwbios": ['firmware = "bios"'],
    "fwuefi": ['firmware = "uefi"'],
    "fwovmf": ['firmware = "ovmf"'],
    "fwseabios": ['firmware = "seabios"'],
    "fwrombios": ['firmware = "rombios"'],
    "fwhvmloader": ['firmware = "hvmloader"'],
    "fwpath": ['firmware = "/usr/lib/xen/boot/hvmloader"'],
    "fwrel": ['firmware = "foo.bin"'],
    "fwempty": ['firmware = ""'],
    "fwover": ['firmware_override = "/tmp/hvmloader"'],
    "biosovmf": ['bios = "ovmf"'],
    "biosseabios": ['bios = "seabios"'],
    "biosrombios": ['bios = "rombios"'],
    "biosbad": ['bios = "grub"'],
    "biospath": ['bios_path_override = "/tmp/bios.bin"'],
    "biosboth": ['bios = "ovmf"', 'bios_path_override = "/tmp/ovmf.bin"'],
    "kfw": ['firmware = "pvgrub64"', 'kernel = "/boot/k2"'],
    "kbl": ['bootloader = "pygrub"', 'kernel = "/boot/k2"'],
    "bootorder": ['boot = "dc"'],
    "bootbad": ['boot = "z"'],
    "smbios": ['smbios_firmware = "/tmp/smbios"', 'acpi_firmware = "/tmp/acpi"'],
}
for k, v in boot.items():
    add("boot-%s" % k, v, ("pv", "pvh", "hvm"))
add("boot-none", [], ("pv", "pvh"), base=False)
add("boot-none-withtype", ['type = "pv"'], ("pv",), base=False)
for b in ["hvm", "generic", "linux", "bogus", "HVM", "hvmx", ""]:
    raw("builder-%s" % (b or "empty"),
        'name = "b"\nuuid = "5a8e3c1e-0000-4000-8000-0000000b0001"\nbuilder = "%s"\nkernel = "/boot/vmlinuz"\n' % b)
for t in ["pv", "pvh", "hvm", "PV", "Hvm", "pvhx", "", "xen"]:
    raw("type-%s" % (t or "empty"),
        'name = "t"\nuuid = "5a8e3c1e-0000-4000-8000-0000000c0001"\ntype = "%s"\nkernel = "/boot/vmlinuz"\n' % t)
raw("type-and-builder", 'name = "t"\nuuid = "5a8e3c1e-0000-4000-8000-0000000c0002"\ntype = "pvh"\nbuilder = "hvm"\nkernel = "/k"\n')

# ---- disks ------------------------------------------------------------------
disks = [
    "/dev/vg/guest,raw,xvda,rw", "phy:/dev/vg/guest,xvda,w", "file:/img,xvda,r",
    "tap:aio:/img,xvda,w", "tap:qcow2:/img.qcow2,xvdb,w", "tap2:tapdisk:aio:/img,xvda,w",
    "aio:/img,hda,w", "qcow:/img,hdb,w", "qcow2:/img,sda,w", "vhd:/img,xvdc,w",
    "raw:/img,xvdd,w", "/img,qcow2,xvde,r", "/img,vhd,xvdf,rw", "/img,,xvdg,w",
    "/img,raw,hdc:cdrom,r", ",,hdc:cdrom,r", ",raw,hdc:cdrom,r", "/iso,raw,hdc,devtype=cdrom",
    "vdev=xvda,target=/img", "vdev=xvda,access=ro,target=/img",
    "format=qcow2,vdev=xvda,target=/img,with,commas", "target=/img,vdev=xvda",
    "vdev=xvda,backendtype=qdisk,target=/img", "vdev=xvda,backendtype=tap,target=/img",
    "vdev=xvda,backendtype=phy,target=/dev/sda", "vdev=xvda,backendtype=bogus,target=/img",
    "vdev=xvda,script=block-iscsi,target=iqn.x:y", "script=block-drbd,vdev=xvda,target=drbd:r0",
    "vdev=xvda,discard,target=/img", "vdev=xvda,no-discard,target=/img",
    "vdev=xvda,direct-io-safe,target=/img", "vdev=xvda,devtype=cdrom,target=/iso",
    "vdev=hdc,cdrom,target=/iso", "vdev=xvda,backend=dom0,target=/img",
    "vdev=xvda,backend=1,target=/img", "vdev=xvda,colo,target=/img",
    "vdev=xvda,trusted,target=/img", "vdev=xvda,untrusted,target=/img",
    "vdev=xvda,specification=xen,target=/img", "vdev=xvda,specification=virtio,target=/img",
    "vdev=xvda,specification=bogus,target=/img", "vdev=xvda,transport=mmio,target=/img",
    "vdev=xvda,access=rw,access=ro,target=/img", "vdev=xvda,format=vhd,format=raw,target=/img",
    "vdev=xvda", "target=/img", "", "/img", "/img,raw", "/img,raw,xvda,rw,extra",
    "/img,raw,xvda,x", "/img,bogusfmt,xvda,w", "/img,raw,xvda,w,devtype=cdrom",
    "/img,raw,xvda1,w", "/img,raw,xvdaa,w", "/img,raw,d0p1,w", "/img,raw,sdq,w",
    "/img,raw,hde,w", "/img,raw,bogus,w", "/img,raw,xvda,ro", "/img,raw,xvda,r,",
    "vdev=xvda,target=/img,format=raw", "VDEV=xvda,target=/img", "vdev = xvda, target = /img",
    "  /img , raw , xvda , w  ", "/img,raw,xvda:disk,w", "/img,raw,xvda:cdrom,w",
    "iscsi:iqn.x,xvda,w", "nbd:host:1234,xvda,w", "drbd:res,xvda,w",
    "vdev=xvda,target=/img,readwrite", "vdev=xvda,access=w,target=/img",
    "vdev=xvda,format=qed,target=/img", "vdev=xvda,format=empty,target=",
    "vdev=xvda,backend-type=phy,target=/img", "vdev=xvda,target=/a,b=c",
    "vdev=xvda,discard,no-discard,target=/img", "vdev=xvda,irq=5,target=/img",
]
for i, d in enumerate(disks):
    add("disk-%02d" % i, "disk = [ '%s' ]" % d, ("pv", "hvm") if i % 3 == 0 else ("pv",))
add("disk-many", "disk = [ '/a,raw,xvda,w', '/b,raw,xvdb,w', 'file:/c,xvdc,r', ',,hdc:cdrom,r' ]", ("pv", "hvm"))
add("disk-string", "disk = '/a,raw,xvda,w'", ("pv",))
add("disk-empty", "disk = []", ("pv",))
add("disk-dupvdev", "disk = [ '/a,raw,xvda,w', '/b,raw,xvda,w' ]", ("pv",))

# ---- vifs -------------------------------------------------------------------
vifs = [
    "", "bridge=xenbr0", "mac=00:16:3e:00:00:01", "mac=00:16:3E:AA:BB:CC,bridge=br0",
    "mac=00:16:3e:00:00", "mac=zz:16:3e:00:00:01", "mac=01:00:00:00:00:00",
    "ip=10.0.0.1", "ip=10.0.0.1 10.0.0.2", "rate=10Mb/s", "rate=1GB/s@20ms",
    "rate=100KB/s@500us", "rate=bogus", "rate=10Mb/s@0ms", "rate=0Mb/s",
    "type=ioemu", "type=vif", "type=bogus", "model=e1000", "model=rtl8139",
    "vifname=foo", "script=vif-route", "backend=dom0", "gatewaydev=eth0",
    "devid=3", "devid=-1", "devid=x", "mtu=9000", "mtu=0", "mtu=x",
    "accel=x", "forwarddev=eth0", "trusted", "untrusted", "foo=bar",
    "bridge=br0,bridge=br1", "mac=00:16:3e:00:00:01,mac=00:16:3e:00:00:02",
    "bridge = br0", "bridge=br0,,ip=1.2.3.4", "bridge", "=br0",
    "rate=10Mb/s,rate=20Mb/s", "model=e1000,type=ioemu,mac=00:16:3e:01:02:03",
    "coloft_forwarddev=eth0", "colo_sock_mirror_id=1",
]
for i, v in enumerate(vifs):
    add("vif-%02d" % i, "vif = [ '%s' ]" % v, ("pv", "hvm") if i % 2 == 0 else ("pv",))
add("vif-many", "vif = [ 'bridge=a', 'bridge=b', '', 'mac=00:16:3e:00:00:09' ]", ("pv", "hvm"))
add("vif-string", "vif = 'bridge=br0'", ("pv",))

# ---- other devices ------------------------------------------------------------
devs = {
    "vfb-vnc": "vfb = [ 'vnc=1' ]", "vfb-vncfull": "vfb = [ 'vnc=1,vnclisten=0.0.0.0,vncdisplay=3,vncunused=0,vncpasswd=s,keymap=de' ]",
    "vfb-sdl": "vfb = [ 'sdl=1,display=:0,xauthority=/x,opengl=1' ]", "vfb-empty": "vfb = [ '' ]",
    "vfb-bad": "vfb = [ 'foo=bar' ]", "vfb-two": "vfb = [ 'vnc=1', 'sdl=1' ]",
    "vfb-vkb": "vfb = [ 'vnc=1' ]\nvkb = [ 'backend-type=qemu' ]",
    "vkb-linux": "vkb = [ 'backend-type=linux' ]", "vkb-bad": "vkb = [ 'backend-type=bogus' ]",
    "vkb-unique": "vkb = [ 'backend-type=qemu,unique-id=x,feature-disable-keyboard=1,feature-disable-pointer=1,feature-abs-pointer=1,feature-raw-pointer=1,feature-multi-touch=1,width=800,height=600,multi-touch-width=1,multi-touch-height=1,multi-touch-num-contacts=2' ]",
    "vkb-none": "vkb = [ '' ]",
    "chan-pty": "channel = [ 'name=org.x,connection=pty' ]",
    "chan-sock": "channel = [ 'name=org.x,connection=socket,path=/tmp/s' ]",
    "chan-sock-nopath": "channel = [ 'name=org.x,connection=socket' ]",
    "chan-noname": "channel = [ 'connection=pty' ]", "chan-bad": "channel = [ 'name=a,connection=tcp' ]",
    "chan-backend": "channel = [ 'name=a,connection=pty,backend=dom0' ]",
    "chan-unknown": "channel = [ 'name=a,connection=pty,foo=bar' ]",
    "p9": "p9 = [ 'tag=share,path=/srv,security_model=none' ]",
    "p9-notag": "p9 = [ 'path=/srv,security_model=none' ]",
    "p9-backend": "p9 = [ 'tag=a,path=/srv,security_model=mapped,backend=dom0' ]",
    "pvcalls": "pvcalls = [ 'backend=dom0' ]", "pvcalls-empty": "pvcalls = [ '' ]",
    "vtpm": "vtpm = [ 'backend=vtpmmgr' ]", "vtpm-uuid": "vtpm = [ 'backend=d,uuid=5a8e3c1e-0000-4000-8000-00000000aaaa' ]",
    "vtpm-baduuid": "vtpm = [ 'backend=d,uuid=xx' ]", "vtpm-nob": "vtpm = [ 'uuid=5a8e3c1e-0000-4000-8000-00000000aaaa' ]",
    "usbctrl": "usbctrl = [ 'version=2,ports=4' ]", "usbctrl-type": "usbctrl = [ 'type=qusb,version=3,ports=15' ]",
    "usbctrl-bad": "usbctrl = [ 'type=bogus' ]", "usbctrl-ports": "usbctrl = [ 'ports=40' ]",
    "usbdev": "usbdev = [ 'hostbus=1,hostaddr=2' ]", "usbdev-ctrl": "usbctrl = [ 'version=2' ]\nusbdev = [ 'hostbus=1,hostaddr=2,controller=0,port=1' ]",
    "usbdev-bad": "usbdev = [ 'type=foo' ]",
    "vdispl": "vdispl = [ 'backend=dom0,be-alloc=1,connectors=id0:1920x1080;id1:800x600' ]",
    "vsnd": "vsnd = [ [ 'card, short-name=C' , 'pcm, name=p', 'stream, type=p' ] ]",
    "dtdev": "dtdev = [ '/soc/dma' ]", "ioports": "ioports = [ '3f8-3ff', '2f8' ]",
    "irqs": "irqs = [ 3, 4 ]", "iomem": "iomem = [ 'f0000,10@e0000', 'a0' ]",
    "iomem-bad": "iomem = [ 'zz' ]", "irqs-str": "irqs = [ '3' ]",
    "vuart": 'vuart = "sbsa_uart"', "vuart-bad": 'vuart = "x"',
    "serial": "serial = 'pty'", "serial-list": "serial = [ 'pty', 'file:/tmp/x' ]",
    "usbdevice": "usbdevice = 'tablet'", "usbdevice-list": "usbdevice = [ 'tablet', 'mouse' ]",
    "soundhw": "soundhw = 'hda'", "keymap": "keymap = 'de'",
    "dmargs": "device_model_args = [ '-a', '-b' ]", "dmargs-hvm": "device_model_args_hvm = [ '-x' ]",
    "dmargs-pv": "device_model_args_pv = [ '-y' ]", "dmargs-str": "device_model_args = '-a'",
    "dmver-trad": "device_model_version = 'qemu-xen-traditional'", "dmver-qemu": "device_model_version = 'qemu-xen'",
    "dmver-bad": "device_model_version = 'bogus'", "dmver-none": "device_model_version = 'none'",
    "dmstub": "device_model_stubdomain_override = 1", "dm-override": "device_model_override = '/usr/bin/qemu'",
    "dm-user": "device_model_user = 'qemu'", "stub-kernel": "stubdomain_kernel = '/k'\nstubdomain_ramdisk = '/r'",
    "dm": "device_model = 'qemu-dm'",
    "spice-full": "spice = 1\nspicehost = '0.0.0.0'\nspiceport = 6000\nspicetls_port = 6001\nspicedisable_ticketing = 1\nspicepasswd = 'p'\nspiceagent_mouse = 1\nspicevdagent = 1\nspice_clipboard_sharing = 1\nspiceusbredirection = 4\nspice_image_compression = 'auto_glz'\nspice_streaming_video = 'filter'",
    "vnc-full": "vnc = 1\nvnclisten = '127.0.0.1'\nvncdisplay = 5\nvncunused = 0\nvncpasswd = 'x'\nkeymap = 'fr'",
    "vnc-listen-display": "vnc = 1\nvnclisten = '127.0.0.1:4'",
    "vnc-listen-conflict": "vnc = 1\nvnclisten = '127.0.0.1:4'\nvncdisplay = 5",
    "sdl-full": "sdl = 1\nopengl = 1\ndisplay = ':0'\nxauthority = '/x'",
    "vga-std": "vga = 'stdvga'", "vga-cirrus": "vga = 'cirrus'", "vga-qxl": "vga = 'qxl'", "vga-none": "vga = 'none'",
    "stdvga": "stdvga = 1", "stdvga-vga": "stdvga = 1\nvga = 'cirrus'",
    "gfx-igd": "gfx_passthru = 'igd'", "gfx-default": "gfx_passthru = 'default'", "gfx-bad": "gfx_passthru = 'x'",
    "viridian-list": "viridian = [ 'base', 'freq', '!time_ref_count' ]", "viridian-defaults": "viridian = [ 'defaults', 'all' ]",
    "viridian-bad": "viridian = [ 'x' ]", "viridian-str": "viridian = 'base'",
    "rdm": "rdm = 'strategy=host,policy=relaxed'", "rdm-bad": "rdm = 'strategy=x'",
    "tsc-native": "tsc_mode = 'native'", "tsc-always": "tsc_mode = 'always_emulate'",
    "tsc-paravirt": "tsc_mode = 'native_paravirt'", "tsc-default": "tsc_mode = 'default'",
    "tsc-pvrdtscp": "tsc_mode = 'pvrdtscp'",
    "timer-delay": "timer_mode = 'delay_for_missed_ticks'", "timer-nodelay": "timer_mode = 'no_delay_for_missed_ticks'",
    "timer-onetick": "timer_mode = 'one_missed_tick_pending'", "timer-bad": "timer_mode = 'x'",
    "altp2m-ext": "altp2m = 'external'", "altp2m-limited": "altp2m = 'limited'", "altp2m-bad": "altp2m = 'x'",
    "altp2m-mixed": "altp2m = 'mixed'", "altp2m-disabled": "altp2m = 'disabled'",
    "claim": "claim_mode = 1", "seclabel": "seclabel = 'system_u:system_r:domU_t'",
    "init-seclabel": "init_seclabel = 'a:b:c'", "pool": "pool = 'Pool-0'",
    "passthrough-sync": "passthrough = 'sync_pt'", "passthrough-share": "passthrough = 'share_pt'",
    "passthrough-enabled": "passthrough = 'enabled'", "passthrough-disabled": "passthrough = 'disabled'",
    "msitranslate": "pci_msitranslate = 0\npci_power_mgmt = 1\npci_permissive = 1\npci_seize = 1",
    "pvshim-path": "pvshim = 1\npvshim_path = '/shim'\npvshim_cmdline = 'a'\npvshim_extra = 'b'",
    "genid": "ms_vm_genid = 'generate'", "genid-none": "ms_vm_genid = 'none'", "genid-bad": "ms_vm_genid = 'x'",
    "mca": "mca_caps = 'lmce'", "mca-bad": "mca_caps = 'x'",
    "cpuid": "cpuid = 'host,tm=0,sse3=0'", "cpuid-list": "cpuid = [ '1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1' ]",
    "vncviewer": "vncviewer = 1", "autoballoon": "autoballoon = 0",
    "gic": "gic_version = 'v3'", "tee": "tee = 'optee'",
    "nested": "nestedhvm = 1", "vnuma": "vnuma = [ [ 'pnode=0', 'size=128', 'vcpus=0', 'vdistances=10' ] ]",
}
for k, v in devs.items():
    add("dev-%s" % k, v.split("\n"), ("pv", "hvm"))

# ---- pci --------------------------------------------------------------------
pcis = ["00:1d.0", "0000:00:1d.0", "00:1d.7", "00:1d.*", "1:00:1d.0", "00:1d.0@8",
        "00:1d.0,msitranslate=1", "00:1d.0,power_mgmt=1,permissive=1", "00:1d.0,seize=1",
        "00:1d.0,rdm_policy=strict", "00:1d.0,rdm_policy=bogus", "00:1d.0,bogus=1",
        "00:1d", "zz:1d.0", "00:1d.8", "00:20.0", "100:1d.0", "00:1d.0@32",
        "00:1d.0,vslot=3", "bdf=00:1d.0", "name=foo", "00:1d.0,name=x", ""]
for i, p in enumerate(pcis):
    add("pci-%02d" % i, "pci = [ '%s' ]" % p, ("pv", "hvm") if i % 2 == 0 else ("hvm",))

# ---- grammar --------------------------------------------------------------------
G = 'name = "g"\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0001"\nkernel = "/k"\n'
gram = {
    "comment-only": "# nothing\n",
    "comments": G + "memory = 64 # trailing\n# full\n",
    "cont-list": G + "disk = [ '/a,raw,xvda,w',\n  '/b,raw,xvdb,w',\n]\n",
    "trailing-comma": G + "vif = [ 'bridge=a', ]\n",
    "double-comma": G + "vif = [ 'bridge=a',, ]\n",
    "empty-list": G + "vif = [ ]\n",
    "nested": G + "vif = [ [ 'a' ] ]\n",
    "dup": G + "memory = 64\nmemory = 96\n",
    "dup-name": G + 'name = "h"\n',
    "append": G + "extra = 'a'\nextra += ' b'\n",
    "append-list": G + "vif = [ 'bridge=a' ]\nvif += [ 'bridge=b' ]\n",
    "append-new": G + "vif += [ 'bridge=b' ]\n",
    "append-mix": G + "extra = 'a'\nextra += [ 'b' ]\n",
    "append-num": G + "memory = 64\nmemory += 64\n",
    "sq-escape": G + "extra = 'it\\'s'\n",
    "dq-escape": G + 'extra = "a\\"b\\\\c\\n\\t\\x41"\n',
    "escape-bad": G + 'extra = "a\\qb"\n',
    "escape-octal": G + 'extra = "\\101\\0"\n',
    "unterminated": G + 'extra = "abc\n',
    "no-newline": G + "memory = 64",
    "semicolon": G + "memory = 64; vcpus = 2\n",
    "crlf": G.replace("\n", "\r\n") + "memory = 64\r\n",
    "tab": G + "memory\t=\t64\n",
    "nospace": G + "memory=64\n",
    "key-digits": G + "m3mory = 64\n",
    "key-dash": G + "mem-ory = 64\n",
    "key-upper": G + "Memory = 64\n",
    "num-neg-str": G + "memory = '-5'\n",
    "num-space": G + "memory = ' 64'\n",
    "num-trailing": G + "memory = '64k'\n",
    "num-big": G + "memory = 18446744073709551616\n",
    "num-maxlong": G + "memory = 9223372036854775807\n",
    "num-float": G + "memory = 64.5\n",
    "num-exp": G + "memory = 1e3\n",
    "num-hexstr": G + "memory = '0x40'\n",
    "num-neghex": G + "vcpus = -0x1\n",
    "python": G + "import os\n",
    "eq-missing": G + "memory 64\n",
    "bare": G + "memory\n",
    "bad-char": G + "memory = @\n",
    "unicode": G + "extra = 'caf\u00e9'\n",
    "long-string": G + "extra = '%s'\n" % ("x" * 5000),
    "list-of-nums": G + "extra = [ 1, 2 ]\n",
    "str-for-list": G + "disk = 5\n",
    "empty-string-name": 'name = ""\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0002"\nkernel = "/k"\n',
    "no-uuid-name-num": 'name = 5\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0003"\nkernel = "/k"\n',
    "uuid-upper": 'name = "u"\nuuid = "5A8E3C1E-0000-4000-8000-0000000D0004"\nkernel = "/k"\n',
    "uuid-short": 'name = "u"\nuuid = "5a8e3c1e"\nkernel = "/k"\n',
    "uuid-nodash": 'name = "u"\nuuid = "5a8e3c1e000040008000000000000005"\nkernel = "/k"\n',
    "name-space": 'name = "a b"\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0006"\nkernel = "/k"\n',
    "name-digits": 'name = "123"\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0007"\nkernel = "/k"\n',
    "name-list": 'name = [ "a" ]\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0008"\nkernel = "/k"\n',
    "kernel-list": 'name = "k"\nuuid = "5a8e3c1e-0000-4000-8000-0000000d0009"\nkernel = [ "/k" ]\n',
    "kernel-num": 'name = "k"\nuuid = "5a8e3c1e-0000-4000-8000-0000000d000a"\nkernel = 5\n',
    "empty-file": "",
    "just-newlines": "\n\n\n",
    "comment-no-nl": G + "# end",
}
for k, v in gram.items():
    raw("gram-%s" % k, v)

# ---- command-line overrides -------------------------------------------------
O = 'name = "o"\nuuid = "5a8e3c1e-0000-4000-8000-0000000e0001"\nkernel = "/k"\nmemory = 64\n'
overs = {
    "mem": "memory=256", "two": "memory=256 vcpus=2", "name": "name=other",
    "type": "type=hvm", "list": "vif=['bridge=x']", "append": "extra+=quiet",
    "bad": "memory=", "syntax": "memory=[", "noeq": "memory", "str": "extra=hello",
    "quoted": "extra='a'", "space": "memory = 5", "num-str": "memory=abc",
    "uuid": "uuid=5a8e3c1e-0000-4000-8000-0000000e0002", "disk": "disk=['/a,raw,xvda,w']",
    "comment": "memory=32#x", "builder": "builder=hvm",
}
for k, v in overs.items():
    raw("over-%s" % k, O, v)

# ---- random mixes of many keys, each type -----------------------------------------
import random
rng = random.Random(4170)
pool = [l for v in list(devs.values()) + list(boot.values()) for l in (v if isinstance(v, list) else v.split("\n"))]
pool += ["memory = %d" % m for m in (32, 64, 512)] + ["vcpus = 2", "maxvcpus = 4", "maxmem = 1024",
         "on_crash = 'preserve'", "hap = 0", "acpi = 0", "apic = 0", "pae = 0", "localtime = 1",
         "disk = [ '/a,raw,xvda,w' ]", "vif = [ 'bridge=br0' ]", "pci = [ '00:02.0' ]", "cpus = '0'"]
for i in range(60):
    t = ("pv", "pvh", "hvm", "builder")[i % 4]
    add("rmix-%02d" % i, rng.sample(pool, 6), (t,))

# ---- batch 2: every key on the other types, devices on pvh/builder ---------
numkeys = sorted(set(l.split("-")[1] for n, _, _ in cases if n.startswith("num-") for l in [n]))
for n, text, args in list(cases):
    if n.startswith("num-") and "-one-" in n and n.endswith("-hvm"):
        line = text.splitlines()[-1]
        add(n[:-4].replace("num-", "oth-"), line, ("pvh", "builder"))
for k, v in devs.items():
    add("dev2-%s" % k, v.split("\n"), ("pvh", "builder"))
for i, d in enumerate(disks[::4]):
    add("disk2-%02d" % i, "disk = [ '%s' ]" % d, ("pvh", "builder"))
for i, v in enumerate(vifs[::3]):
    add("vif2-%02d" % i, "vif = [ '%s' ]" % v, ("pvh", "builder"))
for k, v in boot.items():
    add("boot2-%s" % k, v, ("builder",))
pool2 = pool + ["disk = [ '%s' ]" % d for d in disks[:30]] + ["vif = [ '%s' ]" % v for v in vifs[:20]] + \
    ["cpus = '0-1'", "cpus_soft = 'all'", "on_poweroff = 'preserve'", "on_reboot = 'destroy'",
     "maxmem = 64", "vcpus = 4", "maxvcpus = 2", "shadow_memory = 8", "videoram = 16",
     "extra = 'x'", "root = '/dev/xvda'", "cmdline = 'c'", "bootloader = 'pygrub'",
     "firmware = 'uefi'", "type = 'pv'", "type = 'hvm'", "builder = 'generic'"]
for i in range(120):
    t = ("pv", "pvh", "hvm", "builder")[i % 4]
    add("rmix2-%03d" % i, rng.sample(pool2, 8), (t,))

# ---- batch 3: the rarer specs ------------------------------------------------
rare = {
    "cpuid-xend": ["cpuid = [ '0x1:ecx=0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '0x80000001:edx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0' ]"],
    "cpuid-xend-bad": ["cpuid = [ '1:eqx=0' ]"], "cpuid-xend-short": ["cpuid = [ '1:ecx=01' ]"],
    "cpuid-libxl": ["cpuid = 'host,aes=0,avx=1,x2apic=k,pae=s'"], "cpuid-libxl-bad": ["cpuid = 'host,nosuch=1'"],
    "cpuid-libxl-val": ["cpuid = 'host,family=6,model=15,stepping=1,apicidsize=4,procpkg=2'"],
    "cpuid-nohost": ["cpuid = 'aes=0'"],
    "cpuid-famodel": ["cpuid = 'host,family=6,model=0x9e,stepping=k,procpkg=3'"],
    "cpuid-famodel2": ["cpuid = 'host,family=0x19,model=k,family=s'"],
    "cpuid-msr": ["cpuid = 'host,mds-no=1,taa-no=s,tsx-ctrl=x,rdcl-no=0x3,eibrs=k'"],
    "cpuid-newer": ["cpuid = 'host,arat=0,avx-vnni=1,cet-ibt=0,cet-ss=0,cx16=1,maxleaf=0xd,svm_npt=0,lfence+=1,srso-no=1,ibrs-fast=1,psfd=0'"], "cpuid-empty": ["cpuid = ''"], "cpuid-list-empty": ["cpuid = []"],
    "vnuma2": ["memory = 256", "vcpus = 2", "vnuma = [ [ 'pnode=0', 'size=128', 'vcpus=0', 'vdistances=10,20' ], [ 'pnode=0', 'size=128', 'vcpus=1', 'vdistances=20,10' ] ]"],
    "vnuma-badsize": ["vnuma = [ [ 'pnode=0', 'size=x', 'vcpus=0', 'vdistances=10' ] ]"],
    "vnuma-nodist": ["vnuma = [ [ 'pnode=0', 'size=128', 'vcpus=0' ] ]"],
    "vnuma-str": ["vnuma = [ 'pnode=0' ]"],
    "vsnd2": ["vsnd = [ [ 'card, short-name=C, long-name=L, sample-rates=8000;44100, sample-formats=s16_le, channels-min=1, channels-max=2, buffer-size=65536', 'pcm, name=p, unique-id=x', 'stream, type=c, unique-id=y' ] ]"],
    "vsnd-bad": ["vsnd = [ [ 'card', 'stream, type=p' ] ]"],
    "vdispl2": ["vdispl = [ 'connectors=id0:800x600' ]"], "vdispl-bad": ["vdispl = [ 'connectors=id0:800' ]"],
    "vdispl-none": ["vdispl = [ 'backend=dom0' ]"],
    "ioports2": ["ioports = [ '3f8-3ff,2f8' ]"], "ioports3": ["ioports = [ 'x' ]"], "ioports4": ["ioports = [ '3ff-3f8' ]"],
    "ioports5": ["ioports = '3f8'"], "irqs2": ["irqs = [ -1 ]"], "irqs3": ["irqs = 5"], "irqs4": ["irqs = [ 'x' ]"],
    "iomem2": ["iomem = [ '1000,1' ]"], "iomem3": ["iomem = [ '1000,0' ]"], "iomem4": ["iomem = [ '1000' ]"],
    "iomem5": ["iomem = [ '1000,2@x' ]"], "dtdev2": ["dtdev = '/x'"],
    "chan-two": ["channel = [ 'name=a,connection=pty', 'name=b,connection=socket,path=/p' ]"],
    "chan-empty": ["channel = [ '' ]"], "chan-devid": ["channel = [ 'name=a,connection=pty,devid=3' ]"],
    "p9-two": ["p9 = [ 'tag=a,path=/a,security_model=none', 'tag=b,path=/b,security_model=none,backend=d' ]"],
    "p9-bad": ["p9 = [ 'tag=a,foo=b' ]"], "p9-nosm": ["p9 = [ 'tag=a,path=/a' ]"],
    "usbctrl-v1": ["usbctrl = [ 'version=1' ]"], "usbctrl-v3": ["usbctrl = [ 'version=3,ports=15' ]"],
    "usbctrl-devtype": ["usbctrl = [ 'type=devicemodel,version=2,ports=6' ]"],
    "usbctrl-two": ["usbctrl = [ 'version=2', 'version=3' ]"], "usbctrl-foo": ["usbctrl = [ 'foo=1' ]"],
    "usbdev-hostdev": ["usbdev = [ 'type=hostdev,hostbus=0x1,hostaddr=0x2' ]"],
    "usbdev-foo": ["usbdev = [ 'hostbus=1,hostaddr=2,foo=1' ]"],
    "vtpm-two": ["vtpm = [ 'backend=a', 'backend=b' ]"], "vtpm-foo": ["vtpm = [ 'backend=a,foo=b' ]"],
    "vtpm-devid": ["vtpm = [ 'backend=a,devid=2' ]"],
    "vkb-two": ["vkb = [ 'backend-type=qemu', 'backend-type=linux' ]"], "vkb-foo": ["vkb = [ 'foo=1' ]"],
    "vkb-backend": ["vkb = [ 'backend=d,backend-type=linux' ]"],
    "vfb-keymap": ["vfb = [ 'vnc=1,keymap=en-us' ]"], "vfb-vncunused": ["vfb = [ 'vnc=1,vncunused=1,vncdisplay=0' ]"],
    "vfb-listen-port": ["vfb = [ 'vnc=1,vnclisten=0.0.0.0:2' ]"], "vfb-devid": ["vfb = [ 'vnc=1,devid=2' ]"],
    "vfb-backend": ["vfb = [ 'vnc=1,backend=d' ]"], "vfb-list-of-list": ["vfb = [ [ 'vnc=1' ] ]"],
    "vif-empty-vals": ["vif = [ 'bridge=,mac=,ip=' ]"], "vif-rate-list": ["vif = [ 'rate=1Gb/s@1s' ]"],
    "vif-rate-big": ["vif = [ 'rate=99999999999999Gb/s' ]"], "vif-rate-us": ["vif = [ 'rate=10Mb/s@1us' ]"],
    "vif-rate-nounit": ["vif = [ 'rate=10' ]"], "vif-mac-short": ["vif = [ 'mac=1:2:3:4:5:6' ]"],
    "vif-mac-dash": ["vif = [ 'mac=00-16-3e-00-00-01' ]"], "vif-netdev": ["vif = [ 'netdev=eth0' ]"],
    "vif-devid-dup": ["vif = [ 'devid=1', 'devid=1' ]"], "vif-ip-list": ["vif = [ 'ip=1.2.3.4/24' ]"],
    "vif2key": ["vif2 = [ 'bridge=br0' ]"],
    "dmargs-nested": ["device_model_args = [ [ '-a' ] ]"], "dmargs-empty": ["device_model_args = []"],
    "serial-num": ["serial = 1"], "serial-empty": ["serial = []"], "usbdevice-empty": ["usbdevice = []"],
    "viridian-num": ["viridian = 2"], "viridian-neg": ["viridian = [ '!base' ]"],
    "viridian-all-str": ["viridian = 'all'"], "viridian-empty": ["viridian = []"],
    "extra-hvm": ["extra = 'x'", "root = '/dev/sda'"], "kernel-hvm": ["kernel = '/k'", "ramdisk = '/r'", "cmdline = 'c'"],
    "bootloader-hvm": ["bootloader = 'pygrub'", "bootloader_args = [ '-q' ]"],
    "vnc-pvh": ["vnc = 1", "vncdisplay = 2"], "sdl-pvh": ["sdl = 1"], "vnc-zero": ["vnc = 0", "vnclisten = '1.2.3.4'"],
    "vncpasswd-only": ["vncpasswd = 'x'"], "vncunused-only": ["vncunused = 0"],
    "mem-pod": ["memory = 128", "maxmem = 512"], "mem-big": ["memory = 4096", "maxmem = 8192"],
    "vcpus-cpus-list-long": ["vcpus = 2", "cpus = [ '0', '1', '0', '1' ]"],
    "vcpus-cpus-list-bad": ["vcpus = 2", "cpus = [ '0', 'x' ]"], "vcpus-soft-list": ["vcpus = 2", "cpus_soft = [ '1' ]"],
    "maxvcpus-cpus": ["maxvcpus = 4", "vcpus = 2", "cpus = '1'"],
    "tsc-num": ["tsc_mode = 2"], "tsc-num-bad": ["tsc_mode = 9"], "timer-num": ["timer_mode = 2"],
    "timer-num-bad": ["timer_mode = 7"], "genid-generate": ["ms_vm_genid = 'generate'"],
    "hdtype-ahci": ["hdtype = 'ahci'"], "hdtype-ide": ["hdtype = 'ide'"], "hdtype-bad": ["hdtype = 'x'"],
    "vendor-xs": ["vendor_device = 'xenserver'"], "vendor-none": ["vendor_device = 'none'"], "vendor-bad": ["vendor_device = 'x'"],
    "mmio-small": ["mmio_hole = 128"], "mmio-ok": ["mmio_hole = 1024"], "mmio-big": ["mmio_hole = 4096"],
    "rdm-policy": ["rdm = 'strategy=host,policy=strict'"], "rdm-empty": ["rdm = ''"],
    "shadow-hvm": ["shadow_memory = 16"], "videoram-8": ["videoram = 8"], "videoram-std": ["vga = 'stdvga'", "videoram = 4"],
    "stub-full": ["device_model_stubdomain_override = 1", "device_model_version = 'qemu-xen-traditional'", "stubdomain_memory = 64"],
    "dm-trad-spice": ["device_model_version = 'qemu-xen-traditional'", "spice = 1"],
    "soundhw-list": ["soundhw = [ 'hda' ]"], "boot-list": ["boot = [ 'c' ]"],
    "event-channels": ["max_event_channels = 4096"], "claim-str": ["claim_mode = 'on'"],
    "uuid-dup": ["uuid = '5a8e3c1e-0000-4000-8000-0000000fffff'"],
    "name-override": ["name = 'second'"], "on-all": ["on_poweroff = 'preserve'", "on_reboot = 'rename-restart'", "on_watchdog = 'coredump-destroy'", "on_crash = 'coredump-restart'", "on_soft_reset = 'destroy'"],
    "seclabels": ["seclabel = 'a:b:c'", "init_seclabel = 'a:b:d'", "device_model_stubdomain_seclabel = 'a:b:e'"],
    "seclabel-bad": ["seclabel = 'nocolon'"],
    "pvshim-pv": ["pvshim = 1"], "e820-pvh": ["e820_host = 1"],
    "nested-altp2m": ["nestedhvm = 1", "altp2m = 'external'"], "altp2mhvm-altp2m": ["altp2mhvm = 1", "altp2m = 'mixed'"],
    "passthrough-pci": ["passthrough = 'disabled'", "pci = [ '00:02.0' ]"],
    "msr-relaxed": ["msr_relaxed = 1"], "vmtrace": ["vmtrace_buf_kb = 64"], "vmtrace-odd": ["vmtrace_buf_kb = 3"],
    "grant-v1": ["max_grant_version = 1"], "grant-frames": ["max_grant_frames = 64", "max_maptrack_frames = 1024"],
}
for k, v in rare.items():
    add("rare-%s" % k, v, ("pv", "pvh", "hvm"))
for k, v in [("type-pvh", "type=pvh"), ("type-pv", "type=pv"), ("vcpus", "vcpus=3 maxvcpus=4"),
             ("disk-append", "disk+=['/z,raw,xvdz,w']"), ("cpus", "cpus=1"), ("on", "on_crash=preserve"),
             ("kernel", "kernel=/other"), ("unknown", "nosuchkey=1"), ("dup", "memory=1 memory=2")]:
    add("over2-%s" % k, ["vif = [ 'bridge=a' ]", "disk = [ '/a,raw,xvda,w' ]"], ("pv", "hvm"), args=v)

# ---- batch 4: configs with one to three random edits (grammar recovery) -----
mrng = random.Random(417)
srcs = [c for c in cases if c[0].startswith(("rmix-", "rare-", "dev-"))]
srcs2 = [c for c in cases if c[0].startswith(("disk-", "vif-", "pci-", "boot-", "cpus-", "rmix2-"))]
for i in range(400):
    if i == 150:
        srcs = srcs2
    name, text, args = srcs[mrng.randrange(len(srcs))]
    lines = text.splitlines(True)
    head, body = "".join(lines[:2]), "".join(lines[2:])  # keep name and uuid
    for _ in range(mrng.randint(1, 3)):
        pos = mrng.randrange(len(body) + 1)
        op = mrng.randrange(3)
        if op == 0:
            body = body[:pos] + mrng.choice("\"'[],=+#;\\\n 0x-") + body[pos:]
        elif op == 1:
            body = body[:pos] + body[pos + 1:]
        else:
            body = body[:pos] + body[pos:pos + 4] + body[pos:]
    raw("mut-%03d" % i, head.replace('name = "%s"' % name, 'name = "mut-%03d"' % i) + body)

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    def write(path, text):  # unchanged files keep their time: sweep.sh's cache
        try:
            with open(path) as f:
                if f.read() == text:
                    return
        except OSError:
            pass
        with open(path, "w") as f:
            f.write(text)

    for name, text, args in cases:
        write(os.path.join(out, name + ".cfg"), text)
        if args is not None:
            write(os.path.join(out, name + ".args"), args + "\n")
    print(len(cases), "configs in", out)
