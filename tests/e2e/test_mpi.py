"""influsim-mpi gives the numbers of one process: runs of the default and a
small scenario at np 1-4 (oversubscribed) x threads 1-2, with and without
--no-trials, a 200-trial run (ranks with no blocks), --target-se, and a
failing trial (the same message and exit code), each compared with
`influsim run -t 1`: every dataset and attribute but threads and wall time,
and the printed tables; SIGKILL of the job at several points after a
checkpoint, and of one rank alone (which must end the job, leaving no results
file), resumed at another np or with plain influsim. Then the studies: a 1-D and a 2-D sweep
(more ranks than points among them), a sweep's shard, plan, optimize, and a
tornado and a Morris sensitivity study, against influsim -t 1 (the files,
every dataset and attribute, and what they print but times and thread
counts); a sweep whose runs fail, and a command influsim-mpi does not run.
Skips with a clear line when influsim-mpi or mpirun is not there
(-DINFLUSIM_MPI=ON builds it)."""
import argparse
import os
import re
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


# The reference runs, by their arguments: several comparisons share one.
REFERENCES = {}


def one(tmp, tag, args, fails=False):
    key = tuple(args)
    if key in REFERENCES:
        return REFERENCES[key]
    out = os.path.join(tmp, f"{tag}-one.h5")
    r = checks.run(ARGS.influsim, "run", *args, "-t", "1", "-o", out, cwd=tmp, timeout=300,
                   drop=("OMP_NUM_THREADS",))
    C.check(f"{tag}: influsim -t 1 exits {'non-zero' if fails else 0}",
            (r.returncode != 0) == fails, short(r.stderr))
    REFERENCES[key] = (out, r)
    return out, r


def rank_pid(out, rank):
    """The pid of the influsim-mpi rank writing `out`, or None."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read().split(b"\0")
            with open(f"/proc/{pid}/environ", "rb") as fh:
                env = fh.read().split(b"\0")
        except OSError:
            continue
        if (cmd and cmd[0].endswith(b"influsim-mpi") and out.encode() in cmd and
                f"OMPI_COMM_WORLD_RANK={rank}".encode() in env):
            return int(pid)
    return None


def killed_then_resumed(tmp, tag, args, np_first, np_then, after=0.3, one_rank=None):
    """SIGKILL of the whole job (or of rank `one_rank` alone, which must end
    the job) `after` seconds past the first checkpoint, then --resume with
    another rank count (0: plain influsim): the file of one run."""
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
    time.sleep(after)
    saved = os.path.exists(cp) and job.poll() is None
    if one_rank is None:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
    else:
        pid = rank_pid(out, one_rank)
        if not C.check(f"{tag}: found rank {one_rank} to kill", pid is not None):
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
            return
        os.kill(pid, signal.SIGKILL)
        try:
            code = job.wait(timeout=60)
        except subprocess.TimeoutExpired:
            code = None
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
        C.check(f"{tag}: rank {one_rank} killed ends the whole job, non-zero, no hang",
                code not in (None, 0), f"mpirun: {code}")
        # mpirun ends the other ranks; none may be left writing.
        deadline = time.time() + 30
        while any(rank_pid(out, r) for r in range(np_first)) and time.time() < deadline:
            time.sleep(0.1)
        C.check(f"{tag}: no rank left running", not any(rank_pid(out, r)
                                                         for r in range(np_first)))
    if not C.check(f"{tag}: killed at np {np_first} {after} s after a checkpoint", saved):
        return
    C.check(f"{tag}: no results file after the kill (only the checkpoint)",
            not os.path.exists(out) and os.path.exists(cp))
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
    return mpi_cmd(tmp, np_, threads, "run", [*args, "-o", out])


# Every rank count of 1-4 and both thread counts, in four runs.
SPREAD = ((1, 2), (2, 1), (3, 2), (4, 1))


def same_as_one(tmp, tag, args, configs=SPREAD, extra_checks=None):
    ref, ref_run = one(tmp, tag, args)
    for n, t in configs:
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


def mpi_cmd(tmp, np_, threads, cmd, args):
    return checks.run(ARGS.mpirun, "-np", str(np_), "--bind-to", "none", "-x",
                      f"OMP_NUM_THREADS={threads}", ARGS.influsim_mpi, cmd, *args, env=MPI_ENV,
                      cwd=tmp, timeout=300)


# What a study prints that may differ from one process: times and thread
# counts (and the file's name, replaced).
VARYING = re.compile(r"\d s\b|\bthreads?\b|seconds")


def printed(stdout, out):
    return [l.replace(out, "FILE") for l in stdout.split("\n") if not VARYING.search(l)]


def study_same_as_one(tmp, tag, cmd, args, configs, output=True, fails=False, part=False):
    """A study under influsim-mpi at each (np, threads) of configs against
    influsim -t 1: the exit code, what it prints, and the file it writes (a
    sweep shard's part: byte for byte)."""
    ref_out = os.path.join(tmp, f"{tag}-one.h5")
    ref = checks.run(ARGS.influsim, cmd, *args, "-t", "1", *(["-o", ref_out] if output else []),
                     cwd=tmp, timeout=300, drop=("OMP_NUM_THREADS",))
    if not C.check(f"{tag}: influsim -t 1 exits {'non-zero' if fails else 0}",
                   (ref.returncode != 0) == fails, short(ref.stderr)):
        return
    want = printed(ref.stdout, ref_out)
    for n, t in configs:
        out = os.path.join(tmp, f"{tag}-np{n}-t{t}.h5")
        r = mpi_cmd(tmp, n, t, cmd, [*args, *(["-o", out] if output else [])])
        label = f"{tag}: np {n} x {t} threads"
        C.check(f"{label}: exit {ref.returncode}", r.returncode == ref.returncode,
                f"rc {r.returncode}: {short(r.stderr)}")
        got = printed(r.stdout, out)
        C.check(f"{label}: prints the same", got == want and len(want) >= 1,
                f"{[l for l in got if l not in want][:3]} vs {[l for l in want if l not in got][:3]}")
        if fails:
            C.check(f"{label}: the same message, no file",
                    ref.stderr.strip() in r.stderr and not os.path.exists(out),
                    f"{short(r.stderr)} vs {short(ref.stderr)}")
        elif output and C.check(f"{label}: wrote its file", os.path.isfile(out)):
            if part:
                with open(ref_out, "rb") as a, open(out, "rb") as b:
                    C.check(f"{label}: the same part, byte for byte", a.read() == b.read())
            else:
                checks.compare_files(C, f"{label} vs one process", ref_out, out, MAY_DIFFER)


def runs(tmp, small):
    # 17,000 trials: 133 blocks, three units, the last short.
    same_as_one(tmp, "default kept", ["-n", "17000"])
    same_as_one(tmp, "default --no-trials", ["-n", "17000", "--no-trials"],
                SPREAD + ((2, 2), (4, 2)))
    # Two blocks: at np 3 and 4 some ranks run none.
    same_as_one(tmp, "small 200 trials", [small, "-n", "200", "--seed", "7"], ((3, 1), (4, 1)))
    same_as_one(tmp, "small 40000 --no-trials", [small, "-n", "40000", "--no-trials"],
                ((2, 2), (3, 2)))

    def target_line(label, ref_run, r):
        want = [l for l in ref_run.stderr.split("\n") if "target relative" in l]
        got = [l for l in r.stderr.split("\n") if "target relative" in l]
        C.check(f"{label}: stops after the same trials", want and got == want,
                f"{got} vs {want}")
    same_as_one(tmp, "--target-se", ["-n", "200000", "--target-se", "0.02", "--no-trials"],
                ((2, 1), (4, 2)), extra_checks=target_line)
    same_as_one(tmp, "--target-se kept", ["-n", "200000", "--target-se", "0.02"], ((3, 2),),
                extra_checks=target_line)

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
    # Long enough to be killed after a checkpoint (every second) on 2 cores,
    # at several points of the run; the streaming ones share their reference.
    killed_then_resumed(tmp, "resume kept", ["-n", "100000"], 2, 3)
    killed_then_resumed(tmp, "resume --no-trials", ["-n", "160000", "--no-trials"], 3, 0,
                        after=1.5)
    killed_then_resumed(tmp, "resume --no-trials np", ["-n", "160000", "--no-trials"], 4, 2,
                        after=3.0)
    # One rank dies (not rank 0, which saves the checkpoints): the job ends,
    # and plain influsim goes on from rank 0's checkpoint.
    killed_then_resumed(tmp, "one rank killed", ["-n", "160000", "--no-trials"], 3, 0,
                        after=0.5, one_rank=1)


def studies(tmp):
    # Five points of rising cost on up to 4 ranks; three points on 4 ranks
    # (one rank runs none).
    budget = ["--vary", "budget=2000:50000:5:log", "-n", "3000"]
    study_same_as_one(tmp, "sweep 1-D", "sweep", budget, [(2, 2), (3, 1), (4, 1)])
    study_same_as_one(tmp, "sweep 1-D --no-trials", "sweep", [*budget, "--no-trials"], [(3, 2)])
    study_same_as_one(tmp, "sweep 2-D", "sweep",
                      ["--vary", "budget=5000:20000:3", "--vary",
                       "tiers.macro.price_per_1k_followers=5:20:2", "-n", "2000"],
                      [(2, 1), (4, 2)])
    study_same_as_one(tmp, "sweep 3 points", "sweep",
                      ["--vary", "budget=3000:9000:3", "-n", "2000"], [(4, 1)])
    study_same_as_one(tmp, "sweep shard 2 of 3", "sweep",
                      [*budget, "--shard", "2/3"], [(2, 1)], part=True)
    # The last two points' runs fail: the second's message, as one process.
    study_same_as_one(tmp, "sweep failing", "sweep",
                      ["--vary", "budget=3000:1e12:3", "-n", "2000"],
                      [(2, 1), (3, 1)], fails=True)
    study_same_as_one(tmp, "plan", "plan",
                      ["--strategy", "all-micro", "--conversions", "20", "-n", "2000"],
                      [(2, 1), (3, 2)], output=False)
    study_same_as_one(tmp, "optimize", "optimize", ["--tiers", "micro,macro", "-n", "1500"],
                      [(2, 1), (3, 2)])
    factors = ["--factor", "budget=10000:40000", "--factor",
               "tiers.macro.reach_rate.beta.mean=0.05:0.3"]
    study_same_as_one(tmp, "sensitivity tornado", "sensitivity", [*factors, "-n", "1000"],
                      [(2, 2), (4, 1)])
    study_same_as_one(tmp, "sensitivity morris", "sensitivity",
                      ["--method", "morris", "--samples", "4", *factors, "-n", "500"], [(3, 1)])
    r = mpi_cmd(tmp, 2, 1, "select", ["--help"])
    C.check("influsim-mpi select: refused, exit 2, says what it runs",
            r.returncode == 2 and "runs run, sweep, plan, optimize and sensitivity" in r.stderr,
            f"rc {r.returncode}: {short(r.stderr)}")


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--influsim-mpi", default="")
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--part", choices=("all", "runs", "studies"), default="all",
                    help="only the runs, or only the studies (default: all)")
    ARGS = ap.parse_args()
    ARGS.mpirun = shutil.which("mpirun")
    if not os.path.isfile(ARGS.influsim_mpi) or ARGS.mpirun is None:
        print("SKIP: influsim-mpi is not built (configure with -DINFLUSIM_MPI=ON) "
              "or mpirun is missing")
        return 77
    ARGS.influsim = os.path.abspath(ARGS.influsim)
    small = os.path.join(os.path.abspath(ARGS.source_dir), "tests", "scenarios", "small.yaml")
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-mpi-") as tmp:
        if ARGS.part in ("all", "runs"):
            runs(tmp, small)
        if ARGS.part in ("all", "studies"):
            studies(tmp)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
