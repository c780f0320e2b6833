/* SPDX-License-Identifier: MIT */
/* A pacman.conf reader: [options], repositories, Include with globs, SigLevel words. */
#include "engine/backend/pacconf.h"

#include <alpm.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define MAX_INCLUDE_DEPTH 10
#define DEFAULT_SIGLEVEL \
	(ALPM_SIG_PACKAGE | ALPM_SIG_PACKAGE_OPTIONAL | ALPM_SIG_DATABASE | \
	 ALPM_SIG_DATABASE_OPTIONAL)

struct parser {
	struct pacconf *c;
	struct pacconf_repo *repo; /* current section, NULL for [options] */
	int in_options;
	int depth;
	char machine[65]; /* uname's machine, for Architecture = auto */
	char *localfile;  /* LocalFileSigLevel's words, every line's, or NULL */
	char *err;
	size_t errlen;
};

/* Appends a copy of s to a string array. */
static void push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* Frees a string array. */
static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* root + path, with exactly one slash between them. */
static char *under_root(const struct pacconf *c, const char *path)
{
	const char *r = c->root;
	size_t rl = strlen(r);
	while (rl && r[rl - 1] == '/')
		rl--;
	while (*path == '/')
		path++;
	return xasprintf("%.*s/%s", (int)rl, r, path);
}

/* Strips leading and trailing white space in place. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Applies one SigLevel word to level (pacman's process_siglevel rules). */
static int sigword(const char *w, int *level)
{
	int pkg = 1, db = 1;
	if (strncmp(w, "Package", 7) == 0)
		w += 7, db = 0;
	else if (strncmp(w, "Database", 8) == 0)
		w += 8, pkg = 0;
	int l = *level;
	if (strcmp(w, "Never") == 0) {
		if (pkg)
			l &= ~ALPM_SIG_PACKAGE;
		if (db)
			l &= ~ALPM_SIG_DATABASE;
	} else if (strcmp(w, "Optional") == 0) {
		if (pkg)
			l |= ALPM_SIG_PACKAGE | ALPM_SIG_PACKAGE_OPTIONAL;
		if (db)
			l |= ALPM_SIG_DATABASE | ALPM_SIG_DATABASE_OPTIONAL;
	} else if (strcmp(w, "Required") == 0) {
		if (pkg)
			l = (l | ALPM_SIG_PACKAGE) & ~ALPM_SIG_PACKAGE_OPTIONAL;
		if (db)
			l = (l | ALPM_SIG_DATABASE) & ~ALPM_SIG_DATABASE_OPTIONAL;
	} else if (strcmp(w, "TrustedOnly") == 0) {
		if (pkg)
			l &= ~(ALPM_SIG_PACKAGE_MARGINAL_OK | ALPM_SIG_PACKAGE_UNKNOWN_OK);
		if (db)
			l &= ~(ALPM_SIG_DATABASE_MARGINAL_OK | ALPM_SIG_DATABASE_UNKNOWN_OK);
	} else if (strcmp(w, "TrustAll") == 0) {
		if (pkg)
			l |= ALPM_SIG_PACKAGE_MARGINAL_OK | ALPM_SIG_PACKAGE_UNKNOWN_OK;
		if (db)
			l |= ALPM_SIG_DATABASE_MARGINAL_OK | ALPM_SIG_DATABASE_UNKNOWN_OK;
	} else {
		return -1;
	}
	*level = l;
	return 0;
}

/* Parses a SigLevel value on top of base. */
static int siglevel(char *value, int base, int *out)
{
	int l = base;
	for (char *sp, *w = strtok_r(value, " \t", &sp); w; w = strtok_r(NULL, " \t", &sp))
		if (sigword(w, &l) != 0)
			return -1;
	*out = l;
	return 0;
}

/* Substitutes $repo and $arch in a Server URL. Caller frees. */
static char *server_url(const char *url, const char *repo, const char *arch)
{
	struct buf out = {0};
	for (const char *s = url; *s;) {
		if (strncmp(s, "$repo", 5) == 0) {
			buf_puts(&out, repo);
			s += 5;
		} else if (strncmp(s, "$arch", 5) == 0) {
			buf_puts(&out, arch);
			s += 5;
		} else {
			buf_putc(&out, *s++);
		}
	}
	return out.p ? out.p : xstrdup("");
}

/* The first configured architecture, with "auto" resolved. */
static const char *first_arch(struct parser *p)
{
	const struct pacconf *c = p->c;
	if (c->narchs && strcmp(c->archs[0], "auto") != 0)
		return c->archs[0];
	if (!p->machine[0]) {
		struct utsname un;
		if (uname(&un) == 0)
			snprintf(p->machine, sizeof(p->machine), "%s", un.machine);
	}
	return p->machine;
}

static int parse_path(struct parser *p, const char *path);

/* Handles one "key = value" line. */
static int directive(struct parser *p, const char *key, char *value, const char *file, int line)
{
	struct pacconf *c = p->c;
#define FAIL(...) do { \
		int o_ = snprintf(p->err, p->errlen, "%s:%d: ", file, line); \
		if (o_ > 0 && (size_t)o_ < p->errlen) \
			snprintf(p->err + o_, p->errlen - (size_t)o_, __VA_ARGS__); \
		return -1; \
	} while (0)
	if (strcmp(key, "Include") == 0) {
		if (!value)
			FAIL("Include needs a value");
		if (p->depth >= MAX_INCLUDE_DEPTH)
			FAIL("Include nested too deeply");
		char *pattern = under_root(c, value);
		glob_t g;
		int rc = glob(pattern, GLOB_NOCHECK, NULL, &g);
		free(pattern);
		if (rc != 0)
			FAIL("cannot expand Include '%s'", value);
		p->depth++;
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = parse_path(p, g.gl_pathv[i]);
		p->depth--;
		globfree(&g);
		return rc;
	}
	if (!p->in_options && !p->repo)
		FAIL("'%s' outside of a section", key);
	if (p->repo) {
		if (strcmp(key, "Server") == 0) {
			if (!value)
				FAIL("Server needs a value");
			struct pacconf_repo *r = p->repo;
			r->servers = xrealloc(r->servers, (r->nservers + 1) * sizeof(*r->servers));
			r->servers[r->nservers++] = server_url(value, r->name, first_arch(p));
		} else if (strcmp(key, "SigLevel") == 0) {
			if (!value || siglevel(value, c->siglevel, &p->repo->siglevel) != 0)
				FAIL("invalid SigLevel");
		} else if (strcmp(key, "Usage") == 0) {
			int u = 0;
			for (char *sp, *w = strtok_r(value ? value : (char *)"", " \t", &sp); w;
			     w = strtok_r(NULL, " \t", &sp)) {
				if (strcmp(w, "Sync") == 0) u |= ALPM_DB_USAGE_SYNC;
				else if (strcmp(w, "Search") == 0) u |= ALPM_DB_USAGE_SEARCH;
				else if (strcmp(w, "Install") == 0) u |= ALPM_DB_USAGE_INSTALL;
				else if (strcmp(w, "Upgrade") == 0) u |= ALPM_DB_USAGE_UPGRADE;
				else if (strcmp(w, "All") == 0) u |= ALPM_DB_USAGE_ALL;
				else FAIL("invalid Usage '%s'", w);
			}
			p->repo->usage = u;
		} else if (strcmp(key, "CacheServer") != 0) {
			FAIL("unknown directive '%s' in repository '%s'", key, p->repo->name);
		}
		return 0;
	}
	/* [options] */
	if (!value) /* flags without values (Color, CheckSpace, ...) do not concern reads */
		return 0;
	if (strcmp(key, "RootDir") == 0) {
		/* --root wins, as pacman's --sysroot does. */
	} else if (strcmp(key, "DBPath") == 0) {
		free(c->dbpath);
		c->dbpath = under_root(c, value);
	} else if (strcmp(key, "GPGDir") == 0) {
		free(c->gpgdir);
		c->gpgdir = under_root(c, value);
	} else if (strcmp(key, "LogFile") == 0) {
		free(c->logfile);
		c->logfile = under_root(c, value);
	} else if (strcmp(key, "CacheDir") == 0 || strcmp(key, "HookDir") == 0) {
		int cache = key[0] == 'C';
		char *path = under_root(c, value);
		if (cache)
			push(&c->cachedirs, &c->ncachedirs, path);
		else
			push(&c->hookdirs, &c->nhookdirs, path);
		free(path);
	} else if (strcmp(key, "Architecture") == 0 || strcmp(key, "IgnorePkg") == 0 ||
		   strcmp(key, "IgnoreGroup") == 0) {
		char ***v = key[0] == 'A' ? &c->archs : key[6] == 'P' ? &c->ignorepkg : &c->ignoregroup;
		size_t *n = key[0] == 'A' ? &c->narchs : key[6] == 'P' ? &c->nignorepkg : &c->nignoregroup;
		for (char *sp, *w = strtok_r(value, " \t", &sp); w; w = strtok_r(NULL, " \t", &sp))
			push(v, n, w);
	} else if (strcmp(key, "SigLevel") == 0) {
		if (siglevel(value, DEFAULT_SIGLEVEL, &c->siglevel) != 0)
			FAIL("invalid SigLevel");
	} else if (strcmp(key, "LocalFileSigLevel") == 0) {
		/* Checked now, applied on top of SigLevel once the file is read. */
		char *words = xstrdup(value);
		int l, bad = siglevel(words, 0, &l);
		free(words);
		if (bad)
			FAIL("invalid LocalFileSigLevel");
		/* Words of several lines add up, as in pacman. */
		char *all = p->localfile ? xasprintf("%s %s", p->localfile, value) : xstrdup(value);
		free(p->localfile);
		p->localfile = all;
	} else if (strcmp(key, "ParallelDownloads") == 0) {
		char *end;
		long n = strtol(value, &end, 10);
		if (*end || n < 1 || n > 1000)
			FAIL("invalid ParallelDownloads '%s'", value);
		c->parallel_downloads = (int)n;
	}
	/* Other options (XferCommand, CleanMethod, NoUpgrade, ...) matter to
	 * transactions only; they are accepted and ignored here. */
	return 0;
#undef FAIL
}

/* Parses one file at a host path. */
static int parse_path(struct parser *p, const char *path)
{
	push(&p->c->files, &p->c->nfiles, path);
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(p->err, p->errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end || end[1] || end == s + 1) {
				snprintf(p->err, p->errlen, "%s:%d: bad section header", path, lineno);
				rc = -1;
				break;
			}
			*end = '\0';
			s++;
			p->in_options = strcmp(s, "options") == 0;
			p->repo = NULL;
			if (!p->in_options) {
				struct pacconf *c = p->c;
				c->repos = xrealloc(c->repos, (c->nrepos + 1) * sizeof(*c->repos));
				p->repo = &c->repos[c->nrepos++];
				memset(p->repo, 0, sizeof(*p->repo));
				p->repo->name = xstrdup(s);
				p->repo->siglevel = -1; /* resolved at the end */
				p->repo->usage = ALPM_DB_USAGE_ALL;
			}
			continue;
		}
		char *eq = strchr(s, '=');
		char *value = NULL;
		if (eq) {
			*eq = '\0';
			value = trim(eq + 1);
		}
		rc = directive(p, trim(s), value, path, lineno);
	}
	free(line);
	fclose(f);
	return rc;
}

int pacconf_parse_file(struct pacconf *c, const char *path, char *err, size_t errlen)
{
	struct parser p = {c, NULL, 0, 0, "", NULL, err, errlen};
	char *host = under_root(c, path);
	int rc = parse_path(&p, host);
	free(host);
	/* LocalFileSigLevel's words apply on top of SigLevel (pacman's rule),
	 * whichever of the two came first; checked when read. */
	c->localfilesiglevel = c->siglevel;
	if (p.localfile)
		siglevel(p.localfile, c->siglevel, &c->localfilesiglevel);
	free(p.localfile);
	return rc;
}

int pacconf_load(struct pacconf *c, const char *root, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->root = xstrdup(root);
	c->siglevel = c->localfilesiglevel = DEFAULT_SIGLEVEL;
	c->parallel_downloads = 1;
	if (pacconf_parse_file(c, "/etc/pacman.conf", err, errlen) != 0)
		return -1;
	if (!c->dbpath)
		c->dbpath = under_root(c, "/var/lib/pacman/");
	if (c->dbpath[strlen(c->dbpath) - 1] != '/') {
		char *d = xasprintf("%s/", c->dbpath);
		free(c->dbpath);
		c->dbpath = d;
	}
	if (!c->gpgdir)
		c->gpgdir = under_root(c, "/etc/pacman.d/gnupg/");
	if (!c->logfile)
		c->logfile = under_root(c, "/var/log/pacman.log");
	if (!c->ncachedirs) {
		char *d = under_root(c, "/var/cache/pacman/pkg/");
		push(&c->cachedirs, &c->ncachedirs, d);
		free(d);
	}
	if (!c->nhookdirs) {
		char *d = under_root(c, "/etc/pacman.d/hooks/");
		push(&c->hookdirs, &c->nhookdirs, d);
		free(d);
	}
	/* A repository's own SigLevel words apply on top of the global level,
	 * whatever order the sections came in. */
	for (size_t i = 0; i < c->nrepos; i++)
		if (c->repos[i].siglevel == -1)
			c->repos[i].siglevel = c->siglevel;
	return 0;
}

/* The words that make level accept an unsigned package, or NULL. */
static const char *unsigned_words(int level)
{
	if (!(level & ALPM_SIG_PACKAGE))
		return "Never";
	if ((level & ALPM_SIG_PACKAGE_OPTIONAL) && (level & ALPM_SIG_PACKAGE_UNKNOWN_OK))
		return "Optional TrustAll";
	return NULL;
}

int pacconf_accepts_unsigned(const struct pacconf *c, char *why, size_t whylen)
{
	for (size_t i = 0; i < c->nrepos; i++) {
		const char *w = unsigned_words(c->repos[i].siglevel);
		if (w) {
			snprintf(why, whylen, "repository '%s' has SigLevel = %s", c->repos[i].name, w);
			return 1;
		}
	}
	const char *w = c->nrepos ? NULL : unsigned_words(c->siglevel);
	if (w)
		snprintf(why, whylen, "pacman.conf [options] has SigLevel = %s", w);
	return w != NULL;
}

void pacconf_free(struct pacconf *c)
{
	free(c->root);
	free(c->dbpath);
	free(c->gpgdir);
	free(c->logfile);
	free_strv(c->cachedirs, c->ncachedirs);
	free_strv(c->hookdirs, c->nhookdirs);
	free_strv(c->archs, c->narchs);
	free_strv(c->ignorepkg, c->nignorepkg);
	free_strv(c->ignoregroup, c->nignoregroup);
	free_strv(c->files, c->nfiles);
	for (size_t i = 0; i < c->nrepos; i++) {
		free(c->repos[i].name);
		free_strv(c->repos[i].servers, c->repos[i].nservers);
	}
	free(c->repos);
	memset(c, 0, sizeof(*c));
}
