/* SPDX-License-Identifier: MIT */
/* Unit tests for src/client/render.c's fitting to a width: lines cut and wrapped, tables and
 * plans laid out, and aptitude's state letters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>

#include "client/render.h"
#include "util/utf8.h"

/* The widest line of s, in columns, escapes left out. */
static size_t widest(const char *s)
{
	size_t most = 0;
	while (*s) {
		size_t n = strcspn(s, "\n"), cols = 0;
		for (size_t i = 0; i < n;) {
			if (s[i] == '\033') {
				while (i < n && s[i] != 'm')
					i++;
				i++;
				continue;
			}
			size_t cw;
			i += utf8_next(s + i, n - i, &cw);
			cols += cw;
		}
		most = cols > most ? cols : most;
		s += n + (s[n] == '\n');
	}
	return most;
}

/* Fits text to width and returns the result (borrowed from r). */
static const char *fit(struct render *r, const char *text, size_t width, int wrap)
{
	buf_reset(&r->b);
	buf_puts(&r->b, text);
	r->width = width;
	render_fit_lines(r, 0, wrap);
	return buf_str(&r->b);
}

/* Cut lines end in an ellipsis; short ones, escapes and wide characters are kept whole. */
static void test_cut(void **state)
{
	(void)state;
	struct render r = {0};
	assert_string_equal(fit(&r, "abcdefghij\nabc\n", 5, 0), "abcd\xe2\x80\xa6\nabc\n");
	assert_string_equal(fit(&r, "\033[1mabc\033[0m\n", 3, 0), "\033[1mabc\033[0m\n");
	assert_string_equal(fit(&r, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e!\n", 5, 0),
			    "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6\n"); /* never half a wide one */
	r.color = 1; /* a cut coloured line resets its colour */
	assert_string_equal(fit(&r, "\033[1mabcdefgh\n", 4, 0), "\033[1mabc\xe2\x80\xa6\033[0m\n");
	r.color = 0;
	assert_string_equal(fit(&r, "no width at all, nothing changes\n", 0, 0),
			    "no width at all, nothing changes\n");
	buf_free(&r.b);
}

/* Wrapped lines break at spaces and go on at the hanging indent. */
static void test_wrap(void **state)
{
	(void)state;
	struct render r = {0};
	assert_string_equal(fit(&r, "Description     : one two three four five six\n", 41, 1),
			    "Description     : one two three four five\n"
			    "                  six\n");
	/* An indent past half the width is not kept: the text starts at the margin. */
	assert_string_equal(fit(&r, "Description     : one two three\n", 24, 1),
			    "Description     : one\ntwo three\n");
	assert_string_equal(fit(&r, "    indented text that is long\n", 16, 1),
			    "    indented\n    text that is\n    long\n");
	/* A word wider than the line is broken where the line ends. */
	assert_string_equal(fit(&r, "x abcdefghijklmnop\n", 8, 1), "x\nabcdefgh\nijklmnop\n");
	const char *out = fit(&r, "12 packages: 3 to install, 4 to upgrade, 1 to downgrade, "
				  "2 to reinstall, 2 to remove\n", 40, 1);
	assert_true(widest(out) <= 40);
	assert_non_null(strstr(out, "\n             ")); /* under the text after "packages: " */
	buf_free(&r.b);
}

/* A package with the given name, versions (installed "" when not), repo and description. */
static struct msg_pkg pkg(const char *name, const char *inst, const char *ver, const char *repo,
			  const char *desc, uint32_t flags, uint32_t reason)
{
	struct msg_pkg m;
	memset(&m, 0, sizeof(m));
	m.pkg = (struct pkg){.name = name, .version = ver, .installed_version = inst,
			     .repo = repo, .desc = desc, .flags = flags, .reason = reason};
	return m;
}

/* Every row fits; the description goes before the version; piped, nothing is cut. */
static void test_table(void **state)
{
	(void)state;
	struct msg_pkg v[] = {
		pkg("libreoffice-core-nogui-with-a-long-name", "4:7.4.5+dfsg-4",
		    "4:7.4.7+dfsg-5+deb12u1", "bookworm-security",
		    "office productivity suite, core without a graphical interface",
		    PKG_INSTALLED | PKG_UPGRADABLE, PKG_REASON_EXPLICIT),
		pkg("vim", "", "2:9.0.1378-2", "bookworm", "Vi IMproved", 0, 0),
		pkg("libc6", "2.36-9", "2.36-9", "bookworm", "GNU C Library", PKG_INSTALLED,
		    PKG_REASON_DEPEND),
	};
	struct render r = {0};
	for (size_t width = 20; width <= 140; width += 5) {
		buf_reset(&r.b);
		r.width = width;
		render_pkg_table(&r, v, 3);
		assert_true(widest(buf_str(&r.b)) <= width);
		if (width >= 80) /* the new version stays whole */
			assert_non_null(strstr(buf_str(&r.b), "4:7.4.7+dfsg-5+deb12u1"));
	}
	buf_reset(&r.b);
	r.width = 0;
	render_pkg_table(&r, v, 3);
	assert_non_null(strstr(buf_str(&r.b), "libreoffice-core-nogui-with-a-long-name"));
	assert_non_null(strstr(buf_str(&r.b), "a graphical interface\n"));
	assert_null(strstr(buf_str(&r.b), "\xe2\x80\xa6"));
	assert_true(strncmp(buf_str(&r.b), "i    libreoffice", 16) == 0);
	buf_free(&r.b);
}

/* A plan's rows and totals fit. */
static void test_plan(void **state)
{
	(void)state;
	struct trans_item items[] = {
		{ACT_UPGRADE, PKG_REASON_EXPLICIT, "libreoffice-core-nogui-with-a-long-name",
		 "4:7.4.5+dfsg-4", "4:7.4.7+dfsg-5+deb12u1", "bookworm-security", 12345678, 1, NULL,
		 NULL},
		{ACT_INSTALL, PKG_REASON_DEPEND, "libfoo", "", "1.0-1", "bookworm", 1000, 1, NULL, NULL},
	};
	struct msg_plan_reply p = {.kind = TRANS_INSTALL, .count = 2, .items = items,
				   .download = 12346678, .size_change = 2};
	struct render r = {0};
	for (size_t width = 30; width <= 120; width += 10) {
		buf_reset(&r.b);
		r.width = width;
		render_plan_text(&r, &p);
		assert_true(widest(buf_str(&r.b)) <= width);
		if (width >= 50)
			assert_non_null(strstr(buf_str(&r.b), "2 packages: 1 to install, 1 to upgrade"));
	}
	buf_free(&r.b);
}

/* aptitude's letters: current state, action (h when held), A. */
static void test_state(void **state)
{
	(void)state;
	char s[4];
	struct pkg p = {.flags = PKG_INSTALLED, .reason = PKG_REASON_DEPEND};
	render_state(s, &p, 0);
	assert_string_equal(s, "i A");
	p.flags |= PKG_HELD | PKG_UPGRADABLE;
	p.reason = PKG_REASON_EXPLICIT;
	render_state(s, &p, 0);
	assert_string_equal(s, "ih ");
	render_state(s, &p, 'u'); /* a mark wins over the hold */
	assert_string_equal(s, "iu ");
	struct pkg q = {.flags = 0};
	render_state(s, &q, ' ');
	assert_string_equal(s, "p  ");
	render_state(s, &q, 'i');
	assert_string_equal(s, "pi ");
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_state),
	};
	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
