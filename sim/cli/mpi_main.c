/*
 * mpi_main.c — influsim-mpi: influsim's run, sweep, plan, optimize and
 * sensitivity as one rank of an MPI job (mpirun -np N influsim-mpi run ...). The only file that
 * includes mpi.h: it hands the library a transport of two collectives over MPI_COMM_WORLD
 * (influsim/cluster.h) and runs the same command as influsim on every rank.
 * Rank 0 prints and writes; the other ranks' stdout and stderr go to
 * /dev/null, so the job prints what one process prints. MPI's own errors
 * abort the whole job (MPI_ERRORS_ARE_FATAL): a rank that dies ends it, and
 * the run resumes from rank 0's checkpoint with any rank count.
 */
#include "cli.h"

#include "influsim/version.h"

#include <gsl/gsl_errno.h>
#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool mpi_allgather(void *user, const void *mine, size_t n, void **all, size_t *counts)
{
    (void)user;
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *all = NULL;
    uint64_t n64 = n;
    uint64_t *sizes = malloc((size_t)size * sizeof *sizes);
    int *icounts = malloc((size_t)size * sizeof *icounts);
    int *displs = malloc((size_t)size * sizeof *displs);
    if (sizes == NULL || icounts == NULL || displs == NULL) {
        fprintf(stderr, "influsim-mpi: out of memory for the ranks' exchange\n");
        MPI_Abort(MPI_COMM_WORLD, INFL_EXIT_FAILURE);
    }
    MPI_Allgather(&n64, 1, MPI_UINT64_T, sizes, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    uint64_t total = 0;
    for (int r = 0; r < size; r++) {
        /* MPI counts are int: a round's share must fit (rounds are
         * thousands of trials, far below 2 GiB). */
        if (sizes[r] > INT_MAX || total > INT_MAX - sizes[r]) {
            fprintf(stderr, "influsim-mpi: a round's exchange exceeds 2 GiB\n");
            MPI_Abort(MPI_COMM_WORLD, INFL_EXIT_FAILURE);
        }
        displs[r] = (int)total;
        icounts[r] = (int)sizes[r];
        counts[r] = (size_t)sizes[r];
        total += sizes[r];
    }
    void *buf = malloc(total ? (size_t)total : 1);
    if (buf == NULL) {
        fprintf(stderr, "influsim-mpi: out of memory for the ranks' exchange\n");
        MPI_Abort(MPI_COMM_WORLD, INFL_EXIT_FAILURE);
    }
    MPI_Allgatherv(mine, (int)n, MPI_BYTE, buf, icounts, displs, MPI_BYTE, MPI_COMM_WORLD);
    free(sizes);
    free(icounts);
    free(displs);
    *all = buf;
    return true;
}

static bool mpi_bcast(void *user, void *buf, size_t n)
{
    (void)user;
    MPI_Bcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
    return true;
}

static int dispatch(int argc, char **argv, const infl_cluster *cl)
{
    if (argc < 2) {
        fputs("usage: mpirun -np N influsim-mpi run|sweep|plan|optimize|sensitivity [options]\n"
              "  the options and output of influsim's command; rank 0 prints and writes\n",
              stderr);
        return INFL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("influsim-mpi %s (git %s)\n", infl_version(), infl_git_revision());
        return INFL_EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **, const infl_cluster *);
    } commands[] = {{"run", infl_cmd_run_in},
                    {"sweep", infl_cmd_sweep_in},
                    {"plan", infl_cmd_plan_in},
                    {"optimize", infl_cmd_optimize_in},
                    {"sensitivity", infl_cmd_sensitivity_in}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1, cl);
    infl_cli_error("influsim-mpi runs run, sweep, plan, optimize and sensitivity over ranks; "
                   "'%s' is a command of influsim itself",
                   cmd);
    return INFL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    int provided = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "influsim-mpi: error: MPI_Init_thread failed\n");
        return INFL_EXIT_FAILURE;
    }
    infl_cluster cl = {.allgather = mpi_allgather, .bcast = mpi_bcast};
    MPI_Comm_rank(MPI_COMM_WORLD, &cl.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &cl.size);
    /* If /dev/null cannot be opened the rank prints as well: printing
     * twice is better than not running. */
    if (cl.rank != 0 && freopen("/dev/null", "w", stdout) != NULL)
        (void)freopen("/dev/null", "w", stderr);
    infl_h5_process_init();
    gsl_set_error_handler_off();
    /* The ranks agree on the run's outcome (the engine and the pipeline
     * share rank 0's decisions), so each returns the same code. */
    int code = dispatch(argc, argv, &cl);
    MPI_Finalize();
    return code;
}
