/* SPDX-License-Identifier: MIT */
/* The scripted CLI: parsed options, the engine it queries, and the commands. */
#ifndef OMG_CLI_CLI_H
#define OMG_CLI_CLI_H

#include <stddef.h>

#include "engine/engine.h"
#include "util/buf.h"

/* Exit codes, documented in omg(1) and the README. */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_NOMATCH = 1,  /* search found nothing */
	EXIT_USAGE = 2,    /* bad option, command or regex */
	EXIT_UNKNOWN = 3,  /* info: a package does not exist */
	EXIT_ROOT = 4,     /* root missing, unreadable, no package system */
	EXIT_DB = 5,       /* configuration or database missing or corrupt */
	EXIT_MODULE = 6,   /* a backend module is missing: an installation problem */
};

struct cli {
	/* global options */
	const char *root, *backend;
	int json, color, timing, quiet;
	size_t width; /* terminal columns for text output; 0 = do not truncate */
	/* command options */
	int regex, names_only, installed_only, list_kind;
	size_t limit;
	/* state */
	struct engine *engine;
	struct buf out; /* everything for stdout, written once at the end */
};

/* Opens the engine for the command; prints the error and returns an exit
 * code (non-zero) on failure. Backend warnings go to stderr. */
int cli_open_engine(struct cli *c);

int cmd_search(struct cli *c, int argc, char **argv);
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);

/* Output (out.c). */
enum out_color {
	COL_RESET, COL_NAME, COL_VERSION, COL_NEWVERSION, COL_REPO, COL_INSTALLED,
	COL_HELD, COL_LABEL, COL_DIM,
};
/* The escape for a semantic element, or "" when colour is off. */
const char *out_col(const struct cli *c, enum out_color e);
/* One name per line (--quiet). */
void out_pkg_names(struct cli *c, const struct index *ix, const uint32_t *ids, size_t n);
/* An aligned table of packages: state flags, name, version, repo, description. */
void out_pkg_table(struct cli *c, const struct index *ix, const uint32_t *ids, size_t n);
/* A JSON array of brief package objects (search and list). */
void out_pkg_json_array(struct cli *c, const struct index *ix, const uint32_t *ids, size_t n);
/* Every field of the package at position id, as text or as a JSON object. */
void out_info_text(struct cli *c, const struct index *ix, size_t id);
void out_info_json(struct cli *c, const struct index *ix, size_t id);
/* "8.00 KiB" for a byte count. */
void out_size(struct buf *b, int64_t bytes);

#endif
