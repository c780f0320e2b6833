/* SPDX-License-Identifier: MIT */
/* Unit tests for the daemon's parts: the L1 reply cache, the configuration file and the
 * check of a plan request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cache.h"
#include "engine/daemon.h"
#include "engine/txn.h"
#include "util/config.h"

/* A hit returns the stored bytes; another generation or an expired entry misses. */
static void test_cache_generation_and_ttl(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20, 10);
	size_t n;
	assert_null(cache_get(c, "k", 1, 1, 0, &n));
	cache_put(c, "k", 1, 1, "value", 5, 100.0);
	const char *v = cache_get(c, "k", 1, 1, 105.0, &n);
	assert_non_null(v);
	assert_int_equal(n, 5);
	assert_memory_equal(v, "value", 5);
	assert_null(cache_get(c, "k", 1, 2, 105.0, &n)); /* a newer index */
	cache_put(c, "k", 1, 2, "v2", 2, 100.0);
	assert_null(cache_get(c, "k", 1, 2, 111.0, &n)); /* past the TTL */
	struct cache_stats st;
	cache_get_stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 3);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	cache_free(c);
}

/* The least recently used entry goes first; the byte limit holds. */
static void test_cache_lru(void **state)
{
	(void)state;
	char val[1000];
	memset(val, 'x', sizeof(val));
	struct cache *c = cache_new(40000, 600);
	char key[16];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cache_put(c, key, strlen(key), 1, val, sizeof(val), 0);
		size_t n;
		assert_non_null(cache_get(c, "k0", 2, 1, 0, &n)); /* k0 stays in use */
		struct cache_stats st;
		cache_get_stats(c, &st);
		assert_true(st.bytes <= 40000);
	}
	size_t n;
	assert_non_null(cache_get(c, "k0", 2, 1, 0, &n));
	assert_non_null(cache_get(c, "k99", 3, 1, 0, &n));
	assert_null(cache_get(c, "k1", 2, 1, 0, &n));
	/* Too big for the cache (over an eighth): not kept. */
	char big[6000] = {0};
	cache_put(c, "big", 3, 1, big, sizeof(big), 0);
	assert_null(cache_get(c, "big", 3, 1, 0, &n));
	cache_configure(c, 0, 600);
	struct cache_stats st;
	cache_get_stats(c, &st);
	assert_int_equal(st.entries, 0);
	cache_free(c);
}

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *write_config(const char *text)
{
	static char path[] = "/tmp/omg-config-XXXXXX";
	strcpy(path, "/tmp/omg-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Units, comments, and every value reaching its field. */
static void test_config_values(void **state)
{
	(void)state;
	struct config c;
	char err[512];
	assert_int_equal(config_load(&c, "/nonexistent/omg/config", err, sizeof(err)), 0);
	assert_int_equal(c.idle_timeout, 600);
	assert_int_equal(c.autostart, 1);
	const char *p = write_config("# comment\n[daemon]\nidle_timeout = 2m\nrate = 50\n"
				     "frame_max = 64K\n; another\n[cache]\nsize = 1G\nttl = 1h\n"
				     "[client]\nautostart = no\nstart_timeout = 30s\n"
				     "[system]\nadmin_group = root\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), 0);
	unlink(p);
	assert_int_equal(c.idle_timeout, 120);
	assert_int_equal(c.rate, 50);
	assert_int_equal(c.frame_max, 65536);
	assert_int_equal(c.cache_size, (size_t)1 << 30);
	assert_int_equal(c.cache_ttl, 3600);
	assert_int_equal(c.autostart, 0);
	assert_int_equal(c.start_timeout, 30);
	assert_string_equal(c.admin_group, "root");
	struct server_opts o;
	server_defaults(&o);
	daemon_apply_config(&c, &o);
	assert_int_equal(o.admin_gid, 0);
	assert_int_equal(o.cache_bytes, (size_t)1 << 30);
}

/* Every bad line is named with its line number; the defaults stay. */
static void test_config_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"[daemon]\nrate = -1\n", ":2: rate takes a number"},
		{"[daemon]\nrate = 0\n", ":2: rate takes a number from 1"},
		{"[daemon]\n\nidle_timeout = 5x\n", ":3: idle_timeout takes seconds"},
		{"[cache]\nsize = 12Q\n", ":2: size takes a size"},
		{"[cache]\nsize = 99999999999999999999\n", ":2: size takes a size"},
		{"[daemon]\nfoo = 1\n", ":2: unknown key 'foo' in section [daemon]"},
		{"idle_timeout = 1\n", ":1: unknown key 'idle_timeout' in section []"},
		{"[client]\nautostart = maybe\n", ":2: autostart takes yes or no"},
		{"[system]\nadmin_group = no-such-group-here\n", ":2: admin_group: no group"},
		{"[daemon]\njust words\n", ":2: not a key = value line"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c;
		char err[512] = "";
		const char *p = write_config(cases[i].text);
		assert_int_equal(config_load(&c, p, err, sizeof(err)), -1);
		unlink(p);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
		assert_int_equal(c.rate, 2000);
	}
}

/* txn_check_plan's verdict on one request: 0, or -1 with want in the reason. */
static void check_plan(uint32_t kind, uint32_t flags, const char *target, const char *want)
{
	const char *v[] = {target};
	struct msg_plan req = {kind, flags, {v, target ? 1 : 0}, "", {NULL, 0}};
	char err[256] = "";
	int rc = txn_check_plan(&req, err, sizeof(err));
	if (!want && rc != 0)
		fail_msg("kind %u flags %u '%s' refused: %s", kind, flags, target, err);
	if (want && (rc != -1 || !strstr(err, want)))
		fail_msg("kind %u flags %u '%s': %d '%s', want '%s'", kind, flags, target, rc, err,
			 want);
}

/* Package files and --asdeps: install's, with an absolute path; unknown flags refused. */
static void test_check_plan(void **state)
{
	(void)state;
	check_plan(TRANS_INSTALL, 0, "/srv/pkgs/foo-1-1-any.pkg.tar.zst", NULL);
	check_plan(TRANS_INSTALL, TRANS_AS_DEPS | TRANS_DRY_RUN, "/x/y", NULL);
	check_plan(TRANS_INSTALL, 0, "core/vim", NULL);
	check_plan(TRANS_INSTALL, 0, "./foo-1-1-any.pkg.tar.zst", "absolute path");
	check_plan(TRANS_INSTALL, 0, "foo-1-1-any.pkg.tar.zst", "absolute path");
	check_plan(TRANS_REMOVE, 0, "/x/foo-1-1-any.pkg.tar.zst", "only install takes a");
	check_plan(TRANS_APPLY, 0, "+/x/foo-1-1-any.pkg.tar.zst", "only install takes a");
	check_plan(TRANS_APPLY, 0, "+vim", NULL);
	check_plan(TRANS_REMOVE, TRANS_AS_DEPS, "vim", "only install installs as dependencies");
	check_plan(TRANS_UPGRADE, TRANS_AS_DEPS, NULL, "only install installs as dependencies");
	check_plan(TRANS_INSTALL, 1u << 5, "vim", "unknown plan flags 0x20");
	check_plan(TRANS_UPGRADE, TRANS_NO_AUR, NULL, NULL);
	check_plan(TRANS_REMOVE, TRANS_NO_AUR, "vim", "only install and upgrade take the AUR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_generation_and_ttl),
		cmocka_unit_test(test_cache_lru),
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_check_plan),
	};
	return cmocka_run_group_tests_name("engine parts", tests, NULL, NULL);
}
