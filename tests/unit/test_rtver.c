/* SPDX-License-Identifier: MIT */
/* Unit tests for src/util/rtver: version files and their precedence, installs, the PATH rewriter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rtver.h"

/* ---- parsers, on buffers ---- */

/* Parses s as file for rt into pin. */
static void parse(enum rtver_file file, enum rtver_rt rt, const char *s, struct rtver_pin *pin)
{
	memset(pin, 0x5a, sizeof(*pin));
	rtver_parse(file, rt, s, strlen(s), pin);
}

/* Asserts pin holds the versions (NULL-terminated list) from line. */
static void want_pin(const struct rtver_pin *pin, unsigned line, ...)
{
	va_list ap;
	unsigned n = 0;
	if (pin->state != RTVER_PINNED)
		fail_msg("state %d, want PINNED (why: %.100s)", pin->state,
			 pin->state == RTVER_BAD ? pin->why : "");
	va_start(ap, line);
	for (const char *v; (v = va_arg(ap, const char *)); n++) {
		assert_true(n < pin->nversions);
		assert_string_equal(pin->versions[n], v);
	}
	va_end(ap);
	assert_int_equal(pin->nversions, n);
	assert_int_equal(pin->line, line);
}

/* Asserts pin is BAD at line and its reason has part. */
static void want_bad(const struct rtver_pin *pin, unsigned line, const char *part)
{
	if (pin->state != RTVER_BAD)
		fail_msg("state %d (%s), want BAD with '%s'", pin->state,
			 pin->state == RTVER_PINNED ? pin->versions[0] : "", part);
	assert_int_equal(pin->line, line);
	if (!strstr(pin->why, part))
		fail_msg("why '%s' lacks '%s'", pin->why, part);
	for (const char *p = pin->why; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
}

static void test_tool_versions(void **state)
{
	(void)state;
	struct rtver_pin p;
	const char *tv = "# asdf\n"
			 "nodejs 20.11.1 18   # fallback\n"
			 "deno 1.40\n"
			 "python\t3.12.1\n"
			 "golang 1.22.5\n"
			 "rust stable\n"
			 "ruby 3.3.0\n"
			 "java temurin-21\n"
			 "bun 1.1.8\n"
			 "node 99\n";
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, tv, &p);
	want_pin(&p, 2, "20.11.1", "18", NULL); /* the first line naming it */
	parse(RTVER_F_TOOL_VERSIONS, RTVER_PYTHON, tv, &p);
	want_pin(&p, 4, "3.12.1", NULL);
	parse(RTVER_F_TOOL_VERSIONS, RTVER_GO, tv, &p);
	want_pin(&p, 5, "1.22.5", NULL);
	parse(RTVER_F_TOOL_VERSIONS, RTVER_RUST, tv, &p);
	want_pin(&p, 6, "stable", NULL);
	parse(RTVER_F_TOOL_VERSIONS, RTVER_RUBY, tv, &p);
	want_pin(&p, 7, "3.3.0", NULL);
	parse(RTVER_F_TOOL_VERSIONS, RTVER_JAVA, tv, &p);
	want_pin(&p, 8, "21", NULL);
	parse(RTVER_F_GLOBAL, RTVER_BUN, tv, &p); /* the global file reads the same */
	want_pin(&p, 9, "1.1.8", NULL);
	/* mise's names and forms */
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, "core:node prefix:20 lts\r\n", &p);
	want_pin(&p, 1, "20", "lts", NULL);
	parse(RTVER_F_TOOL_VERSIONS, RTVER_GO, "go latest\n", &p);
	want_pin(&p, 1, "latest", NULL);
	/* named, without a version; too many; another tool only; empty */
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, "python 3\nnodejs   # none\n", &p);
	want_bad(&p, 2, "without a version");
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, "nodejs 1 2 3 4 5\n", &p);
	want_bad(&p, 1, "more than 4");
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, "nodejsx 20\n#nodejs 20\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, "", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	/* asdf's path: and ref: forms are refused, not used */
	parse(RTVER_F_TOOL_VERSIONS, RTVER_RUBY, "ruby path:/opt/ruby\n", &p);
	want_bad(&p, 1, "has ':'");
	parse(RTVER_F_TOOL_VERSIONS, RTVER_RUBY, "ruby ref:v3\n", &p);
	want_bad(&p, 1, "has ':'");
}

static void test_own_files(void **state)
{
	(void)state;
	struct rtver_pin p;
	parse(RTVER_F_NVMRC, RTVER_NODE, "v20.11.1\n", &p);
	want_pin(&p, 1, "20.11.1", NULL);
	parse(RTVER_F_NVMRC, RTVER_NODE, "lts/*", &p);
	want_pin(&p, 1, "lts", NULL);
	parse(RTVER_F_NVMRC, RTVER_NODE, "lts/Iron\n", &p);
	want_pin(&p, 1, "lts-iron", NULL);
	parse(RTVER_F_NVMRC, RTVER_NODE, "node\n", &p);
	want_pin(&p, 1, "latest", NULL);
	parse(RTVER_F_NVMRC, RTVER_NODE, "# pinned for CI\n\n   20  # twenty\n21\n", &p);
	want_pin(&p, 3, "20", NULL);
	parse(RTVER_F_NVMRC, RTVER_NODE, "20 21\n", &p);
	want_bad(&p, 1, "more than one word");
	parse(RTVER_F_NVMRC, RTVER_NODE, "\n# only a comment\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	parse(RTVER_F_NODE_VERSION, RTVER_NODE, "20.11.1", &p);
	want_pin(&p, 1, "20.11.1", NULL);
	parse(RTVER_F_PYTHON_VERSION, RTVER_PYTHON, "3.12.1\n3.11.7 pypy3.10-7.3.15\n", &p);
	want_pin(&p, 1, "3.12.1", "3.11.7", "pypy3.10-7.3.15", NULL);
	parse(RTVER_F_PYTHON_VERSION, RTVER_PYTHON, "system\n", &p);
	want_pin(&p, 1, "system", NULL);
	parse(RTVER_F_GO_VERSION, RTVER_GO, "1.22.5\n", &p);
	want_pin(&p, 1, "1.22.5", NULL);
	parse(RTVER_F_RUBY_VERSION, RTVER_RUBY, "ruby-3.3.0\n", &p);
	want_pin(&p, 1, "3.3.0", NULL);
	parse(RTVER_F_RUBY_VERSION, RTVER_RUBY, "jruby-9.4.5.0\n", &p);
	want_pin(&p, 1, "jruby-9.4.5.0", NULL);
	parse(RTVER_F_JAVA_VERSION, RTVER_JAVA, "temurin-21\n", &p);
	want_pin(&p, 1, "21", NULL);
	parse(RTVER_F_JAVA_VERSION, RTVER_JAVA, "zulu-17\n", &p);
	want_pin(&p, 1, "zulu-17", NULL);
	parse(RTVER_F_BUN_VERSION, RTVER_BUN, "bun-v1.1.8\n", &p);
	want_pin(&p, 1, "1.1.8", NULL);
	parse(RTVER_F_BUN_VERSION, RTVER_BUN, "v1.1.8", &p);
	want_pin(&p, 1, "1.1.8", NULL);
	/* a kind that is not the runtime's says nothing for it */
	parse(RTVER_F_NVMRC, RTVER_PYTHON, "3.12\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	parse(RTVER_F_GO_MOD, RTVER_NODE, "go 1.22\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
}

static void test_gomod(void **state)
{
	(void)state;
	struct rtver_pin p;
	const char *both = "module example.com/x\n\ngo 1.22 // minimum\n\ntoolchain go1.22.5\n\n"
			   "require (\n\tgolang.org/x/net v0.20.0\n)\n";
	parse(RTVER_F_GO_MOD, RTVER_GO, both, &p);
	want_pin(&p, 5, "1.22.5", NULL); /* toolchain before go */
	parse(RTVER_F_GO_MOD, RTVER_GO, "module m\ngo 1.21\n", &p);
	want_pin(&p, 2, "1.21", NULL);
	parse(RTVER_F_GO_MOD, RTVER_GO, "module m\ngo 1.21\ntoolchain default\n", &p);
	want_pin(&p, 2, "1.21", NULL);
	parse(RTVER_F_GO_MOD, RTVER_GO, "module m\ngo 1.21\ntoolchain 1.22\n", &p);
	want_bad(&p, 3, "is not go<version>");
	parse(RTVER_F_GO_MOD, RTVER_GO, "module m\nrequire x v1\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	parse(RTVER_F_GO_MOD, RTVER_GO, "go ../../x\n", &p);
	want_bad(&p, 1, "has '..'");
	parse(RTVER_F_GO_MOD, RTVER_GO, "go 1/22\n", &p);
	want_bad(&p, 1, "has '/'");
}

static void test_rust(void **state)
{
	(void)state;
	struct rtver_pin p;
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST,
	      "# pinned\n[toolchain]\nchannel = \"1.77.0\"  # comment\n"
	      "components = [ \"rustfmt\",\n  \"clippy\" ]\nprofile = \"minimal\"\n",
	      &p);
	want_pin(&p, 3, "1.77.0", NULL);
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "[toolchain]\nchannel='nightly-2024-01-01'\n",
	      &p);
	want_pin(&p, 2, "nightly-2024-01-01", NULL);
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "toolchain.channel = \"beta\"\n", &p);
	want_pin(&p, 1, "beta", NULL);
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "[other]\nchannel = \"1.70\"\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "[toolchain]\ncomponents = [\"rustfmt\"]\n", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "[toolchain]\npath = \"/opt/rust\"\n", &p);
	want_bad(&p, 2, "path");
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "[toolchain]\nchannel = \"1.7\\u0030\"\n", &p);
	want_bad(&p, 2, "one-line string");
	parse(RTVER_F_RUST_TOOLCHAIN_TOML, RTVER_RUST, "[toolchain]\nchannel = \"1.77\n", &p);
	want_bad(&p, 2, "one-line string");
	/* the legacy file: a bare channel, or TOML */
	parse(RTVER_F_RUST_TOOLCHAIN, RTVER_RUST, "nightly-2024-02-01\n", &p);
	want_pin(&p, 1, "nightly-2024-02-01", NULL);
	parse(RTVER_F_RUST_TOOLCHAIN, RTVER_RUST, "[toolchain]\nchannel = \"1.76.0\"\n", &p);
	want_pin(&p, 2, "1.76.0", NULL);
}

/* package.json's node pin. */
static void pj(const char *json, struct rtver_pin *p)
{
	parse(RTVER_F_PACKAGE_JSON, RTVER_NODE, json, p);
}

static void test_package_json(void **state)
{
	(void)state;
	struct rtver_pin p;
	pj("{\"name\":\"x\",\"engines\":{\"npm\":\">=9\",\"node\":\"20.11.1\"}}", &p);
	want_pin(&p, 1, "20.11.1", NULL);
	pj("{\n \"engines\": {\n  \"node\": \"^20.1.0\"\n }\n}\n", &p);
	want_pin(&p, 3, "20", NULL);
	pj("{\"engines\":{\"node\":\"~20.11.1\"}}", &p);
	want_pin(&p, 1, "20.11", NULL);
	pj("{\"engines\":{\"node\":\"20.x\"}}", &p);
	want_pin(&p, 1, "20", NULL);
	pj("{\"engines\":{\"node\":\"v20\"}}", &p);
	want_pin(&p, 1, "20", NULL);
	pj("{\"engines\":{\"node\":\" =20.1.0 \"}}", &p);
	want_pin(&p, 1, "20.1.0", NULL);
	pj("{\"engines\":{\"node\":\"^0.10.3\"}}", &p);
	want_pin(&p, 1, "0.10", NULL);
	/* ranges pin nothing: the file is passed over */
	pj("{\"engines\":{\"node\":\">=18\"}}", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	pj("{\"engines\":{\"node\":\"18 || 20\"}}", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	pj("{\"engines\":{\"node\":\"*\"}}", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	pj("{\"name\":\"no-engines\",\"dependencies\":{\"a\":\"1\"}}", &p);
	assert_int_equal(p.state, RTVER_UNSET);
	/* devEngines.runtime, an object or an array, before engines */
	pj("{\"engines\":{\"node\":\"18\"},\"devEngines\":{\"runtime\":{\"name\":\"node\","
	   "\"version\":\"22.1.0\",\"onFail\":\"error\"}}}",
	   &p);
	want_pin(&p, 1, "22.1.0", NULL);
	pj("{\"devEngines\":{\"packageManager\":{\"name\":\"npm\"},\"runtime\":[\n"
	   "{\"name\":\"bun\",\"version\":\"1.1\"},\n{\"version\":\"^22\",\"name\":\"node\"},\n"
	   "{\"name\":\"node\",\"version\":\"23\"}]}}",
	   &p);
	want_pin(&p, 3, "22", NULL);
	pj("{\"engines\":{\"node\":\"18.19.0\"},\"devEngines\":{\"runtime\":{\"name\":\"node\","
	   "\"version\":\">=22\"}}}",
	   &p);
	want_pin(&p, 1, "18.19.0", NULL); /* devEngines' range pins nothing: engines */
	/* escapes, a byte order mark, numbers, literals, nesting */
	pj("\xef\xbb\xbf{\"\\u0065ngines\":{\"node\":\"2\\u0030.1\"},\"n\":[1,-2.5e+3,0.1,true,"
	   "false,null,{\"a\":[[]]}],\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
	   &p);
	want_pin(&p, 1, "20.1", NULL);
	/* a pin that is refused */
	pj("{\"engines\":{\"node\":\"../../bin\"}}", &p);
	want_bad(&p, 1, "has '..'");
	pj("{\"engines\":{\"node\":\"20/bin\"}}", &p);
	want_bad(&p, 1, "has '/'");
	/* not JSON, or not an object: refused with the line */
	pj("{\"engines\":{\"node\":\"20\"}", &p);
	want_bad(&p, 1, "not valid JSON");
	pj("{\n\"a\": 01}", &p);
	want_bad(&p, 2, "not valid JSON");
	pj("{\"a\":1,}", &p);
	want_bad(&p, 1, "not valid JSON");
	pj("{\"a\":1} x", &p);
	want_bad(&p, 1, "not valid JSON");
	pj("{\"a\":\"tab\there\"}", &p);
	want_bad(&p, 1, "not valid JSON");
	pj("{\"a\":\"\\x\"}", &p);
	want_bad(&p, 1, "not valid JSON");
	pj("{\"a\":tru}", &p);
	want_bad(&p, 1, "not valid JSON");
	pj("[\"engines\"]", &p);
	want_bad(&p, 1, "not a JSON object");
	pj("", &p);
	want_bad(&p, 1, "not a JSON object");
	/* nesting is bounded: 64 levels read, deeper refused */
	char deep[400];
	size_t k = 0;
	k += (size_t)sprintf(deep + k, "{\"a\":");
	for (int i = 0; i < 62; i++)
		deep[k++] = '[';
	for (int i = 0; i < 62; i++)
		deep[k++] = ']';
	k += (size_t)sprintf(deep + k, ",\"engines\":{\"node\":\"20\"}}");
	pj(deep, &p);
	want_pin(&p, 1, "20", NULL);
	k = 0;
	k += (size_t)sprintf(deep + k, "{\"a\":");
	for (int i = 0; i < 100; i++)
		deep[k++] = '[';
	for (int i = 0; i < 100; i++)
		deep[k++] = ']';
	k += (size_t)sprintf(deep + k, "}");
	pj(deep, &p);
	want_bad(&p, 1, "nested deeper");
}

static void test_bad_versions(void **state)
{
	(void)state;
	static const struct {
		const char *file, *why;
	} bad[] = {
		{"../../etc\n", "has '..'"},
		{"20/1\n", "has '/'"},
		{"1..2\n", "has '..'"},
		{"20\x01\n", "control character"},
		{"\x7f\n", "control character"},
		{"20\xc3\xa9\n", "not ASCII"},
		{".20\n", "starts with"},
		{"-rf\n", "starts with"},
		{"20;rm\n", "character other than"},
		{"lts/-1\n", "has '/'"},
		{"a:b\n", "has ':'"},
		{"0123456789012345678901234567890123456789012345678901234567890123\n", "longer than 63"},
	};
	struct rtver_pin p;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		parse(RTVER_F_NVMRC, RTVER_NODE, bad[i].file, &p);
		want_bad(&p, 1, bad[i].why);
		assert_int_equal(p.nversions, 0);
		assert_non_null(strstr(p.why, "node version \""));
	}
	/* a space inside a .tool-versions word cannot be: words split there */
	parse(RTVER_F_TOOL_VERSIONS, RTVER_NODE, "nodejs 20/x\n", &p);
	want_bad(&p, 1, "has '/'");
	/* 63 bytes are enough */
	parse(RTVER_F_NVMRC, RTVER_NODE,
	      "012345678901234567890123456789012345678901234567890123456789012\n", &p);
	assert_int_equal(p.state, RTVER_PINNED);
}

/* ---- the search, on a sandbox ---- */

/* A sandbox: ROOT/config/omg, ROOT/data/omg, projects below ROOT/p; ROOT is the ceiling,
 * so nothing above the sandbox (the host's files) is read. */
struct sandbox {
	char root[64];
	struct rtver_env env;
};

/* mkdir -p of ROOT/rel. */
static void mkdirs(const struct sandbox *sb, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", sb->root, rel);
	for (char *s = p + strlen(sb->root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	mkdir(p, 0700);
}

/* Writes ROOT/rel (its directory made). */
static void put(const struct sandbox *sb, const char *rel, const char *text)
{
	char dir[512], p[512];
	snprintf(dir, sizeof(dir), "%s", rel);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdirs(sb, dir);
	}
	snprintf(p, sizeof(p), "%s/%s", sb->root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int sandbox_setup(void **state)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));
	snprintf(sb->root, sizeof(sb->root), "/tmp/omg-rtver.XXXXXX");
	if (!mkdtemp(sb->root))
		return -1;
	snprintf(sb->env.config, sizeof(sb->env.config), "%s/config/omg", sb->root);
	snprintf(sb->env.data, sizeof(sb->env.data), "%s/data/omg", sb->root);
	sb->env.ceilings = sb->root;
	*state = sb;
	return 0;
}

static int sandbox_teardown(void **state)
{
	struct sandbox *sb = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sb->root);
	int rc = system(cmd);
	free(sb);
	return rc == 0 ? 0 : -1;
}

/* Resolves every runtime for ROOT/rel. */
static void resolve(const struct sandbox *sb, const char *rel, struct rtver_pin out[RTVER_COUNT])
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/%s", sb->root, rel);
	memset(out, 0x5a, sizeof(struct rtver_pin) * RTVER_COUNT);
	assert_int_equal(rtver_resolve(&sb->env, dir, RTVER_ALL, out), 0);
}

/* Asserts a pin came from ROOT/rel (kind file) with version v at line. */
static void want_from(const struct sandbox *sb, const struct rtver_pin *pin, enum rtver_file file,
		      const char *rel, const char *v, unsigned line)
{
	char path[512];
	if (pin->state != RTVER_PINNED)
		fail_msg("state %d (%s), want %s from %s", pin->state, pin->why, v, rel);
	assert_string_equal(pin->versions[0], v);
	assert_int_equal(pin->file, file);
	snprintf(path, sizeof(path), "%s/%s", sb->root, rel);
	assert_string_equal(pin->path, path);
	assert_int_equal(pin->line, line);
}

static void test_nesting(void **state)
{
	struct sandbox *sb = *state;
	struct rtver_pin r[RTVER_COUNT];
	put(sb, "p/.nvmrc", "18\n");
	put(sb, "p/.python-version", "3.11\n");
	put(sb, "p/a/.tool-versions", "# project\nnodejs 20\npython 3.12\n");
	put(sb, "p/.ruby-version", "3.2.2\n");
	put(sb, "p/a/b/go.mod", "module m\ngo 1.21\n");
	mkdirs(sb, "p/a/b/c/d/e/f/g/h");
	put(sb, "config/omg/tool-versions", "golang 1.20\nrust 1.70.0\njava 17\n");
	resolve(sb, "p/a/b/c/d/e/f/g/h", r);
	want_from(sb, &r[RTVER_NODE], RTVER_F_TOOL_VERSIONS, "p/a/.tool-versions", "20", 2);
	want_from(sb, &r[RTVER_PYTHON], RTVER_F_TOOL_VERSIONS, "p/a/.tool-versions", "3.12", 3);
	want_from(sb, &r[RTVER_GO], RTVER_F_GO_MOD, "p/a/b/go.mod", "1.21", 2);
	want_from(sb, &r[RTVER_RUBY], RTVER_F_RUBY_VERSION, "p/.ruby-version", "3.2.2", 1);
	want_from(sb, &r[RTVER_RUST], RTVER_F_GLOBAL, "config/omg/tool-versions", "1.70.0", 2);
	want_from(sb, &r[RTVER_JAVA], RTVER_F_GLOBAL, "config/omg/tool-versions", "17", 3);
	assert_int_equal(r[RTVER_BUN].state, RTVER_UNSET);
	assert_int_equal(r[RTVER_BUN].file, RTVER_F_NONE);
	assert_string_equal(r[RTVER_BUN].path, "");
	/* a nearer own file beats a farther .tool-versions */
	put(sb, "p/a/b/c/.nvmrc", "v21.1.0\n");
	resolve(sb, "p/a/b/c/d", r);
	want_from(sb, &r[RTVER_NODE], RTVER_F_NVMRC, "p/a/b/c/.nvmrc", "21.1.0", 1);
	/* the same answer through "." and ".." and doubled slashes */
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/p/a/b/c/d/e/..//./e/f/../../../c/d/", sb->root);
	assert_int_equal(rtver_resolve(&sb->env, dir, RTVER_ALL, r), 0);
	want_from(sb, &r[RTVER_NODE], RTVER_F_NVMRC, "p/a/b/c/.nvmrc", "21.1.0", 1);
	snprintf(dir, sizeof(dir), "%s/p/a/b/c/.", sb->root);
	assert_int_equal(rtver_resolve(&sb->env, dir, RTVER_ALL, r), 0);
	want_from(sb, &r[RTVER_NODE], RTVER_F_NVMRC, "p/a/b/c/.nvmrc", "21.1.0", 1);
	/* a mask: only node written */
	struct rtver_pin one[RTVER_COUNT];
	memset(one, 0x5a, sizeof(one));
	assert_int_equal(rtver_resolve(&sb->env, dir, 1u << RTVER_NODE, one), 0);
	want_from(sb, &one[RTVER_NODE], RTVER_F_NVMRC, "p/a/b/c/.nvmrc", "21.1.0", 1);
	assert_int_equal((unsigned char)one[RTVER_PYTHON].path[0], 0x5a);
	/* a ceiling: p/a is not entered, so neither it nor p is read */
	char ceil[1024];
	snprintf(ceil, sizeof(ceil), "relative:%s/p/a/:%s", sb->root, sb->root);
	sb->env.ceilings = ceil;
	resolve(sb, "p/a/b", r);
	want_from(sb, &r[RTVER_GO], RTVER_F_GO_MOD, "p/a/b/go.mod", "1.21", 2);
	assert_int_equal(r[RTVER_NODE].state, RTVER_UNSET);
	assert_int_equal(r[RTVER_RUBY].state, RTVER_UNSET);
	want_from(sb, &r[RTVER_RUST], RTVER_F_GLOBAL, "config/omg/tool-versions", "1.70.0", 2);
	sb->env.ceilings = sb->root;
	/* no global file, no config directory: nothing */
	sb->env.config[0] = '\0';
	resolve(sb, "p/a/b", r);
	assert_int_equal(r[RTVER_RUST].state, RTVER_UNSET);
	/* errors */
	assert_int_equal(rtver_resolve(&sb->env, "relative/dir", RTVER_ALL, r), -1);
	assert_int_equal(errno, EINVAL);
	char longdir[RTVER_PATH_MAX + 16];
	memset(longdir, 'x', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(rtver_resolve(&sb->env, longdir, RTVER_ALL, r), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void test_same_directory(void **state)
{
	struct sandbox *sb = *state;
	struct rtver_pin r[RTVER_COUNT];
	/* .tool-versions first, for the runtimes it names; own files for the rest */
	put(sb, "q/.tool-versions", "nodejs 20.1.0\n");
	put(sb, "q/.nvmrc", "18\n");
	put(sb, "q/.python-version", "3.12.1\n");
	/* rust-toolchain wins over rust-toolchain.toml (rustup) */
	put(sb, "q/rust-toolchain", "1.76.0\n");
	put(sb, "q/rust-toolchain.toml", "[toolchain]\nchannel = \"1.77.0\"\n");
	/* go.mod before .go-version */
	put(sb, "q/go.mod", "module m\n\ntoolchain go1.22.5\n");
	put(sb, "q/.go-version", "1.20\n");
	put(sb, "q/.java-version", "temurin-21\n");
	put(sb, "q/.bun-version", "1.1.8\n");
	resolve(sb, "q", r);
	want_from(sb, &r[RTVER_NODE], RTVER_F_TOOL_VERSIONS, "q/.tool-versions", "20.1.0", 1);
	want_from(sb, &r[RTVER_PYTHON], RTVER_F_PYTHON_VERSION, "q/.python-version", "3.12.1", 1);
	want_from(sb, &r[RTVER_RUST], RTVER_F_RUST_TOOLCHAIN, "q/rust-toolchain", "1.76.0", 1);
	want_from(sb, &r[RTVER_GO], RTVER_F_GO_MOD, "q/go.mod", "1.22.5", 3);
	want_from(sb, &r[RTVER_JAVA], RTVER_F_JAVA_VERSION, "q/.java-version", "21", 1);
	want_from(sb, &r[RTVER_BUN], RTVER_F_BUN_VERSION, "q/.bun-version", "1.1.8", 1);
	/* node's own files in order: .nvmrc, .node-version, package.json */
	put(sb, "n1/.node-version", "19.0.0\n");
	put(sb, "n1/package.json", "{\"engines\":{\"node\":\"17.0.0\"}}");
	put(sb, "n1/.nvmrc", "16.0.0\n");
	resolve(sb, "n1", r);
	want_from(sb, &r[RTVER_NODE], RTVER_F_NVMRC, "n1/.nvmrc", "16.0.0", 1);
	put(sb, "n2/.node-version", "19.0.0\n");
	put(sb, "n2/package.json", "{\"engines\":{\"node\":\"17.0.0\"}}");
	resolve(sb, "n2", r);
	want_from(sb, &r[RTVER_NODE], RTVER_F_NODE_VERSION, "n2/.node-version", "19.0.0", 1);
	put(sb, "n3/package.json", "{\n\"engines\":{\"node\":\"17.0.0\"}}");
	put(sb, "n3/x/package.json", "{\"engines\":{\"node\":\">=12\"}}"); /* a range: passed over */
	resolve(sb, "n3/x", r);
	want_from(sb, &r[RTVER_NODE], RTVER_F_PACKAGE_JSON, "n3/package.json", "17.0.0", 2);
	/* rust-toolchain.toml alone; a .tool-versions naming rust beats both */
	put(sb, "r/rust-toolchain.toml", "[toolchain]\nchannel = \"1.77.0\"\n");
	resolve(sb, "r", r);
	want_from(sb, &r[RTVER_RUST], RTVER_F_RUST_TOOLCHAIN_TOML, "r/rust-toolchain.toml", "1.77.0",
		  2);
	put(sb, "r/.tool-versions", "rust nightly\n");
	resolve(sb, "r", r);
	want_from(sb, &r[RTVER_RUST], RTVER_F_TOOL_VERSIONS, "r/.tool-versions", "nightly", 1);
	/* go.mod with go only; .go-version alone */
	put(sb, "g1/go.mod", "module m\ngo 1.21\n");
	put(sb, "g1/.go-version", "1.20\n");
	resolve(sb, "g1", r);
	want_from(sb, &r[RTVER_GO], RTVER_F_GO_MOD, "g1/go.mod", "1.21", 2);
	put(sb, "g2/.go-version", "1.20\n");
	resolve(sb, "g2", r);
	want_from(sb, &r[RTVER_GO], RTVER_F_GO_VERSION, "g2/.go-version", "1.20", 1);
}

static void test_bad_files(void **state)
{
	struct sandbox *sb = *state;
	struct rtver_pin r[RTVER_COUNT];
	/* a refused nearer file is not passed over for a farther one */
	put(sb, "b/.ruby-version", "3.3.0\n");
	put(sb, "b/c/.ruby-version", "3.3/../../usr\n");
	resolve(sb, "b/c", r);
	assert_int_equal(r[RTVER_RUBY].state, RTVER_BAD);
	assert_int_equal(r[RTVER_RUBY].file, RTVER_F_RUBY_VERSION);
	assert_non_null(strstr(r[RTVER_RUBY].path, "/b/c/.ruby-version"));
	assert_non_null(strstr(r[RTVER_RUBY].why, "has '/'"));
	/* too large, not a regular file (a FIFO must not hang), a directory */
	char big[RTVER_FILE_MAX + 100];
	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	big[sizeof(big) - 1] = '\0';
	put(sb, "b/c/package.json", big);
	char fifo[512];
	snprintf(fifo, sizeof(fifo), "%s/b/c/.python-version", sb->root);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	mkdirs(sb, "b/c/.bun-version");
	resolve(sb, "b/c", r);
	want_bad(&r[RTVER_NODE], 0, "larger than 64 KiB");
	want_bad(&r[RTVER_PYTHON], 0, "not a regular file");
	want_bad(&r[RTVER_BUN], 0, "not a regular file");
	/* just under the cap is read */
	big[RTVER_FILE_MAX - 1] = '}';
	big[RTVER_FILE_MAX] = '\0';
	put(sb, "b/d/package.json", big);
	resolve(sb, "b/d", r);
	assert_int_equal(r[RTVER_NODE].state, RTVER_UNSET);
	/* unreadable (not as root: it reads anything) */
	if (geteuid() != 0) {
		put(sb, "b/e/.java-version", "21\n");
		char p[512];
		snprintf(p, sizeof(p), "%s/b/e/.java-version", sb->root);
		chmod(p, 0);
		resolve(sb, "b/e", r);
		want_bad(&r[RTVER_JAVA], 0, "cannot be read");
	}
	/* a bad global file */
	put(sb, "config/omg/tool-versions", "bun 1.0/2\n");
	resolve(sb, "b/d", r);
	want_bad(&r[RTVER_BUN], 1, "has '/'");
	assert_int_equal(r[RTVER_BUN].file, RTVER_F_GLOBAL);
}

/* ---- installed versions ---- */

/* Makes ROOT/data/omg/versions/RT/V/bin for each V (NULL-terminated). */
static void install(const struct sandbox *sb, const char *rt, ...)
{
	va_list ap;
	va_start(ap, rt);
	for (const char *v; (v = va_arg(ap, const char *));) {
		char rel[256];
		snprintf(rel, sizeof(rel), "data/omg/versions/%s/%s/bin", rt, v);
		mkdirs(sb, rel);
	}
	va_end(ap);
}

/* Asserts rt pinned to the versions (comma-free list, NULL-terminated) selects want (NULL: MISSING). */
static void want_installed(const struct sandbox *sb, enum rtver_rt rt, const char *want, ...)
{
	struct rtver_pin pin = {.state = RTVER_PINNED};
	struct rtver_active a;
	va_list ap;
	va_start(ap, want);
	for (const char *v; (v = va_arg(ap, const char *));)
		snprintf(pin.versions[pin.nversions++], RTVER_VERSION_MAX, "%s", v);
	va_end(ap);
	enum rtver_inst got = rtver_installed(&sb->env, rt, &pin, &a);
	assert_int_equal(got, a.inst);
	if (!want) {
		if (got != RTVER_I_MISSING)
			fail_msg("%s %s: %d %s, want MISSING", rtver_name(rt), pin.versions[0], got,
				 a.version);
		assert_string_equal(a.version, pin.versions[0]);
		assert_string_equal(a.bin, "");
		return;
	}
	if (got != RTVER_I_INSTALLED || strcmp(a.version, want) != 0)
		fail_msg("%s %s: %d %s, want %s", rtver_name(rt), pin.versions[0], got, a.version,
			 want);
	char bin[512];
	snprintf(bin, sizeof(bin), "%s/data/omg/versions/%s/%s/bin", sb->root, rtver_name(rt), want);
	assert_string_equal(a.bin, bin);
}

static void test_installed(void **state)
{
	struct sandbox *sb = *state;
	install(sb, "node", "20.11.1", "20.9.0", "22.1.0", "18.19.0", "23.0.0-rc.1", "21.7.3", NULL);
	mkdirs(sb, "data/omg/versions/node/16.0.0"); /* no bin: not installed */
	mkdirs(sb, "data/omg/versions/node/.20.99.0.tmp/bin"); /* an install under way */
	put(sb, "data/omg/versions/node/20.50.0", "a file\n");
	want_installed(sb, RTVER_NODE, "20.11.1", "20", NULL);
	want_installed(sb, RTVER_NODE, "20.9.0", "20.9.0", NULL);
	want_installed(sb, RTVER_NODE, "20.11.1", "20.11", NULL);
	want_installed(sb, RTVER_NODE, "22.1.0", "lts", NULL);
	want_installed(sb, RTVER_NODE, "22.1.0", "latest", NULL);
	want_installed(sb, RTVER_NODE, "20.11.1", "lts-iron", NULL);
	want_installed(sb, RTVER_NODE, "18.19.0", "lts-hydrogen", NULL);
	want_installed(sb, RTVER_NODE, "23.0.0-rc.1", "23", NULL);
	want_installed(sb, RTVER_NODE, NULL, "19", NULL);
	want_installed(sb, RTVER_NODE, NULL, "16", NULL);
	want_installed(sb, RTVER_NODE, NULL, "2", NULL); /* "2" is not "20"'s prefix */
	want_installed(sb, RTVER_NODE, NULL, "lts-argon", NULL);
	want_installed(sb, RTVER_NODE, "18.19.0", "19", "18", NULL); /* asdf's fallbacks */
	want_installed(sb, RTVER_NODE, NULL, "19", "17", NULL);
	install(sb, "java", "21.0.2+13", "17.0.10+7", "17.0.9+9", "22.0.1+8", NULL);
	want_installed(sb, RTVER_JAVA, "21.0.2+13", "lts", NULL);
	want_installed(sb, RTVER_JAVA, "21.0.2+13", "21", NULL);
	want_installed(sb, RTVER_JAVA, "17.0.10+7", "17", NULL);
	want_installed(sb, RTVER_JAVA, "21.0.2+13", "21.0.2", NULL);
	want_installed(sb, RTVER_JAVA, "22.0.1+8", "latest", NULL);
	install(sb, "rust", "1.77.0", "1.76.0", "nightly-2024-01-01", "nightly-2024-02-01", NULL);
	want_installed(sb, RTVER_RUST, "1.77.0", "stable", NULL);
	want_installed(sb, RTVER_RUST, "nightly-2024-02-01", "nightly", NULL);
	want_installed(sb, RTVER_RUST, "1.76.0", "1.76", NULL);
	want_installed(sb, RTVER_RUST, NULL, "beta", NULL);
	install(sb, "python", "3.12.1", "3.12.10", "3.13.0a1", "pypy3.10-7.3.15", NULL);
	want_installed(sb, RTVER_PYTHON, "3.12.10", "3.12", NULL);
	want_installed(sb, RTVER_PYTHON, "3.12.10", "3", NULL); /* a release before an alpha */
	want_installed(sb, RTVER_PYTHON, "3.13.0a1", "3.13", NULL);
	want_installed(sb, RTVER_PYTHON, "pypy3.10-7.3.15", "pypy3.10", NULL);
	want_installed(sb, RTVER_PYTHON, NULL, "lts", NULL);
	want_installed(sb, RTVER_GO, NULL, "1.22", NULL); /* no go directory at all */
	/* system, and what is not pinned */
	struct rtver_pin pin = {.state = RTVER_PINNED, .nversions = 2};
	strcpy(pin.versions[0], "system");
	strcpy(pin.versions[1], "3.12");
	struct rtver_active a;
	assert_int_equal(rtver_installed(&sb->env, RTVER_PYTHON, &pin, &a), RTVER_I_SYSTEM);
	assert_string_equal(a.bin, "");
	pin.state = RTVER_UNSET;
	assert_int_equal(rtver_installed(&sb->env, RTVER_PYTHON, &pin, &a), RTVER_I_NONE);
	pin.state = RTVER_BAD;
	assert_int_equal(rtver_installed(&sb->env, RTVER_PYTHON, &pin, &a), RTVER_I_NONE);
	/* no data directory: pinned, not installed */
	struct rtver_env none = sb->env;
	none.data[0] = '\0';
	pin.state = RTVER_PINNED;
	strcpy(pin.versions[0], "3.12");
	assert_int_equal(rtver_installed(&none, RTVER_PYTHON, &pin, &a), RTVER_I_MISSING);
}

/* ---- pure parts ---- */

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

static void test_cmp(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		int want;
	} v[] = {
		{"1.10", "1.9", 1},         {"1.2.1", "1.2", 1},          {"1.2rc1", "1.2", -1},
		{"3.13.0a1", "3.13.0", -1}, {"3.13.0a1", "3.13.0b1", -1}, {"3.13.0rc1", "3.13.0b2", 1},
		{"1.77.0-beta.1", "1.77.0", -1}, {"1.21rc2", "1.21.0", -1}, {"1.21.0", "1.21", 1},
		{"20.11.1", "20.11.1", 0},  {"020", "20", 0},              {"21.0.2+13", "21.0.2", 1},
		{"17.0.10+7", "17.0.9+9", 1}, {"nightly-2024-02-01", "nightly-2024-01-31", 1},
		{"", "", 0},                {"1", "", 1},                  {"a", "", -1},
		{"99999999999999999999", "9", 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		int got = sign(rtver_cmp(v[i].a, v[i].b)), back = sign(rtver_cmp(v[i].b, v[i].a));
		if (got != v[i].want || back != -v[i].want)
			fail_msg("%s vs %s: %d (reverse %d), want %d", v[i].a, v[i].b, got, back,
				 v[i].want);
	}
}

static void test_match(void **state)
{
	(void)state;
	static const struct {
		enum rtver_rt rt;
		const char *want, *have;
		int ok;
	} v[] = {
		{RTVER_NODE, "20", "20.11.1", 1},       {RTVER_NODE, "20", "200.1", 0},
		{RTVER_NODE, "20.1", "20.11.1", 0},     {RTVER_NODE, "20.11", "20.11.1", 1},
		{RTVER_NODE, "20", "20-foo", 0},        {RTVER_NODE, "lts", "20.11.1", 1},
		{RTVER_NODE, "lts", "21.0.0", 0},       {RTVER_NODE, "lts", "22.0.0-rc.1", 0},
		{RTVER_NODE, "lts-iron", "20.1.0", 1},  {RTVER_NODE, "lts-iron", "22.1.0", 0},
		{RTVER_NODE, "lts-jod", "22.1.0", 1},   {RTVER_NODE, "lts-nope", "22.1.0", 0},
		{RTVER_NODE, "latest", "23.0.0", 1},    {RTVER_NODE, "latest", "23.0.0-rc.1", 0},
		{RTVER_JAVA, "lts", "25.0.1+8", 1},     {RTVER_JAVA, "lts", "11.0.22+7", 1},
		{RTVER_JAVA, "lts", "23.0.1+11", 0},    {RTVER_JAVA, "21", "21+35", 1},
		{RTVER_RUST, "stable", "1.77.0", 1},    {RTVER_PYTHON, "stable", "3.12.0", 0},
		{RTVER_RUST, "nightly", "nightly-2024-01-01", 1},
		{RTVER_GO, "lts", "1.22.0", 0},         {RTVER_GO, "1.22", "1.22rc1", 0},
		{RTVER_PYTHON, "system", "system", 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++)
		if (rtver_match(v[i].rt, v[i].want, v[i].have) != v[i].ok)
			fail_msg("%s %s ~ %s: want %d", rtver_name(v[i].rt), v[i].want, v[i].have,
				 v[i].ok);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(rtver_lookup("nodejs", 6), RTVER_NODE);
	assert_int_equal(rtver_lookup("node", 4), RTVER_NODE);
	assert_int_equal(rtver_lookup("core:golang", 11), RTVER_GO);
	assert_int_equal(rtver_lookup("bun", 3), RTVER_BUN);
	assert_int_equal(rtver_lookup("deno", 4), -1);
	assert_int_equal(rtver_lookup("nod", 3), -1);
	for (int rt = 0; rt < RTVER_COUNT; rt++)
		assert_int_equal(rtver_lookup(rtver_name(rt), strlen(rtver_name(rt))), rt);
	assert_string_equal(rtver_file_name(RTVER_F_NVMRC), ".nvmrc");
	assert_string_equal(rtver_file_name(RTVER_F_GLOBAL), "global tool-versions");
	for (int f = 0; f < RTVER_F_COUNT; f++)
		assert_non_null(rtver_file_name(f));
}

static void test_env(void **state)
{
	(void)state;
	struct rtver_env e;
	setenv("HOME", "/home/u", 1);
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("OMG_CEILING_PATHS", "/home", 1);
	rtver_env_init(&e);
	assert_string_equal(e.config, "/cfg/omg");
	assert_string_equal(e.data, "/home/u/.local/share/omg");
	assert_string_equal(e.ceilings, "/home");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	unsetenv("OMG_CEILING_PATHS");
	rtver_env_init(&e);
	assert_string_equal(e.config, "");
	assert_string_equal(e.data, "");
	assert_null(e.ceilings);
}

/* ---- the PATH rewriter ---- */

/* Rewrites and asserts the new PATH and marker. */
static void rewrite(const char *path, const char *marker, const char *const *bins, size_t n,
		    const char *want, const char *want_marker)
{
	char out[512], m[512];
	assert_int_equal(rtver_path_rewrite(path, marker, bins, n, out, sizeof(out), m, sizeof(m)),
			 0);
	assert_string_equal(out, want);
	assert_string_equal(m, want_marker);
}

static void test_path_cases(void **state)
{
	(void)state;
	const char *a[] = {"/v/node/20/bin", "/v/go/1.22/bin"};
	const char *b[] = {"/v/node/22/bin"};
	/* in, changed, out */
	rewrite("/usr/bin:/bin", NULL, a, 2, "/v/node/20/bin:/v/go/1.22/bin:/usr/bin:/bin",
		"/v/node/20/bin:/v/go/1.22/bin");
	rewrite("/v/node/20/bin:/v/go/1.22/bin:/usr/bin:/bin", "/v/node/20/bin:/v/go/1.22/bin", b,
		1, "/v/node/22/bin:/usr/bin:/bin", "/v/node/22/bin");
	rewrite("/v/node/22/bin:/usr/bin:/bin", "/v/node/22/bin", NULL, 0, "/usr/bin:/bin", "");
	/* entries the user put in front since stay, in their order, empty ones too */
	rewrite("/mine:/v/node/20/bin::/usr/bin:", "/v/node/20/bin", b, 1,
		"/v/node/22/bin:/mine::/usr/bin:", "/v/node/22/bin");
	rewrite("::/x", "", NULL, 0, "::/x", "");
	rewrite(":/x", "/x", NULL, 0, "", "");
	/* an empty PATH has no entries (no ':' added that would mean the working directory) */
	rewrite("", NULL, b, 1, "/v/node/22/bin", "/v/node/22/bin");
	rewrite(NULL, NULL, NULL, 0, "", "");
	/* a bin twice, or already in PATH: once, first */
	const char *twice[] = {"/v/node/22/bin", "/v/node/22/bin"};
	rewrite("/usr/bin:/v/node/22/bin", NULL, twice, 2, "/v/node/22/bin:/usr/bin",
		"/v/node/22/bin");
	/* refused bins; too small */
	const char *rel[] = {"v/bin"}, *colon[] = {"/a:b/bin"}, *empty[] = {""};
	char out[16], m[16];
	assert_int_equal(rtver_path_rewrite("/bin", NULL, rel, 1, out, 16, m, 16), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rtver_path_rewrite("/bin", NULL, colon, 1, out, 16, m, 16), -1);
	assert_int_equal(rtver_path_rewrite("/bin", NULL, empty, 1, out, 16, m, 16), -1);
	assert_int_equal(rtver_path_rewrite("/usr/local/bin", NULL, b, 1, out, 16, m, 16), -1);
	assert_int_equal(errno, ERANGE);
	assert_string_equal(out, "");
	assert_string_equal(m, "");
	assert_int_equal(rtver_path_rewrite("/bin", NULL, NULL, 0, out, 16, m, 16), 0);
	assert_string_equal(out, "/bin");
}

/* Counts the colon-separated entries of s equal to e. */
static int count_entry(const char *s, const char *e)
{
	int n = 0;
	size_t el = strlen(e);
	for (const char *p = s;;) {
		const char *c = strchrnul(p, ':');
		if ((size_t)(c - p) == el && memcmp(p, e, el) == 0)
			n++;
		if (!*c)
			return n;
		p = c + 1;
	}
}

/* 1,000 prompts moving between projects: PATH bounded, no bin twice, the
 * user's entries untouched and in order, and leaving gives the PATH back. */
static void test_path_property(void **state)
{
	(void)state;
	static const char *pool[] = {"/usr/local/bin", "/usr/bin", "/bin", "", "/home/u/bin",
				     "/usr/bin", "/opt/x"};
	static const char *bins[] = {"/d/v/node/20/bin",  "/d/v/node/22/bin", "/d/v/go/1.22/bin",
				     "/d/v/python/3.12/bin", "/d/v/rust/1.77.0/bin",
				     "/d/v/java/21/bin",  "/d/v/bun/1.1.8/bin"};
	unsigned seed = 17;
	for (int round = 0; round < 20; round++) {
		char orig[256] = "";
		int n = 1 + (int)(rand_r(&seed) % 6);
		for (int i = 0; i < n; i++) {
			if (i)
				strcat(orig, ":");
			strcat(orig, pool[rand_r(&seed) % (sizeof(pool) / sizeof(*pool))]);
		}
		char path[1024], marker[512], out[1024], m[512];
		snprintf(path, sizeof(path), "%s", orig);
		marker[0] = '\0';
		size_t maxlen = strlen(orig) + 7 * 24;
		for (int it = 0; it < 1000 / 20; it++) {
			const char *now[8];
			size_t k = 0;
			int leave = rand_r(&seed) % 4 == 0;
			for (size_t i = 0; !leave && i < sizeof(bins) / sizeof(*bins); i++)
				if (rand_r(&seed) % 2)
					now[k++] = bins[i];
			assert_int_equal(rtver_path_rewrite(path, marker, now, k, out, sizeof(out), m,
							    sizeof(m)),
					 0);
			assert_true(strlen(out) <= maxlen);
			for (size_t i = 0; i < sizeof(bins) / sizeof(*bins); i++)
				assert_true(count_entry(out, bins[i]) <= 1);
			/* out is now's bins, then exactly the original PATH */
			char want[1024] = "";
			for (size_t i = 0; i < k; i++) {
				if (i)
					strcat(want, ":");
				strcat(want, now[i]);
			}
			if (*orig) {
				if (k)
					strcat(want, ":");
				strcat(want, orig);
			}
			assert_string_equal(out, want);
			if (leave)
				assert_string_equal(out, orig);
			snprintf(path, sizeof(path), "%s", out);
			snprintf(marker, sizeof(marker), "%s", m);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tool_versions),
		cmocka_unit_test(test_own_files),
		cmocka_unit_test(test_gomod),
		cmocka_unit_test(test_rust),
		cmocka_unit_test(test_package_json),
		cmocka_unit_test(test_bad_versions),
		cmocka_unit_test_setup_teardown(test_nesting, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_same_directory, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_installed, sandbox_setup, sandbox_teardown),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_path_cases),
		cmocka_unit_test(test_path_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
