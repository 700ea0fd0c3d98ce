/*
 * console_ring.c: the hypervisor console ring (see console_ring.h).
 * Positions are free-running 32-bit counters; the byte at position p is
 * ring[p % CONSOLE_RING_SIZE].
 */
#include "config.h"

#include <pthread.h>

#include "console_ring.h"

static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static char ring[CONSOLE_RING_SIZE];
static uint32_t ring_prod; /* next byte written */
static uint32_t ring_cons; /* oldest byte not cleared */

void console_ring_write(const char *buf, size_t len)
{
    pthread_mutex_lock(&ring_lock);
    for (size_t i = 0; i < len; i++)
        ring[ring_prod++ % CONSOLE_RING_SIZE] = buf[i];
    if (ring_prod - ring_cons > CONSOLE_RING_SIZE)
        ring_cons = ring_prod - CONSOLE_RING_SIZE;
    pthread_mutex_unlock(&ring_lock);
}

size_t console_ring_read(char *out, size_t max, uint32_t *index, int incremental, int clear)
{
    size_t n = 0;
    uint32_t c;

    pthread_mutex_lock(&ring_lock);
    c = ring_cons;
    if (incremental && (int32_t)(*index - c) > 0 && (int32_t)(ring_prod - *index) >= 0)
        c = *index;
    while (c != ring_prod && n < max)
        out[n++] = ring[c++ % CONSOLE_RING_SIZE];
    if (clear)
        ring_cons = ring_prod;
    *index = c;
    pthread_mutex_unlock(&ring_lock);
    return n;
}
