/* SPDX-License-Identifier: MIT */
/* Version comparison in dpkg's and libalpm's orders, written from their descriptions. */
#include "util/vercmp.h"

#include <stddef.h>
#include <string.h>

/* ASCII digit, independent of the locale. */
static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letter, independent of the locale. */
static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A string slice: borrowed bytes and a length. */
struct span {
	const char *s;
	size_t n;
};

/* dpkg's weight of the byte at i of a non-digit run: '~' lowest, the end and
 * digits 0, letters themselves, anything else after every letter. */
static int dpkg_order(struct span v, size_t i)
{
	if (i >= v.n)
		return 0;
	unsigned char c = (unsigned char)v.s[i];
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

/* dpkg's comparison of two upstream versions or revisions: alternating
 * non-digit runs (by dpkg_order) and digit runs (numerically). */
static int dpkg_part(struct span a, struct span b)
{
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		while ((i < a.n && !is_digit(a.s[i])) || (j < b.n && !is_digit(b.s[j]))) {
			int ac = dpkg_order(a, i), bc = dpkg_order(b, j);
			if (ac != bc)
				return ac - bc;
			i++;
			j++;
		}
		while (i < a.n && a.s[i] == '0')
			i++;
		while (j < b.n && b.s[j] == '0')
			j++;
		int first = 0;
		while (i < a.n && j < b.n && is_digit(a.s[i]) && is_digit(b.s[j])) {
			if (!first)
				first = a.s[i] - b.s[j];
			i++;
			j++;
		}
		if (i < a.n && is_digit(a.s[i]))
			return 1;
		if (j < b.n && is_digit(b.s[j]))
			return -1;
		if (first)
			return first;
	}
	return 0;
}

/* A version split dpkg's way: a numeric epoch, upstream, revision ("" if none). */
struct dpkg_ver {
	unsigned long long epoch;
	struct span up, rev;
};

/* Splits v at its first ':' (epoch) and its last '-' (revision). */
static void dpkg_split(const char *v, struct dpkg_ver *out)
{
	const char *colon = strchr(v, ':');
	out->epoch = 0;
	if (colon) {
		for (const char *p = v; p < colon && is_digit(*p); p++)
			out->epoch = out->epoch * 10 + (unsigned)(*p - '0');
		v = colon + 1;
	}
	const char *dash = strrchr(v, '-');
	size_t n = strlen(v);
	if (dash) {
		out->up = (struct span){v, (size_t)(dash - v)};
		out->rev = (struct span){dash + 1, n - (size_t)(dash - v) - 1};
	} else {
		out->up = (struct span){v, n};
		out->rev = (struct span){"", 0};
	}
}

/* dpkg's comparison: epoch, then upstream, then revision; the blank version
 * "" before every other (dpkg --compare-versions treats it so). */
int vercmp_dpkg(const char *a, const char *b)
{
	if (!*a || !*b)
		return (*a != 0) - (*b != 0);
	struct dpkg_ver x, y;
	dpkg_split(a, &x);
	dpkg_split(b, &y);
	if (x.epoch != y.epoch)
		return x.epoch < y.epoch ? -1 : 1;
	int c = dpkg_part(x.up, y.up);
	if (c)
		return c;
	return dpkg_part(x.rev, y.rev);
}

/* ASCII letter or digit. */
static int is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

/* Compares two byte ranges the way strcmp would: -1, 0 or 1. */
static int span_cmp(struct span a, struct span b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = memcmp(a.s, b.s, n);
	if (c)
		return c < 0 ? -1 : 1;
	return a.n == b.n ? 0 : (a.n < b.n ? -1 : 1);
}

/* rpmvercmp: runs of digits (numeric) and letters (bytewise) split by other
 * characters; a longer separator wins; a number beats letters; at the end,
 * what is left wins unless it is letters. -1, 0 or 1. */
static int rpm_part(struct span a, struct span b)
{
	if (!span_cmp(a, b))
		return 0;
	size_t i = 0, j = 0, pi = 0, pj = 0; /* pi, pj: ends of the last runs */
	while (i < a.n && j < b.n) {
		while (i < a.n && !is_alnum(a.s[i]))
			i++;
		while (j < b.n && !is_alnum(b.s[j]))
			j++;
		if (i >= a.n || j >= b.n)
			break;
		if (i - pi != j - pj)
			return i - pi < j - pj ? -1 : 1;
		size_t ei = i, ej = j;
		int num = is_digit(a.s[i]);
		if (num) {
			while (ei < a.n && is_digit(a.s[ei]))
				ei++;
			while (ej < b.n && is_digit(b.s[ej]))
				ej++;
		} else {
			while (ei < a.n && is_alpha(a.s[ei]))
				ei++;
			while (ej < b.n && is_alpha(b.s[ej]))
				ej++;
		}
		if (ej == j) /* b's run is of the other kind */
			return num ? 1 : -1;
		struct span ra = {a.s + i, ei - i}, rb = {b.s + j, ej - j};
		if (num) {
			while (ra.n && *ra.s == '0')
				ra.s++, ra.n--;
			while (rb.n && *rb.s == '0')
				rb.s++, rb.n--;
			if (ra.n != rb.n)
				return ra.n > rb.n ? 1 : -1;
		}
		int c = span_cmp(ra, rb);
		if (c)
			return c;
		i = pi = ei;
		j = pj = ej;
	}
	int aend = i >= a.n, bend = j >= b.n;
	if (aend && bend)
		return 0;
	if ((aend && !is_alpha(b.s[j])) || (!aend && is_alpha(a.s[i])))
		return -1;
	return 1;
}

/* A version split libalpm's way: epoch ("0" if none), version, pkgrel. */
struct alpm_ver {
	struct span epoch, ver, rel;
	int has_rel;
};

/* Splits v: leading digits then ':' are the epoch; the last '-' after them
 * starts the pkgrel. */
static void alpm_split(const char *v, struct alpm_ver *out)
{
	const char *s = v;
	while (is_digit(*s))
		s++;
	const char *dash = strrchr(s, '-');
	const char *end = v + strlen(v);
	if (*s == ':') {
		out->epoch = s > v ? (struct span){v, (size_t)(s - v)} : (struct span){"0", 1};
		v = s + 1;
	} else {
		out->epoch = (struct span){"0", 1};
	}
	out->has_rel = dash != NULL;
	if (dash) {
		out->ver = (struct span){v, (size_t)(dash - v)};
		out->rel = (struct span){dash + 1, (size_t)(end - dash - 1)};
	} else {
		out->ver = (struct span){v, (size_t)(end - v)};
		out->rel = (struct span){"", 0};
	}
}

/* libalpm's comparison: epoch, version, then pkgrel if both have one. */
int vercmp_alpm(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 0;
	struct alpm_ver x, y;
	alpm_split(a, &x);
	alpm_split(b, &y);
	int c = rpm_part(x.epoch, y.epoch);
	if (!c)
		c = rpm_part(x.ver, y.ver);
	if (!c && x.has_rel && y.has_rel)
		c = rpm_part(x.rel, y.rel);
	return c;
}
