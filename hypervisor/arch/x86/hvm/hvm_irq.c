/*
 * hvm_irq.c: interrupt routing of the emulated platform.  ISA IRQ lines
 * go to the PIC pair and to the IO-APIC (ISA IRQ 0 is GSI 2, as in the
 * MADT override hvmloader writes); the IO-APIC and IPIs send messages to
 * LAPICs; the PIC reaches vCPU 0 through LINT0 (ExtINT).  The vCPU loop
 * asks what to inject next and acknowledges it here.
 */
#include <errno.h>

#include "hvm_internal.h"

static void gsi_set(struct hvm_platform *p, unsigned gsi, bool level)
{
    p->gsi_level[gsi] = level;
    if (p->vioapic)
        vioapic_set_pin(p->vioapic, gsi, level);
}

void hvm_isa_irq_set(struct hvm_platform *p, unsigned irq, bool level)
{
    if (irq >= 16)
        return;
    if (p->vpic)
        vpic_set_irq(p->vpic, irq, level);
    gsi_set(p, irq == 0 ? 2 : irq, level);
}

void hvm_isa_irq_pulse(struct hvm_platform *p, unsigned irq)
{
    hvm_isa_irq_set(p, irq, true);
    hvm_isa_irq_set(p, irq, false);
}

int hvm_platform_set_isa_irq(struct hvm_platform *p, unsigned isa_irq, bool level)
{
    if (isa_irq >= 16)
        return -EINVAL;
    hvm_isa_irq_set(p, isa_irq, level);
    return 0;
}

int hvm_platform_set_gsi(struct hvm_platform *p, unsigned gsi, bool level)
{
    if (gsi >= HVM_NR_GSIS)
        return -EINVAL;
    if (gsi < 16 && gsi != 0 && gsi != 2) { /* ISA IRQ 0 is GSI 2; GSI 0 no ISA line */
        hvm_isa_irq_set(p, gsi, level);
        return 0;
    }
    gsi_set(p, gsi, level);
    return 0;
}

void hvm_pic_output_changed(struct hvm_platform *p)
{
    if (p->vpic && vpic_has_output(p->vpic))
        hvm_kick(p, 0);
}

static bool msg_targets(struct hvm_platform *p, const struct hvm_apic_msg *m, unsigned v)
{
    switch (m->shorthand) {
    case 1:
        return v == m->source_vcpu;
    case 2:
        return true;
    case 3:
        return v != m->source_vcpu;
    default:
        return vlapic_match_dest(vlapic_of(p, v), m->dest, m->logical);
    }
}

void hvm_apic_deliver(struct hvm_platform *p, const struct hvm_apic_msg *m)
{
    unsigned v, best = UINT32_MAX;

    if (!p->vlapic)
        return;
    for (v = 0; v < p->nr_vcpus; v++) {
        struct vlapic *l = vlapic_of(p, v);

        if (!msg_targets(p, m, v))
            continue;
        switch (m->delivery) {
        case 0: /* fixed */
            if (m->vector < 16)
                break;
            vlapic_set_vector(l, m->vector, m->level);
            hvm_kick(p, v);
            break;
        case 1: /* lowest priority: the enabled target with the lowest */
            if (vlapic_enabled(l) &&
                (best == UINT32_MAX || vlapic_priority(l) < vlapic_priority(vlapic_of(p, best))))
                best = v;
            break;
        case 4: /* NMI */
            vlapic_set_nmi(l);
            hvm_kick(p, v);
            break;
        case 5: /* INIT */
            if (p->ops.cpu_event)
                p->ops.cpu_event(p->ops.opaque, v, HVM_CPU_INIT, 0);
            break;
        case 6: /* SIPI */
            if (p->ops.cpu_event)
                p->ops.cpu_event(p->ops.opaque, v, HVM_CPU_SIPI, m->vector);
            break;
        default: /* SMI, ExtINT, reserved: not delivered */
            break;
        }
    }
    if (m->delivery == 1 && best != UINT32_MAX && m->vector >= 16) {
        vlapic_set_vector(vlapic_of(p, best), m->vector, m->level);
        hvm_kick(p, best);
    }
}

static bool pic_for(struct hvm_platform *p, unsigned vcpu, struct vlapic *l)
{
    return vcpu == 0 && p->vpic && vpic_has_output(p->vpic) && (!l || vlapic_accepts_pic(l));
}

bool hvm_irq_pending(struct hvm_platform *p, unsigned vcpu, bool if_set, struct hvm_intack *out)
{
    struct vlapic *l;
    unsigned cb;
    int v;

    out->source = HVM_INTSRC_NONE;
    out->vector = 0;
    if (vcpu >= p->nr_vcpus)
        return false;
    hvm_platform_poll(p);
    l = vlapic_of(p, vcpu);
    if (l && vlapic_take_nmi(l, true)) {
        out->source = HVM_INTSRC_NMI;
        out->vector = 2;
        return true;
    }
    if (!if_set)
        return false;
    cb = atomic_load(&p->callback[vcpu]);
    if (cb) {
        out->source = HVM_INTSRC_CALLBACK;
        out->vector = (uint8_t)(cb - 1);
        return true;
    }
    if (pic_for(p, vcpu, l)) {
        out->source = HVM_INTSRC_PIC;
        return true;
    }
    if (l && (v = vlapic_pending(l)) >= 0) {
        out->source = HVM_INTSRC_LAPIC;
        out->vector = (uint8_t)v;
        return true;
    }
    return false;
}

bool hvm_irq_wakes(struct hvm_platform *p, unsigned vcpu, bool if_set)
{
    struct hvm_intack ack;

    return hvm_irq_pending(p, vcpu, if_set, &ack);
}

int hvm_irq_ack(struct hvm_platform *p, unsigned vcpu, struct hvm_intack *ack)
{
    struct vlapic *l;

    if (vcpu >= p->nr_vcpus)
        return -EINVAL;
    l = vlapic_of(p, vcpu);
    switch (ack->source) {
    case HVM_INTSRC_NMI:
        return l && vlapic_take_nmi(l, false) ? 0 : -EAGAIN;
    case HVM_INTSRC_CALLBACK: {
        unsigned cb = atomic_exchange(&p->callback[vcpu], 0);

        if (!cb)
            return -EAGAIN;
        ack->vector = (uint8_t)(cb - 1);
        return 0;
    }
    case HVM_INTSRC_PIC:
        if (!pic_for(p, vcpu, l))
            return -EAGAIN;
        ack->vector = (uint8_t)vpic_intack(p->vpic);
        return 0;
    case HVM_INTSRC_LAPIC:
        if (!l || vlapic_pending(l) != ack->vector)
            return -EAGAIN;
        vlapic_ack(l, ack->vector);
        return 0;
    default:
        return -EINVAL;
    }
}
