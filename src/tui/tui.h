/* SPDX-License-Identifier: MIT */
/* The full-screen UI: omg with no command on a terminal. */
#ifndef OMG_TUI_TUI_H
#define OMG_TUI_TUI_H

#include "client/session.h"

struct tui_opts {
	const char *theme; /* --theme NAME or a path; NULL: the configuration's [ui] theme */
	int mouse;         /* 1 on, 0 off (--no-mouse), -1 the configuration's [ui] mouse */
};

/*
 * Runs the UI on the terminal until the user quits or detaches from a
 * transaction. Every request goes to the engine over the protocol (s's
 * connection options pick it; the user engine is started when none runs).
 * Returns an exit status (enum omg_exit).
 */
int tui_run(struct session *s, const struct tui_opts *o);

#endif
