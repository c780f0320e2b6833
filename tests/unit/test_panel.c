/* SPDX-License-Identifier: MIT */
/* Unit tests for the UI's scrolling panel: clamping, keys, pages, the end, resizes, following, no content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/panel.h"

/* Sends key code to p; what panel_key says. */
static int key(struct panel *p, int code)
{
	struct term_key k = {.code = code};
	return panel_key(p, &k);
}

/* A mouse report with button at some cell. */
static int mouse(struct panel *p, int button)
{
	struct term_key k = {.code = TK_MOUSE, .x = 3, .y = 7, .button = button};
	return panel_key(p, &k);
}

/* 100 rows in a viewport of 10. */
static struct panel hundred(long step, int flags)
{
	struct panel p;
	panel_init(&p, step, flags);
	panel_resize(&p, 100, 10);
	return p;
}

static void test_clamps_at_both_edges(void **state)
{
	(void)state;
	struct panel p = hundred(PANEL_PAGE, 0);
	assert_int_equal(panel_top(&p), 0);
	assert_true(key(&p, 'k'));
	assert_true(key(&p, TK_UP));
	assert_int_equal(panel_top(&p), 0);
	panel_scroll(&p, 1000);
	assert_int_equal(panel_top(&p), 90); /* the last page, not past it */
	assert_true(panel_at_end(&p));
	assert_true(key(&p, 'j'));
	assert_int_equal(panel_top(&p), 90);
	panel_scroll(&p, -1000);
	assert_int_equal(panel_top(&p), 0);
	assert_false(panel_at_end(&p));
}

static void test_line_keys_and_wheel(void **state)
{
	(void)state;
	struct panel p = hundred(PANEL_PAGE, 0);
	key(&p, 'j');
	key(&p, TK_DOWN);
	assert_int_equal(panel_top(&p), 2);
	key(&p, 'k');
	assert_int_equal(panel_top(&p), 1);
	assert_true(mouse(&p, TB_WHEEL_DOWN));
	assert_int_equal(panel_top(&p), 1 + PANEL_WHEEL);
	assert_true(mouse(&p, TB_WHEEL_UP));
	assert_true(mouse(&p, TB_WHEEL_UP));
	assert_int_equal(panel_top(&p), 0);
	/* a click is not the panel's, nor are other keys */
	assert_false(mouse(&p, TB_LEFT));
	assert_false(key(&p, 'q'));
	assert_false(key(&p, TK_ENTER));
	assert_false(key(&p, ' '));
	assert_int_equal(panel_top(&p), 0);
}

static void test_page_moves(void **state)
{
	(void)state;
	struct panel p = hundred(PANEL_PAGE, 0);
	key(&p, TK_PGDN);
	assert_int_equal(panel_top(&p), 10); /* a page is the viewport */
	key(&p, TK_PGDN);
	key(&p, TK_PGUP);
	assert_int_equal(panel_top(&p), 10);
	key(&p, TK_PGUP);
	key(&p, TK_PGUP);
	assert_int_equal(panel_top(&p), 0);
	for (int i = 0; i < 20; i++)
		key(&p, TK_PGDN);
	assert_int_equal(panel_top(&p), 90);
	/* a fixed step (the review and the log move ten) */
	struct panel q;
	panel_init(&q, 10, 0);
	panel_resize(&q, 100, 30);
	key(&q, TK_PGDN);
	assert_int_equal(panel_top(&q), 10);
	key(&q, TK_PGUP);
	assert_int_equal(panel_top(&q), 0);
}

static void test_home_and_end(void **state)
{
	(void)state;
	struct panel p = hundred(PANEL_PAGE, 0);
	assert_true(key(&p, TK_END));
	assert_int_equal(panel_top(&p), 90);
	assert_true(panel_at_end(&p));
	assert_true(key(&p, TK_HOME));
	assert_int_equal(panel_top(&p), 0);
	panel_end(&p);
	assert_int_equal(panel_top(&p), 90);
	panel_home(&p);
	assert_int_equal(panel_top(&p), 0);
}

static void test_resize_smaller_and_larger(void **state)
{
	(void)state;
	struct panel p = hundred(PANEL_PAGE, 0);
	panel_scroll(&p, 50);
	panel_resize(&p, 100, 5); /* a smaller viewport keeps the offset */
	assert_int_equal(panel_top(&p), 50);
	panel_resize(&p, 100, 60); /* a larger one: the last page at most */
	assert_int_equal(panel_top(&p), 40);
	panel_resize(&p, 100, 200); /* everything fits */
	assert_int_equal(panel_top(&p), 0);
	assert_true(panel_at_end(&p));
	panel_resize(&p, 100, 10);
	panel_end(&p);
	panel_resize(&p, 30, 10); /* less content */
	assert_int_equal(panel_top(&p), 20);
	panel_resize(&p, 300, 10); /* more content: the offset stays */
	assert_int_equal(panel_top(&p), 20);
	assert_false(panel_at_end(&p));
}

static void test_follow_keeps_the_end(void **state)
{
	(void)state;
	struct panel p;
	panel_init(&p, 10, PANEL_FOLLOW);
	panel_resize(&p, 3, 10); /* fits: at the end */
	assert_int_equal(panel_top(&p), 0);
	panel_resize(&p, 25, 10);
	assert_int_equal(panel_top(&p), 15);
	panel_resize(&p, 25, 5); /* smaller viewport: still the newest */
	assert_int_equal(panel_top(&p), 20);
	key(&p, 'k'); /* scrolled back: the rows shown stay as more arrive */
	assert_int_equal(panel_top(&p), 19);
	panel_resize(&p, 40, 5);
	assert_int_equal(panel_top(&p), 19);
	key(&p, TK_END); /* follows again */
	panel_resize(&p, 41, 5);
	assert_int_equal(panel_top(&p), 36);
	/* rows before the first size (height 0) still end at the end */
	struct panel q;
	panel_init(&q, 10, PANEL_FOLLOW);
	panel_resize(&q, 7, 0);
	panel_resize(&q, 9, 0);
	panel_resize(&q, 9, 4);
	assert_int_equal(panel_top(&q), 5);
	assert_true(panel_at_end(&q));
}

static void test_show_row(void **state)
{
	(void)state;
	struct panel p = hundred(PANEL_PAGE, 0);
	panel_show(&p, 5); /* already visible */
	assert_int_equal(panel_top(&p), 0);
	panel_show(&p, 10); /* one below: one row */
	assert_int_equal(panel_top(&p), 1);
	panel_show(&p, 55);
	assert_int_equal(panel_top(&p), 46);
	panel_show(&p, 20); /* above: it becomes the first */
	assert_int_equal(panel_top(&p), 20);
	panel_show(&p, 500); /* past the content: the last page */
	assert_int_equal(panel_top(&p), 90);
	panel_show(&p, -3);
	assert_int_equal(panel_top(&p), 0);
}

static void test_empty_content(void **state)
{
	(void)state;
	struct panel p;
	panel_init(&p, PANEL_PAGE, 0);
	assert_int_equal(panel_top(&p), 0);
	assert_true(panel_at_end(&p));
	static const int keys[] = {'j', 'k', TK_DOWN, TK_UP, TK_PGDN, TK_PGUP, TK_HOME, TK_END};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_true(key(&p, keys[i]));
		assert_int_equal(panel_top(&p), 0);
	}
	mouse(&p, TB_WHEEL_DOWN);
	panel_show(&p, 4);
	assert_int_equal(panel_top(&p), 0);
	panel_resize(&p, 0, 10);
	key(&p, TK_END);
	assert_int_equal(panel_top(&p), 0);
	/* no viewport yet, negative sizes */
	panel_resize(&p, -4, -1);
	panel_scroll(&p, 3);
	assert_int_equal(panel_top(&p), 0);
	/* content emptied while scrolled */
	struct panel q = hundred(PANEL_PAGE, 0);
	panel_scroll(&q, 70);
	panel_resize(&q, 0, 10);
	assert_int_equal(panel_top(&q), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clamps_at_both_edges),
		cmocka_unit_test(test_line_keys_and_wheel),
		cmocka_unit_test(test_page_moves),
		cmocka_unit_test(test_home_and_end),
		cmocka_unit_test(test_resize_smaller_and_larger),
		cmocka_unit_test(test_follow_keeps_the_end),
		cmocka_unit_test(test_show_row),
		cmocka_unit_test(test_empty_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
