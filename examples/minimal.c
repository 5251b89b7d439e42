/*
 * examples/minimal.c — the smallest program built on the installed library:
 * load a scenario, run its trials, summarise them, and print the first
 * strategy's mean conversions. It includes only <influsim/influsim.h> and is
 * built against an installed tree both with CMake (examples/CMakeLists.txt)
 * and with pkg-config (tests/install/test_install.sh).
 *
 * usage: minimal SCENARIO.yaml   (prints "STRATEGY MEAN_CONVERSIONS")
 */
#include <influsim/influsim.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    infl_scenario *sc = NULL;
    infl_trials *trials = NULL;
    infl_summary *summary = NULL;
    /* Default options: OpenMP's thread count, every trial kept; the numbers
     * are the same for any thread count. */
    infl_run_options opt = {0};
    const infl_stat *conv = NULL;
    infl_error err;
    int rc = 1;

    infl_error_init(&err);
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCENARIO.yaml\n", argv[0]);
        rc = 2;
        goto done;
    }
    if (infl_scenario_load_file(argv[1], NULL, 0, &sc, &err) != INFL_OK)
        goto done;
    if (infl_engine_run(sc, &opt, &trials, NULL, NULL, &err) != INFL_OK)
        goto done;
    if (infl_summary_compute(trials, 0, &summary, &err) != INFL_OK)
        goto done;
    conv = infl_summary_stat(summary, 0, "conversions");
    if (conv == NULL) {
        infl_error_add(&err, INFL_EINTERNAL, "the summary has no metric \"conversions\"");
        goto done;
    }
    /* %.17g: every digit of the double, to compare with the results file. */
    printf("%s %.17g\n", summary->strategy_names[0], conv->mean);
    rc = 0;

done:
    if (rc == 1)
        fprintf(stderr, "minimal: %s", infl_error_message(&err));
    infl_summary_free(summary);
    infl_trials_free(trials);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return rc;
}
