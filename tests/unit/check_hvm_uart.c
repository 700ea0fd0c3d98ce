/*
 * check_hvm_uart.c: the COM1 16550 (LSR, THR, IER, IIR, FCR, scratch,
 * divisor latch, loopback, output to the serial sink, input from another
 * thread with its interrupt on IRQ 4) and the port 0xe9 console.
 */
#include <errno.h>
#include <pthread.h>

#include "check_hvm.h"

#define COM1 0x3f8

static void pic_ready(void)
{
    static const uint8_t seq[][2] = {{0x20, 0x11}, {0x21, 0x20}, {0x21, 0x04}, {0x21, 0x01},
                                     {0xa0, 0x11}, {0xa1, 0x28}, {0xa1, 0x02}, {0xa1, 0x01},
                                     {0x21, 0x00}, {0xa1, 0x00}};

    lapic_wr(0, 0xf0, 0x1ff);
    lapic_wr(0, 0x350, 0x700);
    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        outb_(seq[i][0], seq[i][1]);
}

START_TEST(uart_registers_and_output)
{
    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    ck_assert_uint_eq(inb_(COM1 + 5), 0x60); /* THRE, TEMT */
    ck_assert_uint_eq(inb_(COM1 + 2), 0x01); /* no interrupt */
    outb_(COM1, 'h');
    outb_(COM1, 'i');
    ck_assert_uint_eq(T.serial_len, 2);
    ck_assert(!memcmp(T.serial, "hi", 2));
    ck_assert_uint_eq(inb_(COM1 + 5), 0x60);
    /* Scratch. */
    outb_(COM1 + 7, 0x5a);
    ck_assert_uint_eq(inb_(COM1 + 7), 0x5a);
    /* Divisor latch behind DLAB. */
    outb_(COM1 + 3, 0x83);
    outb_(COM1, 0x01);
    outb_(COM1 + 1, 0x00);
    ck_assert_uint_eq(inb_(COM1), 0x01);
    ck_assert_uint_eq(inb_(COM1 + 1), 0x00);
    outb_(COM1 + 3, 0x03);
    ck_assert_uint_eq(inb_(COM1 + 3), 0x03);
    ck_assert_uint_eq(T.serial_len, 2); /* DLL writes are not output */
    /* THR empty interrupt: raised by enabling it, cleared by IIR read. */
    outb_(COM1 + 1, 0x02);
    ck_assert_uint_eq(inb_(COM1 + 1), 0x02);
    ck_assert_int_eq(take_irq(0), 0x24);
    outb_(0x20, 0x20);
    ck_assert_uint_eq(inb_(COM1 + 2), 0x02);
    ck_assert_uint_eq(inb_(COM1 + 2), 0x01);
    /* ... and again after each byte sent. */
    outb_(COM1, '!');
    ck_assert_int_eq(take_irq(0), 0x24);
    outb_(0x20, 0x20);
    ck_assert_uint_eq(inb_(COM1 + 2), 0x02);
    outb_(COM1 + 1, 0x00);
    /* FIFO enabled: IIR's top bits. */
    outb_(COM1 + 2, 0x07);
    ck_assert_uint_eq(inb_(COM1 + 2), 0xc1);
    /* Reserved IER bits are dropped; MSR says a console is there. */
    outb_(COM1 + 1, 0xf0);
    ck_assert_uint_eq(inb_(COM1 + 1), 0x00);
    ck_assert_uint_eq(inb_(COM1 + 6) & 0xb0, 0xb0);
    hvm_test_stop();
}
END_TEST

START_TEST(uart_input_and_interrupt)
{
    uint8_t big[100];

    hvm_test_start(EMU_HVM, 1);
    pic_ready();
    outb_(COM1 + 2, 0x07); /* FIFO */
    outb_(COM1 + 1, 0x01); /* received data interrupt */
    ck_assert_uint_eq(hvm_platform_serial_input(T.p, (const uint8_t *)"abc", 3), 3);
    ck_assert_int_eq(take_irq(0), 0x24); /* take_irq polls the inbox */
    outb_(0x20, 0x20);
    ck_assert_uint_eq(inb_(COM1 + 5) & 0x01, 0x01);
    ck_assert_uint_eq(inb_(COM1 + 2), 0xc4);
    ck_assert_uint_eq(inb_(COM1), 'a');
    ck_assert_uint_eq(inb_(COM1), 'b');
    ck_assert_uint_eq(inb_(COM1), 'c');
    ck_assert_uint_eq(inb_(COM1 + 5) & 0x01, 0);
    ck_assert_uint_eq(inb_(COM1 + 2), 0xc1);
    ck_assert_uint_eq(inb_(COM1), 0); /* nothing there */
    /* More than the FIFO holds: the rest waits, nothing is lost. */
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)i;
    ck_assert_uint_eq(hvm_platform_serial_input(T.p, big, sizeof(big)), sizeof(big));
    hvm_platform_poll(T.p);
    for (unsigned i = 0; i < sizeof(big); i++) {
        ck_assert_uint_eq(inb_(COM1 + 5) & 0x03, 0x01); /* data, no overrun */
        ck_assert_uint_eq(inb_(COM1), i);
    }
    ck_assert_uint_eq(inb_(COM1 + 5) & 0x01, 0);
    hvm_test_stop();
}
END_TEST

static void *sender(void *arg)
{
    uint8_t b[10];

    for (unsigned i = 0; i < 100; i++) {
        for (unsigned j = 0; j < 10; j++)
            b[j] = (uint8_t)(i * 10 + j);
        while (hvm_platform_serial_input(T.p, b, 10) != 10)
            ; /* the inbox holds 4096: never full here */
    }
    return NULL;
}

START_TEST(uart_input_from_another_thread)
{
    pthread_t th;
    unsigned got = 0;

    hvm_test_start(EMU_HVM, 1);
    outb_(COM1 + 2, 0x01);
    ck_assert_int_eq(pthread_create(&th, NULL, sender, NULL), 0);
    pthread_join(th, NULL);
    hvm_platform_poll(T.p);
    while (inb_(COM1 + 5) & 0x01) {
        ck_assert_uint_eq(inb_(COM1), got & 0xff);
        got++;
    }
    ck_assert_uint_eq(got, 1000);
    hvm_test_stop();
}
END_TEST

START_TEST(uart_loopback)
{
    hvm_test_start(EMU_HVM, 1);
    outb_(COM1 + 2, 0x01);
    outb_(COM1 + 4, 0x10 | 0x0b); /* loopback, DTR, RTS, OUT2 */
    ck_assert_uint_eq(inb_(COM1 + 6) & 0xf0, 0x20 | 0x10 | 0x80);
    outb_(COM1, 'x');
    ck_assert_uint_eq(T.serial_len, 0);
    ck_assert_uint_eq(inb_(COM1), 'x');
    /* Sixteen fit; the seventeenth overruns, reported once. */
    for (unsigned i = 0; i < 17; i++)
        outb_(COM1, (uint8_t)i);
    ck_assert_uint_eq(inb_(COM1 + 5) & 0x03, 0x03);
    ck_assert_uint_eq(inb_(COM1 + 5) & 0x02, 0);
    /* Input waits while looped back. */
    hvm_platform_serial_input(T.p, (const uint8_t *)"z", 1);
    hvm_platform_poll(T.p);
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(inb_(COM1), i);
    ck_assert_uint_eq(inb_(COM1 + 5) & 0x01, 0);
    outb_(COM1 + 4, 0x0b);
    hvm_platform_poll(T.p);
    ck_assert_uint_eq(inb_(COM1), 'z');
    hvm_test_stop();
}
END_TEST

START_TEST(debugcon_lines_to_the_console)
{
    const char *msg = "hello, xen\n";
    uint32_t v = 0;

    hvm_test_start(EMU_PVH, 1);
    for (const char *c = msg; *c; c++)
        outb_(0xe9, (uint8_t)*c);
    ck_assert_uint_eq(T.debug_calls, 1);
    ck_assert_uint_eq(T.debug_len, strlen(msg));
    ck_assert(!memcmp(T.debug, msg, strlen(msg)));
    ck_assert_uint_eq(inb_(0xe9), 0xff);
    /* A line without an end is passed on in pieces, never overflowing. */
    for (unsigned i = 0; i < 300; i++)
        outb_(0xe9, 'a');
    ck_assert_uint_eq(T.debug_calls, 3);
    ck_assert_uint_eq(T.debug_len, strlen(msg) + 256);
    /* Wider writes are not this one-byte port's. */
    ck_assert_int_eq(hvm_platform_pio(T.p, 0, 0xe9, 2, true, &v), -ENOENT);
    hvm_test_stop(); /* flushes the last 44 */
    ck_assert_uint_eq(T.debug_len, strlen(msg) + 300);
}
END_TEST

Suite *hvm_uart_suite(void)
{
    Suite *s = suite_create("hvm_uart");
    TCase *tc = tcase_create("uart");

    tcase_add_test(tc, uart_registers_and_output);
    tcase_add_test(tc, uart_input_and_interrupt);
    tcase_add_test(tc, uart_input_from_another_thread);
    tcase_add_test(tc, uart_loopback);
    tcase_add_test(tc, debugcon_lines_to_the_console);
    suite_add_tcase(s, tc);
    return s;
}
