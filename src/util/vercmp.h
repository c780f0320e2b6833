/* SPDX-License-Identifier: MIT */
/* Version comparison in each backend's own order: dpkg's and libalpm's. */
#ifndef OMG_UTIL_VERCMP_H
#define OMG_UTIL_VERCMP_H

/* dpkg's order (dpkg --compare-versions): [epoch:]upstream[-revision], the
 * epoch numeric, the rest in runs of non-digits (letters before other
 * characters, '~' before everything, even the end) and of digits (numeric).
 * "" is the blank version, before every other. Negative, 0 or positive;
 * a and b are borrowed and must not be NULL. */
int vercmp_dpkg(const char *a, const char *b);
/* libalpm's order (alpm_pkg_vercmp, pacman's vercmp): [epoch:]version[-pkgrel]
 * compared with rpmvercmp, the pkgrel only when both have one. -1, 0 or 1;
 * a and b are borrowed and must not be NULL. */
int vercmp_alpm(const char *a, const char *b);

#endif
