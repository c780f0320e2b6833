/* SPDX-License-Identifier: MIT */
/* Unit tests for themes: built-in styles, the shipped theme files, errors, colour degradation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/theme.h"

/* The tests run from the top of the source tree (tests/run.sh cds there). */
#define THEMES_DIR "themes"

static const char *const four[] = {"dark", "light", "high-contrast", "mono"};
static const enum theme_depth depths[] = {DEPTH_256, DEPTH_16, DEPTH_8, DEPTH_MONO};

struct tmp {
	char dir[32];
	char path[64];
};

/* Writes text to a fresh temp directory's NAME.theme; the path is in t->path. */
static void write_theme(struct tmp *t, const char *name, const char *text)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/omg-theme-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/%s.theme", t->dir, name);
	FILE *f = fopen(t->path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Removes what write_theme made. */
static void remove_theme(struct tmp *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

/* Loads text as a theme file; NULL with the error in err. */
static struct theme *load_text(const char *text, char *err, size_t errlen, char *path, size_t cap)
{
	struct tmp t;
	write_theme(&t, "t", text);
	struct theme *th = theme_load(t.path, NULL, err, errlen);
	snprintf(path, cap, "%s", t.path);
	remove_theme(&t);
	return th;
}

/* Loads one of the shipped themes by name from themes/, failing the test with the error. */
static struct theme *load_shipped(const char *name)
{
	const char *dirs[] = {THEMES_DIR, NULL};
	char err[512] = "";
	struct theme *t = theme_load(name, dirs, err, sizeof(err));
	if (!t)
		fail_msg("%s: %s (run the tests from the top of the source tree)", name, err);
	return t;
}

/* 1 when two styles look the same. */
static int same(struct theme_style a, struct theme_style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.attrs == b.attrs;
}

/* Asserts a parse error whose message contains want. */
static void parse_fails(const char *style, const char *want)
{
	struct theme_style st;
	char err[256] = "";
	assert_int_equal(theme_parse_style(style, &st, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("'%s': got \"%s\", want \"%s\"", style, err, want);
}

/* The style parsed from s, which must parse. */
static struct theme_style parsed(const char *s)
{
	struct theme_style st;
	char err[256] = "";
	if (theme_parse_style(s, &st, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
	return st;
}

#define THEME_STRINGS(id, name, color, mono) {EL_##id, name, color, mono},
static const struct {
	enum theme_el el;
	const char *name, *color, *mono;
} builtin_rows[] = {THEME_ELEMENTS(THEME_STRINGS)};
#undef THEME_STRINGS

static void test_builtin_elements_parse(void **state)
{
	(void)state;
	struct theme *t = theme_builtin();
	assert_string_equal(theme_name(t), "dark");
	assert_int_equal(sizeof(builtin_rows) / sizeof(builtin_rows[0]), EL_COUNT);
	for (int i = 0; i < EL_COUNT; i++) {
		struct theme_style c = parsed(builtin_rows[i].color);
		struct theme_style m = parsed(builtin_rows[i].mono);
		assert_int_equal(m.fg, -1);
		assert_int_equal(m.bg, -1);
		assert_string_equal(theme_el_name(builtin_rows[i].el), builtin_rows[i].name);
		assert_true(same(theme_style(t, builtin_rows[i].el, DEPTH_256), c));
		assert_true(same(theme_style(t, builtin_rows[i].el, DEPTH_MONO), m));
	}
	assert_null(theme_el_name(EL_COUNT));
	assert_null(theme_el_name((enum theme_el)-1));
	struct theme_style out = theme_style(t, EL_COUNT, DEPTH_256);
	assert_true(out.fg == -1 && out.bg == -1 && out.attrs == 0);
	theme_free(t);
}

static void test_parse_style(void **state)
{
	(void)state;
	struct theme_style st = parsed("");
	assert_true(st.fg == -1 && st.bg == -1 && st.attrs == 0);
	st = parsed("   ");
	assert_true(st.fg == -1 && st.bg == -1 && st.attrs == 0);
	st = parsed("brightwhite on blue, bold");
	assert_true(st.fg == 15 && st.bg == 4 && st.attrs == TA_BOLD);
	st = parsed("reverse, bold");
	assert_true(st.fg == -1 && st.bg == -1 && st.attrs == (TA_REVERSE | TA_BOLD));
	st = parsed("on red");
	assert_true(st.fg == -1 && st.bg == 1);
	st = parsed("color0 on color255, dim, underline, italic, standout");
	assert_true(st.fg == 0 && st.bg == 255);
	assert_int_equal(st.attrs, TA_DIM | TA_UNDERLINE | TA_ITALIC | TA_STANDOUT);
	st = parsed("  Yellow   on   DEFAULT ,Bold ");
	assert_true(st.fg == 3 && st.bg == -1 && st.attrs == TA_BOLD);

	parse_fails("blu", "unknown colour or attribute 'blu'");
	parse_fails("red on blu", "unknown colour 'blu'");
	parse_fails("red, blink", "unknown attribute 'blink'");
	parse_fails("color256", "colour number 256 out of range (0-255)");
	parse_fails("color99999", "out of range (0-255)");
	parse_fails("color", "malformed colour 'color'");
	parse_fails("color-1", "malformed colour 'color-1'");
	parse_fails("#12345", "malformed colour '#12345'");
	parse_fails("#12345g", "malformed colour '#12345g'");
	parse_fails("#1234567", "malformed colour");
	parse_fails("red on", "a style starts");
	parse_fails("red blue", "a style starts");
	parse_fails("red on blue on green", "a style starts");
	parse_fails("bold, red", "colours come first");
	parse_fails("bold, red on blue", "colours come first");
	parse_fails("red,,bold", "empty item");
	parse_fails("red, bold,", "empty item");
}

static void test_rgb_nearest(void **state)
{
	(void)state;
	assert_int_equal(parsed("#ff0000").fg, 196);
	assert_int_equal(parsed("#FF0000").fg, 196);
	assert_int_equal(parsed("#5f87af").fg, 67);
	assert_int_equal(parsed("#000000").fg, 16);
	assert_int_equal(parsed("#ffffff").fg, 231);
	assert_int_equal(parsed("#808080").fg, 244);  /* grey ramp: 8 + 10 * 12 */
	assert_int_equal(parsed("#090909").fg, 232);
	assert_int_equal(parsed("#5f0001").fg, 52);   /* the cube beats the greys */
	assert_int_equal(parsed("red on #00005f").bg, 17);
}

static void test_degradation(void **state)
{
	(void)state;
	char err[256], path[64];
	struct theme *t = load_text("[colors]\n"
				    "header = color196 on color21\n"
				    "status = color244 on color231\n"
				    "columns = color16 on default, underline\n"
				    "cursor = brightwhite on default\n"
				    "title = default on brightred\n"
				    "dim = brightblack on default\n",
				    err, sizeof(err), path, sizeof(path));
	assert_non_null(t);
	struct theme_style s = theme_style(t, EL_HEADER, DEPTH_256);
	assert_true(s.fg == 196 && s.bg == 21 && s.attrs == 0);
	s = theme_style(t, EL_HEADER, DEPTH_16);
	assert_true(s.fg == 9 && s.bg == 4 && s.attrs == 0);
	s = theme_style(t, EL_HEADER, DEPTH_8);
	assert_true(s.fg == 1 && s.bg == 4 && s.attrs == TA_BOLD);
	s = theme_style(t, EL_STATUS, DEPTH_16);
	assert_true(s.fg == 8 && s.bg == 15);
	s = theme_style(t, EL_STATUS, DEPTH_8); /* a bright background just loses brightness */
	assert_true(s.fg == 0 && s.bg == 7 && s.attrs == TA_BOLD);
	s = theme_style(t, EL_COLUMNS, DEPTH_8);
	assert_true(s.fg == 0 && s.bg == -1 && s.attrs == TA_UNDERLINE);
	s = theme_style(t, EL_CURSOR, DEPTH_16);
	assert_true(s.fg == 15 && s.bg == -1 && s.attrs == 0);
	/* Grey text on the terminal's background at 8 colours: bold black would
	 * vanish on a dark terminal, so it is the default colour, dimmed. */
	s = theme_style(t, EL_DIM, DEPTH_8);
	assert_true(s.fg == -1 && s.bg == -1 && (s.attrs & TA_DIM) && !(s.attrs & TA_BOLD));
	s = theme_style(t, EL_CURSOR, DEPTH_8);
	assert_true(s.fg == 7 && s.bg == -1 && s.attrs == TA_BOLD);
	s = theme_style(t, EL_TITLE, DEPTH_8);
	assert_true(s.fg == -1 && s.bg == 1 && s.attrs == 0);
	/* Depths between the named ones: 88 colours are treated as 16, 2 as none. */
	s = theme_style(t, EL_HEADER, (enum theme_depth)88);
	assert_true(s.fg == 9 && s.bg == 4);
	s = theme_style(t, EL_HEADER, (enum theme_depth)2);
	assert_true(s.fg == -1 && s.bg == -1 && s.attrs == TA_REVERSE);
	theme_free(t);

	/* Every one of the 256 comes down to 0-15, then 0-7 with bold only for bright text. */
	for (int c = 0; c < 256; c++) {
		char file[64];
		snprintf(file, sizeof(file), "[colors]\nok = color%d\n", c);
		t = load_text(file, err, sizeof(err), path, sizeof(path));
		assert_non_null(t);
		struct theme_style s16 = theme_style(t, EL_OK, DEPTH_16);
		struct theme_style s8 = theme_style(t, EL_OK, DEPTH_8);
		assert_true(s16.fg >= 0 && s16.fg < 16);
		if (c < 16)
			assert_int_equal(s16.fg, c);
		if (s16.fg == 8) { /* grey: the default colour, dimmed */
			assert_int_equal(s8.fg, -1);
			assert_int_equal(s8.attrs, TA_DIM);
		} else {
			assert_int_equal(s8.fg, s16.fg & 7);
			assert_int_equal(s8.attrs, s16.fg >= 8 ? TA_BOLD : 0);
		}
		theme_free(t);
	}
}

static void test_same_colour_guard(void **state)
{
	(void)state;
	char err[256], path[64];
	struct theme *t = load_text("[colors]\n"
				    "normal = red on red\n"
				    "cursor = brightwhite on white, bold\n"
				    "error = color196 on color160\n"
				    "ok = default on default\n",
				    err, sizeof(err), path, sizeof(path));
	assert_non_null(t);
	struct theme_style mono_cursor = theme_style(t, EL_CURSOR, DEPTH_MONO);
	struct theme_style mono_error = theme_style(t, EL_ERROR, DEPTH_MONO);
	assert_int_equal(mono_cursor.attrs, TA_REVERSE);
	/* Red on red is unreadable at any depth: the monochrome style instead. */
	for (size_t i = 0; i < 3; i++) {
		struct theme_style s = theme_style(t, EL_NORMAL, depths[i]);
		assert_true(s.fg == -1 && s.bg == -1);
		assert_int_equal(s.attrs, 0);
	}
	/* Bright white on white is fine until 8 colours make it white on white. */
	struct theme_style s = theme_style(t, EL_CURSOR, DEPTH_16);
	assert_true(s.fg == 15 && s.bg == 7);
	assert_true(same(theme_style(t, EL_CURSOR, DEPTH_8), mono_cursor));
	s = theme_style(t, EL_ERROR, DEPTH_256);
	assert_true(s.fg == 196 && s.bg == 160);
	s = theme_style(t, EL_ERROR, DEPTH_16);
	assert_true(s.fg == 9 && s.bg == 1);
	assert_true(same(theme_style(t, EL_ERROR, DEPTH_8), mono_error));
	/* Default on default is not "the same colour". */
	s = theme_style(t, EL_OK, DEPTH_8);
	assert_true(s.fg == -1 && s.bg == -1);
	theme_free(t);
}

static void test_override_one_element(void **state)
{
	(void)state;
	char err[256], path[64];
	struct theme *t = load_text("; a comment\n"
				    "# another\n"
				    "[colors]\r\n"
				    "  cursor   =   red on blue , underline  ; why red\r\n",
				    err, sizeof(err), path, sizeof(path));
	assert_non_null(t);
	struct theme *b = theme_builtin();
	assert_string_equal(theme_name(t), "t"); /* no [theme] name: the file's name */
	for (int el = 0; el < EL_COUNT; el++)
		for (size_t d = 0; d < 4; d++) {
			if (el == EL_CURSOR && depths[d] != DEPTH_MONO)
				continue;
			assert_true(same(theme_style(t, el, depths[d]), theme_style(b, el, depths[d])));
		}
	struct theme_style s = theme_style(t, EL_CURSOR, DEPTH_256);
	assert_true(s.fg == 1 && s.bg == 4 && s.attrs == TA_UNDERLINE);
	theme_free(t);
	theme_free(b);
}

static void test_mono_only_at_mono(void **state)
{
	(void)state;
	char err[256], path[64];
	struct theme *t = load_text("[theme]\nname = mine\ndescription = x\n"
				    "[mono]\ncursor = underline, bold\nnormal = default on default\n",
				    err, sizeof(err), path, sizeof(path));
	assert_non_null(t);
	struct theme *b = theme_builtin();
	assert_string_equal(theme_name(t), "mine");
	for (size_t d = 0; d < 3; d++)
		assert_true(same(theme_style(t, EL_CURSOR, depths[d]),
				 theme_style(b, EL_CURSOR, depths[d])));
	struct theme_style s = theme_style(t, EL_CURSOR, DEPTH_MONO);
	assert_true(s.fg == -1 && s.bg == -1 && s.attrs == (TA_UNDERLINE | TA_BOLD));
	theme_free(t);
	theme_free(b);
}

/* Asserts that text fails to load with "PATH:LINE: want...". */
static void load_fails(const char *text, int line, const char *want)
{
	char err[512] = "", path[64], prefix[96];
	struct theme *t = load_text(text, err, sizeof(err), path, sizeof(path));
	assert_null(t);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
		fail_msg("got \"%s\", want \"%s%s\"", err, prefix, want);
}

static void test_file_errors(void **state)
{
	(void)state;
	load_fails("[colors]\nnormal = red\nfoo = red\n", 3,
		   "unknown element 'foo' (see docs/themes.md)");
	load_fails("[colours]\n", 1, "unknown section [colours]");
	load_fails("\n\n[colors]\ncursor = redd on blue\n", 4, "cursor: unknown colour 'redd'");
	load_fails("[colors]\ncursor = red, blinking\n", 2, "unknown attribute 'blinking'");
	load_fails("[colors]\ncursor = color300\n", 2, "colour number 300 out of range (0-255)");
	load_fails("[colors]\ncursor = #12zz56\n", 2, "malformed colour '#12zz56'");
	load_fails("[colors]\ncursor\n", 2, "expected 'element = style'");
	load_fails("[colors\n", 1, "a section line is '[name]'");
	load_fails("cursor = red\n", 1, "comes before any section");
	load_fails("[colors]\n= red\n", 2, "no name before '='");
	load_fails("[colors]\ncursor = red\n\ncursor = blue\n", 4, "already set on line 2");
	load_fails("[mono]\ncursor = red on default, bold\n", 2, "[mono] takes attributes only");
	load_fails("[theme]\ncolour = red\n", 2, "unknown key 'colour' in [theme]");
	load_fails("[theme]\nname =\n", 2, "name takes 1 to");
	load_fails("[theme]\nname = a/b\n", 2, "name takes 1 to");
	load_fails("[colors]\nnormal = red\nnormal = blue\n", 3, "already set on line 2");
	load_fails("[colors]\nCursor = red\n", 2, "unknown element 'Cursor'");

	char big[2100];
	memset(big, 'x', sizeof(big));
	memcpy(big, "[colors]\n# ", 11);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	load_fails(big, 2, "line longer than");
}

static void test_names_and_dirs(void **state)
{
	(void)state;
	char err[512];
	const char *dirs[] = {"/nonexistent/a", "/nonexistent/b", NULL};
	assert_null(theme_load("nope", dirs, err, sizeof(err)));
	assert_string_equal(err, "no theme 'nope' in /nonexistent/a, /nonexistent/b");
	assert_null(theme_load("nope", NULL, err, sizeof(err)));
	assert_string_equal(err, "no theme 'nope' (no theme directories were given)");
	const char *odd[] = {"", "/nonexistent/c", NULL};
	assert_null(theme_load("nope", odd, err, sizeof(err)));
	assert_string_equal(err, "no theme 'nope' in /nonexistent/c");
	assert_null(theme_load("../etc/passwd", dirs, err, sizeof(err)));
	assert_non_null(strstr(err, "'..'"));
	assert_null(theme_load("..", dirs, err, sizeof(err)));
	assert_non_null(strstr(err, "'..'"));
	assert_null(theme_load("", dirs, err, sizeof(err)));
	assert_string_equal(err, "empty theme name");
	assert_null(theme_load("/nonexistent/x.theme", dirs, err, sizeof(err)));
	assert_string_equal(err, "cannot read /nonexistent/x.theme: No such file or directory");
	/* A short err is cut, never overrun. */
	char tiny[8];
	assert_null(theme_load("nope", dirs, tiny, sizeof(tiny)));
	assert_string_equal(tiny, "no them");

	/* First match wins; a path works too. */
	struct tmp a, b;
	write_theme(&a, "x", "[theme]\nname = first\n");
	write_theme(&b, "x", "[theme]\nname = second\n");
	const char *both[] = {"/nonexistent", a.dir, b.dir, NULL};
	struct theme *t = theme_load("x", both, err, sizeof(err));
	assert_non_null(t);
	assert_string_equal(theme_name(t), "first");
	theme_free(t);
	t = theme_load(b.path, both, err, sizeof(err));
	assert_non_null(t);
	assert_string_equal(theme_name(t), "second");
	theme_free(t);
	/* A directory given as the theme's path is a read error, not an empty theme. */
	assert_null(theme_load(a.dir, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read /tmp/omg-theme-"));
	assert_non_null(strstr(err, ": Is a directory"));
	remove_theme(&a);
	remove_theme(&b);
}

/* Asserts that every element a file names in [colors] or [mono] is a known element. */
static void names_only_known(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[1100];
	int in_els = 0;
	while (fgets(line, sizeof(line), f)) {
		char key[64];
		if (line[0] == '[')
			in_els = strncmp(line, "[colors]", 8) == 0 || strncmp(line, "[mono]", 6) == 0;
		else if (in_els && sscanf(line, " %63[a-z_] =", key) == 1) {
			int known = 0;
			for (int el = 0; el < EL_COUNT; el++)
				known |= strcmp(theme_el_name(el), key) == 0;
			if (!known)
				fail_msg("%s names '%s'", path, key);
		}
	}
	fclose(f);
}

static void test_every_theme_file_loads(void **state)
{
	(void)state;
	DIR *d = opendir(THEMES_DIR);
	if (!d)
		fail_msg("no %s/ here: run the tests from the top of the source tree", THEMES_DIR);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len <= 6 || strcmp(e->d_name + len - 6, ".theme") != 0)
			continue;
		char path[512], err[512] = "", stem[256];
		snprintf(path, sizeof(path), "%s/%s", THEMES_DIR, e->d_name);
		snprintf(stem, sizeof(stem), "%.*s", (int)(len - 6), e->d_name);
		struct theme *t = theme_load(path, NULL, err, sizeof(err));
		if (!t)
			fail_msg("%s", err);
		assert_string_equal(theme_name(t), stem);
		theme_free(t);
		names_only_known(path);
		n++;
	}
	closedir(d);
	assert_true(n >= 4);
}

static void test_shipped_themes_keep_elements_apart(void **state)
{
	(void)state;
	static const enum theme_el marks[] = {EL_MARK_INSTALL, EL_MARK_REMOVE, EL_MARK_KEEP};
	for (size_t i = 0; i < 4; i++) {
		struct theme *t = load_shipped(four[i]);
		for (size_t d = 0; d < 4; d++) {
			enum theme_depth dp = depths[d];
			struct theme_style normal = theme_style(t, EL_NORMAL, dp);
			struct theme_style cursor = theme_style(t, EL_CURSOR, dp);
			if (same(cursor, normal))
				fail_msg("%s at depth %d: cursor looks like normal", four[i], dp);
			for (size_t m = 0; m < 3; m++) {
				struct theme_style mark = theme_style(t, marks[m], dp);
				if (same(mark, normal))
					fail_msg("%s at depth %d: %s looks like normal", four[i], dp,
						 theme_el_name(marks[m]));
				for (size_t o = m + 1; o < 3; o++)
					if (same(mark, theme_style(t, marks[o], dp)))
						fail_msg("%s at depth %d: %s looks like %s", four[i], dp,
							 theme_el_name(marks[m]), theme_el_name(marks[o]));
				/* The built-in mono styles, which dark and light keep, draw
				 * mark_install like the cursor (both reverse). */
				if (dp == DEPTH_MONO && (strcmp(four[i], "dark") == 0 ||
							 strcmp(four[i], "light") == 0))
					continue;
				if (same(mark, cursor))
					fail_msg("%s at depth %d: %s looks like cursor", four[i], dp,
						 theme_el_name(marks[m]));
			}
			if (same(theme_style(t, EL_UPGRADABLE, dp), theme_style(t, EL_INSTALLED, dp)))
				fail_msg("%s at depth %d: upgradable looks like installed", four[i], dp);
			if (same(theme_style(t, EL_ERROR, dp), normal))
				fail_msg("%s at depth %d: error looks like normal", four[i], dp);
			if (same(theme_style(t, EL_CURSOR_IDLE, dp), normal))
				fail_msg("%s at depth %d: cursor_idle looks like normal", four[i], dp);
		}
		theme_free(t);
	}
}

static void test_dark_is_the_builtin(void **state)
{
	(void)state;
	struct theme *t = load_shipped("dark");
	struct theme *b = theme_builtin();
	assert_string_equal(theme_name(t), theme_name(b));
	for (int el = 0; el < EL_COUNT; el++)
		for (size_t d = 0; d < 4; d++)
			if (!same(theme_style(t, el, depths[d]), theme_style(b, el, depths[d])))
				fail_msg("dark.theme's %s at depth %d is not the built-in style",
					 theme_el_name(el), depths[d]);
	theme_free(t);
	theme_free(b);
}

static void test_light_has_no_light_text_on_default(void **state)
{
	(void)state;
	struct theme *t = load_shipped("light");
	for (int el = 0; el < EL_COUNT; el++)
		for (size_t d = 0; d < 3; d++) {
			struct theme_style s = theme_style(t, el, depths[d]);
			if (s.bg != -1 || s.fg == -1)
				continue;
			/* white, grey 250 and up, or a bright colour other than grey */
			if (s.fg == 7 || s.fg >= 250 || (s.fg >= 9 && s.fg < 16))
				fail_msg("light.theme's %s at depth %d: colour %d on the default",
					 theme_el_name(el), depths[d], s.fg);
		}
	theme_free(t);
}

static void test_high_contrast_is_all_distinct(void **state)
{
	(void)state;
	struct theme *t = load_shipped("high-contrast");
	for (size_t d = 0; d < 3; d++)
		for (int a = 0; a < EL_COUNT; a++) {
			struct theme_style s = theme_style(t, a, depths[d]);
			assert_true(s.attrs & TA_BOLD);
			assert_false(s.attrs & (TA_DIM | TA_REVERSE));
			if (depths[d] == DEPTH_256) {
				/* black, white and the bright primaries only */
				for (int c = 0; c < 2; c++) {
					int v = c ? s.bg : s.fg;
					if (!(v == 0 || v == 7 || (v >= 9 && v <= 15)))
						fail_msg("%s uses colour %d", theme_el_name(a), v);
				}
			}
			for (int b = a + 1; b < EL_COUNT; b++)
				if (same(s, theme_style(t, b, depths[d])))
					fail_msg("high-contrast at depth %d: %s looks like %s", depths[d],
						 theme_el_name(a), theme_el_name(b));
		}
	theme_free(t);
}

static void test_mono_is_attributes_only(void **state)
{
	(void)state;
	struct theme *t = load_shipped("mono");
	for (int el = 0; el < EL_COUNT; el++) {
		struct theme_style m = theme_style(t, el, DEPTH_MONO);
		for (size_t d = 0; d < 4; d++) {
			struct theme_style s = theme_style(t, el, depths[d]);
			assert_true(s.fg == -1 && s.bg == -1);
			assert_int_equal(s.attrs & ~(TA_BOLD | TA_UNDERLINE | TA_REVERSE), 0);
			assert_true(same(s, m));
		}
	}
	theme_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_elements_parse),
		cmocka_unit_test(test_parse_style),
		cmocka_unit_test(test_rgb_nearest),
		cmocka_unit_test(test_degradation),
		cmocka_unit_test(test_same_colour_guard),
		cmocka_unit_test(test_override_one_element),
		cmocka_unit_test(test_mono_only_at_mono),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_names_and_dirs),
		cmocka_unit_test(test_every_theme_file_loads),
		cmocka_unit_test(test_shipped_themes_keep_elements_apart),
		cmocka_unit_test(test_dark_is_the_builtin),
		cmocka_unit_test(test_light_has_no_light_text_on_default),
		cmocka_unit_test(test_high_contrast_is_all_distinct),
		cmocka_unit_test(test_mono_is_attributes_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
