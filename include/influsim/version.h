/*
 * influsim/version.h — the program's version and the git revision it was built from.
 */
#ifndef INFLUSIM_VERSION_H
#define INFLUSIM_VERSION_H

/* Returns the release version ("0.1.0"). Static string. */
const char *infl_version(void);
/* Returns `git describe --always --dirty` at configure time, or "unknown". Static string. */
const char *infl_git_revision(void);

#endif
