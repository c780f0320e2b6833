/* SPDX-License-Identifier: MIT */
/* Unit tests for the pacman.conf reader, on files written into a temporary root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <alpm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/pacconf.h"

static char root[64];

/* Writes root/rel with the given text, creating directories. */
static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = path + strlen(root) + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(path, 0700);
			*s = '/';
		}
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/omg-unit-pacconf.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_full_file(void **state)
{
	(void)state;
	put("etc/pacman.conf",
	    "# comment\n"
	    "[options]\n"
	    "RootDir = /ignored\n"
	    "DBPath = /db   # trailing comment\n"
	    "CacheDir = /c1\nCacheDir = /c2\n"
	    "GPGDir = /g\nLogFile = /l.log\nHookDir = /h\n"
	    "Architecture = x86_64 x86_64_v3\n"
	    "IgnorePkg = a b\nIgnorePkg = c\nIgnoreGroup = g1\n"
	    "SigLevel = Required DatabaseOptional\n"
	    "ParallelDownloads = 5\n"
	    "Color\nCheckSpace\n"
	    "Include = /etc/pacman.d/*.conf\n"
	    "[core]\n"
	    "Server = https://mirror/$repo/os/$arch\n"
	    "[custom]\n"
	    "SigLevel = PackageNever TrustAll\n"
	    "Usage = Sync Search\n"
	    "Server = file:///srv/$repo\n");
	put("etc/pacman.d/b.conf", "[extra]\nServer = https://b/$repo\n");
	put("etc/pacman.d/a.conf", "# included first: glob order\n");
	struct pacconf c;
	char err[256];
	assert_int_equal(pacconf_load(&c, root, err, sizeof(err)), 0);
	char want[128];
	snprintf(want, sizeof(want), "%s/db/", root);
	assert_string_equal(c.dbpath, want);
	assert_int_equal(c.ncachedirs, 2);
	snprintf(want, sizeof(want), "%s/c2", root);
	assert_string_equal(c.cachedirs[1], want);
	assert_int_equal(c.narchs, 2);
	assert_int_equal(c.nignorepkg, 3);
	assert_string_equal(c.ignorepkg[2], "c");
	assert_int_equal(c.nignoregroup, 1);
	assert_int_equal(c.parallel_downloads, 5);
	assert_int_equal(c.siglevel, ALPM_SIG_PACKAGE | ALPM_SIG_DATABASE |
				     ALPM_SIG_DATABASE_OPTIONAL);
	/* The Include stands inside [options], before [core]: its [extra] comes first,
	 * as in pacman, whose section state also carries across an Include. */
	assert_int_equal(c.nrepos, 3);
	assert_string_equal(c.repos[0].name, "extra");
	assert_string_equal(c.repos[1].name, "core");
	assert_string_equal(c.repos[1].servers[0], "https://mirror/core/os/x86_64");
	assert_int_equal(c.repos[1].siglevel, c.siglevel);
	assert_int_equal(c.repos[1].usage, ALPM_DB_USAGE_ALL);
	assert_string_equal(c.repos[2].name, "custom");
	assert_string_equal(c.repos[2].servers[0], "file:///srv/custom");
	assert_int_equal(c.repos[2].siglevel,
			 ALPM_SIG_DATABASE | ALPM_SIG_DATABASE_OPTIONAL |
				 ALPM_SIG_PACKAGE_MARGINAL_OK | ALPM_SIG_PACKAGE_UNKNOWN_OK |
				 ALPM_SIG_DATABASE_MARGINAL_OK | ALPM_SIG_DATABASE_UNKNOWN_OK);
	assert_int_equal(c.repos[2].usage, ALPM_DB_USAGE_SYNC | ALPM_DB_USAGE_SEARCH);
	assert_int_equal(c.nfiles, 3); /* pacman.conf, a.conf, b.conf */
	char why[128];
	assert_int_equal(pacconf_accepts_unsigned(&c, why, sizeof(why)), 1);
	assert_string_equal(why, "repository 'custom' has SigLevel = Never");
	pacconf_free(&c);
}

static void test_defaults(void **state)
{
	(void)state;
	put("etc/pacman.conf", "[options]\n[core]\nServer = x\n");
	struct pacconf c;
	char err[256], want[128];
	assert_int_equal(pacconf_load(&c, root, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/var/lib/pacman/", root);
	assert_string_equal(c.dbpath, want);
	snprintf(want, sizeof(want), "%s/var/cache/pacman/pkg/", root);
	assert_string_equal(c.cachedirs[0], want);
	/* pacman's default: Optional for packages and databases */
	assert_int_equal(c.siglevel, ALPM_SIG_PACKAGE | ALPM_SIG_PACKAGE_OPTIONAL |
				     ALPM_SIG_DATABASE | ALPM_SIG_DATABASE_OPTIONAL);
	pacconf_free(&c);
}

/* require_signatures: which SigLevels let an unsigned package in. */
static void test_accepts_unsigned(void **state)
{
	(void)state;
	static const struct {
		const char *conf, *why;
	} cases[] = {
		/* pacman's built-in default and the shipped one check what is signed */
		{"[options]\n[core]\nServer = x\n", NULL},
		{"[options]\nSigLevel = Required DatabaseOptional\n[core]\nServer = x\n", NULL},
		{"[options]\nSigLevel = DatabaseNever\n[core]\nServer = x\n", NULL},
		/* a repository inherits [options]' words, wherever they stand */
		{"[core]\nServer = x\n[options]\nSigLevel = Optional TrustAll\n",
		 "repository 'core' has SigLevel = Optional TrustAll"},
		{"[options]\nSigLevel = Required\n[core]\n[extra]\nSigLevel = Never\n",
		 "repository 'extra' has SigLevel = Never"},
		{"[options]\nSigLevel = Never\n[core]\nSigLevel = Required\n", NULL},
		{"[options]\nSigLevel = Never\n", "pacman.conf [options] has SigLevel = Never"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put("etc/pacman.conf", cases[i].conf);
		struct pacconf c;
		char err[256], why[128] = "";
		assert_int_equal(pacconf_load(&c, root, err, sizeof(err)), 0);
		int got = pacconf_accepts_unsigned(&c, why, sizeof(why));
		if (got != (cases[i].why != NULL) || (got && strcmp(why, cases[i].why) != 0))
			fail_msg("%s: got %d '%s'", cases[i].conf, got, why);
		pacconf_free(&c);
	}
}

/* Package files (pacman -U): LocalFileSigLevel's words on top of SigLevel,
 * in whichever order the two are written; SigLevel alone without it. */
static void test_local_file_siglevel(void **state)
{
	(void)state;
	static const struct {
		const char *conf;
		int siglevel, localfile;
	} cases[] = {
		{"[options]\nSigLevel = Required DatabaseOptional\nLocalFileSigLevel = Optional\n",
		 ALPM_SIG_PACKAGE | ALPM_SIG_DATABASE | ALPM_SIG_DATABASE_OPTIONAL,
		 ALPM_SIG_PACKAGE | ALPM_SIG_PACKAGE_OPTIONAL | ALPM_SIG_DATABASE |
			 ALPM_SIG_DATABASE_OPTIONAL},
		{"[options]\nLocalFileSigLevel = PackageTrustAll\nSigLevel = Required\n",
		 ALPM_SIG_PACKAGE | ALPM_SIG_DATABASE,
		 ALPM_SIG_PACKAGE | ALPM_SIG_DATABASE | ALPM_SIG_PACKAGE_MARGINAL_OK |
			 ALPM_SIG_PACKAGE_UNKNOWN_OK},
		{"[options]\nSigLevel = PackageNever\n",
		 ALPM_SIG_PACKAGE_OPTIONAL | ALPM_SIG_DATABASE | ALPM_SIG_DATABASE_OPTIONAL,
		 ALPM_SIG_PACKAGE_OPTIONAL | ALPM_SIG_DATABASE | ALPM_SIG_DATABASE_OPTIONAL},
		{"[options]\nSigLevel = Required\nLocalFileSigLevel = Optional\n"
		 "LocalFileSigLevel = DatabaseNever\n", /* the lines add up, as in pacman */
		 ALPM_SIG_PACKAGE | ALPM_SIG_DATABASE,
		 ALPM_SIG_PACKAGE | ALPM_SIG_PACKAGE_OPTIONAL | ALPM_SIG_DATABASE_OPTIONAL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put("etc/pacman.conf", cases[i].conf);
		struct pacconf c;
		char err[256];
		assert_int_equal(pacconf_load(&c, root, err, sizeof(err)), 0);
		assert_int_equal(c.siglevel, cases[i].siglevel);
		if (c.localfilesiglevel != cases[i].localfile)
			fail_msg("case %zu: LocalFileSigLevel 0x%x, want 0x%x", i,
				 (unsigned)c.localfilesiglevel, (unsigned)cases[i].localfile);
		pacconf_free(&c);
	}
}

/* Each bad file fails with "FILE:LINE: why". */
static void test_errors(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{"[options]\nSigLevel = Sometimes\n", ":2: invalid SigLevel"},
		{"[options]\n\nLocalFileSigLevel = Optional Bogus\n",
		 ":3: invalid LocalFileSigLevel"},
		{"[options\n", ":1: bad section header"},
		{"Server = x\n", ":1: 'Server' outside of a section"},
		{"[core]\nFrobnicate = 1\n", ":2: unknown directive 'Frobnicate'"},
		{"[options]\nParallelDownloads = 0\n", ":2: invalid ParallelDownloads"},
		{"[options]\nInclude = /etc/pacman.conf\n", "nested too deeply"},
		{"[options]\nInclude = /nonexistent.conf\n", "cannot read"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put("etc/pacman.conf", bad[i][0]);
		struct pacconf c;
		char err[512];
		assert_int_equal(pacconf_load(&c, root, err, sizeof(err)), -1);
		if (!strstr(err, bad[i][1]))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i][1]);
		pacconf_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_local_file_siglevel),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_accepts_unsigned),
	};
	return cmocka_run_group_tests_name("pacconf", tests, setup, teardown);
}
