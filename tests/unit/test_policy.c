/* SPDX-License-Identifier: MIT */
/* Unit tests for the [policy] rules: deny globs, the severity threshold over a feed written as plain
 * structs, the signatures rule and overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "engine/security/policy.h"
#include "util/vercmp.h"

/*
 * The severity rule's question, answered the way arch-audit matches (by
 * name; affected without a fixed version or below it). It stands in for
 * vulns_for_version, which another module provides: the policy only needs
 * the advisories that come back, and this walk gives exactly those of the
 * feed below.
 */
static size_t for_version(const struct feed *f, const char *name, const char *version,
			  const char *source, const char *source_version, vulns_vercmp vercmp,
			  void (*fn)(void *ctx, const struct advisory *a), void *ctx)
{
	(void)source, (void)source_version;
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct advisory *a = &f->v[i];
		if (strcmp(a->package, name) != 0 || (a->fixed[0] && vercmp(version, a->fixed) >= 0))
			continue;
		fn(ctx, a);
		n++;
	}
	return n;
}

static const struct advisory advs[] = {
	{.package = "openssl", .id = "AVG-1", .fixed = "3.0.3-1", .affected = "", .type = "",
	 .severity = SEV_HIGH},
	{.package = "openssl", .id = "AVG-2", .fixed = "", .affected = "", .type = "",
	 .severity = SEV_LOW},
	{.package = "zlib", .id = "AVG-3", .fixed = "1:1.3-1", .affected = "", .type = "",
	 .severity = SEV_CRITICAL},
	{.package = "vim", .id = "AVG-4", .fixed = "", .affected = "", .type = "",
	 .severity = SEV_UNKNOWN},
};
static const struct feed feed = {.kind = FEED_ARCH, .n = 4, .v = advs};

static struct trans_item item(uint32_t action, const char *name, const char *old, const char *new)
{
	return (struct trans_item){.action = action, .name = name, .old_version = old,
				   .new_version = new, .repo = ""};
}

struct result {
	struct strpool *arena;
	struct policy_violation *v;
	uint32_t n;
};

static struct result eval(const struct policy *p, const struct trans_item *items, uint32_t n,
			  const char *unsigned_why)
{
	struct result r = {strpool_new(), NULL, 0};
	struct policy_plan plan = {items, n, unsigned_why, &feed, for_version, vercmp_alpm};
	uint32_t added = policy_eval(p, &plan, r.arena, &r.v, &r.n);
	assert_int_equal(added, r.n);
	return r;
}

static void done(struct result *r)
{
	free(r->v);
	strpool_free(r->arena);
}

static void test_deny_globs(void **state)
{
	(void)state;
	struct policy p = {-1, " telnet* , ,*-git,exact", 0};
	struct trans_item items[] = {
		item(ACT_INSTALL, "telnetd", "", "1.0-1"),     /* a dependency pulled in */
		item(ACT_UPGRADE, "foo-git", "1-1", "2-1"),
		item(ACT_REMOVE, "exact", "1-1", ""),          /* removing is never denied */
		item(ACT_INSTALL, "exactly", "", "1-1"),       /* no glob matches it */
		item(ACT_REINSTALL, "exact", "1-1", "1-1"),
	};
	struct result r = eval(&p, items, 5, NULL);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].rule, POLICY_DENY);
	assert_string_equal(r.v[0].package, "telnetd");
	assert_string_equal(r.v[0].reason, "telnetd matches 'telnet*'");
	assert_string_equal(r.v[1].reason, "foo-git matches '*-git'");
	assert_string_equal(r.v[2].reason, "exact matches 'exact'");
	assert_int_equal(r.v[2].overridden, 0);
	done(&r);
	/* No deny key: nothing. */
	p.deny = "";
	r = eval(&p, items, 5, NULL);
	assert_int_equal(r.n, 0);
	done(&r);
}

static void test_severity_threshold(void **state)
{
	(void)state;
	struct policy p = {SEV_MEDIUM, "", 0};
	struct trans_item items[] = {
		item(ACT_UPGRADE, "openssl", "3.0.1-1", "3.0.2-1"), /* AVG-1 high; AVG-2 low */
		item(ACT_UPGRADE, "zlib", "1:1.2-1", "1:1.3-1"),    /* fixed in it */
		item(ACT_INSTALL, "vim", "", "9.0-1"),              /* unknown never blocks */
		item(ACT_REINSTALL, "openssl", "3.0.2-1", "3.0.2-1"), /* not a new version */
		item(ACT_REMOVE, "openssl", "3.0.2-1", ""),
	};
	struct result r = eval(&p, items, 5, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].rule, POLICY_SEVERITY);
	assert_string_equal(r.v[0].package, "openssl");
	assert_string_equal(r.v[0].reason, "openssl 3.0.2-1 has AVG-1 (high, fixed in 3.0.3-1); "
					   "block_severity is medium");
	done(&r);
	/* Low takes AVG-2 (no fix) as well; an older zlib is critical. */
	p.block_severity = SEV_LOW;
	items[1] = item(ACT_DOWNGRADE, "zlib", "1:1.3-1", "1.4-1"); /* epoch 0 < 1: affected */
	r = eval(&p, items, 2, NULL);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].reason, "openssl 3.0.2-1 has AVG-1 (high, fixed in 3.0.3-1), "
					   "AVG-2 (low, no fix yet); block_severity is low");
	assert_string_equal(r.v[1].reason, "zlib 1.4-1 has AVG-3 (critical, fixed in 1:1.3-1); "
					   "block_severity is low");
	done(&r);
	/* Critical: only zlib; none (-1): nothing, even with the feed. */
	p.block_severity = SEV_CRITICAL;
	r = eval(&p, items, 2, NULL);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].package, "zlib");
	done(&r);
	p.block_severity = -1;
	r = eval(&p, items, 2, NULL);
	assert_int_equal(r.n, 0);
	done(&r);
}

static void test_severity_without_data(void **state)
{
	(void)state;
	struct policy p = {SEV_LOW, "", 0};
	struct trans_item it = item(ACT_INSTALL, "openssl", "", "3.0.2-1");
	struct strpool *arena = strpool_new();
	struct policy_violation *v = NULL;
	uint32_t n = 0;
	struct policy_plan plan = {&it, 1, NULL, NULL, for_version, vercmp_alpm};
	assert_int_equal(policy_eval(&p, &plan, arena, &v, &n), 0);
	plan.feed = &feed;
	plan.for_version = NULL; /* not wired: the rule finds nothing rather than guessing */
	assert_int_equal(policy_eval(&p, &plan, arena, &v, &n), 0);
	free(v);
	strpool_free(arena);
}

static void test_signatures(void **state)
{
	(void)state;
	struct policy p = {-1, "", 1};
	struct trans_item inst[] = {item(ACT_INSTALL, "a", "", "1-1"), item(ACT_INSTALL, "b", "", "1-1")};
	struct result r = eval(&p, inst, 2, "repository 'core' has SigLevel = Never");
	assert_int_equal(r.n, 1); /* one for the plan, not one per package */
	assert_int_equal(r.v[0].rule, POLICY_SIGNATURES);
	assert_string_equal(r.v[0].package, "");
	assert_string_equal(r.v[0].reason, "repository 'core' has SigLevel = Never");
	done(&r);
	r = eval(&p, inst, 2, NULL); /* a root that checks signatures */
	assert_int_equal(r.n, 0);
	done(&r);
	struct trans_item rm = item(ACT_REMOVE, "a", "1-1", "");
	r = eval(&p, &rm, 1, "x"); /* installs nothing */
	assert_int_equal(r.n, 0);
	done(&r);
	p.require_signatures = 0;
	r = eval(&p, inst, 2, "x");
	assert_int_equal(r.n, 0);
	done(&r);
}

static void test_overrides(void **state)
{
	(void)state;
	struct policy p = {SEV_HIGH, "openssl", 1};
	struct trans_item it = item(ACT_UPGRADE, "openssl", "3.0.1-1", "3.0.2-1");
	struct result r = eval(&p, &it, 1, "sources.list: [trusted=yes]");
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].rule, POLICY_SIGNATURES);
	assert_int_equal(r.v[1].rule, POLICY_DENY);
	assert_int_equal(r.v[2].rule, POLICY_SEVERITY);
	assert_int_equal(policy_blocking(r.v, r.n), 3);
	const char *one[] = {"deny"};
	policy_override(r.v, r.n, &(struct strlist){one, 1});
	assert_int_equal(r.v[1].overridden, 1);
	assert_int_equal(r.v[0].overridden + r.v[2].overridden, 0);
	assert_int_equal(policy_blocking(r.v, r.n), 2);
	const char *rest[] = {"signatures", "severity", "bogus"};
	policy_override(r.v, r.n, &(struct strlist){rest, 3});
	assert_int_equal(policy_blocking(r.v, r.n), 0);
	done(&r);

	char err[128];
	assert_int_equal(policy_check_overrides(&(struct strlist){rest, 2}, err, sizeof(err)), 0);
	assert_int_equal(policy_check_overrides(&(struct strlist){rest, 3}, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown policy rule 'bogus' (severity, deny, signatures)");
	const char *upper[] = {"Deny"};
	assert_int_equal(policy_check_overrides(&(struct strlist){upper, 1}, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deny_globs),
		cmocka_unit_test(test_severity_threshold),
		cmocka_unit_test(test_severity_without_data),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_overrides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
