/*
 * estimate.c — what a run will need before it starts (infl_engine_estimate,
 * see include/influsim/engine.h): hires per trial from the mean cost of a
 * post, and the memory of the kept values, the workspaces, the streaming
 * tallies and the writer. `run` warns with it, and `check` prints it.
 */
#include "influsim/engine.h"

#include "model/metrics.h"
#include "scenario/scenario_internal.h"
#include "stats/tally_stream.h"

#include <math.h>

void infl_engine_estimate(const infl_scenario *sc, const infl_run_options *opt, double limit,
                          infl_run_estimate *out)
{
    const double ns = (double)sc->n_strategies, nm = (double)infl__metrics_count(sc);
    const double threads =
        (double)(opt && opt->threads ? opt->threads : infl_engine_default_threads());
    double hires = 0.0, workspace = 0.0;
    for (size_t k = 0; k < sc->n_tiers; k++) {
        double cost = infl__scenario_tier_mean_cost(sc, k), most = 0.0;
        for (size_t s = 0; s < sc->n_strategies; s++) {
            const infl_strategy *st = &sc->strategies[s];
            double h = cost > 0 && st->has_allocation
                           ? sc->budget * (st->share[k] / st->share_total) / cost
                           : 0.0;
            if (h > most)
                most = h;
        }
        hires += most;
        /* A tier's workspace grows to twice the hires (see model.c): per
         * candidate 67 bytes and its engagements by region, and per strategy
         * the index of each hire. */
        workspace +=
            2.0 * (most < 32 ? 32 : most) * (67.0 + 4.0 * (double)sc->n_regions + 8.0 * ns);
    }
    /* Named creators: one slot each in every workspace, and at most a hire
     * list's length of funnels a trial. */
    double named = 0.0;
    for (size_t s = 0; s < sc->n_strategies; s++)
        if ((double)sc->strategies[s].n_named > named)
            named = (double)sc->strategies[s].n_named;
    hires += named;
    workspace +=
        (double)sc->n_creators * (67.0 + 4.0 * (double)(sc->n_regions + 1)) + named * 8.0 * ns;
    const double trials = (double)sc->trials;
    const double per_trial = (ns * nm + 4.0 + 1.0) * 8.0; /* values, market draws, index */
    /* Code, libraries and HDF5's buffers (about 24 MiB measured); a batch of
     * compressed chunks. */
    const double base = 24.0 * 1048576.0, batch = fmin(32.0 * 1048576.0, trials * nm * 8.0);
    /* Streaming: per thread a histogram set (about 32 KiB a cell measured), and the
     * moments of a round of blocks. */
    const double tallies =
        threads * ns * nm * 32768.0 + 64.0 * threads * (ns * nm + ns * ns) * sizeof(infl_moments);
    out->hires_per_trial = hires;
    out->bytes_no_trials = base + threads * workspace + tallies;
    out->sample_bytes = opt && opt->no_trials ? 0.0 : trials * per_trial;
    out->bytes = opt && opt->no_trials ? out->bytes_no_trials
                                       : base + batch + threads * workspace + trials * per_trial;
    out->max_trials_in = 0;
    double room = limit - (base + 32.0 * 1048576.0 + threads * workspace);
    if (limit > 0 && room > 0)
        out->max_trials_in = (uint64_t)(room / per_trial);
}
