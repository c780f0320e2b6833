/* SPDX-License-Identifier: MIT */
/* The UI's set-up, its one event loop (keys, the engine, one redraw per turn) and teardown. */
#include "tui/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/config.h"
#include "tui/ui.h"
#include "util/clock.h"
#include "util/self.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#ifndef OMG_THEME_DIR
#define OMG_THEME_DIR "/usr/local/share/omg/themes"
#endif

#define MSG_MS 4000

/* A message in the status bar for MSG_MS. */
void tui_say(struct ui *u, int el, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_el = el;
	u->msg_until = clock_ms() + MSG_MS;
	u->dirty = 1;
}

/* The package under the cursor, or NULL. */
struct mpkg *tui_current(struct ui *u)
{
	return u->cur >= 0 ? model_row(u->model, (size_t)u->cur) : NULL;
}

/* The package the detail shows: the review's on a detail opened from it, else
 * the list's under the cursor. */
struct mpkg *tui_detail_pkg(struct ui *u, const char **name)
{
	struct mpkg *p = u->screen == SCR_DETAIL && u->detail_of[0] ? model_find(u->model, u->detail_of)
								      : tui_current(u);
	*name = p ? p->name : u->screen == SCR_DETAIL && u->detail_of[0] ? u->detail_of : NULL;
	return p;
}

/* Points stderr at $XDG_STATE_HOME/omg/ui.log (or /dev/null) while curses
 * draws; the old stderr to restore, or -1. */
static int quiet_stderr(void)
{
	int saved = dup(STDERR_FILENO);
	char *dir = xdg_omg_dir(XDG_STATE);
	char *path = dir && xdg_mkdirs(dir) == 0 ? xasprintf("%s/ui.log", dir) : NULL;
	int fd = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	free(dir);
	free(path);
	return saved;
}

/* The theme: --theme, else the configuration's, else the built-in one. */
static struct theme *load_theme(const char *name, char *err, size_t errlen)
{
	if (!name || !*name)
		return theme_builtin();
	char exe[PATH_MAX], beside[PATH_MAX + 16];
	if (self_dir(exe, sizeof(exe)) != 0)
		exe[0] = '\0';
	snprintf(beside, sizeof(beside), "%s/themes", exe);
	char *cfg = xdg_omg_dir(XDG_CONFIG);
	char *user = cfg ? xasprintf("%s/themes", cfg) : NULL;
	free(cfg);
	const char *env = getenv("OMG_THEME_DIR");
	const char *dirs[5];
	size_t k = 0;
	if (env && *env)
		dirs[k++] = env;
	if (user)
		dirs[k++] = user;
	dirs[k++] = beside;
	dirs[k++] = OMG_THEME_DIR;
	dirs[k] = NULL;
	struct theme *t = theme_load(name, dirs, err, errlen);
	free(user);
	return t;
}

/* Draws when something changed (the batched flush before sleeping); the
 * first screen with packages is timed. */
static void redraw(struct ui *u)
{
	if (!u->dirty)
		return;
	view_draw(u);
	u->dirty = 0;
	u->drawn = model_count(u->model) != 0;
	if (!u->first_frame_ms && model_count(u->model))
		u->first_frame_ms = clock_ms() - u->t0;
}

/* The event loop: draw, sleep on the terminal and the engine, handle what
 * came, until the user quits or detaches. */
static void loop(struct ui *u)
{
	while (!u->quit) {
		if (u->want_list && u->connected && !u->list_req)
			tui_engine_ask_list(u);
		redraw(u);
		int timeout = u->buffered ? 0 : 1000;
		if (u->tr.asking && timeout)
			timeout = 250;
		timeout = tui_engine_sleep_ms(u, timeout); /* an AUR search due */
		/* Idle with a fresh list: fold it for matching now, not on the first
		 * key of a search. */
		if (!u->dirty && poll(&(struct pollfd){term_fd(u->term), POLLIN, 0}, 1, 0) == 0) {
			double f0 = clock_ms();
			if (model_prepare(u->model))
				u->fold_ms = clock_ms() - f0;
		}
		struct pollfd p[2] = {{term_fd(u->term), POLLIN, 0},
				      {u->connected ? u->s->client->fd : -1, POLLIN, 0}};
		int r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		struct term_key k;
		while (!u->quit && term_key(u->term, &k))
			tui_keys_on_key(u, &k);
		int ready = (p[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
		if (u->connected && (u->buffered || ready))
			tui_engine_pump(u, ready);
		tui_engine_tick(u);
		if (u->msg[0] && clock_ms() > u->msg_until) {
			u->msg[0] = '\0';
			u->dirty = 1;
		}
		if (u->tr.asking)
			u->dirty = 1; /* the countdown */
	}
}

/* Frees the UI and everything it owns (the theme included). */
static void ui_free(struct ui *u)
{
	tui_trans_reset(u);
	model_free(u->model);
	free(u->system_socket);
	strpool_free(u->status_arena);
	buf_free(&u->info_text);
	free(u->info_line);
	line_free(&u->line);
	line_free(&u->cell);
	theme_free(u->theme);
	free(u);
}

/* After curses: what the user should know (a change left running), and the
 * OMG_UI_TIMING numbers. */
static void farewell(struct ui *u)
{
	if (u->detached)
		printf("omg: %s goes on in the engine (pid %u); run omg or omg attach to follow it\n",
		       *u->tr.title ? u->tr.title : "the transaction",
		       u->s->client ? (unsigned)u->s->client->engine.pid : 0u);
	else
		tui_trans_quit(u);
	if (getenv("OMG_UI_TIMING"))
		fprintf(stderr, "omg: ui: connect %.1f ms, first list frame %.1f ms, first screen "
				"%.1f ms, whole list %.1f ms (%zu packages), search index %.1f ms\n",
			u->connect_ms, u->first_chunk_ms, u->first_frame_ms, u->list_ms,
			model_count(u->model), u->fold_ms);
}

/* A new UI for s with theme (adopted); its panels set up. */
static struct ui *ui_new(struct session *s, struct theme *theme)
{
	struct ui *u = xcalloc(1, sizeof(*u));
	u->t0 = clock_ms();
	u->s = s;
	u->theme = theme;
	u->model = model_new();
	u->cur = 0;
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	line_set_ellipsis(u->utf8);
	tui_trans_reset(u);
	panel_init(&u->detail_panel, PANEL_PAGE, 0);
	panel_init(&u->help_panel, PANEL_PAGE, 0);
	return u;
}

int tui_run(struct session *s, const struct tui_opts *o)
{
	struct config cfg;
	char err[1024];
	char *cpath = config_path(0);
	if (config_load(&cfg, cpath, err, sizeof(err)) != 0) {
		fprintf(stderr, "omg: %s\n", err);
		free(cpath);
		return EXIT_USAGE;
	}
	free(cpath);
	const char *tname = o->theme ? o->theme : cfg.theme;
	struct theme *theme = load_theme(tname, err, sizeof(err));
	if (!theme) {
		fprintf(stderr, "omg: %s\n", err);
		return EXIT_USAGE;
	}
	if (s->no_daemon) {
		fprintf(stderr, "omg: the UI talks to the engine; drop --no-daemon (OMG_NO_DAEMON)\n");
		theme_free(theme);
		return EXIT_USAGE;
	}
	struct ui *u = ui_new(s, theme);
	/* The engine starts on the list while curses sets up. */
	int rc = tui_engine_connect(u, 0);
	if (rc == 0 && !u->connected) {
		fprintf(stderr, "omg: starting the engine for %s (its first start reads the package "
				"databases)...\n", s->root ? s->root : "/");
		rc = tui_engine_connect(u, 1);
	}
	u->connect_ms = clock_ms() - u->t0;
	if (rc) {
		ui_free(u);
		return rc;
	}
	const char *nc = getenv("NO_COLOR");
	int no_color = (nc && *nc) || strcmp(theme_name(theme), "mono") == 0;
	int use_mouse = o->mouse >= 0 ? o->mouse : cfg.mouse;
	u->term = term_open(theme, no_color, use_mouse, err, sizeof(err));
	if (!u->term) {
		fprintf(stderr, "omg: %s\n", err);
		rc = EXIT_USAGE;
	} else {
		/* Curses owns the screen: anything written to stderr meanwhile (a
		 * failed engine start while reconnecting) goes to a log instead. */
		int saved_err = quiet_stderr();
		view_layout(u);
		u->dirty = 1;
		loop(u);
		rc = EXIT_OK;
		if (saved_err >= 0) {
			dup2(saved_err, STDERR_FILENO);
			close(saved_err);
		}
	}
	term_close(u->term);
	farewell(u);
	ui_free(u);
	return rc;
}
