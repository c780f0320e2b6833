/* SPDX-License-Identifier: MIT */
/* Runtime version files, installed versions and the prompt's PATH; libc only, for omg-fast. */
#include "util/rtver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Invariants: no allocation, no global state, no locale. Every loop is
 * bounded by its input's length; the JSON reader's recursion by JS_DEPTH.
 * A version leaves this file only through check_version, so a PINNED
 * version is always safe as one path component.
 */

static const char *const rt_names[RTVER_COUNT] = {"node", "python", "go",  "rust",
						  "ruby", "java",   "bun"};

static const char *const file_names[RTVER_F_COUNT] = {
	[RTVER_F_NONE] = "none",
	[RTVER_F_TOOL_VERSIONS] = ".tool-versions",
	[RTVER_F_NVMRC] = ".nvmrc",
	[RTVER_F_NODE_VERSION] = ".node-version",
	[RTVER_F_PACKAGE_JSON] = "package.json",
	[RTVER_F_PYTHON_VERSION] = ".python-version",
	[RTVER_F_GO_MOD] = "go.mod",
	[RTVER_F_GO_VERSION] = ".go-version",
	[RTVER_F_RUST_TOOLCHAIN] = "rust-toolchain",
	[RTVER_F_RUST_TOOLCHAIN_TOML] = "rust-toolchain.toml",
	[RTVER_F_RUBY_VERSION] = ".ruby-version",
	[RTVER_F_JAVA_VERSION] = ".java-version",
	[RTVER_F_BUN_VERSION] = ".bun-version",
	[RTVER_F_GLOBAL] = "global tool-versions",
};

/* ASCII classes, independent of the locale. */
static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Whether the n bytes at s are the string lit. */
static int span_is(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n == m && memcmp(s, lit, n) == 0;
}

/* Whether the n bytes at s start with lit followed by a digit. */
static int prefix_digit(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n > m && memcmp(s, lit, m) == 0 && is_digit(s[m]);
}

const char *rtver_name(enum rtver_rt rt)
{
	return (unsigned)rt < RTVER_COUNT ? rt_names[rt] : "?";
}

int rtver_lookup(const char *name, size_t n)
{
	if (n > 5 && memcmp(name, "core:", 5) == 0)
		name += 5, n -= 5;
	if (span_is(name, n, "nodejs"))
		return RTVER_NODE;
	if (span_is(name, n, "golang"))
		return RTVER_GO;
	for (int i = 0; i < RTVER_COUNT; i++)
		if (span_is(name, n, rt_names[i]))
			return i;
	return -1;
}

const char *rtver_file_name(enum rtver_file file)
{
	return (unsigned)file < RTVER_F_COUNT ? file_names[file] : "?";
}

void rtver_env_init(struct rtver_env *env)
{
	static const char *const vars[2] = {"XDG_CONFIG_HOME", "XDG_DATA_HOME"};
	static const char *const defaults[2] = {".config", ".local/share"};
	char *dirs[2] = {env->config, env->data};
	const char *home = getenv("HOME");
	for (int i = 0; i < 2; i++) {
		const char *x = getenv(vars[i]);
		int n = -1;
		if (x && *x == '/')
			n = snprintf(dirs[i], RTVER_PATH_MAX, "%s/omg", x);
		else if (home && *home == '/')
			n = snprintf(dirs[i], RTVER_PATH_MAX, "%s/%s/omg", home, defaults[i]);
		if (n < 0 || n >= RTVER_PATH_MAX)
			dirs[i][0] = '\0';
	}
	env->ceilings = getenv("OMG_CEILING_PATHS");
}

/* ---- versions: normalising and checking ---- */

/* The n bytes at s for a message: printable ASCII (others as '?'), at most 40
 * bytes, then "...". */
static void shown(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i = 0, lim = n > 40 ? 40 : n;
	for (; i < lim && i + 4 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
	}
	if (n > lim && i + 4 <= cap)
		memcpy(dst + i, "...", 3), i += 3;
	dst[i] = '\0';
}

/* Why the n bytes at v are not a version omg uses, or NULL when they are:
 * 1..63 bytes of A-Z a-z 0-9 . _ + -, not starting with '.' or '-', no "..". */
static const char *version_bad(const char *v, size_t n)
{
	if (n == 0)
		return "is empty";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f)
			return "has a control character";
		if (c >= 0x80)
			return "is not ASCII";
		if (c == ' ')
			return "has a space";
		if (c == '/')
			return "has '/'";
		if (c == ':')
			return "has ':' (a form omg does not read)";
		if (c == '.' && i + 1 < n && v[i + 1] == '.')
			return "has '..'";
		if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '_' && c != '+' && c != '-')
			return "has a character other than letters, digits, '.', '_', '+' and '-'";
	}
	if (n >= RTVER_VERSION_MAX)
		return "is longer than 63 bytes";
	if (v[0] == '.' || v[0] == '-')
		return "starts with '.' or '-'";
	return NULL;
}

/* Node's release codenames (lts/<name>) and their majors. */
static const struct {
	const char *name;
	unsigned major;
} node_lts[] = {
	{"argon", 4},     {"boron", 6},    {"carbon", 8}, {"dubnium", 10},
	{"erbium", 12},   {"fermium", 14}, {"gallium", 16}, {"hydrogen", 18},
	{"iron", 20},     {"jod", 22},     {"krypton", 24},
};

/*
 * Normalises the word w (n bytes) as rt's version files mean it and checks
 * it. Writes the version to out; NULL, or why it is refused. mise's
 * "prefix:X" is omg's X (a prefix picks the newest installed match).
 */
static const char *normalise(enum rtver_rt rt, const char *w, size_t n, char out[RTVER_VERSION_MAX])
{
	char tmp[RTVER_VERSION_MAX];
	if (n > 7 && memcmp(w, "prefix:", 7) == 0)
		w += 7, n -= 7;
	switch (rt) {
	case RTVER_NODE:
		if (span_is(w, n, "lts/*")) {
			w = "lts", n = 3;
		} else if (n > 4 && n < sizeof(tmp) && memcmp(w, "lts/", 4) == 0) {
			/* nvm's lts/iron: mise's lts-iron, the codename in lower case */
			size_t i = 4;
			memcpy(tmp, "lts-", 4);
			for (; i < n && is_alpha(w[i]); i++)
				tmp[i] = (char)(w[i] | 0x20);
			if (i == n)
				w = tmp;
		} else if (span_is(w, n, "node") || span_is(w, n, "stable")) {
			w = "latest", n = 6; /* nvm's aliases of the newest release */
		} else if (prefix_digit(w, n, "v") || prefix_digit(w, n, "V")) {
			w++, n--;
		}
		break;
	case RTVER_BUN:
		if (prefix_digit(w, n, "bun-v"))
			w += 5, n -= 5;
		else if (prefix_digit(w, n, "v"))
			w++, n--;
		break;
	case RTVER_GO:
		if (prefix_digit(w, n, "go")) /* go.mod's toolchain go1.22.5 */
			w += 2, n -= 2;
		break;
	case RTVER_RUBY:
		if (prefix_digit(w, n, "ruby-"))
			w += 5, n -= 5;
		break;
	case RTVER_JAVA:
		/* jenv's temurin-21: omg installs Temurin (Adoptium), so it is 21 */
		if (prefix_digit(w, n, "temurin-"))
			w += 8, n -= 8;
		break;
	default:
		break;
	}
	const char *why = version_bad(w, n);
	if (why)
		return why;
	memcpy(out, w, n);
	out[n] = '\0';
	return NULL;
}

/* Resets the parsed part of a pin (not its file or path). */
static void pin_reset(struct rtver_pin *pin)
{
	pin->state = RTVER_UNSET;
	pin->line = 0;
	pin->nversions = 0;
	pin->why[0] = '\0';
}

/* Makes pin BAD at line with a formatted reason. */
__attribute__((format(printf, 3, 4))) static void pin_bad(struct rtver_pin *pin, unsigned line,
							  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pin->why, sizeof(pin->why), fmt, ap);
	va_end(ap);
	pin->state = RTVER_BAD;
	pin->line = line;
	pin->nversions = 0;
}

/* Adds the word w (n bytes) at line as rt's next version; 0, or -1 with the pin BAD. */
static int add_version(struct rtver_pin *pin, enum rtver_rt rt, const char *w, size_t n,
		       unsigned line)
{
	if (pin->nversions == RTVER_ALTS) {
		pin_bad(pin, line, "more than %d %s versions", RTVER_ALTS, rtver_name(rt));
		return -1;
	}
	const char *why = normalise(rt, w, n, pin->versions[pin->nversions]);
	if (why) {
		char s[48];
		shown(s, sizeof(s), w, n);
		pin_bad(pin, line, "%s version \"%s\" %s", rtver_name(rt), s, why);
		return -1;
	}
	if (pin->nversions++ == 0)
		pin->line = line;
	pin->state = RTVER_PINNED;
	return 0;
}

/* ---- text files: lines and words ---- */

/* A line of a buffer: its bytes (no newline, no trailing '\r') and its number. */
struct line {
	const char *s;
	size_t n;
	unsigned no;
};

/* The next line of buf (n bytes) from *pos; 0 at the end. */
static int next_line(const char *buf, size_t n, size_t *pos, unsigned *no, struct line *l)
{
	if (*pos >= n)
		return 0;
	const char *s = buf + *pos;
	const char *nl = memchr(s, '\n', n - *pos);
	size_t len = nl ? (size_t)(nl - s) : n - *pos;
	*pos += len + (nl ? 1 : 0);
	l->s = s;
	l->n = len;
	l->no = ++*no;
	return 1;
}

/* Cuts a line at its first '#' (asdf's and pyenv's comments). */
static void cut_comment(struct line *l)
{
	const char *h = memchr(l->s, '#', l->n);
	if (h)
		l->n = (size_t)(h - l->s);
}

/* The next blank-separated word of l from *i: its start and length; 0 when none is left. */
static int next_word(const struct line *l, size_t *i, const char **w, size_t *wn)
{
	while (*i < l->n && is_blank(l->s[*i]))
		(*i)++;
	if (*i >= l->n)
		return 0;
	size_t start = *i;
	while (*i < l->n && !is_blank(l->s[*i]))
		(*i)++;
	*w = l->s + start;
	*wn = *i - start;
	return 1;
}

/* .tool-versions (and the global file): the first line naming rt, "<tool> <ver> [<ver>...]". */
static void parse_tool_versions(enum rtver_rt rt, const char *buf, size_t n, struct rtver_pin *pin)
{
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	while (next_line(buf, n, &pos, &no, &l)) {
		cut_comment(&l);
		size_t i = 0, wn;
		const char *w;
		if (!next_word(&l, &i, &w, &wn) || rtver_lookup(w, wn) != (int)rt)
			continue;
		while (next_word(&l, &i, &w, &wn))
			if (add_version(pin, rt, w, wn, l.no) < 0)
				return;
		if (pin->nversions == 0)
			pin_bad(pin, l.no, "%s is named without a version", rtver_name(rt));
		return;
	}
}

/*
 * A one-version file (.nvmrc, .node-version, .go-version, .ruby-version,
 * .java-version, .bun-version, a bare rust-toolchain): the first line with
 * a word, which must be its only word; comments and blank lines skipped.
 * .python-version (many): every word of every line, the first preferred
 * (pyenv's list).
 */
static void parse_plain(enum rtver_rt rt, int many, const char *buf, size_t n,
			struct rtver_pin *pin)
{
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	while (next_line(buf, n, &pos, &no, &l)) {
		cut_comment(&l);
		size_t i = 0, wn;
		const char *w;
		int words = 0;
		while (next_word(&l, &i, &w, &wn)) {
			if (!many && words) {
				pin_bad(pin, l.no, "more than one word on the version's line");
				return;
			}
			if (add_version(pin, rt, w, wn, l.no) < 0)
				return;
			words++;
		}
		if (words && !many)
			return;
	}
}

/* Whether the n bytes at s, blank-trimmed, are a key named lit. */
static int trimmed_is(const char *s, size_t n, const char *lit)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	return span_is(s, n, lit);
}

/*
 * rust-toolchain.toml (and a TOML rust-toolchain): channel in [toolchain]
 * (or toolchain.channel before any table), a one-line string. A toolchain
 * given by path has no channel omg can install: BAD. Only what rustup reads
 * is looked at; other keys and tables are passed over.
 */
static void parse_rust_toml(const char *buf, size_t n, struct rtver_pin *pin)
{
	enum { ROOT, TOOLCHAIN, OTHER } table = ROOT;
	unsigned path_line = 0;
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	while (next_line(buf, n, &pos, &no, &l)) {
		size_t i = 0;
		while (i < l.n && is_blank(l.s[i]))
			i++;
		if (i == l.n || l.s[i] == '#')
			continue;
		if (l.s[i] == '[') {
			const char *end = memchr(l.s + i, ']', l.n - i);
			if (i + 1 < l.n && l.s[i + 1] == '[')
				table = OTHER; /* an array of tables */
			else if (end &&
				 trimmed_is(l.s + i + 1, (size_t)(end - l.s - i - 1), "toolchain"))
				table = TOOLCHAIN;
			else
				table = OTHER;
			continue;
		}
		const char *eq = memchr(l.s + i, '=', l.n - i);
		if (!eq)
			continue; /* a continued array or string: not a key line */
		size_t klen = (size_t)(eq - l.s - i);
		int channel = (table == TOOLCHAIN && trimmed_is(l.s + i, klen, "channel")) ||
			      (table == ROOT && trimmed_is(l.s + i, klen, "toolchain.channel"));
		if (table == TOOLCHAIN && trimmed_is(l.s + i, klen, "path") && !path_line)
			path_line = l.no;
		if (!channel)
			continue;
		/* The value: "..." without escapes, or '...'; then blanks or a comment. */
		size_t v = (size_t)(eq - l.s) + 1;
		while (v < l.n && is_blank(l.s[v]))
			v++;
		char q = v < l.n ? l.s[v] : 0;
		const char *close = NULL;
		if (q == '"' || q == '\'')
			close = memchr(l.s + v + 1, q, l.n - v - 1);
		size_t after = close ? (size_t)(close - l.s) + 1 : l.n;
		while (after < l.n && is_blank(l.s[after]))
			after++;
		if (!close || (after < l.n && l.s[after] != '#') ||
		    (q == '"' && memchr(l.s + v + 1, '\\', (size_t)(close - l.s - v - 1)))) {
			pin_bad(pin, l.no, "channel is not a one-line string");
			return;
		}
		add_version(pin, RTVER_RUST, l.s + v + 1, (size_t)(close - l.s - v - 1), l.no);
		return;
	}
	if (path_line)
		pin_bad(pin, path_line,
			"names a toolchain directory (path), not a channel omg installs");
}

/* The legacy rust-toolchain: TOML when it has a table or a key, else a bare channel. */
static void parse_rust_legacy(const char *buf, size_t n, struct rtver_pin *pin)
{
	if (memchr(buf, '[', n) || memchr(buf, '=', n))
		parse_rust_toml(buf, n, pin);
	else
		parse_plain(RTVER_RUST, 0, buf, n, pin);
}

/* go.mod: "toolchain goX" when there is one (not "default"), else "go X". */
static void parse_gomod(const char *buf, size_t n, struct rtver_pin *pin)
{
	const char *go = NULL, *tc = NULL;
	size_t gon = 0, tcn = 0;
	unsigned goline = 0, tcline = 0;
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	while (next_line(buf, n, &pos, &no, &l)) {
		for (size_t k = 0; k + 1 < l.n; k++)
			if (l.s[k] == '/' && l.s[k + 1] == '/') {
				l.n = k;
				break;
			}
		size_t i = 0, wn, vn, xn;
		const char *w, *v, *x;
		if (!next_word(&l, &i, &w, &wn) || !next_word(&l, &i, &v, &vn) ||
		    next_word(&l, &i, &x, &xn))
			continue; /* only two-word lines are go and toolchain directives */
		if (span_is(w, wn, "go") && !go)
			go = v, gon = vn, goline = l.no;
		else if (span_is(w, wn, "toolchain") && !tc)
			tc = v, tcn = vn, tcline = l.no;
	}
	if (tc && !span_is(tc, tcn, "default")) {
		if (!prefix_digit(tc, tcn, "go")) {
			char s[48];
			shown(s, sizeof(s), tc, tcn);
			pin_bad(pin, tcline, "toolchain \"%s\" is not go<version>", s);
			return;
		}
		add_version(pin, RTVER_GO, tc, tcn, tcline);
	} else if (go) {
		add_version(pin, RTVER_GO, go, gon, goline);
	}
}

/* ---- package.json: a strict, bounded JSON reader for two keys ---- */

#define JS_DEPTH 64

/* The reader: the bytes left and the line it is on. */
struct js {
	const char *p, *end;
	unsigned line;
};

/* A string as it stands in the file: the bytes between the quotes. */
struct jstr {
	const char *s;
	size_t n;
	int esc; /* has a backslash escape */
	unsigned line;
};

/* What package.json says for one runtime (node). */
struct pj {
	const char *rt;         /* the key in engines and the devEngines.runtime name */
	struct jstr engines;    /* engines.<rt> (the last one) */
	int has_engines;
	struct jstr dev;        /* devEngines.runtime's version for rt (the first entry) */
	int has_dev;
	struct jstr name, ver;  /* the devEngines.runtime entry being read */
	int has_name, has_ver;
};

typedef int (*js_member_fn)(struct js *j, unsigned depth, const struct jstr *key, struct pj *pj);
typedef int (*js_elem_fn)(struct js *j, unsigned depth, struct pj *pj);

/* Skips JSON whitespace, counting lines. */
static void js_ws(struct js *j)
{
	for (; j->p < j->end; j->p++) {
		char c = *j->p;
		if (c == '\n')
			j->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
	}
}

/* The next byte after whitespace, or -1 at the end. */
static int js_peek(struct js *j)
{
	js_ws(j);
	return j->p < j->end ? (unsigned char)*j->p : -1;
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at j->p (its opening quote): checked (escapes, no raw control
 * bytes) and spanned. 0, or -1. */
static int js_string(struct js *j, struct jstr *out)
{
	out->line = j->line;
	out->esc = 0;
	out->s = ++j->p;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			out->n = (size_t)(j->p++ - out->s);
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			out->esc = 1;
			if (j->end - j->p < 2)
				return -1;
			char e = j->p[1];
			if (e == 'u') {
				if (j->end - j->p < 6)
					return -1;
				for (int k = 2; k < 6; k++)
					if (!is_hex((unsigned char)j->p[k]))
						return -1;
				j->p += 6;
				continue;
			}
			if (!e || !strchr("\"\\/bfnrt", e))
				return -1;
			j->p += 2;
			continue;
		}
		j->p++;
	}
	return -1;
}

/* s's characters into out (cap bytes, NUL added): its length, or -1 when it
 * does not fit or has a \u escape outside ASCII or of NUL. */
static int js_decode(const struct jstr *s, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < s->n; i++) {
		char c = s->s[i];
		if (c == '\\') {
			char e = s->s[++i];
			if (e == 'u') {
				unsigned v = 0;
				for (int k = 1; k <= 4; k++) {
					int h = (unsigned char)s->s[i + (size_t)k];
					h = is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10;
					v = v * 16 + (unsigned)h;
				}
				i += 4;
				if (v == 0 || v >= 0x80)
					return -1;
				c = (char)v;
			} else {
				static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
				const char *f = strchr(from, e);
				c = f ? to[f - from] : e;
			}
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return (int)o;
}

/* Whether a key is lit (escaped keys decoded first). */
static int key_is(const struct jstr *k, const char *lit)
{
	if (!k->esc)
		return span_is(k->s, k->n, lit);
	char b[32];
	return js_decode(k, b, sizeof(b)) >= 0 && strcmp(b, lit) == 0;
}

/* A literal (true, false, null). */
static int js_lit(struct js *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

/* A number by JSON's grammar. */
static int js_number(struct js *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || !is_digit(*j->p))
		return -1;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && is_digit(*j->p))
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || !is_digit(*j->p))
			return -1;
		while (j->p < j->end && is_digit(*j->p))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || !is_digit(*j->p))
			return -1;
		while (j->p < j->end && is_digit(*j->p))
			j->p++;
	}
	return 0;
}

static int js_value(struct js *j, unsigned depth, struct pj *pj);

/* An object at j->p: member is given each key and reads its value. */
static int js_object(struct js *j, unsigned depth, js_member_fn member, struct pj *pj)
{
	if (depth > JS_DEPTH)
		return -1;
	j->p++;
	if (js_peek(j) == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		struct jstr key;
		if (js_peek(j) != '"' || js_string(j, &key) < 0 || js_peek(j) != ':')
			return -1;
		j->p++;
		if (member(j, depth, &key, pj) < 0)
			return -1;
		int c = js_peek(j);
		if (c < 0)
			return -1;
		j->p++;
		if (c == '}')
			return 0;
		if (c != ',')
			return -1;
	}
}

/* An array at j->p: elem reads each element. */
static int js_array(struct js *j, unsigned depth, js_elem_fn elem, struct pj *pj)
{
	if (depth > JS_DEPTH)
		return -1;
	j->p++;
	if (js_peek(j) == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (elem(j, depth, pj) < 0)
			return -1;
		int c = js_peek(j);
		if (c < 0)
			return -1;
		j->p++;
		if (c == ']')
			return 0;
		if (c != ',')
			return -1;
	}
}

/* A member or element nobody asked about: its value, checked and passed over. */
static int skip_member(struct js *j, unsigned depth, const struct jstr *key, struct pj *pj)
{
	(void)key;
	return js_value(j, depth, pj);
}

static int skip_elem(struct js *j, unsigned depth, struct pj *pj)
{
	return js_value(j, depth, pj);
}

/* Any value, checked. */
static int js_value(struct js *j, unsigned depth, struct pj *pj)
{
	struct jstr s;
	switch (js_peek(j)) {
	case '{':
		return js_object(j, depth + 1, skip_member, pj);
	case '[':
		return js_array(j, depth + 1, skip_elem, pj);
	case '"':
		return js_string(j, &s);
	case 't':
		return js_lit(j, "true");
	case 'f':
		return js_lit(j, "false");
	case 'n':
		return js_lit(j, "null");
	default:
		return js_number(j);
	}
}

/* A string value into *s (*has set), or any other value passed over. */
static int take_string(struct js *j, unsigned depth, struct pj *pj, struct jstr *s, int *has)
{
	if (js_peek(j) != '"')
		return js_value(j, depth, pj);
	*has = 1;
	return js_string(j, s);
}

/* engines: the runtime's key. */
static int engines_member(struct js *j, unsigned depth, const struct jstr *key, struct pj *pj)
{
	if (key_is(key, pj->rt))
		return take_string(j, depth, pj, &pj->engines, &pj->has_engines);
	return js_value(j, depth, pj);
}

/* A devEngines.runtime entry: name and version. */
static int runtime_member(struct js *j, unsigned depth, const struct jstr *key, struct pj *pj)
{
	if (key_is(key, "name"))
		return take_string(j, depth, pj, &pj->name, &pj->has_name);
	if (key_is(key, "version"))
		return take_string(j, depth, pj, &pj->ver, &pj->has_ver);
	return js_value(j, depth, pj);
}

/* One devEngines.runtime object; the first naming the runtime with a version is kept. */
static int runtime_elem(struct js *j, unsigned depth, struct pj *pj)
{
	if (js_peek(j) != '{')
		return js_value(j, depth, pj);
	pj->has_name = pj->has_ver = 0;
	if (js_object(j, depth + 1, runtime_member, pj) < 0)
		return -1;
	if (pj->has_name && pj->has_ver && !pj->has_dev && key_is(&pj->name, pj->rt)) {
		pj->dev = pj->ver;
		pj->has_dev = 1;
	}
	return 0;
}

/* devEngines: runtime, an object or an array of them (npm's devEngines). */
static int dev_member(struct js *j, unsigned depth, const struct jstr *key, struct pj *pj)
{
	if (!key_is(key, "runtime"))
		return js_value(j, depth, pj);
	if (js_peek(j) == '[')
		return js_array(j, depth + 1, runtime_elem, pj);
	return runtime_elem(j, depth, pj);
}

/* The document's members: engines and devEngines, when they are objects. */
static int top_member(struct js *j, unsigned depth, const struct jstr *key, struct pj *pj)
{
	if (js_peek(j) == '{' && key_is(key, "engines"))
		return js_object(j, depth + 1, engines_member, pj);
	if (js_peek(j) == '{' && key_is(key, "devEngines"))
		return js_object(j, depth + 1, dev_member, pj);
	return js_value(j, depth, pj);
}

/*
 * A semver range as one version to pin, or 0 when it is not one: "20",
 * "v20.11.1", "=20.11.1", "^20.1" -> "20" ("^0.10" -> "0.10"), "~20.11.1" ->
 * "20.11", "20.x" / "20.*" -> "20". Ranges with spaces, "<", ">" or "||",
 * and "*" alone, pin nothing: engines states what a package works with, not
 * a choice, so such a file is passed over rather than refused.
 */
static int npm_pin(const char *s, size_t n, const char **w, size_t *wn)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '<' || s[i] == '>' || s[i] == '|')
			return 0;
	if (n && *s == '=')
		s++, n--;
	char op = 0;
	if (n && (*s == '^' || *s == '~'))
		op = *s, s++, n--;
	if (prefix_digit(s, n, "v") || prefix_digit(s, n, "V"))
		s++, n--;
	/* The components up to the first wildcard; e1, e2: the ends of the first two. */
	size_t keep = n, start = 0, e1 = n, e2 = n;
	unsigned comps = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (span_is(s + start, i - start, "x") || span_is(s + start, i - start, "X") ||
		    span_is(s + start, i - start, "*")) {
			keep = start ? start - 1 : 0;
			break;
		}
		if (++comps == 1)
			e1 = i;
		else if (comps == 2)
			e2 = i;
		start = i + 1;
	}
	if (op) {
		/* ^ keeps the major (major.minor for 0.x), ~ major.minor */
		size_t lim = (op == '~' || span_is(s, e1, "0")) && comps >= 2 ? e2 : e1;
		if (lim < keep)
			keep = lim;
	}
	if (!keep)
		return 0;
	*w = s;
	*wn = keep;
	return 1;
}

/* A package.json string as rt's pin: 1 when it pins (or is refused), 0 when it pins nothing. */
static int pj_take(enum rtver_rt rt, const struct jstr *s, struct rtver_pin *pin)
{
	char b[256];
	const char *w;
	size_t wn;
	int n = js_decode(s, b, sizeof(b));
	if (n < 0 || !npm_pin(b, (size_t)n, &w, &wn))
		return 0;
	add_version(pin, rt, w, wn, s->line);
	return 1;
}

/* package.json: devEngines.runtime {name, version} for rt, else engines.<rt>.
 * The whole document must be JSON, an object. */
static void parse_package_json(enum rtver_rt rt, const char *buf, size_t n, struct rtver_pin *pin)
{
	struct js j = {buf, buf + n, 1};
	struct pj pj = {.rt = rtver_name(rt)};
	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		j.p += 3; /* npm reads past a byte order mark */
	if (js_peek(&j) != '{') {
		pin_bad(pin, j.line, "is not a JSON object");
		return;
	}
	if (js_object(&j, 1, top_member, &pj) < 0 || js_peek(&j) != -1) {
		pin_bad(pin, j.line, "is not valid JSON, or nested deeper than %d (line %u)", JS_DEPTH,
			j.line);
		return;
	}
	if (pj.has_dev && pj_take(rt, &pj.dev, pin))
		return;
	if (pj.has_engines)
		pj_take(rt, &pj.engines, pin);
}

/* The runtime whose own file each kind is; -1 for files of every runtime. */
static const int file_rt[RTVER_F_COUNT] = {
	[RTVER_F_NONE] = -2,
	[RTVER_F_TOOL_VERSIONS] = -1,
	[RTVER_F_NVMRC] = RTVER_NODE,
	[RTVER_F_NODE_VERSION] = RTVER_NODE,
	[RTVER_F_PACKAGE_JSON] = RTVER_NODE,
	[RTVER_F_PYTHON_VERSION] = RTVER_PYTHON,
	[RTVER_F_GO_MOD] = RTVER_GO,
	[RTVER_F_GO_VERSION] = RTVER_GO,
	[RTVER_F_RUST_TOOLCHAIN] = RTVER_RUST,
	[RTVER_F_RUST_TOOLCHAIN_TOML] = RTVER_RUST,
	[RTVER_F_RUBY_VERSION] = RTVER_RUBY,
	[RTVER_F_JAVA_VERSION] = RTVER_JAVA,
	[RTVER_F_BUN_VERSION] = RTVER_BUN,
	[RTVER_F_GLOBAL] = -1,
};

void rtver_parse(enum rtver_file file, enum rtver_rt rt, const char *buf, size_t n,
		 struct rtver_pin *pin)
{
	pin_reset(pin);
	if ((unsigned)file >= RTVER_F_COUNT || (unsigned)rt >= RTVER_COUNT ||
	    (file_rt[file] != -1 && file_rt[file] != (int)rt))
		return;
	switch (file) {
	case RTVER_F_TOOL_VERSIONS:
	case RTVER_F_GLOBAL:
		parse_tool_versions(rt, buf, n, pin);
		break;
	case RTVER_F_PACKAGE_JSON:
		parse_package_json(rt, buf, n, pin);
		break;
	case RTVER_F_GO_MOD:
		parse_gomod(buf, n, pin);
		break;
	case RTVER_F_RUST_TOOLCHAIN:
		parse_rust_legacy(buf, n, pin);
		break;
	case RTVER_F_RUST_TOOLCHAIN_TOML:
		parse_rust_toml(buf, n, pin);
		break;
	default:
		parse_plain(rt, file == RTVER_F_PYTHON_VERSION, buf, n, pin);
		break;
	}
}

/* ---- the search ---- */

/* The files read in each directory, in order: .tool-versions first for every
 * runtime, then each runtime's own (docs/runtimes.md's table). */
static const struct probe {
	const char *name;
	enum rtver_file file;
	unsigned rts;
} probes[] = {
	{".tool-versions", RTVER_F_TOOL_VERSIONS, RTVER_ALL},
	{".nvmrc", RTVER_F_NVMRC, 1u << RTVER_NODE},
	{".node-version", RTVER_F_NODE_VERSION, 1u << RTVER_NODE},
	{"package.json", RTVER_F_PACKAGE_JSON, 1u << RTVER_NODE},
	{".python-version", RTVER_F_PYTHON_VERSION, 1u << RTVER_PYTHON},
	{"go.mod", RTVER_F_GO_MOD, 1u << RTVER_GO},
	{".go-version", RTVER_F_GO_VERSION, 1u << RTVER_GO},
	/* rustup: when both exist, rust-toolchain wins */
	{"rust-toolchain", RTVER_F_RUST_TOOLCHAIN, 1u << RTVER_RUST},
	{"rust-toolchain.toml", RTVER_F_RUST_TOOLCHAIN_TOML, 1u << RTVER_RUST},
	{".ruby-version", RTVER_F_RUBY_VERSION, 1u << RTVER_RUBY},
	{".java-version", RTVER_F_JAVA_VERSION, 1u << RTVER_JAVA},
	{".bun-version", RTVER_F_BUN_VERSION, 1u << RTVER_BUN},
};

/*
 * Reads name in dirfd into buf (RTVER_FILE_MAX + 1 bytes): 1 with *n set, 0
 * when there is no such file, -1 with why when it cannot be used (not a
 * regular file, larger than RTVER_FILE_MAX, unreadable). Opened without
 * blocking, so a FIFO put there cannot hang a prompt.
 */
static int read_file(int dirfd, const char *name, char *buf, size_t *n, char *why, size_t whylen)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		goto fail;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "is not a regular file");
		close(fd);
		return -1;
	}
	size_t got = 0;
	while (got <= RTVER_FILE_MAX) {
		ssize_t r = read(fd, buf + got, RTVER_FILE_MAX + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got > RTVER_FILE_MAX) {
		snprintf(why, whylen, "is larger than %d KiB", RTVER_FILE_MAX / 1024);
		return -1;
	}
	*n = got;
	return 1;
fail:;
	char eb[64];
	int e = errno;
	snprintf(why, whylen, "cannot be read: %s", strerror_r(e, eb, sizeof(eb)));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Reads one file (dirfd, name; path for the result) for the runtimes in
 * *todo that it serves, filling out and clearing the bits it decides. */
static void read_probe(int dirfd, const char *name, const char *path, enum rtver_file file,
		       unsigned rts, unsigned *todo, char *buf, struct rtver_pin *out)
{
	char why[RTVER_WHY_MAX];
	size_t n = 0;
	int r = read_file(dirfd, name, buf, &n, why, sizeof(why));
	if (r == 0)
		return;
	for (int rt = 0; rt < RTVER_COUNT; rt++) {
		if (!(rts & (1u << rt)))
			continue;
		struct rtver_pin *pin = &out[rt];
		if (r < 0) {
			pin_reset(pin);
			pin_bad(pin, 0, "%s", why);
		} else {
			rtver_parse(file, (enum rtver_rt)rt, buf, n, pin);
			if (pin->state == RTVER_UNSET)
				continue;
		}
		pin->file = file;
		snprintf(pin->path, sizeof(pin->path), "%s", path);
		*todo &= ~(1u << rt);
	}
}

/* Whether the directory (len bytes at dir) is one of the colon-separated ceilings. */
static int is_ceiling(const char *ceilings, const char *dir, size_t len)
{
	if (!ceilings)
		return 0;
	for (const char *p = ceilings; *p;) {
		const char *c = strchr(p, ':');
		size_t m = c ? (size_t)(c - p) : strlen(p);
		size_t k = m;
		while (k > 1 && p[k - 1] == '/')
			k--; /* "/home/" is "/home" */
		if (k && *p == '/' && k == len && memcmp(p, dir, len) == 0)
			return 1;
		p += m + (c ? 1 : 0);
	}
	return 0;
}

/* dir made absolute and plain as text into out: no empty, "." or ".."
 * components, no trailing '/' but for "/". Its length, or -1 with errno. */
static int normpath(const char *dir, char out[RTVER_PATH_MAX])
{
	if (!dir || dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	size_t len = 0;
	for (const char *p = dir; *p;) {
		while (*p == '/')
			p++;
		const char *e = strchrnul(p, '/');
		size_t m = (size_t)(e - p);
		if (m == 0 || span_is(p, m, ".")) {
			/* nothing */
		} else if (span_is(p, m, "..")) {
			/* drop the last component and its '/' ("/" has no parent) */
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			if (len + 1 + m >= RTVER_PATH_MAX) {
				errno = ENAMETOOLONG;
				return -1;
			}
			out[len++] = '/';
			memcpy(out + len, p, m);
			len += m;
		}
		out[len] = '\0';
		p = e;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return (int)len;
}

int rtver_resolve(const struct rtver_env *env, const char *dir, unsigned mask,
		  struct rtver_pin out[RTVER_COUNT])
{
	char path[RTVER_PATH_MAX], file[RTVER_PATH_MAX + 32];
	_Static_assert(RTVER_FILE_MAX < 1 << 20, "the read buffer is on the stack");
	char buf[RTVER_FILE_MAX + 1];
	int n = normpath(dir, path);
	if (n < 0)
		return -1;
	size_t len = (size_t)n;
	unsigned todo = mask & RTVER_ALL;
	for (int rt = 0; rt < RTVER_COUNT; rt++) {
		if (!(todo & (1u << rt)))
			continue;
		pin_reset(&out[rt]);
		out[rt].file = RTVER_F_NONE;
		out[rt].path[0] = '\0';
	}
	/* Nearest directory first; each one opened once (O_PATH) and its files
	 * looked up relative to it, the one lookup per name that cannot be saved. */
	while (todo && !is_ceiling(env->ceilings, path, len)) {
		int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			for (size_t i = 0; i < sizeof(probes) / sizeof(*probes) && todo; i++) {
				unsigned rts = probes[i].rts & todo;
				if (!rts)
					continue;
				snprintf(file, sizeof(file), "%s/%s", len > 1 ? path : "",
					 probes[i].name);
				read_probe(dfd, probes[i].name, file, probes[i].file, rts, &todo, buf,
					   out);
			}
			close(dfd);
		}
		if (len == 1)
			break;
		while (len > 1 && path[len - 1] != '/')
			len--;
		if (len > 1)
			len--;
		path[len] = '\0';
	}
	if (todo && env->config[0]) {
		snprintf(file, sizeof(file), "%s/tool-versions", env->config);
		read_probe(AT_FDCWD, file, file, RTVER_F_GLOBAL, todo, &todo, buf, out);
	}
	return 0;
}

/* ---- installed versions ---- */

/* Compares two runs of digits as numbers. */
static int num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 1 && *a == '0')
		a++, an--;
	while (bn > 1 && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	int c = memcmp(a, b, an);
	return (c > 0) - (c < 0);
}

/* Skips to the next run of letters or digits. */
static const char *next_run(const char *s)
{
	while (*s && !is_digit((unsigned char)*s) && !is_alpha((unsigned char)*s))
		s++;
	return s;
}

int rtver_cmp(const char *a, const char *b)
{
	for (;;) {
		a = next_run(a);
		b = next_run(b);
		if (!*a || !*b)
			break;
		int ad = is_digit((unsigned char)*a), bd = is_digit((unsigned char)*b);
		if (ad != bd)
			return ad ? 1 : -1; /* a number is newer than a word */
		int (*in)(int) = ad ? is_digit : is_alpha;
		size_t an = 0, bn = 0;
		while (in((unsigned char)a[an]))
			an++;
		while (in((unsigned char)b[bn]))
			bn++;
		int c;
		if (ad) {
			c = num_cmp(a, an, b, bn);
		} else {
			c = memcmp(a, b, an < bn ? an : bn);
			c = c ? (c > 0) - (c < 0) : (an > bn) - (an < bn);
		}
		if (c)
			return c;
		a += an;
		b += bn;
	}
	if (!*a && !*b)
		return 0;
	/* One went on: newer with a number next, older with a word (a pre-release). */
	if (*a)
		return is_digit((unsigned char)*a) ? 1 : -1;
	return is_digit((unsigned char)*b) ? -1 : 1;
}

/* A release: digits, '.' and '+' only, starting with a digit. */
static int is_release(const char *v)
{
	if (!is_digit((unsigned char)*v))
		return 0;
	for (; *v; v++)
		if (!is_digit((unsigned char)*v) && *v != '.' && *v != '+')
			return 0;
	return 1;
}

/* A release's major (its leading number, capped), or 0. */
static unsigned long major_of(const char *v)
{
	unsigned long m = 0;
	for (int i = 0; i < 9 && is_digit((unsigned char)v[i]); i++)
		m = m * 10 + (unsigned long)(v[i] - '0');
	return m;
}

int rtver_match(enum rtver_rt rt, const char *want, const char *have)
{
	if (strcmp(want, have) == 0)
		return 1;
	if (strcmp(want, "latest") == 0 || (rt == RTVER_RUST && strcmp(want, "stable") == 0))
		return is_release(have);
	if (strcmp(want, "lts") == 0) {
		unsigned long m = major_of(have);
		if (!is_release(have))
			return 0;
		if (rt == RTVER_NODE)
			return m >= 4 && m % 2 == 0;
		if (rt == RTVER_JAVA)
			return m == 8 || m == 11 || (m >= 17 && (m - 17) % 4 == 0);
		return 0;
	}
	if (rt == RTVER_NODE && strncmp(want, "lts-", 4) == 0) {
		for (size_t i = 0; i < sizeof(node_lts) / sizeof(*node_lts); i++)
			if (strcmp(want + 4, node_lts[i].name) == 0)
				return is_release(have) && major_of(have) == node_lts[i].major;
		return 0;
	}
	size_t n = strlen(want);
	if (strncmp(want, have, n) != 0)
		return 0;
	char c = have[n];
	return c == '.' || c == '+' || (c == '-' && !is_digit((unsigned char)want[0]));
}

/* Whether dir/ver/bin is a directory; its path into bin. */
static int bin_at(const char *dir, const char *ver, char bin[RTVER_PATH_MAX])
{
	struct stat st;
	int n = snprintf(bin, RTVER_PATH_MAX, "%s/%s/bin", dir, ver);
	if (n < 0 || n >= RTVER_PATH_MAX || stat(bin, &st) < 0 || !S_ISDIR(st.st_mode)) {
		bin[0] = '\0';
		return 0;
	}
	return 1;
}

/* The newest entry of dir that want matches into best ("" when none), a
 * release before any pre-release ("3" is 3.12.10 rather than 3.13.0a1); one
 * getdents64 pass, no allocation. Names that are not versions are passed over
 * (an installer's temporary directories start with '.'). */
static void newest_match(const char *dir, enum rtver_rt rt, const char *want,
			 char best[RTVER_VERSION_MAX])
{
	union {
		struct dirent64 d;
		char b[8192];
	} u;
	int best_rel = 0;
	best[0] = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n;
	while ((n = getdents64(fd, u.b, sizeof(u.b))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(void *)(u.b + off);
			off += d->d_reclen;
			const char *name = d->d_name;
			if (d->d_type != DT_DIR && d->d_type != DT_LNK && d->d_type != DT_UNKNOWN)
				continue;
			if (version_bad(name, strlen(name)) || !rtver_match(rt, want, name))
				continue;
			int rel = is_release(name);
			if (!best[0] || rel > best_rel ||
			    (rel == best_rel && rtver_cmp(name, best) > 0)) {
				memcpy(best, name, strlen(name) + 1);
				best_rel = rel;
			}
		}
	}
	close(fd);
}

enum rtver_inst rtver_installed(const struct rtver_env *env, enum rtver_rt rt,
				const struct rtver_pin *pin, struct rtver_active *out)
{
	char dir[RTVER_PATH_MAX], best[RTVER_VERSION_MAX];
	out->inst = RTVER_I_NONE;
	out->version[0] = out->bin[0] = '\0';
	if (pin->state != RTVER_PINNED || !pin->nversions || (unsigned)rt >= RTVER_COUNT)
		return out->inst;
	int n = snprintf(dir, sizeof(dir), "%s/versions/%s", env->data, rtver_name(rt));
	int have_dir = env->data[0] && n > 0 && n < (int)sizeof(dir);
	for (unsigned i = 0; i < pin->nversions && i < RTVER_ALTS; i++) {
		const char *v = pin->versions[i];
		if (strcmp(v, "system") == 0) {
			out->inst = RTVER_I_SYSTEM;
			snprintf(out->version, sizeof(out->version), "%s", v);
			return out->inst;
		}
		if (!have_dir)
			continue;
		if (bin_at(dir, v, out->bin)) {
			out->inst = RTVER_I_INSTALLED;
			snprintf(out->version, sizeof(out->version), "%s", v);
			return out->inst;
		}
		newest_match(dir, rt, v, best);
		if (best[0] && bin_at(dir, best, out->bin)) {
			out->inst = RTVER_I_INSTALLED;
			memcpy(out->version, best, strlen(best) + 1);
			return out->inst;
		}
	}
	out->inst = RTVER_I_MISSING;
	snprintf(out->version, sizeof(out->version), "%s", pin->versions[0]);
	return out->inst;
}

/* ---- PATH ---- */

/* Whether the n bytes at e are one of list's colon-separated entries (empty ones never). */
static int in_list(const char *e, size_t n, const char *list)
{
	if (!list || !n)
		return 0;
	for (const char *p = list;;) {
		const char *c = strchr(p, ':');
		size_t m = c ? (size_t)(c - p) : strlen(p);
		if (m == n && memcmp(p, e, n) == 0)
			return 1;
		if (!c)
			return 0;
		p = c + 1;
	}
}

/* Whether the n bytes at e are one of the first nb bins. */
static int in_bins(const char *e, size_t n, const char *const *bins, size_t nb)
{
	for (size_t i = 0; i < nb; i++)
		if (span_is(e, n, bins[i]))
			return 1;
	return 0;
}

/* A colon-joined list being written: the buffer, its size, its length, its entries. */
struct joined {
	char *s;
	size_t cap, len, count;
};

/* Appends one entry (n bytes at e); -1 when it does not fit. */
static int join(struct joined *j, const char *e, size_t n)
{
	size_t sep = j->count ? 1 : 0;
	if (j->len + sep + n + 1 > j->cap)
		return -1;
	if (sep)
		j->s[j->len++] = ':';
	memcpy(j->s + j->len, e, n);
	j->len += n;
	j->s[j->len] = '\0';
	j->count++;
	return 0;
}

int rtver_path_rewrite(const char *path, const char *old_marker, const char *const *bins,
		       size_t nbins, char *out, size_t outlen, char *marker, size_t markerlen)
{
	struct joined o = {out, outlen, 0, 0}, m = {marker, markerlen, 0, 0};
	if (outlen)
		out[0] = '\0';
	if (markerlen)
		marker[0] = '\0';
	for (size_t i = 0; i < nbins; i++)
		if (!bins[i] || bins[i][0] != '/' || strchr(bins[i], ':')) {
			errno = EINVAL;
			return -1;
		}
	if (!outlen || !markerlen)
		goto range;
	for (size_t i = 0; i < nbins; i++) {
		size_t n = strlen(bins[i]);
		if (in_bins(bins[i], n, bins, i))
			continue; /* twice in bins: once */
		if (join(&o, bins[i], n) < 0 || join(&m, bins[i], n) < 0)
			goto range;
	}
	if (path && *path) {
		for (const char *p = path;;) {
			const char *c = strchr(p, ':');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if (!in_list(p, n, old_marker) && !in_bins(p, n, bins, nbins) &&
			    join(&o, p, n) < 0)
				goto range;
			if (!c)
				break;
			p = c + 1;
		}
	}
	return 0;
range:
	if (outlen)
		out[0] = '\0';
	if (markerlen)
		marker[0] = '\0';
	errno = ERANGE;
	return -1;
}
