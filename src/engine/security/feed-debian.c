/* SPDX-License-Identifier: MIT */
/* debsecan's per-release feed (FORMATS.md 3.2): zlib inflated under a cap, then its three
 * blocks of comma-separated lines read the way debsecan's fetch_data reads them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "engine/security/feed-build.h"
#include "engine/security/feed.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/*
 * The text (debsecan 0.4.20.1, fetch_data and class Vulnerability):
 *   VERSION 1
 *   name,flags,description              block 1: vulnerability i is line i
 *   ...
 *   (blank)
 *   package,index,flags,unstable_version,other_versions     block 2
 *   ...
 *   (blank)
 *   source,binary binary ...            block 3
 * Lines end at '\n' only. debsecan splits block 1 with split(',', 2) and
 * block 2 with split(',', 4), so a description, and other_versions, may
 * hold commas; block 3 with split(','), so exactly one comma. A block ends at
 * a blank line or at the end of the text (debsecan's loops simply stop), and
 * what follows the third block is ignored, as debsecan ignores it.
 *
 * Flags of block 2, as debsecan maps them:
 *   [0] 'B' binary package, else source ('S')     -> ADV_SOURCE for 'S'
 *   [1] urgency ' ' '' / 'L' low / 'M' medium / 'H' high -> enum severity
 *   [2] remote '?' None / 'R' True / ' ' False    -> neither / ADV_REMOTE /
 *       ADV_LOCAL (debsecan prints "remotely exploitable" only for True,
 *       and False is the tracker saying the issue is local)
 *   [3] 'F' a fix is available in this suite      -> ADV_FIX_IN_SUITE
 * Where debsecan would crash (a KeyError on an unknown urgency or remote
 * letter, an IndexError on short flags, a ValueError on a bad index or a
 * missing field, a UnicodeDecodeError), the feed is refused. Stricter than
 * debsecan: the flags are exactly four characters, [0] is 'B' or 'S' and [3]
 * 'F' or ' ' (what the tracker writes), the index is plain digits (Python's
 * int() would take "-1" and index from the end), names are non-empty and no
 * name, id or version holds a control character.
 */

/* Where parsing is: the text, the current line and the error sink. */
struct dparse {
	const char *p, *end;
	size_t lineno;
	char *err;
	size_t errlen;
};

/* The next line (without its '\n') in *s and *n; 0 at the end of the text. */
static int next_line(struct dparse *d, const char **s, size_t *n)
{
	if (d->p >= d->end)
		return 0;
	const char *nl = memchr(d->p, '\n', (size_t)(d->end - d->p));
	*s = d->p;
	*n = nl ? (size_t)(nl - d->p) : (size_t)(d->end - d->p);
	d->p = nl ? nl + 1 : d->end;
	d->lineno++;
	return 1;
}

/* Writes "line N: why" and returns -1. */
__attribute__((format(printf, 2, 3))) static int line_err(struct dparse *d, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(d->err, d->errlen, "line %zu: %s", d->lineno, why);
	return -1;
}

/* Splits s[0..n) at its first max commas: at most max + 1 fields in f/fl.
 * Returns the number of fields. */
static size_t split_commas(const char *s, size_t n, size_t max, const char **f, size_t *fl)
{
	size_t k = 0;
	const char *end = s + n;
	while (k < max) {
		const char *c = memchr(s, ',', (size_t)(end - s));
		if (!c)
			break;
		f[k] = s;
		fl[k++] = (size_t)(c - s);
		s = c + 1;
	}
	f[k] = s;
	fl[k++] = (size_t)(end - s);
	return k;
}

/* A name, id or version field: acceptable text (non-empty when need). */
static int field_ok(struct dparse *d, const char *what, const char *s, size_t n, int need)
{
	if (need && !n)
		return line_err(d, "empty %s", what);
	if (!feed_text_ok(s, n))
		return line_err(d, "%s is not UTF-8 text without control characters", what);
	return 0;
}

/* Block 1: the vulnerabilities' names and descriptions, interned into
 * names/descs (grown). 0, or -1 with the error written. */
static int read_names(struct dparse *d, struct strpool *sp, const char ***names,
		      const char ***descs, size_t *count)
{
	size_t cap = 0, ncap = 0;
	const char *s;
	size_t n;
	while (next_line(d, &s, &n) && n) {
		const char *f[3];
		size_t fl[3];
		if (split_commas(s, n, 2, f, fl) != 3)
			return line_err(d, "want name,flags,description");
		if (field_ok(d, "vulnerability name", f[0], fl[0], 1) != 0)
			return -1;
		/* The description is shown, not matched: any UTF-8 text but NUL (a
		 * renderer replaces other control characters). */
		if (!utf8_valid(f[2], fl[2]) || memchr(f[2], '\0', fl[2]))
			return line_err(d, "description is not UTF-8 text");
		*names = xgrow(*names, &cap, *count + 1, sizeof(**names));
		*descs = xgrow(*descs, &ncap, *count + 1, sizeof(**descs));
		(*names)[*count] = strpool_intern(sp, f[0], fl[0]);
		(*descs)[*count] = strpool_intern(sp, f[2], fl[2]);
		(*count)++;
	}
	return 0;
}

/* Parses a vulnerability index: plain decimal digits, below count. */
static int parse_index(struct dparse *d, const char *s, size_t n, size_t count, size_t *out)
{
	size_t v = 0;
	if (!n || n > 9)
		return line_err(d, "vulnerability index \"%.*s\" is not a number", (int)(n > 12 ? 12 : n), s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return line_err(d, "vulnerability index \"%.*s\" is not a number",
					(int)(n > 12 ? 12 : n), s);
		v = v * 10 + (size_t)(s[i] - '0');
	}
	if (v >= count)
		return line_err(d, "vulnerability index %zu out of range (%zu names)", v, count);
	*out = v;
	return 0;
}

/* The space-separated words of s[0..n) (empty words dropped, as an empty
 * version can never be installed) as a list from the pool; -1 with the error
 * written if one is not acceptable text. */
static int split_words(struct dparse *d, struct strpool *sp, const char *what, const char *s,
		       size_t n, struct strlist *out)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			count++;
	*out = (struct strlist){NULL, 0};
	if (!count)
		return 0;
	const char **v = strpool_alloc(sp, count * sizeof(*v));
	uint32_t k = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (field_ok(d, what, s + i, j - i, 1) != 0)
			return -1;
		v[k++] = strpool_intern(sp, s + i, j - i);
		i = j;
	}
	*out = (struct strlist){v, k};
	return 0;
}

/* One line of block 2 into a record. */
static int read_record(struct dparse *d, struct feed_builder *b, const char *s, size_t n,
		       const char *const *names, const char *const *descs, size_t count)
{
	struct strpool *sp = feed_builder_pool(b);
	const char *f[5];
	size_t fl[5];
	size_t nf = split_commas(s, n, 4, f, fl);
	if (nf != 5)
		return line_err(d, "%zu fields, want 5 (package,index,flags,fixed,other versions)",
				nf);
	size_t vi = 0;
	if (field_ok(d, "package", f[0], fl[0], 1) != 0 ||
	    parse_index(d, f[1], fl[1], count, &vi) != 0 ||
	    field_ok(d, "fixed version", f[3], fl[3], 0) != 0)
		return -1;
	const char *fg = f[2];
	if (fl[2] != 4)
		return line_err(d, "flags \"%.*s\" are not 4 characters", (int)(fl[2] > 8 ? 8 : fl[2]),
				fg);
	struct advisory a;
	memset(&a, 0, sizeof(a));
	if (fg[0] == 'S')
		a.flags |= ADV_SOURCE;
	else if (fg[0] != 'B')
		return line_err(d, "flag 1 '%c' is not B or S", fg[0]);
	switch (fg[1]) {
	case ' ': a.severity = SEV_UNKNOWN; break;
	case 'L': a.severity = SEV_LOW; break;
	case 'M': a.severity = SEV_MEDIUM; break;
	case 'H': a.severity = SEV_HIGH; break;
	default: return line_err(d, "urgency flag '%c' is not L, M, H or blank", fg[1]);
	}
	switch (fg[2]) {
	case '?': break;
	case 'R': a.flags |= ADV_REMOTE; break;
	case ' ': a.flags |= ADV_LOCAL; break;
	default: return line_err(d, "remote flag '%c' is not R, ? or blank", fg[2]);
	}
	if (fg[3] == 'F')
		a.flags |= ADV_FIX_IN_SUITE;
	else if (fg[3] != ' ')
		return line_err(d, "fix flag '%c' is not F or blank", fg[3]);
	if (split_words(d, sp, "other version", f[4], fl[4], &a.other_versions) != 0)
		return -1;
	a.package = strpool_intern(sp, f[0], fl[0]);
	a.id = names[vi];
	a.type = descs[vi];
	a.fixed = strpool_intern(sp, f[3], fl[3]);
	a.affected = "";
	a.status = ADV_STATUS_NONE;
	feed_builder_add(b, &a);
	return 0;
}

/* Block 3: source,binaries. Only checked: matching goes by the installed
 * package's own Source, as the rule says. */
static int read_sources(struct dparse *d, struct strpool *scratch)
{
	const char *s;
	size_t n;
	while (next_line(d, &s, &n) && n) {
		const char *f[2];
		size_t fl[2];
		const char *comma = memchr(s, ',', n);
		if (!comma || memchr(comma + 1, ',', n - (size_t)(comma + 1 - s)))
			return line_err(d, "want source,binaries");
		split_commas(s, n, 1, f, fl);
		struct strlist bins;
		if (field_ok(d, "source", f[0], fl[0], 1) != 0 ||
		    split_words(d, scratch, "binary", f[1], fl[1], &bins) != 0)
			return -1;
	}
	return 0;
}

/* Writes the first line's complaint: "VERSION 2, want VERSION 1". */
static void version_err(const char *s, size_t n, char *err, size_t errlen)
{
	if (n == 9 && memcmp(s, "VERSION 1", 9) == 0)
		snprintf(err, errlen, "truncated after the VERSION line");
	else if (n && n <= 40 && feed_text_ok(s, n))
		snprintf(err, errlen, "%.*s, want VERSION 1", (int)n, s);
	else
		snprintf(err, errlen, "no VERSION line, want VERSION 1");
}

struct feed *feed_parse_debian_text(const char *text, size_t len, char *err, size_t errlen)
{
	if (!len) {
		snprintf(err, errlen, "empty");
		return NULL;
	}
	struct dparse d = {text, text + len, 0, err, errlen};
	const char *s;
	size_t n;
	next_line(&d, &s, &n);
	/* debsecan: data.readline() != "VERSION 1\n" (the newline included) */
	if (n != 9 || memcmp(s, "VERSION 1", 9) != 0 || d.p == s + n) {
		version_err(s, n, err, errlen);
		return NULL;
	}
	struct feed_builder *b = feed_builder_new(FEED_DEBIAN);
	struct strpool *scratch = strpool_new();
	const char **names = NULL, **descs = NULL;
	size_t count = 0;
	struct feed *f = NULL;
	if (read_names(&d, feed_builder_pool(b), &names, &descs, &count) != 0)
		goto out;
	while (next_line(&d, &s, &n) && n)
		if (read_record(&d, b, s, n, names, descs, count) != 0)
			goto out;
	if (read_sources(&d, scratch) != 0)
		goto out;
	/* Records stay as the tracker wrote them, duplicates included: debsecan
	 * keeps every one. */
	f = feed_builder_finish(b, 0);
out:
	free(names);
	free(descs);
	strpool_free(scratch);
	feed_builder_free(b);
	return f;
}

/* Writes the cap's complaint, in MiB when it is a whole number of them. */
static void cap_err(size_t cap, char *err, size_t errlen)
{
	if (cap % (1u << 20) == 0)
		snprintf(err, errlen, "larger than %zu MiB once inflated", cap >> 20);
	else
		snprintf(err, errlen, "larger than %zu bytes once inflated", cap);
}

/* Inflates a zlib stream into out, refusing more than cap bytes of text or a
 * first line that cannot be "VERSION 1" (so 1 GB of garbage stops early).
 * 0, or -1 with the error written. */
static int inflate_feed(const void *data, size_t len, size_t cap, struct buf *out, char *err,
			size_t errlen)
{
	/* RFC 1950's header: deflate, and a check that makes 1 in 31 random
	 * pairs pass (inflate then finds the rest corrupt). */
	const unsigned char *h = data;
	if (len < 2 || (h[0] & 0x0f) != 8 || ((unsigned)h[0] << 8 | h[1]) % 31 != 0) {
		snprintf(err, errlen, "not zlib data");
		return -1;
	}
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		snprintf(err, errlen, "zlib: %s", z.msg ? z.msg : "cannot start");
		return -1;
	}
	const unsigned char *in = data;
	size_t left = len, checked = 0;
	int rc = Z_OK, ret = -1;
	unsigned char chunk[64 * 1024];
	while (rc != Z_STREAM_END) {
		if (!z.avail_in && left) {
			z.next_in = (unsigned char *)in;
			z.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
			in += z.avail_in;
			left -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		size_t got = sizeof(chunk) - z.avail_out;
		if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
			snprintf(err, errlen, "corrupt zlib data: %s", z.msg ? z.msg : "bad stream");
			goto out;
		}
		if (rc == Z_MEM_ERROR) {
			snprintf(err, errlen, "zlib: out of memory");
			goto out;
		}
		if (got > cap - out->len) {
			cap_err(cap, err, errlen);
			goto out;
		}
		buf_append(out, chunk, got);
		if (!checked && (out->len >= 10 || rc == Z_STREAM_END)) {
			checked = 1;
			if (out->len < 10 || memcmp(out->p, "VERSION 1\n", 10) != 0) {
				const char *nl = memchr(out->p, '\n', out->len);
				version_err(out->p, nl ? (size_t)(nl - out->p) : out->len, err,
					    errlen);
				goto out;
			}
		}
		if (rc == Z_BUF_ERROR || (rc == Z_OK && !got && !z.avail_in && !left)) {
			/* no progress possible: the input ended inside the stream */
			snprintf(err, errlen, "truncated");
			goto out;
		}
	}
	if (z.avail_in || left) {
		snprintf(err, errlen, "data after the zlib stream");
		goto out;
	}
	ret = 0;
out:
	inflateEnd(&z);
	return ret;
}

struct feed *feed_parse_debian(const void *zlib_data, size_t len, size_t max_text, char *err,
			       size_t errlen)
{
	if (!len) {
		snprintf(err, errlen, "empty");
		return NULL;
	}
	struct buf text = {0};
	struct feed *f = NULL;
	if (inflate_feed(zlib_data, len, max_text ? max_text : FEED_MAX_TEXT, &text, err,
			 errlen) == 0)
		f = feed_parse_debian_text(text.p ? text.p : "", text.len, err, errlen);
	buf_free(&text);
	return f;
}
