/* SPDX-License-Identifier: MIT */
/* Names of the security vocabulary's numbers. */
#include "ipc/vuln.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *const severities[] = {"unknown", "low", "medium", "high", "critical"};

const char *severity_name(uint32_t sev)
{
	return sev <= SEV_MAX ? severities[sev] : severities[SEV_UNKNOWN];
}

int severity_parse(const char *s)
{
	for (int i = 0; i <= SEV_MAX; i++)
		if (strcasecmp(s, severities[i]) == 0)
			return i;
	return -1;
}

static const char *const rules[] = {NULL, "severity", "deny", "signatures", "aur"};

const char *policy_rule_name(uint32_t rule)
{
	return rule >= 1 && rule <= POLICY_AUR ? rules[rule] : NULL;
}

uint32_t policy_rule_parse(const char *s)
{
	for (uint32_t i = 1; i <= POLICY_AUR; i++)
		if (strcmp(s, rules[i]) == 0)
			return i;
	return 0;
}
