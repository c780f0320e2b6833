/* SPDX-License-Identifier: MIT */
/* Unit tests for src/util/vercmp: dpkg's and libalpm's version orders on tricky pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/vercmp.h"

/* The sign of a comparison: -1, 0 or 1. */
static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* A pair and the expected sign of a compared with b. */
struct pair {
	const char *a, *b;
	int want;
};

/* Checks every pair both ways with f. */
static void check(int (*f)(const char *, const char *), const struct pair *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = sign(f(v[i].a, v[i].b)), back = sign(f(v[i].b, v[i].a));
		if (got != v[i].want || back != -v[i].want)
			fail_msg("%s vs %s: %d (reverse %d), want %d", v[i].a, v[i].b, got, back,
				 v[i].want);
	}
}

/* dpkg: numeric digits, epochs, '~' before the end, letters before other
 * characters; "" is blank, before every version. */
static void test_dpkg(void **state)
{
	(void)state;
	static const struct pair v[] = {
		{"1.10", "1.9", 1},          {"1:1.0", "2.0", 1},       {"1.0~rc1", "1.0", -1},
		{"1.0-1", "1.0-1.1", -1},    {"1.0a", "1.0", 1},        {"1.0", "1.0.0", -1},
		{"2.0", "2.0-1", -1},        {"", "", 0},               {"", "1", -1},
		{"", "0", -1},                {"1.0", "1.0", 0},         {"01", "1", 0},
		{"1.0~~", "1.0~", -1},       {"1.0~", "1.0", -1},       {"1.0~a", "1.0~b", -1},
		{"1.0a", "1.0+", -1},        {"1.0+", "1.0.", -1},      {"1.0-0", "1.0", 0},
		{"0:1.0", "1.0", 0},         {"2:0", "1:9", 1},         {"1.0-1~bpo1", "1.0-1", -1},
		{"1.2.3-a", "1.2.3-A", 1},   {"10", "9", 1},            {"1.0+dfsg", "1.0", 1},
		{"1.0-1ubuntu1", "1.0-1", 1}, {"1:1.0-1", "1:1.0-2", -1}, {"1.0-a-b", "1.0-a", 1},
	};
	check(vercmp_dpkg, v, sizeof(v) / sizeof(*v));
}

/* libalpm: rpmvercmp with epoch and pkgrel; a missing pkgrel matches any. */
static void test_alpm(void **state)
{
	(void)state;
	static const struct pair v[] = {
		{"1.10", "1.9", 1},         {"1:1.0", "2.0", 1},        {"1.0rc1", "1.0", -1},
		{"1.0-1", "1.0-1.1", -1},   {"1.0a", "1.0", -1},        {"1.0", "1.0.0", -1},
		{"2.0", "2.0-1", 0},        {"", "", 0},                {"", "1", -1},
		{"1.0", "1.0", 0},          {"01", "1", 0},             {"1.0.a", "1.0", 1},
		{"1.0.1", "1.0a", 1},       {"1..0", "1.0", 1},         {"1.0_1", "1.0.1", 0},
		{"a", "1", -1},             {"1.0-2", "1.0-10", -1},    {"1:1.0-1", "2:0.1-1", -1},
		{"1.0alpha", "1.0beta", -1}, {"1.0", "1.0-1", 0},       {"0:1.0", "1.0", 0},
		{"1.0~rc1", "1.0", 1},      {"1.0+1", "1.0", 1}, /* ~ is a separator */
	};
	check(vercmp_alpm, v, sizeof(v) / sizeof(*v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg),
		cmocka_unit_test(test_alpm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
