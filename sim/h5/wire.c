/*
 * wire.c — a file's metadata in the encoding of stats/wire.h, as a guarded
 * reader's child sends it to its parent (guard.c).
 */
#include "h5/wire.h"

#include <string.h>

bool infl__wire_put_meta(infl__wire *w, const infl_h5_meta *m)
{
    return infl__wire_put_str(w, m->scenario_name) && infl__wire_put_str(w, m->currency) &&
           infl__wire_put_str(w, m->program_version) && infl__wire_put_str(w, m->created) &&
           infl__wire_put_u64(w, m->seed) && infl__wire_put_u64(w, m->trials) &&
           infl__wire_put_u64(w, m->trials_done) && infl__wire_put_u64(w, m->threads) &&
           infl__wire_put_f64(w, m->wall_seconds) && infl__wire_put_u64(w, m->complete) &&
           infl__wire_put_u64(w, (uint64_t)m->format_version) &&
           infl__wire_put_str(w, m->scenario_resolved);
}

bool infl__wire_get_meta(infl__wire *w, infl_h5_meta *m)
{
    memset(m, 0, sizeof *m);
    uint64_t complete = 0, version = 0;
    bool ok = infl__wire_get_text(w, &m->scenario_name) && infl__wire_get_text(w, &m->currency) &&
              infl__wire_get_text(w, &m->program_version) && infl__wire_get_text(w, &m->created) &&
              infl__wire_get_u64(w, &m->seed) && infl__wire_get_u64(w, &m->trials) &&
              infl__wire_get_u64(w, &m->trials_done) && infl__wire_get_u64(w, &m->threads) &&
              infl__wire_get_f64(w, &m->wall_seconds) && infl__wire_get_u64(w, &complete) &&
              infl__wire_get_u64(w, &version) && complete <= 1 &&
              version <= INFL_H5_FORMAT_VERSION && infl__wire_get_str(w, &m->scenario_resolved);
    m->complete = complete != 0;
    m->format_version = (long)version;
    return ok ? true : infl__wire_fail(w);
}
