/* SPDX-License-Identifier: MIT */
/* UI themes: the built-in styles, NAME.theme files over them, and colour degradation. */
#include "tui/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Longest line a theme file may have, and longest theme name. */
#define LINE_MAX_BYTES 1024
#define NAME_MAX_BYTES 64

/*
 * A theme is two complete tables: every element has a colour style (used at
 * DEPTH_8 and up) and a monochrome style (DEPTH_MONO), both parsed once.
 * Colours in the tables are -1 or 0-255 as written; theme_style degrades them
 * on every call, so one theme serves terminals of any depth.
 */
struct theme {
	char name[NAME_MAX_BYTES];
	struct theme_style color[EL_COUNT];
	struct theme_style mono[EL_COUNT];
};

/* One row of THEME_ELEMENTS: the name and the two default styles, static strings. */
struct el_def {
	const char *name, *color, *mono;
};

#define THEME_DEF(id, name, color, mono) [EL_##id] = {name, color, mono},
static const struct el_def el_defs[EL_COUNT] = {THEME_ELEMENTS(THEME_DEF)};
#undef THEME_DEF

static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow",
	"brightblue", "brightmagenta", "brightcyan", "brightwhite",
};

static const struct {
	const char *name;
	uint16_t bit;
} attr_names[] = {
	{"bold", TA_BOLD}, {"dim", TA_DIM}, {"underline", TA_UNDERLINE},
	{"reverse", TA_REVERSE}, {"italic", TA_ITALIC}, {"standout", TA_STANDOUT},
};

/* xterm's RGB values for the 16 standard colours. */
static const unsigned char xterm16[16][3] = {
	{0x00, 0x00, 0x00}, {0xcd, 0x00, 0x00}, {0x00, 0xcd, 0x00}, {0xcd, 0xcd, 0x00},
	{0x00, 0x00, 0xee}, {0xcd, 0x00, 0xcd}, {0x00, 0xcd, 0xcd}, {0xe5, 0xe5, 0xe5},
	{0x7f, 0x7f, 0x7f}, {0xff, 0x00, 0x00}, {0x00, 0xff, 0x00}, {0xff, 0xff, 0x00},
	{0x5c, 0x5c, 0xff}, {0xff, 0x00, 0xff}, {0x00, 0xff, 0xff}, {0xff, 0xff, 0xff},
};

/* The six levels of each channel in the 6x6x6 cube (colours 16-231). */
static const unsigned char cube_level[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

/* Writes a printf-style message to err when there is room for one. */
__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The RGB value xterm shows for colour c (0-255) into rgb. */
static void color_rgb(int c, int rgb[3])
{
	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = xterm16[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = cube_level[c / 36];
		rgb[1] = cube_level[c / 6 % 6];
		rgb[2] = cube_level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

/* Squared RGB distance between colour c and rgb. */
static long color_dist(int c, const int rgb[3])
{
	int have[3];
	color_rgb(c, have);
	long d = 0;
	for (int i = 0; i < 3; i++)
		d += (long)(have[i] - rgb[i]) * (have[i] - rgb[i]);
	return d;
}

/* The colour in [lo, hi] nearest to rgb (the lowest number on a tie). */
static int nearest(const int rgb[3], int lo, int hi)
{
	int best = lo;
	long best_d = color_dist(lo, rgb);
	for (int c = lo + 1; c <= hi; c++) {
		long d = color_dist(c, rgb);
		if (d < best_d) {
			best = c;
			best_d = d;
		}
	}
	return best;
}

/* Colour c (-1 or 0-255) as one of the 16 standard colours (-1 stays -1). */
static int to_16(int c)
{
	if (c < 16)
		return c;
	int rgb[3];
	color_rgb(c, rgb);
	return nearest(rgb, 0, 15);
}

/* Copies the word [s, s+n) into buf (size cap) for a message, cut short if long. */
static const char *word(const char *s, size_t n, char *buf, size_t cap)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* Parses one colour word [s, s+n) into *out (-1 or 0-255). 0; or -1 with why,
 * and *unknown set when the word is no colour at all (rather than a bad one). */
static int parse_color(const char *s, size_t n, int *out, int *unknown, char *err, size_t errlen)
{
	char w[40];
	*unknown = 0;
	if (n == 7 && strncasecmp(s, "default", n) == 0) {
		*out = -1;
		return 0;
	}
	for (int i = 0; i < 16; i++)
		if (strlen(color_names[i]) == n && strncasecmp(s, color_names[i], n) == 0) {
			*out = i;
			return 0;
		}
	if (n >= 5 && strncasecmp(s, "color", 5) == 0) {
		size_t digits = n - 5;
		if (digits == 0 || strspn(s + 5, "0123456789") < digits) {
			set_err(err, errlen, "malformed colour '%s' (colorN takes 0-255)",
				word(s, n, w, sizeof(w)));
			return -1;
		}
		int v = digits > 3 ? 256 : atoi(word(s + 5, digits, w, sizeof(w)));
		if (v > 255) {
			set_err(err, errlen, "colour number %s out of range (0-255)",
				word(s + 5, digits, w, sizeof(w)));
			return -1;
		}
		*out = v;
		return 0;
	}
	if (n >= 1 && s[0] == '#') {
		int rgb[3];
		if (n != 7 || strspn(s + 1, "0123456789abcdefABCDEF") < 6) {
			set_err(err, errlen, "malformed colour '%s' (#rrggbb takes six hex digits)",
				word(s, n, w, sizeof(w)));
			return -1;
		}
		for (int i = 0; i < 3; i++) {
			char hex[3] = {s[1 + 2 * i], s[2 + 2 * i], '\0'};
			rgb[i] = (int)strtol(hex, NULL, 16);
		}
		*out = nearest(rgb, 16, 255);
		return 0;
	}
	*unknown = 1;
	set_err(err, errlen, "unknown colour '%s' (see docs/themes.md)", word(s, n, w, sizeof(w)));
	return -1;
}

/* The attribute bit named by [s, s+n), or 0 when it names none. */
static uint16_t parse_attr(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (strlen(attr_names[i].name) == n && strncasecmp(s, attr_names[i].name, n) == 0)
			return attr_names[i].bit;
	return 0;
}

/* Parses the colour part "FG", "FG on BG" or "on BG" of [s, s+n) into out. 0, or -1 with why. */
static int parse_colors(const char *s, size_t n, struct theme_style *out, char *err, size_t errlen)
{
	const char *w[3];
	size_t wn[3];
	size_t nw = 0;
	char buf[40];
	for (size_t i = 0; i < n;) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i == n)
			break;
		size_t start = i;
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		if (nw == 3) {
			set_err(err, errlen, "'%s': a style starts \"FG [on BG]\", then \", attr\"",
				word(s, n, buf, sizeof(buf)));
			return -1;
		}
		w[nw] = s + start;
		wn[nw++] = i - start;
	}
	int unknown;
	int fg = -1, bg = -1;
	size_t at = 0;
	if (nw == 0) {
		set_err(err, errlen, "no colour in '%s'", word(s, n, buf, sizeof(buf)));
		return -1;
	}
	if (!(wn[0] == 2 && strncasecmp(w[0], "on", 2) == 0)) {
		if (parse_color(w[0], wn[0], &fg, &unknown, err, errlen) != 0) {
			if (unknown && nw == 1)
				set_err(err, errlen, "unknown colour or attribute '%s' (see docs/themes.md)",
					word(w[0], wn[0], buf, sizeof(buf)));
			return -1;
		}
		at = 1;
	}
	if (at < nw) {
		if (!(wn[at] == 2 && strncasecmp(w[at], "on", 2) == 0) || at + 2 != nw) {
			set_err(err, errlen, "'%s': a style starts \"FG [on BG]\", then \", attr\"",
				word(s, n, buf, sizeof(buf)));
			return -1;
		}
		if (parse_color(w[at + 1], wn[at + 1], &bg, &unknown, err, errlen) != 0)
			return -1;
	}
	out->fg = (int16_t)fg;
	out->bg = (int16_t)bg;
	return 0;
}

/* Says why [s, s+n), an item after the first, is no attribute. */
static void attr_error(const char *s, size_t n, char *err, size_t errlen)
{
	char buf[40];
	size_t first = 0;
	while (first < n && !isspace((unsigned char)s[first]))
		first++;
	int c, unknown;
	if ((first == 2 && strncasecmp(s, "on", 2) == 0) ||
	    parse_color(s, first, &c, &unknown, NULL, 0) == 0)
		set_err(err, errlen, "colours come first: '%s' after an attribute",
			word(s, n, buf, sizeof(buf)));
	else if (first < n)
		set_err(err, errlen, "unknown attribute '%s' (attributes are separated by commas)",
			word(s, n, buf, sizeof(buf)));
	else
		set_err(err, errlen, "unknown attribute '%s' (see docs/themes.md)",
			word(s, n, buf, sizeof(buf)));
}

/* Parses "FG [on BG][, attr...]": comma-separated items, the colours first; out is the caller's. */
int theme_parse_style(const char *s, struct theme_style *out, char *err, size_t errlen)
{
	struct theme_style st = {-1, -1, 0};
	size_t len = strlen(s);
	size_t item = 0;
	for (size_t i = 0;; item++) {
		size_t end = i;
		while (end < len && s[end] != ',')
			end++;
		size_t a = i, b = end;
		while (a < b && isspace((unsigned char)s[a]))
			a++;
		while (b > a && isspace((unsigned char)s[b - 1]))
			b--;
		if (a == b) {
			if (item > 0 || end < len) {
				set_err(err, errlen, "empty item in style '%s'", s);
				return -1;
			}
		} else {
			uint16_t bit = parse_attr(s + a, b - a);
			if (bit) {
				st.attrs |= bit;
			} else if (item == 0) {
				if (parse_colors(s + a, b - a, &st, err, errlen) != 0)
					return -1;
			} else {
				attr_error(s + a, b - a, err, errlen);
				return -1;
			}
		}
		if (end == len)
			break;
		i = end + 1;
	}
	*out = st;
	return 0;
}

/* Fills t with the X-macro's styles and the name "dark". */
static void builtin_into(struct theme *t)
{
	snprintf(t->name, sizeof(t->name), "dark");
	for (int i = 0; i < EL_COUNT; i++) {
		/* The unit test proves every default parses; a failure keeps "default on default". */
		if (theme_parse_style(el_defs[i].color, &t->color[i], NULL, 0) != 0)
			t->color[i] = (struct theme_style){-1, -1, 0};
		if (theme_parse_style(el_defs[i].mono, &t->mono[i], NULL, 0) != 0)
			t->mono[i] = (struct theme_style){-1, -1, 0};
	}
}

/* A new theme holding the built-in styles; the caller frees it with theme_free. */
struct theme *theme_builtin(void)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	builtin_into(t);
	return t;
}

/* Frees t (NULL is fine). */
void theme_free(struct theme *t)
{
	free(t);
}

/* The theme's name, borrowed from t. */
const char *theme_name(const struct theme *t)
{
	return t->name;
}

/* The element's name in theme files, a static string, or NULL out of range. */
const char *theme_el_name(enum theme_el el)
{
	if ((int)el < 0 || el >= EL_COUNT)
		return NULL;
	return el_defs[el].name;
}

/* The element named name, or -1. */
static int el_by_name(const char *name)
{
	for (int i = 0; i < EL_COUNT; i++)
		if (strcmp(el_defs[i].name, name) == 0)
			return i;
	return -1;
}

/* Strips leading and trailing white space in place; returns the new start. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Cuts a " ;" or "\t;" comment off the end of a line, as the config file does. */
static void cut_comment(char *s)
{
	for (char *p = s; (p = strchr(p, ';')) != NULL; p++)
		if (p > s && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

enum section { SEC_NONE, SEC_THEME, SEC_COLORS, SEC_MONO };

/* Sets *sec from a "[name]" line s. 0, or -1 with why. */
static int parse_section(char *s, enum section *sec, char *why, size_t whylen)
{
	size_t len = strlen(s);
	if (len < 2 || s[len - 1] != ']') {
		set_err(why, whylen, "a section line is '[name]'");
		return -1;
	}
	s[len - 1] = '\0';
	char *name = trim(s + 1);
	if (strcmp(name, "theme") == 0)
		*sec = SEC_THEME;
	else if (strcmp(name, "colors") == 0)
		*sec = SEC_COLORS;
	else if (strcmp(name, "mono") == 0)
		*sec = SEC_MONO;
	else {
		set_err(why, whylen, "unknown section [%.40s] ([theme], [colors] or [mono])", name);
		return -1;
	}
	return 0;
}

/* What a file has set so far, for "already set on line N". */
struct seen {
	int name, description;
	int color[EL_COUNT], mono[EL_COUNT];
};

/* Applies one "key = value" row of section sec to t. 0, or -1 with why (no FILE:LINE). */
static int apply_row(struct theme *t, enum section sec, const char *key, const char *value,
		     int line, struct seen *seen, char *why, size_t whylen)
{
	if (sec == SEC_NONE) {
		set_err(why, whylen, "'%s' comes before any section ([theme], [colors] or [mono])",
			key);
		return -1;
	}
	if (sec == SEC_THEME) {
		int *at;
		if (strcmp(key, "name") == 0)
			at = &seen->name;
		else if (strcmp(key, "description") == 0)
			at = &seen->description;
		else {
			set_err(why, whylen, "unknown key '%s' in [theme] (name, description)", key);
			return -1;
		}
		if (*at) {
			set_err(why, whylen, "'%s' is already set on line %d", key, *at);
			return -1;
		}
		*at = line;
		if (at == &seen->name) {
			size_t n = strlen(value);
			int bad = n == 0 || n >= sizeof(t->name) || strchr(value, '/');
			for (size_t i = 0; i < n; i++)
				bad |= iscntrl((unsigned char)value[i]) != 0;
			if (bad) {
				set_err(why, whylen, "name takes 1 to %d characters, no '/'",
					(int)sizeof(t->name) - 1);
				return -1;
			}
			memcpy(t->name, value, n + 1);
		}
		return 0;
	}
	int el = el_by_name(key);
	if (el < 0) {
		set_err(why, whylen, "unknown element '%s' (see docs/themes.md)", key);
		return -1;
	}
	int *at = sec == SEC_COLORS ? &seen->color[el] : &seen->mono[el];
	if (*at) {
		set_err(why, whylen, "'%s' is already set on line %d", key, *at);
		return -1;
	}
	*at = line;
	struct theme_style st;
	char sub[200];
	if (theme_parse_style(value, &st, sub, sizeof(sub)) != 0) {
		set_err(why, whylen, "%s: %s", key, sub);
		return -1;
	}
	if (sec == SEC_MONO && (st.fg != -1 || st.bg != -1)) {
		set_err(why, whylen, "%s: [mono] takes attributes only, not colours", key);
		return -1;
	}
	(sec == SEC_COLORS ? t->color : t->mono)[el] = st;
	return 0;
}

/* Reads the theme file f (called path in messages) over t. 0, or -1 with "PATH:LINE: why". */
static int parse_file(struct theme *t, FILE *f, const char *path, char *err, size_t errlen)
{
	struct seen seen = {0};
	enum section sec = SEC_NONE;
	char *buf = NULL;
	size_t cap = 0;
	char why[256];
	int line = 0;
	ssize_t n;
	errno = 0;
	while ((n = getline(&buf, &cap, f)) >= 0) {
		line++;
		if (n > LINE_MAX_BYTES) {
			snprintf(why, sizeof(why), "line longer than %d bytes", LINE_MAX_BYTES);
			goto fail;
		}
		if (strlen(buf) != (size_t)n) {
			snprintf(why, sizeof(why), "NUL byte in the line");
			goto fail;
		}
		char *s = trim(buf);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		cut_comment(s);
		s = trim(s);
		if (*s == '[') {
			if (parse_section(s, &sec, why, sizeof(why)) != 0)
				goto fail;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, sizeof(why), "expected 'element = style', '[section]' or a comment");
			goto fail;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (*key == '\0') {
			snprintf(why, sizeof(why), "no name before '='");
			goto fail;
		}
		if (apply_row(t, sec, key, value, line, &seen, why, sizeof(why)) != 0)
			goto fail;
	}
	/* getline's -1 is the end of the file, a read error or no memory. */
	if (ferror(f) || !feof(f)) {
		line = 0;
		snprintf(why, sizeof(why), "%s", strerror(errno ? errno : EIO));
		goto fail;
	}
	free(buf);
	return 0;
fail:
	if (line)
		set_err(err, errlen, "%s:%d: %s", path, line, why);
	else
		set_err(err, errlen, "cannot read %s: %s", path, why);
	free(buf);
	return -1;
}

/* The file name of path without its directory and a ".theme" ending, into out. */
static void stem_of(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
		n -= 6;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

/* Opens the file for name: a path as is, else NAME.theme in the first of dirs
 * that has it; the path opened goes to path (size cap). NULL with why in err. */
static FILE *open_theme(const char *name, const char *const *dirs, char *path, size_t cap,
			char *err, size_t errlen)
{
	FILE *f;
	if (strchr(name, '/')) {
		snprintf(path, cap, "%s", name);
		f = fopen(path, "re");
		if (!f)
			set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return f;
	}
	for (size_t i = 0; dirs && dirs[i]; i++) {
		if (!dirs[i][0])
			continue;
		if ((size_t)snprintf(path, cap, "%s/%s.theme", dirs[i], name) >= cap)
			continue;
		f = fopen(path, "re");
		if (f)
			return f;
		if (errno != ENOENT && errno != ENOTDIR) {
			set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
			return NULL;
		}
	}
	/* "no theme 'NAME' in DIR, DIR", built up as far as err has room. */
	if (!err || errlen == 0)
		return NULL;
	set_err(err, errlen, "no theme '%s' (no theme directories were given)", name);
	size_t at = 0;
	for (size_t i = 0; dirs && dirs[i] && at < errlen; i++) {
		if (!dirs[i][0])
			continue;
		if (at == 0)
			at = (size_t)snprintf(err, errlen, "no theme '%s' in %s", name, dirs[i]);
		else
			at += (size_t)snprintf(err + at, errlen - at, ", %s", dirs[i]);
	}
	return NULL;
}

/* Finds, opens and reads a theme over the built-in one; the caller frees it with theme_free. */
struct theme *theme_load(const char *name, const char *const *dirs, char *err, size_t errlen)
{
	if (!name || !name[0]) {
		set_err(err, errlen, "empty theme name");
		return NULL;
	}
	if (strstr(name, "..")) {
		set_err(err, errlen, "theme name '%s' must not contain '..'", name);
		return NULL;
	}
	char path[4096];
	FILE *f = open_theme(name, dirs, path, sizeof(path), err, errlen);
	if (!f)
		return NULL;
	struct theme *t = xcalloc(1, sizeof(*t));
	builtin_into(t);
	stem_of(path, t->name, sizeof(t->name));
	int rc = parse_file(t, f, path, err, errlen);
	fclose(f);
	if (rc != 0) {
		theme_free(t);
		return NULL;
	}
	return t;
}

/* Colour c brought down to what depth shows; *bright set when a bright
 * colour (8-15) lost its brightness on 8 colours. */
static int degrade(int c, enum theme_depth depth, int *bright)
{
	*bright = 0;
	if (c < 0 || depth >= DEPTH_256)
		return c;
	c = to_16(c);
	if (depth < DEPTH_16 && c >= 8) {
		*bright = 1;
		c -= 8;
	}
	return c;
}

/* Element el's style as a terminal of depth colours shows it (a value, nothing to free). */
struct theme_style theme_style(const struct theme *t, enum theme_el el, enum theme_depth depth)
{
	struct theme_style none = {-1, -1, 0};
	if ((int)el < 0 || el >= EL_COUNT)
		return none;
	if (depth < DEPTH_8) {
		struct theme_style mono = t->mono[el];
		mono.fg = mono.bg = -1;
		return mono;
	}
	struct theme_style st = t->color[el];
	int fg_bright, bg_bright;
	st.fg = (int16_t)degrade(st.fg, depth, &fg_bright);
	st.bg = (int16_t)degrade(st.bg, depth, &bg_bright);
	if (fg_bright && st.fg == 0 && st.bg < 0) {
		/* Bright black (grey) on 8 colours: bold black vanishes on a dark
		 * terminal; the terminal's own text, dimmed, reads on any. */
		st.fg = -1;
		st.attrs |= TA_DIM;
	} else if (fg_bright) {
		st.attrs |= TA_BOLD;
	}
	/* Text the same colour as its background cannot be read: draw it the
	 * way a monochrome terminal would instead. */
	if (st.fg >= 0 && st.fg == st.bg)
		return theme_style(t, el, DEPTH_MONO);
	return st;
}
