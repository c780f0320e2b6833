/* SPDX-License-Identifier: MIT */
/* The read commands: search, info, list, status. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/query.h"
#include "util/json.h"

/* Prints packages as the chosen format: a JSON array or the aligned table. */
static void print_pkgs(struct cli *c, const struct index *ix, const struct ids *ids)
{
	if (c->json)
		out_pkg_json_array(c, ix, ids->v, ids->n);
	else if (c->quiet)
		out_pkg_names(c, ix, ids->v, ids->n);
	else
		out_pkg_table(c, ix, ids->v, ids->n);
}

int cmd_search(struct cli *c, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "omg: search needs at least one term (see omg search --help)\n");
		return EXIT_USAGE;
	}
	int rc = cli_open_engine(c);
	if (rc)
		return rc;
	const struct index *ix = engine_index(c->engine);
	struct search_opts o = {
		.terms = (const char *const *)argv,
		.nterms = (size_t)argc,
		.regex = c->regex,
		.names_only = c->names_only,
		.installed_only = c->installed_only,
		.limit = c->limit,
		.style = engine_search_style(c->engine),
	};
	struct ids ids = {0};
	char err[512];
	if (query_search(ix, &o, &ids, err, sizeof(err)) != 0) {
		fprintf(stderr, "omg: %s\n", err);
		return EXIT_USAGE;
	}
	print_pkgs(c, ix, &ids);
	rc = ids.n ? EXIT_OK : EXIT_NOMATCH;
	ids_free(&ids);
	return rc;
}

/* The error line for an unknown name; a virtual name lists what provides it. */
static void report_missing(const struct index *ix, const char *name)
{
	struct ids prov = {0};
	query_providers(ix, name, &prov);
	if (!prov.n) {
		fprintf(stderr, "omg: package '%s' was not found\n", name);
		return;
	}
	struct buf b = {0};
	for (size_t i = 0; i < prov.n && i < 10; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", index_get(ix, prov.v[i])->name);
	if (prov.n > 10)
		buf_printf(&b, " and %zu more", prov.n - 10);
	fprintf(stderr, "omg: package '%s' was not found; it is provided by %s\n", name,
		buf_str(&b));
	buf_free(&b);
	ids_free(&prov);
}

int cmd_info(struct cli *c, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "omg: info needs at least one package name\n");
		return EXIT_USAGE;
	}
	int rc = cli_open_engine(c);
	if (rc)
		return rc;
	const struct index *ix = engine_index(c->engine);
	int shown = 0;
	if (c->json)
		buf_putc(&c->out, '[');
	for (int i = 0; i < argc; i++) {
		long id = index_find(ix, argv[i]);
		if (id < 0) {
			report_missing(ix, argv[i]);
			rc = EXIT_UNKNOWN;
			continue;
		}
		if (c->json) {
			buf_puts(&c->out, shown ? ",\n" : "\n");
			out_info_json(c, ix, (size_t)id);
		} else {
			if (shown)
				buf_putc(&c->out, '\n');
			out_info_text(c, ix, (size_t)id);
		}
		shown++;
	}
	if (c->json)
		buf_puts(&c->out, shown ? "\n]\n" : "]\n");
	return rc;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "omg: list takes no arguments (did you mean omg search?)\n");
		return EXIT_USAGE;
	}
	int rc = cli_open_engine(c);
	if (rc)
		return rc;
	const struct index *ix = engine_index(c->engine);
	struct ids ids = {0};
	query_list(ix, (enum list_kind)c->list_kind, &ids);
	if (c->limit && ids.n > c->limit)
		ids.n = c->limit;
	print_pkgs(c, ix, &ids);
	ids_free(&ids);
	return EXIT_OK;
}

/* Counts packages with all of the given flags set. */
static size_t count_flags(const struct index *ix, uint32_t flags)
{
	size_t n = 0;
	for (size_t i = 0; i < index_count(ix); i++)
		n += (index_get(ix, i)->flags & flags) == flags;
	return n;
}

int cmd_status(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "omg: status takes no arguments\n");
		return EXIT_USAGE;
	}
	int rc = cli_open_engine(c);
	if (rc)
		return rc;
	const struct index *ix = engine_index(c->engine);
	struct ids explicit = {0};
	query_list(ix, LIST_EXPLICIT, &explicit);
	size_t total = index_count(ix), inst = count_flags(ix, PKG_INSTALLED),
	       upg = count_flags(ix, PKG_UPGRADABLE),
	       held = count_flags(ix, PKG_UPGRADABLE | PKG_HELD),
	       orphans = count_flags(ix, PKG_ORPHAN), foreign = count_flags(ix, PKG_FOREIGN);
	if (c->json) {
		struct buf *b = &c->out;
		buf_putc(b, '{');
		json_kv_str(b, "backend", engine_backend_name(c->engine), 1);
		json_kv_str(b, "root", engine_root(c->engine), 0);
		json_kv_int(b, "packages", (int64_t)total, 0);
		json_kv_int(b, "installed", (int64_t)inst, 0);
		json_kv_int(b, "explicit", (int64_t)explicit.n, 0);
		json_kv_int(b, "upgradable", (int64_t)(upg - held), 0);
		json_kv_int(b, "held", (int64_t)held, 0);
		json_kv_int(b, "orphans", (int64_t)orphans, 0);
		json_kv_int(b, "foreign", (int64_t)foreign, 0);
		buf_puts(b, "}\n");
	} else {
		buf_printf(&c->out,
			   "%s%s%s on %s: %zu packages available, %zu installed (%zu explicit, "
			   "%zu foreign)\n"
			   "%zu upgradable%s, %zu held back, %zu orphans\n",
			   out_col(c, COL_LABEL), engine_backend_name(c->engine),
			   out_col(c, COL_RESET), engine_root(c->engine), total, inst, explicit.n,
			   foreign, upg - held, upg - held ? " (omg list --upgradable)" : "", held,
			   orphans);
	}
	ids_free(&explicit);
	return EXIT_OK;
}
