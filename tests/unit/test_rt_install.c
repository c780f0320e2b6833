/* SPDX-License-Identifier: MIT */
/* Unit tests for runtime installs against tests/fixtures/rtmirror.py on loopback: node (signed
 * SHASUMS256.txt), go, python, rust, java and bun (clearsigned, zip) installed for real into a
 * temporary versions directory and run; a tampered tarball, a bad or foreign signature, a cut
 * download, a hostile archive and a bad version are refused and leave nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/net/net.h"
#include "engine/runtimes/runtimes.h"
#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"
#include "loopback.h"

#define MIRROR "tests/fixtures/rtmirror.py"

/* The group's mirror and paths. */
struct env {
	char base[64];   /* the temporary directory */
	char www[128];   /* what the mirror serves */
	char log[128];
	char url[64];    /* http://127.0.0.1:PORT */
	char keyring[160];
	char other[160];
	char vers[160];  /* this test's versions directory */
	int nvers;
	struct loopback srv;
};
static struct env *E;
static char err[1024];
static const struct rt_host X64 = {RT_X86_64};

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static int group_setup(void **state)
{
	(void)state;
	E = xcalloc(1, sizeof(*E));
	strcpy(E->base, "/tmp/omg-rt-install-XXXXXX");
	if (!mkdtemp(E->base))
		return -1;
	snprintf(E->www, sizeof(E->www), "%s/www", E->base);
	snprintf(E->log, sizeof(E->log), "%s/requests.log", E->base);
	snprintf(E->keyring, sizeof(E->keyring), "%s/keyring.gpg", E->www);
	snprintf(E->other, sizeof(E->other), "%s/other-keyring.gpg", E->www);
	char why[256];
	const char *args[] = {"--lifetime", "300", E->www, E->log, NULL};
	if (net_init() != 0 || loopback_start(&E->srv, MIRROR, args, why, sizeof(why)) != 0) {
		fprintf(stderr, "test_rt_install: %s\n", why);
		return -1;
	}
	snprintf(E->url, sizeof(E->url), "http://127.0.0.1:%d", E->srv.port);
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

/* Each test: a fresh versions directory, and plain serving. */
static int fresh(void **state)
{
	(void)state;
	snprintf(E->vers, sizeof(E->vers), "%s/versions-%d", E->base, E->nvers++);
	char beh[200];
	snprintf(beh, sizeof(beh), "%s/_behaviour.json", E->www);
	unlink(beh);
	return 0;
}

/* Serves path with that httpd.py behaviour (JSON object text). */
static void behave(const char *path, const char *behaviour)
{
	char file[200], *text = xasprintf("{\"%s\": %s}", path, behaviour);
	snprintf(file, sizeof(file), "%s/_behaviour.json", E->www);
	assert_int_equal(fd_replace_buf(file, 0644, text, strlen(text)), 0);
	free(text);
}

/* GETs path on the mirror; the body (caller frees). */
static struct buf get(const char *path)
{
	char url[512];
	snprintf(url, sizeof(url), "%s%s", E->url, path);
	struct net_request req = {.url = url, .timeout_ms = 10000};
	struct net_result res;
	if (net_fetch(&req, &res) != 0)
		fail_msg("%s", res.error);
	struct buf b = res.body;
	res.body = (struct buf){0};
	net_result_free(&res);
	return b;
}

/* The names in dir, sorted and ", "-joined ("" when empty or missing). */
static char *listing(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	struct buf b = {0};
	buf_puts(&b, "");
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			buf_printf(&b, "%s%s", b.len ? ", " : "", ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return b.p;
}

/* versions/RT holds exactly want ("" for nothing at all). */
static void assert_left(const char *rt, const char *want)
{
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/%s", E->vers, rt);
	char *got = listing(dir);
	if (strcmp(got, want) != 0)
		fail_msg("%s holds \"%s\", want \"%s\"", dir, got, want);
	free(got);
}

/* The first line cmd prints (trailing newline removed). */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[256] = "";
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	int st = pclose(p);
	if (st != 0)
		fail_msg("%s exited %d", cmd, st);
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

/* The node index of the mirror's base (node or node-evil), sorted. */
static void node_index(const char *base, struct rt_index *idx)
{
	char path[64];
	snprintf(path, sizeof(path), "/%s/index.json", base);
	struct buf b = get(path);
	rt_index_init(idx, RT_NODE);
	if (rt_node_parse(idx, b.p, b.len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	rt_index_sort(idx);
	buf_free(&b);
}

/* Plans node want from the mirror's base into src; the version chosen into ver. */
static void node_source(const char *base, const char *want, struct rt_source *src, char *ver)
{
	struct rt_index idx;
	node_index(base, &idx);
	const struct rt_release *r;
	if (rt_select(&idx, want, &r, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	char url[128];
	snprintf(url, sizeof(url), "%s/%s/", E->url, base);
	if (rt_plan(&idx, r, &X64, url, src, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	strcpy(ver, r->version);
	rt_index_free(&idx);
}

/* Installs src as rt ver; rc and err as rt_install left them. */
static int install(const char *rt, const char *ver, const struct rt_source *src,
		   const char *keyring, struct rt_install_res *res)
{
	struct rt_install_req req = {.runtime = rt, .version = ver, .src = src,
				     .versions_dir = E->vers, .keyring = keyring,
				     .timeout_ms = 20000};
	err[0] = '\0';
	int rc = rt_install(&req, res, err, sizeof(err));
	assert_null(strchr(err, '\n'));
	return rc;
}

/* An install that must be refused with want in its error, leaving versions/RT as left
 * says (assert_left). */
static void refused_left(const char *rt, const char *ver, const struct rt_source *src,
			 const char *keyring, const char *want, const char *left)
{
	if (install(rt, ver, src, keyring, NULL) != -1 || !strstr(err, want))
		fail_msg("%s %s: error \"%s\", want \"%s\"", rt, ver, err, want);
	assert_left(rt, left);
}

/* The same where versions/RT must hold nothing. */
static void install_refused(const char *rt, const char *ver, const struct rt_source *src,
			    const char *keyring, const char *want)
{
	refused_left(rt, ver, src, keyring, want, "");
}

static void progress(uint64_t done, int64_t total, void *ctx)
{
	uint64_t *last = ctx;
	if (done < *last || (total >= 0 && done > (uint64_t)total))
		fail_msg("progress went from %llu to %llu of %lld", (unsigned long long)*last,
			 (unsigned long long)done, (long long)total);
	*last = done;
}

static void test_install_node(void **state)
{
	(void)state;
	struct rt_source src;
	char ver[RT_VERSION_MAX + 1];
	node_source("node", "20", &src, ver);
	assert_string_equal(ver, "20.11.1");
	struct rt_install_res res;
	uint64_t last = 0;
	struct rt_install_req req = {.runtime = "node", .version = ver, .src = &src,
				     .versions_dir = E->vers, .keyring = E->keyring,
				     .progress = progress, .progress_ctx = &last};
	if (rt_install(&req, &res, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	char want[256];
	snprintf(want, sizeof(want), "%s/node/20.11.1", E->vers);
	assert_string_equal(res.dir, want);
	assert_int_equal(strlen(res.signer), 40);
	assert_int_equal(strlen(res.sha256), 64);
	assert_int_equal(last, res.bytes);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "%s/bin/node", res.dir);
	char *out = run(cmd);
	assert_string_equal(out, "v20.11.1");
	free(out);
	/* The link inside the tree came along; modes kept the x bits. */
	snprintf(cmd, sizeof(cmd), "%s/bin/npm", res.dir);
	char target[256] = "";
	assert_true(readlink(cmd, target, sizeof(target) - 1) > 0);
	assert_string_equal(target, "../lib/node_modules/npm/bin/npm-cli.js");
	struct stat st;
	assert_int_equal(stat(res.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	/* Only the install is there: no temporary file, directory or GNUPGHOME. */
	assert_left("node", "20.11.1");

	/* Again: refused, the first untouched. */
	assert_int_equal(install("node", ver, &src, E->keyring, NULL), -1);
	assert_non_null(strstr(err, "node 20.11.1 is already installed in"));
	assert_left("node", "20.11.1");

	/* lts picks the same line; another version goes beside it. */
	node_source("node", "lts/hydrogen", &src, ver);
	assert_int_equal(install("node", ver, &src, E->keyring, &res), 0);
	assert_left("node", "18.19.1, 20.11.1");
}

static void test_install_go(void **state)
{
	(void)state;
	struct buf b = get("/go/?mode=json&include=all");
	struct rt_index idx;
	rt_index_init(&idx, RT_GO);
	if (rt_go_parse(&idx, b.p, b.len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	buf_free(&b);
	rt_index_sort(&idx);
	const struct rt_release *r;
	assert_int_equal(rt_select(&idx, "latest", &r, err, sizeof(err)), 0);
	assert_string_equal(r->version, "1.22.1");
	struct rt_source src;
	char url[128];
	snprintf(url, sizeof(url), "%s/go/", E->url);
	assert_int_equal(rt_plan(&idx, r, &X64, url, &src, err, sizeof(err)), 0);
	assert_true(src.size > 0);
	struct rt_install_res res;
	if (install("go", r->version, &src, NULL, &res) != 0)
		fail_msg("%s", err);
	assert_int_equal(res.bytes, (uint64_t)src.size);
	assert_string_equal(res.sha256, src.sha256);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "%s/bin/go", res.dir);
	char *out = run(cmd);
	assert_string_equal(out, "go version go1.22.1 linux/amd64");
	free(out);
	assert_left("go", "1.22.1");

	/* A download cut short: fewer bytes than the index says. */
	src.size = (int64_t)res.bytes;
	behave("/go/go1.22.0.linux-amd64.tar.gz", "{\"content_length_lie\": true}");
	r = rt_index_find(&idx, "1.22.0");
	assert_int_equal(rt_plan(&idx, r, &X64, url, &src, err, sizeof(err)), 0);
	refused_left("go", "1.22.0", &src, NULL, "the index says", "1.22.1");
	/* The same with the size unknown: the sha256 refuses it. */
	src.size = -1;
	refused_left("go", "1.22.0", &src, NULL, "not the expected", "1.22.1");
	/* A server error. */
	behave("/go/go1.22.0.linux-amd64.tar.gz", "{\"status\": 404}");
	refused_left("go", "1.22.0", &src, NULL, "the download failed: ", "1.22.1");
	/* Longer than the index says: refused while it arrives. */
	behave("/go/go1.22.0.linux-amd64.tar.gz", "{\"garbage_bytes\": 100000}");
	assert_int_equal(rt_plan(&idx, r, &X64, url, &src, err, sizeof(err)), 0);
	refused_left("go", "1.22.0", &src, NULL, "larger than", "1.22.1");
	rt_index_free(&idx);
}

static void save(const char *file);
static void restore(const char *file);
static void flip(const char *file, long offset);

static void test_install_others(void **state)
{
	(void)state;
	struct rt_index idx;
	struct rt_source src;
	struct rt_install_res res;
	const struct rt_release *r;
	char cmd[4200], *out;

	/* python: latest-release.json, then its SHA256SUMS. */
	rt_index_init(&idx, RT_PYTHON);
	struct buf b = get("/python/latest-release.json");
	assert_int_equal(rt_python_parse_latest(&idx, b.p, b.len, err, sizeof(err)), 0);
	buf_free(&b);
	b = get("/python/releases/download/20240415/SHA256SUMS");
	if (rt_python_parse_sums(&idx, b.p, b.len, rt_host_triple(&X64), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	buf_free(&b);
	rt_index_sort(&idx);
	assert_int_equal(rt_select(&idx, "3", &r, err, sizeof(err)), 0);
	assert_string_equal(r->version, "3.12.3");
	assert_int_equal(rt_plan(&idx, r, &X64, NULL, &src, err, sizeof(err)), 0);
	if (install("python", r->version, &src, NULL, &res) != 0)
		fail_msg("%s", err);
	snprintf(cmd, sizeof(cmd), "%s/bin/python3", res.dir);
	out = run(cmd);
	assert_string_equal(out, "Python 3.12.3");
	free(out);
	rt_index_free(&idx);

	/* rust: the manifest, the toolchain's tarball (xz). */
	rt_index_init(&idx, RT_RUST);
	b = get("/rust/dist/channel-rust-stable.toml");
	if (rt_rust_parse(&idx, b.p, b.len, rt_host_triple(&X64), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	buf_free(&b);
	assert_int_equal(rt_plan(&idx, &idx.v[0], &X64, NULL, &src, err, sizeof(err)), 0);
	assert_int_equal(src.format, RT_TAR_XZ);
	if (install("rust", idx.v[0].version, &src, NULL, &res) != 0)
		fail_msg("%s", err);
	snprintf(cmd, sizeof(cmd), "%s/cargo/bin/cargo", res.dir);
	out = run(cmd);
	assert_string_equal(out, "cargo 1.77.0 (aedd173a2 2024-03-17)");
	free(out);
	rt_index_free(&idx);

	/* java: Adoptium's releases of two features, and which is LTS. */
	rt_index_init(&idx, RT_JAVA);
	const char *features[] = {"/java/v3/assets/feature_releases/21/ga?os=linux&image_type=jdk",
				  "/java/v3/assets/feature_releases/22/ga",
				  "/java/v3/info/available_releases"};
	for (int i = 0; i < 3; i++) {
		b = get(features[i]);
		int rc = i < 2 ? rt_java_parse(&idx, b.p, b.len, err, sizeof(err))
			       : rt_java_parse_available(&idx, b.p, b.len, err, sizeof(err));
		if (rc != 0)
			fail_msg("%s", err);
		buf_free(&b);
	}
	rt_index_sort(&idx);
	assert_int_equal(rt_select(&idx, "lts", &r, err, sizeof(err)), 0);
	assert_string_equal(r->version, "21.0.2+13");
	assert_int_equal(rt_plan(&idx, r, &X64, NULL, &src, err, sizeof(err)), 0);
	if (install("java", r->version, &src, NULL, &res) != 0)
		fail_msg("%s", err);
	snprintf(cmd, sizeof(cmd), "%s/bin/java", res.dir);
	out = run(cmd);
	assert_string_equal(out, "openjdk version \"21.0.2\"");
	free(out);
	rt_index_free(&idx);

	/* bun: a zip, its sum from the clearsigned SHASUMS256.txt.asc. */
	rt_index_init(&idx, RT_BUN);
	assert_int_equal(rt_index_add(&idx, "bun-v1.1.8", err, sizeof(err)), 0);
	char url[128];
	snprintf(url, sizeof(url), "%s/bun", E->url);
	assert_int_equal(rt_plan(&idx, &idx.v[0], &X64, url, &src, err, sizeof(err)), 0);
	if (install("bun", "1.1.8", &src, E->keyring, &res) != 0)
		fail_msg("%s", err);
	assert_int_equal(strlen(res.signer), 40);
	snprintf(cmd, sizeof(cmd), "%s/bun", res.dir);
	out = run(cmd);
	assert_string_equal(out, "1.1.8");
	free(out);
	assert_left("bun", "1.1.8");
	/* A file the signed list does not name. */
	assert_int_equal(rt_index_add(&idx, "1.0.36", err, sizeof(err)), 0);
	assert_int_equal(rt_plan(&idx, &idx.v[1], &X64, url, &src, err, sizeof(err)), 0);
	strcpy(src.file, "bun-linux-x64-baseline.zip");
	refused_left("bun", "1.0.36", &src, E->keyring,
		     "bun-linux-x64-baseline.zip is not in the signed SHASUMS256.txt.asc", "1.1.8");
	/* Signed by a key that is not in the keyring. */
	assert_int_equal(rt_plan(&idx, &idx.v[1], &X64, url, &src, err, sizeof(err)), 0);
	refused_left("bun", "1.0.36", &src, E->other, "signed by a key that is not in the keyring",
		     "1.1.8");
	/* The clearsigned text altered: the signature no longer holds. */
	char asc[300];
	snprintf(asc, sizeof(asc), "%s/bun/bun-v1.0.36/SHASUMS256.txt.asc", E->www);
	save(asc);
	flip(asc, 60);
	refused_left("bun", "1.0.36", &src, E->keyring, "signature:", "1.1.8");
	restore(asc);
	assert_int_equal(install("bun", "1.0.36", &src, E->keyring, NULL), 0);
	assert_left("bun", "1.0.36, 1.1.8");
	rt_index_free(&idx);
}

/* Copies file to file.orig and back. */
static void save(const char *file)
{
	char *cmd = xasprintf("cp -p '%s' '%s.orig'", file, file);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void restore(const char *file)
{
	char *orig = xasprintf("%s.orig", file);
	assert_int_equal(rename(orig, file), 0);
	free(orig);
}

/* Flips one byte of file at offset (negative: from the end). */
static void flip(const char *file, long offset)
{
	FILE *f = fopen(file, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, offset, offset < 0 ? SEEK_END : SEEK_SET), 0);
	int c = fgetc(f);
	assert_true(c != EOF);
	assert_int_equal(fseek(f, -1, SEEK_CUR), 0);
	fputc(c ^ 0x20, f);
	fclose(f);
}

static void test_tampered_tarball(void **state)
{
	(void)state;
	struct rt_source src;
	char ver[RT_VERSION_MAX + 1], file[300];
	node_source("node", "20.10", &src, ver);
	snprintf(file, sizeof(file), "%s/node/v20.10.0/node-v20.10.0-linux-x64.tar.xz", E->www);
	save(file);
	flip(file, 100);
	install_refused("node", ver, &src, E->keyring, "not the expected");
	restore(file);
	/* Cut short on the wire. */
	behave("/node/v20.10.0/node-v20.10.0-linux-x64.tar.xz", "{\"content_length_lie\": true}");
	install_refused("node", ver, &src, E->keyring, "a damaged, truncated or tampered download");
	/* Back to plain serving, it installs. */
	fresh(NULL);
	assert_int_equal(install("node", ver, &src, E->keyring, NULL), 0);
	assert_left("node", "20.10.0");
}

static void test_bad_signature(void **state)
{
	(void)state;
	struct rt_source src;
	char ver[RT_VERSION_MAX + 1], sums[300], sig[300];
	node_source("node", "22", &src, ver);
	snprintf(sums, sizeof(sums), "%s/node/v22.1.0/SHASUMS256.txt", E->www);
	snprintf(sig, sizeof(sig), "%s/node/v22.1.0/SHASUMS256.txt.sig", E->www);

	/* The list changed after signing (a sum replaced). */
	save(sums);
	flip(sums, 3);
	install_refused("node", ver, &src, E->keyring, "a bad signature");
	restore(sums);
	/* The signature damaged. */
	save(sig);
	flip(sig, -5);
	install_refused("node", ver, &src, E->keyring, "SHASUMS256.txt: signature:");
	restore(sig);
	/* Not a signature at all. */
	save(sig);
	assert_int_equal(fd_replace_buf(sig, 0644, "hello\n", 6), 0);
	install_refused("node", ver, &src, E->keyring, "signature:");
	restore(sig);
	/* A good signature by a key that is not in the keyring. */
	install_refused("node", ver, &src, E->other, "signed by a key that is not in the keyring");
	/* No keyring, or one with no key. */
	char none[200];
	snprintf(none, sizeof(none), "%s/no-such-keyring.gpg", E->base);
	install_refused("node", ver, &src, none, "cannot be read");
	char empty[200];
	snprintf(empty, sizeof(empty), "%s/garbage-keyring.gpg", E->base);
	assert_int_equal(fd_replace_buf(empty, 0644, "not a key\n", 10), 0);
	install_refused("node", ver, &src, empty, "holds no OpenPGP public key");
	/* The signature missing on the server. */
	behave("/node/v22.1.0/SHASUMS256.txt.sig", "{\"status\": 404}");
	install_refused("node", ver, &src, E->keyring, "the signature cannot be fetched");
	/* The temporary GNUPGHOMEs went too (they live in versions/node). */
	assert_left("node", "");
	/* All of that and the real thing still installs. */
	fresh(NULL);
	assert_int_equal(install("node", ver, &src, E->keyring, NULL), 0);
}

static void test_hostile_archive(void **state)
{
	(void)state;
	struct rt_source src;
	char ver[RT_VERSION_MAX + 1];
	/* Signed and summed like any other: only the unpacker refuses them. */
	node_source("node-evil", "21.0.0", &src, ver);
	install_refused("node", ver, &src, E->keyring,
			"node 21.0.0: node-v21.0.0-linux-x64.tar.xz: \"node-v21.0.0-linux-x64/../evil\" "
			"has a \"..\" component");
	node_source("node-evil", "21.1.0", &src, ver);
	install_refused("node", ver, &src, E->keyring, "is a symlink to /etc/passwd, outside");
	struct stat st;
	char escaped[300];
	snprintf(escaped, sizeof(escaped), "%s/evil", E->vers);
	assert_int_equal(lstat(escaped, &st), -1);
}

static void test_bad_names(void **state)
{
	(void)state;
	struct rt_source src;
	char ver[RT_VERSION_MAX + 1];
	node_source("node", "20.11.1", &src, ver);
	const char *bad[] = {"../x", "20/../../x", "a/b", "..", "20\n1", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(install("node", bad[i], &src, E->keyring, NULL), -1);
		assert_non_null(strstr(err, "is not a version"));
	}
	assert_int_equal(install("../node", "20.11.1", &src, E->keyring, NULL), -1);
	assert_non_null(strstr(err, "is not a runtime name"));
	/* Nothing was created, not even the runtime's directory. */
	char *got = listing(E->vers);
	assert_string_equal(got, "");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_install_node, fresh),
		cmocka_unit_test_setup(test_install_go, fresh),
		cmocka_unit_test_setup(test_install_others, fresh),
		cmocka_unit_test_setup(test_tampered_tarball, fresh),
		cmocka_unit_test_setup(test_bad_signature, fresh),
		cmocka_unit_test_setup(test_hostile_archive, fresh),
		cmocka_unit_test_setup(test_bad_names, fresh),
	};
	return cmocka_run_group_tests_name("rt_install", tests, group_setup, group_teardown);
}
