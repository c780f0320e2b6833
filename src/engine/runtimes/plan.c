/* SPDX-License-Identifier: MIT */
/* Which archive of a release this machine installs, where it lies and how it is checked. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"

/* Writes base (its trailing '/' optional) followed by the formatted rest into out.
 * -1 when it does not fit or base is no http(s) URL. */
__attribute__((format(printf, 4, 5))) static int url_join(char *out, size_t outlen,
							   const char *base, const char *fmt, ...)
{
	if (!base || !rt_url_ok(base))
		return -1;
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	char rest[512];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(rest))
		return -1;
	int m = snprintf(out, outlen, "%.*s/%s", (int)n, base, rest);
	return m < 0 || (size_t)m >= outlen ? -1 : 0;
}

/* The archive format of a file name by its ending, or -1. */
static int format_of(const char *name)
{
	size_t n = strlen(name);
	if (n > 7 && strcmp(name + n - 7, ".tar.gz") == 0)
		return RT_TAR_GZ;
	if (n > 4 && strcmp(name + n - 4, ".tgz") == 0)
		return RT_TAR_GZ;
	if (n > 7 && strcmp(name + n - 7, ".tar.xz") == 0)
		return RT_TAR_XZ;
	if (n > 4 && strcmp(name + n - 4, ".zip") == 0)
		return RT_ZIP;
	return -1;
}

/* Fills out from one file of the index (url, name, sha256, size, format). */
static int from_file(const struct rt_index *idx, const struct rt_release *r,
		     const struct rt_file *f, struct rt_source *out, char *err, size_t errlen)
{
	const char *name = rt_kind_name(idx->kind);
	int fmt = format_of(f->name);
	if (fmt < 0)
		return rt_fail(err, errlen, "%s %s: %.100s is not a .tar.gz, .tar.xz or .zip", name,
			       r->version, f->name);
	if (!*f->url || !rt_url_ok(f->url))
		return rt_fail(err, errlen, "%s %s: the index gives no URL for %.100s", name,
			       r->version, f->name);
	if (!rt_hex64(f->sha256))
		return rt_fail(err, errlen, "%s %s: the index gives no sha256 for %.100s", name,
			       r->version, f->name);
	if ((size_t)snprintf(out->url, sizeof(out->url), "%s", f->url) >= sizeof(out->url) ||
	    (size_t)snprintf(out->file, sizeof(out->file), "%s", f->name) >= sizeof(out->file))
		return rt_fail(err, errlen, "%s %s: the URL is too long", name, r->version);
	memcpy(out->sha256, f->sha256, 65);
	out->size = f->size;
	out->format = (enum rt_archive)fmt;
	out->sig = RT_SIG_NONE;
	return 0;
}

/* The file of r whose fields match (NULL in a field: any), or NULL. */
static const struct rt_file *find(const struct rt_release *r, const char *os, const char *arch,
				  const char *kind, const char *ending)
{
	for (uint32_t i = 0; i < r->nfiles; i++) {
		const struct rt_file *f = &r->files[i];
		size_t n = strlen(f->name), e = ending ? strlen(ending) : 0;
		if ((!os || strcmp(f->os, os) == 0) && (!arch || strcmp(f->arch, arch) == 0) &&
		    (!kind || strcmp(f->kind, kind) == 0) &&
		    (!ending || (n > e && strcmp(f->name + n - e, ending) == 0)))
			return f;
	}
	return NULL;
}

/* The file of r called name (node's platform ids), or NULL. */
static const struct rt_file *find_named(const struct rt_release *r, const char *name)
{
	for (uint32_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, name) == 0)
			return &r->files[i];
	return NULL;
}

int rt_plan(const struct rt_index *idx, const struct rt_release *r, const struct rt_host *host,
	    const char *base_url, struct rt_source *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->size = -1;
	const char *name = rt_kind_name(idx->kind);
	const char *v = r->version;
	int arm = host->arch == RT_AARCH64;
	const struct rt_file *f;
	char url[1024];
	switch (idx->kind) {
	case RT_NODE: {
		const char *id = arm ? "linux-arm64" : "linux-x64";
		if (!find_named(r, id))
			return rt_fail(err, errlen, "%s %s has no build for %s", name, v, id);
		snprintf(out->file, sizeof(out->file), "node-v%s-%s.tar.xz", v, id);
		if (url_join(out->url, sizeof(out->url), base_url, "v%s/%s", v, out->file) ||
		    url_join(out->sums_url, sizeof(out->sums_url), base_url, "v%s/SHASUMS256.txt",
			     v) ||
		    url_join(out->sig_url, sizeof(out->sig_url), base_url,
			     "v%s/SHASUMS256.txt.sig", v))
			return rt_fail(err, errlen, "%s: '%.100s' is not a usable base URL", name,
				       base_url ? base_url : "");
		out->format = RT_TAR_XZ;
		out->sig = RT_SIG_DETACHED;
		return 0;
	}
	case RT_GO:
		f = find(r, "linux", arm ? "arm64" : "amd64", "archive", ".tar.gz");
		if (!f)
			return rt_fail(err, errlen, "%s %s has no archive for linux-%s", name, v,
				       arm ? "arm64" : "amd64");
		/* go.dev/dl/ names files relative to itself. */
		if (url_join(url, sizeof(url), base_url, "%s", f->name))
			return rt_fail(err, errlen, "%s: '%.100s' is not a usable base URL", name,
				       base_url ? base_url : "");
		struct rt_file at = *f;
		at.url = url;
		return from_file(idx, r, &at, out, err, errlen);
	case RT_PYTHON:
		f = find(r, NULL, rt_host_triple(host), "install_only", NULL);
		if (!f)
			return rt_fail(err, errlen, "%s %s has no install_only build for %s", name, v,
				       rt_host_triple(host));
		if (!*f->url)
			return rt_fail(err, errlen,
				       "%s %s: the release's URL is unknown (latest-release.json "
				       "was not read)",
				       name, v);
		return from_file(idx, r, f, out, err, errlen);
	case RT_RUST:
		f = find(r, NULL, rt_host_triple(host), "rust", ".tar.xz");
		if (!f)
			f = find(r, NULL, rt_host_triple(host), "rust", ".tar.gz");
		if (!f)
			return rt_fail(err, errlen, "%s %s has no build for %s", name, v,
				       rt_host_triple(host));
		return from_file(idx, r, f, out, err, errlen);
	case RT_JAVA:
		f = find(r, "linux", arm ? "aarch64" : "x64", "jdk", ".tar.gz");
		if (!f)
			return rt_fail(err, errlen, "%s %s has no JDK for linux-%s", name, v,
				       arm ? "aarch64" : "x64");
		return from_file(idx, r, f, out, err, errlen);
	case RT_BUN: {
		const char *file = arm ? "bun-linux-aarch64.zip" : "bun-linux-x64.zip";
		snprintf(out->file, sizeof(out->file), "%s", file);
		if (url_join(out->url, sizeof(out->url), base_url, "bun-v%s/%s", v, file) ||
		    url_join(out->sums_url, sizeof(out->sums_url), base_url,
			     "bun-v%s/SHASUMS256.txt.asc", v))
			return rt_fail(err, errlen, "%s: '%.100s' is not a usable base URL", name,
				       base_url ? base_url : "");
		out->format = RT_ZIP;
		out->sig = RT_SIG_CLEARSIGNED;
		return 0;
	}
	case RT_RUBY:
		return rt_fail(err, errlen,
			       "ruby %s: only source tarballs are published with a checksum, and "
			       "building ruby from source is not supported yet; no unverified "
			       "binary is installed",
			       v);
	}
	return rt_fail(err, errlen, "%s: unknown runtime", name);
}
