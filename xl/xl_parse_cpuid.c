/*
 * xl_parse_cpuid.c: cpuid= in its two forms, into b_info.cpuid:
 *   "host,FLAG=V,..."   named feature flags and fields (V: a number, x, k, s)
 *   [ "LEAF[,SUBLEAF]:REG=POLICY,..." ]   xend style, 32 policy characters
 *                                         per register, bit 31 first
 * The flag names and their leaf/register/bit are the x86 CPUID feature
 * bits as libxl names them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xl_parse.h"

enum { EAX, EBX, ECX, EDX };

struct cpuid_flag {
    const char *name;
    uint32_t leaf, subleaf;
    int reg, bit;
    int length; /* bits; 0 means 1 */
};

#define NOSUB LIBXL_CPUID_INPUT_UNUSED
/* clang-format off */
static const struct cpuid_flag cpuid_flags[] = {
    /* leaf 1, ecx */
    {"sse3", 1, NOSUB, ECX, 0}, {"pclmulqdq", 1, NOSUB, ECX, 1}, {"dtes64", 1, NOSUB, ECX, 2},
    {"monitor", 1, NOSUB, ECX, 3}, {"dscpl", 1, NOSUB, ECX, 4}, {"vmx", 1, NOSUB, ECX, 5},
    {"smx", 1, NOSUB, ECX, 6}, {"est", 1, NOSUB, ECX, 7}, {"tm2", 1, NOSUB, ECX, 8},
    {"ssse3", 1, NOSUB, ECX, 9}, {"cntxid", 1, NOSUB, ECX, 10}, {"fma", 1, NOSUB, ECX, 12},
    {"cmpxchg16", 1, NOSUB, ECX, 13}, {"xtpr", 1, NOSUB, ECX, 14}, {"pdcm", 1, NOSUB, ECX, 15},
    {"pcid", 1, NOSUB, ECX, 17}, {"dca", 1, NOSUB, ECX, 18}, {"sse4_1", 1, NOSUB, ECX, 19},
    {"sse4.1", 1, NOSUB, ECX, 19}, {"sse4_2", 1, NOSUB, ECX, 20}, {"sse4.2", 1, NOSUB, ECX, 20},
    {"x2apic", 1, NOSUB, ECX, 21}, {"movbe", 1, NOSUB, ECX, 22}, {"popcnt", 1, NOSUB, ECX, 23},
    {"tsc-deadline", 1, NOSUB, ECX, 24}, {"aes", 1, NOSUB, ECX, 25}, {"xsave", 1, NOSUB, ECX, 26},
    {"osxsave", 1, NOSUB, ECX, 27}, {"avx", 1, NOSUB, ECX, 28}, {"f16c", 1, NOSUB, ECX, 29},
    {"rdrand", 1, NOSUB, ECX, 30}, {"hypervisor", 1, NOSUB, ECX, 31},
    /* leaf 1, edx */
    {"fpu", 1, NOSUB, EDX, 0}, {"vme", 1, NOSUB, EDX, 1}, {"de", 1, NOSUB, EDX, 2},
    {"pse", 1, NOSUB, EDX, 3}, {"tsc", 1, NOSUB, EDX, 4}, {"msr", 1, NOSUB, EDX, 5},
    {"pae", 1, NOSUB, EDX, 6}, {"mce", 1, NOSUB, EDX, 7}, {"cmpxchg8", 1, NOSUB, EDX, 8},
    {"apic", 1, NOSUB, EDX, 9}, {"sysenter", 1, NOSUB, EDX, 11}, {"mtrr", 1, NOSUB, EDX, 12},
    {"pge", 1, NOSUB, EDX, 13}, {"mca", 1, NOSUB, EDX, 14}, {"cmov", 1, NOSUB, EDX, 15},
    {"pat", 1, NOSUB, EDX, 16}, {"pse36", 1, NOSUB, EDX, 17}, {"psn", 1, NOSUB, EDX, 18},
    {"clfsh", 1, NOSUB, EDX, 19}, {"ds", 1, NOSUB, EDX, 21}, {"acpi", 1, NOSUB, EDX, 22},
    {"mmx", 1, NOSUB, EDX, 23}, {"fxsr", 1, NOSUB, EDX, 24}, {"sse", 1, NOSUB, EDX, 25},
    {"sse2", 1, NOSUB, EDX, 26}, {"ss", 1, NOSUB, EDX, 27}, {"htt", 1, NOSUB, EDX, 28},
    {"tm", 1, NOSUB, EDX, 29}, {"ia64", 1, NOSUB, EDX, 30}, {"pbe", 1, NOSUB, EDX, 31},
    /* leaf 7 subleaf 0 */
    {"fsgsbase", 7, 0, EBX, 0}, {"tsc_adjust", 7, 0, EBX, 1}, {"sgx", 7, 0, EBX, 2},
    {"bmi1", 7, 0, EBX, 3}, {"hle", 7, 0, EBX, 4}, {"avx2", 7, 0, EBX, 5},
    {"smep", 7, 0, EBX, 7}, {"bmi2", 7, 0, EBX, 8}, {"erms", 7, 0, EBX, 9},
    {"invpcid", 7, 0, EBX, 10}, {"rtm", 7, 0, EBX, 11}, {"cmt", 7, 0, EBX, 12},
    {"mpx", 7, 0, EBX, 14}, {"avx512f", 7, 0, EBX, 16}, {"avx512dq", 7, 0, EBX, 17},
    {"rdseed", 7, 0, EBX, 18}, {"adx", 7, 0, EBX, 19}, {"smap", 7, 0, EBX, 20},
    {"avx512-ifma", 7, 0, EBX, 21}, {"clflushopt", 7, 0, EBX, 23}, {"clwb", 7, 0, EBX, 24},
    {"proc_trace", 7, 0, EBX, 25}, {"avx512pf", 7, 0, EBX, 26}, {"avx512er", 7, 0, EBX, 27},
    {"avx512cd", 7, 0, EBX, 28}, {"sha", 7, 0, EBX, 29}, {"avx512bw", 7, 0, EBX, 30},
    {"avx512vl", 7, 0, EBX, 31}, {"prefetchwt1", 7, 0, ECX, 0}, {"avx512-vbmi", 7, 0, ECX, 1},
    {"umip", 7, 0, ECX, 2}, {"pku", 7, 0, ECX, 3}, {"ospke", 7, 0, ECX, 4},
    {"avx512-4vnniw", 7, 0, EDX, 2}, {"avx512-4fmaps", 7, 0, EDX, 3}, {"md-clear", 7, 0, EDX, 10},
    {"ibrsb", 7, 0, EDX, 26}, {"stibp", 7, 0, EDX, 27}, {"l1d-flush", 7, 0, EDX, 28},
    {"arch-caps", 7, 0, EDX, 29}, {"ssbd", 7, 0, EDX, 31},
    /* leaf 0x80000001 */
    {"lahfsahf", 0x80000001, NOSUB, ECX, 0}, {"cmplegacy", 0x80000001, NOSUB, ECX, 1},
    {"svm", 0x80000001, NOSUB, ECX, 2}, {"extapic", 0x80000001, NOSUB, ECX, 3},
    {"altmovcr8", 0x80000001, NOSUB, ECX, 4}, {"abm", 0x80000001, NOSUB, ECX, 5},
    {"sse4a", 0x80000001, NOSUB, ECX, 6}, {"misalignsse", 0x80000001, NOSUB, ECX, 7},
    {"3dnowprefetch", 0x80000001, NOSUB, ECX, 8}, {"osvw", 0x80000001, NOSUB, ECX, 9},
    {"ibs", 0x80000001, NOSUB, ECX, 10}, {"xop", 0x80000001, NOSUB, ECX, 11},
    {"skinit", 0x80000001, NOSUB, ECX, 12}, {"wdt", 0x80000001, NOSUB, ECX, 13},
    {"lwp", 0x80000001, NOSUB, ECX, 15}, {"fma4", 0x80000001, NOSUB, ECX, 16},
    {"nodeid", 0x80000001, NOSUB, ECX, 19}, {"tbm", 0x80000001, NOSUB, ECX, 21},
    {"topoext", 0x80000001, NOSUB, ECX, 22}, {"perfctr_core", 0x80000001, NOSUB, ECX, 23},
    {"perfctr_nb", 0x80000001, NOSUB, ECX, 24}, {"syscall", 0x80000001, NOSUB, EDX, 11},
    {"nx", 0x80000001, NOSUB, EDX, 20}, {"mmxext", 0x80000001, NOSUB, EDX, 22},
    {"ffxsr", 0x80000001, NOSUB, EDX, 25}, {"page1gb", 0x80000001, NOSUB, EDX, 26},
    {"rdtscp", 0x80000001, NOSUB, EDX, 27}, {"lm", 0x80000001, NOSUB, EDX, 29},
    {"3dnowext", 0x80000001, NOSUB, EDX, 30}, {"3dnow", 0x80000001, NOSUB, EDX, 31},
    /* multi-bit fields */
    {"stepping", 1, NOSUB, EAX, 0, 4}, {"proctype", 1, NOSUB, EAX, 12, 2},
    {"brandid", 1, NOSUB, EBX, 0, 8}, {"clflush", 1, NOSUB, EBX, 8, 8},
    {"proccount", 1, NOSUB, EBX, 16, 8}, {"localapicid", 1, NOSUB, EBX, 24, 8},
    {"procpkg", 4, 0, EAX, 26, 6}, {"nc", 0x80000008, NOSUB, ECX, 0, 8}, {"apicidsize", 0x80000008, NOSUB, ECX, 12, 4},
    /* more leaf 7 subleaf 0 */
    {"avx512-vbmi2", 7, 0, ECX, 6}, {"gfni", 7, 0, ECX, 8}, {"vaes", 7, 0, ECX, 9},
    {"vpclmulqdq", 7, 0, ECX, 10}, {"avx512-vnni", 7, 0, ECX, 11}, {"avx512-bitalg", 7, 0, ECX, 12},
    {"avx512-vpopcntdq", 7, 0, ECX, 14}, {"rdpid", 7, 0, ECX, 22}, {"cldemote", 7, 0, ECX, 25},
    {"movdiri", 7, 0, ECX, 27}, {"movdir64b", 7, 0, ECX, 28}, {"fsrm", 7, 0, EDX, 4},
    {"avx512-vp2intersect", 7, 0, EDX, 8}, {"serialize", 7, 0, EDX, 14}, {"tsxldtrk", 7, 0, EDX, 16},
    {"core-caps", 7, 0, EDX, 30},
    /* leaf 0xd subleaf 1, 0x80000007, 0x80000008 */
    {"xsaveopt", 0xd, 1, EAX, 0}, {"xsavec", 0xd, 1, EAX, 1}, {"xgetbv1", 0xd, 1, EAX, 2},
    {"xsaves", 0xd, 1, EAX, 3}, {"invtsc", 0x80000007, NOSUB, EDX, 8},
    {"clzero", 0x80000008, NOSUB, EBX, 0}, {"wbnoinvd", 0x80000008, NOSUB, EBX, 9},
    {"ibpb", 0x80000008, NOSUB, EBX, 12}, {"ibrs", 0x80000008, NOSUB, EBX, 14},
    /* found in real xl 4.17 by the conformance sweep */
    {"arat", 0x6, NOSUB, EAX, 2}, {"avx-vnni", 0x7, 1, EAX, 4}, {"avx512-bf16", 0x7, 1, EAX, 5}, {"avx512-fp16", 0x7, 0, EDX, 23}, {"bhi-ctrl", 0x7, 2, EDX, 4}, {"btc-no", 0x80000008, NOSUB, EBX, 29}, {"cet-ibt", 0x7, 0, EDX, 20}, {"cx16", 0x1, NOSUB, ECX, 13}, {"cx8", 0x1, NOSUB, EDX, 8}, {"enqcmd", 0x7, 0, ECX, 29}, {"fsrcs", 0x7, 1, EAX, 12}, {"fsrs", 0x7, 1, EAX, 11}, {"fzrm", 0x7, 1, EAX, 10}, {"intel-psfd", 0x7, 2, EDX, 0}, {"ipred-ctrl", 0x7, 2, EDX, 1}, {"lfence+", 0x80000021, NOSUB, EAX, 2}, {"maxleaf", 0, NOSUB, EAX, 0, 32}, {"mcdt-no", 0x7, 2, EDX, 5}, {"nscb", 0x80000021, NOSUB, EAX, 6}, {"ppin", 0x80000008, NOSUB, EBX, 23}, {"pqe", 0x7, 0, EBX, 15}, {"psfd", 0x80000008, NOSUB, EBX, 28}, {"rrsba-ctrl", 0x7, 2, EDX, 2}, {"rstr-fp-err-ptrs", 0x80000008, NOSUB, EBX, 2}, {"rtm-always-abort", 0x7, 0, EDX, 11}, {"srbds-ctrl", 0x7, 0, EDX, 9}, {"svm_decode", 0x8000000a, NOSUB, EDX, 7}, {"svm_lbrv", 0x8000000a, NOSUB, EDX, 1}, {"svm_npt", 0x8000000a, NOSUB, EDX, 0}, {"svm_nrips", 0x8000000a, NOSUB, EDX, 3}, {"svm_pausefilt", 0x8000000a, NOSUB, EDX, 10}, {"svm_tscrate", 0x8000000a, NOSUB, EDX, 4}, {"svm_vmcbclean", 0x8000000a, NOSUB, EDX, 5}, {"tsx-force-abort", 0x7, 0, EDX, 13},
    {"auto-ibrs", 0x80000021, NOSUB, EAX, 8}, {"cet-ss", 0x7, 0, ECX, 7}, {"ibpb-brtype", 0x80000021, NOSUB, EAX, 28}, {"ibrs-always", 0x80000008, NOSUB, EBX, 16}, {"ibrs-fast", 0x80000008, NOSUB, EBX, 18}, {"ibrs-same-mode", 0x80000008, NOSUB, EBX, 19}, {"no-lmsl", 0x80000008, NOSUB, EBX, 20}, {"sbpb", 0x80000021, NOSUB, EAX, 27}, {"srso-no", 0x80000021, NOSUB, EAX, 29}, {"stibp-always", 0x80000008, NOSUB, EBX, 17},
    {"amd-stibp", 0x80000008, NOSUB, EBX, 15}, {"amd-ssbd", 0x80000008, NOSUB, EBX, 24},
    {"virt-ssbd", 0x80000008, NOSUB, EBX, 25}, {"ssb-no", 0x80000008, NOSUB, EBX, 26},
};
/* clang-format on */

/* The leaf's entry in the policy, created (all 'x' registers unset). */
static libxl_cpuid_leaf *policy_leaf(libxl_cpuid_policy_list *list, uint32_t leaf, uint32_t subleaf)
{
    if (!*list) {
        *list = calloc(1, sizeof(**list));
        if (!*list)
            return NULL;
    }
    libxl_cpuid_policy *p = *list;
    for (int i = 0; i < p->num_leaves; i++)
        if (p->leaves[i].leaf == leaf && p->leaves[i].subleaf == subleaf)
            return &p->leaves[i];
    libxl_cpuid_leaf *n = realloc(p->leaves, sizeof(*n) * (size_t)(p->num_leaves + 1));
    if (!n)
        return NULL;
    p->leaves = n;
    memset(&n[p->num_leaves], 0, sizeof(*n));
    n[p->num_leaves].leaf = leaf;
    n[p->num_leaves].subleaf = subleaf;
    return &n[p->num_leaves++];
}

static char *reg_policy(libxl_cpuid_leaf *l, int reg)
{
    if (!l->policy[reg]) {
        l->policy[reg] = malloc(33);
        if (!l->policy[reg])
            return NULL;
        memset(l->policy[reg], 'x', 32);
        l->policy[reg][32] = 0;
    }
    return l->policy[reg];
}

/* Flags in MSRs (bit of a 64-bit MSR policy): MSR_ARCH_CAPABILITIES. */
static const struct {
    const char *name;
    uint32_t index;
    int bit;
} msr_flags[] = {
    {"eibrs", 0x10a, 1},   {"fb-clear", 0x10a, 17},     {"fbsdp-no", 0x10a, 14},
    {"mds-no", 0x10a, 5},  {"pbrsb-no", 0x10a, 24},     {"psdp-no", 0x10a, 15},
    {"rdcl-no", 0x10a, 0}, {"sbdr-ssdp-no", 0x10a, 13}, {"skip-l1dfl", 0x10a, 3},
    {"taa-no", 0x10a, 8},  {"tsx-ctrl", 0x10a, 7},
};

/* The MSR's entry in the policy, created (all 'x'). */
static char *policy_msr(libxl_cpuid_policy_list *list, uint32_t index)
{
    if (!*list) {
        *list = calloc(1, sizeof(**list));
        if (!*list)
            return NULL;
    }
    libxl_cpuid_policy *p = *list;
    for (int i = 0; i < p->num_msrs; i++)
        if (p->msrs[i].index == index)
            return p->msrs[i].policy;
    libxl_cpuid_msr *n = realloc(p->msrs, sizeof(*n) * (size_t)(p->num_msrs + 1));
    if (!n)
        return NULL;
    p->msrs = n;
    n[p->num_msrs].index = index;
    n[p->num_msrs].policy = malloc(65);
    if (!n[p->num_msrs].policy)
        return NULL;
    memset(n[p->num_msrs].policy, 'x', 64);
    n[p->num_msrs].policy[64] = 0;
    return n[p->num_msrs++].policy;
}

/* Write the low `length' bits of num (or `length' copies of the letter c)
 * at bit `bit' of a register policy. */
static void put_bits(char *pol, int bit, int length, unsigned long long num, char c)
{
    for (int b = 0; b < length; b++)
        pol[31 - bit - b] = c ? c : "01"[!!(num & (1ULL << b))];
}

/* family= and model= span the base and extended fields of leaf 1's eax:
 * family below 16 is the base field (extended 0), else base 15 and
 * extended family-15; model's low nibble is the base, the next the
 * extended.  A letter fills both model fields, the base family field
 * (extended family 0).  As libxl 4.17.  0, 3 (bad value) or 4. */
static int parse_family_model(libxl_cpuid_policy_list *list, int is_family, const char *v)
{
    libxl_cpuid_leaf *l = policy_leaf(list, 1, NOSUB);
    char *end, c = 0;
    unsigned long long num = strtoull(v, &end, 0);

    if (end == v) {
        if (*v != 'x' && *v != 'k' && *v != 's')
            return 3;
        c = *v;
    }
    char *pol = l ? reg_policy(l, EAX) : NULL;
    if (!pol)
        return 4;
    if (is_family) {
        put_bits(pol, 8, 4, c || num < 16 ? num : 15, c);
        put_bits(pol, 20, 8, c || num < 16 ? 0 : num - 15, 0);
    } else {
        put_bits(pol, 4, 4, num, c);
        put_bits(pol, 16, 4, num >> 4, c);
    }
    return 0;
}

/* "FLAG=V": 0, 1 (no '='), 2 (unknown flag), 3 (bad value). */
static int parse_flag(libxl_cpuid_policy_list *list, const char *str)
{
    const char *eq = strchr(str, '=');
    if (!eq)
        return 1;
    size_t n = (size_t)(eq - str);
    const char *v = eq + 1;
    if ((n == 6 && !strncmp(str, "family", 6)) || (n == 5 && !strncmp(str, "model", 5)))
        return parse_family_model(list, n == 6, v);
    for (size_t i = 0; i < sizeof(msr_flags) / sizeof(msr_flags[0]); i++) {
        if (strlen(msr_flags[i].name) != n || strncmp(msr_flags[i].name, str, n))
            continue;
        /* one of 0 1 x k s (s is k: MSRs have no saved value); the MSR
         * is entered before the value is checked, as libxl does */
        char *pol = policy_msr(list, msr_flags[i].index);
        if (!pol)
            return 4;
        if (!v[0] || v[1] || !strchr("01xks", v[0]))
            return 3;
        pol[63 - msr_flags[i].bit] = v[0] == 's' ? 'k' : v[0];
        return 0;
    }
    for (size_t i = 0; i < sizeof(cpuid_flags) / sizeof(cpuid_flags[0]); i++) {
        const struct cpuid_flag *f = &cpuid_flags[i];
        if (strlen(f->name) != n || strncmp(f->name, str, n))
            continue;
        int length = f->length ? f->length : 1;
        char bits[33];
        char *end;
        /* the leaf is entered before the value is checked (as libxl does) */
        libxl_cpuid_leaf *l = policy_leaf(list, f->leaf, f->subleaf);
        unsigned long long num = strtoull(v, &end, 0);
        if (end != v) {
            /* a number (what follows it is ignored): its low bits */
            for (int b = 0; b < length; b++)
                bits[length - 1 - b] = "01"[!!(num & (1ULL << b))];
        } else if (*v == 'x' || *v == 'k' || *v == 's') {
            memset(bits, *v, (size_t)length);
        } else {
            return 3;
        }
        char *pol = l ? reg_policy(l, f->reg) : NULL;
        if (!pol)
            return 4;
        memcpy(pol + 32 - length - f->bit, bits, (size_t)length);
        return 0;
    }
    return 2;
}

/* "LEAF[,SUBLEAF]:REG=POLICY,...": 0 or an error number (see below). */
static int parse_xend(libxl_cpuid_policy_list *list, const char *str)
{
    static const char *const regs[] = {"eax", "ebx", "ecx", "edx"};
    char *end;
    unsigned long leaf = strtoul(str, &end, 0), subleaf = NOSUB;

    if (end == str)
        return 1;
    if (*end == ',') {
        const char *s = end + 1;
        subleaf = strtoul(s, &end, 0);
        if (end == s)
            return 2;
    }
    if (*end != ':')
        return 3;
    libxl_cpuid_leaf *l = policy_leaf(list, (uint32_t)leaf, (uint32_t)subleaf);
    if (!l)
        return 6;
    for (const char *p = end + 1; *p;) {
        int r;
        for (r = 0; r < 4 && strncmp(p, regs[r], 3); r++)
            ;
        if (r == 4 || p[3] != '=')
            return 4;
        p += 4;
        size_t len = strcspn(p, ",");
        if (len != 32)
            return 5;
        char *pol = reg_policy(l, r);
        if (!pol)
            return 6;
        memcpy(pol, p, 32);
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

PARSE_HANDLER(parse_cpuid)
{
    static const char *const xend_errors[] = {
        NULL,
        "illegal leaf number",
        "illegal subleaf number",
        "missing colon",
        "invalid register name (must be e[abcd]x)",
        "policy string must be exactly 32 characters long",
    };
    static const char *const flag_errors[] = {
        NULL,
        "missing \"=\" in key=value",
        "unknown CPUID flag name",
        "illegal CPUID value (must be: [0|1|x|k|s])",
    };
    libxl_cpuid_policy_list *cpuid = &ps->d_config->b_info.cpuid;
    XLU_ConfigList *list;
    const char *buf;
    (void)row;

    switch (xlu_cfg_get_list(ps->config, "cpuid", &list, 0, 1)) {
    case 0:
        for (int i = 0; (buf = xlu_cfg_get_listitem(list, i)) != NULL; i++) {
            int e = parse_xend(cpuid, buf);
            if (!e)
                continue;
            fprintf(stderr, "while parsing CPUID line: \"%s\":\n", buf);
            fprintf(stderr, "  error #%i: %s\n", e, e < 6 ? xend_errors[e] : "unknown error");
        }
        return 0;
    case EINVAL:
        if (xlu_cfg_get_string(ps->config, "cpuid", &buf, 0))
            return 0;
        break;
    default:
        return 0;
    }
    char *copy = strdup(buf), *save = NULL;
    if (!copy)
        return 1;
    char *p = strtok_r(copy, ",", &save);
    if (p && strcmp(p, "host")) {
        fprintf(stderr, "while parsing CPUID string: \"%s\":\n", buf);
        fprintf(stderr, "  error: first word must be \"host\"\n");
        p = NULL;
    }
    while (p && (p = strtok_r(NULL, ",", &save)) != NULL) {
        int e = parse_flag(cpuid, p);
        if (!e)
            continue;
        fprintf(stderr, "while parsing CPUID flag: \"%s\":\n", p);
        fprintf(stderr, "  error #%i: %s\n", e, e < 4 ? flag_errors[e] : "unknown error");
    }
    free(copy);
    return 0;
}
