/* SPDX-License-Identifier: MIT */
/* Unit tests for the runtimes' indexes: each format parsed strictly (FORMATS.md §4's examples,
 * every wrong type naming its field), version strings and their order, choosing a release
 * (latest, lts, prefixes, the closest on a miss) and the plan of what to download. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "engine/runtimes/runtimes.h"
#include "util/buf.h"

static char err[512];

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* Replaces the first from in doc by to (into a new buffer the caller frees). */
static char *variant(const char *doc, const char *from, const char *to)
{
	const char *at = strstr(doc, from);
	if (!at)
		fail_msg("'%s' is not in the document", from);
	struct buf b = {0};
	buf_append(&b, doc, (size_t)(at - doc));
	buf_puts(&b, to);
	buf_puts(&b, at + strlen(from));
	return b.p;
}

typedef int (*parse_fn)(struct rt_index *, const char *, size_t, char *, size_t);

/* doc with from replaced by to must be refused by parse with want in the one-line
 * error, and leave the index as it was. */
static void refused(enum rt_kind k, parse_fn parse, const char *doc, const char *from,
		    const char *to, const char *want)
{
	char *bad = variant(doc, from, to);
	struct rt_index idx;
	rt_index_init(&idx, k);
	err[0] = '\0';
	int rc = parse(&idx, bad, strlen(bad), err, sizeof(err));
	if (rc != -1 || !strstr(err, want) || strchr(err, '\n') || idx.n != 0)
		fail_msg("%s -> %s: rc %d, %zu releases, error \"%s\"; want \"%s\"", from, to, rc,
			 idx.n, err, want);
	rt_index_free(&idx);
	free(bad);
}

/* ------------------------------------------------------------------ versions */

static void test_version_ok(void **state)
{
	(void)state;
	const char *good[] = {"20", "20.11.1", "1.21rc2", "21.0.2+13", "3.4.0-preview1",
			      "1.9.3-p551", "1.79.0-nightly", "a1", "x_y"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!rt_version_ok(good[i]))
			fail_msg("%s refused", good[i]);
	const char *bad[] = {"", "../x", "1/2", "20\n", "1..2", ".1", "-1", "+1", "1 2", "v\x7f",
			     "20.11.1/../../etc", "1\t", "..",
			     "12345678901234567890123456789012345678901234567890123456789012345"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rt_version_ok(bad[i]))
			fail_msg("%s taken", bad[i]);
	assert_false(rt_version_ok(NULL));
	/* 64 bytes is the most. */
	assert_true(rt_version_ok(
		"1234567890123456789012345678901234567890123456789012345678901234"));
}

static void test_vercmp(void **state)
{
	(void)state;
	static const char *const order[][2] = {
		/* older, newer */
		{"20.10.0", "20.11.1"}, {"9.0.0", "10.0.0"},      {"1.21rc2", "1.21.0"},
		{"1.22rc1", "1.22"},    {"1.22beta1", "1.22rc1"}, {"3.13.0a5", "3.13.0"},
		{"3.13.0a5", "3.13.0b1"}, {"1.9.3", "1.9.3-p551"}, {"1.9.3-p9", "1.9.3-p10"},
		{"21.0.2+9", "21.0.2+13"}, {"20", "20.0.1"},       {"3.4.0-preview1", "3.4.0"},
		{"1.79.0-nightly", "1.79.0"}, {"1.2", "1.10"},     {"007", "8"},
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (rt_vercmp(order[i][0], order[i][1]) >= 0 ||
		    rt_vercmp(order[i][1], order[i][0]) <= 0)
			fail_msg("%s < %s does not hold", order[i][0], order[i][1]);
	}
	assert_int_equal(rt_vercmp("20.11.1", "20.11.1"), 0);
	assert_int_equal(rt_vercmp("07", "7"), 0);
	assert_true(rt_version_stable("20.11.1"));
	assert_true(rt_version_stable("1.9.3-p551"));
	assert_true(rt_version_stable("21.0.2+13"));
	assert_false(rt_version_stable("1.21rc2"));
	assert_false(rt_version_stable("3.4.0-preview1"));
	assert_int_equal(rt_version_major("21.0.2+13"), 21);
	assert_int_equal(rt_version_major("x1"), -1);
}

static void test_kinds(void **state)
{
	(void)state;
	for (int k = 0; k < RT_KINDS; k++) {
		enum rt_kind got;
		assert_int_equal(rt_kind_from_name(rt_kind_name((enum rt_kind)k), &got), 0);
		assert_int_equal(got, k);
	}
	enum rt_kind got;
	assert_int_equal(rt_kind_from_name("deno", &got), -1);
	assert_int_equal(rt_kind_from_name(NULL, &got), -1);
}

/* ------------------------------------------------------------------ node */

/* FORMATS.md §4.1's example, then two more releases. */
static const char node_doc[] =
	"[{\"version\":\"v22.1.0\",\"date\":\"2024-05-02\",\"files\":[\"linux-x64\",\"src\"],"
	"\"lts\":false,\"security\":false},\n"
	"{\"version\":\"v20.11.1\",\"date\":\"2024-02-14\",\"files\":[\"linux-x64\","
	"\"osx-arm64-tar\",\"src\"],\"npm\":\"10.2.4\",\"v8\":\"11.3.244.8\",\n"
	"  \"uv\":\"1.46.0\",\"zlib\":\"1.3.0.1-motley\",\"openssl\":\"3.0.13+quic\",\"modules\":"
	"\"115\",\"lts\":\"Iron\",\"security\":true},\n"
	"{\"version\":\"v20.10.0\",\"date\":\"2023-11-22\",\"files\":[\"linux-x64\"],"
	"\"lts\":\"Iron\"},\n"
	"{\"version\":\"v18.19.1\",\"date\":\"2024-02-14\",\"files\":[\"linux-arm64\"],"
	"\"lts\":\"Hydrogen\",\"security\":true}]\n";

static void test_node(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_NODE);
	assert_int_equal(rt_node_parse(&idx, node_doc, strlen(node_doc), err, sizeof(err)), 0);
	assert_int_equal(idx.n, 4);
	const struct rt_release *r = rt_index_find(&idx, "20.11.1");
	assert_non_null(r);
	assert_string_equal(r->raw, "v20.11.1");
	assert_string_equal(r->date, "2024-02-14");
	assert_string_equal(r->lts, "Iron");
	assert_true(r->security);
	assert_true(r->stable);
	assert_int_equal(r->major, 20);
	assert_int_equal(r->nfiles, 3);
	assert_string_equal(r->files[1].name, "osx-arm64-tar");
	assert_string_equal(r->files[1].sha256, "");
	assert_int_equal(r->files[1].size, -1);
	assert_null(rt_index_find(&idx, "22.1.0")->lts);
	assert_false(rt_index_find(&idx, "20.10.0")->security);

	/* A refused document appends nothing to what is there. */
	assert_int_equal(rt_node_parse(&idx, "[{\"version\":1}]", 15, err, sizeof(err)), -1);
	assert_int_equal(idx.n, 4);
	rt_index_free(&idx);

	refused(RT_NODE, rt_node_parse, node_doc, "\"lts\":\"Iron\",\"security\":true",
		"\"lts\":7,\"security\":true", "entry 1 (v20.11.1): 'lts' is neither false nor a codename");
	refused(RT_NODE, rt_node_parse, node_doc, "\"lts\":false", "\"lts\":true", "'lts'");
	refused(RT_NODE, rt_node_parse, node_doc, "\"v22.1.0\"", "\"22.1.0\"",
		"entry 0: 'version' is not \"v\" and a version");
	refused(RT_NODE, rt_node_parse, node_doc, "\"v22.1.0\"", "\"v22/../1\"", "'version'");
	refused(RT_NODE, rt_node_parse, node_doc, "\"v22.1.0\"", "\"v20.10.0\"", "listed twice");
	refused(RT_NODE, rt_node_parse, node_doc, "\"2024-05-02\"", "\"May 2\"", "'date'");
	refused(RT_NODE, rt_node_parse, node_doc, "\"files\":[\"linux-x64\",\"src\"]",
		"\"files\":\"linux-x64\"", "'files' is not an array");
	refused(RT_NODE, rt_node_parse, node_doc, "[\"linux-x64\",\"src\"]",
		"[\"linux-x64\",\"../src\"]", "'files' holds");
	refused(RT_NODE, rt_node_parse, node_doc, "\"security\":false", "\"security\":\"no\"",
		"'security' is not true or false");
	refused(RT_NODE, rt_node_parse, node_doc, "\"npm\":\"10.2.4\"", "\"npm\":10",
		"'npm' is not a string");
	refused(RT_NODE, rt_node_parse, node_doc, "\"date\":\"2024-05-02\",", "", "'date' is missing");
	refused(RT_NODE, rt_node_parse, node_doc, "}]\n", "}] x", "data after the JSON value");
	rt_index_init(&idx, RT_NODE);
	assert_int_equal(rt_node_parse(&idx, "{\"a\":1}", 7, err, sizeof(err)), -1);
	assert_string_equal(err, "index.json: not a JSON array");
	rt_index_free(&idx);
	refused(RT_NODE, rt_node_parse, node_doc, "{\"version\":\"v20.10.0\"", "7,{\"version\":\"v20.10.0\"",
		"entry 2 is not an object");
}

/* ------------------------------------------------------------------ checksum lists */

static void test_sums(void **state)
{
	(void)state;
	struct rt_sums s = {0};
	const char *doc = HEX_A "  node-v20.11.1-linux-x64.tar.xz\n" HEX_B " *win-x64/node.exe\r\n"
				"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA  "
				"upper.tar.gz";
	assert_int_equal(rt_sums_parse(&s, "SHASUMS256.txt", doc, strlen(doc), err, sizeof(err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(rt_sums_find(&s, "node-v20.11.1-linux-x64.tar.xz"), HEX_A);
	assert_string_equal(rt_sums_find(&s, "win-x64/node.exe"), HEX_B);
	assert_string_equal(rt_sums_find(&s, "upper.tar.gz"), HEX_A); /* lower-cased */
	assert_null(rt_sums_find(&s, "node-v20.11.1-linux-x64.tar"));
	/* The same name twice with the same sum is no contradiction. */
	const char *twice = HEX_A "  a\n" HEX_A "  a\n";
	assert_int_equal(rt_sums_parse(&s, "S", twice, strlen(twice), err, sizeof(err)), 0);
	assert_int_equal(s.n, 1);

	static const struct {
		const char *doc, *want;
	} bad[] = {
		{"", "S: empty"},
		{HEX_A "  a\n\n", "line 2 does not start with a sha256"},
		{HEX_A " a.tar.gz\n", "line 1: the sha256 is not followed by two blanks"},
		{HEX_A "x  a\n", "line 1: the sha256 is not followed by two blanks"},
		{"zz" HEX_A "  a\n", "line 1 does not start with a sha256"},
		{HEX_A "  /etc/passwd\n", "line 1: the file name is not a relative path"},
		{HEX_A "  a/../../b\n", "not a relative path"},
		{HEX_A "  a/\n", "not a relative path"},
		{HEX_A "  a\x1b[31m\n", "not a relative path"},
		{HEX_A "  \n", "line 1 does not start with a sha256"},
		{HEX_A "  a\n" HEX_B "  a\n", "line 2: a is listed twice with two sums"},
		{HEX_A "  a\xff\n", "not UTF-8"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (rt_sums_parse(&s, "S", bad[i].doc, strlen(bad[i].doc), err, sizeof(err)) != -1 ||
		    !strstr(err, bad[i].want) || strchr(err, '\n'))
			fail_msg("case %zu: error \"%s\", want \"%s\"", i, err, bad[i].want);
	}
	/* A refusal left the last good list alone. */
	assert_int_equal(s.n, 1);
	rt_sums_free(&s);
}

/* ------------------------------------------------------------------ go */

static const char go_doc[] =
	"[{\"version\":\"go1.23rc1\",\"stable\":false,\"files\":[{\"filename\":"
	"\"go1.23rc1.linux-amd64.tar.gz\",\"os\":\"linux\",\"arch\":\"amd64\",\"version\":"
	"\"go1.23rc1\",\"sha256\":\"" HEX_C "\",\"size\":68000000,\"kind\":\"archive\"}]},\n"
	"{\"version\":\"go1.22.1\",\"stable\":true,\"files\":[{\"filename\":"
	"\"go1.22.1.linux-amd64.tar.gz\",\"os\":\"linux\",\"arch\":\"amd64\",\"version\":"
	"\"go1.22.1\",\"sha256\":\"" HEX_A "\",\"size\":68965341,\"kind\":\"archive\"},"
	"{\"filename\":\"go1.22.1.src.tar.gz\",\"os\":\"\",\"arch\":\"\",\"version\":\"go1.22.1\","
	"\"sha256\":\"" HEX_B "\",\"size\":27000000,\"kind\":\"source\"}]},\n"
	"{\"version\":\"go1.21.8\",\"stable\":true,\"files\":[]}]";

static void test_go(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_GO);
	assert_int_equal(rt_go_parse(&idx, go_doc, strlen(go_doc), err, sizeof(err)), 0);
	assert_int_equal(idx.n, 3);
	const struct rt_release *r = rt_index_find(&idx, "1.22.1");
	assert_non_null(r);
	assert_string_equal(r->raw, "go1.22.1");
	assert_true(r->stable);
	assert_false(rt_index_find(&idx, "1.23rc1")->stable);
	assert_int_equal(r->nfiles, 2);
	assert_string_equal(r->files[0].name, "go1.22.1.linux-amd64.tar.gz");
	assert_string_equal(r->files[0].os, "linux");
	assert_string_equal(r->files[0].arch, "amd64");
	assert_string_equal(r->files[0].kind, "archive");
	assert_string_equal(r->files[0].sha256, HEX_A);
	assert_int_equal(r->files[0].size, 68965341);
	assert_string_equal(r->files[1].kind, "source");
	rt_index_free(&idx);

	refused(RT_GO, rt_go_parse, go_doc, "\"stable\":true", "\"stable\":1",
		"release 1 (go1.22.1): 'stable' is not true or false");
	refused(RT_GO, rt_go_parse, go_doc, "\"size\":68965341", "\"size\":-1",
		"release 1 (go1.22.1) file 0: 'size' is not a size in bytes");
	refused(RT_GO, rt_go_parse, go_doc, "\"size\":68965341", "\"size\":1.5", "'size'");
	refused(RT_GO, rt_go_parse, go_doc, "\"size\":68965341", "\"size\":\"9\"", "'size'");
	refused(RT_GO, rt_go_parse, go_doc, HEX_A, "abc", "'sha256' is not 64 hex digits");
	refused(RT_GO, rt_go_parse, go_doc, "\"kind\":\"source\"", "\"kind\":\"zip\"", "'kind'");
	refused(RT_GO, rt_go_parse, go_doc, "\"version\":\"go1.22.1\",\"sha256\"",
		"\"version\":\"go1.21.8\",\"sha256\"", "'version' is not the release's");
	refused(RT_GO, rt_go_parse, go_doc, "\"go1.22.1.linux-amd64.tar.gz\"", "\"../x.tar.gz\"",
		"'filename' is not a file name");
	refused(RT_GO, rt_go_parse, go_doc, "\"version\":\"go1.21.8\"", "\"version\":\"1.21.8\"",
		"release 2: 'version' is not \"go\" and a version");
	refused(RT_GO, rt_go_parse, go_doc, ",\"files\":[]", "", "release 2 (go1.21.8): 'files' is missing");
	refused(RT_GO, rt_go_parse, go_doc, "\"os\":\"linux\",\"arch\":\"amd64\",\"version\":\"go1.22.1\"",
		"\"os\":null,\"arch\":\"amd64\",\"version\":\"go1.22.1\"", "'os' is not a string");
}

/* ------------------------------------------------------------------ python */

static const char py_latest[] =
	"{\"version\":1,\"tag\":\"20240415\",\"release_url\":\"https://github.com/astral-sh/"
	"python-build-standalone/releases/tag/20240415\",\"asset_url_prefix\":\"https://github.com/"
	"astral-sh/python-build-standalone/releases/download/20240415/\"}";

static const char py_sums[] =
	HEX_A "  cpython-3.12.3+20240415-x86_64-unknown-linux-gnu-install_only.tar.gz\n"
	HEX_B "  cpython-3.12.3+20240415-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz\n"
	HEX_B "  cpython-3.12.3+20240415-aarch64-unknown-linux-gnu-install_only.tar.gz\n"
	HEX_B "  cpython-3.12.3+20240415-x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst\n"
	HEX_B "  cpython-3.13.0a6+20240415-x86_64-unknown-linux-gnu-freethreaded-install_only.tar.gz\n"
	HEX_C "  cpython-3.13.0a6+20240415-x86_64-unknown-linux-gnu-install_only.tar.gz\n"
	HEX_C "  cpython-3.11.9+20240415-x86_64_v3-unknown-linux-gnu-install_only.tar.gz\n";

static void test_python(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_PYTHON);
	assert_int_equal(rt_python_parse_latest(&idx, py_latest, strlen(py_latest), err,
						sizeof(err)),
			 0);
	assert_string_equal(idx.python_tag, "20240415");
	assert_string_equal(idx.python_url_prefix,
			    "https://github.com/astral-sh/python-build-standalone/releases/download/"
			    "20240415");
	assert_int_equal(rt_python_parse_sums(&idx, py_sums, strlen(py_sums),
					      "x86_64-unknown-linux-gnu", err, sizeof(err)),
			 0);
	assert_int_equal(idx.n, 2); /* 3.12.3 and 3.13.0a6: the rest are other builds */
	const struct rt_release *r = rt_index_find(&idx, "3.12.3");
	assert_non_null(r);
	assert_true(r->stable);
	assert_string_equal(r->date, "20240415");
	assert_int_equal(r->nfiles, 1);
	assert_string_equal(r->files[0].sha256, HEX_A);
	assert_string_equal(r->files[0].url,
			    "https://github.com/astral-sh/python-build-standalone/releases/download/"
			    "20240415/cpython-3.12.3%2B20240415-x86_64-unknown-linux-gnu-install_only"
			    ".tar.gz");
	assert_false(rt_index_find(&idx, "3.13.0a6")->stable);

	/* A list of another release than latest-release.json names is refused. */
	char *other = variant(py_sums, "3.12.3+20240415-x86_64-unknown-linux-gnu-install_only.",
			      "3.12.3+20240101-x86_64-unknown-linux-gnu-install_only.");
	struct rt_index j;
	rt_index_init(&j, RT_PYTHON);
	assert_int_equal(rt_python_parse_latest(&j, py_latest, strlen(py_latest), err, sizeof(err)), 0);
	assert_int_equal(rt_python_parse_sums(&j, other, strlen(other), "x86_64-unknown-linux-gnu",
					      err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "is not of release 20240415"));
	assert_int_equal(j.n, 0);
	free(other);
	rt_index_free(&j);
	rt_index_free(&idx);

	refused(RT_PYTHON, rt_python_parse_latest, py_latest, "\"version\":1", "\"version\":2",
		"latest-release.json: 'version' is not 1");
	refused(RT_PYTHON, rt_python_parse_latest, py_latest, "\"tag\":\"20240415\"", "\"tag\":\"latest\"",
		"'tag' is not a YYYYMMDD tag");
	refused(RT_PYTHON, rt_python_parse_latest, py_latest, "\"asset_url_prefix\":\"https:",
		"\"asset_url_prefix\":\"file:", "'asset_url_prefix' is not an http(s) URL");
}

/* ------------------------------------------------------------------ rust */

static const char rust_doc[] =
	"manifest-version = \"2\"\n"
	"date = \"2024-03-21\"\n"
	"# a comment\n"
	"[pkg.rust]\n"
	"version = \"1.77.0 (aedd173a2 2024-03-17)\"\n"
	"\n"
	"[pkg.rust.target.x86_64-unknown-linux-gnu]\n"
	"available = true\n"
	"url = \"https://static.rust-lang.org/dist/2024-03-21/rust-1.77.0-x86_64-unknown-linux-gnu.tar.gz\"\n"
	"hash = \"" HEX_A "\"\n"
	"xz_url = \"https://static.rust-lang.org/dist/2024-03-21/rust-1.77.0-x86_64-unknown-linux-gnu.tar.xz\"\n"
	"xz_hash = \"" HEX_B "\"\n"
	"[[pkg.rust.target.x86_64-unknown-linux-gnu.components]]\n"
	"pkg = \"rustc\"\n"
	"target = \"x86_64-unknown-linux-gnu\"\n"
	"[[pkg.rust.target.x86_64-unknown-linux-gnu.components]]\n"
	"pkg = 'cargo'\n"
	"target = \"x86_64-unknown-linux-gnu\"\n"
	"[pkg.rust.target.riscv64gc-unknown-none-elf]\n"
	"available = false\n"
	"[pkg.cargo.target.x86_64-unknown-linux-gnu]\n"
	"available = true\n"
	"url = \"https://static.rust-lang.org/dist/2024-03-21/cargo-1.77.0-x86_64-unknown-linux-gnu.tar.gz\"\n"
	"hash = \"" HEX_C "\"\n"
	"[renames.clippy]\n"
	"to = \"clippy-preview\"\n"
	"[profiles]\n"
	"minimal = [\"rustc\", \"cargo\", \"rust-std\"]\n"
	"default = [\n  \"rustc\",  # the compiler\n  \"cargo\",\n]\n"
	"[extra]\n"
	"n = -12\n"
	"t = { a = \"\\u00e9\\t\", b = [1, 2], c = {} }\n";

static void test_toml(void **state)
{
	(void)state;
	struct rt_toml *d = rt_toml_parse("m", rust_doc, strlen(rust_doc), err, sizeof(err));
	if (!d)
		fail_msg("%s", err);
	const struct rt_toml_val *v = rt_toml_get(d, "pkg.rust.target.x86_64-unknown-linux-gnu.components");
	assert_non_null(v);
	assert_int_equal(v->type, RT_TOML_ARRAY);
	assert_int_equal(v->i, 2);
	v = rt_toml_get(d, "pkg.rust.target.x86_64-unknown-linux-gnu.components[1].pkg");
	assert_non_null(v);
	assert_string_equal(v->s, "cargo");
	assert_int_equal(rt_toml_get(d, "profiles.default")->i, 2);
	assert_string_equal(rt_toml_get(d, "profiles.default[1]")->s, "cargo");
	assert_int_equal(rt_toml_get(d, "extra.n")->i, -12);
	assert_string_equal(rt_toml_get(d, "extra.t.a")->s, "\xc3\xa9\t");
	assert_int_equal(rt_toml_get(d, "extra.t.b[1]")->i, 2);
	assert_int_equal(rt_toml_get(d, "extra.t.c")->type, RT_TOML_TABLE);
	assert_int_equal(rt_toml_get(d, "pkg.rust.target.riscv64gc-unknown-none-elf.available")->i, 0);
	assert_null(rt_toml_get(d, "pkg.nothing"));
	rt_toml_free(d);

	static const struct {
		const char *doc, *want;
	} bad[] = {
		{"a = \"\"\"x\"\"\"\n", "line 1: multi-line strings are not supported"},
		{"a = 1.5\n", "line 1: only strings"},
		{"a = 1979-05-27\n", "line 1: only strings"},
		{"a = 0x10\n", "line 1: only strings"},
		{"a = 1_000\n", "line 1: only strings"},
		{"a.b = 1\n", "line 1: dotted keys are not supported"},
		{"a = 1\na = 2\n", "line 2: a is defined twice"},
		{"[t]\n[t]\n", "line 2: [t] is defined twice"},
		{"a = 1\n[a]\n", "line 2: [a] is defined twice"},
		{"a = 1\n[a.b]\n", "line 2: a is a value, not a table"},
		{"[t]\nx = 1\n[[t]]\n", "line 3: t is not an array of tables"},
		{"a = \"x\\q\"\n", "an unknown escape"},
		{"a = \"\\ud800\"\n", "names no character"},
		{"a = \"x\n", "a string is not closed on its line"},
		{"a = [1, 2\n", "an array is not closed"},
		{"a = [1 2]\n", "',' or ']' is expected"},
		{"a = {b = 1,\n c = 2}\n", "line 1: a key is expected"},
		{"a = 1 b\n", "line 1: unexpected text after the value"},
		{"a\n", "'=' is expected after a key"},
		{"= 1\n", "a key is expected"},
		{"[a\n", "a table header is not closed"},
		{"a = \"\x01\"\n", "a control character"},
		{"a = 01\n", "leading zero"},
		{"a = 12345678901234567890\n", "too large"},
		{"a = \xff\n", "not UTF-8"},
		{"a = [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]\n", "nested deeper"},
		{"\"a.b\" = 1\n", "a quoted key holds"},
		{"a = tru\n", "only strings"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		d = rt_toml_parse("m", bad[i].doc, strlen(bad[i].doc), err, sizeof(err));
		if (d || !strstr(err, bad[i].want) || strchr(err, '\n'))
			fail_msg("case %zu (%s): error \"%s\", want \"%s\"", i, bad[i].doc, err,
				 bad[i].want);
	}
}

static void test_rust(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_RUST);
	if (rt_rust_parse(&idx, rust_doc, strlen(rust_doc), "x86_64-unknown-linux-gnu", err,
			  sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(idx.n, 1);
	const struct rt_release *r = &idx.v[0];
	assert_string_equal(r->version, "1.77.0");
	assert_string_equal(r->raw, "1.77.0 (aedd173a2 2024-03-17)");
	assert_string_equal(r->date, "2024-03-21");
	assert_true(r->stable);
	assert_int_equal(r->nfiles, 3); /* rust .tar.gz and .tar.xz, cargo .tar.gz */
	assert_string_equal(r->files[0].kind, "rust");
	assert_string_equal(r->files[0].name, "rust-1.77.0-x86_64-unknown-linux-gnu.tar.gz");
	assert_string_equal(r->files[0].sha256, HEX_A);
	assert_string_equal(r->files[1].name, "rust-1.77.0-x86_64-unknown-linux-gnu.tar.xz");
	assert_string_equal(r->files[1].sha256, HEX_B);
	assert_string_equal(r->files[2].kind, "cargo");
	rt_index_free(&idx);

	/* A target nobody builds for: a release without files. */
	rt_index_init(&idx, RT_RUST);
	assert_int_equal(rt_rust_parse(&idx, rust_doc, strlen(rust_doc), "riscv64gc-unknown-none-elf",
				       err, sizeof(err)),
			 0);
	assert_int_equal(idx.v[0].nfiles, 0);
	rt_index_free(&idx);

	/* rust_parse's refusals go through the rust kind; parse_fn has no triple. */
	static const struct {
		const char *from, *to, *want;
	} bad[] = {
		{"manifest-version = \"2\"", "manifest-version = \"1\"", "'manifest-version' is not \"2\""},
		{"manifest-version = \"2\"", "manifest-version = 2", "'manifest-version' is not a string"},
		{"version = \"1.77.0 (", "version = \"x1.77.0 (", "'pkg.rust.version' does not start"},
		{"hash = \"" HEX_A, "hash = \"" HEX_A "0", "hash' is not 64 hex digits"},
		{"available = true", "available = \"yes\"", "available' is not true or false"},
		{"url = \"https://static.rust-lang.org/dist/2024-03-21/rust-",
		 "url = \"ftp://static.rust-lang.org/dist/2024-03-21/rust-", "url' is not an http(s) URL"},
		{"date = \"2024-03-21\"\n", "", "'date' is missing"},
		{"hash = \"" HEX_C "\"\n", "", "x86_64-unknown-linux-gnu.hash' is missing"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *doc = variant(rust_doc, bad[i].from, bad[i].to);
		rt_index_init(&idx, RT_RUST);
		err[0] = '\0';
		if (rt_rust_parse(&idx, doc, strlen(doc), "x86_64-unknown-linux-gnu", err,
				  sizeof(err)) != -1 ||
		    !strstr(err, bad[i].want) || idx.n)
			fail_msg("case %zu: error \"%s\", want \"%s\"", i, err, bad[i].want);
		rt_index_free(&idx);
		free(doc);
	}
}

/* ------------------------------------------------------------------ java */

static const char java_doc[] =
	"[{\"id\":\"x\",\"release_name\":\"jdk-21.0.2+13\",\"release_type\":\"ga\",\"binaries\":["
	"{\"os\":\"linux\",\"architecture\":\"x64\",\"image_type\":\"jdk\",\"jvm_impl\":\"hotspot\","
	"\"package\":{\"name\":\"OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz\",\"link\":"
	"\"https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.2%2B13/"
	"OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz\",\"size\":206000000,\"checksum\":\""
	HEX_A "\"}},"
	"{\"os\":\"linux\",\"architecture\":\"aarch64\",\"image_type\":\"jdk\",\"package\":{\"name\":"
	"\"OpenJDK21U-jdk_aarch64_linux_hotspot_21.0.2_13.tar.gz\",\"link\":\"https://example.org/"
	"a.tar.gz\",\"size\":1,\"checksum\":\"" HEX_B "\"}}],"
	"\"version_data\":{\"major\":21,\"minor\":0,\"security\":2,\"build\":13,\"semver\":"
	"\"21.0.2+13.0.LTS\",\"openjdk_version\":\"21.0.2+13-LTS\"}},\n"
	"{\"release_name\":\"jdk-22.0.1+8\",\"binaries\":[],\"version_data\":{\"semver\":\"22.0.1+8\","
	"\"openjdk_version\":\"22.0.1+8\"}},\n"
	"{\"release_name\":\"jdk-23+10-ea-beta\",\"binaries\":[],\"version_data\":{\"semver\":"
	"\"23.0.0-beta+10\",\"openjdk_version\":\"23-ea+10\"}},\n"
	"{\"release_name\":\"jdk-17.0.10+7\",\"binaries\":[],\"version_data\":{\"semver\":"
	"\"17.0.10+7\",\"openjdk_version\":\"17.0.10+7\"}}]";

/* /v3/assets/latest: one element per binary. */
static const char java_latest[] =
	"[{\"binary\":{\"os\":\"linux\",\"architecture\":\"x64\",\"image_type\":\"jdk\",\"package\":"
	"{\"name\":\"a.tar.gz\",\"link\":\"https://example.org/a.tar.gz\",\"size\":10,\"checksum\":\""
	HEX_A "\"}},\"release_name\":\"jdk-21.0.3+9\",\"vendor\":\"eclipse\",\"version\":{\"semver\":"
	"\"21.0.3+9.0.LTS\",\"openjdk_version\":\"21.0.3+9-LTS\"}},"
	"{\"binary\":{\"os\":\"linux\",\"architecture\":\"aarch64\",\"image_type\":\"jdk\",\"package\":"
	"{\"name\":\"b.tar.gz\",\"link\":\"https://example.org/b.tar.gz\",\"size\":11,\"checksum\":\""
	HEX_B "\"}},\"release_name\":\"jdk-21.0.3+9\",\"version\":{\"semver\":"
	"\"21.0.3+9.0.LTS\",\"openjdk_version\":\"21.0.3+9-LTS\"}}]";

static const char java_avail[] =
	"{\"available_lts_releases\":[8,11,17,21],\"available_releases\":[8,11,17,21,22],"
	"\"most_recent_feature_release\":22,\"most_recent_lts\":21}";

static void test_java(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_JAVA);
	if (rt_java_parse(&idx, java_doc, strlen(java_doc), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(idx.n, 4);
	const struct rt_release *r = rt_index_find(&idx, "21.0.2+13");
	assert_non_null(r);
	assert_string_equal(r->raw, "jdk-21.0.2+13");
	assert_string_equal(r->lts, "LTS");
	assert_int_equal(r->major, 21);
	assert_int_equal(r->nfiles, 2);
	assert_string_equal(r->files[0].arch, "x64");
	assert_string_equal(r->files[0].kind, "jdk");
	assert_int_equal(r->files[0].size, 206000000);
	assert_string_equal(r->files[1].sha256, HEX_B);
	assert_null(rt_index_find(&idx, "17.0.10+7")->lts); /* not until available_releases */
	assert_false(rt_index_find(&idx, "23.0.0-beta+10")->stable);
	assert_int_equal(rt_java_parse_available(&idx, java_avail, strlen(java_avail), err,
						 sizeof(err)),
			 0);
	assert_int_equal(idx.java_most_recent_lts, 21);
	assert_int_equal(idx.njava_lts, 4);
	assert_string_equal(rt_index_find(&idx, "17.0.10+7")->lts, "LTS");
	assert_null(rt_index_find(&idx, "22.0.1+8")->lts);
	/* The latest shape merges a release's binaries. */
	assert_int_equal(rt_java_parse(&idx, java_latest, strlen(java_latest), err, sizeof(err)), 0);
	r = rt_index_find(&idx, "21.0.3+9");
	assert_non_null(r);
	assert_int_equal(r->nfiles, 2);
	assert_string_equal(r->lts, "LTS");
	rt_index_free(&idx);

	refused(RT_JAVA, rt_java_parse, java_doc, "\"checksum\":\"" HEX_A,
		"\"checksum\":\"" HEX_A "0", "binary 0: 'package.checksum' is not 64 hex digits");
	refused(RT_JAVA, rt_java_parse, java_doc, "\"link\":\"https://github.com",
		"\"link\":\"javascript://github.com", "'package.link' is not an http(s) URL");
	refused(RT_JAVA, rt_java_parse, java_doc, "\"size\":206000000", "\"size\":null",
		"'package.size' is not a size in bytes");
	refused(RT_JAVA, rt_java_parse, java_doc, "\"semver\":\"22.0.1+8\"", "\"semver\":\"../8\"",
		"release 1 (jdk-22.0.1+8): 'semver' is not a word");
	refused(RT_JAVA, rt_java_parse, java_doc, "\"binaries\":[],\"version_data\":{\"semver\":\"22",
		"\"binaries\":{},\"version_data\":{\"semver\":\"22", "'binaries' is not an array");
	refused(RT_JAVA, rt_java_parse, java_doc, "\"image_type\":\"jdk\",\"jvm_impl\"",
		"\"jvm_impl\"", "'image_type' is missing");
	refused(RT_JAVA, rt_java_parse_available, java_avail, "\"most_recent_lts\":21",
		"\"most_recent_lts\":\"21\"", "'most_recent_lts' is not a feature number");
	refused(RT_JAVA, rt_java_parse_available, java_avail, "[8,11,17,21]", "[8,\"x\"]",
		"'available_lts_releases' holds");
}

/* ------------------------------------------------------------------ ruby */

static const char ruby_doc[] =
	"name\turl\tsha1\tsha256\tsha512\n"
	"ruby-3.3.0\thttps://cache.ruby-lang.org/pub/ruby/3.3/ruby-3.3.0.tar.gz\t"
	"1111111111111111111111111111111111111111\t" HEX_A "\t" HEX_B HEX_B "\n"
	"ruby-3.3.0\thttps://cache.ruby-lang.org/pub/ruby/3.3/ruby-3.3.0.tar.xz\t"
	"1111111111111111111111111111111111111111\t" HEX_C "\t" HEX_B HEX_B "\n"
	"ruby-3.4.0-preview1\thttps://cache.ruby-lang.org/pub/ruby/3.4/ruby-3.4.0-preview1.zip\t"
	"1111111111111111111111111111111111111111\t" HEX_B "\t" HEX_B HEX_B "\n"
	"ruby-1.9.3-p551\thttps://cache.ruby-lang.org/pub/ruby/1.9/ruby-1.9.3-p551.tar.bz2\t"
	"1111111111111111111111111111111111111111\t" HEX_B "\t" HEX_B HEX_B "\n";

static void test_ruby(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_RUBY);
	if (rt_ruby_parse(&idx, ruby_doc, strlen(ruby_doc), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(idx.n, 3);
	const struct rt_release *r = rt_index_find(&idx, "3.3.0");
	assert_non_null(r);
	assert_string_equal(r->raw, "ruby-3.3.0");
	assert_int_equal(r->nfiles, 2);
	assert_string_equal(r->files[0].name, "ruby-3.3.0.tar.gz");
	assert_string_equal(r->files[0].kind, "tar.gz");
	assert_string_equal(r->files[1].sha256, HEX_C);
	assert_false(rt_index_find(&idx, "3.4.0-preview1")->stable);
	assert_true(rt_index_find(&idx, "1.9.3-p551")->stable);
	rt_index_free(&idx);

	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "sha1\tsha256", "sha1 sha256", "line 1 is not the header");
	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "\t" HEX_C "\t", "\t" HEX_C "0\t", "line 3 'sha256' is not 64 hex digits");
	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "ruby-3.4.0-preview1\t", "jruby-9\t",
		"line 4 'name' is not ruby- and a version");
	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "ruby-3.3.0.tar.xz\t", "ruby-3.3.0.tar.xz\tx\t",
		"line 3 has not five TAB-separated fields");
	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "1.9/ruby-1.9.3-p551.tar.bz2", "1.9/ruby.exe",
		"'url' is not a .tar.gz");
	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "3.3/ruby-3.3.0.tar.xz", "3.3/ruby-3.3.0.tar.gz",
		"lists an archive twice");
	refused(RT_RUBY, rt_ruby_parse, ruby_doc, "p551\thttps", "p551\thttp s", "'url'");
}

/* ------------------------------------------------------------------ choosing */

/* The node fixture: sorted. */
static void node_index(struct rt_index *idx)
{
	rt_index_init(idx, RT_NODE);
	assert_int_equal(rt_node_parse(idx, node_doc, strlen(node_doc), err, sizeof(err)), 0);
	rt_index_sort(idx);
}

/* rt_select of want must give version got (NULL: must be refused with got_err in err). */
static void pick(const struct rt_index *idx, const char *want, const char *got,
		 const char *got_err)
{
	const struct rt_release *r = NULL;
	err[0] = '\0';
	int rc = rt_select(idx, want, &r, err, sizeof(err));
	if (got) {
		if (rc != 0 || !r || strcmp(r->version, got) != 0)
			fail_msg("%s: got %s (%s), want %s", want, r ? r->version : "nothing", err, got);
	} else if (rc != -1 || r || !strstr(err, got_err) || strchr(err, '\n')) {
		fail_msg("%s: got %s, error \"%s\"; want \"%s\"", want, r ? r->version : "nothing",
			 err, got_err);
	}
}

static void test_select_node(void **state)
{
	(void)state;
	struct rt_index idx;
	node_index(&idx);
	assert_string_equal(idx.v[0].version, "22.1.0");
	assert_string_equal(idx.v[3].version, "18.19.1");
	pick(&idx, "latest", "22.1.0", NULL);
	pick(&idx, "lts", "20.11.1", NULL);
	pick(&idx, "lts/*", "20.11.1", NULL);
	pick(&idx, "lts/iron", "20.11.1", NULL);
	pick(&idx, "lts/Hydrogen", "18.19.1", NULL);
	pick(&idx, "lts/argon", NULL, "node: no LTS line is called argon");
	pick(&idx, "lts/../x", NULL, "is not lts/ and a codename");
	pick(&idx, "20", "20.11.1", NULL);
	pick(&idx, "v20", "20.11.1", NULL);
	pick(&idx, "20.10", "20.10.0", NULL);
	pick(&idx, "20.10.0", "20.10.0", NULL);
	pick(&idx, "18", "18.19.1", NULL);
	pick(&idx, "2", NULL, "node: no release matches 2; closest:");
	pick(&idx, "20.1", NULL, "node: no release matches 20.1; closest: 20.11.1, 22.1.0");
	pick(&idx, "20.99", NULL, "node: no release matches 20.99; closest: 20.11.1");
	pick(&idx, "19", NULL, "closest: 18.19.1, 20.11.1");
	pick(&idx, "20.11.2", NULL, "closest: 20.11.1");
	pick(&idx, "../20", NULL, "node: '../20' is not a version");
	pick(&idx, "20/x", NULL, "is not a version");
	pick(&idx, "20..1", NULL, "is not a version");
	pick(&idx, "20\n", NULL, "node: '20?' is not a version");
	pick(&idx, "", NULL, "no version given");
	rt_index_free(&idx);

	/* Nothing listed. */
	rt_index_init(&idx, RT_NODE);
	pick(&idx, "latest", NULL, "lists no release");
	pick(&idx, "20", NULL, "the index lists none");
	rt_index_free(&idx);
}

static void test_select_others(void **state)
{
	(void)state;
	struct rt_index idx;
	rt_index_init(&idx, RT_GO);
	assert_int_equal(rt_go_parse(&idx, go_doc, strlen(go_doc), err, sizeof(err)), 0);
	rt_index_sort(&idx);
	pick(&idx, "latest", "1.22.1", NULL); /* stable first: not the rc */
	pick(&idx, "1.23", "1.23rc1", NULL);  /* only a pre-release matches: that one */
	pick(&idx, "go1.22", "1.22.1", NULL);
	pick(&idx, "1.23rc1", "1.23rc1", NULL);
	pick(&idx, "1.2", NULL, "go: no release matches 1.2; closest:");
	pick(&idx, "lts", NULL, "go has no LTS releases");
	rt_index_free(&idx);

	rt_index_init(&idx, RT_JAVA);
	assert_int_equal(rt_java_parse(&idx, java_doc, strlen(java_doc), err, sizeof(err)), 0);
	rt_index_sort(&idx);
	pick(&idx, "lts", "21.0.2+13", NULL); /* the highest LTS feature, from "-LTS" */
	pick(&idx, "latest", "22.0.1+8", NULL);
	pick(&idx, "17", "17.0.10+7", NULL);
	pick(&idx, "jdk-21", "21.0.2+13", NULL);
	const char avail17[] = "{\"available_lts_releases\":[17],\"most_recent_lts\":17}";
	assert_int_equal(rt_java_parse_available(&idx, avail17, strlen(avail17), err, sizeof(err)), 0);
	pick(&idx, "lts", "17.0.10+7", NULL); /* most_recent_lts rules */
	rt_index_free(&idx);

	rt_index_init(&idx, RT_BUN);
	assert_int_equal(rt_index_add(&idx, "bun-v1.1.8", err, sizeof(err)), 0);
	assert_int_equal(rt_index_add(&idx, "v1.0.36", err, sizeof(err)), 0);
	assert_int_equal(rt_index_add(&idx, "1.1.9-canary", err, sizeof(err)), 0);
	assert_int_equal(rt_index_add(&idx, "1.1.8", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bun: 1.1.8 is listed twice"));
	assert_int_equal(rt_index_add(&idx, "../1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a version"));
	rt_index_sort(&idx);
	pick(&idx, "latest", "1.1.8", NULL);
	pick(&idx, "v1.0", "1.0.36", NULL);
	pick(&idx, "1.1.9-canary", "1.1.9-canary", NULL);
	rt_index_free(&idx);
}

/* ------------------------------------------------------------------ plans */

static void test_plan(void **state)
{
	(void)state;
	struct rt_host x64 = {RT_X86_64}, arm = {RT_AARCH64};
	struct rt_source s;
	struct rt_index idx;
	node_index(&idx);
	const struct rt_release *r = rt_index_find(&idx, "20.11.1");
	assert_int_equal(rt_plan(&idx, r, &x64, "https://nodejs.org/dist/", &s, err, sizeof(err)), 0);
	assert_string_equal(s.url, "https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz");
	assert_string_equal(s.file, "node-v20.11.1-linux-x64.tar.xz");
	assert_string_equal(s.sums_url, "https://nodejs.org/dist/v20.11.1/SHASUMS256.txt");
	assert_string_equal(s.sig_url, "https://nodejs.org/dist/v20.11.1/SHASUMS256.txt.sig");
	assert_string_equal(s.sha256, "");
	assert_int_equal(s.sig, RT_SIG_DETACHED);
	assert_int_equal(s.format, RT_TAR_XZ);
	assert_int_equal(s.size, -1);
	/* No trailing '/' on the base works the same. */
	assert_int_equal(rt_plan(&idx, r, &x64, "http://127.0.0.1:1/node", &s, err, sizeof(err)), 0);
	assert_string_equal(s.url, "http://127.0.0.1:1/node/v20.11.1/node-v20.11.1-linux-x64.tar.xz");
	assert_int_equal(rt_plan(&idx, r, &arm, "https://nodejs.org/dist/", &s, err, sizeof(err)), -1);
	assert_string_equal(err, "node 20.11.1 has no build for linux-arm64");
	assert_int_equal(rt_plan(&idx, r, &x64, "file:///etc", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a usable base URL"));
	rt_index_free(&idx);

	rt_index_init(&idx, RT_GO);
	assert_int_equal(rt_go_parse(&idx, go_doc, strlen(go_doc), err, sizeof(err)), 0);
	r = rt_index_find(&idx, "1.22.1");
	assert_int_equal(rt_plan(&idx, r, &x64, "https://go.dev/dl/", &s, err, sizeof(err)), 0);
	assert_string_equal(s.url, "https://go.dev/dl/go1.22.1.linux-amd64.tar.gz");
	assert_string_equal(s.sha256, HEX_A);
	assert_int_equal(s.size, 68965341);
	assert_int_equal(s.format, RT_TAR_GZ);
	assert_int_equal(s.sig, RT_SIG_NONE);
	assert_int_equal(rt_plan(&idx, r, &arm, "https://go.dev/dl/", &s, err, sizeof(err)), -1);
	assert_string_equal(err, "go 1.22.1 has no archive for linux-arm64");
	rt_index_free(&idx);

	rt_index_init(&idx, RT_RUST);
	assert_int_equal(rt_rust_parse(&idx, rust_doc, strlen(rust_doc), "x86_64-unknown-linux-gnu",
				       err, sizeof(err)),
			 0);
	assert_int_equal(rt_plan(&idx, &idx.v[0], &x64, NULL, &s, err, sizeof(err)), 0);
	assert_string_equal(s.file, "rust-1.77.0-x86_64-unknown-linux-gnu.tar.xz"); /* xz first */
	assert_string_equal(s.sha256, HEX_B);
	assert_int_equal(s.format, RT_TAR_XZ);
	rt_index_free(&idx);

	rt_index_init(&idx, RT_JAVA);
	assert_int_equal(rt_java_parse(&idx, java_doc, strlen(java_doc), err, sizeof(err)), 0);
	r = rt_index_find(&idx, "21.0.2+13");
	assert_int_equal(rt_plan(&idx, r, &arm, NULL, &s, err, sizeof(err)), 0);
	assert_string_equal(s.url, "https://example.org/a.tar.gz");
	assert_string_equal(s.sha256, HEX_B);
	assert_int_equal(s.size, 1);
	r = rt_index_find(&idx, "17.0.10+7");
	assert_int_equal(rt_plan(&idx, r, &x64, NULL, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "java 17.0.10+7 has no JDK for linux-x64");
	rt_index_free(&idx);

	rt_index_init(&idx, RT_PYTHON);
	assert_int_equal(rt_python_parse_sums(&idx, py_sums, strlen(py_sums),
					      "x86_64-unknown-linux-gnu", err, sizeof(err)),
			 0);
	assert_int_equal(rt_plan(&idx, rt_index_find(&idx, "3.12.3"), &x64, NULL, &s, err,
				 sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "latest-release.json was not read"));
	rt_index_free(&idx);

	rt_index_init(&idx, RT_BUN);
	assert_int_equal(rt_index_add(&idx, "1.1.8", err, sizeof(err)), 0);
	assert_int_equal(rt_plan(&idx, &idx.v[0], &arm,
				 "https://github.com/oven-sh/bun/releases/download", &s, err,
				 sizeof(err)),
			 0);
	assert_string_equal(s.url, "https://github.com/oven-sh/bun/releases/download/bun-v1.1.8/"
				   "bun-linux-aarch64.zip");
	assert_string_equal(s.sums_url, "https://github.com/oven-sh/bun/releases/download/bun-v1.1.8/"
					"SHASUMS256.txt.asc");
	assert_int_equal(s.sig, RT_SIG_CLEARSIGNED);
	assert_int_equal(s.format, RT_ZIP);
	rt_index_free(&idx);

	rt_index_init(&idx, RT_RUBY);
	assert_int_equal(rt_ruby_parse(&idx, ruby_doc, strlen(ruby_doc), err, sizeof(err)), 0);
	assert_int_equal(rt_plan(&idx, &idx.v[0], &x64, NULL, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "building ruby from source is not supported yet"));
	rt_index_free(&idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_ok),
		cmocka_unit_test(test_vercmp),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_go),
		cmocka_unit_test(test_python),
		cmocka_unit_test(test_toml),
		cmocka_unit_test(test_rust),
		cmocka_unit_test(test_java),
		cmocka_unit_test(test_ruby),
		cmocka_unit_test(test_select_node),
		cmocka_unit_test(test_select_others),
		cmocka_unit_test(test_plan),
	};
	return cmocka_run_group_tests_name("rt_index", tests, NULL, NULL);
}
