/* SPDX-License-Identifier: MIT */
/* Unit tests for the AUR RPC client: replies parsed strictly (FORMATS.md's example, search,
 * errors, every wrong type), dependency matching with libalpm's rules, and search, info and
 * snapshots against tests/fixtures/aurd.py on loopback (chunking, 429, refusals, timeouts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/aur/aur.h"
#include "engine/net/net.h"
#include "ipc/pkg.h"
#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"
#include "loopback.h"

#define AURD "tests/fixtures/aurd.py"

/* FORMATS.md §1.2's example, as written there. */
static const char formats_example[] =
	"{\"resultcount\":1,\"type\":\"multiinfo\",\"version\":5,\"results\":[{\"CheckDepends\":"
	"[\"python-pytest\"],\"Depends\":[\"glibc\",\"openssl>=3\"],\n"
	" \"Description\":\"Tiny example tool\",\"FirstSubmitted\":1600000000,\"ID\":1201,"
	"\"Keywords\":[\"cli\"],\"LastModified\":1731000000,\n"
	" \"License\":[\"MIT\"],\"MakeDepends\":[\"cargo\"],\"Maintainer\":\"alice\",\"Name\":"
	"\"zapp-bin\",\"NumVotes\":12,\"OptDepends\":[\"git\"],\n"
	" \"OutOfDate\":null,\"PackageBase\":\"zapp\",\"PackageBaseID\":900,\"PendingRequests\":0,"
	"\"Popularity\":0.412345,\n"
	" \"Provides\":[\"zapp=1.4.2\"],\"Submitter\":\"bob\",\"URL\":\"https://example.org/zapp\","
	"\"URLPath\":\"/cgit/aur.git/snapshot/zapp.tar.gz\",\n"
	" \"Version\":\"1:1.4.2-3\"}]}\n";

/* Parses s into l (initialised by the caller), returning the status; err kept in errbuf. */
static char errbuf[512];
static enum aur_status parse(const char *s, struct aur_list *l)
{
	errbuf[0] = '\0';
	return aur_parse(s, strlen(s), l, errbuf, sizeof(errbuf));
}

static void assert_list(const struct strlist *l, const char *const *want, uint32_t n)
{
	assert_int_equal(l->n, n);
	for (uint32_t i = 0; i < n; i++)
		assert_string_equal(l->v[i], want[i]);
}

static void test_parse_formats_example(void **state)
{
	(void)state;
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(parse(formats_example, &l), AUR_OK);
	assert_int_equal(l.n, 1);
	const struct aur_pkg *p = aur_list_find(&l, "zapp-bin");
	assert_ptr_equal(p, &l.v[0]);
	assert_null(aur_list_find(&l, "zapp"));
	assert_string_equal(p->name, "zapp-bin");
	assert_string_equal(p->base, "zapp");
	assert_string_equal(p->version, "1:1.4.2-3");
	assert_string_equal(p->desc, "Tiny example tool");
	assert_string_equal(p->url, "https://example.org/zapp");
	assert_string_equal(p->url_path, "/cgit/aur.git/snapshot/zapp.tar.gz");
	assert_string_equal(p->maintainer, "alice");
	assert_string_equal(p->submitter, "bob");
	assert_int_equal(p->id, 1201);
	assert_int_equal(p->base_id, 900);
	assert_int_equal(p->votes, 12);
	assert_true(p->popularity > 0.412344 && p->popularity < 0.412346);
	assert_int_equal(p->out_of_date, 0);
	assert_int_equal(p->first_submitted, 1600000000);
	assert_int_equal(p->last_modified, 1731000000);
	assert_int_equal(p->pending_requests, 0);
	assert_int_equal(p->info, 1);
	assert_list(&p->depends, (const char *[]){"glibc", "openssl>=3"}, 2);
	assert_list(&p->makedepends, (const char *[]){"cargo"}, 1);
	assert_list(&p->checkdepends, (const char *[]){"python-pytest"}, 1);
	assert_list(&p->optdepends, (const char *[]){"git"}, 1);
	assert_list(&p->provides, (const char *[]){"zapp=1.4.2"}, 1);
	assert_list(&p->licenses, (const char *[]){"MIT"}, 1);
	assert_list(&p->keywords, (const char *[]){"cli"}, 1);
	assert_int_equal(p->conflicts.n, 0);
	assert_int_equal(p->replaces.n, 0);
	assert_int_equal(p->groups.n, 0);
	assert_int_equal(p->comaintainers.n, 0);

	/* As a struct pkg for replies. */
	struct pkg k;
	aur_to_pkg(p, &k);
	assert_string_equal(k.name, "zapp-bin");
	assert_string_equal(k.version, "1:1.4.2-3");
	assert_string_equal(k.repo, "aur");
	assert_string_equal(k.desc, "Tiny example tool");
	assert_string_equal(k.url, "https://example.org/zapp");
	assert_string_equal(k.base, "zapp");
	assert_string_equal(k.packager, "alice");
	assert_string_equal(k.installed_version, "");
	assert_string_equal(k.arch, "");
	assert_string_equal(k.long_desc, "");
	assert_string_equal(k.section, "");
	assert_string_equal(k.source_version, "");
	assert_string_equal(k.installed_source, "");
	assert_string_equal(k.priority, "");
	assert_string_equal(k.multi_arch, "");
	assert_list(&k.depends, (const char *[]){"glibc", "openssl>=3"}, 2);
	assert_list(&k.optdepends, (const char *[]){"git"}, 1);
	assert_list(&k.provides, (const char *[]){"zapp=1.4.2"}, 1);
	assert_list(&k.licenses, (const char *[]){"MIT"}, 1);
	assert_int_equal(k.groups.n, 0);
	assert_int_equal(k.download_size, -1);
	assert_int_equal(k.installed_size, -1);
	assert_int_equal(k.build_date, 1731000000);
	assert_int_equal(k.flags, 0);
	assert_int_equal(k.reason, 0);
	aur_list_free(&l);
}

/* A search reply (aurweb's search fields only) with an orphan, an out-of-date package, nulls. */
static const char search_reply[] =
	"{\"resultcount\":2,\"results\":[{\"Description\":null,\"FirstSubmitted\":1500000000,"
	"\"ID\":7,\"LastModified\":1600000001,\"Maintainer\":null,\"Name\":\"lonely\","
	"\"NumVotes\":0,\"OutOfDate\":1650000000,\"PackageBase\":\"lonely\",\"PackageBaseID\":7,"
	"\"Popularity\":0,\"URL\":null,\"URLPath\":\"/cgit/aur.git/snapshot/lonely.tar.gz\","
	"\"Version\":\"0.1-1\"},{\"Description\":\"tab\\there\\u001b[31m\",\"FirstSubmitted\":1,"
	"\"ID\":8,\"LastModified\":2,\"Maintainer\":\"carol\",\"Name\":\"libc++\",\"NumVotes\":3,"
	"\"OutOfDate\":null,\"PackageBase\":\"libc++\",\"PackageBaseID\":8,\"Popularity\":1.5,"
	"\"URL\":\"https://libcxx.llvm.org\",\"URLPath\":\"/cgit/aur.git/snapshot/libc++.tar.gz\","
	"\"Version\":\"17.0.6-1\"}],\"type\":\"search\",\"version\":5}";

static void test_parse_search(void **state)
{
	(void)state;
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(parse(search_reply, &l), AUR_OK);
	assert_int_equal(l.n, 2);
	const struct aur_pkg *o = aur_list_find(&l, "lonely");
	assert_non_null(o);
	assert_int_equal(o->info, 0);
	assert_string_equal(o->maintainer, ""); /* null: an orphan */
	assert_string_equal(o->desc, "");
	assert_string_equal(o->url, "");
	assert_string_equal(o->submitter, ""); /* info only */
	assert_int_equal(o->out_of_date, 1650000000);
	assert_int_equal(o->depends.n, 0);
	assert_int_equal(o->licenses.n, 0);
	struct pkg k;
	aur_to_pkg(o, &k);
	assert_string_equal(k.packager, "");
	const struct aur_pkg *c = aur_list_find(&l, "libc++");
	assert_non_null(c);
	/* Control characters in text for people become spaces: no escape reaches a terminal. */
	assert_string_equal(c->desc, "tab here [31m");
	assert_int_equal(c->out_of_date, 0);
	assert_true(c->popularity == 1.5);
	/* A second reply appends. */
	assert_int_equal(parse(formats_example, &l), AUR_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[2].name, "zapp-bin");
	assert_non_null(aur_list_find(&l, "lonely"));
	/* An empty search. */
	assert_int_equal(parse("{\"resultcount\":0,\"results\":[],\"type\":\"search\",\"version\":5}",
			       &l),
			 AUR_OK);
	assert_int_equal(l.n, 3);
	aur_list_free(&l);
}

static void test_parse_error_envelope(void **state)
{
	(void)state;
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(parse(formats_example, &l), AUR_OK);
	assert_int_equal(
		parse("{\"error\":\"Query arg too small.\",\"resultcount\":0,\"results\":[],"
		      "\"type\":\"error\",\"version\":5}",
		      &l),
		AUR_ERR_RPC);
	assert_string_equal(errbuf, "the AUR refused the request: Query arg too small.");
	assert_int_equal(l.n, 1);
	/* The server's words are outside text: one line, cut when long. */
	assert_int_equal(parse("{\"error\":\"two\\nlines\\u0007\",\"type\":\"error\",\"version\":5}",
			       &l),
			 AUR_ERR_RPC);
	assert_string_equal(errbuf, "the AUR refused the request: two lines ");
	struct buf b = {0};
	buf_puts(&b, "{\"type\":\"error\",\"version\":5,\"error\":\"");
	for (int i = 0; i < 300; i++)
		buf_puts(&b, "\xc3\xa9"); /* é: a cut must not split it */
	buf_puts(&b, "\"}");
	assert_int_equal(parse(b.p, &l), AUR_ERR_RPC);
	size_t n = strlen(errbuf);
	assert_true(n < 280);
	assert_string_equal(errbuf + n - 3, "...");
	assert_true(strncmp(errbuf + n - 5, "\xc3\xa9", 2) == 0);
	buf_free(&b);
	/* An error reply must say what the error is. */
	assert_int_equal(parse("{\"type\":\"error\",\"version\":5}", &l), AUR_ERR_BAD);
	assert_string_equal(errbuf, "not an AUR RPC v5 reply: an error reply whose 'error' is missing");
	assert_int_equal(parse("{\"type\":\"error\",\"version\":5,\"error\":7}", &l), AUR_ERR_BAD);
	assert_int_equal(l.n, 1);
	aur_list_free(&l);
}

/* Replaces the first occurrence of from in the FORMATS example by to and parses it: the
 * status must be AUR_ERR_BAD with want in the error, and nothing appended. */
static void assert_bad_variant(const char *from, const char *to, const char *want)
{
	const char *at = strstr(formats_example, from);
	if (!at)
		fail_msg("'%s' is not in the example", from);
	struct buf b = {0};
	buf_append(&b, formats_example, (size_t)(at - formats_example));
	buf_puts(&b, to);
	buf_puts(&b, at + strlen(from));
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(parse(search_reply, &l), AUR_OK);
	errbuf[0] = '\0';
	enum aur_status st = aur_parse(b.p, b.len, &l, errbuf, sizeof(errbuf));
	if (st != AUR_ERR_BAD || !strstr(errbuf, want) || strchr(errbuf, '\n') ||
	    strncmp(errbuf, "not an AUR RPC v5 reply: ", 25) != 0)
		fail_msg("%s -> %s: status %d, error \"%s\"; want bad with \"%s\"", from, to, st,
			 errbuf, want);
	assert_int_equal(l.n, 2); /* the earlier reply's, nothing of this one */
	aur_list_free(&l);
	buf_free(&b);
}

static void test_parse_wrong_types(void **state)
{
	(void)state;
	/* Integers are JSON numbers, integral and in range. */
	assert_bad_variant("\"NumVotes\":12", "\"NumVotes\":\"12\"",
			   "result 0 (zapp-bin): 'NumVotes' is not an integer");
	assert_bad_variant("\"ID\":1201", "\"ID\":1201.5", "'ID' is not an integer");
	assert_bad_variant("\"ID\":1201", "\"ID\":1e300", "'ID' is not an integer");
	assert_bad_variant("\"ID\":1201", "\"ID\":true", "'ID' is not an integer");
	assert_bad_variant("\"ID\":1201", "\"ID\":null", "'ID' is not an integer");
	assert_bad_variant("\"PendingRequests\":0", "\"PendingRequests\":[]",
			   "'PendingRequests' is not an integer");
	assert_bad_variant("\"OutOfDate\":null", "\"OutOfDate\":\"yes\"",
			   "'OutOfDate' is not an integer or null");
	assert_bad_variant("\"Popularity\":0.412345", "\"Popularity\":\"high\"",
			   "'Popularity' is not a number");
	/* Strings, or null where the RPC allows it. */
	assert_bad_variant("\"Maintainer\":\"alice\"", "\"Maintainer\":5",
			   "'Maintainer' is not a string or null");
	assert_bad_variant("\"Description\":\"Tiny example tool\"", "\"Description\":{}",
			   "'Description' is not a string or null");
	assert_bad_variant("\"Name\":\"zapp-bin\"", "\"Name\":null", "'Name' is not a string");
	assert_bad_variant("\"Version\":\"1:1.4.2-3\"", "\"Version\":1.4",
			   "'Version' is not a string");
	assert_bad_variant("\"URLPath\":\"/cgit/aur.git/snapshot/zapp.tar.gz\"", "\"URLPath\":null",
			   "'URLPath' is not a string");
	/* Lists are arrays of strings. */
	assert_bad_variant("\"Depends\":[\"glibc\",\"openssl>=3\"]", "\"Depends\":\"glibc\"",
			   "'Depends' is not an array of strings");
	assert_bad_variant("\"Depends\":[\"glibc\",\"openssl>=3\"]", "\"Depends\":[\"glibc\",3]",
			   "'Depends' is not an array of strings");
	assert_bad_variant("\"License\":[\"MIT\"]", "\"License\":[null]",
			   "'License' is not an array of strings");
	assert_bad_variant("\"Depends\":[\"glibc\",\"openssl>=3\"]", "\"Depends\":[\"\"]",
			   "'Depends' has an empty entry");
	assert_bad_variant("\"Depends\":[\"glibc\",\"openssl>=3\"]", "\"Depends\":[\"a\\nb\"]",
			   "'Depends' holds a control character");
	/* Names, versions and paths end up in paths and command lines. */
	assert_bad_variant("\"Name\":\"zapp-bin\"", "\"Name\":\"../../etc\"",
			   "result 0: 'Name' is not a package name");
	assert_bad_variant("\"Name\":\"zapp-bin\"", "\"Name\":\"-rf\"", "'Name' is not a package name");
	assert_bad_variant("\"Name\":\"zapp-bin\"", "\"Name\":\"\"", "'Name' is not a package name");
	assert_bad_variant("\"PackageBase\":\"zapp\"", "\"PackageBase\":\"a/b\"",
			   "(zapp-bin): 'PackageBase' is not a package name");
	assert_bad_variant("\"Version\":\"1:1.4.2-3\"", "\"Version\":\"1.0 -1\"",
			   "'Version' is not a version");
	assert_bad_variant("\"Version\":\"1:1.4.2-3\"", "\"Version\":\"1/2-1\"",
			   "'Version' is not a version");
	assert_bad_variant("\"URLPath\":\"/cgit/aur.git/snapshot/zapp.tar.gz\"",
			   "\"URLPath\":\"//evil.example/x.tar.gz\"", "'URLPath' is not a path on the AUR");
	assert_bad_variant("\"URLPath\":\"/cgit/aur.git/snapshot/zapp.tar.gz\"",
			   "\"URLPath\":\"@evil.example/x\"", "'URLPath' is not a path on the AUR");
	assert_bad_variant("\"Maintainer\":\"alice\"", "\"Maintainer\":\"al\\u001bice\"",
			   "'Maintainer' holds a control character");
	assert_bad_variant("\"Submitter\":\"bob\"", "\"Submitter\":\"b\xff\"",
			   "'Submitter' is not UTF-8");
	/* The envelope. */
	assert_bad_variant("\"version\":5", "\"version\":4", "'version' is not 5");
	assert_bad_variant("\"version\":5", "\"version\":\"5\"", "'version' is not a number");
	assert_bad_variant("\"version\":5", "\"vers\":5", "'version' is missing");
	assert_bad_variant("\"type\":\"multiinfo\"", "\"type\":\"info\"",
			   "'type' is not search, multiinfo or error");
	assert_bad_variant("\"type\":\"multiinfo\"", "\"type\":[]", "'type' is not a string");
	assert_bad_variant("\"resultcount\":1", "\"resultcount\":2",
			   "'resultcount' is 2 but 1 results came");
	assert_bad_variant("\"resultcount\":1", "\"resultcount\":\"1\"",
			   "'resultcount' is not an integer");
	assert_bad_variant("\"resultcount\":1,", "\"resultcount\":0,", "'resultcount' is 0 but 1");
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(parse("{\"resultcount\":2,\"type\":\"search\",\"version\":5,"
			       "\"results\":[7,{}]}",
			       &l),
			 AUR_ERR_BAD);
	assert_string_equal(errbuf, "not an AUR RPC v5 reply: result 0 is not an object");
	assert_int_equal(parse("{\"resultcount\":0,\"type\":\"search\",\"version\":5,\"results\":{}}",
			       &l),
			 AUR_ERR_BAD);
	assert_string_equal(errbuf, "not an AUR RPC v5 reply: 'results' is not an array");
	assert_int_equal(parse("{\"resultcount\":0,\"type\":\"search\",\"version\":5}", &l),
			 AUR_ERR_BAD);
	assert_string_equal(errbuf, "not an AUR RPC v5 reply: 'results' is missing");
	aur_list_free(&l);
}

static void test_parse_missing_fields(void **state)
{
	(void)state;
	assert_bad_variant("\"Name\":\"zapp-bin\",", "", "result 0: 'Name' is missing");
	assert_bad_variant("\"PackageBase\":\"zapp\",", "",
			   "result 0 (zapp-bin): 'PackageBase' is missing");
	assert_bad_variant(",\n \"Version\":\"1:1.4.2-3\"", "",
			   "result 0 (zapp-bin): 'Version' is missing");
	/* The second of two results: its index is named, and the first is not kept either. */
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(
		parse("{\"resultcount\":2,\"type\":\"search\",\"version\":5,\"results\":["
		      "{\"Name\":\"a\",\"PackageBase\":\"a\",\"Version\":\"1-1\"},"
		      "{\"Name\":\"b\",\"PackageBase\":\"b\"}]}",
		      &l),
		AUR_ERR_BAD);
	assert_string_equal(errbuf, "not an AUR RPC v5 reply: result 1 (b): 'Version' is missing");
	assert_int_equal(l.n, 0);
	/* Only those three are required: the rest take their empty values. */
	assert_int_equal(parse("{\"resultcount\":1,\"type\":\"search\",\"version\":5,\"results\":["
			       "{\"Name\":\"a\",\"PackageBase\":\"a\",\"Version\":\"1-1\","
			       "\"Unknown\":{\"new\":[1]}}]}",
			       &l),
			 AUR_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].desc, "");
	assert_string_equal(l.v[0].url_path, "");
	assert_string_equal(l.v[0].maintainer, "");
	assert_int_equal(l.v[0].id, 0);
	aur_list_free(&l);
}

static void test_parse_garbage(void **state)
{
	(void)state;
	struct aur_list l;
	aur_list_init(&l);
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{"", "not an AUR RPC v5 reply: empty"},
		{"nul", "not an AUR RPC v5 reply: not JSON (at byte 0)"},
		{"{\"version\":5,", "not an AUR RPC v5 reply: not JSON"},
		{"[]", "not an AUR RPC v5 reply: not a JSON object"},
		{"{}", "not an AUR RPC v5 reply: 'version' is missing"},
		{"<html><body>Service Unavailable</body></html>", "not JSON (at byte 0)"},
		{"{\"resultcount\":0,\"results\":[],\"type\":\"search\",\"version\":5} x",
		 "data after the JSON value (at byte 59)"},
		{"{\"resultcount\":0,\"results\":[],\"type\":\"search\",\"version\":5}{}",
		 "data after the JSON value"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].in, &l) != AUR_ERR_BAD || !strstr(errbuf, cases[i].want))
			fail_msg("'%s': \"%s\", want \"%s\"", cases[i].in, errbuf, cases[i].want);
	}
	/* Trailing white space is fine; NUL bytes after the value are not. */
	const char ok[] = "{\"resultcount\":0,\"results\":[],\"type\":\"search\",\"version\":5}\r\n\t ";
	assert_int_equal(parse(ok, &l), AUR_OK);
	char nul[sizeof(ok) + 1];
	memcpy(nul, ok, sizeof(ok));
	nul[sizeof(ok) - 2] = '\0';
	assert_int_equal(aur_parse(nul, sizeof(ok) - 1, &l, errbuf, sizeof(errbuf)), AUR_ERR_BAD);
	/* The parser keeps to len: no NUL after the bytes is needed. */
	char *copy = xmalloc(sizeof(formats_example) - 1);
	memcpy(copy, formats_example, sizeof(formats_example) - 1);
	assert_int_equal(aur_parse(copy, sizeof(formats_example) - 1, &l, errbuf, sizeof(errbuf)),
			 AUR_OK);
	free(copy);
	/* Random bytes, and nesting far past cJSON's limit. */
	srand(15);
	char junk[4096];
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)(rand() & 0xff);
		errbuf[0] = '\0';
		assert_int_equal(aur_parse(junk, sizeof(junk), &l, errbuf, sizeof(errbuf)),
				 AUR_ERR_BAD);
		assert_true(errbuf[0] && !strchr(errbuf, '\n'));
	}
	struct buf deep = {0};
	for (int i = 0; i < 100000; i++)
		buf_putc(&deep, '[');
	assert_int_equal(aur_parse(deep.p, deep.len, &l, errbuf, sizeof(errbuf)), AUR_ERR_BAD);
	buf_free(&deep);
	assert_int_equal(l.n, 1); /* the example's, and nothing of the refused */
	aur_list_free(&l);
}

/* Appends a search reply of n packages big-NNNNNN to b. */
static void big_reply(struct buf *b, int n)
{
	buf_printf(b, "{\"resultcount\":%d,\"type\":\"search\",\"version\":5,\"results\":[", n);
	for (int i = 0; i < n; i++)
		buf_printf(b,
			   "%s{\"ID\":%d,\"Name\":\"big-%06d\",\"PackageBase\":\"big-%06d\","
			   "\"Version\":\"1.%d-1\",\"Description\":\"package number %d\","
			   "\"Maintainer\":\"m%d\",\"NumVotes\":%d,\"Popularity\":0.5}",
			   i ? "," : "", i, i, i, i, i, i % 7, i);
	buf_puts(b, "]}");
}

static void test_parse_huge(void **state)
{
	(void)state;
	struct buf b = {0};
	big_reply(&b, 5000);
	struct aur_list l;
	aur_list_init(&l);
	assert_int_equal(aur_parse(b.p, b.len, &l, errbuf, sizeof(errbuf)), AUR_OK);
	assert_int_equal(l.n, 5000);
	const struct aur_pkg *p = aur_list_find(&l, "big-004321");
	assert_non_null(p);
	assert_string_equal(p->version, "1.4321-1");
	assert_string_equal(p->maintainer, "m2"); /* 4321 % 7 */
	/* Interned: the seven maintainers are seven strings. */
	assert_ptr_equal(l.v[0].maintainer, l.v[7].maintainer);
	aur_list_free(&l);
	buf_free(&b);
}

static void test_by_valid(void **state)
{
	(void)state;
	const char *good[] = {"name-desc", "name", "maintainer", "depends", "makedepends",
			      "optdepends", "checkdepends", "provides", "conflicts", "replaces",
			      "groups", "submitter", "keywords", "comaintainers"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(aur_by_valid(good[i]));
	const char *bad_bys[] = {"", "Name", "desc", "id", "name-desc ", "popularity", "base"};
	for (size_t i = 0; i < sizeof(bad_bys) / sizeof(bad_bys[0]); i++)
		assert_false(aur_by_valid(bad_bys[i]));
	assert_false(aur_by_valid(NULL));
}

/* ---- dependency strings ---- */

static void assert_split(const char *dep, const char *name, const char *op, const char *ver)
{
	char n[64];
	const char *o, *v;
	aur_dep_split(dep, n, sizeof(n), &o, &v);
	if (strcmp(n, name) || strcmp(o, op) || strcmp(v, ver))
		fail_msg("%s: (%s, %s, %s), want (%s, %s, %s)", dep, n, o, v, name, op, ver);
}

static void test_dep_split(void **state)
{
	(void)state;
	assert_split("glibc>=2.38", "glibc", ">=", "2.38");
	assert_split("foo=1.2", "foo", "=", "1.2");
	assert_split("bar", "bar", "", "");
	assert_split("a<1", "a", "<", "1");
	assert_split("a<=1:2.0-3", "a", "<=", "1:2.0-3");
	assert_split("a>1", "a", ">", "1");
	assert_split("libc++>=17", "libc++", ">=", "17");
	assert_split("sh=", "sh", "=", "");
	/* An optdepend's description (": " with its blank, never an epoch's colon). */
	assert_split("git: for vcs sources", "git", "", "");
	assert_split("python>=3: scripts", "python", ">=", "3: scripts");
	assert_split("", "", "", "");
	/* The version is borrowed from the string. */
	const char *dep = "openssl>=3.0";
	char n[8];
	const char *o, *v;
	aur_dep_split(dep, n, sizeof(n), &o, &v);
	assert_ptr_equal(v, dep + 9);
	assert_string_equal(n, "openssl");
	/* A name longer than the buffer is cut, never overflowed. */
	aur_dep_split("averyveryverylongname>1", n, sizeof(n), &o, &v);
	assert_string_equal(n, "averyve");
	assert_string_equal(o, ">");
}

/* Whether name at version providing the given list satisfies dep. */
static int sat(const char *dep, const char *name, const char *version, const char *const *prov,
	       uint32_t n)
{
	struct strlist l = {prov, n};
	return aur_dep_satisfied(dep, name, version, &l);
}

static void test_dep_satisfied(void **state)
{
	(void)state;
	/* By name. */
	assert_true(sat("foo", "foo", "1.0-1", NULL, 0));
	assert_false(sat("foo", "foobar", "1.0-1", NULL, 0));
	assert_false(sat("foobar", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo>=1.0", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo<=1.0", "foo", "1.0-1", NULL, 0));
	assert_false(sat("foo<1.0", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo>0.9", "foo", "1.0-1", NULL, 0));
	assert_false(sat("foo>1.0", "foo", "1.0-1", NULL, 0));
	/* pkgrel counts only when both sides have one. */
	assert_true(sat("foo=1.0", "foo", "1.0-5", NULL, 0));
	assert_false(sat("foo=1.0-2", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo<1.0-2", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo>=1.0-1", "foo", "1.0-1", NULL, 0));
	assert_false(sat("foo>1.0-1", "foo", "1.0-1", NULL, 0));
	/* Epochs: a missing one is 0 and beats every version. */
	assert_true(sat("foo>=2.0", "foo", "1:1.0-1", NULL, 0));
	assert_false(sat("foo<2.0", "foo", "1:1.0-1", NULL, 0));
	assert_false(sat("foo=1:1.0", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo=0:1.0", "foo", "1.0-1", NULL, 0));
	assert_true(sat("foo>1:9", "foo", "2:0.1-1", NULL, 0));
	/* rpmvercmp: a pre-release's letters sort before the release. */
	assert_false(sat("foo>=1.0", "foo", "1.0rc1-1", NULL, 0));
	assert_true(sat("foo>=1.0", "foo", "1.0.1-1", NULL, 0));
	assert_true(sat("foo>1.9", "foo", "1.10-1", NULL, 0));

	/* By provision. */
	const char *bare[] = {"bar"};
	const char *exact[] = {"bar=1.5"};
	const char *ranged[] = {"bar>=2"};
	const char *other[] = {"baz=9", "bar-git=9"};
	assert_true(sat("bar", "foo", "1-1", bare, 1));
	assert_false(sat("bar>=1", "foo", "1-1", bare, 1)); /* versionless: only "bar" */
	assert_true(sat("bar>=1", "foo", "1-1", exact, 1));
	assert_true(sat("bar=1.5", "foo", "1-1", exact, 1));
	assert_true(sat("bar<2", "foo", "1-1", exact, 1));
	assert_false(sat("bar>1.5", "foo", "1-1", exact, 1));
	assert_true(sat("bar", "foo", "1-1", exact, 1));
	assert_true(sat("bar", "foo", "1-1", ranged, 1)); /* a name is a name */
	assert_false(sat("bar>=2", "foo", "1-1", ranged, 1)); /* only '=' provisions count */
	assert_false(sat("bar", "foo", "1-1", other, 2));
	assert_true(sat("baz>8", "foo", "1-1", other, 2));
	/* A provision's version does not satisfy the package's own name, nor the reverse. */
	const char *selfp[] = {"foo=9"};
	assert_true(sat("foo>=9", "foo", "1-1", selfp, 1));
	assert_false(sat("foo>=9", "foo", "1-1", NULL, 0));
	/* NULL provides is an empty list; a dependency's description is not its version. */
	assert_true(aur_dep_satisfied("foo: why", "foo", "1-1", NULL));
	assert_false(aur_dep_satisfied("bar", "foo", "1-1", NULL));
}

/* ---- against aurd.py on loopback ---- */

struct env {
	char base[64];
	char www[96];
	char log[96];
	struct loopback srv;
	struct aur_conf conf;
	char url[64];
};

static struct env *E;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void put_file(const char *name, const void *data, size_t n)
{
	char path[200];
	snprintf(path, sizeof(path), "%s/%s", E->www, name);
	assert_int_equal(fd_replace_buf(path, 0644, data, n), 0);
}

/* Sets aurd's behaviour table (re-read on every request). */
static void behave(const char *json)
{
	put_file("_behaviour.json", json, strlen(json));
}

/* How many requests the server has logged for path. */
static int count(const char *path)
{
	cJSON *all = loopback_requests(E->log, path);
	int n = cJSON_GetArraySize(all);
	cJSON_Delete(all);
	return n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The packages the server knows: FORMATS.md's zapp-bin, an orphan, libc++ (a '+' to
 * encode), a split base, 250 bulk-NNN and 100 with 60-character names. */
static void write_packages(void)
{
	struct buf b = {0};
	buf_puts(&b, "[{\"Name\":\"zapp-bin\",\"PackageBase\":\"zapp\",\"Version\":\"1:1.4.2-3\","
		     "\"Description\":\"Tiny example tool\",\"Maintainer\":\"alice\","
		     "\"Depends\":[\"glibc\",\"openssl>=3\"],\"MakeDepends\":[\"cargo\"],"
		     "\"Provides\":[\"zapp=1.4.2\"],\"Keywords\":[\"cli\"]},\n"
		     "{\"Name\":\"lonely\",\"Maintainer\":null,\"OutOfDate\":1650000000},\n"
		     "{\"Name\":\"libc++\",\"Version\":\"17.0.6-1\"},\n"
		     "{\"Name\":\"two-a\",\"PackageBase\":\"two\"},"
		     "{\"Name\":\"two-b\",\"PackageBase\":\"two\"}");
	for (int i = 0; i < 250; i++)
		buf_printf(&b, ",\n{\"Name\":\"bulk-%03d\",\"Version\":\"%d.0-1\"}", i, i);
	for (int i = 0; i < 100; i++)
		buf_printf(&b, ",\n{\"Name\":\"long-%055d\"}", i);
	buf_puts(&b, "]\n");
	put_file("packages.json", b.p, b.len);
	buf_free(&b);
}

static int group_setup(void **state)
{
	(void)state;
	E = xcalloc(1, sizeof(*E));
	strcpy(E->base, "/tmp/omg-aur-rpc-XXXXXX");
	if (!mkdtemp(E->base))
		return -1;
	snprintf(E->www, sizeof(E->www), "%s/www", E->base);
	snprintf(E->log, sizeof(E->log), "%s/requests.log", E->base);
	char snaps[128];
	snprintf(snaps, sizeof(snaps), "%s/snapshots", E->www);
	if (mkdir(E->www, 0700) != 0 || mkdir(snaps, 0700) != 0)
		return -1;
	write_packages();
	char why[256];
	const char *args[] = {"--lifetime", "300", E->www, E->log, NULL};
	if (net_init() != 0 || loopback_start(&E->srv, AURD, args, why, sizeof(why)) != 0) {
		fprintf(stderr, "test_aur_rpc: %s\n", why);
		return -1;
	}
	snprintf(E->url, sizeof(E->url), "http://127.0.0.1:%d", E->srv.port);
	E->conf = (struct aur_conf){.url = E->url, .timeout_ms = 5000};
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	loopback_stop(&E->srv);
	nftw(E->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(E);
	return 0;
}

/* Each live test starts with plain serving. */
static int plain(void **state)
{
	(void)state;
	behave("{}");
	return 0;
}

/* A search that must succeed; its results in l (initialised here). */
static void search_ok(const char *by, const char *arg, struct aur_list *l)
{
	aur_list_init(l);
	char err[512] = "";
	enum aur_status st = aur_search(&E->conf, by, arg, l, err, sizeof(err));
	if (st != AUR_OK)
		fail_msg("search by %s for '%s': %d %s", by, arg, st, err);
}

static void test_search_live(void **state)
{
	(void)state;
	struct aur_list l;
	int before = count("/rpc/v5/search/zapp");
	search_ok("name", "zapp", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "zapp-bin");
	assert_string_equal(l.v[0].maintainer, "alice");
	assert_int_equal(l.v[0].info, 0);
	assert_int_equal(l.v[0].depends.n, 0); /* search replies carry no lists */
	aur_list_free(&l);
	cJSON *all = loopback_requests(E->log, "/rpc/v5/search/zapp");
	assert_int_equal(cJSON_GetArraySize(all), before + 1);
	cJSON *rec = cJSON_GetArrayItem(all, before);
	assert_string_equal(cJSON_GetObjectItem(rec, "query")->valuestring, "by=name");
	cJSON_Delete(all);

	/* The default field is name-desc, which looks in descriptions too. */
	search_ok(NULL, "tiny EXAMPLE", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "zapp-bin");
	aur_list_free(&l);
	/* '+' is sent as %2B, not as a blank. */
	search_ok("name", "c++", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "libc++");
	aur_list_free(&l);
	assert_int_equal(count("/rpc/v5/search/c++"), 1);
	/* A provision's name, and the package's own. */
	search_ok("provides", "zapp", &l);
	assert_int_equal(l.n, 1);
	aur_list_free(&l);
	search_ok("provides", "libc++", &l);
	assert_int_equal(l.n, 1);
	aur_list_free(&l);
	search_ok("depends", "openssl", &l);
	assert_int_equal(l.n, 1);
	aur_list_free(&l);
	search_ok("makedepends", "glibc", &l);
	assert_int_equal(l.n, 0);
	aur_list_free(&l);
	/* Orphans: maintainer "" (the query form: an empty path segment is no route). */
	int q = count("/rpc/v5/search");
	search_ok("maintainer", "", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "lonely");
	assert_string_equal(l.v[0].maintainer, "");
	assert_int_equal(l.v[0].out_of_date, 1650000000);
	aur_list_free(&l);
	/* A '/' cannot travel in a path segment either. */
	search_ok("name", "a/b", &l);
	assert_int_equal(l.n, 0);
	aur_list_free(&l);
	assert_int_equal(count("/rpc/v5/search"), q + 2);
	/* The configured URL may end with a slash. */
	char slashed[80];
	snprintf(slashed, sizeof(slashed), "%s//", E->url);
	struct aur_conf c = E->conf;
	c.url = slashed;
	aur_list_init(&l);
	char err[256];
	assert_int_equal(aur_search(&c, "name", "bulk-00", &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(l.n, 10);
	aur_list_free(&l);
}

static void test_search_refused_here(void **state)
{
	(void)state;
	cJSON *all = loopback_requests(E->log, NULL);
	int before = cJSON_GetArraySize(all);
	cJSON_Delete(all);
	struct aur_list l;
	aur_list_init(&l);
	char err[256];
	assert_int_equal(aur_search(&E->conf, "name", "z", &l, err, sizeof(err)), AUR_ERR_RPC);
	assert_string_equal(err, "the AUR refused the request: Query arg too small.");
	/* Characters, not bytes: "é" is one. */
	assert_int_equal(aur_search(&E->conf, "name-desc", "\xc3\xa9", &l, err, sizeof(err)),
			 AUR_ERR_RPC);
	assert_int_equal(aur_search(&E->conf, "name", "", &l, err, sizeof(err)), AUR_ERR_RPC);
	assert_int_equal(aur_search(&E->conf, "bogus", "zapp", &l, err, sizeof(err)), AUR_ERR_RPC);
	assert_string_equal(err, "the AUR refused the request: Incorrect by field specified.");
	all = loopback_requests(E->log, NULL);
	assert_int_equal(cJSON_GetArraySize(all), before); /* none of them was sent */
	cJSON_Delete(all);
	/* The server says the same when asked. */
	behave("{}");
	assert_int_equal(aur_search(&E->conf, "maintainer", "x", &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(count("/rpc/v5/search/x"), 1);
	aur_list_free(&l);
}

/* The names in a logged info request's arg[]. */
static int logged_args(const cJSON *rec)
{
	const cJSON *args = cJSON_GetObjectItem(rec, "args");
	return cJSON_GetArraySize(cJSON_GetObjectItem(args, "arg[]"));
}

static void test_info_chunks(void **state)
{
	(void)state;
	const char *names[260];
	char store[260][16];
	for (int i = 0; i < 250; i++) {
		snprintf(store[i], sizeof(store[i]), "bulk-%03d", i);
		names[i] = store[i];
	}
	int before = count("/rpc/v5/info");
	struct aur_list l;
	aur_list_init(&l);
	char err[512] = "";
	assert_int_equal(aur_info(&E->conf, names, 250, &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(l.n, 250);
	for (int i = 0; i < 250; i++) {
		const struct aur_pkg *p = aur_list_find(&l, names[i]);
		assert_non_null(p);
		assert_int_equal(p->info, 1);
		char v[16];
		snprintf(v, sizeof(v), "%d.0-1", i);
		assert_string_equal(p->version, v);
	}
	/* 250 names: three requests of 100, 100 and 50, visible in the server's log. */
	cJSON *all = loopback_requests(E->log, "/rpc/v5/info");
	assert_int_equal(cJSON_GetArraySize(all), before + 3);
	assert_int_equal(logged_args(cJSON_GetArrayItem(all, before)), 100);
	assert_int_equal(logged_args(cJSON_GetArrayItem(all, before + 1)), 100);
	assert_int_equal(logged_args(cJSON_GetArrayItem(all, before + 2)), 50);
	cJSON_Delete(all);
	aur_list_free(&l);

	/* Long names: the URL's length splits them sooner (every URL under 4000 bytes). */
	char longs[100][64];
	for (int i = 0; i < 100; i++) {
		snprintf(longs[i], sizeof(longs[i]), "long-%055d", i);
		names[i] = longs[i];
	}
	before = count("/rpc/v5/info");
	aur_list_init(&l);
	assert_int_equal(aur_info(&E->conf, names, 100, &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(l.n, 100);
	all = loopback_requests(E->log, "/rpc/v5/info");
	int reqs = cJSON_GetArraySize(all) - before, total = 0;
	assert_true(reqs >= 2);
	for (int i = before; i < cJSON_GetArraySize(all); i++) {
		const cJSON *rec = cJSON_GetArrayItem(all, i);
		size_t len = strlen(E->url) + strlen("/rpc/v5/info?") +
			     strlen(cJSON_GetObjectItem(rec, "query")->valuestring);
		assert_true(len < 4000);
		total += logged_args(rec);
	}
	assert_int_equal(total, 100);
	cJSON_Delete(all);
	aur_list_free(&l);

	/* Unknown names are simply absent; an empty name or list asks nothing; '+' survives. */
	const char *mixed[] = {"zapp-bin", "no-such-package", "", "libc++", "two-b"};
	before = count("/rpc/v5/info");
	aur_list_init(&l);
	assert_int_equal(aur_info(&E->conf, mixed, 5, &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(l.n, 3);
	assert_non_null(aur_list_find(&l, "libc++"));
	const struct aur_pkg *z = aur_list_find(&l, "zapp-bin");
	assert_non_null(z);
	assert_list(&z->depends, (const char *[]){"glibc", "openssl>=3"}, 2);
	assert_list(&z->licenses, (const char *[]){"MIT"}, 1);
	assert_string_equal(aur_list_find(&l, "two-b")->base, "two");
	assert_int_equal(count("/rpc/v5/info"), before + 1);
	assert_int_equal(aur_info(&E->conf, mixed, 0, &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(aur_info(&E->conf, mixed + 2, 1, &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(count("/rpc/v5/info"), before + 1);
	assert_int_equal(l.n, 3);
	aur_list_free(&l);
}

static void test_rate_limit(void **state)
{
	(void)state;
	behave("{\"/rpc/v5/info\": {\"status\": 429}, \"/rpc/v5/search/*\": {\"status\": 429}}");
	const char *names[] = {"zapp-bin"};
	struct aur_list l;
	aur_list_init(&l);
	char err[256];
	assert_int_equal(aur_info(&E->conf, names, 1, &l, err, sizeof(err)), AUR_ERR_RATE);
	assert_string_equal(err, "the AUR's rate limit was reached (HTTP 429): try again later");
	assert_int_equal(aur_search(&E->conf, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_RATE);
	assert_string_equal(err, "the AUR's rate limit was reached (HTTP 429): try again later");
	assert_int_equal(l.n, 0);
	aur_list_free(&l);
}

static void test_error_replies(void **state)
{
	(void)state;
	const char *names[] = {"zapp-bin"};
	struct aur_list l;
	aur_list_init(&l);
	char err[512];
	/* HTTP 200 with type error (aurweb's validation errors). */
	behave("{\"/rpc/v5/info\": {\"error\": \"Too many package results.\"}}");
	assert_int_equal(aur_info(&E->conf, names, 1, &l, err, sizeof(err)), AUR_ERR_RPC);
	assert_string_equal(err, "the AUR refused the request: Too many package results.");
	/* HTTP 400 with the envelope (a refused POST): its words too. */
	behave("{\"/rpc/v5/info\": {\"status\": 400, \"error\": \"Incorrect request type specified.\"}}");
	assert_int_equal(aur_info(&E->conf, names, 1, &l, err, sizeof(err)), AUR_ERR_RPC);
	assert_string_equal(err, "the AUR refused the request: Incorrect request type specified.");
	/* A 400 that is not the envelope, a 500, a 404: net's line. */
	behave("{\"/rpc/v5/info\": {\"status\": 400, \"body\": \"<html>bad</html>\"},"
	       " \"/rpc/v5/search/*\": {\"status\": 503}}");
	assert_int_equal(aur_info(&E->conf, names, 1, &l, err, sizeof(err)), AUR_ERR_NET);
	char want[256];
	snprintf(want, sizeof(want), "%s/rpc/v5/info (1 name): HTTP 400", E->url);
	assert_string_equal(err, want);
	assert_int_equal(aur_search(&E->conf, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	snprintf(want, sizeof(want), "%s/rpc/v5/search/zapp?by=name: HTTP 503", E->url);
	assert_string_equal(err, want);
	struct aur_conf c = E->conf;
	char other[96];
	snprintf(other, sizeof(other), "%s/not-the-aur", E->url);
	c.url = other;
	assert_int_equal(aur_search(&c, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	assert_non_null(strstr(err, "HTTP 404"));
	assert_int_equal(l.n, 0);

	/* A failure midway stops there: the first chunk's records stay, no third request. */
	behave("{\"/rpc/v5/info\": {\"after\": 1, \"status\": 502}}");
	const char *many[250];
	char store[250][16];
	for (int i = 0; i < 250; i++) {
		snprintf(store[i], sizeof(store[i]), "bulk-%03d", i);
		many[i] = store[i];
	}
	int before = count("/rpc/v5/info");
	assert_int_equal(aur_info(&E->conf, many, 250, &l, err, sizeof(err)), AUR_ERR_NET);
	snprintf(want, sizeof(want), "%s/rpc/v5/info (100 names): HTTP 502", E->url);
	assert_string_equal(err, want);
	assert_int_equal(l.n, 100);
	assert_non_null(aur_list_find(&l, "bulk-099"));
	assert_null(aur_list_find(&l, "bulk-100"));
	assert_int_equal(count("/rpc/v5/info"), before + 2);
	aur_list_free(&l);
}

static void test_bad_replies_live(void **state)
{
	(void)state;
	struct aur_list l;
	aur_list_init(&l);
	char err[512];
	behave("{\"/rpc/v5/search/*\": {\"garbage_bytes\": 1000}}");
	assert_int_equal(aur_search(&E->conf, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_BAD);
	assert_non_null(strstr(err, "not an AUR RPC v5 reply: not JSON"));
	/* A reply with a wrong type, served as aurweb never would. */
	behave("{\"/rpc/v5/search/*\": {\"body\": \"{\\\"resultcount\\\":1,\\\"type\\\":\\\"search\\\","
	       "\\\"version\\\":5,\\\"results\\\":[{\\\"Name\\\":\\\"x\\\",\\\"PackageBase\\\":"
	       "\\\"x\\\",\\\"Version\\\":\\\"1-1\\\",\\\"NumVotes\\\":\\\"many\\\"}]}\"}}");
	assert_int_equal(aur_search(&E->conf, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_BAD);
	assert_string_equal(err, "not an AUR RPC v5 reply: result 0 (x): 'NumVotes' is not an integer");
	/* Past the 16 MiB default cap (garbage or not, it is not read to the end). */
	behave("{\"/rpc/v5/search/*\": {\"garbage_bytes\": 17825792}}");
	assert_int_equal(aur_search(&E->conf, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	assert_non_null(strstr(err, "larger than 16.0 MiB"));
	/* A huge valid reply: read under the default cap, refused under a small one. */
	behave("{\"/rpc/v5/search/*\": {\"huge_results\": 3000}}");
	assert_int_equal(aur_search(&E->conf, "name", "zapp", &l, err, sizeof(err)), AUR_OK);
	assert_int_equal(l.n, 3000);
	struct aur_conf c = E->conf;
	c.max_bytes = 64 << 10;
	assert_int_equal(aur_search(&c, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	assert_non_null(strstr(err, "larger than 64.0 KiB"));
	assert_int_equal(l.n, 3000);
	aur_list_free(&l);
}

static void test_timeout(void **state)
{
	(void)state;
	behave("{\"/rpc/v5/search/*\": {\"hang\": true}, \"/rpc/v5/info\": {\"hang\": true}}");
	struct aur_conf c = E->conf;
	c.timeout_ms = 1500;
	struct aur_list l;
	aur_list_init(&l);
	char err[512];
	double t0 = now();
	assert_int_equal(aur_search(&c, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	double took = now() - t0;
	assert_true(took >= 1.0 && took < 6.0);
	/* net ends a silent transfer by its low-speed rule or its timeout, whichever is
	 * first: either way its reason follows the URL. */
	assert_non_null(strstr(err, "/rpc/v5/search/zapp?by=name: "));
	if (!strstr(err, "slower than") && !strstr(err, "timed out"))
		fail_msg("%s", err);
	/* A long info URL is shown short, and does not crowd out the reason. */
	const char *names[100];
	char store[100][64];
	for (int i = 0; i < 100; i++) {
		snprintf(store[i], sizeof(store[i]), "long-%055d", i);
		names[i] = store[i];
	}
	t0 = now();
	assert_int_equal(aur_info(&c, names, 100, &l, err, sizeof(err)), AUR_ERR_NET);
	assert_true(now() - t0 < 6.0); /* one request timed out, then it stopped */
	char want[128];
	snprintf(want, sizeof(want), "%s/rpc/v5/info (", E->url);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	/* net's own line (URL first, 512 bytes) has no room left for the reason after a
	 * 4000-byte URL: the status names it. */
	assert_non_null(strstr(err, "names): timeout"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(l.n, 0);
	aur_list_free(&l);
}

static void test_snapshot(void **state)
{
	(void)state;
	static const char tarball[] = "\x1f\x8b not really a tarball, but bytes to fetch";
	put_file("snapshots/zapp.tar.gz", tarball, sizeof(tarball) - 1);
	const char *names[] = {"zapp-bin", "two-a"};
	struct aur_list l;
	aur_list_init(&l);
	char err[512];
	assert_int_equal(aur_info(&E->conf, names, 2, &l, err, sizeof(err)), AUR_OK);
	const struct aur_pkg *z = aur_list_find(&l, "zapp-bin");
	assert_non_null(z);
	struct buf out = {0};
	buf_puts(&out, "old");
	assert_int_equal(aur_fetch_snapshot(&E->conf, z, 0, &out, err, sizeof(err)), AUR_OK);
	assert_int_equal(out.len, sizeof(tarball) - 1);
	assert_memory_equal(out.p, tarball, out.len);
	assert_int_equal(count("/cgit/aur.git/snapshot/zapp.tar.gz"), 1);
	/* Capped. */
	assert_int_equal(aur_fetch_snapshot(&E->conf, z, 10, &out, err, sizeof(err)), AUR_ERR_NET);
	assert_non_null(strstr(err, "larger than 10 B"));
	/* The split base "two" has no snapshot served: a 404. */
	const struct aur_pkg *t = aur_list_find(&l, "two-a");
	assert_int_equal(aur_fetch_snapshot(&E->conf, t, 0, &out, err, sizeof(err)), AUR_ERR_NET);
	assert_non_null(strstr(err, "/cgit/aur.git/snapshot/two.tar.gz: HTTP 404"));
	/* No URLPath: aurweb's own path for the base. */
	struct aur_pkg p = *z;
	p.url_path = "";
	assert_int_equal(aur_fetch_snapshot(&E->conf, &p, 0, &out, err, sizeof(err)), AUR_OK);
	assert_int_equal(count("/cgit/aur.git/snapshot/zapp.tar.gz"), 3);
	/* A path that would leave the AUR's host is not fetched. */
	const char *hostile[] = {"//evil.example/x.tar.gz", "@evil.example/x", "x.tar.gz",
				 "/a b", "/x#y"};
	cJSON *all = loopback_requests(E->log, NULL);
	int before = cJSON_GetArraySize(all);
	cJSON_Delete(all);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		p.url_path = hostile[i];
		assert_int_equal(aur_fetch_snapshot(&E->conf, &p, 0, &out, err, sizeof(err)),
				 AUR_ERR_BAD);
		assert_string_equal(err,
				    "zapp-bin: the AUR's snapshot path is not a path on the AUR");
	}
	all = loopback_requests(E->log, NULL);
	assert_int_equal(cJSON_GetArraySize(all), before);
	cJSON_Delete(all);
	/* 429 on a snapshot. */
	behave("{\"/cgit/aur.git/snapshot/zapp.tar.gz\": {\"status\": 429}}");
	assert_int_equal(aur_fetch_snapshot(&E->conf, z, 0, &out, err, sizeof(err)), AUR_ERR_RATE);
	buf_free(&out);
	aur_list_free(&l);
}

static void test_refused_connection(void **state)
{
	(void)state;
	/* Port 1 (tcpmux), as test_net: nothing listens there on a test machine. */
	struct aur_conf c = {.url = "http://127.0.0.1:1", .timeout_ms = 3000};
	struct aur_list l;
	aur_list_init(&l);
	char err[512];
	assert_int_equal(aur_search(&c, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	assert_true(strncmp(err, "http://127.0.0.1:1/rpc/v5/search/zapp?by=name: ", 47) == 0);
	/* Not http(s): net refuses it. */
	c.url = "file:///etc";
	assert_int_equal(aur_search(&c, "name", "zapp", &l, err, sizeof(err)), AUR_ERR_NET);
	assert_non_null(strstr(err, "only http and https"));
	aur_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest parsing[] = {
		cmocka_unit_test(test_parse_formats_example),
		cmocka_unit_test(test_parse_search),
		cmocka_unit_test(test_parse_error_envelope),
		cmocka_unit_test(test_parse_wrong_types),
		cmocka_unit_test(test_parse_missing_fields),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_huge),
		cmocka_unit_test(test_by_valid),
		cmocka_unit_test(test_dep_split),
		cmocka_unit_test(test_dep_satisfied),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test_setup(test_search_live, plain),
		cmocka_unit_test_setup(test_search_refused_here, plain),
		cmocka_unit_test_setup(test_info_chunks, plain),
		cmocka_unit_test_setup(test_rate_limit, plain),
		cmocka_unit_test_setup(test_error_replies, plain),
		cmocka_unit_test_setup(test_bad_replies_live, plain),
		cmocka_unit_test_setup(test_timeout, plain),
		cmocka_unit_test_setup(test_snapshot, plain),
		cmocka_unit_test_setup(test_refused_connection, plain),
	};
	int failed = cmocka_run_group_tests_name("aur_rpc_parse", parsing, NULL, NULL);
	failed += cmocka_run_group_tests_name("aur_rpc_live", live, group_setup, group_teardown);
	return failed ? 1 : 0;
}
