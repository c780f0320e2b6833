/* SPDX-License-Identifier: MIT */
/* omg's entry point: the command line picks the scripted CLI or the full-screen UI. */
#include <locale.h>
#include <string.h>

#include "cli/cli.h"
#include "tui/tui.h"

int main(int argc, char **argv)
{
	/* Character classes (UTF-8 on the terminal, curses) and dates; the rest stays "C",
	 * which spares a warm call loading a dozen locale files. */
	setlocale(LC_CTYPE, "");
	setlocale(LC_TIME, "");
	if (argc > 1 && strcmp(argv[1], "__aur-unpack") == 0)
		return cli_aur_unpack(argc, argv); /* the engine's, as the AUR build user */
	struct cli c;
	int rc = cli_parse(&c, argc, argv);
	if (rc == CLI_RUN_UI) {
		struct tui_opts o = {c.theme, c.mouse};
		rc = tui_run(&c.s, &o);
		session_close(&c.s);
		return rc;
	}
	return rc == CLI_RUN_COMMAND ? cli_run(&c) : rc;
}
