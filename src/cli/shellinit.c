/* SPDX-License-Identifier: MIT */
/* omg shell-init bash|zsh|fish: the prompt integration, calling omg-fast once per prompt. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/self.h"

/* s single-quoted for every one of the three shells (fish reads '\'' the same
 * way). Inside quotes fish also unescapes backslashes: callers pass none. */
static void put_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* The omg-fast command line, quoted: the one beside this omg when it is there
 * (so a build tree or a prefix works without PATH), then --root. */
static void fast_command(const struct cli *c, struct buf *b)
{
	char exe[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;
	const char *fast = "omg-fast";
	if (self_dir(exe, sizeof(exe)) == 0) {
		snprintf(path, sizeof(path), "%s/omg-fast", exe);
		if (stat(path, &st) == 0 && (st.st_mode & S_IXUSR) && !strchr(path, '\\'))
			fast = path;
	}
	put_quoted(b, fast);
	if (c->s.root) {
		char real[PATH_MAX];
		buf_puts(b, " --root ");
		put_quoted(b, realpath(c->s.root, real) ? real : c->s.root);
	}
}

/* bash's and zsh's function run before each prompt; %s is the omg-fast command. */
#define POSIX_FUNCTION                          \
	"__omg_prompt() {\n"                     \
	"\tlocal rc=$? s\n"                      \
	"\ts=$(%s 2>/dev/null) || s=\n"          \
	"\tOMG_PROMPT=${s:+\"$s \"}\n"           \
	"\treturn $rc\n"                         \
	"}\n"

/*
 * Each snippet sets OMG_PROMPT to omg-fast's segment plus a space (empty when
 * there is nothing to show or the snapshot cannot be trusted) before every
 * prompt, and puts it in front of the prompt once. It keeps $? for the
 * user's own prompt, runs nothing else, and never starts the engine.
 */
int cmd_shell_init(struct cli *c, int argc, char **argv)
{
	if (argc != 1 || (strcmp(argv[0], "bash") && strcmp(argv[0], "zsh") &&
			  strcmp(argv[0], "fish"))) {
		report_error(&c->err, "shell-init takes one of bash, zsh, fish");
		return EXIT_USAGE;
	}
	if (c->s.root && strchr(c->s.root, '\\')) {
		report_error(&c->err, "shell-init: a root path with a backslash is not supported");
		return EXIT_USAGE;
	}
	struct buf cmd = {0};
	fast_command(c, &cmd);
	buf_putc(&cmd, '\0');
	struct buf *b = &c->out.b;
	if (strcmp(argv[0], "bash") == 0) {
		buf_puts(b,
			   "# omg: pending updates in the prompt. In ~/.bashrc:\n"
			   "#   eval \"$(omg shell-init bash)\"\n"
			   "# $OMG_PROMPT goes in front of PS1; see omg-fast(1) to place it yourself.\n");
		buf_printf(b, POSIX_FUNCTION, (const char *)cmd.p);
		buf_puts(b,
			   "if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == \"declare -a\"* ]]; then\n"
			   "\t[[ \" ${PROMPT_COMMAND[*]} \" == *\" __omg_prompt \"* ]] ||\n"
			   "\t\tPROMPT_COMMAND=(__omg_prompt \"${PROMPT_COMMAND[@]}\")\n"
			   "else\n"
			   "\tcase \";${PROMPT_COMMAND-};\" in\n"
			   "\t*\";__omg_prompt;\"*) ;;\n"
			   "\t*) PROMPT_COMMAND=\"__omg_prompt${PROMPT_COMMAND:+;$PROMPT_COMMAND}\" ;;\n"
			   "\tesac\n"
			   "fi\n"
			   "case $PS1 in *'${OMG_PROMPT}'*) ;; *) PS1='${OMG_PROMPT}'\"$PS1\" ;; esac\n");
	} else if (strcmp(argv[0], "zsh") == 0) {
		buf_puts(b,
			   "# omg: pending updates in the prompt. In ~/.zshrc:\n"
			   "#   eval \"$(omg shell-init zsh)\"\n"
			   "# ${OMG_PROMPT} goes in front of PROMPT; see omg-fast(1) to place it yourself.\n");
		buf_printf(b, POSIX_FUNCTION, (const char *)cmd.p);
		buf_puts(b,
			   "autoload -Uz add-zsh-hook\n"
			   "add-zsh-hook precmd __omg_prompt\n"
			   "setopt prompt_subst\n"
			   "[[ $PROMPT == *'${OMG_PROMPT}'* ]] || PROMPT='${OMG_PROMPT}'$PROMPT\n");
	} else {
		buf_printf(b,
			   "# omg: pending updates in the prompt. In ~/.config/fish/config.fish:\n"
			   "#   omg shell-init fish | source\n"
			   "# The segment goes in front of fish_prompt; $OMG_PROMPT holds it too.\n"
			   "if not functions -q __omg_orig_fish_prompt\n"
			   "\tfunctions -q fish_prompt; and functions -c fish_prompt __omg_orig_fish_prompt\n"
			   "\tor function __omg_orig_fish_prompt; end\n"
			   "\tfunction fish_prompt\n"
			   "\t\t# the user's prompt first, while $status is still the command's\n"
			   "\t\tset -l p (__omg_orig_fish_prompt)\n"
			   "\t\tset -l s (command %s 2>/dev/null); or set s ''\n"
			   "\t\tset -g OMG_PROMPT ''\n"
			   "\t\ttest -n \"$s\"; and set -g OMG_PROMPT \"$s \"\n"
			   "\t\tprintf '%%s' $OMG_PROMPT\n"
			   "\t\tstring join \\n -- $p\n"
			   "\tend\n"
			   "end\n",
			   (const char *)cmd.p);
	}
	buf_free(&cmd);
	return EXIT_OK;
}
