/*
 * guest_sched.c: the guest hypercalls about running: sched_op (yield,
 * block, poll, shutdown, shutdown_code, watchdog), set_timer_op, vcpu_op, and
 * console_io; one row per sub-op.  What they do to vCPUs goes through the
 * runner's table (guest_run.h); arguments are copied in and checked here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "console_ring.h"
#include "domain.h"
#include "guest_run.h"
#include "hypercall.h"
#include "log.h"
#include "public/hvm/hvm_vcpu.h"
#include "public/sched.h"
#include "watchdog.h"
#include "xenhv/pv_machine.h"

const struct guest_run_ops *guest_run;

void guest_run_set_ops(const struct guest_run_ops *ops)
{
    guest_run = ops;
}

/* sched_op */

static long so_yield(struct hc_caller *c, uint64_t arg)
{
    guest_run->yield(c->v);
    return 0;
}

static long so_block(struct hc_caller *c, uint64_t arg)
{
    guest_run->block(c->v);
    return 0;
}

/* The guest's struct sched_shutdown, its reason checked. */
static long copy_shutdown_reason(struct hc_caller *c, uint64_t arg, unsigned *reason)
{
    struct sched_shutdown s;
    long rc = c->copy_from(c, arg, &s, sizeof(s));

    if (rc)
        return rc;
    if (s.reason > SHUTDOWN_MAX)
        return -EINVAL;
    *reason = s.reason;
    return 0;
}

static long so_shutdown(struct hc_caller *c, uint64_t arg)
{
    unsigned reason;
    long rc = copy_shutdown_reason(c, arg, &reason);

    if (rc)
        return rc;
    log_info("domain %u: shutdown (reason %u) from vcpu %u", c->d->domid, reason, c->v->id);
    guest_run->shutdown(c->d, reason);
    return 0;
}

static long so_shutdown_code(struct hc_caller *c, uint64_t arg)
{
    unsigned reason;
    long rc = copy_shutdown_reason(c, arg, &reason);

    if (rc)
        return rc;
    c->d->shutdown_code = (int)reason;
    return 0;
}

static long so_poll(struct hc_caller *c, uint64_t arg)
{
    evtchn_port_t ports[GUEST_POLL_MAX_PORTS];
    uint64_t handle, timeout;
    uint32_t nr;
    long rc;

    if (c->compat) {
        struct {
            uint32_t ports, nr_ports;
            uint64_t timeout;
        } __attribute__((packed)) p32;
        rc = c->copy_from(c, arg, &p32, sizeof(p32));
        handle = p32.ports;
        nr = p32.nr_ports;
        timeout = p32.timeout;
    } else {
        struct sched_poll p;
        rc = c->copy_from(c, arg, &p, sizeof(p));
        handle = (uint64_t)(uintptr_t)p.ports.p;
        nr = p.nr_ports;
        timeout = p.timeout;
    }
    if (rc)
        return rc;
    if (nr == 0 || nr > GUEST_POLL_MAX_PORTS)
        return -EINVAL;
    rc = c->copy_from(c, handle, ports, nr * sizeof(ports[0]));
    if (rc)
        return rc;
    for (uint32_t i = 0; i < nr; i++)
        if (ports[i] > c->d->evtchn.max_port || ports[i] >= c->d->evtchn.nr_ports)
            return -EINVAL;
    guest_run->poll(c->v, ports, nr, timeout);
    return 0;
}

/* Only the control domain shuts other domains down; as Xen, a missing
 * domain is -ESRCH before the permission check. */
static long so_remote_shutdown(struct hc_caller *c, uint64_t arg)
{
    struct sched_remote_shutdown r;
    struct domain *d;
    long rc = c->copy_from(c, arg, &r, sizeof(r));

    if (rc)
        return rc;
    d = hc_domain(c, r.domain_id);
    if (!d)
        return -ESRCH;
    if (!c->d->is_privileged)
        return -EPERM;
    if (r.reason > SHUTDOWN_MAX)
        return -EINVAL;
    guest_run->shutdown(d, r.reason);
    return 0;
}

static long so_watchdog(struct hc_caller *c, uint64_t arg)
{
    struct sched_watchdog w;
    long rc = c->copy_from(c, arg, &w, sizeof(w));

    if (rc)
        return rc;
    return watchdog_op(c->d, w.id, w.timeout, guest_run->now_ns());
}

struct sched_op_row {
    const char *name;
    long (*fn)(struct hc_caller *c, uint64_t arg);
};

static const struct sched_op_row sched_op_table[] = {
    [SCHEDOP_yield] = {"yield", so_yield},
    [SCHEDOP_block] = {"block", so_block},
    [SCHEDOP_shutdown] = {"shutdown", so_shutdown},
    [SCHEDOP_poll] = {"poll", so_poll},
    [SCHEDOP_remote_shutdown] = {"remote_shutdown", so_remote_shutdown},
    [SCHEDOP_shutdown_code] = {"shutdown_code", so_shutdown_code},
    [SCHEDOP_watchdog] = {"watchdog", so_watchdog},
};

long do_sched_op(struct hc_caller *c, const uint64_t args[5])
{
    if (!guest_run || !c->v)
        return -ENOSYS;
    if (args[0] >= sizeof(sched_op_table) / sizeof(sched_op_table[0]) ||
        !sched_op_table[args[0]].fn)
        return -ENOSYS;
    return sched_op_table[args[0]].fn(c, args[1]);
}

/* set_timer_op: 64-bit callers pass the deadline in one argument, 32-bit
 * callers in two halves (low, high). */
long do_set_timer_op(struct hc_caller *c, const uint64_t args[5])
{
    uint64_t deadline = c->compat ? (args[0] & 0xffffffffu) | (args[1] << 32) : args[0];

    if (!guest_run || !c->v)
        return -ENOSYS;
    guest_run->set_timer(c->v, deadline);
    return 0;
}

/* vcpu_op */

static long vo_initialise(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    return guest_run->vcpu_initialise(c, v, arg);
}

static long vo_up(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    return guest_run->vcpu_up(v);
}

static long vo_down(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    return guest_run->vcpu_down(v);
}

static long vo_is_up(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    return guest_run->vcpu_is_up(v);
}

static long vo_runstate(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    struct vcpu_runstate_info info;

    memset(&info, 0, sizeof(info));
    guest_run->runstate(v, &info);
    if (c->compat) { /* int then uint64s packed at 4 */
        uint8_t b[4 + 5 * 8];
        memcpy(b, &info.state, 4);
        memcpy(b + 4, &info.state_entry_time, 8);
        memcpy(b + 12, info.time, sizeof(info.time));
        return c->copy_to(c, arg, b, sizeof(b));
    }
    return c->copy_to(c, arg, &info, sizeof(info));
}

/*
 * The guest's copy of its runstate (Linux's PVH/HVM time setup BUGs if
 * this fails): the address (a guest linear one, 0 to stop) is kept and
 * the current runstate written there at once, as Xen does for the calling
 * vCPU; a bad address is the guest's problem, not an error (as Xen).
 * The runner rewrites it at every runstate change (runstate_area).
 */
static long vo_register_runstate(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    struct vcpu_runstate_info info;
    uint64_t gva = 0;
    long rc = c->copy_from(c, arg, &gva, c->compat ? 4 : 8);

    if (rc)
        return rc;
    v->runstate_gva = gva;
    if (guest_run->runstate_area)
        guest_run->runstate_area(v, gva, c->compat);
    if (!gva)
        return 0;
    memset(&info, 0, sizeof(info));
    guest_run->runstate(v, &info);
    if (c->compat) {
        uint8_t b[4 + 5 * 8];
        memcpy(b, &info.state, 4);
        memcpy(b + 4, &info.state_entry_time, 8);
        memcpy(b + 12, info.time, sizeof(info.time));
        (void)c->copy_to(c, gva, b, sizeof(b));
    } else {
        (void)c->copy_to(c, gva, &info, sizeof(info));
    }
    return 0;
}

static long vo_periodic(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_periodic_timer t;
    long rc = c->copy_from(c, arg, &t, sizeof(t));

    if (rc)
        return rc;
    if (t.period_ns < 1000000) /* Xen: at least 1 ms */
        return -EINVAL;
    guest_run->set_periodic(v, t.period_ns);
    return 0;
}

static long vo_stop_periodic(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    guest_run->set_periodic(v, 0);
    return 0;
}

static long vo_singleshot(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;
    long rc;

    if (v != c->v)
        return -EINVAL; /* as Xen: only the calling vCPU's own timer */
    rc = c->copy_from(c, arg, &t, 12);
    if (rc)
        return rc;
    if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < guest_run->now_ns())
        return -ETIME;
    guest_run->set_timer(v, t.timeout_abs_ns);
    return 0;
}

static long vo_stop_singleshot(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    if (v != c->v)
        return -EINVAL;
    guest_run->set_timer(v, 0);
    return 0;
}

static long vo_register_vcpu_info(struct hc_caller *c, struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info r;
    long rc = c->copy_from(c, arg, &r, sizeof(r));

    if (rc)
        return rc;
    if (r.offset > GUEST_PAGE_SIZE - sizeof(struct vcpu_info) || r.rsvd)
        return -EINVAL;
    if (v->vcpu_info_registered)
        return -EINVAL;         /* once, as Xen */
    if (c->d->pv && pv_machine) /* a PV guest names a machine frame */
        r.mfn = pv_machine->mfn_to_gfn(c->d, r.mfn);
    return guest_run->register_vcpu_info(v, r.mfn, r.offset);
}

struct vcpu_op_row {
    const char *name;
    long (*fn)(struct hc_caller *c, struct vcpu *v, uint64_t arg);
};

static const struct vcpu_op_row vcpu_op_table[] = {
    [VCPUOP_initialise] = {"initialise", vo_initialise},
    [VCPUOP_up] = {"up", vo_up},
    [VCPUOP_down] = {"down", vo_down},
    [VCPUOP_is_up] = {"is_up", vo_is_up},
    [VCPUOP_get_runstate_info] = {"get_runstate_info", vo_runstate},
    [VCPUOP_register_runstate_memory_area] = {"register_runstate_memory_area",
                                              vo_register_runstate},
    [VCPUOP_set_periodic_timer] = {"set_periodic_timer", vo_periodic},
    [VCPUOP_stop_periodic_timer] = {"stop_periodic_timer", vo_stop_periodic},
    [VCPUOP_set_singleshot_timer] = {"set_singleshot_timer", vo_singleshot},
    [VCPUOP_stop_singleshot_timer] = {"stop_singleshot_timer", vo_stop_singleshot},
    [VCPUOP_register_vcpu_info] = {"register_vcpu_info", vo_register_vcpu_info},
};

long do_vcpu_op(struct hc_caller *c, const uint64_t args[5])
{
    struct domain *d = c->d;

    if (!guest_run || !c->v)
        return -ENOSYS;
    if (args[1] >= d->max_vcpus)
        return -ENOENT;
    if (args[0] >= sizeof(vcpu_op_table) / sizeof(vcpu_op_table[0]) || !vcpu_op_table[args[0]].fn)
        return -ENOSYS;
    return vcpu_op_table[args[0]].fn(c, d->vcpus[args[1]], args[2]);
}

/* console_io: guests write to the hypervisor console (xl dmesg); reading
 * it is for the control domain only.  As Xen, an unprivileged guest's
 * text keeps only printable characters, tabs and newlines: a NUL in the
 * ring would cut xl dmesg short for everyone. */
#define CONSOLE_IO_MAX 4096

static size_t console_io_printable(char *buf, size_t n)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++)
        if ((buf[i] >= 0x20 && buf[i] < 0x7f) || buf[i] == '\n' || buf[i] == '\t')
            buf[out++] = buf[i];
    return out;
}

long do_console_io(struct hc_caller *c, const uint64_t args[5])
{
    char buf[CONSOLE_IO_MAX];
    uint64_t count = args[1];
    long rc;

    if (args[0] == CONSOLEIO_read)
        return -EPERM;
    if (args[0] != CONSOLEIO_write)
        return -ENOSYS;
    if (count > (uint32_t)INT32_MAX)
        return -EINVAL;
    for (uint64_t done = 0; done < count;) {
        size_t n = count - done < sizeof(buf) ? count - done : sizeof(buf);
        rc = c->copy_from(c, args[2] + done, buf, n);
        if (rc)
            return rc;
        if (done == 0) {
            char tag[16];
            int k = snprintf(tag, sizeof(tag), "(d%u) ", c->d->domid);
            console_ring_write(tag, (size_t)k);
        }
        console_ring_write(buf, c->d->is_privileged ? n : console_io_printable(buf, n));
        done += n;
    }
    return 0;
}
