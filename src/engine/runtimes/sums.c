/* SPDX-License-Identifier: MIT */
/* Checksum lists as sha256sum writes them: node's and bun's SHASUMS256.txt, python's SHA256SUMS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* The longest name taken: far past any release file's. */
#define MAX_NAME 512

void rt_sums_free(struct rt_sums *s)
{
	free(s->v);
	strpool_free(s->pool);
	memset(s, 0, sizeof(*s));
}

/* Whether name may be a listed file: relative, no ".." or empty component, no control
 * character or backslash. */
static int name_ok(const char *name, size_t n)
{
	if (!n || n > MAX_NAME || name[0] == '/' || rt_has_control(name, n) || memchr(name, '\\', n))
		return 0;
	const char *p = name, *end = name + n;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t k = slash ? (size_t)(slash - p) : (size_t)(end - p);
		if (k == 0 || (k == 2 && p[0] == '.' && p[1] == '.') || (k == 1 && p[0] == '.'))
			return 0;
		p += k + 1;
	}
	return name[n - 1] != '/';
}

const char *rt_sums_find(const struct rt_sums *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].sha256;
	return NULL;
}

int rt_sums_parse(struct rt_sums *out, const char *what, const char *body, size_t len,
		  char *err, size_t errlen)
{
	struct rt_sums s = {0};
	s.pool = strpool_new();
	if (!body || !len) {
		rt_fail(err, errlen, "%s: empty", what);
		goto fail;
	}
	if (memchr(body, '\0', len) || !utf8_valid(body, len)) {
		rt_fail(err, errlen, "%s: not UTF-8 text", what);
		goto fail;
	}
	const char *p = body, *end = body + len;
	size_t line = 0;
	while (p < end) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - p);
		if (n && p[n - 1] == '\r')
			n--; /* a list written on Windows */
		char hex[65];
		if (n < 67 || (memcpy(hex, p, 64), hex[64] = '\0', !rt_hex64(hex))) {
			rt_fail(err, errlen, "%s: line %zu does not start with a sha256", what, line);
			goto fail;
		}
		/* "<hex>  name" (text mode) or "<hex> *name" (binary mode). */
		if (p[64] != ' ' || (p[65] != ' ' && p[65] != '*')) {
			rt_fail(err, errlen, "%s: line %zu: the sha256 is not followed by two blanks",
				what, line);
			goto fail;
		}
		const char *name = p + 66;
		size_t nn = n - 66;
		if (!name_ok(name, nn)) {
			rt_fail(err, errlen, "%s: line %zu: the file name is not a relative path", what,
				line);
			goto fail;
		}
		char *nm = xstrndup(name, nn);
		char low[65];
		rt_hex_lower(hex, low);
		const char *had = rt_sums_find(&s, nm);
		if (had && strcmp(had, low) != 0) {
			rt_fail(err, errlen, "%s: line %zu: %.200s is listed twice with two sums", what,
				line, nm);
			free(nm);
			goto fail;
		}
		if (!had) {
			s.v = xgrow(s.v, &s.cap, s.n + 1, sizeof(*s.v));
			s.v[s.n].name = strpool_str(s.pool, nm);
			memcpy(s.v[s.n].sha256, low, 65);
			s.n++;
		}
		free(nm);
		p = nl ? nl + 1 : end;
	}
	rt_sums_free(out);
	*out = s;
	return 0;
fail:
	rt_sums_free(&s);
	return -1;
}
