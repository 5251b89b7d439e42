"""The Slurm recipes of docs/scale-out.md on a real scheduler: a one-node
Slurm (slurm-wlm's slurmctld and slurmd on this host, with its own munged)
started in a temporary folder and torn down afterwards runs a job array of
shards followed by a dependent merge job, and an sbatch job that runs
influsim-mpi under mpirun on its allocation; both files equal one
`influsim run -t 1`. Skips (exit 77) with a clear line when Slurm, munge or
root is missing; the MPI job only when influsim-mpi is built."""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import checks
from checks import Checks, short

MAY_DIFFER = {"threads", "wall_time_s", "created"}
C = Checks()
SHARDS = 3
ARGS_RUN = ["-n", "17000", "--no-trials"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_conf(tmp, host):
    for d in ("state", "spool", "log", "munge"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    ctld, slurmd = free_port(), free_port()
    conf = f"""ClusterName=influsim-test
SlurmctldHost={host}
SlurmUser=root
SlurmctldPort={ctld}
SlurmdPort={slurmd}
AuthType=auth/munge
AuthInfo=socket={tmp}/munge/munge.socket
CredType=cred/munge
StateSaveLocation={tmp}/state
SlurmdSpoolDir={tmp}/spool/%n
SlurmctldPidFile={tmp}/slurmctld.pid
SlurmdPidFile={tmp}/slurmd.pid
SlurmctldLogFile={tmp}/log/slurmctld.log
SlurmdLogFile={tmp}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName={host} CPUs={os.cpu_count()} RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
"""
    path = os.path.join(tmp, "slurm.conf")
    with open(path, "w") as fh:
        fh.write(conf)
    return path


def wait_for(pred, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.25)
    return False


def run(*cmd, env, timeout=120):
    return subprocess.run(list(cmd), env=env, capture_output=True, text=True, timeout=timeout)


def job_done(env, job):
    r = run("squeue", "-h", "-j", job, env=env)
    return r.returncode == 0 and r.stdout.strip() == "" or "Invalid job id" in r.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--influsim", required=True)
    ap.add_argument("--influsim-mpi", default="")
    ap.add_argument("--source-dir", required=True)
    a = ap.parse_args()
    missing = [p for p in ("slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "munged")
               if shutil.which(p) is None and not os.path.exists(f"/usr/sbin/{p}")]
    if missing or os.geteuid() != 0:
        print(f"SKIP: a one-node Slurm needs root and slurm-wlm + munge "
              f"(missing: {', '.join(missing) or 'root'})")
        return 77
    influsim = os.path.abspath(a.influsim)
    host = socket.gethostname()
    with tempfile.TemporaryDirectory(prefix="influsim-e2e-slurm-") as tmp:
        conf = write_conf(tmp, host)
        env = dict(os.environ, SLURM_CONF=conf, OMPI_ALLOW_RUN_AS_ROOT="1",
                   OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        env.pop("OMP_NUM_THREADS", None)
        munged = shutil.which("munged") or "/usr/sbin/munged"
        started = []
        try:
            r = run(munged, f"--socket={tmp}/munge/munge.socket",
                    f"--pid-file={tmp}/munge/munged.pid", f"--log-file={tmp}/munge/munged.log",
                    f"--seed-file={tmp}/munge/seed", "-f", env=env)
            if not C.check("munged starts", r.returncode == 0, short(r.stderr)):
                return C.finish()
            started.append(f"{tmp}/munge/munged.pid")
            for daemon in ("slurmctld", "slurmd"):
                r = run(shutil.which(daemon) or f"/usr/sbin/{daemon}", env=env)
                C.check(f"{daemon} starts", r.returncode == 0, short(r.stderr))
                started.append(f"{tmp}/{daemon}.pid")
            up = wait_for(lambda: "idle" in run("sinfo", "-h", "-o", "%T", env=env).stdout, 60)
            if not C.check("the node is idle", up, run("sinfo", env=env).stdout):
                return C.finish()

            ref = os.path.join(tmp, "one.h5")
            r = checks.run(influsim, "run", *ARGS_RUN, "-t", "1", "-q", "-o", ref, cwd=tmp)
            C.check("influsim -t 1 exits 0", r.returncode == 0, short(r.stderr))

            # The job array of shards, then the merge once every task succeeded.
            array = os.path.join(tmp, "shards.sh")
            with open(array, "w") as fh:
                fh.write(f"""#!/bin/bash
#SBATCH --array=1-{SHARDS}
#SBATCH --cpus-per-task=1
#SBATCH --output={tmp}/shard-%a.out
{influsim} run {' '.join(ARGS_RUN)} --shard "${{SLURM_ARRAY_TASK_ID}}/{SHARDS}" \\
    -t "${{SLURM_CPUS_PER_TASK}}" -q -o "{tmp}/part-${{SLURM_ARRAY_TASK_ID}}.h5" --force
""")
            r = run("sbatch", "--parsable", array, env=env)
            array_job = r.stdout.strip().split(";")[0]
            C.check("sbatch of the job array", r.returncode == 0 and array_job, short(r.stderr))
            merged = os.path.join(tmp, "merged.h5")
            parts = " ".join(f"{tmp}/part-{i}.h5" for i in range(1, SHARDS + 1))
            r = run("sbatch", "--parsable", f"--dependency=afterok:{array_job}",
                    f"--output={tmp}/merge.out",
                    "--wrap", f"{influsim} merge {parts} -o {merged} --force -q", env=env)
            merge_job = r.stdout.strip().split(";")[0]
            C.check("sbatch of the dependent merge", r.returncode == 0 and merge_job,
                    short(r.stderr))
            mpi_out = os.path.join(tmp, "mpi.h5")
            mpi_job = None
            if a.influsim_mpi and os.path.isfile(a.influsim_mpi) and shutil.which("mpirun"):
                r = run("sbatch", "--parsable", "-n", "2", "--cpus-per-task=1",
                        f"--output={tmp}/mpi.out", "--wrap",
                        f"mpirun --bind-to none {os.path.abspath(a.influsim_mpi)} run "
                        f"{' '.join(ARGS_RUN)} -q -o {mpi_out} --force", env=env)
                mpi_job = r.stdout.strip().split(";")[0]
                C.check("sbatch of the influsim-mpi job (2 tasks)", r.returncode == 0 and mpi_job,
                        short(r.stderr))
            else:
                print("SKIP: the Slurm MPI job (influsim-mpi is not built)")
            jobs = [j for j in (merge_job, mpi_job) if j]
            done = wait_for(lambda: all(job_done(env, j) for j in jobs), 240)
            C.check("the jobs finish", done, run("squeue", env=env).stdout)
            if C.check("the merge job wrote the file", os.path.isfile(merged),
                       short(open(f"{tmp}/merge.out").read()
                             if os.path.exists(f"{tmp}/merge.out") else "no output")):
                checks.compare_results(C, "Slurm job array + merge vs one run", ref, merged,
                                       MAY_DIFFER)
            if mpi_job and C.check("the influsim-mpi job wrote the file", os.path.isfile(mpi_out),
                                   short(open(f"{tmp}/mpi.out").read()
                                         if os.path.exists(f"{tmp}/mpi.out") else "no output")):
                checks.compare_results(C, "Slurm influsim-mpi job vs one run", ref, mpi_out,
                                       MAY_DIFFER)
        finally:
            run("scontrol", "shutdown", env=env)
            time.sleep(1)
            pids = []
            for pid_file in reversed(started):
                try:
                    with open(pid_file) as fh:
                        pids.append(int(fh.read().strip()))
                    os.kill(pids[-1], 15)
                except (OSError, ValueError):
                    pass

            def gone():
                for pid in pids:
                    try:
                        os.kill(pid, 0)
                        return False
                    except OSError:
                        pass
                return True
            if not wait_for(gone, 15):
                for pid in pids:
                    try:
                        os.kill(pid, 9)
                    except OSError:
                        pass
            C.check("the daemons are torn down", wait_for(gone, 5), str(pids))
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
