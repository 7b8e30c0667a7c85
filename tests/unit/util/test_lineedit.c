/* The one line editor (util/lineedit) and the one cell decoder
 * (util/cells): editing keys, history, pasted text, scrolling by cells. */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "util/cells.h"
#include "util/lineedit.h"

static struct lineedit ed;

static void setup(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    memset(&ed, 0, sizeof ed);
    ed.utf8 = true;
}

static void expect(const char *want, size_t cur)
{
    char *t = le_text(&ed);
    ck_assert_str_eq(t, want);
    free(t);
    ck_assert_uint_eq(ed.cur, cur);
}

static void type(const char *s)
{
    for (const char *p = s; *p; p++) le_input(&ed, (wchar_t)(unsigned char)*p);
}

START_TEST(insert_and_move)
{
    le_set(&ed, "ns agents");
    expect("ns agents", 9);
    ck_assert_int_eq(le_input(&ed, 1), LE_MOVED); /* ^A */
    expect("ns agents", 0);
    ck_assert_int_eq(le_op(&ed, LE_OP_LEFT), LE_MOVED);
    expect("ns agents", 0);
    type(":");
    expect(":ns agents", 1);
    ck_assert_int_eq(le_input(&ed, 5), LE_MOVED); /* ^E */
    expect(":ns agents", 10);
    le_op(&ed, LE_OP_LEFT);
    le_op(&ed, LE_OP_LEFT);
    type("X");
    expect(":ns agenXts", 9);
    ck_assert_int_eq(le_op(&ed, LE_OP_DELETE), LE_CHANGED);
    expect(":ns agenXs", 9);
    ck_assert_int_eq(le_input(&ed, 127), LE_CHANGED);
    expect(":ns agens", 8);
    le_op(&ed, LE_OP_HOME);
    le_op(&ed, LE_OP_RIGHT);
    le_input(&ed, 8); /* ^H: backspace */
    expect("ns agens", 0);
    le_op(&ed, LE_OP_END);
    expect("ns agens", 8);
    ck_assert_int_eq(le_input(&ed, '\r'), LE_ENTER);
    ck_assert_int_eq(le_input(&ed, '\n'), LE_ENTER);
    ck_assert_int_eq(le_input(&ed, 27), LE_CANCEL);
    ck_assert_int_eq(le_input(&ed, '\t'), LE_TAB);
    ck_assert_int_eq(le_input(&ed, 'l' & 0x1f), LE_IGNORED); /* ^L is the console's */
    expect("ns agens", 8);
}
END_TEST

START_TEST(kill_keys)
{
    le_set(&ed, "runs -l team=infra  ");
    ck_assert_int_eq(le_input(&ed, 'w' & 0x1f), LE_CHANGED); /* ^W: spaces, then the word */
    expect("runs -l ", 8);
    le_input(&ed, 'w' & 0x1f);
    expect("runs ", 5);
    le_set(&ed, "abc def ghi");
    ed.cur = 5;
    ck_assert_int_eq(le_input(&ed, 'k' & 0x1f), LE_CHANGED); /* ^K: to the end */
    expect("abc d", 5);
    ed.cur = 2;
    ck_assert_int_eq(le_input(&ed, 'u' & 0x1f), LE_CHANGED); /* ^U: to the start */
    expect("c d", 0);
    ck_assert_int_eq(le_input(&ed, 'u' & 0x1f), LE_MOVED);
    ck_assert_int_eq(le_input(&ed, 'w' & 0x1f), LE_MOVED);
    le_set(&ed, "");
    ck_assert_int_eq(le_input(&ed, 127), LE_EMPTY_BS);
}
END_TEST

START_TEST(only_printable_enters)
{
    le_set(&ed, "a\x1b[31mb\tc\xe2\x80\xae" "d\xff" "e"); /* ESC, TAB, U+202E, a bad byte */
    expect("a[31mbcde", 9);
    ck_assert_int_eq(le_input(&ed, 0x9b), LE_REFUSED);  /* C1 CSI */
    ck_assert_int_eq(le_input(&ed, 0x2066), LE_REFUSED); /* bidi isolate */
    ck_assert_int_eq(le_input(&ed, 0xe9), LE_CHANGED);
    expect("a[31mbcde\xc3\xa9", 10);
    /* outside a UTF-8 locale only ASCII */
    ed.utf8 = false;
    ck_assert_int_eq(le_input(&ed, 0xe9), LE_REFUSED);
    ck_assert_int_eq(le_input(&ed, 'z'), LE_CHANGED);
    /* full */
    ed.utf8 = true;
    le_set(&ed, "");
    for (int i = 0; i < LE_MAX; i++) ck_assert_int_eq(le_input(&ed, 'x'), LE_CHANGED);
    ck_assert_int_eq(le_input(&ed, 'x'), LE_REFUSED);
    ck_assert_uint_eq(ed.len, LE_MAX);
}
END_TEST

START_TEST(paste_is_sanitised)
{
    le_set(&ed, "ns ");
    le_paste_begin(&ed);
    /* a pasted line break must not submit, nor an ESC start a sequence */
    ck_assert_int_eq(le_input(&ed, 'a'), LE_CHANGED);
    ck_assert_int_eq(le_input(&ed, '\n'), LE_CHANGED);
    ck_assert_int_eq(le_input(&ed, 27), LE_MOVED);
    ck_assert_int_eq(le_input(&ed, '\t'), LE_CHANGED);
    ck_assert_int_eq(le_input(&ed, 7), LE_MOVED);
    ck_assert_int_eq(le_input(&ed, 'b'), LE_CHANGED);
    le_paste_end(&ed);
    expect("ns a  b", 7);
    ck_assert_int_eq(le_input(&ed, '\n'), LE_ENTER);
    ck_assert_uint_eq(le_insert_utf8(&ed, "x\r\ny\x07\xe2\x80\xa8z"), 5); /* x, 2 spaces, y, z */
    expect("ns a  bx  yz", 12);
    ck_assert(!ed.pasting);
}
END_TEST

START_TEST(history)
{
    struct le_history h;
    le_history_init(&h, 3);
    le_history_add(&h, "ns a");
    le_history_add(&h, "ns a"); /* the same twice is kept once */
    le_history_add(&h, "");
    le_history_add(&h, "ctx b");
    ck_assert_uint_eq(h.n, 2);
    le_set(&ed, "");
    le_attach_history(&ed, &h);
    type("typ");
    ck_assert_int_eq(le_op(&ed, LE_OP_HIST_PREV), LE_CHANGED);
    expect("ctx b", 5);
    le_input(&ed, 'p' & 0x1f);
    expect("ns a", 4);
    ck_assert_int_eq(le_op(&ed, LE_OP_HIST_PREV), LE_MOVED); /* the oldest */
    expect("ns a", 4);
    le_op(&ed, LE_OP_HIST_NEXT);
    expect("ctx b", 5);
    le_input(&ed, 'n' & 0x1f);
    expect("typ", 3); /* back to what was being typed */
    ck_assert_int_eq(le_op(&ed, LE_OP_HIST_NEXT), LE_MOVED);
    /* at most max entries, the oldest goes */
    le_history_add(&h, "one");
    le_history_add(&h, "two");
    ck_assert_uint_eq(h.n, 3);
    ck_assert_str_eq(h.items[0], "ctx b");
    ck_assert_str_eq(h.items[2], "two");
    le_history_free(&h);
}
END_TEST

START_TEST(scroll_by_cells)
{
    /* CJK characters are two cells: the cursor and its cell must fit */
    le_set(&ed, "ab\xe6\x97\xa5\xe6\x9c\xac" "cd"); /* ab日本cd */
    ck_assert_int_eq(le_width(&ed, 0, ed.len), 8);
    ck_assert_int_eq(le_scroll(&ed, 20), 8);
    ck_assert_uint_eq(ed.first, 0);
    ck_assert_int_eq(le_scroll(&ed, 5), 4); /* "本cd" then the cursor cell */
    ck_assert_uint_eq(ed.first, 3);
    le_op(&ed, LE_OP_HOME);
    ck_assert_int_eq(le_scroll(&ed, 5), 0);
    ck_assert_uint_eq(ed.first, 0);
    /* text gets shorter: the view comes back to the left */
    le_op(&ed, LE_OP_END);
    le_scroll(&ed, 5);
    le_input(&ed, 'u' & 0x1f);
    type("xy");
    ck_assert_int_eq(le_scroll(&ed, 5), 2);
    ck_assert_uint_eq(ed.first, 0);
    /* completion replaces what is before the cursor */
    le_set(&ed, "ctx ku");
    le_replace_before_cursor(&ed, 4, "kubeapi ");
    expect("ctx kubeapi ", 12);
    char *mid = le_text_range(&ed, 4, 11);
    ck_assert_str_eq(mid, "kubeapi");
    free(mid);
}
END_TEST

START_TEST(completion)
{
    const char *cmds[] = {"ns", "namespace", "ctx", "context", "all", "log", "help", "q"};
    le_set(&ed, "he");
    ck_assert_uint_eq(le_complete(&ed, cmds, 8), 1);
    expect("help ", 5);
    le_set(&ed, "n");
    ck_assert_uint_eq(le_complete(&ed, cmds, 8), 2); /* ns, namespace: nothing longer in common */
    expect("n", 1);
    le_set(&ed, "co");
    ck_assert_uint_eq(le_complete(&ed, cmds, 8), 1);
    expect("context ", 8);
    le_set(&ed, "zz");
    ck_assert_uint_eq(le_complete(&ed, cmds, 8), 0);
    expect("zz", 2);
    /* the word before the cursor, the rest of the line stays */
    const char *nss[] = {"agents", "agents-dev", "kube-system"};
    le_set(&ed, "ns ag tail");
    ed.cur = 5;
    ck_assert_uint_eq(le_word_start(&ed), 3);
    ck_assert_uint_eq(le_complete(&ed, nss, 3), 2);
    expect("ns agents tail", 9);
    ck_assert_uint_eq(le_complete(&ed, nss, 3), 2);
    le_input(&ed, '-');
    ck_assert_uint_eq(le_complete(&ed, nss, 3), 1);
    expect("ns agents-dev  tail", 14);
    /* a common prefix never ends inside a UTF-8 sequence */
    const char *u[] = {"caf\xc3\xa9", "caf\xc3\xa8"};
    le_set(&ed, "c");
    ck_assert_uint_eq(le_complete(&ed, u, 2), 2);
    expect("caf", 3);
}
END_TEST

START_TEST(cell_decoder)
{
    wchar_t wc;
    int w;
    ck_assert_uint_eq(cell_next("\xe6\x97\xa5", 3, true, &wc, &w), 3);
    ck_assert_int_eq(w, 2);
    ck_assert_int_eq(wc, 0x65e5);
    ck_assert_uint_eq(cell_next("\xe6\x97\xa5", 3, false, &wc, &w), 3); /* not UTF-8 here: one '?' */
    ck_assert_int_eq(w, 1);
    ck_assert_int_eq(wc, '?');
    ck_assert_uint_eq(cell_next("\xff" "a", 2, true, &wc, &w), 1);
    ck_assert_int_eq(wc, '?');
    ck_assert_uint_eq(cell_next("\xcc\x81", 2, true, &wc, &w), 2); /* combining acute: no cell */
    ck_assert_int_eq(w, 0);
    ck_assert_int_eq(cell_str_width("a\xe6\x97\xa5" "e\xcc\x81", 7, true), 4);
    ck_assert_int_eq(cell_wc_width(0x65e5, true), 2);
    ck_assert_int_eq(cell_wc_width(0x65e5, false), 1);
    ck_assert_int_eq(cell_wc_width(0x378, true), 1); /* unassigned: '?' */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lineedit");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, insert_and_move);
    tcase_add_test(tc, kill_keys);
    tcase_add_test(tc, only_printable_enters);
    tcase_add_test(tc, paste_is_sanitised);
    tcase_add_test(tc, history);
    tcase_add_test(tc, scroll_by_cells);
    tcase_add_test(tc, completion);
    tcase_add_test(tc, cell_decoder);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
