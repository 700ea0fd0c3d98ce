/*
 * check_bootcfg.c: the boot configuration parsers (bootloader/bootcfg*.c)
 * and pygrub's output formats, alone: GRUB 2 grub.cfg, GRUB legacy
 * menu.lst and extlinux.conf texts, with includes served from an
 * in-memory file table, yield the entries and default GRUB/syslinux would
 * boot; hostile texts (loops, unclosed blocks, oversize) fail with a
 * message naming the file and line.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "bootcfg_internal.h"
#include "pygrub_output.h"

struct memfile {
    const char *path;
    const char *text;
};

static const struct memfile *files;

static int mem_read(void *ctx, const char *path, char **data, size_t *len)
{
    (void)ctx;
    for (const struct memfile *f = files; f && f->path; f++) {
        if (strcmp(f->path, path) == 0) {
            *len = strlen(f->text);
            *data = strdup(f->text);
            return *data ? 0 : -ENOMEM;
        }
    }
    return -ENOENT;
}

static const struct bootcfg_reader reader = {mem_read, NULL};
static char err[512];
static struct bootcfg cfg;

static int parse(enum bootcfg_kind kind, const char *path, const char *text)
{
    return bootcfg_parse(kind, path, text, strlen(text), &reader, &cfg, err, sizeof(err));
}

static const struct bootcfg_entry *dflt(void)
{
    ck_assert_int_ge(cfg.default_index, 0);
    ck_assert_uint_lt((unsigned)cfg.default_index, cfg.n_entries);
    return &cfg.entries[cfg.default_index];
}

static void teardown(void)
{
    bootcfg_free(&cfg);
    files = NULL;
}

/* What grub-mkconfig writes for Debian, trimmed. */
static const char mkconfig_cfg[] =
    "if [ -s $prefix/grubenv ]; then\n"
    "  set have_grubenv=true\n"
    "  load_env\n"
    "fi\n"
    "if [ \"${next_entry}\" ] ; then\n"
    "   set default=\"${next_entry}\"\n"
    "   set next_entry=\n"
    "else\n"
    "   set default=\"0\"\n"
    "fi\n"
    "function load_video {\n"
    "  if [ x$feature_all_video_module = xy ]; then\n"
    "    insmod all_video\n"
    "  fi\n"
    "}\n"
    "if [ x\"${feature_menuentry_id}\" = xy ]; then\n"
    "  menuentry_id_option=\"--id\"\n"
    "else\n"
    "  menuentry_id_option=\"\"\n"
    "fi\n"
    "menuentry 'Debian GNU/Linux' --class debian --class gnu-linux $menuentry_id_option "
    "'gnulinux-simple-1234' {\n"
    "\tload_video\n"
    "\tinsmod ext2\n"
    "\tset root='hd0,msdos1'\n"
    "\tsearch --no-floppy --fs-uuid --set=root 1234\n"
    "\techo\t'Loading Linux 6.1.0-13-amd64 ...'\n"
    "\tlinux\t/boot/vmlinuz-6.1.0-13-amd64 root=UUID=1234 ro  quiet\n"
    "\techo\t'Loading initial ramdisk ...'\n"
    "\tinitrd\t/boot/initrd.img-6.1.0-13-amd64\n"
    "}\n"
    "submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option "
    "'gnulinux-advanced-1234' {\n"
    "\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-13-amd64' $menuentry_id_option "
    "'gnulinux-6.1.0-13-amd64-advanced-1234' {\n"
    "\t\tlinux\t/boot/vmlinuz-6.1.0-13-amd64 root=UUID=1234 ro  quiet\n"
    "\t\tinitrd\t/boot/initrd.img-6.1.0-13-amd64\n"
    "\t}\n"
    "\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-13-amd64 (recovery mode)' "
    "$menuentry_id_option 'gnulinux-6.1.0-13-amd64-recovery-1234' {\n"
    "\t\tlinux\t/boot/vmlinuz-6.1.0-13-amd64 root=UUID=1234 ro single\n"
    "\t\tinitrd\t/boot/initrd.img-6.1.0-13-amd64\n"
    "\t}\n"
    "}\n"
    "menuentry 'UEFI Firmware Settings' $menuentry_id_option 'uefi-firmware' {\n"
    "\tfwsetup\n"
    "}\n";

START_TEST(grub2_mkconfig_default_entry)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", mkconfig_cfg), 0);
    ck_assert_uint_eq(cfg.n_entries, 4);
    ck_assert_int_eq(cfg.default_index, 0);
    ck_assert_str_eq(dflt()->title, "Debian GNU/Linux");
    ck_assert_str_eq(dflt()->kernel, "/boot/vmlinuz-6.1.0-13-amd64");
    ck_assert_str_eq(dflt()->initrd, "/boot/initrd.img-6.1.0-13-amd64");
    ck_assert_str_eq(dflt()->args, "root=UUID=1234 ro quiet");
    ck_assert_ptr_null(cfg.entries[3].kernel); /* fwsetup boots no kernel */
}
END_TEST

/* The same menu with `default` set by index path, title path, id and grubenv. */
static void check_default_sel(const char *sel, const char *title)
{
    char *text = malloc(sizeof(mkconfig_cfg) + 256);

    snprintf(text, sizeof(mkconfig_cfg) + 256, "%sset default=\"%s\"\n", mkconfig_cfg, sel);
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", text), 0);
    ck_assert_str_eq(dflt()->title, title);
    bootcfg_free(&cfg);
    free(text);
}

START_TEST(grub2_default_forms)
{
    const char *rec = "Debian GNU/Linux, with Linux 6.1.0-13-amd64 (recovery mode)";

    check_default_sel("1>1", rec);
    check_default_sel("Advanced options for Debian GNU/Linux>" /* title path */
                      "Debian GNU/Linux, with Linux 6.1.0-13-amd64 (recovery mode)",
                      rec);
    check_default_sel("gnulinux-advanced-1234>gnulinux-6.1.0-13-amd64-recovery-1234", rec);
    check_default_sel("1", "Debian GNU/Linux, with Linux 6.1.0-13-amd64");
    check_default_sel("gnulinux-simple-1234", "Debian GNU/Linux");
    check_default_sel("no such entry", "Debian GNU/Linux");
}
END_TEST

START_TEST(grub2_saved_default_from_grubenv)
{
    static const struct memfile env[] = {
        {"/boot/grub/grubenv", "# GRUB Environment Block\n"
                               "saved_entry=gnulinux-advanced-1234>"
                               "gnulinux-6.1.0-13-amd64-recovery-1234\n"
                               "##########################\n"},
        {NULL, NULL},
    };
    char *text = malloc(sizeof(mkconfig_cfg) + 128);

    files = env;
    snprintf(text, sizeof(mkconfig_cfg) + 128, "%s%s", mkconfig_cfg,
             "if [ \"${next_entry}\" ] ; then\n set default=\"${next_entry}\"\n"
             "else\n set default=\"${saved_entry}\"\nfi\n");
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", text), 0);
    ck_assert_str_eq(dflt()->args, "root=UUID=1234 ro single");
    free(text);
}
END_TEST

START_TEST(grub2_conditions_pick_grub_branches)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg",
                           "set initrdfail=\n"
                           "if [ \"$grub_platform\" = xen -a -n x ]; then set v=xen\n"
                           "elif [ 1 -lt 2 ]; then set v=elif\n"
                           "else set v=else; fi\n"
                           "if ! [ -z \"$v\" ]; then\n"
                           "  if false; then menuentry never { linux /never }\n"
                           "  else menuentry \"v=$v\" {\n"
                           "    if [ \"${initrdfail}\" = 1 ]; then\n"
                           "      linux /k nosplash\n"
                           "    else\n"
                           "      linux /k quiet\n"
                           "    fi\n"
                           "  }\n"
                           "  fi\n"
                           "fi\n"
                           "while [ x ]; do menuentry loop { linux /loop }; done\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 1); /* the false branch and the loop define nothing */
    ck_assert_str_eq(dflt()->title, "v=xen");
    ck_assert_str_eq(dflt()->args, "quiet");
}
END_TEST

START_TEST(grub2_unbalanced_conditions_fail)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/g.cfg", "menuentry a { linux /a }\nfi\n"), -EINVAL);
    ck_assert_str_eq(err, "/g.cfg:2: fi without if");
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/g.cfg", "menuentry a { linux /a }\nelse\n"), -EINVAL);
    ck_assert_str_eq(err, "/g.cfg:2: else without if");
    ck_assert_int_eq(
        parse(BOOTCFG_GRUB2, "/g.cfg", "menuentry a {\n if [ x ]; then\n linux /a\n}\n"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "if without fi"));
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/g.cfg", "if true; then\nmenuentry a { linux /a }\n"),
                     -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "if without fi"));
}
END_TEST

START_TEST(grub2_words_quotes_variables)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/grub/grub.cfg",
                           "set kver=6.1\n"
                           "opts=\"console=hvc0  earlyprintk=xen\"\n"
                           "menuentry \"A \\\"quoted\\\" title\" {\n"
                           "  linux (hd0,gpt2)/vmlinuz-${kver} root=/dev/xvda1 \"$opts\" "
                           "'$kver' x\\ y $unset_var\n"
                           "  initrd ($root)/initrd-$kver.img\n"
                           "}\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 1);
    ck_assert_str_eq(dflt()->title, "A \"quoted\" title");
    ck_assert_str_eq(dflt()->kernel, "/vmlinuz-6.1");
    ck_assert_str_eq(dflt()->initrd, "/initrd-6.1.img");
    ck_assert_str_eq(dflt()->args, "root=/dev/xvda1 console=hvc0  earlyprintk=xen $kver x y");
}
END_TEST

START_TEST(grub2_one_line_entries_and_local_scope)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg",
                           "set v=outer; set default=1\n"
                           "menuentry one { set v=inner; linux /k1 $v; }\n"
                           "menuentry two { linux /k2 $v\n initrd /i2 }\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 2);
    ck_assert_str_eq(cfg.entries[0].args, "inner");
    ck_assert_str_eq(dflt()->kernel, "/k2");
    ck_assert_str_eq(dflt()->initrd, "/i2");
    ck_assert_str_eq(dflt()->args, "outer"); /* the first body's set stayed local */
}
END_TEST

START_TEST(grub2_several_initrds)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg",
                           "menuentry arch {\n"
                           "  linux /vmlinuz-linux root=/dev/xvda1\n"
                           "  initrd /intel-ucode.img /initramfs-linux.img\n"
                           "}\n"
                           "menuentry one { linux /k; initrd /i }\n"),
                     0);
    ck_assert_str_eq(dflt()->initrd, "/intel-ucode.img");
    ck_assert_str_eq(dflt()->initrds[0], "/intel-ucode.img");
    ck_assert_str_eq(dflt()->initrds[1], "/initramfs-linux.img");
    ck_assert_ptr_null(dflt()->initrds[2]);
    ck_assert_ptr_null(cfg.entries[1].initrds); /* one initrd: initrd alone */
    ck_assert_str_eq(cfg.entries[1].initrd, "/i");
}
END_TEST

START_TEST(grub2_source_include)
{
    static const struct memfile inc[] = {
        {"/boot/grub/custom.cfg", "menuentry custom { linux /boot/vmlinuz-custom ro }\n"},
        {NULL, NULL},
    };

    files = inc;
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg",
                           "menuentry first { linux /boot/vmlinuz ro }\n"
                           "source custom.cfg\n"
                           "set default=custom\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 2);
    ck_assert_str_eq(dflt()->kernel, "/boot/vmlinuz-custom");
}
END_TEST

START_TEST(grub2_include_loop_fails)
{
    static const struct memfile loop[] = {
        {"/boot/grub/a.cfg", "menuentry a { linux /a }\nsource /boot/grub/b.cfg\n"},
        {"/boot/grub/b.cfg", "configfile /boot/grub/a.cfg\n"},
        {NULL, NULL},
    };

    files = loop;
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", "source a.cfg\n"), -ELOOP);
    ck_assert_ptr_nonnull(strstr(err, "nested deeper"));
    ck_assert_ptr_nonnull(strstr(err, ".cfg:"));
    ck_assert_uint_eq(cfg.n_entries, 0);
}
END_TEST

START_TEST(grub2_unclosed_and_stray_braces_fail)
{
    ck_assert_int_eq(
        parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", "\n\nmenuentry broken {\n linux /vmlinuz\n"),
        -EINVAL);
    ck_assert_str_eq(err, "/boot/grub/grub.cfg:3: menuentry \"broken\" not closed with \"}\"");
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", "menuentry a { linux /a }\n}\n"),
                     -EINVAL);
    ck_assert_str_eq(err, "/boot/grub/grub.cfg:2: \"}\" without a block");
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/g.cfg", "menuentry no-brace\n linux /a\n"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "without \"{\""));
}
END_TEST

START_TEST(grub2_deep_submenus_fail)
{
    char text[1024] = "";

    for (int i = 0; i < 20; i++)
        strcat(text, "submenu s {\n");
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/g.cfg", text), -ELOOP);
    ck_assert_ptr_nonnull(strstr(err, "nested too deep"));
}
END_TEST

START_TEST(grub2_no_entries_fails)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/boot/grub/grub.cfg", "set timeout=5\n"), -ENOENT);
    ck_assert_str_eq(err, "/boot/grub/grub.cfg: no boot entries");
}
END_TEST

START_TEST(grub2_entry_cap)
{
    size_t n = (BOOTCFG_MAX_ENTRIES + 1) * 32;
    char *text = calloc(1, n);

    for (unsigned i = 0; i <= BOOTCFG_MAX_ENTRIES; i++)
        strcat(text, "menuentry x { linux /k }\n");
    ck_assert_int_eq(parse(BOOTCFG_GRUB2, "/g.cfg", text), -E2BIG);
    ck_assert_ptr_nonnull(strstr(err, "more than 512 menu entries"));
    free(text);
}
END_TEST

START_TEST(legacy_menu_lst)
{
    ck_assert_int_eq(parse(BOOTCFG_GRUB_LEGACY, "/boot/grub/menu.lst",
                           "# menu.lst\n"
                           "default=1\n"
                           "timeout 5\n"
                           "title Old kernel\n"
                           "  root (hd0,0)\n"
                           "  kernel /boot/vmlinuz-old root=/dev/xvda1 ro\n"
                           "title Debian (6.1)\n"
                           "  root (hd0,0)\n"
                           "  kernel (hd0,0)/boot/vmlinuz-6.1 root=/dev/xvda1 ro console=hvc0\n"
                           "  initrd /boot/initrd.img-6.1\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 2);
    ck_assert_str_eq(dflt()->title, "Debian (6.1)");
    ck_assert_str_eq(dflt()->kernel, "/boot/vmlinuz-6.1");
    ck_assert_str_eq(dflt()->initrd, "/boot/initrd.img-6.1");
    ck_assert_str_eq(dflt()->args, "root=/dev/xvda1 ro console=hvc0");
    ck_assert_ptr_null(cfg.entries[0].initrd);
}
END_TEST

START_TEST(legacy_default_saved)
{
    static const struct memfile saved[] = {{"/grub/default", "1\n# comment\n"}, {NULL, NULL}};

    files = saved;
    ck_assert_int_eq(parse(BOOTCFG_GRUB_LEGACY, "/grub/grub.conf",
                           "default saved\ntitle a\nkernel /a\ntitle b\nkernel /b x\n"),
                     0);
    ck_assert_str_eq(dflt()->kernel, "/b");
    ck_assert_str_eq(dflt()->args, "x");
}
END_TEST

START_TEST(legacy_configfile_loop_fails)
{
    static const struct memfile loop[] = {
        {"/boot/grub/menu.lst", "configfile /boot/grub/menu.lst\n"}, {NULL, NULL}};

    files = loop;
    ck_assert_int_eq(parse(BOOTCFG_GRUB_LEGACY, "/boot/grub/menu.lst", "configfile menu.lst\n"),
                     -ELOOP);
    ck_assert_ptr_nonnull(strstr(err, "/boot/grub/menu.lst:1: includes nested deeper than 8"));
}
END_TEST

START_TEST(extlinux_labels)
{
    ck_assert_int_eq(parse(BOOTCFG_EXTLINUX, "/boot/extlinux/extlinux.conf",
                           "# extlinux\n"
                           "UI menu.c32\n"
                           "default debian\n"
                           "append console=hvc0\n"
                           "label menu\n"
                           "  kernel menu.c32\n"
                           "LABEL rescue\n"
                           "  LINUX ../vmlinuz-rescue\n"
                           "  APPEND -\n"
                           "label debian\n"
                           "  menu label ^Debian GNU/Linux\n"
                           "  linux /boot/vmlinuz-6.1\n"
                           "  append root=/dev/xvda1 initrd=/boot/initrd.img-6.1,/boot/extra ro\n"
                           "label plain\n"
                           "  kernel vmlinuz\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 4);
    ck_assert_ptr_null(cfg.entries[0].kernel); /* a COM32 module */
    ck_assert_str_eq(cfg.entries[1].kernel, "/boot/vmlinuz-rescue");
    ck_assert_str_eq(cfg.entries[1].args, "");
    ck_assert_str_eq(dflt()->title, "Debian GNU/Linux");
    ck_assert_str_eq(dflt()->kernel, "/boot/vmlinuz-6.1");
    ck_assert_str_eq(dflt()->initrd, "/boot/initrd.img-6.1");
    ck_assert_str_eq(dflt()->args, "root=/dev/xvda1 ro");
    ck_assert_str_eq(cfg.entries[3].kernel, "/boot/extlinux/vmlinuz");
    ck_assert_str_eq(cfg.entries[3].args, "console=hvc0"); /* the global APPEND */
}
END_TEST

START_TEST(extlinux_menu_default_include_initrd)
{
    static const struct memfile inc[] = {
        {"/syslinux/more.cfg", "LABEL two\n MENU DEFAULT\n KERNEL /k2\n INITRD i2,i3\n"},
        {NULL, NULL},
    };

    files = inc;
    ck_assert_int_eq(parse(BOOTCFG_EXTLINUX, "/syslinux/syslinux.cfg",
                           "DEFAULT one\nLABEL one\n KERNEL /k1\nINCLUDE more.cfg\n"),
                     0);
    ck_assert_uint_eq(cfg.n_entries, 2);
    ck_assert_str_eq(dflt()->kernel, "/k2");
    ck_assert_str_eq(dflt()->initrd, "/syslinux/i2");
    ck_assert_ptr_nonnull(dflt()->initrds); /* INITRD i2,i3: both, in order */
    ck_assert_str_eq(dflt()->initrds[0], "/syslinux/i2");
    ck_assert_str_eq(dflt()->initrds[1], "/syslinux/i3");
    ck_assert_ptr_null(dflt()->initrds[2]);
    ck_assert_ptr_null(cfg.entries[0].initrds);
}
END_TEST

START_TEST(extlinux_default_command_line)
{
    ck_assert_int_eq(parse(BOOTCFG_EXTLINUX, "/extlinux.conf", "DEFAULT vmlinuz root=/dev/xvda\n"),
                     0);
    ck_assert_str_eq(dflt()->kernel, "/vmlinuz");
    ck_assert_str_eq(dflt()->args, "root=/dev/xvda");
}
END_TEST

START_TEST(extlinux_many_initrd_words)
{
    size_t n = 100000;
    char *text = malloc(n * 9 + 64);

    strcpy(text, "LABEL x\nKERNEL /k\nAPPEND ro");
    {
        char *p = text + strlen(text);

        for (size_t i = 0; i < n; i++, p += 9)
            memcpy(p, " initrd=a", 9);
        strcpy(p, " quiet\n");
    }
    /* one pass over the line (Check's per-test timeout bounds it) */
    ck_assert_int_eq(parse(BOOTCFG_EXTLINUX, "/extlinux.conf", text), 0);
    ck_assert_str_eq(dflt()->initrd, "/a");
    ck_assert_str_eq(dflt()->args, "ro quiet");
    free(text);
}
END_TEST

START_TEST(extlinux_include_loop_fails)
{
    static const struct memfile loop[] = {
        {"/extlinux.conf", "LABEL x\nKERNEL /x\nINCLUDE /extlinux.conf\n"}, {NULL, NULL}};

    files = loop;
    ck_assert_int_eq(parse(BOOTCFG_EXTLINUX, "/extlinux.conf", "MENU INCLUDE /extlinux.conf\n"),
                     -ELOOP);
    ck_assert_ptr_nonnull(strstr(err, "nested deeper"));
}
END_TEST

START_TEST(oversize_and_nul_bytes)
{
    size_t n = BOOTCFG_MAX_FILE + 1;
    char *big = malloc(n);
    static const char with_nul[] = "title a\0b\nkernel /k\0x\n";

    memset(big, '#', n);
    ck_assert_int_eq(
        bootcfg_parse(BOOTCFG_GRUB_LEGACY, "/m.lst", big, n, NULL, &cfg, err, sizeof(err)), -EFBIG);
    ck_assert_ptr_nonnull(strstr(err, "/m.lst: configuration larger than"));
    free(big);
    /* interior NULs are blanks, never the end of the text */
    ck_assert_int_eq(bootcfg_parse(BOOTCFG_GRUB_LEGACY, "/m.lst", with_nul, sizeof(with_nul) - 1,
                                   NULL, &cfg, err, sizeof(err)),
                     0);
    ck_assert_str_eq(dflt()->title, "a b");
    ck_assert_str_eq(dflt()->kernel, "/k");
    ck_assert_str_eq(dflt()->args, "x");
}
END_TEST

START_TEST(find_entry_by_index_and_title)
{
    ck_assert_int_eq(
        parse(BOOTCFG_GRUB_LEGACY, "/m.lst", "title zero\nkernel /0\ntitle one\nkernel /1\n"), 0);
    ck_assert_int_eq(bootcfg_find_entry(&cfg, "1"), 1);
    ck_assert_int_eq(bootcfg_find_entry(&cfg, "zero"), 0);
    ck_assert_int_eq(bootcfg_find_entry(&cfg, "2"), -1);
    ck_assert_int_eq(bootcfg_find_entry(&cfg, "-1"), -1);
    ck_assert_int_eq(bootcfg_find_entry(&cfg, "nope"), -1);
}
END_TEST

START_TEST(path_normalisation)
{
    static const char *const cases[][3] = {
        {"/boot/extlinux", "../vmlinuz", "/boot/vmlinuz"},
        {"/", "/../../x", "/x"},
        {"/a", "(hd0,msdos1)/b/./c//d", "/b/c/d"},
        {"/a/b", "c/..", "/a/b"},
        {NULL, "..", "/"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *p = bootcfg_path(cases[i][0], cases[i][1]);

        ck_assert_str_eq(p, cases[i][2]);
        free(p);
    }
}
END_TEST

START_TEST(output_formats)
{
    enum pygrub_format f;
    size_t len;
    char *s;

    ck_assert_int_eq(pygrub_format_parse("simple0", &f), 0);
    ck_assert_int_eq(f, PYGRUB_SIMPLE0);
    ck_assert_int_eq(pygrub_format_parse("xml", &f), -EINVAL);

    s = pygrub_format_output(PYGRUB_SXP, "/t/kernel", "/t/ramdisk", "a \"b\" c\\d", &len, err,
                             sizeof(err));
    ck_assert_str_eq(s,
                     "linux (kernel /t/kernel)(ramdisk /t/ramdisk)(args \"a \\\"b\\\" c\\\\d\")");
    free(s);
    s = pygrub_format_output(PYGRUB_SXP, "/t/kernel", NULL, "", &len, err, sizeof(err));
    ck_assert_str_eq(s, "linux (kernel /t/kernel)");
    free(s);
    s = pygrub_format_output(PYGRUB_SIMPLE, "/t/k", "/t/r", "ro quiet", &len, err, sizeof(err));
    ck_assert_str_eq(s, "kernel /t/k\nramdisk /t/r\nargs ro quiet\n\n");
    free(s);
    s = pygrub_format_output(PYGRUB_SIMPLE0, "/t/k", NULL, "ro", &len, err, sizeof(err));
    ck_assert_uint_eq(len, sizeof("kernel /t/k\0args ro\0") - 1 + 1);
    ck_assert_int_eq(memcmp(s, "kernel /t/k\0args ro\0\0", len), 0);
    free(s);
    ck_assert_ptr_null(
        pygrub_format_output(PYGRUB_SIMPLE, "/t/k", NULL, "a\nb", &len, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "newline"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bootcfg");
    TCase *g2 = tcase_create("grub2"), *lg = tcase_create("legacy"), *ex = tcase_create("extlinux"),
          *misc = tcase_create("common");

    tcase_add_checked_fixture(g2, NULL, teardown);
    tcase_add_checked_fixture(lg, NULL, teardown);
    tcase_add_checked_fixture(ex, NULL, teardown);
    tcase_add_checked_fixture(misc, NULL, teardown);
    tcase_add_test(g2, grub2_mkconfig_default_entry);
    tcase_add_test(g2, grub2_default_forms);
    tcase_add_test(g2, grub2_saved_default_from_grubenv);
    tcase_add_test(g2, grub2_conditions_pick_grub_branches);
    tcase_add_test(g2, grub2_unbalanced_conditions_fail);
    tcase_add_test(g2, grub2_words_quotes_variables);
    tcase_add_test(g2, grub2_one_line_entries_and_local_scope);
    tcase_add_test(g2, grub2_several_initrds);
    tcase_add_test(g2, grub2_source_include);
    tcase_add_test(g2, grub2_include_loop_fails);
    tcase_add_test(g2, grub2_unclosed_and_stray_braces_fail);
    tcase_add_test(g2, grub2_deep_submenus_fail);
    tcase_add_test(g2, grub2_no_entries_fails);
    tcase_add_test(g2, grub2_entry_cap);
    tcase_add_test(lg, legacy_menu_lst);
    tcase_add_test(lg, legacy_default_saved);
    tcase_add_test(lg, legacy_configfile_loop_fails);
    tcase_add_test(ex, extlinux_labels);
    tcase_add_test(ex, extlinux_menu_default_include_initrd);
    tcase_add_test(ex, extlinux_default_command_line);
    tcase_add_test(ex, extlinux_many_initrd_words);
    tcase_add_test(ex, extlinux_include_loop_fails);
    tcase_add_test(misc, oversize_and_nul_bytes);
    tcase_add_test(misc, find_entry_by_index_and_title);
    tcase_add_test(misc, path_normalisation);
    tcase_add_test(misc, output_formats);
    suite_add_tcase(s, g2);
    suite_add_tcase(s, lg);
    suite_add_tcase(s, ex);
    suite_add_tcase(s, misc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
