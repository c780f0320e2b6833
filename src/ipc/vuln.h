/* SPDX-License-Identifier: MIT */
/* The protocol's security vocabulary: severities, a vulnerable package and its advisories, a
 * policy violation. The engine fills these; clients show them. */
#ifndef OMG_IPC_VULN_H
#define OMG_IPC_VULN_H

#include <stdint.h>

#include "ipc/pkg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Severity, lowest first (arch-audit's order; debsecan's urgency L/M/H maps to
 * low/medium/high, blank to unknown). */
enum severity {
	SEV_UNKNOWN = 0,
	SEV_LOW = 1,
	SEV_MEDIUM = 2,
	SEV_HIGH = 3,
	SEV_CRITICAL = 4,
};
#define SEV_MAX SEV_CRITICAL
/* "unknown", "low", "medium", "high", "critical" ("unknown" past SEV_MAX). */
const char *severity_name(uint32_t sev);
/* The severity a word names, case-insensitive ("High", "medium"), or -1. */
int severity_parse(const char *s);

/* Where an advisory can be exploited from. */
enum vuln_remote { VULN_REMOTE_UNKNOWN = 0, VULN_REMOTE = 1, VULN_LOCAL = 2 };

/* One advisory of one installed package. */
struct vuln_adv {
	const char *id;       /* "AVG-2843", "CVE-2026-1111" */
	const char *fixed;    /* the first fixed version, "" none */
	const char *affected; /* arch's "affected" (shown, never matched), "" */
	const char *type;     /* arch's type ("multiple issues"); debian's description */
	struct strlist issues; /* arch: its CVE ids; debian: empty */
	uint32_t severity;    /* enum severity */
	uint32_t remote;      /* enum vuln_remote */
	uint32_t affects;     /* 1: the installed version is affected; 0: fixed in it */
	uint32_t via_source;  /* 1: matched through the source package (debian) */
};

/*
 * One installed package a feed names: a row of `omg vulns`. The squashed
 * figures (arch-audit: highest severity, union of ids, highest fixed) come
 * from the advisories that affect the installed version; a package none
 * affects (each fixed in the installed version) has affected = 0 (--all).
 */
struct vuln {
	const char *name, *installed;
	const char *source;   /* debian: the installed version's source package; "" on arch */
	const char *fixed;    /* highest fixed version of the affecting advisories, "" none */
	uint32_t severity;    /* the highest of the affecting advisories */
	uint32_t remote;      /* VULN_REMOTE if any is, VULN_LOCAL if all are, else unknown */
	uint32_t affected;    /* 1: vulnerable now */
	struct strlist ids;   /* arch: AVG names then CVE ids; debian: vulnerability
			       * names; each once */
	uint32_t nadvs;
	const struct vuln_adv *advs; /* every advisory naming the package, affecting first */
};

/* Policy rules (docs/security.md), by name in --override and the audit log. */
enum policy_rule {
	POLICY_SEVERITY = 1,   /* "severity": block_severity */
	POLICY_DENY = 2,       /* "deny": a deny glob */
	POLICY_SIGNATURES = 3, /* "signatures": require_signatures */
	POLICY_AUR = 4,        /* "aur": [policy] aur (deny, or a build nobody approved) */
};
/* "severity", "deny", "signatures", "aur"; NULL for another number. */
const char *policy_rule_name(uint32_t rule);
/* The rule a word names, or 0. */
uint32_t policy_rule_parse(const char *s);

/* One violation of the policy by a plan. */
struct policy_violation {
	uint32_t rule;        /* enum policy_rule */
	const char *package;  /* the package, "" for the root's configuration */
	const char *reason;   /* one line: "3.0.2-1 has AVG-2843 (high), block_severity is high" */
	uint32_t overridden;  /* 1: --override RULE was accepted for it */
};

#ifdef __cplusplus
}
#endif
#endif
