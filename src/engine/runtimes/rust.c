/* SPDX-License-Identifier: MIT */
/* Rust's channel manifests (rustup src/dist/manifest.rs, v2): one release, its packages per target. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"

#define WHAT "the rust channel manifest"

/* The packages a toolchain is installed from. */
static const char *const packages[] = {"rust", "rustc", "cargo", "rust-std"};

/* The string at path, or NULL: with required, a missing one is an error; a value of
 * another type always is. */
static const char *get_str(const struct rt_toml *d, const char *path, int required, char *err,
			   size_t errlen, int *failed)
{
	const struct rt_toml_val *v = rt_toml_get(d, path);
	if (!v) {
		if (required)
			*failed = rt_fail(err, errlen, WHAT ": '%.200s' is missing", path);
		return NULL;
	}
	if (v->type != RT_TOML_STRING) {
		*failed = rt_fail(err, errlen, WHAT ": '%.200s' is not a string", path);
		return NULL;
	}
	if (rt_has_control(v->s, strlen(v->s))) {
		*failed = rt_fail(err, errlen, WHAT ": '%.200s' holds a control character", path);
		return NULL;
	}
	return v->s;
}

/* "1.77.0 (aedd173a2 2024-03-17)" -> "1.77.0" into out; -1 when it does not start with a
 * version. */
static int version_of(const char *s, char *out, size_t outlen)
{
	size_t n = strcspn(s, " ");
	if (!n || n >= outlen || !isdigit((unsigned char)s[0]))
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return rt_version_ok(out) ? 0 : -1;
}

/* Adds the files of package pkg on triple to r. 0 or -1. */
static int add_package(struct rt_index *idx, struct rt_release *r, const struct rt_toml *d,
		       const char *pkg, const char *triple, char *err, size_t errlen)
{
	char base[512], path[640];
	snprintf(base, sizeof(base), "pkg.%s.target.%s", pkg, triple);
	const struct rt_toml_val *t = rt_toml_get(d, base);
	if (!t)
		return 0; /* not built for this target */
	if (t->type != RT_TOML_TABLE)
		return rt_fail(err, errlen, WHAT ": '%.200s' is not a table", base);
	snprintf(path, sizeof(path), "%s.available", base);
	const struct rt_toml_val *avail = rt_toml_get(d, path);
	if (!avail)
		return rt_fail(err, errlen, WHAT ": '%.200s' is missing", path);
	if (avail->type != RT_TOML_BOOL)
		return rt_fail(err, errlen, WHAT ": '%.200s' is not true or false", path);
	if (!avail->i)
		return 0;
	static const char *const pairs[][2] = {{"url", "hash"}, {"xz_url", "xz_hash"}};
	int failed = 0, any = 0;
	for (size_t k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s.%s", base, pairs[k][0]);
		const char *url = get_str(d, path, k == 0, err, errlen, &failed);
		if (failed)
			return -1;
		snprintf(path, sizeof(path), "%s.%s", base, pairs[k][1]);
		const char *hash = get_str(d, path, url != NULL, err, errlen, &failed);
		if (failed)
			return -1;
		if (!url && hash)
			return rt_fail(err, errlen, WHAT ": '%.200s' has no url beside it", path);
		if (!url)
			continue;
		snprintf(path, sizeof(path), "%s.%s", base, pairs[k][0]);
		if (!rt_url_ok(url))
			return rt_fail(err, errlen, WHAT ": '%.200s' is not an http(s) URL", path);
		snprintf(path, sizeof(path), "%s.%s", base, pairs[k][1]);
		if (!rt_hex64(hash))
			return rt_fail(err, errlen, WHAT ": '%.200s' is not 64 hex digits", path);
		const char *name = strrchr(url, '/') + 1;
		char low[65];
		rt_hex_lower(hash, low);
		struct rt_file f = {.name = name, .url = url, .arch = triple, .kind = pkg,
				    .sha256 = low, .size = -1};
		rt_release_add_file(idx, r, &f);
		any = 1;
	}
	(void)any;
	return 0;
}

int rt_rust_parse(struct rt_index *idx, const char *body, size_t len, const char *triple,
		  char *err, size_t errlen)
{
	struct rt_toml *d = rt_toml_parse(WHAT, body, len, err, errlen);
	if (!d)
		return -1;
	size_t n0 = idx->n;
	int failed = 0, rc = -1;
	const char *mv = get_str(d, "manifest-version", 1, err, errlen, &failed);
	if (failed)
		goto out;
	if (strcmp(mv, "2") != 0) {
		rt_fail(err, errlen, WHAT ": 'manifest-version' is not \"2\"");
		goto out;
	}
	const char *date = get_str(d, "date", 1, err, errlen, &failed);
	if (failed)
		goto out;
	const char *raw = get_str(d, "pkg.rust.version", 1, err, errlen, &failed);
	if (failed)
		goto out;
	char ver[RT_VERSION_MAX + 1];
	if (version_of(raw, ver, sizeof(ver)) != 0) {
		rt_fail(err, errlen, WHAT ": 'pkg.rust.version' does not start with a version");
		goto out;
	}
	if (rt_index_find(idx, ver)) {
		rt_fail(err, errlen, WHAT ": rust %s is already in the index", ver);
		goto out;
	}
	if (strlen(date) != 10 || rt_has_control(date, 10)) {
		rt_fail(err, errlen, WHAT ": 'date' is not a YYYY-MM-DD date");
		goto out;
	}
	struct rt_release *r = rt_index_push(idx);
	r->version = rt_str(idx, ver);
	r->raw = rt_str(idx, raw);
	r->date = rt_str(idx, date);
	r->stable = rt_version_stable(ver);
	r->major = rt_version_major(ver);
	for (size_t k = 0; k < sizeof(packages) / sizeof(packages[0]); k++)
		if (add_package(idx, &idx->v[idx->n - 1], d, packages[k], triple, err, errlen) != 0)
			goto out;
	rc = 0;
out:
	if (rc)
		rt_index_truncate(idx, n0);
	rt_toml_free(d);
	return rc;
}
