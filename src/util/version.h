/* SPDX-License-Identifier: MIT */
/* omg's version, for -V and what the engine writes about itself (the SBOM's tools). */
#ifndef OMG_UTIL_VERSION_H
#define OMG_UTIL_VERSION_H

#ifndef OMG_VERSION
#define OMG_VERSION "0.1.0"
#endif

#endif
