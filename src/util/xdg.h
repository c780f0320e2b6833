/* SPDX-License-Identifier: MIT */
/* omg's per-user directories (XDG base directories) and creating them. */
#ifndef OMG_UTIL_XDG_H
#define OMG_UTIL_XDG_H

enum xdg_kind {
	XDG_CONFIG, /* $XDG_CONFIG_HOME, else ~/.config */
	XDG_DATA,   /* $XDG_DATA_HOME, else ~/.local/share */
	XDG_STATE,  /* $XDG_STATE_HOME, else ~/.local/state */
	XDG_CACHE,  /* $XDG_CACHE_HOME, else ~/.cache */
};

/* omg's directory of that kind ("<base>/omg"); caller frees. NULL when
 * neither the variable nor HOME is an absolute path. */
char *xdg_omg_dir(enum xdg_kind kind);
/* mkdir -p, creating missing directories 0700. 0, or -1 with errno. */
int xdg_mkdirs(const char *path);
/* The same with the mode of the directories it creates. */
int xdg_mkdirs_mode(const char *path, unsigned mode);

#endif
