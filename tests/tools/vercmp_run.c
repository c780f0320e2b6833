/* SPDX-License-Identifier: MIT */
/* Compares version pairs read from stdin ("a<TAB>b" a line) in dpkg's and libalpm's orders. */
#include <stdio.h>
#include <string.h>

#include "util/vercmp.h"

/* The sign of a comparison: -1, 0 or 1. */
static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* Prints "dpkg<TAB>alpm" signs for each input line; 2 on a malformed line. */
int main(void)
{
	char line[4096];
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab) {
			fprintf(stderr, "vercmp-run: no tab in a line\n");
			return 2;
		}
		*tab = '\0';
		printf("%d\t%d\n", sign(vercmp_dpkg(line, tab + 1)), sign(vercmp_alpm(line, tab + 1)));
	}
	return 0;
}
