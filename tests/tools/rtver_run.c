/* SPDX-License-Identifier: MIT */
/* Prints the runtime versions active for a directory (util/rtver.h), or times the search. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "util/rtver.h"

extern char **environ;

/* Microseconds on the monotonic clock. */
static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static const char *const inst_names[] = {"none", "system", "missing", "installed"};

/*
 * rtver-run DIR: one line per runtime, tab-separated: name, state (unset,
 * pinned, bad), versions (comma-separated) or why, file kind, path, line,
 * then for a pin: none|system|missing|installed, the version and bin.
 * rtver-run --time N DIR: the mean microseconds of N searches for every
 * runtime from DIR, and of N/10 spawns of /bin/true. The environment gives
 * the directories (XDG_CONFIG_HOME, XDG_DATA_HOME, HOME, OMG_CEILING_PATHS).
 */
int main(int argc, char **argv)
{
	long times = 0;
	if (argc == 4 && strcmp(argv[1], "--time") == 0) {
		times = strtol(argv[2], NULL, 10);
		argv += 2, argc -= 2;
	}
	if (argc != 2 || (times < 0)) {
		fprintf(stderr, "usage: rtver-run [--time N] DIR\n");
		return 2;
	}
	static struct rtver_env env;
	static struct rtver_pin pins[RTVER_COUNT];
	rtver_env_init(&env);
	if (times > 0) {
		double t0 = now_us();
		for (long i = 0; i < times; i++)
			if (rtver_resolve(&env, argv[1], RTVER_ALL, pins) < 0) {
				perror("rtver-run");
				return 1;
			}
		double resolve = (now_us() - t0) / (double)times;
		long spawns = times / 10 > 0 ? times / 10 : 1;
		t0 = now_us();
		for (long i = 0; i < spawns; i++) {
			pid_t pid;
			char *args[] = {(char *)"/bin/true", NULL};
			if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) != 0 ||
			    waitpid(pid, NULL, 0) < 0) {
				perror("rtver-run: /bin/true");
				return 1;
			}
		}
		double spawn = (now_us() - t0) / (double)spawns;
		printf("resolve_us\t%.1f\ntrue_us\t%.1f\n", resolve, spawn);
		return 0;
	}
	if (rtver_resolve(&env, argv[1], RTVER_ALL, pins) < 0) {
		perror("rtver-run");
		return 1;
	}
	for (int rt = 0; rt < RTVER_COUNT; rt++) {
		const struct rtver_pin *p = &pins[rt];
		static const char *const states[] = {"unset", "pinned", "bad"};
		printf("%s\t%s\t", rtver_name(rt), states[p->state]);
		if (p->state == RTVER_BAD)
			fputs(p->why, stdout);
		for (unsigned i = 0; p->state == RTVER_PINNED && i < p->nversions; i++)
			printf("%s%s", i ? "," : "", p->versions[i]);
		printf("\t%s\t%s\t%u", rtver_file_name(p->file), p->path, p->line);
		if (p->state == RTVER_PINNED) {
			struct rtver_active a;
			rtver_installed(&env, rt, p, &a);
			printf("\t%s\t%s\t%s", inst_names[a.inst], a.version, a.bin);
		}
		putchar('\n');
	}
	return 0;
}
