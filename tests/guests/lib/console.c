/*
 * console.c: the guest's output.  Every line goes once to the guest's own
 * console (the PV console ring, with an event to the backend) and once to
 * the hypervisor's console (HYPERVISOR_console_io); without Xen (QEMU) it
 * goes to the debug port 0xe9.  Also a small printf.
 */
#include "guest.h"
#include "io/console.h"

static volatile struct xencons_interface *cons_ring;
static evtchn_port_t cons_port;

void console_init(void)
{
    if (!boot.on_xen || !boot.console_pfn)
        return;
    cons_ring = frame_to_virt(boot.console_pfn, ALIAS_SLOT_CONSOLE);
    cons_port = boot.console_evtchn;
}

int console_ring_ready(void)
{
    return cons_ring != NULL;
}

void port_e9_write(const char *s)
{
    while (*s)
        outb(0xe9, (uint8_t)*s++);
}

void console_io_write(const char *s)
{
    console_io(CONSOLEIO_write, (int)strlen(s), s);
}

static void ring_write(const char *s, size_t len)
{
    struct evtchn_send send = {.port = cons_port};

    while (len) {
        XENCONS_RING_IDX cons = cons_ring->out_cons, prod = cons_ring->out_prod;
        size_t space;

        __sync_synchronize();
        space = sizeof(cons_ring->out) - (prod - cons);
        if (space == 0) {
            /* Full: let the backend run; it sends no event back for this. */
            evtchn_op(EVTCHNOP_send, &send);
            sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        while (space && len) {
            cons_ring->out[MASK_XENCONS_IDX(prod, cons_ring->out)] = *s++;
            prod++, space--, len--;
        }
        __sync_synchronize();
        cons_ring->out_prod = prod;
        evtchn_op(EVTCHNOP_send, &send);
    }
}

void console_write(const char *s, size_t len)
{
    char buf[256];

    if (cons_ring)
        ring_write(s, len);
    while (len) {
        size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (boot.on_xen)
            console_io_write(buf);
        else if (!env_is_pv())
            port_e9_write(buf);
        s += n, len -= n;
    }
}

/* printf: %d %i %u %x %X %p %s %c %% with l/ll/z, width, '0' and '-'. */
struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int neg, int width, int zero,
                    int left, int upper)
{
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0, pad;

    do {
        uint64_t rem;
        v = udiv64(v, base, &rem);
        tmp[n++] = digits[rem];
    } while (v);
    if (neg)
        tmp[n++] = '-';
    pad = width > n ? width - n : 0;
    if (!left && zero && neg) {
        put(o, '-');
        n--;
    }
    if (!left)
        while (pad--)
            put(o, zero ? '0' : ' ');
    while (n--)
        put(o, tmp[n]);
    if (left)
        while (pad-- > 0)
            put(o, ' ');
}

static void format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        int width = 0, zero = 0, left = 0, lng = 0;
        uint64_t u;
        int64_t s;

        if (*fmt != '%') {
            put(o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = 1;
            else if (*fmt == '-')
                left = 1;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng += *fmt == 'z' ? (sizeof(size_t) == 8 ? 2 : 0) : 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            put_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, width, zero, left, 0);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = lng >= 2 ? va_arg(ap, unsigned long long)
                : lng    ? va_arg(ap, unsigned long)
                         : va_arg(ap, unsigned int);
            put_num(o, u, *fmt == 'u' ? 10 : 16, 0, width, zero, left, *fmt == 'X');
            break;
        case 'p':
            put(o, '0');
            put(o, 'x');
            put_num(o, (uintptr_t)va_arg(ap, void *), 16, 0, width, zero, left, 0);
            break;
        case 'c':
            put(o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            int n;
            if (!str)
                str = "(null)";
            n = (int)strlen(str);
            if (!left)
                for (; width > n; width--)
                    put(o, ' ');
            while (*str)
                put(o, *str++);
            if (left)
                for (; width > n; width--)
                    put(o, ' ');
            break;
        }
        case '%':
            put(o, '%');
            break;
        default:
            put(o, '%');
            put(o, *fmt);
            if (!*fmt)
                return;
        }
    }
}

int gvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};

    format(&o, fmt, ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int gsnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = gvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void gvprintf(const char *fmt, va_list ap)
{
    char buf[1200];
    struct out o = {buf, sizeof(buf), 0};

    format(&o, fmt, ap);
    if (o.len >= sizeof(buf))
        o.len = sizeof(buf) - 1;
    console_write(buf, o.len);
}

void gprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gvprintf(fmt, ap);
    va_end(ap);
}
