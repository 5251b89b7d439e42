/*
 * wire.h — what a guarded reader's child process (guard.c) sends back to its
 * parent, in the encoding of stats/wire.h: a file's metadata here, a summary
 * there; each reader encodes its own result with these pieces.
 */
#ifndef INFL_SIM_H5_WIRE_H
#define INFL_SIM_H5_WIRE_H

#include "stats/wire.h"

#include "influsim/h5.h"

#include <stdbool.h>

/* A file's metadata: put, and got back into *meta (infl_h5_meta_destroy,
 * even on failure). */
bool infl__wire_put_meta(infl__wire *w, const infl_h5_meta *meta);
bool infl__wire_get_meta(infl__wire *w, infl_h5_meta *meta);

#endif
