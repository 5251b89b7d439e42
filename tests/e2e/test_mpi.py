"""influsim-mpi gives the numbers of one process: runs of the default and a
small scenario at np 1-4 (oversubscribed) x threads 1-2, with and without
--no-trials, a 200-trial run (ranks with no blocks), --target-se, and a
failing trial (the same message and exit code), each compared with
`influsim run -t 1`: every dataset and attribute but threads and wall time,
and the printed tables. Skips with a clear line when influsim-mpi or mpirun
is not there (-DINFLUSIM_MPI=ON builds it)."""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import checks
from checks import Checks, short

MAY_DIFFER = {"threads", "wall_time_s", "created"}
C = Checks()
ARGS = None
# OpenMPI refuses root without these; the test machines have 2 cores, so
# ranks are oversubscribed and not bound (binding would leave each rank one
# core, whatever OMP_NUM_THREADS says).
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def tables(stdout):
    lines = [l for l in stdout.rstrip("\n").split("\n") if not l.startswith("results written")]
    return lines[1:]


def one(tmp, tag, args, fails=False):
    out = os.path.join(tmp, f"{tag}-one.h5")
    r = checks.run(ARGS.influsim, "run", *args, "-t", "1", "-o", out, cwd=tmp, timeout=300,
                   drop=("OMP_NUM_THREADS",))
    C.check(f"{tag}: influsim -t 1 exits {'non-zero' if fails else 0}",
            (r.returncode != 0) == fails, short(r.stderr))
    return out, r


def killed_then_resumed(tmp, tag, args, np_first, np_then):
    """SIGKILL of the whole job once a checkpoint is saved, then --resume
    with another rank count (0: plain influsim): the file of one run."""
    ref, _ = one(tmp, tag, args)
    out = os.path.join(tmp, f"{tag}-killed.h5")
    cp = out + ".checkpoint"
    env = dict(os.environ, **MPI_ENV)
    job = subprocess.Popen([ARGS.mpirun, "-np", str(np_first), "--bind-to", "none", "-x",
                            "OMP_NUM_THREADS=1", ARGS.influsim_mpi, "run", *args,
                            "--checkpoint", "1", "-o", out],
                           cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while not os.path.exists(cp) and job.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    saved = os.path.exists(cp) and job.poll() is None
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    if not C.check(f"{tag}: killed at np {np_first} after a checkpoint", saved):
        return
    if np_then == 0:
        r = checks.run(ARGS.influsim, "run", "--resume", "-t", "2", "-q", "-o", out, cwd=tmp,
                       timeout=300)
        how = "plain influsim"
    else:
        r = checks.run(ARGS.mpirun, "-np", str(np_then), "--bind-to", "none", ARGS.influsim_mpi,
                       "run", "--resume", "-q", "-o", out, env=MPI_ENV, cwd=tmp, timeout=300)
        how = f"np {np_then}"
    if C.check(f"{tag}: resumed with {how} exits 0", r.returncode == 0 and os.path.isfile(out),
               f"rc {r.returncode}: {short(r.stderr)}"):
        checks.compare_results(C, f"{tag}: killed at np {np_first}, resumed with {how}", ref,
                               out, MAY_DIFFER)


def mpi(tmp, np_, threads, args, out):
    return checks.run(ARGS.mpirun, "-np", str(np_), "--bind-to", "none", "-x",
                      f"OMP_NUM_THREADS={threads}", ARGS.influsim_mpi, "run", *args, "-o", out,
                      env=MPI_ENV, cwd=tmp, timeout=300)


def same_as_one(tmp, tag, args, ranks=(1, 2, 3, 4), threads=(1, 2), extra_checks=None):
    ref, ref_run = one(tmp, tag, args)
    for n in ranks:
        for t in threads:
            out = os.path.join(tmp, f"{tag}-np{n}-t{t}.h5")
            r = mpi(tmp, n, t, args, out)
            label = f"{tag}: np {n} x {t} threads"
            if not C.check(f"{label}: exits 0", r.returncode == 0 and os.path.isfile(out),
                           f"rc {r.returncode}: {short(r.stderr)}"):
                continue
            checks.compare_results(C, f"{label} vs one process", ref, out, MAY_DIFFER)
            C.check(f"{label}: the same tables", tables(r.stdout) == tables(ref_run.stdout)
                    and len(tables(ref_run.stdout)) > 5,
                    f"{tables(r.stdout)[:3]} vs {tables(ref_run.stdout)[:3]}")
            if extra_checks:
                extra_checks(label, ref_run, r)


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--influsim-mpi", default="")
    ap.add_argument("--source-dir", required=True)
    ARGS = ap.parse_args()
    ARGS.mpirun = shutil.which("mpirun")
    if not os.path.isfile(ARGS.influsim_mpi) or ARGS.mpirun is None:
        print("SKIP: influsim-mpi is not built (configure with -DINFLUSIM_MPI=ON) "
              "or mpirun is missing")
        return 77
    ARGS.influsim = os.path.abspath(ARGS.influsim)
    small = os.path.join(os.path.abspath(ARGS.source_dir), "tests", "scenarios", "small.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-mpi-") as tmp:
        # 17,000 trials: 133 blocks, three units, the last short.
        same_as_one(tmp, "default kept", ["-n", "17000"])
        same_as_one(tmp, "default --no-trials", ["-n", "17000", "--no-trials"])
        # Two blocks: at np 3 and 4 some ranks run none.
        same_as_one(tmp, "small 200 trials", [small, "-n", "200", "--seed", "7"], ranks=(3, 4),
                    threads=(1,))
        same_as_one(tmp, "small 40000 --no-trials", [small, "-n", "40000", "--no-trials"],
                    ranks=(2, 3), threads=(2,))

        def target_line(label, ref_run, r):
            want = [l for l in ref_run.stderr.split("\n") if "target relative" in l]
            got = [l for l in r.stderr.split("\n") if "target relative" in l]
            C.check(f"{label}: stops after the same trials", want and got == want,
                    f"{got} vs {want}")
        same_as_one(tmp, "--target-se", ["-n", "200000", "--target-se", "0.02", "--no-trials"],
                    ranks=(2, 4), threads=(1, 2), extra_checks=target_line)
        same_as_one(tmp, "--target-se kept", ["-n", "200000", "--target-se", "0.02"],
                    ranks=(3,), threads=(2,), extra_checks=target_line)

        # A failing trial: the same message and exit code, no file, no hang.
        bad = ["-n", "2000", "-s", "budget=1e12", "--max-memory", "1e13"]
        _, ref_run = one(tmp, "failing", bad, fails=True)
        for n in (2, 4):
            out = os.path.join(tmp, f"failing-np{n}.h5")
            r = mpi(tmp, n, 1, bad, out)
            C.check(f"failing trial at np {n}: exit {ref_run.returncode}, the same message, "
                    "no file", r.returncode == ref_run.returncode != 0 and
                    ref_run.stderr.strip() in r.stderr and not os.path.exists(out),
                    f"rc {r.returncode}: {short(r.stderr)} vs {short(ref_run.stderr)}")
        # Killed with SIGKILL, resumed elsewhere.
        killed_then_resumed(tmp, "resume kept", ["-n", "400000"], 2, 3)
        killed_then_resumed(tmp, "resume --no-trials", ["-n", "600000", "--no-trials"], 3, 0)
        killed_then_resumed(tmp, "resume --no-trials np", ["-n", "600000", "--no-trials"], 4, 2)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
