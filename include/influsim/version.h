/*
 * influsim/version.h — the program's version and the git revision it was built from.
 */
#ifndef INFLUSIM_VERSION_H
#define INFLUSIM_VERSION_H

/* Returns the release version ("0.1.0"). Static string. */
const char *infl_version(void);
/* Returns `git describe --always --dirty` at configure time, or "unknown". Static string. */
const char *infl_git_revision(void);

/* Returns the build type and the C compiler flags the library was built
 * with (including the floating-point ones). Static string. */
const char *infl_build_flags(void);

#endif
