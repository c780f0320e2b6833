/* SPDX-License-Identifier: MIT */
/* Loading omg's modules (the engine, the backends): beside the program first, then the install's. */
#ifndef OMG_UTIL_MODULE_H
#define OMG_UTIL_MODULE_H

#include <stddef.h>

/*
 * The symbol sym of module file ("omg-apt.so"), looked for in the modules/
 * directory beside the running program (a build tree, a relocated prefix)
 * and then in OMG_MODULE_DIR. A module is loaded once and never unloaded:
 * the returned pointer lives as long as the process. NULL with one line in
 * err, starting with file (what is missing, or why it failed to load), when
 * neither has it.
 */
void *module_symbol(const char *file, const char *sym, char *err, size_t errlen);

#endif
