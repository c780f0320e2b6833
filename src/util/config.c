/* SPDX-License-Identifier: MIT */
/* The configuration file: libinih calls back per key; each key is checked against a table. */
#include "util/config.h"

#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"
#include "util/xdg.h"

enum kind {
	K_SECONDS, K_COUNT, K_BYTES, K_BOOL, K_GROUP, K_NAME,
	K_URL,      /* http:// or https://, a char[max] field */
	K_TEXT,     /* any text without control characters, a char[max] field */
	K_SEVERITY, /* none|low|medium|high|critical, an int (-1 none) */
	K_OVERRIDE, /* no|admin, an int */
	K_PATH,     /* an absolute path, or "": a char[max] field */
	K_AUR,      /* deny|review|allow, an int (enum config_aur_policy) */
};

/* One key: where it lives in struct config and what values it takes. */
struct key {
	const char *section, *name;
	enum kind kind;
	size_t offset;
	unsigned long long min, max;
};

#define KEY(sec, name, kind, field, min, max) \
	{sec, name, kind, offsetof(struct config, field), min, max}
static const struct key keys[] = {
	KEY("daemon", "idle_timeout", K_SECONDS, idle_timeout, 0, 31536000),
	KEY("daemon", "max_clients", K_COUNT, max_clients, 1, 1000000),
	KEY("daemon", "rate", K_COUNT, rate, 1, 100000000),
	KEY("daemon", "burst", K_COUNT, burst, 1, 100000000),
	KEY("daemon", "stall_timeout", K_SECONDS, stall_timeout, 1, 86400),
	KEY("daemon", "recheck_interval", K_SECONDS, recheck_interval, 0, 86400),
	KEY("daemon", "frame_max", K_BYTES, frame_max, 4096, 64u << 20),
	KEY("daemon", "out_max", K_BYTES, out_max, 1u << 20, 4ull << 30),
	KEY("cache", "size", K_BYTES, cache_size, 0, 16ull << 30),
	KEY("cache", "ttl", K_SECONDS, cache_ttl, 1, 31536000),
	KEY("system", "admin_group", K_GROUP, admin_group, 0, 0),
	KEY("client", "autostart", K_BOOL, autostart, 0, 1),
	KEY("client", "start_timeout", K_SECONDS, start_timeout, 1, 3600),
	KEY("transaction", "lock_timeout", K_SECONDS, lock_timeout, 0, 86400),
	KEY("transaction", "question_timeout", K_SECONDS, question_timeout, 0, 86400),
	KEY("transaction", "plan_timeout", K_SECONDS, plan_timeout, 1, 86400),
	KEY("status", "snapshot_interval", K_SECONDS, snapshot_interval, 1, 86400),
	KEY("status", "check_interval", K_SECONDS, check_interval, 0, 31536000),
	KEY("security", "arch_url", K_URL, arch_url, 0, sizeof(((struct config *)0)->arch_url)),
	KEY("security", "debian_url", K_URL, debian_url, 0,
	    sizeof(((struct config *)0)->debian_url)),
	KEY("security", "debian_release", K_TEXT, debian_release, 0,
	    sizeof(((struct config *)0)->debian_release)),
	KEY("security", "refresh", K_SECONDS, security_refresh, 0, 31536000),
	KEY("security", "max_age", K_SECONDS, max_age, 1, 31536000),
	KEY("security", "timeout", K_SECONDS, fetch_timeout, 1, 3600),
	KEY("security", "max_size", K_BYTES, fetch_max, 4096, 1ull << 30),
	KEY("policy", "block_severity", K_SEVERITY, block_severity, 0, 0),
	KEY("policy", "deny", K_TEXT, deny, 0, sizeof(((struct config *)0)->deny)),
	KEY("policy", "require_signatures", K_BOOL, require_signatures, 0, 1),
	KEY("policy", "override", K_OVERRIDE, override_admin, 0, 0),
	KEY("policy", "aur", K_AUR, aur_policy, 0, 0),
	KEY("aur", "url", K_URL, aur_url, 0, sizeof(((struct config *)0)->aur_url)),
	KEY("aur", "enabled", K_BOOL, aur_enabled, 0, 1),
	KEY("aur", "build_user", K_TEXT, aur_build_user, 0,
	    sizeof(((struct config *)0)->aur_build_user)),
	KEY("aur", "build_dir", K_PATH, aur_build_dir, 0,
	    sizeof(((struct config *)0)->aur_build_dir)),
	KEY("aur", "timeout", K_SECONDS, aur_timeout, 1, 600),
	KEY("aur", "search_deadline", K_SECONDS, aur_deadline, 1, 600),
	KEY("aur", "cache", K_SECONDS, aur_cache, 0, 86400),
	KEY("aur", "max_size", K_BYTES, aur_max_size, 4096, 1ull << 30),
	KEY("ui", "theme", K_NAME, theme, 0, 0),
	KEY("ui", "mouse", K_BOOL, mouse, 0, 1),
};

void config_defaults(struct config *c)
{
	/* The one place these numbers live: the engine's server_defaults applies them. */
	memset(c, 0, sizeof(*c));
	c->idle_timeout = 600;
	c->max_clients = 1024;
	c->rate = 2000;
	c->burst = 4000;
	c->stall_timeout = 30;
	c->recheck_interval = 60;
	c->frame_max = 1u << 20; /* OMG_FRAME_MAX_DEFAULT */
	c->out_max = 256u << 20;
	c->cache_size = 64u << 20;
	c->cache_ttl = 600;
	c->autostart = 1;
	c->mouse = 1;
	c->start_timeout = 120;
	c->lock_timeout = 60;
	c->question_timeout = 60;
	c->plan_timeout = 600;
	c->snapshot_interval = 300;
	c->check_interval = 3600;
	snprintf(c->arch_url, sizeof(c->arch_url), "%s", "https://security.archlinux.org/all.json");
	snprintf(c->debian_url, sizeof(c->debian_url), "%s",
		 "https://security-tracker.debian.org/tracker/debsecan/release/1/");
	c->security_refresh = 6 * 3600;
	c->max_age = 3 * 86400;
	c->fetch_timeout = 120;
	c->fetch_max = 256u << 20;
	c->block_severity = -1;
	snprintf(c->aur_url, sizeof(c->aur_url), "%s", "https://aur.archlinux.org");
	c->aur_enabled = 1;
	c->aur_timeout = 10;
	c->aur_deadline = 3;
	c->aur_cache = 300;
	c->aur_max_size = 64u << 20;
	c->aur_policy = AUR_POLICY_REVIEW;
	static const char *const admins[] = {"sudo", "wheel"};
	for (size_t i = 0; i < 2; i++) {
		if (getgrnam(admins[i])) {
			snprintf(c->admin_group, sizeof(c->admin_group), "%s", admins[i]);
			break;
		}
	}
}

char *config_path(int system)
{
	/* The system engine's file holds the [policy] its users may not loosen:
	 * only its own command line (--config) names another. */
	if (system)
		return xstrdup(OMG_SYSTEM_CONFIG);
	const char *env = getenv("OMG_CONFIG");
	if (env && *env)
		return xstrdup(env);
	char *dir = xdg_omg_dir(XDG_CONFIG);
	char *path = xasprintf("%s/config", dir ? dir : "/nonexistent");
	free(dir);
	return path;
}

/* Parses a number with an optional unit: s/m/h/d for seconds, K/M/G (powers
 * of 1024) for bytes. 0 or -1. */
static int parse_number(const char *v, enum kind kind, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (!*v || *v == '-')
		return -1;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v)
		return -1;
	unsigned long long mul = 1;
	if (*end) {
		char u = *end++;
		if (*end && !(kind == K_BYTES && (*end == 'B' || *end == 'b') && !end[1]) &&
		    !(kind == K_BYTES && (*end == 'i') && end[1] == 'B' && !end[2]))
			return -1;
		if (kind == K_SECONDS)
			mul = u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : u == 'd' ? 86400 : 0;
		else if (kind == K_BYTES)
			mul = u == 'K' || u == 'k' ? 1ull << 10 : u == 'M' ? 1ull << 20 :
			      u == 'G' ? 1ull << 30 : 0;
		else
			mul = 0;
		if (!mul)
			return -1;
	}
	if (n > ~0ull / mul)
		return -1;
	*out = n * mul;
	return 0;
}

struct parse {
	struct config *c;
	char why[256];
};

/* libinih's handler: 1 to go on, 0 to report the line. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct key *k = NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			k = &keys[i];
	if (!k) {
		snprintf(p->why, sizeof(p->why), "unknown key '%s' in section [%s]", name, section);
		return 0;
	}
	char *field = (char *)p->c + k->offset;
	unsigned long long n;
	switch (k->kind) {
	case K_GROUP:
		if (*value && !getgrnam(value)) {
			snprintf(p->why, sizeof(p->why), "admin_group: no group named '%s'", value);
			return 0;
		}
		snprintf(field, sizeof(p->c->admin_group), "%s", value);
		return 1;
	case K_NAME:
		if (strlen(value) >= sizeof(p->c->theme) || strchr(value, '/') || strstr(value, "..")) {
			snprintf(p->why, sizeof(p->why), "%s takes a theme name (themes/NAME.theme), "
				 "not '%s'", name, value);
			return 0;
		}
		snprintf(field, sizeof(p->c->theme), "%s", value);
		return 1;
	case K_URL:
		if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) {
			snprintf(p->why, sizeof(p->why), "%s takes an http:// or https:// URL, not '%s'",
				 name, value);
			return 0;
		}
		/* fall through */
	case K_TEXT:
		if (strlen(value) >= k->max) {
			snprintf(p->why, sizeof(p->why), "%s is longer than %llu bytes", name,
				 k->max - 1);
			return 0;
		}
		for (const char *q = value; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f) {
				snprintf(p->why, sizeof(p->why), "%s holds a control character", name);
				return 0;
			}
		snprintf(field, k->max, "%s", value);
		return 1;
	case K_SEVERITY: {
		static const char *const sev[] = {"unknown", "low", "medium", "high", "critical"};
		if (!strcasecmp(value, "none")) {
			*(int *)field = -1;
			return 1;
		}
		for (int i = 1; i < 5; i++)
			if (!strcasecmp(value, sev[i])) {
				*(int *)field = i;
				return 1;
			}
		snprintf(p->why, sizeof(p->why),
			 "%s takes none, low, medium, high or critical, not '%s'", name, value);
		return 0;
	}
	case K_OVERRIDE:
		if (!strcasecmp(value, "no") || !strcasecmp(value, "admin")) {
			*(int *)field = !strcasecmp(value, "admin");
			return 1;
		}
		snprintf(p->why, sizeof(p->why), "%s takes no or admin, not '%s'", name, value);
		return 0;
	case K_AUR: {
		static const char *const pol[] = {"deny", "review", "allow"};
		for (int i = 0; i < 3; i++)
			if (!strcasecmp(value, pol[i])) {
				*(int *)field = i;
				return 1;
			}
		snprintf(p->why, sizeof(p->why), "%s takes deny, review or allow, not '%s'", name,
			 value);
		return 0;
	}
	case K_PATH:
		if (*value && (*value != '/' || strlen(value) >= k->max)) {
			snprintf(p->why, sizeof(p->why), "%s takes an absolute path (under %llu "
				 "bytes), not '%s'", name, k->max, value);
			return 0;
		}
		snprintf(field, k->max, "%s", value);
		return 1;
	case K_BOOL:
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1"))
			*(int *)field = 1;
		else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") ||
			 !strcmp(value, "0"))
			*(int *)field = 0;
		else {
			snprintf(p->why, sizeof(p->why), "%s takes yes or no, not '%s'", name, value);
			return 0;
		}
		return 1;
	default:
		if (parse_number(value, k->kind, &n) != 0 || n < k->min || n > k->max) {
			snprintf(p->why, sizeof(p->why), "%s takes %s from %llu to %llu, not '%s'", name,
				 k->kind == K_BYTES ? "a size (K, M, G)" :
				 k->kind == K_SECONDS ? "seconds (or m, h, d)" : "a number",
				 k->min, k->max, value);
			return 0;
		}
		if (k->kind == K_BYTES)
			*(size_t *)field = (size_t)n;
		else
			*(unsigned *)field = (unsigned)n;
		return 1;
	}
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	config_defaults(c);
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	struct config tmp = *c;
	struct parse p = {&tmp, ""};
	int line = ini_parse_file(f, on_key, &p);
	fclose(f);
	if (line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
			 line < 0 ? "cannot read" : p.why[0] ? p.why : "not a key = value line");
		return -1;
	}
	*c = tmp;
	return 0;
}
