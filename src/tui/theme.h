/* SPDX-License-Identifier: MIT */
/* UI themes: semantic elements from one X-macro list, styles read from themes/NAME.theme (INI). */
#ifndef OMG_TUI_THEME_H
#define OMG_TUI_THEME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every element the UI draws, once: X(ID, "name in theme files", default style
 * on a colour terminal (the dark theme), style on a monochrome terminal).
 * A style is "FG [on BG][, attr...]" (theme_parse_style); code names elements,
 * never colours.
 */
#define THEME_ELEMENTS(X)                                                              \
	X(NORMAL, "normal", "default on default", "")                                  \
	X(HEADER, "header", "brightwhite on blue, bold", "reverse")                    \
	X(STATUS, "status", "brightwhite on blue", "reverse")                          \
	X(COLUMNS, "columns", "brightcyan on default, bold", "bold, underline")        \
	X(CURSOR, "cursor", "black on cyan", "reverse")                                \
	X(CURSOR_IDLE, "cursor_idle", "black on white", "underline")                   \
	X(INSTALLED, "installed", "default on default", "")                            \
	X(AVAILABLE, "available", "white on default", "")                              \
	X(UPGRADABLE, "upgradable", "brightgreen on default, bold", "bold")            \
	X(SECURITY, "security", "brightred on default, bold", "bold, underline")       \
	X(VULNERABLE, "vulnerable", "red on default, bold", "bold, underline")         \
	X(HELD, "held", "yellow on default", "underline")                              \
	X(ORPHAN, "orphan", "magenta on default", "dim")                               \
	X(MARK_INSTALL, "mark_install", "black on green", "reverse, underline")                   \
	X(MARK_REMOVE, "mark_remove", "brightwhite on red", "reverse, bold")           \
	X(MARK_KEEP, "mark_keep", "black on yellow", "reverse, bold, underline")             \
	X(VERSION, "version", "cyan on default", "")                                   \
	X(NEW_VERSION, "new_version", "brightgreen on default", "bold")                \
	X(REPO, "repo", "blue on default", "")                                         \
	X(DIM, "dim", "brightblack on default", "dim")                                 \
	X(MATCH, "match", "black on yellow", "underline")                              \
	X(LABEL, "label", "brightcyan on default, bold", "bold")                       \
	X(TITLE, "title", "brightwhite on default, bold", "bold")                      \
	X(BORDER, "border", "blue on default", "")                                     \
	X(DIALOG, "dialog", "black on white", "reverse")                               \
	X(PROMPT, "prompt", "brightyellow on default, bold", "bold")                   \
	X(KEY, "key", "brightyellow on default, bold", "bold")                         \
	X(BAR_DONE, "bar_done", "black on green", "reverse")                           \
	X(BAR_TODO, "bar_todo", "default on brightblack", "")                          \
	X(WARNING, "warning", "yellow on default, bold", "bold")                       \
	X(ERROR, "error", "brightwhite on red, bold", "reverse, bold")                 \
	X(OK, "ok", "brightgreen on default, bold", "bold")

#define THEME_ENUM(id, name, color, mono) EL_##id,
enum theme_el { THEME_ELEMENTS(THEME_ENUM) EL_COUNT };
#undef THEME_ENUM

/* Style attributes (bits). */
enum theme_attr {
	TA_BOLD = 1u << 0,
	TA_DIM = 1u << 1,
	TA_UNDERLINE = 1u << 2,
	TA_REVERSE = 1u << 3,
	TA_ITALIC = 1u << 4,
	TA_STANDOUT = 1u << 5,
};

/* One element's look: colours are -1 (the terminal's default) or 0-255. */
struct theme_style {
	int16_t fg, bg;
	uint16_t attrs; /* enum theme_attr bits */
};

/* What the terminal can show (term.c asks curses). */
enum theme_depth {
	DEPTH_MONO = 0, /* no colour: NO_COLOR, --theme mono, or a terminal without colour */
	DEPTH_8 = 8,
	DEPTH_16 = 16,
	DEPTH_256 = 256,
};

struct theme;

/* The built-in theme (the X-macro's defaults): never fails. Free with theme_free. */
struct theme *theme_builtin(void);
/*
 * Loads a theme over the built-in one. name is a file path when it contains
 * a '/', else NAME.theme is looked for in each directory of dirs (a
 * NULL-terminated list, first match wins). Every row of the file overrides
 * one element by name; elements it does not name keep the built-in style.
 * NULL with "FILE:LINE: why" (or "no theme NAME in DIR, DIR") in err.
 */
struct theme *theme_load(const char *name, const char *const *dirs, char *err, size_t errlen);
void theme_free(struct theme *t);
/* The theme's name ("dark" for the built-in one); borrowed until theme_free. */
const char *theme_name(const struct theme *t);
/*
 * The style of element el as a terminal of that depth draws it: colours are
 * brought down to what the depth can show (256 -> nearest of 16 or 8; bright
 * 8-15 -> 0-7 with bold kept for the foreground on 8 colours); DEPTH_MONO
 * gives the element's monochrome style (colours -1), which keeps every element
 * that must stand out (cursor, marks, header) distinct without colour.
 */
struct theme_style theme_style(const struct theme *t, enum theme_el el, enum theme_depth depth);
/* The element's name in theme files ("cursor"), or NULL out of range. */
const char *theme_el_name(enum theme_el el);
/* Parses one style "FG [on BG][, attr...]" into out. Colours: default, black,
 * red, green, yellow, blue, magenta, cyan, white, brightblack ... brightwhite,
 * colorN (0-255) and #rrggbb (nearest of the 256). Attributes: bold, dim,
 * underline, reverse, italic, standout. The empty string is "default on
 * default". 0, or -1 with why in err. */
int theme_parse_style(const char *s, struct theme_style *out, char *err, size_t errlen);

#endif
