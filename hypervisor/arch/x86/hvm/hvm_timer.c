/*
 * hvm_timer.c: the per-domain timer queue of the emulated devices: armed
 * timers in deadline order, the earliest deadline for the vCPU loop to
 * sleep until, and firing the expired ones.  A pass fires each timer at
 * most once, so a device re-arming in the past cannot make it spin.
 */
#include <stddef.h>

#include "hvm_internal.h"

void hvm_timer_init(struct hvm_timer *t, void (*fn)(struct hvm_timer *, uint64_t), void *data)
{
    t->next = NULL;
    t->deadline = 0;
    t->armed = false;
    t->run_gen = 0;
    t->fn = fn;
    t->data = data;
}

static void unlink_timer(struct hvm_timerq *q, struct hvm_timer *t)
{
    struct hvm_timer **pp;

    for (pp = &q->head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = false;
}

void hvm_timer_stop(struct hvm_timerq *q, struct hvm_timer *t)
{
    if (t->armed)
        unlink_timer(q, t);
}

void hvm_timer_set(struct hvm_timerq *q, struct hvm_timer *t, uint64_t deadline)
{
    struct hvm_timer **pp;

    hvm_timer_stop(q, t);
    t->deadline = deadline;
    for (pp = &q->head; *pp && (*pp)->deadline <= deadline; pp = &(*pp)->next)
        ;
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

uint64_t hvm_timerq_next(const struct hvm_timerq *q)
{
    return q->head ? q->head->deadline : UINT64_MAX;
}

void hvm_timerq_run(struct hvm_timerq *q, uint64_t now)
{
    uint64_t gen = ++q->run_gen;

    while (q->head && q->head->deadline <= now) {
        struct hvm_timer *t = q->head;

        if (t->run_gen == gen) {
            /* Re-armed in the past during this pass: due next pass. */
            hvm_timer_set(q, t, now + 1);
            continue;
        }
        q->head = t->next;
        t->next = NULL;
        t->armed = false;
        t->run_gen = gen;
        t->fn(t, now);
    }
}

uint64_t hvm_next_period(uint64_t start, uint64_t period, uint64_t now)
{
    if (period == 0)
        period = 1;
    if (now < start)
        return start;
    return start + ((now - start) / period + 1) * period;
}
