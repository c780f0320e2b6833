/* SPDX-License-Identifier: MIT */
/* Unit tests for matching advisory feeds against an index: arch-audit's rule and the issue's debsecan rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/index.h"
#include "engine/security/vulns.h"
#include "util/buf.h"
#include "util/vercmp.h"

/* The feeds' lists outlive the functions that make the feeds: file scope. */
#define LIST(a) ((struct strlist){a, sizeof(a) / sizeof(a[0])})
static const char *const zapp_2843[] = {"CVE-2026-1111", "CVE-2026-1112"};
static const char *const zapp_2900[] = {"CVE-2026-3000", "CVE-2026-1112"};
static const char *const zapp_100[] = {"CVE-2020-999"};
static const char *const zapp_999[] = {"CVE-2026-10000"};
static const char *const bar_0002[] = {"1.9-1", "0:2.0-1"};
static const char *const baz_0012[] = {"3.0-1"};

/* An installed package (installed is "" for one that is only available). */
static void add(struct index_builder *b, const char *name, const char *installed,
		const char *source, const char *source_version)
{
	struct pkg p;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.version = *installed ? installed : "9.9-1";
	p.installed_version = installed;
	p.installed_source = source;
	p.installed_source_version = source_version;
	p.flags = *installed ? PKG_INSTALLED : 0;
	index_builder_add(b, &p);
}

/* A record; the strings the parsers would leave "" are "". */
static struct advisory rec(const char *package, const char *id, const char *fixed,
			   uint8_t severity, uint16_t flags)
{
	struct advisory a;
	memset(&a, 0, sizeof(a));
	a.package = package;
	a.id = id;
	a.fixed = fixed;
	a.affected = a.type = "";
	a.severity = severity;
	a.flags = flags;
	return a;
}

/* Orders records as the parsers do: package, then id. */
static int cmp_rec(const void *pa, const void *pb)
{
	const struct advisory *x = pa, *y = pb;
	int c = strcmp(x->package, y->package);
	return c ? c : strcmp(x->id, y->id);
}

/* A feed over v[0..n), sorted in place. */
static struct feed feed_of(uint32_t kind, struct advisory *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_rec);
	struct feed f;
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.n = n;
	f.v = v;
	f.url = f.etag = f.last_modified = f.release = "";
	return f;
}

/* The row of name, which must exist. */
static const struct vuln *row(const struct vulns *vs, const char *name)
{
	const struct vuln *v = vulns_find(vs, name);
	if (!v)
		fail_msg("no row for %s", name);
	return v;
}

/* Asserts a row's ids, in order: "A B C". */
static void ids_are(const struct vuln *v, const char *want)
{
	char got[512] = "";
	for (uint32_t k = 0; k < v->ids.n; k++) {
		strcat(got, k ? " " : "");
		strcat(got, v->ids.v[k]);
	}
	assert_string_equal(got, want);
}

/* The advisory id of v naming id, or NULL. */
static const struct vuln_adv *adv(const struct vuln *v, const char *id)
{
	for (uint32_t k = 0; k < v->nadvs; k++)
		if (strcmp(v->advs[k].id, id) == 0)
			return &v->advs[k];
	return NULL;
}

/* Asserts that every row's advisories are affecting first, then by id, and
 * that pos and the counts agree with the rows. */
static void check_shape(const struct vulns *vs, const struct index *ix)
{
	size_t vulnerable = 0;
	uint32_t max = SEV_UNKNOWN;
	for (size_t i = 0; i < vs->n; i++) {
		const struct vuln *v = &vs->v[i];
		if (i)
			assert_true(strcmp(vs->v[i - 1].name, v->name) < 0);
		assert_string_equal(index_get(ix, vs->pos[i])->name, v->name);
		assert_true(v->nadvs > 0);
		assert_int_equal(v->affected, v->advs[0].affects);
		for (uint32_t k = 1; k < v->nadvs; k++)
			assert_true(v->advs[k - 1].affects > v->advs[k].affects ||
				    (v->advs[k - 1].affects == v->advs[k].affects &&
				     strverscmp(v->advs[k - 1].id, v->advs[k].id) < 0));
		if (v->affected) {
			vulnerable++;
			max = v->severity > max ? v->severity : max;
		}
	}
	assert_int_equal(vs->vulnerable, vulnerable);
	assert_int_equal(vs->max_severity, max);
	assert_true(vulns_bytes(vs) >= vs->n * sizeof(struct vuln));
}

/* ------------------------------------------------------------ arch */

/* The arch index and feed. */
static struct index *arch_index(void)
{
	struct index_builder *b = index_builder_new();
	add(b, "zapp", "1.4.1-1", "", "");
	add(b, "epoch-newer", "1:1.0-1", "", "");  /* an epoch beats 2.0 */
	add(b, "epoch-older", "2.0-1", "", "");    /* below 1:1.0 */
	add(b, "rel-older", "1.0-1", "", "");      /* pkgrel below the fix's */
	add(b, "rel-same", "1.0-2", "", "");
	add(b, "norel-fix", "1.5-1", "", "");      /* fixed "1.5": no pkgrel, equal */
	add(b, "norel-inst", "1.5", "", "");       /* installed without pkgrel, fixed 1.5-1 */
	add(b, "tilde", "1.0~rc1-1", "", "");      /* alpm: ~ separates, so above 1.0 */
	add(b, "plus", "1.0+1-1", "", "");
	add(b, "quiet", "3.0-1", "", "");          /* named by no record */
	add(b, "notinst", "", "", "");             /* named, not installed */
	return index_builder_finish(b);
}

static struct advisory arch_recs[16];

/* The arch feed, issues and all. */
static struct feed arch_feed(void)
{
	size_t n = 0;
	struct advisory *v = arch_recs;
	v[n] = rec("zapp", "AVG-2843", "1.4.2-1", SEV_HIGH, 0);
	v[n].issues = LIST(zapp_2843);
	v[n].affected = "1.4.1-1";
	v[n++].type = "multiple issues";
	v[n] = rec("zapp", "AVG-2900", "", SEV_MEDIUM, 0);
	v[n].issues = LIST(zapp_2900);
	v[n].affected = "9.9-9"; /* ignored for matching: */
	v[n++].type = "denial of service";
	v[n] = rec("zapp", "AVG-100", "1.4.0-1", SEV_CRITICAL, 0);
	v[n++].issues = LIST(zapp_100);
	v[n++] = rec("zapp", "AVG-2999", "1.4.10-1", SEV_LOW, 0); /* 1.4.10 > 1.4.2 */
	v[n] = rec("zapp", "AVG-999", "", SEV_LOW, 0); /* ids in a person's order */
	v[n++].issues = LIST(zapp_999);
	v[n++] = rec("epoch-newer", "AVG-1", "2.0-1", SEV_HIGH, 0);
	v[n++] = rec("epoch-older", "AVG-2", "1:1.0-1", SEV_HIGH, 0);
	v[n++] = rec("rel-older", "AVG-3", "1.0-2", SEV_LOW, 0);
	v[n++] = rec("rel-same", "AVG-3", "1.0-2", SEV_LOW, 0);
	v[n++] = rec("norel-fix", "AVG-4", "1.5", SEV_LOW, 0);
	v[n++] = rec("norel-inst", "AVG-5", "1.5-1", SEV_LOW, 0);
	v[n++] = rec("tilde", "AVG-6", "1.0-1", SEV_LOW, 0);
	v[n++] = rec("plus", "AVG-7", "1.0+2-1", SEV_LOW, 0);
	v[n++] = rec("notinst", "AVG-8", "", SEV_CRITICAL, 0);
	v[n++] = rec("nobody", "AVG-9", "", SEV_CRITICAL, 0);
	return feed_of(FEED_ARCH, v, n);
}

/* arch-audit's rule on each edge, and the squash. */
static void test_arch(void **state)
{
	(void)state;
	struct index *ix = arch_index();
	struct feed f = arch_feed();
	struct vulns *vs = vulns_match(&f, ix, vercmp_alpm);
	check_shape(vs, ix);

	/* every installed package a record names, not the others */
	assert_int_equal(vs->n, 9);
	assert_null(vulns_find(vs, "quiet"));
	assert_null(vulns_find(vs, "notinst"));
	assert_null(vulns_find(vs, "nobody"));

	const struct vuln *z = row(vs, "zapp");
	assert_int_equal(z->affected, 1);
	assert_string_equal(z->installed, "1.4.1-1");
	assert_string_equal(z->source, "");
	/* high wins over medium and low; critical is fixed in 1.4.1 */
	assert_int_equal(z->severity, SEV_HIGH);
	assert_string_equal(z->fixed, "1.4.10-1"); /* the highest by vercmp, not by strcmp */
	ids_are(z, "AVG-999 AVG-2843 AVG-2900 AVG-2999 CVE-2026-1111 CVE-2026-1112 CVE-2026-3000 "
		   "CVE-2026-10000");
	assert_int_equal(z->remote, VULN_REMOTE_UNKNOWN);
	assert_int_equal(z->nadvs, 5);
	assert_string_equal(z->advs[0].id, "AVG-999");
	assert_string_equal(z->advs[4].id, "AVG-100");
	assert_int_equal(z->advs[4].affects, 0);
	const struct vuln_adv *a = adv(z, "AVG-2900");
	assert_int_equal(a->affects, 1);
	assert_string_equal(a->affected, "9.9-9");
	assert_string_equal(a->type, "denial of service");
	assert_int_equal(a->issues.n, 2);
	assert_int_equal(a->via_source, 0);

	assert_int_equal(row(vs, "epoch-newer")->affected, 0);
	assert_int_equal(row(vs, "epoch-older")->affected, 1);
	assert_int_equal(row(vs, "rel-older")->affected, 1);
	assert_string_equal(row(vs, "rel-older")->fixed, "1.0-2");
	assert_int_equal(row(vs, "rel-same")->affected, 0);
	assert_int_equal(row(vs, "norel-fix")->affected, 0);
	assert_int_equal(row(vs, "norel-inst")->affected, 0);
	assert_int_equal(row(vs, "tilde")->affected, 0);
	assert_int_equal(row(vs, "plus")->affected, 1);

	/* a --all row still says what its version fixed */
	const struct vuln *e = row(vs, "epoch-newer");
	ids_are(e, "AVG-1");
	assert_string_equal(e->fixed, "2.0-1");
	assert_int_equal(vs->vulnerable, 4);
	assert_int_equal(vs->max_severity, SEV_HIGH);
	vulns_free(vs);
	index_free(ix);
}

/* Collects what vulns_for_version reports. */
static void collect(void *ctx, const struct advisory *a)
{
	char *s = ctx;
	strcat(s, *s ? " " : "");
	strcat(s, a->id);
}

/* A plan's new version on arch. */
static void test_arch_for_version(void **state)
{
	(void)state;
	struct feed f = arch_feed();
	char got[256] = "";
	assert_int_equal(vulns_for_version(&f, "zapp", "1.4.2-1", "", "", vercmp_alpm, collect,
					   got), 3);
	assert_string_equal(got, "AVG-2900 AVG-2999 AVG-999");
	got[0] = '\0';
	assert_int_equal(vulns_for_version(&f, "zapp", "1.4.10-1", "", "", vercmp_alpm, collect,
					   got), 2);
	assert_string_equal(got, "AVG-2900 AVG-999");
	got[0] = '\0';
	assert_int_equal(vulns_for_version(&f, "epoch-older", "1:1.0", "", "", vercmp_alpm, collect,
					   got), 0);
	assert_int_equal(vulns_for_version(&f, "quiet", "0.1-1", "", "", vercmp_alpm, collect, got),
			 0);
	assert_string_equal(got, "");
}

/* ------------------------------------------------------------ debian */

/* The debian index: sources as dpkg's status gives them, resolved. */
static struct index *debian_index(void)
{
	struct index_builder *b = index_builder_new();
	/* a binNMU of bar 2.0-1 */
	add(b, "libbar1", "2.0-1+b1", "bar", "2.0-1");
	add(b, "libbar1:i386", "2.0-1+b1", "bar", "2.0-1");
	/* no Source: its own name and version */
	add(b, "baz", "3.0-1", "baz", "3.0-1");
	/* "Source: qux" without a version: the installed version, with its epoch */
	add(b, "qux-bin", "1:1.0-1", "qux", "1:1.0-1");
	add(b, "tilde", "1.0~rc1-1", "tilde", "1.0~rc1-1");
	add(b, "plus", "1.0-1+deb12u1", "plus", "1.0-1+deb12u1");
	add(b, "plus-old", "1.0-1", "plus-old", "1.0-1");
	add(b, "epoch", "1:1.0-1", "epoch", "1:1.0-1");
	add(b, "rel", "1.0-1", "rel", "1.0-1");
	add(b, "notinst", "", "", "");
	/* a source's name for a binary: its records are the source's */
	add(b, "foo", "1.0-1", "foo-src", "1.0-1");
	/* made by another index (alpm-like): no source at all, the binary's own */
	add(b, "nosrc", "5.0-1", "", "");
	return index_builder_finish(b);
}

static struct advisory deb_recs[32];

/* The debian feed. */
static struct feed debian_feed(void)
{
	size_t n = 0;
	struct advisory *v = deb_recs;
	/* bar: matched through libbar1's source, at 2.0-1 (not 2.0-1+b1) */
	v[n++] = rec("bar", "CVE-2026-0001", "2.0-2", SEV_HIGH, ADV_SOURCE | ADV_REMOTE);
	v[n] = rec("bar", "CVE-2026-0002", "2.0-2", SEV_CRITICAL, ADV_SOURCE);
	v[n++].other_versions = LIST(bar_0002); /* fixed on a branch: 2.0-1 */
	v[n++] = rec("bar", "CVE-2026-0003", "2.0-1", SEV_HIGH, ADV_SOURCE); /* = srcver */
	/* below 2.0-1+b1, above 2.0-1: the source's version decides */
	v[n++] = rec("bar", "CVE-2026-0004", "2.0-1+a", SEV_LOW, ADV_SOURCE | ADV_LOCAL);
	/* a binary record named as the source: not libbar1's (the issue's rule) */
	v[n++] = rec("bar", "CVE-2026-0005", "", SEV_CRITICAL, 0);
	/* a source record named as the binary: another source's */
	v[n++] = rec("libbar1", "CVE-2026-0006", "", SEV_CRITICAL, ADV_SOURCE);
	/* a binary record of libbar1, and the same CVE through the source */
	v[n++] = rec("libbar1", "CVE-2026-0001", "2.0-1", SEV_HIGH, 0);
	v[n++] = rec("libbar1", "CVE-2026-0007", "", SEV_UNKNOWN, ADV_LOCAL);
	/* baz: its own source; a source record and a binary record */
	v[n++] = rec("baz", "CVE-2026-0010", "3.0-2", SEV_MEDIUM, ADV_SOURCE);
	v[n++] = rec("baz", "CVE-2026-0011", "3.0-1", SEV_HIGH, 0);
	v[n] = rec("baz", "CVE-2026-0012", "", SEV_LOW, ADV_SOURCE);
	v[n++].other_versions = LIST(baz_0012);
	/* qux: 1:1.0-1 is above 1.5-1 */
	v[n++] = rec("qux", "CVE-2026-0020", "1.5-1", SEV_HIGH, ADV_SOURCE);
	v[n++] = rec("qux", "CVE-2026-0021", "1:1.0-2", SEV_MEDIUM, ADV_SOURCE);
	v[n++] = rec("tilde", "CVE-2026-0030", "1.0-1", SEV_LOW, ADV_SOURCE);
	v[n++] = rec("plus", "CVE-2026-0040", "1.0-1", SEV_LOW, ADV_SOURCE);
	v[n++] = rec("plus-old", "CVE-2026-0041", "1.0-1+deb12u1", SEV_LOW, ADV_SOURCE);
	v[n++] = rec("epoch", "CVE-2026-0050", "2.0-1", SEV_HIGH, 0);
	v[n++] = rec("rel", "CVE-2026-0060", "1.0-2", SEV_MEDIUM, ADV_SOURCE | ADV_LOCAL);
	v[n++] = rec("notinst", "CVE-2026-0070", "", SEV_HIGH, 0);
	v[n++] = rec("foo", "CVE-2026-0080", "", SEV_HIGH, ADV_SOURCE); /* not foo-src */
	v[n++] = rec("foo", "CVE-2026-0081", "1.0-2", SEV_LOW, 0);
	v[n++] = rec("foo-src", "CVE-2026-0082", "1.0-1", SEV_LOW, ADV_SOURCE);
	v[n++] = rec("nosrc", "CVE-2026-0090", "5.0-2", SEV_LOW, ADV_SOURCE);
	return feed_of(FEED_DEBIAN, v, n);
}

/* Asserts a row's affected bit and ids. */
static void row_is(const struct vulns *vs, const char *name, uint32_t affected, const char *ids)
{
	const struct vuln *v = row(vs, name);
	if (v->affected != affected)
		fail_msg("%s: affected %u, want %u", name, v->affected, affected);
	ids_are(v, ids);
}

/* The issue's rule for the debsecan feed, edge by edge. */
static void check_debian(const struct index *ix)
{
	struct feed f = debian_feed();
	struct vulns *vs = vulns_match(&f, ix, vercmp_dpkg);
	check_shape(vs, ix);

	const struct vuln *b = row(vs, "libbar1");
	assert_int_equal(b->affected, 1);
	assert_string_equal(b->source, "bar");
	assert_string_equal(b->installed, "2.0-1+b1");
	/* 0001 via source (its binary record is fixed in 2.0-1: the affecting one
	 * wins), 0004 by the source's version, 0007 unfixed; not 0002 (on a
	 * branch), 0003 (fixed in 2.0-1), 0005 (a binary record of bar) nor
	 * 0006 (a source record of another libbar1) */
	ids_are(b, "CVE-2026-0001 CVE-2026-0004 CVE-2026-0007");
	assert_int_equal(b->nadvs, 5);
	assert_null(adv(b, "CVE-2026-0005"));
	assert_null(adv(b, "CVE-2026-0006"));
	assert_int_equal(adv(b, "CVE-2026-0001")->via_source, 1);
	assert_int_equal(adv(b, "CVE-2026-0001")->remote, VULN_REMOTE);
	assert_int_equal(adv(b, "CVE-2026-0002")->affects, 0);
	assert_int_equal(adv(b, "CVE-2026-0003")->affects, 0);
	assert_int_equal(adv(b, "CVE-2026-0004")->remote, VULN_LOCAL);
	assert_int_equal(adv(b, "CVE-2026-0007")->via_source, 0);
	assert_int_equal(b->severity, SEV_HIGH);
	assert_int_equal(b->remote, VULN_REMOTE);
	assert_string_equal(b->fixed, "2.0-2");
	/* the foreign-architecture copy matches by its bare name */
	ids_are(row(vs, "libbar1:i386"), "CVE-2026-0001 CVE-2026-0004 CVE-2026-0007");

	row_is(vs, "baz", 1, "CVE-2026-0010");
	assert_int_equal(adv(row(vs, "baz"), "CVE-2026-0011")->affects, 0);
	assert_int_equal(adv(row(vs, "baz"), "CVE-2026-0012")->affects, 0);
	row_is(vs, "qux-bin", 1, "CVE-2026-0021");
	assert_string_equal(row(vs, "qux-bin")->source, "qux");
	row_is(vs, "tilde", 1, "CVE-2026-0030");
	row_is(vs, "plus", 0, "CVE-2026-0040");
	row_is(vs, "plus-old", 1, "CVE-2026-0041");
	row_is(vs, "epoch", 0, "CVE-2026-0050");
	row_is(vs, "rel", 1, "CVE-2026-0060");
	assert_null(vulns_find(vs, "notinst"));
	/* foo's source is foo-src: the binary record of foo and the source
	 * record of foo-src, not the source record of foo */
	row_is(vs, "foo", 1, "CVE-2026-0081");
	assert_null(adv(row(vs, "foo"), "CVE-2026-0080"));
	assert_int_equal(adv(row(vs, "foo"), "CVE-2026-0082")->affects, 0);
	row_is(vs, "nosrc", 1, "CVE-2026-0090");
	assert_string_equal(row(vs, "nosrc")->source, "nosrc");
	/* remote: local when every squashed one is, else unknown */
	assert_int_equal(row(vs, "rel")->remote, VULN_LOCAL);
	assert_int_equal(row(vs, "tilde")->remote, VULN_REMOTE_UNKNOWN);
	assert_int_equal(row(vs, "baz")->severity, SEV_MEDIUM); /* 0011 (high) is fixed */
	assert_int_equal(vs->n, 11);
	assert_int_equal(vs->vulnerable, 9);
	assert_int_equal(vs->max_severity, SEV_HIGH);
	vulns_free(vs);
}

/* On an index built in memory, and on the same index stored and loaded
 * (the installed source must survive the blob). */
static void test_debian(void **state)
{
	(void)state;
	struct index *ix = debian_index();
	check_debian(ix);
	struct buf blob = {0};
	index_serialize(ix, &blob);
	index_free(ix);
	char err[128];
	ix = index_from_blob(blob.p, blob.len, NULL, NULL, err, sizeof(err));
	assert_non_null(ix);
	check_debian(ix);
	index_free(ix);
	buf_free(&blob);
}

/* A plan's new version on debian. */
static void test_debian_for_version(void **state)
{
	(void)state;
	struct feed f = debian_feed();
	char got[256] = "";
	/* the installed libbar1's answer: its binary records, then its source's
	 * (0001 once, though both name it) */
	assert_int_equal(vulns_for_version(&f, "libbar1", "2.0-1+b1", "bar", "2.0-1", vercmp_dpkg,
					   collect, got), 3);
	assert_string_equal(got, "CVE-2026-0007 CVE-2026-0001 CVE-2026-0004");
	/* the fixed upload: only the unfixed binary record */
	got[0] = '\0';
	assert_int_equal(vulns_for_version(&f, "libbar1:amd64", "2.0-2", "bar", "", vercmp_dpkg,
					   collect, got), 1);
	assert_string_equal(got, "CVE-2026-0007");
	/* no source given: the binary's own name and version */
	got[0] = '\0';
	assert_int_equal(vulns_for_version(&f, "baz", "3.0-1", "", "", vercmp_dpkg, collect, got),
			 1);
	assert_string_equal(got, "CVE-2026-0010");
	got[0] = '\0';
	assert_int_equal(vulns_for_version(&f, "baz", "3.0-2", "", "", vercmp_dpkg, collect, got),
			 1);
	assert_string_equal(got, "CVE-2026-0012");
	got[0] = '\0';
	assert_int_equal(vulns_for_version(&f, "foo", "1.0-1", "foo-src", "", vercmp_dpkg, collect,
					   got), 1);
	assert_string_equal(got, "CVE-2026-0081");
}

/* An empty feed or an index with nothing installed gives no rows. */
static void test_empty(void **state)
{
	(void)state;
	struct index_builder *b = index_builder_new();
	add(b, "zapp", "", "", "");
	struct index *ix = index_builder_finish(b);
	struct feed f = arch_feed();
	struct vulns *vs = vulns_match(&f, ix, vercmp_alpm);
	assert_int_equal(vs->n, 0);
	assert_int_equal(vs->vulnerable, 0);
	assert_int_equal(vs->max_severity, SEV_UNKNOWN);
	assert_null(vulns_find(vs, "zapp"));
	vulns_free(vs);
	index_free(ix);
	ix = arch_index();
	struct feed none = feed_of(FEED_DEBIAN, NULL, 0);
	vs = vulns_match(&none, ix, vercmp_dpkg);
	assert_int_equal(vs->n, 0);
	vulns_free(vs);
	index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch),
		cmocka_unit_test(test_arch_for_version),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_debian_for_version),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests_name("vulns", tests, NULL, NULL);
}
