/* SPDX-License-Identifier: MIT */
/* Ruby's source index (cache.ruby-lang.org/pub/ruby/index.txt): a header, then TAB-separated
 * name, url, sha1, sha256, sha512 per archive. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define WHAT "ruby's index.txt"
#define HEADER "name\turl\tsha1\tsha256\tsha512"

/* Whether s[0..n) is n hex digits. */
static int hex_n(const char *s, size_t n, size_t want)
{
	if (n != want)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The archive's ending ("tar.gz", "tar.xz", "tar.bz2", "zip") of url's last component
 * name, or NULL. */
static const char *ending(const char *name)
{
	static const char *const ends[] = {"tar.gz", "tar.xz", "tar.bz2", "zip"};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t k = strlen(ends[i]);
		if (n > k + 1 && name[n - k - 1] == '.' && strcmp(name + n - k, ends[i]) == 0)
			return ends[i];
	}
	return NULL;
}

int rt_ruby_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen)
{
	if (!body || !len)
		return rt_fail(err, errlen, WHAT ": empty");
	if (memchr(body, '\0', len) || !utf8_valid(body, len))
		return rt_fail(err, errlen, WHAT ": not UTF-8 text");
	size_t n0 = idx->n;
	const char *p = body, *end = body + len;
	size_t line = 0;
	int rc = 0;
	while (p < end && rc == 0) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		char *l = xstrndup(p, n);
		p = nl ? nl + 1 : end;
		if (line == 1) {
			if (strcmp(l, HEADER) != 0)
				rc = rt_fail(err, errlen,
					     WHAT ": line 1 is not the header \"name url sha1 sha256 "
						  "sha512\"");
			free(l);
			continue;
		}
		/* Control characters but the separating TABs, before the line is split. */
		int control = 0;
		for (const char *c = l; *c; c++)
			control |= ((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f;
		char *col[5];
		size_t ncol = 0;
		for (char *c = l;;) {
			if (ncol < 5)
				col[ncol] = c;
			ncol++;
			char *tab = strchr(c, '\t');
			if (!tab)
				break;
			*tab = '\0';
			c = tab + 1;
		}
		const char *why = NULL;
		if (ncol != 5)
			why = "has not five TAB-separated fields";
		else if (control)
			why = "holds a control character";
		else if (strncmp(col[0], "ruby-", 5) != 0 || !isdigit((unsigned char)col[0][5]) ||
			 !rt_version_ok(col[0] + 5))
			why = "'name' is not ruby- and a version";
		else if (!rt_url_ok(col[1]) || !strrchr(col[1], '/')[1])
			why = "'url' is not an http(s) URL of a file";
		else if (!ending(strrchr(col[1], '/') + 1))
			why = "'url' is not a .tar.gz, .tar.xz, .tar.bz2 or .zip";
		else if (!hex_n(col[2], strlen(col[2]), 40))
			why = "'sha1' is not 40 hex digits";
		else if (!hex_n(col[3], strlen(col[3]), 64))
			why = "'sha256' is not 64 hex digits";
		else if (!hex_n(col[4], strlen(col[4]), 128))
			why = "'sha512' is not 128 hex digits";
		if (why) {
			rc = rt_fail(err, errlen, WHAT ": line %zu %s", line, why);
			free(l);
			break;
		}
		const char *ver = col[0] + 5;
		struct rt_release *r = NULL;
		for (size_t i = n0; i < idx->n; i++)
			if (strcmp(idx->v[i].version, ver) == 0)
				r = &idx->v[i];
		if (!r && rt_index_find(idx, ver)) {
			rc = rt_fail(err, errlen, WHAT ": line %zu: ruby %s is already in the index",
				     line, ver);
			free(l);
			break;
		}
		if (!r) {
			r = rt_index_push(idx);
			r->version = rt_str(idx, ver);
			r->raw = rt_str(idx, col[0]);
			r->stable = rt_version_stable(ver);
			r->major = rt_version_major(ver);
		}
		const char *name = strrchr(col[1], '/') + 1;
		for (uint32_t k = 0; k < r->nfiles; k++)
			if (strcmp(r->files[k].name, name) == 0) {
				why = "lists an archive twice";
				break;
			}
		if (why) {
			rc = rt_fail(err, errlen, WHAT ": line %zu %s", line, why);
			free(l);
			break;
		}
		char low[65];
		rt_hex_lower(col[3], low);
		struct rt_file f = {.name = name, .url = col[1], .kind = ending(name), .sha256 = low,
				    .size = -1};
		rt_release_add_file(idx, r, &f);
		free(l);
	}
	if (rc == 0 && line < 1)
		rc = rt_fail(err, errlen, WHAT ": empty");
	if (rc)
		rt_index_truncate(idx, n0);
	return rc;
}
