/*
 * uart16550.c: a 16550A UART on COM1 (0x3f8, ISA IRQ 4) for the domain's
 * serial console.  Output bytes go to ops.serial_write as the guest
 * writes THR (the line is infinitely fast: THR is always empty); input
 * comes from any thread through uart16550_input() into a locked inbox,
 * and moves into the 16-byte receive FIFO on the domain's thread (poll),
 * so a fast sender waits instead of overrunning.  Registers: RBR/THR, IER,
 * IIR/FCR, LCR (DLAB), MCR (loopback), LSR, MSR, SCR, the divisor latch.
 * Present where the domain has a device model (full HVM).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "domain.h"
#include "hvm_internal.h"

#define COM1_PORT  0x3f8
#define COM1_IRQ   4
#define RX_FIFO    16
#define INBOX_SIZE 4096

#define IER_RDI  0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI  0x08
#define IIR_NONE 0x01
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_ERRS 0x1e
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define FCR_FIFO 0x01

struct uart16550 {
    struct hvm_platform *p;
    uint8_t ier, lcr, mcr, lsr_err, msr_delta, scr, dll, dlm, fcr;
    uint8_t rx[RX_FIFO];
    unsigned rx_head, rx_count;
    bool thr_pending; /* the THR-empty interrupt, until IIR read or THR write */
    bool irq;
    pthread_mutex_t lock;   /* the inbox: written by other threads */
    atomic_bool inbox_used; /* a hint, so that polling an empty inbox is free */
    uint8_t inbox[INBOX_SIZE];
    size_t in_head, in_count;
};

static unsigned rx_capacity(const struct uart16550 *u)
{
    return (u->fcr & FCR_FIFO) ? RX_FIFO : 1;
}

static bool rx_push(struct uart16550 *u, uint8_t b)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr_err |= LSR_OE;
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = b;
    u->rx_count++;
    return true;
}

static uint8_t iir(const struct uart16550 *u)
{
    uint8_t fifo = (u->fcr & FCR_FIFO) ? 0xc0 : 0;

    if ((u->ier & IER_RLSI) && u->lsr_err)
        return fifo | 0x06;
    if ((u->ier & IER_RDI) && u->rx_count)
        return fifo | 0x04;
    if ((u->ier & IER_THRI) && u->thr_pending)
        return fifo | 0x02;
    if ((u->ier & IER_MSI) && u->msr_delta)
        return fifo | 0x00;
    return fifo | IIR_NONE;
}

static void update_irq(struct uart16550 *u)
{
    bool irq = (iir(u) & IIR_NONE) == 0;

    if (irq != u->irq) {
        u->irq = irq;
        hvm_isa_irq_set(u->p, COM1_IRQ, irq);
    }
}

/* Move what the inbox holds into the receive FIFO (domain thread). */
static void uart_poll(void *st)
{
    struct uart16550 *u = st;

    if (!(u->mcr & MCR_LOOP) && atomic_load(&u->inbox_used)) {
        /* (In loopback the line is disconnected: input waits.) */
        pthread_mutex_lock(&u->lock);
        while (u->in_count && u->rx_count < rx_capacity(u)) {
            rx_push(u, u->inbox[u->in_head]);
            u->in_head = (u->in_head + 1) % INBOX_SIZE;
            u->in_count--;
        }
        atomic_store(&u->inbox_used, u->in_count != 0);
        pthread_mutex_unlock(&u->lock);
    }
    update_irq(u);
}

size_t uart16550_input(struct uart16550 *u, const uint8_t *buf, size_t len)
{
    size_t n;

    pthread_mutex_lock(&u->lock);
    for (n = 0; n < len && u->in_count < INBOX_SIZE; n++) {
        u->inbox[(u->in_head + u->in_count) % INBOX_SIZE] = buf[n];
        u->in_count++;
    }
    if (n)
        atomic_store(&u->inbox_used, true);
    pthread_mutex_unlock(&u->lock);
    return n;
}

static uint8_t msr(const struct uart16550 *u)
{
    if (u->mcr & MCR_LOOP) /* DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD */
        return (uint8_t)(((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) | ((u->mcr & 0x04) << 4) |
                         ((u->mcr & 0x08) << 4) | u->msr_delta);
    return 0xb0 | u->msr_delta; /* CTS, DSR, DCD: a console is attached */
}

static uint8_t reg_read(struct uart16550 *u, unsigned reg)
{
    uint8_t v;

    switch (reg) {
    case 0:
        if (u->lcr & LCR_DLAB)
            return u->dll;
        if (!u->rx_count)
            return 0;
        v = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % RX_FIFO;
        u->rx_count--;
        uart_poll(u);
        return v;
    case 1:
        return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
    case 2:
        v = iir(u);
        if ((v & 0x0f) == 0x02)
            u->thr_pending = false;
        return v;
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5:
        v = (uint8_t)(LSR_THRE | LSR_TEMT | u->lsr_err | (u->rx_count ? LSR_DR : 0));
        u->lsr_err = 0;
        return v;
    case 6:
        v = msr(u);
        u->msr_delta = 0;
        return v;
    default:
        return u->scr;
    }
}

static void reg_write(struct uart16550 *u, unsigned reg, uint8_t v)
{
    switch (reg) {
    case 0:
        if (u->lcr & LCR_DLAB) {
            u->dll = v;
            break;
        }
        if (u->mcr & MCR_LOOP)
            rx_push(u, v);
        else if (u->p->ops.serial_write)
            u->p->ops.serial_write(u->p->ops.opaque, &v, 1);
        u->thr_pending = true; /* sent at once: THR empty again */
        break;
    case 1:
        if (u->lcr & LCR_DLAB) {
            u->dlm = v;
            break;
        }
        if ((v & IER_THRI) && !(u->ier & IER_THRI))
            u->thr_pending = true; /* enabling it with THR empty raises it */
        u->ier = v & 0x0f;
        break;
    case 2: /* FCR */
        if ((v & FCR_FIFO) != (u->fcr & FCR_FIFO) || (v & 0x02))
            u->rx_count = u->rx_head = 0; /* enabling/disabling clears FIFOs */
        u->fcr = v & 0xc9;
        break;
    case 3:
        u->lcr = v;
        break;
    case 4:
        u->mcr = v & 0x1f;
        break;
    case 7:
        u->scr = v;
        break;
    default: /* LSR, MSR: factory test, ignored */
        break;
    }
    uart_poll(u);
}

static int uart_read(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t *val)
{
    struct uart16550 *u = st;

    *val = reg_read(u, port - COM1_PORT);
    if (size > 1)
        *val |= 0xffffff00u & (size == 2 ? 0xffffu : 0xffffffffu);
    update_irq(u);
    return 0;
}

static int uart_write(void *st, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
    struct uart16550 *u = st;

    reg_write(u, port - COM1_PORT, (uint8_t)val);
    update_irq(u);
    return 0;
}

static int uart_init(struct hvm_platform *p, void **state)
{
    struct uart16550 *u = calloc(1, sizeof(*u));

    if (!u)
        return -ENOMEM;
    if (pthread_mutex_init(&u->lock, NULL) != 0) {
        free(u);
        return -ENOMEM;
    }
    u->p = p;
    u->dll = 0x0c; /* 9600 baud */
    u->lcr = 0x03; /* 8N1 */
    p->uart = u;
    *state = u;
    return 0;
}

static void uart_destroy(void *st)
{
    struct uart16550 *u = st;

    u->p->uart = NULL;
    pthread_mutex_destroy(&u->lock);
    free(u);
}

static const struct hvm_io_range uart_pio[] = {{COM1_PORT, 8}};

static const struct hvm_device uart_device = {
    .name = "uart",
    .present = has_ioreq_servers,
    .init = uart_init,
    .destroy = uart_destroy,
    .pio = uart_pio,
    .nr_pio = 1,
    .pio_read = uart_read,
    .pio_write = uart_write,
    .poll = uart_poll,
};
HVM_DEVICE_REGISTER(uart_device);
