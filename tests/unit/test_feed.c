/* SPDX-License-Identifier: MIT */
/* Unit tests for the advisory feeds: arch's all.json and debsecan's feed parsed into records,
 * every kind of bad input refused with its reason, and the stored blob's round trip and damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "engine/security/feed.h"
#include "feed_equal.h"
#include "util/buf.h"

/* A tracker document the way security.archlinux.org writes it (pretty-printed),
 * with every status and severity, a multi-package group, null and absent
 * fixed, a "Not affected" group, and a package listed twice in one group. */
static const char arch_json[] =
	"[\n"
	"  {\n"
	"    \"name\": \"AVG-2843\",\n"
	"    \"packages\": [\"zapp\", \"lib32-zapp\"],\n"
	"    \"status\": \"Fixed\",\n"
	"    \"severity\": \"High\",\n"
	"    \"type\": \"multiple issues\",\n"
	"    \"affected\": \"1.4.1-1\",\n"
	"    \"fixed\": \"1.4.2-1\",\n"
	"    \"ticket\": null,\n"
	"    \"issues\": [\"CVE-2026-1111\", \"CVE-2026-1112\"],\n"
	"    \"advisories\": [\"ASA-202611-03\"]\n"
	"  },\n"
	"  {\"name\": \"AVG-2850\", \"packages\": [\"oldlib\"], \"status\": \"Vulnerable\",\n"
	"   \"severity\": \"Medium\", \"type\": \"denial of service\", \"affected\": \"2.0-4\",\n"
	"   \"fixed\": null, \"ticket\": null, \"issues\": [\"CVE-2026-2000\"], \"advisories\": []},\n"
	"  {\"name\": \"AVG-2851\", \"packages\": [\"notme\"], \"status\": \"Not affected\",\n"
	"   \"severity\": \"Critical\", \"type\": \"arbitrary code execution\", \"affected\": \"1-1\",\n"
	"   \"fixed\": null, \"ticket\": null, \"issues\": [\"CVE-2026-2001\"], \"advisories\": []},\n"
	"  {\"name\": \"AVG-2852\", \"packages\": [\"tester\"], \"status\": \"Testing\",\n"
	"   \"severity\": \"Low\", \"type\": \"information disclosure\", \"affected\": \"3.0-1\",\n"
	"   \"fixed\": \"1:3.0.1-1\", \"ticket\": \"77123\", \"issues\": [], \"advisories\": []},\n"
	"  {\"name\": \"AVG-2853\", \"packages\": [\"mystery\", \"mystery\"], \"status\": \"Unknown\",\n"
	"   \"severity\": \"Unknown\", \"type\": \"unknown\", \"affected\": \"0.9-2\",\n"
	"   \"issues\": [\"CVE-2026-2002\"], \"advisories\": []},\n"
	"  {\"name\": \"AVG-13\", \"packages\": [\"zapp\"], \"status\": \"Fixed\",\n"
	"   \"severity\": \"Critical\", \"type\": \"arbitrary code execution\", \"affected\": \"1.2-1\",\n"
	"   \"fixed\": \"1.3-1\", \"ticket\": null, \"issues\": [\"CVE-2025-0001\"],\n"
	"   \"advisories\": [\"ASA-202501-01\"], \"new_field\": {\"x\": 1}}\n"
	"]\n";

/* Parses arch_json, asserting success. */
static struct feed *arch_sample(void)
{
	char err[256] = "";
	struct feed *f = feed_parse_arch(arch_json, strlen(arch_json), err, sizeof(err));
	if (!f)
		fail_msg("arch sample refused: %s", err);
	return f;
}

static void test_arch_records(void **state)
{
	(void)state;
	struct feed *f = arch_sample();
	assert_int_equal(f->kind, FEED_ARCH);
	/* zapp x2, lib32-zapp, oldlib, tester, mystery (once); notme dropped */
	assert_int_equal(f->n, 6);
	for (size_t i = 1; i < f->n; i++)
		assert_true(strcmp(f->v[i - 1].package, f->v[i].package) <= 0);
	assert_string_equal(f->url, "");

	const struct advisory *a;
	assert_int_equal(feed_lookup(f, "zapp", &a), 2);
	assert_string_equal(a[0].id, "AVG-13"); /* byte order: "AVG-1" < "AVG-2" */
	assert_int_equal(a[0].severity, SEV_CRITICAL);
	assert_string_equal(a[0].fixed, "1.3-1");
	assert_string_equal(a[1].id, "AVG-2843");
	assert_string_equal(a[1].package, "zapp");
	assert_string_equal(a[1].fixed, "1.4.2-1");
	assert_string_equal(a[1].affected, "1.4.1-1");
	assert_string_equal(a[1].type, "multiple issues");
	assert_int_equal(a[1].severity, SEV_HIGH);
	assert_int_equal(a[1].status, ADV_STATUS_FIXED);
	assert_int_equal(a[1].flags, 0); /* arch: neither remote nor local */
	assert_int_equal(a[1].issues.n, 2);
	assert_string_equal(a[1].issues.v[0], "CVE-2026-1111");
	assert_string_equal(a[1].issues.v[1], "CVE-2026-1112");
	assert_int_equal(a[1].other_versions.n, 0);

	assert_int_equal(feed_lookup(f, "lib32-zapp", &a), 1);
	assert_string_equal(a->id, "AVG-2843");
	assert_int_equal(a->issues.n, 2);

	assert_int_equal(feed_lookup(f, "oldlib", &a), 1);
	assert_string_equal(a->fixed, ""); /* null: affected at any version */
	assert_int_equal(a->severity, SEV_MEDIUM);
	assert_int_equal(a->status, ADV_STATUS_VULNERABLE);

	assert_int_equal(feed_lookup(f, "tester", &a), 1);
	assert_int_equal(a->status, ADV_STATUS_TESTING);
	assert_int_equal(a->severity, SEV_LOW);
	assert_string_equal(a->fixed, "1:3.0.1-1");
	assert_int_equal(a->issues.n, 0);

	assert_int_equal(feed_lookup(f, "mystery", &a), 1); /* listed twice, one record */
	assert_int_equal(a->status, ADV_STATUS_UNKNOWN);
	assert_int_equal(a->severity, SEV_UNKNOWN);
	assert_string_equal(a->fixed, ""); /* absent: as null */

	assert_int_equal(feed_lookup(f, "notme", &a), 0); /* Not affected: dropped */
	assert_null(a);
	assert_int_equal(feed_lookup(f, "aaa", &a), 0);
	assert_int_equal(feed_lookup(f, "zzz", &a), 0);
	assert_int_equal(feed_lookup(f, "zap", &a), 0);
	assert_true(feed_bytes(f) > f->n * sizeof(struct advisory));
	feed_free(f);
}

/* Asserts that the arch parser refuses doc with an error containing want. */
static void arch_refuses(const char *doc, size_t len, const char *want)
{
	char err[256] = "";
	struct feed *f = feed_parse_arch(doc, len, err, sizeof(err));
	if (f || !strstr(err, want))
		fail_msg("%.60s: got %s \"%s\", want \"%s\"", doc, f ? "a feed" : "error", err, want);
}

#define AVG_OK_FIELDS "\"status\":\"Fixed\",\"severity\":\"High\",\"type\":\"t\",\"issues\":[]"

static void test_arch_bad_input(void **state)
{
	(void)state;
	static const struct {
		const char *doc, *want;
	} cases[] = {
		{"{\"name\":\"AVG-1\"}", "not a JSON array"},
		{"\"all\"", "not a JSON array"},
		{"<html>502 Bad Gateway</html>", "not JSON (at byte 0)"},
		{"[{\"name\":\"AVG-1\"", "not JSON"},
		{"[] []", "data after the JSON value (at byte 3)"},
		{"[1]", "element 0: not an object"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"]," AVG_OK_FIELDS "},"
		 " {\"name\":\"AVG-2\",\"packages\":\"b\"," AVG_OK_FIELDS "}]",
		 "element 1: 'packages' is not an array of strings"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\", 7]," AVG_OK_FIELDS "}]",
		 "element 0: 'packages' is not an array of strings"},
		{"[{\"name\":\"AVG-1\"," AVG_OK_FIELDS "}]", "element 0: no 'packages'"},
		{"[{\"packages\":[\"a\"]," AVG_OK_FIELDS "}]", "element 0: no 'name'"},
		{"[{\"name\":12,\"packages\":[\"a\"]," AVG_OK_FIELDS "}]",
		 "element 0: 'name' is not a string"},
		{"[{\"name\":\"\",\"packages\":[\"a\"]," AVG_OK_FIELDS "}]", "element 0: 'name' is empty"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"\"]," AVG_OK_FIELDS "}]",
		 "element 0: 'packages' has an empty entry"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"fixed\":5," AVG_OK_FIELDS "}]",
		 "element 0: 'fixed' is not a string or null"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"fixed\":\"\"," AVG_OK_FIELDS "}]",
		 "element 0: 'fixed' is empty"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"affected\":[]," AVG_OK_FIELDS "}]",
		 "element 0: 'affected' is not a string or null"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"status\":\"Fixed\",\"severity\":\"High\","
		 "\"type\":\"t\",\"issues\":null}]",
		 "element 0: 'issues' is not an array of strings"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"status\":\"Fixed\",\"severity\":\"High\","
		 "\"issues\":[]}]",
		 "element 0: no 'type'"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"status\":\"Bogus\",\"severity\":\"High\","
		 "\"type\":\"t\",\"issues\":[]}]",
		 "element 0: 'status' \"Bogus\" is not a tracker status"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"status\":\"fixed\",\"severity\":\"High\","
		 "\"type\":\"t\",\"issues\":[]}]",
		 "'status' \"fixed\" is not a tracker status"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"],\"status\":\"Fixed\",\"severity\":\"high\","
		 "\"type\":\"t\",\"issues\":[]}]",
		 "element 0: 'severity' \"high\" is not a tracker severity"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\\u0007b\"]," AVG_OK_FIELDS "}]",
		 "element 0: 'packages' is not UTF-8 text without control characters"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\xff\"]," AVG_OK_FIELDS "}]",
		 "element 0: 'packages' is not UTF-8 text"},
		{"[{\"name\":\"AVG-1\",\"packages\":[\"a\"]," AVG_OK_FIELDS ",\"fixed\":\"1.0\\n\"}]",
		 "element 0: 'fixed' is not UTF-8 text"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		arch_refuses(cases[i].doc, strlen(cases[i].doc), cases[i].want);
	arch_refuses("", 0, "empty");
	/* A NUL inside the document is not JSON either. */
	arch_refuses("[]\0[]", 5, "data after the JSON value");
	/* Valid groups before a bad one never come back as a partial feed. */
	char err[256];
	struct feed *f = feed_parse_arch("[]", 2, err, sizeof(err));
	assert_non_null(f); /* the empty array is a document with no groups */
	assert_int_equal(f->n, 0);
	const struct advisory *a;
	assert_int_equal(feed_lookup(f, "zapp", &a), 0);
	feed_free(f);
}

/* A feed the way the tracker writes debsecan/release/1/CODENAME. */
static const char debian_text[] =
	"VERSION 1\n"
	"CVE-2026-1111,,Heap overflow in zapp\n"
	"CVE-2026-2000,,Denial of service in oldlib, with a comma\n"
	"TEMP-0000001-ABCDEF,,\n"
	"CVE-2026-3000,,Local privilege escalation\n"
	"\n"
	"zapp,0,SMRF,1.4.2-1,1.4.1-1+deb12u1 1.4.0-1~bpo11+1\n"
	"libzapp1,0,BH  ,1.4.2-1,\n"
	"oldlib,1,S ? ,,\n"
	"oldlib,2,SL  ,,2:1.0-1,2:1.0-2\n"
	"tool,3,BLR ,3.0-1,\n"
	"tool,3,SLR ,3.0-1,\n"
	"\n"
	"zapp,libzapp1 zapp-utils\n"
	"oldlib,oldlib1\n"
	"empty,\n";

static struct feed *debian_sample_text(void)
{
	char err[256] = "";
	struct feed *f = feed_parse_debian_text(debian_text, strlen(debian_text), err, sizeof(err));
	if (!f)
		fail_msg("debian sample refused: %s", err);
	return f;
}

/* text deflated with zlib's compress(), in a buffer the caller frees. */
static unsigned char *deflated(const char *text, size_t len, size_t *out_len)
{
	uLongf n = compressBound(len);
	unsigned char *z = malloc(n);
	assert_int_equal(compress(z, &n, (const Bytef *)text, len), Z_OK);
	*out_len = n;
	return z;
}

static void check_debian_records(const struct feed *f)
{
	assert_int_equal(f->kind, FEED_DEBIAN);
	assert_int_equal(f->n, 6);
	const struct advisory *a;
	assert_int_equal(feed_lookup(f, "zapp", &a), 1);
	assert_string_equal(a->id, "CVE-2026-1111");
	assert_string_equal(a->type, "Heap overflow in zapp");
	assert_string_equal(a->fixed, "1.4.2-1");
	assert_string_equal(a->affected, "");
	assert_int_equal(a->severity, SEV_MEDIUM);
	assert_int_equal(a->status, ADV_STATUS_NONE);
	assert_int_equal(a->flags, ADV_SOURCE | ADV_REMOTE | ADV_FIX_IN_SUITE);
	assert_int_equal(a->issues.n, 0);
	assert_int_equal(a->other_versions.n, 2);
	assert_string_equal(a->other_versions.v[0], "1.4.1-1+deb12u1");
	assert_string_equal(a->other_versions.v[1], "1.4.0-1~bpo11+1");

	assert_int_equal(feed_lookup(f, "libzapp1", &a), 1);
	assert_int_equal(a->flags, ADV_LOCAL); /* binary, ' ': local */
	assert_int_equal(a->severity, SEV_HIGH);
	assert_int_equal(a->other_versions.n, 0);

	assert_int_equal(feed_lookup(f, "oldlib", &a), 2);
	assert_string_equal(a[0].id, "CVE-2026-2000");
	assert_string_equal(a[0].type, "Denial of service in oldlib, with a comma");
	assert_int_equal(a[0].flags, ADV_SOURCE); /* '?': neither remote nor local */
	assert_int_equal(a[0].severity, SEV_UNKNOWN);
	assert_string_equal(a[0].fixed, "");
	assert_string_equal(a[1].id, "TEMP-0000001-ABCDEF");
	assert_string_equal(a[1].type, "");
	assert_int_equal(a[1].severity, SEV_LOW);
	assert_int_equal(a[1].flags, ADV_SOURCE | ADV_LOCAL);
	/* split(',', 4): the last field keeps its comma; words split at spaces */
	assert_int_equal(a[1].other_versions.n, 1);
	assert_string_equal(a[1].other_versions.v[0], "2:1.0-1,2:1.0-2");

	/* A binary and a source record of one name: both kept, binary first. */
	assert_int_equal(feed_lookup(f, "tool", &a), 2);
	assert_int_equal(a[0].flags, ADV_REMOTE);
	assert_int_equal(a[1].flags, ADV_SOURCE | ADV_REMOTE);
	assert_string_equal(a[1].type, "Local privilege escalation");
	assert_int_equal(feed_lookup(f, "zapp-utils", &a), 0); /* block 3 names no records */
}

static void test_debian_records(void **state)
{
	(void)state;
	struct feed *f = debian_sample_text();
	check_debian_records(f);
	feed_free(f);

	size_t zn;
	unsigned char *z = deflated(debian_text, strlen(debian_text), &zn);
	char err[256] = "";
	f = feed_parse_debian(z, zn, 0, err, sizeof(err));
	if (!f)
		fail_msg("deflated sample refused: %s", err);
	check_debian_records(f);
	feed_free(f);
	free(z);

	/* No vulnerabilities at all is a feed; blocks may end at the end of the
	 * text, as debsecan's loops do, and a last line may lack its newline. */
	static const char *const fine[] = {
		"VERSION 1\n", "VERSION 1\n\n\n", "VERSION 1\nCVE-1,,d",
		"VERSION 1\nCVE-1,,d\n\na,0,B   ,,", "VERSION 1\nCVE-1,,d\n\na,0,B   ,,\n\ns,a\n\nlater",
	};
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		f = feed_parse_debian_text(fine[i], strlen(fine[i]), err, sizeof(err));
		if (!f)
			fail_msg("%s: refused: %s", fine[i], err);
		assert_int_equal(f->n, i >= 3);
		feed_free(f);
	}
}

/* Asserts that the text parser refuses text with an error containing want. */
static void text_refuses(const char *text, size_t len, const char *want)
{
	char err[256] = "";
	struct feed *f = feed_parse_debian_text(text, len, err, sizeof(err));
	if (f || !strstr(err, want))
		fail_msg("%s: got %s \"%s\", want \"%s\"", text, f ? "a feed" : "error", err, want);
}

#define NAMES "VERSION 1\nCVE-1,,one\nCVE-2,,two\n\n"

static void test_debian_malformed_lines(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"VERSION 2\nCVE-1,,d\n", "VERSION 2, want VERSION 1"},
		{"VERSION 1 \n", "VERSION 1 , want VERSION 1"},
		{"version 1\n", "version 1, want VERSION 1"},
		{"VERSION 1\r\nCVE-1,,d\r\n", "no VERSION line, want VERSION 1"},
		{"VERSION 1", "truncated after the VERSION line"},
		{"<html><body>502</body></html>", "want VERSION 1"},
		{"VERSION 1\nCVE-1\n", "line 2: want name,flags,description"},
		{"VERSION 1\nCVE-1,\n", "line 2: want name,flags,description"},
		{"VERSION 1\n,,d\n", "line 2: empty vulnerability name"},
		{"VERSION 1\nCVE\x01,,d\n", "line 2: vulnerability name is not UTF-8"},
		{"VERSION 1\nCVE-1,,\xc3\x28\n", "line 2: description is not UTF-8"},
		{NAMES "a,2,B   ,,\n", "line 5: vulnerability index 2 out of range (2 names)"},
		{NAMES "a,-1,B   ,,\n", "line 5: vulnerability index \"-1\" is not a number"},
		{NAMES "a, 1,B   ,,\n", "line 5: vulnerability index \" 1\" is not a number"},
		{NAMES "a,,B   ,,\n", "line 5: vulnerability index \"\" is not a number"},
		{NAMES "a,0,B   ,1.0\n", "line 5: 4 fields, want 5"},
		{NAMES "a\n", "line 5: 1 fields, want 5"},
		{NAMES ",0,B   ,,\n", "line 5: empty package"},
		{NAMES "a\xff,0,B   ,,\n", "line 5: package is not UTF-8"},
		{NAMES "a,0,B  ,,\n", "line 5: flags \"B  \" are not 4 characters"},
		{NAMES "a,0,B    ,,\n", "are not 4 characters"},
		{NAMES "a,0,X   ,,\n", "line 5: flag 1 'X' is not B or S"},
		{NAMES "a,0,BX  ,,\n", "line 5: urgency flag 'X' is not L, M, H or blank"},
		{NAMES "a,0,BLX ,,\n", "line 5: remote flag 'X' is not R, ? or blank"},
		{NAMES "a,0,BLRX,,\n", "line 5: fix flag 'X' is not F or blank"},
		{NAMES "a,0,B   ,1.0\t,\n", "line 5: fixed version is not UTF-8"},
		{NAMES "a,0,S   ,,1.0 2.\x7f\n", "line 5: other version is not UTF-8"},
		{NAMES "a,0,S   ,,\n\nsrc\n", "line 7: want source,binaries"},
		{NAMES "a,0,S   ,,\n\nsrc,a,b\n", "line 7: want source,binaries"},
		{NAMES "a,0,S   ,,\n\n,a\n", "line 7: empty source"},
		{NAMES "a,0,S   ,,\n\nsrc,a\x1b[0m\n", "line 7: binary is not UTF-8"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		text_refuses(cases[i].text, strlen(cases[i].text), cases[i].want);
	text_refuses("", 0, "empty");
	/* A NUL in a description. */
	static const char nul[] = "VERSION 1\nCVE-1,,a\0b\n";
	text_refuses(nul, sizeof(nul) - 1, "line 2: description is not UTF-8");
}

/* Asserts that the zlib entry refuses data with an error containing want. */
static void zlib_refuses(const void *data, size_t len, size_t cap, const char *want)
{
	char err[256] = "";
	struct feed *f = feed_parse_debian(data, len, cap, err, sizeof(err));
	if (f || !strstr(err, want))
		fail_msg("%zu bytes: got %s \"%s\", want \"%s\"", len, f ? "a feed" : "error", err,
			 want);
}

static void test_debian_zlib_bad_input(void **state)
{
	(void)state;
	zlib_refuses("", 0, 0, "empty");
	zlib_refuses("VERSION 1\n", 10, 0, "not zlib data");
	zlib_refuses("x", 1, 0, "not zlib data");
	/* A gzip file (what a misconfigured server might send) is not zlib. */
	static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0,
					   0, 0, 0, 0};
	zlib_refuses(gz, sizeof(gz), 0, "not zlib data");

	size_t zn;
	unsigned char *z = deflated(debian_text, strlen(debian_text), &zn);
	/* Every cut of the stream is refused: "truncated" once the header is in. */
	for (size_t cut = 0; cut < zn; cut++)
		zlib_refuses(z, cut, 0, cut == 0 ? "empty" : cut < 2 ? "not zlib data" : "truncated");
	/* A flipped byte in the middle: corrupt (or its check fails). */
	unsigned char *bad = malloc(zn + 4);
	memcpy(bad, z, zn);
	bad[zn / 2] ^= 0x55;
	zlib_refuses(bad, zn, 0, "corrupt zlib data");
	memcpy(bad, z, zn);
	bad[zn - 1] ^= 1; /* the Adler-32 trailer */
	zlib_refuses(bad, zn, 0, "corrupt zlib data: incorrect data check");
	memcpy(bad, z, zn);
	memcpy(bad + zn, "junk", 4);
	zlib_refuses(bad, zn + 4, 0, "data after the zlib stream");
	free(bad);
	free(z);

	/* Right container, wrong content. */
	z = deflated("VERSION 2\nCVE-1,,d\n", 19, &zn);
	zlib_refuses(z, zn, 0, "VERSION 2, want VERSION 1");
	free(z);
	z = deflated("", 0, &zn);
	zlib_refuses(z, zn, 0, "no VERSION line, want VERSION 1");
	free(z);
	z = deflated(NAMES "a,9,B   ,,\n", strlen(NAMES) + 11, &zn);
	zlib_refuses(z, zn, 0, "line 5: vulnerability index 9 out of range");
	free(z);
	/* The cap counts inflated bytes: the sample itself is over a 100-byte cap. */
	z = deflated(debian_text, strlen(debian_text), &zn);
	zlib_refuses(z, zn, 100, "larger than 100 bytes once inflated");
	free(z);
}

/* zlib data for prefix followed by total bytes of zeros, deflated in a
 * stream so the zeros are never in memory at once. */
static unsigned char *deflated_zeros(const char *prefix, size_t total, size_t *out_len)
{
	static unsigned char zeros[1 << 20];
	z_stream s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit(&s, 9), Z_OK);
	struct buf out = {0};
	unsigned char chunk[1 << 16];
	size_t left = total;
	int first = 1;
	for (;;) {
		if (first) {
			s.next_in = (Bytef *)prefix;
			s.avail_in = (uInt)strlen(prefix);
			first = 0;
		} else if (!s.avail_in && left) {
			size_t n = left < sizeof(zeros) ? left : sizeof(zeros);
			s.next_in = zeros;
			s.avail_in = (uInt)n;
			left -= n;
		}
		int flush = !left && !s.avail_in ? Z_FINISH : Z_NO_FLUSH;
		s.next_out = chunk;
		s.avail_out = sizeof(chunk);
		int rc = deflate(&s, flush);
		assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
		buf_append(&out, chunk, sizeof(chunk) - s.avail_out);
		if (rc == Z_STREAM_END)
			break;
	}
	deflateEnd(&s);
	*out_len = out.len;
	return (unsigned char *)out.p;
}

/* The process's peak resident size so far, in KiB. */
static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_debian_bomb_stops_at_the_cap(void **state)
{
	(void)state;
	size_t zn;
	/* 300 MB of zeros behind a good first line: a few hundred KiB on the wire. */
	unsigned char *z = deflated_zeros("VERSION 1\n", (size_t)300 << 20, &zn);
	assert_true(zn < (1u << 20));
	long before = peak_rss_kib();
	zlib_refuses(z, zn, 8u << 20, "larger than 8 MiB once inflated");
	/* Stopped at 8 MiB: the 300 MB were never held (the peak would jump). */
	assert_true(peak_rss_kib() - before < 64 * 1024);
	free(z);
	/* Without the good first line it stops at the first block, even with
	 * the default cap. */
	z = deflated_zeros("", (size_t)300 << 20, &zn);
	before = peak_rss_kib();
	zlib_refuses(z, zn, 0, "no VERSION line, want VERSION 1");
	assert_true(peak_rss_kib() - before < 16 * 1024);
	free(z);
}

/* Offsets of the blob's header fields and record size (feed.c: struct
 * fblob_hdr, struct fblob_rec), pinned here so a change shows. */
enum { H_KIND = 16, H_NRECS = 48, H_NLIST = 56, H_STRLEN = 64, H_SIZE = 72, REC_SIZE = 32,
       R_SEVERITY = 28 };

/* Asserts that feed_from_blob refuses blob with a reason containing want. */
static void blob_refuses(const void *blob, size_t len, const char *want)
{
	char err[256] = "";
	struct feed *f = feed_from_blob(blob, len, err, sizeof(err));
	if (f || !strstr(err, want) || strncmp(err, "stored feed: ", 13) != 0)
		fail_msg("%zu bytes: got %s \"%s\", want \"%s\"", len, f ? "a feed" : "error", err,
			 want);
}

/* f through serialize and from_blob: the same feed back. */
static void round_trip(const struct feed *f, struct buf *blob)
{
	buf_reset(blob);
	feed_serialize(f, blob);
	char err[256] = "";
	struct feed *g = feed_from_blob(blob->p, blob->len, err, sizeof(err));
	if (!g)
		fail_msg("round trip refused: %s", err);
	assert_true(feed_equal(f, g));
	/* Serializing the copy gives the same bytes. */
	struct buf again = {0};
	feed_serialize(g, &again);
	assert_int_equal(again.len, blob->len);
	assert_memory_equal(again.p, blob->p, blob->len);
	buf_free(&again);
	feed_free(g);
}

static void test_blob_round_trip(void **state)
{
	(void)state;
	struct buf blob = {0};
	struct feed *f = arch_sample();
	round_trip(f, &blob);
	feed_set_origin(f, 1795500000, "https://security.archlinux.org/all.json",
			"\"5f2a-61c\"", "Tue, 03 Nov 2026 10:00:00 GMT", NULL);
	assert_string_equal(f->release, "");
	round_trip(f, &blob);
	feed_free(f);

	f = debian_sample_text();
	feed_set_origin(f, 42, "https://security-tracker.debian.org/tracker/debsecan/release/1/trixie",
			"", "", "trixie");
	round_trip(f, &blob);
	char err[256];
	struct feed *g = feed_from_blob(blob.p, blob.len, err, sizeof(err));
	assert_non_null(g);
	check_debian_records(g);
	assert_string_equal(g->release, "trixie");
	assert_int_equal(g->fetched, 42);
	feed_free(g);
	feed_free(f);

	f = feed_parse_arch("[]", 2, err, sizeof(err));
	round_trip(f, &blob);
	feed_free(f);
	buf_free(&blob);
}

static void put64(struct buf *b, size_t at, uint64_t v)
{
	memcpy(b->p + at, &v, 8);
}

static uint64_t get64(const struct buf *b, size_t at)
{
	uint64_t v;
	memcpy(&v, b->p + at, 8);
	return v;
}

static void test_blob_damage(void **state)
{
	(void)state;
	struct feed *f = debian_sample_text();
	struct buf blob = {0};
	feed_serialize(f, &blob);
	assert_int_equal(get64(&blob, H_NRECS), f->n);
	/* Every truncation. */
	for (size_t cut = 0; cut < blob.len; cut++)
		blob_refuses(blob.p, cut, cut < H_SIZE ? "too short" : "");
	blob_refuses(blob.p, H_SIZE - 1, "too short");
	struct buf d = {0};
	/* Each count one more and one less than written. */
	static const size_t counts[] = {H_NRECS, H_NLIST, H_STRLEN};
	for (size_t k = 0; k < 3; k++) {
		for (int delta = -1; delta <= 1; delta += 2) {
			buf_reset(&d);
			buf_append(&d, blob.p, blob.len);
			put64(&d, counts[k], get64(&d, counts[k]) + (uint64_t)(int64_t)delta);
			blob_refuses(d.p, d.len, "bad length");
		}
		buf_reset(&d);
		buf_append(&d, blob.p, blob.len);
		put64(&d, counts[k], UINT64_MAX / 2);
		blob_refuses(d.p, d.len, "bad counts");
	}
	/* A magic, a kind, a severity of another version. */
	buf_reset(&d);
	buf_append(&d, blob.p, blob.len);
	d.p[0] ^= 1;
	blob_refuses(d.p, d.len, "unknown format");
	buf_reset(&d);
	buf_append(&d, blob.p, blob.len);
	d.p[H_KIND] = 9;
	blob_refuses(d.p, d.len, "unknown feed kind");
	buf_reset(&d);
	buf_append(&d, blob.p, blob.len);
	d.p[H_SIZE + R_SEVERITY] = SEV_MAX + 1;
	blob_refuses(d.p, d.len, "bad record");
	/* A string offset past the section. */
	buf_reset(&d);
	buf_append(&d, blob.p, blob.len);
	memset(d.p + H_SIZE, 0xff, 4);
	blob_refuses(d.p, d.len, "record out of range");
	/* Records swapped: lookup's binary search would miss. */
	buf_reset(&d);
	buf_append(&d, blob.p, blob.len);
	char tmp[REC_SIZE];
	memcpy(tmp, d.p + H_SIZE, REC_SIZE);
	memcpy(d.p + H_SIZE, d.p + H_SIZE + 5 * REC_SIZE, REC_SIZE);
	memcpy(d.p + H_SIZE + 5 * REC_SIZE, tmp, REC_SIZE);
	blob_refuses(d.p, d.len, "records out of order");
	/* The string section's last NUL. */
	buf_reset(&d);
	buf_append(&d, blob.p, blob.len);
	d.p[d.len - 1] = 'x';
	blob_refuses(d.p, d.len, "unterminated strings");
	buf_free(&d);
	buf_free(&blob);
	feed_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_records),
		cmocka_unit_test(test_arch_bad_input),
		cmocka_unit_test(test_debian_records),
		cmocka_unit_test(test_debian_malformed_lines),
		cmocka_unit_test(test_debian_zlib_bad_input),
		cmocka_unit_test(test_debian_bomb_stops_at_the_cap),
		cmocka_unit_test(test_blob_round_trip),
		cmocka_unit_test(test_blob_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
