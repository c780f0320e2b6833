/* SPDX-License-Identifier: MIT */
/* omg sbom: the index's installed packages and the advisory join as CycloneDX 1.5 JSON, built with cJSON. */
#include "engine/security/sbom.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/security/spdx-ids.h"
#include "ipc/vuln.h"
#include "util/osrel.h"

/* Where the advisories come from, per backend: the tracker whose pages name them. */
struct tracker {
	const char *name, *url; /* url + an id is the advisory's page */
};
static const struct tracker arch_tracker = {"Arch Linux Security Tracker",
					    "https://security.archlinux.org/"};
static const struct tracker debian_tracker = {"Debian Security Tracker",
					      "https://security-tracker.debian.org/tracker/"};

/* What the document is about: the purl's type, namespace and distro. */
struct sbom {
	const struct sbom_opts *o;
	const char *type, *ns;     /* "deb", "debian" | "ubuntu"; "alpm", "arch" */
	char distro[128];          /* "debian-bookworm", "" unknown (and on alpm) */
	const struct tracker *tracker;
	int bad;                   /* cJSON ran out of memory */
	struct buf purl, text;     /* scratch */
};

/* bsearch's comparison over spdx_ids. */
static int cmp_id(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int sbom_spdx_id(const char *id)
{
	return bsearch(id, spdx_ids, sizeof(spdx_ids) / sizeof(spdx_ids[0]), sizeof(spdx_ids[0]),
		       cmp_id) != NULL;
}

/* Appends s percent-encoded as purl-spec wants (sbom.h), lower-cased if lower. */
static void pct(struct buf *b, const char *s, int lower)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned c = *p;
		if (lower && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
			buf_putc(b, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(b, e, 3);
		}
	}
}

void sbom_purl(struct buf *out, const char *type, const char *ns, const char *name,
	       const char *version, const char *arch, const char *distro)
{
	buf_printf(out, "pkg:%s/", type);
	if (ns && *ns) {
		pct(out, ns, 1);
		buf_putc(out, '/');
	}
	pct(out, name, 1);
	if (version && *version) {
		buf_putc(out, '@');
		pct(out, version, 0);
	}
	char sep = '?';
	if (arch && *arch) {
		buf_printf(out, "%carch=", sep);
		pct(out, arch, 0);
		sep = '&';
	}
	if (distro && *distro) {
		buf_printf(out, "%cdistro=", sep);
		pct(out, distro, 0);
	}
}

/* Adds item to parent (under key for an object, appended for an array);
 * notes a NULL item or a failed add (cJSON's malloc failed) in s->bad.
 * Returns item, or NULL then. */
static cJSON *put(struct sbom *s, cJSON *parent, const char *key, cJSON *item)
{
	int ok = item && parent &&
		 (key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item));
	if (!ok) {
		cJSON_Delete(item); /* cJSON leaves an item it could not add to us (NULL: a no-op) */
		s->bad = 1;
		return NULL;
	}
	return item;
}

/* key: value as a string, when value is not "". */
static void put_str(struct sbom *s, cJSON *o, const char *key, const char *value)
{
	if (value && *value)
		put(s, o, key, cJSON_CreateString(value));
}

/* {"name": tracker, "url": its home page} */
static cJSON *source(struct sbom *s, const char *id)
{
	cJSON *src = cJSON_CreateObject();
	put_str(s, src, "name", s->tracker->name);
	buf_reset(&s->text);
	buf_printf(&s->text, "%s%s", s->tracker->url, id ? id : "");
	put_str(s, src, "url", buf_str(&s->text));
	return src;
}

/* s->purl: package p's purl. */
static const char *purl_of(struct sbom *s, const struct pkg *p)
{
	buf_reset(&s->purl);
	sbom_purl(&s->purl, s->type, s->ns, p->name, p->installed_version, p->arch,
		  s->distro[0] ? s->distro : NULL);
	return buf_str(&s->purl);
}

/* One component: the installed version of p. */
static void component(struct sbom *s, cJSON *list, const struct pkg *p)
{
	/* "library", as syft and trivy type distribution packages: a package
	 * manager cannot tell an application from a library, and consumers
	 * (Dependency-Track, grype) treat every OS package alike. */
	cJSON *c = put(s, list, NULL, cJSON_CreateObject());
	put_str(s, c, "type", "library");
	const char *purl = purl_of(s, p);
	put_str(s, c, "bom-ref", purl);
	put_str(s, c, "publisher", p->packager);
	put_str(s, c, "name", p->name);
	put_str(s, c, "version", p->installed_version);
	put_str(s, c, "description", p->desc);
	uint32_t nl = 0;
	for (uint32_t i = 0; i < p->licenses.n; i++)
		nl += p->licenses.v[i][0] != '\0';
	if (nl) {
		cJSON *ls = put(s, c, "licenses", cJSON_CreateArray());
		for (uint32_t i = 0; i < p->licenses.n; i++) {
			const char *l = p->licenses.v[i];
			if (!*l)
				continue;
			cJSON *e = put(s, ls, NULL, cJSON_CreateObject());
			cJSON *lic = put(s, e, "license", cJSON_CreateObject());
			/* An id outside the schema's SPDX list would make the document
			 * invalid ("custom:...", Arch's older "GPL3"): a name then. */
			put_str(s, lic, sbom_spdx_id(l) ? "id" : "name", l);
		}
	}
	put_str(s, c, "purl", purl);
	if (p->url[0]) {
		cJSON *refs = put(s, c, "externalReferences", cJSON_CreateArray());
		cJSON *r = put(s, refs, NULL, cJSON_CreateObject());
		put_str(s, r, "type", "website");
		put_str(s, r, "url", p->url);
	}
}

/* One vulnerability: advisory a of package p (installed, affected). */
static void vulnerability(struct sbom *s, cJSON *list, const struct pkg *p,
			  const struct vuln_adv *a)
{
	cJSON *v = put(s, list, NULL, cJSON_CreateObject());
	put_str(s, v, "id", a->id);
	put(s, v, "source", source(s, a->id));
	if (a->issues.n) {
		cJSON *refs = put(s, v, "references", cJSON_CreateArray());
		for (uint32_t i = 0; i < a->issues.n; i++) {
			if (!a->issues.v[i][0])
				continue;
			cJSON *r = put(s, refs, NULL, cJSON_CreateObject());
			put_str(s, r, "id", a->issues.v[i]);
			put(s, r, "source", source(s, a->issues.v[i]));
		}
	}
	cJSON *ratings = put(s, v, "ratings", cJSON_CreateArray());
	cJSON *rating = put(s, ratings, NULL, cJSON_CreateObject());
	put(s, rating, "source", source(s, a->id));
	/* Our names are CycloneDX's severities (critical, high, medium, low, unknown). */
	put_str(s, rating, "severity", severity_name(a->severity));
	put_str(s, v, "description", a->type);
	buf_reset(&s->text);
	if (a->fixed[0])
		buf_printf(&s->text, "Upgrade %s to %s or later.", p->name, a->fixed);
	else
		buf_printf(&s->text, "No fixed version of %s is known.", p->name);
	put_str(s, v, "recommendation", buf_str(&s->text));
	cJSON *affects = put(s, v, "affects", cJSON_CreateArray());
	cJSON *target = put(s, affects, NULL, cJSON_CreateObject());
	put_str(s, target, "ref", purl_of(s, p));
	cJSON *versions = put(s, target, "versions", cJSON_CreateArray());
	cJSON *inst = put(s, versions, NULL, cJSON_CreateObject());
	put_str(s, inst, "version", p->installed_version);
	put_str(s, inst, "status", "affected");
	if (a->fixed[0]) {
		cJSON *fix = put(s, versions, NULL, cJSON_CreateObject());
		put_str(s, fix, "version", a->fixed);
		put_str(s, fix, "status", "unaffected");
	}
}

/* A random (version 4) UUID as "urn:uuid:...". -1 when the kernel gives no randomness. */
static int serial(char *out, size_t len)
{
	unsigned char u[16];
	size_t got = 0;
	while (got < sizeof(u)) {
		ssize_t r = getrandom(u + got, sizeof(u) - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, len,
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
	return 0;
}

/* metadata: when, made by what, about which system (from os-release, if any). */
static void metadata(struct sbom *s, cJSON *doc)
{
	cJSON *m = put(s, doc, "metadata", cJSON_CreateObject());
	char when[32];
	time_t t = (time_t)s->o->now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	put_str(s, m, "timestamp", when);
	/* 1.5's form: tools as components (the array of tool objects is deprecated). */
	cJSON *tools = put(s, m, "tools", cJSON_CreateObject());
	cJSON *tc = put(s, tools, "components", cJSON_CreateArray());
	cJSON *omg = put(s, tc, NULL, cJSON_CreateObject());
	put_str(s, omg, "type", "application");
	put_str(s, omg, "name", "omg");
	put_str(s, omg, "version", s->o->tool_version);
	char id[128], version[128], pretty[256];
	if (osrel_get(s->o->root, "ID", id, sizeof(id)) == 0) {
		cJSON *sys = put(s, m, "component", cJSON_CreateObject());
		put_str(s, sys, "type", "operating-system");
		put_str(s, sys, "bom-ref", "omg:system");
		put_str(s, sys, "name", id);
		if (osrel_get(s->o->root, "VERSION_ID", version, sizeof(version)) == 0)
			put_str(s, sys, "version", version);
		if (osrel_get(s->o->root, "PRETTY_NAME", pretty, sizeof(pretty)) == 0)
			put_str(s, sys, "description", pretty);
	}
}

/* The purl's type, namespace and distro for this root. */
static void identify(struct sbom *s)
{
	if (strcmp(s->o->backend, "alpm") == 0) {
		s->type = "alpm";
		s->ns = "arch";
		s->tracker = &arch_tracker;
		return;
	}
	char id[64], code[64];
	s->type = "deb";
	s->ns = osrel_get(s->o->root, "ID", id, sizeof(id)) == 0 && strcmp(id, "ubuntu") == 0
			? "ubuntu" : "debian";
	s->tracker = &debian_tracker;
	if (osrel_get(s->o->root, "VERSION_CODENAME", code, sizeof(code)) == 0 ||
	    osrel_get(s->o->root, "UBUNTU_CODENAME", code, sizeof(code)) == 0)
		snprintf(s->distro, sizeof(s->distro), "%s-%s", s->ns, code);
}

int sbom_cyclonedx(const struct index *ix, const struct vulns *vs, const struct sbom_opts *o,
		   struct buf *out, char *err, size_t errlen)
{
	struct sbom s = {.o = o};
	identify(&s);
	char uuid[64];
	if (serial(uuid, sizeof(uuid)) != 0) {
		snprintf(err, errlen, "cannot make the document's serial number: getrandom: %s",
			 strerror(errno));
		return -1;
	}
	cJSON *doc = cJSON_CreateObject();
	if (!doc)
		s.bad = 1;
	put_str(&s, doc, "bomFormat", "CycloneDX");
	put_str(&s, doc, "specVersion", "1.5");
	put_str(&s, doc, "serialNumber", uuid);
	put(&s, doc, "version", cJSON_CreateNumber(1));
	metadata(&s, doc);
	cJSON *comps = put(&s, doc, "components", cJSON_CreateArray());
	for (size_t i = 0; i < index_count(ix); i++) {
		const struct pkg *p = index_get(ix, i);
		if ((p->flags & PKG_INSTALLED) && p->installed_version[0])
			component(&s, comps, p);
	}
	if (vs) {
		cJSON *vl = put(&s, doc, "vulnerabilities", cJSON_CreateArray());
		for (size_t i = 0; i < vs->n; i++) {
			const struct vuln *r = &vs->v[i];
			long pos = index_find(ix, r->name);
			const struct pkg *p = pos >= 0 ? index_get(ix, (size_t)pos) : NULL;
			/* A join made before the index changed names what is no longer there. */
			if (!p || !(p->flags & PKG_INSTALLED) || strcmp(p->installed_version, r->installed))
				continue;
			for (uint32_t k = 0; k < r->nadvs; k++)
				if (r->advs[k].affects)
					vulnerability(&s, vl, p, &r->advs[k]);
		}
	}
	char *text = s.bad ? NULL : cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	buf_free(&s.purl);
	buf_free(&s.text);
	if (!text) {
		snprintf(err, errlen, "cannot build the SBOM: out of memory");
		return -1;
	}
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
	return 0;
}
