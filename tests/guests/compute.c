/*
 * compute.c: the benchmark loop.  Eight instructions per iteration, one
 * of them a store to memory; nothing is printed until the end.  The
 * command line may give "iters=N" (default 1000000).  compute_nostore.c
 * builds the store-free variant from this file.
 */
#include "guest.h"

#ifdef COMPUTE_NOSTORE
const char guest_name[] = "compute_nostore";
#else
const char guest_name[] = "compute";
#endif

static uint32_t buffer[64];

static uint32_t parse_iters(const char *cl)
{
    const char *p = strstr(cl, "iters=");
    uint32_t n = 0;

    if (!p)
        return 1000000;
    for (p += 6; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (uint32_t)(*p - '0');
    return n ? n : 1;
}

void guest_main(void)
{
    uint32_t iters = parse_iters(boot.cmdline);
    uint32_t a = 0x12345678, c = iters, d = 0x9e3779b9, sum = 0;
    unsigned long b = 0;
    unsigned int i;

#ifdef COMPUTE_NOSTORE
    /* add, rol, xor, add, add, and, dec, jnz */
    __asm__ __volatile__("1:\n\t"
                         "addl %%ecx, %%eax\n\t"
                         "roll $7, %%eax\n\t"
                         "xorl %%edx, %%eax\n\t"
                         "addl %%eax, %%edx\n\t"
                         "addl $1, %%ebx\n\t"
                         "andl $63, %%ebx\n\t"
                         "decl %%ecx\n\t"
                         "jnz 1b"
                         : "+a"(a), "+c"(c), "+d"(d), "+b"(b)
                         :
                         : "cc");
#else
    /* add, rol, xor, store, add, and, dec, jnz */
    __asm__ __volatile__("1:\n\t"
                         "addl %%ecx, %%eax\n\t"
                         "roll $7, %%eax\n\t"
                         "xorl %%edx, %%eax\n\t"
                         "movl %%eax, (%[buf], %[b], 4)\n\t"
                         "addl $1, %k[b]\n\t"
                         "andl $63, %k[b]\n\t"
                         "decl %%ecx\n\t"
                         "jnz 1b"
                         : "+a"(a), "+c"(c), [b] "+r"(b)
                         : "d"(d), [buf] "r"(buffer)
                         : "cc", "memory");
#endif
    for (i = 0; i < ARRAY_SIZE(buffer); i++)
        sum += buffer[i];
    gprintf("%s: %u iterations, %llu instructions\n", guest_name, iters,
            (unsigned long long)iters * 8);
    gprintf("%s: checksum %08x %08x\n", guest_name, a, sum);
}
