/* SPDX-License-Identifier: MIT */
/* The [policy] rules (docs/security.md): what a plan may not do, judged when it is made. */
#ifndef OMG_ENGINE_SECURITY_POLICY_H
#define OMG_ENGINE_SECURITY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/security/feed.h"
#include "engine/security/vulns.h"
#include "ipc/pkg.h"
#include "ipc/trans.h"
#include "ipc/vuln.h"
#include "util/strpool.h"

/* The rules, from the engine's configuration (never from a request). */
struct policy {
	int block_severity;     /* enum severity; -1: the severity rule is off */
	const char *deny;       /* comma-separated globs (fnmatch), "" or NULL: none */
	int require_signatures; /* the signatures rule is on */
};

/* vulns_for_version's shape: the severity rule asks it for a version's advisories. */
typedef size_t (*policy_for_version)(const struct feed *f, const char *name, const char *version,
				     const char *source, const char *source_version,
				     vulns_vercmp vercmp,
				     void (*fn)(void *ctx, const struct advisory *a), void *ctx);

/* What a plan is judged on. Everything is borrowed for the call. */
struct policy_plan {
	const struct trans_item *items;
	uint32_t nitems;
	/* The root accepts unsigned packages: the backend's one-line reason
	 * ("repository 'core' has SigLevel = Never"); NULL when it does not
	 * (or the backend cannot tell). */
	const char *unsigned_why;
	/* The severity rule's data: without a feed (or for_version) it finds nothing. */
	const struct feed *feed;
	policy_for_version for_version; /* vulns_for_version */
	vulns_vercmp vercmp;            /* the backend's */
};

/*
 * Judges plan by p. Every violation is appended to *v (grown with
 * xrealloc; caller frees the array) with *n counted up; strings live in
 * arena. Order: signatures (one for the plan), then per item in plan
 * order deny, severity. overridden is 0 on each. Returns the number added.
 *
 * deny: each item that puts a version on the system (install, upgrade,
 * downgrade, reinstall: a dependency pulled in too) whose name matches a
 * glob. severity: each item that brings a new version (install, upgrade,
 * downgrade) whose version has advisories at or above block_severity (an
 * unknown severity never reaches a threshold); the reason names them, their
 * severities and fixed versions. signatures: when the plan installs
 * anything and the root accepts unsigned packages.
 */
uint32_t policy_eval(const struct policy *p, const struct policy_plan *plan,
		     struct strpool *arena, struct policy_violation **v, uint32_t *n);

/* Checks the rule names of a request's --override list: 0, or -1 with
 * "unknown policy rule 'x' (severity, deny, signatures)" in err. */
int policy_check_overrides(const struct strlist *overrides, char *err, size_t errlen);
/* Marks each violation whose rule overrides names as overridden. */
void policy_override(struct policy_violation *v, uint32_t n, const struct strlist *overrides);
/* How many violations are not overridden (a commit is refused while any is). */
uint32_t policy_blocking(const struct policy_violation *v, uint32_t n);

#endif
