/* SPDX-License-Identifier: MIT */
/* Unit tests for the UI's model: views, sorting, find and limit matching, marks, undo, reloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/line.h"
#include "tui/model.h"

/* A package for a list frame. */
static struct msg_pkg pkg(const char *name, const char *ver, const char *inst, const char *desc,
			  uint32_t flags)
{
	struct msg_pkg p;
	memset(&p, 0, sizeof(p));
	p.pkg.name = name;
	p.pkg.version = ver;
	p.pkg.installed_version = inst;
	p.pkg.repo = "core";
	p.pkg.desc = desc;
	p.pkg.flags = flags;
	p.pkg.reason = flags & PKG_INSTALLED ? PKG_REASON_EXPLICIT : PKG_REASON_NONE;
	return p;
}

/* The fixture list, in name order, loaded in two frames. */
static struct model *loaded(void)
{
	struct msg_pkg v[] = {
		pkg("bash", "5.2", "5.1", "The GNU Bourne Again shell", PKG_INSTALLED | PKG_UPGRADABLE),
		pkg("gvim", "9.0", "", "Vi IMproved, with a GUI", 0),
		pkg("nano", "7.2", "7.2", "Small editor", PKG_INSTALLED),
		pkg("neovim", "0.9", "", "Vim-fork focused on extensibility", 0),
		pkg("orphan", "1.0", "1.0", "Nothing needs me", PKG_INSTALLED | PKG_ORPHAN),
		pkg("openssl", "3.1", "3.0", "Secure Sockets Layer toolkit",
		    PKG_INSTALLED | PKG_UPGRADABLE | PKG_SECURITY),
		pkg("vim", "9.0", "", "Vi IMproved, a text editor", 0),
		pkg("zsh", "5.9", "5.9", "Z shell \xc3\x9cnic\xc3\xb6" "de \xe6\x97\xa5\xe6\x9c\xac", PKG_INSTALLED | PKG_HELD),
	};
	struct model *m = model_new();
	model_load_begin(m);
	model_load_add(m, v, 3);
	model_load_peek(m); /* the first screen, before the rest */
	assert_int_equal(model_rows(m), 3);
	model_load_add(m, v + 3, 5);
	model_load_commit(m);
	return m;
}

static void test_views_and_counts(void **state)
{
	(void)state;
	struct model *m = loaded();
	assert_int_equal(model_count(m), 8);
	assert_int_equal(model_rows(m), 8);
	assert_int_equal(model_view_count(m, VIEW_INSTALLED), 5);
	assert_int_equal(model_view_count(m, VIEW_UPGRADABLE), 2);
	/* security: upgradable from a security archive (issue 14) */
	assert_int_equal(model_view_count(m, VIEW_SECURITY), 1);
	model_set_view(m, VIEW_SECURITY);
	assert_int_equal(model_rows(m), 1);
	assert_string_equal(model_row(m, 0)->name, "openssl");
	model_set_view(m, VIEW_ALL);
	assert_int_equal(model_view_count(m, VIEW_ORPHANS), 1);
	assert_int_equal(model_security(m), 1);
	model_set_view(m, VIEW_UPGRADABLE);
	assert_int_equal(model_rows(m), 2);
	assert_string_equal(model_row(m, 0)->name, "bash");
	assert_string_equal(model_row(m, 1)->name, "openssl");
	model_free(m);
}

/* The vulnerable view: installed packages the engine flags PKG_VULNERABLE,
 * upgradable or not; it follows the flags when the list reloads (a new feed). */
static void test_vulnerable_view(void **state)
{
	(void)state;
	struct msg_pkg v[] = {
		pkg("bash", "5.2", "5.1", "shell", PKG_INSTALLED | PKG_UPGRADABLE),
		pkg("curl", "8.1", "8.0", "transfer tool",
		    PKG_INSTALLED | PKG_UPGRADABLE | PKG_VULNERABLE | PKG_FIXES_ADVISORY),
		pkg("gvim", "9.0", "", "editor", PKG_VULNERABLE), /* not installed: never listed */
		pkg("openssl", "3.0", "3.0", "toolkit", PKG_INSTALLED | PKG_VULNERABLE),
	};
	struct model *m = model_new();
	model_load_begin(m);
	model_load_add(m, v, 4);
	model_load_commit(m);
	assert_int_equal(model_view_count(m, VIEW_VULNERABLE), 2);
	model_set_view(m, VIEW_VULNERABLE);
	assert_int_equal(model_rows(m), 2);
	assert_string_equal(model_row(m, 0)->name, "curl");
	assert_string_equal(model_row(m, 1)->name, "openssl");
	/* the security view is apt's archive origin, not the advisories */
	assert_int_equal(model_view_count(m, VIEW_SECURITY), 0);
	/* a feed that no longer names curl: the reload drops it from the view */
	v[1].pkg.flags = PKG_INSTALLED | PKG_UPGRADABLE;
	model_load_begin(m);
	model_load_add(m, v, 4);
	model_load_commit(m);
	assert_int_equal(model_view_count(m, VIEW_VULNERABLE), 1);
	assert_int_equal(model_rows(m), 1);
	assert_string_equal(model_row(m, 0)->name, "openssl");
	model_free(m);
}

static void test_sort(void **state)
{
	(void)state;
	struct model *m = loaded();
	model_set_sort(m, SORT_NAME, 1);
	assert_string_equal(model_row(m, 0)->name, "zsh");
	model_set_sort(m, SORT_STATE, 0); /* upgradable, then installed, then the rest */
	assert_string_equal(model_row(m, 0)->name, "bash");
	assert_string_equal(model_row(m, 1)->name, "openssl");
	assert_string_equal(model_row(m, 7)->name, "vim");
	model_set_sort(m, SORT_DESC, 0);
	assert_string_equal(model_row(m, 0)->name, "orphan"); /* "Nothing needs me" */
	model_free(m);
}

/* The version column sorts in the backend's order, not as text (1.10 after 1.9). */
static void test_sort_by_version(void **state)
{
	(void)state;
	struct msg_pkg v[] = {
		pkg("a", "1.10", "", "", 0), pkg("b", "1.9", "", "", 0),
		pkg("c", "1.0~rc1", "", "", 0), pkg("d", "1.0", "", "", 0),
		pkg("e", "1.0a", "1.0a", "", PKG_INSTALLED), /* the installed version counts */
	};
	struct model *m = model_new();
	model_load_begin(m);
	model_load_add(m, v, 5);
	model_load_commit(m);
	model_set_sort(m, SORT_VERSION, 0);
	const char *dpkg = "cdeba", *alpm = "edcba"; /* alpm: '~' separates, letters before the end */
	for (size_t r = 0; r < 5; r++)
		assert_int_equal(model_row(m, r)->name[0], dpkg[r]);
	model_set_backend(m, "alpm"); /* re-sorts */
	for (size_t r = 0; r < 5; r++)
		assert_int_equal(model_row(m, r)->name[0], alpm[r]);
	model_set_sort(m, SORT_VERSION, 1);
	assert_string_equal(model_row(m, 0)->name, "a");
	model_set_backend(m, "apt");
	model_set_sort(m, SORT_VERSION, 0);
	assert_string_equal(model_row(m, 0)->name, "c");
	model_free(m);
}

static void test_narrow_limit_and_find(void **state)
{
	(void)state;
	struct model *m = loaded();
	/* Typing narrows: every word, any case, in the name or the description. */
	model_set_narrow(m, "v");
	size_t v = model_rows(m);
	model_set_narrow(m, "vi");
	size_t vi = model_rows(m);
	assert_true(vi <= v);
	model_set_narrow(m, "vim");
	assert_int_equal(model_rows(m), 3); /* gvim, neovim ("Vim-fork"), vim */
	assert_int_equal(model_best(m, "vim"), 2); /* the exact name wins */
	model_set_narrow(m, "VIM gui");
	assert_int_equal(model_rows(m), 1);
	assert_string_equal(model_row(m, 0)->name, "gvim");
	/* Backspace widens again. */
	model_set_narrow(m, "vi");
	assert_int_equal(model_rows(m), vi);
	model_set_narrow(m, "");
	assert_int_equal(model_rows(m), 8);
	/* Non-ASCII descriptions fold too. */
	model_set_narrow(m, "\xc3\xbcnic\xc3\xb6" "de");
	assert_int_equal(model_rows(m), 1);
	model_set_narrow(m, "\xe6\x97\xa5");
	assert_int_equal(model_rows(m), 1);
	model_set_narrow(m, "");
	/* The limit stays; n and N walk the matches and wrap. */
	model_set_limit(m, "shell");
	assert_int_equal(model_rows(m), 2);
	assert_string_equal(model_limit(m), "shell");
	model_set_limit(m, "");
	long r = model_next_match(m, "editor", 0, 1);
	assert_string_equal(model_row(m, (size_t)r)->name, "nano");
	r = model_next_match(m, "editor", r, 1);
	assert_string_equal(model_row(m, (size_t)r)->name, "vim");
	r = model_next_match(m, "editor", r, 1);
	assert_string_equal(model_row(m, (size_t)r)->name, "nano");
	assert_int_equal(model_next_match(m, "nothing-like-this", 0, -1), -1);
	model_free(m);
}

static void test_marks_undo_and_targets(void **state)
{
	(void)state;
	struct model *m = loaded();
	char err[256];
	/* + on an up-to-date package is refused; on an upgradable one it upgrades. */
	assert_int_equal(model_mark(m, model_find(m, "nano"), MARK_INSTALL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "up to date"));
	assert_int_equal(model_mark(m, model_find(m, "vim"), MARK_INSTALL, 0, err, sizeof(err)), 0);
	assert_int_equal(model_find(m, "vim")->mark, MARK_INSTALL);
	/* - on a package that is not installed is refused. */
	assert_int_equal(model_mark(m, model_find(m, "gvim"), MARK_REMOVE, 0, err, sizeof(err)), -1);
	assert_int_equal(model_mark(m, model_find(m, "orphan"), MARK_PURGE, 1, err, sizeof(err)), 0);
	/* U marks upgrades, not held ones; Ctrl-U takes the whole step back. */
	assert_int_equal(model_mark_upgrades(m), 2);
	assert_int_equal(model_find(m, "bash")->mark, MARK_UPGRADE);
	assert_int_equal(model_find(m, "zsh")->mark, MARK_NONE);
	assert_int_equal(model_marked(m), 4);
	assert_int_equal(model_view_count(m, VIEW_MARKED), 4);
	assert_int_equal(model_undo(m), 0);
	assert_int_equal(model_marked(m), 2);
	assert_int_equal(model_find(m, "bash")->mark, MARK_NONE);
	assert_int_equal(model_mark(m, model_find(m, "nano"), MARK_KEEP, 0, err, sizeof(err)), 0);
	char **v;
	size_t n = model_targets(m, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "=nano");
	assert_string_equal(v[1], "_orphan");
	assert_string_equal(v[2], "+vim");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	/* A mark dropped with : is undone like any other. */
	assert_int_equal(model_mark(m, model_find(m, "vim"), MARK_NONE, 0, err, sizeof(err)), 0);
	assert_int_equal(model_undo(m), 0);
	assert_int_equal(model_find(m, "vim")->mark, MARK_INSTALL);
	model_free(m);
}

static void test_reload_keeps_marks_by_name(void **state)
{
	(void)state;
	struct model *m = loaded();
	char err[256];
	assert_int_equal(model_mark(m, model_find(m, "vim"), MARK_INSTALL, 0, err, sizeof(err)), 0);
	/* The engine's new list: gvim gone, a new package before vim. */
	struct msg_pkg v[] = {
		pkg("bash", "5.2", "5.2", "The GNU Bourne Again shell", PKG_INSTALLED),
		pkg("aaa-new", "1", "", "New", 0),
		pkg("vim", "9.1", "", "Vi IMproved, a text editor", 0),
	};
	model_load_begin(m);
	model_load_add(m, v, 3);
	assert_int_equal(model_count(m), 8); /* the old list shows until the new one is in */
	model_load_commit(m);
	assert_int_equal(model_count(m), 3);
	assert_int_equal(model_find(m, "vim")->mark, MARK_INSTALL);
	assert_string_equal(model_find(m, "vim")->version, "9.1");
	assert_int_equal(model_marked(m), 1);
	assert_null(model_find(m, "gvim"));
	assert_int_equal(model_undo(m), -1); /* undo steps named the old list */
	model_free(m);
}

/* An AUR search's record: repository "aur", with the AUR's votes and popularity. */
static struct msg_pkg aur_pkg(const char *name, const char *ver, const char *desc, uint64_t votes,
			      uint64_t pop_micro, struct pkg_aur *slot)
{
	struct msg_pkg p = pkg(name, ver, "", desc, 0);
	p.pkg.repo = "aur";
	memset(slot, 0, sizeof(*slot));
	slot->state = PKG_AUR_FOUND;
	slot->votes = votes;
	slot->popularity_micro = pop_micro;
	p.aur = slot;
	p.naur = 1;
	return p;
}

/* The AUR's results: rows of their own after the list's (the list's row for
 * one it has), their view, All's limit, marks kept across searches and reloads. */
static void test_aur_results(void **state)
{
	(void)state;
	struct model *m = loaded();
	struct pkg_aur slots[3];
	struct msg_pkg r[] = {
		aur_pkg("yay", "12.0-1", "Yet another yogurt", 900, 12345678, &slots[0]),
		aur_pkg("aurtool", "1.0-1", "A tool only the AUR has", 42, 1234567, &slots[1]),
		aur_pkg("zsh", "5.9-2", "Z shell", 7, 0, &slots[2]), /* installed: the list's row */
	};
	model_aur_begin(m);
	model_aur_add(m, r, 2);
	model_aur_add(m, r + 2, 1);
	assert_int_equal(model_view_count(m, VIEW_AUR), 0); /* until the commit */
	model_aur_commit(m);
	assert_int_equal(model_count(m), 10);
	assert_int_equal(model_view_count(m, VIEW_AUR), 3);
	assert_int_equal(model_view_count(m, VIEW_ALL), 8); /* the tabs count the list */
	assert_int_equal(model_rows(m), 8);                 /* All without a limit: the list */
	model_set_view(m, VIEW_AUR);
	assert_int_equal(model_rows(m), 3);
	assert_string_equal(model_row(m, 0)->name, "aurtool");
	assert_string_equal(model_row(m, 1)->name, "yay");
	assert_string_equal(model_row(m, 2)->name, "zsh");
	const struct mpkg *t = model_row(m, 0);
	assert_true(t->aur && t->aur_hit);
	assert_string_equal(t->repo, "aur");
	assert_int_equal(t->votes, 42);
	assert_int_equal(t->pop, 123);
	const struct mpkg *z = model_find(m, "zsh");
	assert_true(!z->aur && z->aur_hit && (z->flags & PKG_INSTALLED));
	assert_int_equal(z->votes, 7);
	/* narrowing reaches the AUR's rows (folded like the list's) */
	model_set_narrow(m, "YOGURT");
	assert_int_equal(model_rows(m), 1);
	assert_string_equal(model_row(m, 0)->name, "yay");
	model_set_narrow(m, "");
	/* All with a limit: the list's matches, then the AUR's, whatever the order */
	model_set_view(m, VIEW_ALL);
	model_set_limit(m, "tool");
	assert_int_equal(model_rows(m), 2);
	assert_string_equal(model_row(m, 0)->name, "openssl");
	assert_string_equal(model_row(m, 1)->name, "aurtool");
	model_set_sort(m, SORT_NAME, 1);
	assert_string_equal(model_row(m, 0)->name, "openssl");
	assert_string_equal(model_row(m, 1)->name, "aurtool");
	model_set_sort(m, SORT_NAME, 0);
	model_set_limit(m, "");
	/* an AUR package is installed (+), never removed or kept */
	char err[256];
	struct mpkg *a = model_find(m, "aurtool");
	assert_int_equal(model_mark(m, a, MARK_REMOVE, 0, err, sizeof(err)), -1);
	assert_int_equal(model_mark(m, a, MARK_INSTALL, 0, err, sizeof(err)), 0);
	char **v;
	size_t n = model_targets(m, &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "+aurtool");
	free(v[0]);
	free(v);
	/* a new search without it: its mark stays, in the marked view */
	struct pkg_aur slot2;
	struct msg_pkg r2[] = {aur_pkg("yay-bin", "12.0-1", "Yet another yogurt, built", 10, 0, &slot2)};
	model_aur_begin(m);
	model_aur_add(m, r2, 1);
	model_aur_commit(m);
	assert_int_equal(model_view_count(m, VIEW_AUR), 1);
	assert_false(model_find(m, "zsh")->aur_hit);
	assert_null(model_find(m, "yay"));
	a = model_find(m, "aurtool");
	assert_non_null(a);
	assert_int_equal(a->mark, MARK_INSTALL);
	assert_false(a->aur_hit);
	assert_int_equal(model_marked(m), 1);
	model_set_view(m, VIEW_MARKED);
	assert_int_equal(model_rows(m), 1);
	assert_string_equal(model_row(m, 0)->name, "aurtool");
	/* the list reloads with it installed: the list's row takes its mark; yay-bin stays */
	struct msg_pkg l[] = {
		pkg("aurtool", "1.0-1", "1.0-1", "A tool only the AUR has", PKG_INSTALLED | PKG_FOREIGN),
		pkg("bash", "5.2", "5.2", "The GNU Bourne Again shell", PKG_INSTALLED),
	};
	model_load_begin(m);
	model_load_add(m, l, 2);
	model_load_commit(m);
	assert_int_equal(model_count(m), 3);
	a = model_find(m, "aurtool");
	assert_false(a->aur);
	assert_int_equal(a->mark, MARK_INSTALL);
	assert_true(model_find(m, "yay-bin")->aur && model_find(m, "yay-bin")->aur_hit);
	assert_int_equal(model_view_count(m, VIEW_AUR), 1);
	model_set_view(m, VIEW_AUR);
	model_set_narrow(m, "built");
	assert_int_equal(model_rows(m), 1);
	model_free(m);
}

static void test_line_cuts_wide_characters(void **state)
{
	(void)state;
	struct line l = {0};
	line_reset(&l, 10);
	/* Two columns each: cut, four fit before the ellipsis ("~" without UTF-8),
	 * nothing is split (issue 14: a cut ends in the ellipsis). */
	size_t w = line_put(&l, EL_NORMAL, "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5");
	assert_int_equal(w, 9);
	assert_int_equal(l.text.len, 13);
	assert_int_equal(line_left(&l), 1);
	line_reset(&l, 10);
	assert_int_equal(line_put(&l, EL_NORMAL, "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"), 10);
	line_reset(&l, 5);
	line_field(&l, EL_NORMAL, "ab", 3);
	line_put(&l, EL_DIM, "\xe6\x97\xa5\xe6\x97\xa5"); /* 4 columns into 2: the ellipsis */
	assert_int_equal(l.cols, 4);
	assert_int_equal(l.nspans, 2);
	assert_int_equal(l.spans[1].len, 1);
	line_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views_and_counts),
		cmocka_unit_test(test_vulnerable_view),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_sort_by_version),
		cmocka_unit_test(test_narrow_limit_and_find),
		cmocka_unit_test(test_marks_undo_and_targets),
		cmocka_unit_test(test_reload_keeps_marks_by_name),
		cmocka_unit_test(test_aur_results),
		cmocka_unit_test(test_line_cuts_wide_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
