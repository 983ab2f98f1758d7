"""Data-parallel training over MPI: real jobs of 2 and 4 processes started from pytest, each bounded.

The jobs run functions from tests/mpi/rank_jobs.py (and the scripts beside it) through
`tinygrad_edu.distributed.run` or a plain `mpiexec`; the checks happen here. On a 2-core machine
four processes share two cores, which MPICH allows without any flag; the jobs are kept small.
"""
import linecache
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import data
from tinygrad_edu import distributed as dist
from tinygrad_edu.distributed.launch import mpiexec

MPI_JOBS = Path(__file__).parent / "mpi"
sys.path.insert(0, str(MPI_JOBS))
import rank_jobs  # noqa: E402  (lives beside the scripts, so that the ranks can import it too)

pytestmark = [
    pytest.mark.skipif(not dist.is_available(), reason="mpi4py is not installed: pip install -e '.[mpi]' "
                       "(the dev extra includes it)"),
    pytest.mark.xdist_group("mpi"),      # one job at a time: they would fight over the two cores
]
TIMEOUT = 60                             # seconds any one job may take; a hang fails the test instead


def _one_process_reference() -> dict:
    """What rank 0's model becomes when one process trains on the whole batch of every step."""
    tg.manual_seed(100)
    model, ds = rank_jobs.Net(), rank_jobs.dataset()
    sampler = data.DistributedSampler(ds, num_replicas=1, rank=0, shuffle=True, seed=11)
    rank_jobs.train(model, data.DataLoader(ds, batch_size=rank_jobs.GLOBAL_BATCH, sampler=sampler), sampler)
    return {k: v.numpy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("nprocs", [2, 4])
def test_collectives_sampler_and_ddp_match_one_process_on_the_whole_batch(nprocs):
    results = dist.run(rank_jobs.check_everything, nprocs=nprocs, args=(0.0003,), timeout=TIMEOUT, echo=False)
    assert len(results) == nprocs
    s = nprocs * (nprocs + 1) / 2
    expected_reduce = {"SUM": [s, -s], "AVG": [s / nprocs, -s / nprocs], "MAX": [nprocs, -1],
                       "MIN": [1, -nprocs], "PRODUCT": [np.prod(np.arange(1, nprocs + 1))] * 2}
    expected_reduce["PRODUCT"][1] *= (-1) ** nprocs
    reference = _one_process_reference()
    for rank, out in enumerate(results):
        for op, want in expected_reduce.items():
            np.testing.assert_allclose(out[op], want, rtol=1e-12, err_msg=op)
        np.testing.assert_allclose(out["transposed"], np.arange(6.0).reshape(2, 3).T * s)
        np.testing.assert_allclose(out["strict"], [s - nprocs, nprocs])
        assert out["strict_device"] == "strict"
        assert out["scalar"] == 2 * nprocs + s - nprocs and out["ints"].tolist() == [nprocs - 1, 10]
        np.testing.assert_array_equal(out["broadcast"], np.full(3, nprocs - 1.0))
        assert out["gathered"] == [{"rank": r, "squares": [r, r * r], "name": f"r{r}"} for r in range(nprocs)]
        for key, shard in out["shards"].items():
            shuffle, drop = (flag == "True" for flag in key.split("-"))
            explicit = data.DistributedSampler(range(11), num_replicas=nprocs, rank=rank, shuffle=shuffle,
                                               seed=3, drop_last=drop)
            assert shard == list(explicit), key
        # every rank trained from rank 0's start and ends where one process on the whole batch ends
        assert out["steps"] == 20 and out["messages"] > 1      # the tiny bucket cap forces several buckets
        assert out["bytes"] == sum(v.nbytes for k, v in reference.items() if k != "scale")
        np.testing.assert_array_equal(out["start"]["scale"], results[0]["start"]["scale"])
        for name, want in reference.items():
            np.testing.assert_allclose(out["final"][name], want, rtol=0, atol=1e-9, err_msg=f"{rank}: {name}")
            np.testing.assert_allclose(out["final_strict"][name], want, rtol=0, atol=1e-9, err_msg=name)
    assert not np.allclose(reference["out.weight"], results[0]["start"]["out.weight"])   # it did train


def _run_failing(how, collective_timeout=10.0):
    start = time.monotonic()
    with pytest.raises(dist.DistributedError) as info:
        dist.run(rank_jobs.fail_on_rank_one, nprocs=2, args=(how, collective_timeout), timeout=TIMEOUT,
                 echo=False)
    return str(info.value), info.value.ranks, time.monotonic() - start


def test_a_rank_that_raises_stops_the_job_and_is_named():
    message, ranks, seconds = _run_failing("raise")
    assert ranks == [1] and "rank 1 of 2: raised ValueError: rank one gives up" in message
    assert "Traceback" in message and seconds < 20


def test_a_killed_rank_stops_the_job_and_is_named():
    message, ranks, seconds = _run_failing("kill")
    assert ranks == [1] and "rank 1 of 2" in message and "signal 9 (SIGKILL)" in message
    assert seconds < 20


def test_a_collective_that_waits_past_the_timeout_names_the_waiting_rank():
    message, ranks, seconds = _run_failing("hang", collective_timeout=1.5)
    assert ranks == [0] and "all_reduce" in message and "waited more than 1.5 s" in message
    assert seconds < 20                   # the hung rank sleeps 60 s: the watchdog ended the job


def test_a_report_that_mpiexec_stopped_before_copying_still_names_the_rank(tmp_path):
    # MPI_Abort may end the job before mpiexec has copied a rank's last stderr lines into its file
    # (seen on a loaded machine: the rank went unnamed); the rank's own copy of its report fills in.
    from tinygrad_edu.distributed.group import MARKER
    from tinygrad_edu.distributed.launch import _failure, _Output

    report = f"{MARKER} rank 0 of 2: all_reduce waited more than 1.5 s; stopping every rank\n"
    (tmp_path / "0.err").write_text("")
    (tmp_path / "1.err").write_text("")
    (tmp_path / "rank0.failure").write_text(report)
    error = _failure("job()", 2, 1, _Output(tmp_path, 2, False), "", tmp_path)
    assert error.ranks == [0] and "waited more than 1.5 s" in str(error)
    (tmp_path / "0.err").write_text("Traceback ...\n" + report)       # copied after all: said once
    assert str(_failure("job()", 2, 1, _Output(tmp_path, 2, False), "", tmp_path)).count("waited") == 1


def test_ddp_refuses_models_that_differ_between_ranks():
    message, ranks, _ = _run_failing("shapes")
    assert "rank 1's model differs from rank 0's" in message
    assert "parameter 'weight' has shape (3, 4) on rank 1 but (2, 4) on rank 0" in message


def test_ddp_names_parameters_that_got_no_gradient():
    message, _, _ = _run_failing("unused")
    assert "gave no gradient to ['1.bias', '1.weight']" in message


def test_the_readme_command_trains_and_only_rank_0_saves(tmp_path):
    checkpoint = tmp_path / "digits.ckpt"
    done = subprocess.run([mpiexec(), "-n", "2", sys.executable, str(MPI_JOBS / "train_digits.py"),
                           str(checkpoint), "2"], capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "PYTHONPATH": str(Path(tg.__file__).parent.parent)})
    assert done.returncode == 0, done.stderr
    # mpiexec forwards each rank's output in chunks, so lines of two ranks may interleave
    assert sorted(re.findall(r"rank (\d) epoch 1", done.stdout)) == ["0", "1"]
    assert done.stdout.count("saved") == 1
    accuracy = float(done.stdout.split("test accuracy ")[1].split(";")[0])
    assert accuracy > 0.85
    state = tg.load(checkpoint)
    assert sorted(state) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert state["0.weight"].shape == (128, 64)


def test_under_plain_mpiexec_a_raising_rank_is_named_and_the_job_ends():
    start = time.monotonic()
    done = subprocess.run([mpiexec(), "-n", "2", sys.executable, str(MPI_JOBS / "raise_on_rank.py")],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "PYTHONPATH": str(Path(tg.__file__).parent.parent)})
    assert done.returncode != 0 and time.monotonic() - start < 20
    assert "tinygrad_edu.distributed: rank 1 of 2: raised RuntimeError: rank 1 cannot go on" in done.stderr
    assert "never get here" not in done.stdout


def test_run_a_script_on_four_processes_returns_each_ranks_output(capsys):
    outputs = dist.run(MPI_JOBS / "echo_ranks.py", nprocs=4, args=("--lr", 0.5), timeout=TIMEOUT)
    assert outputs == [f"rank {r} of 4: args ['--lr', '0.5'], sum of ranks 6\n" for r in range(4)]
    echoed = capsys.readouterr().out.splitlines()
    assert sorted(echoed) == [f"[rank {r}] {outputs[r].strip()}" for r in range(4)]


def test_run_a_function_defined_in_a_notebook_cell():
    source = ("def cell_job(base):\n"
              "    from tinygrad_edu import distributed as dist\n"
              "    dist.init_process_group()\n"
              "    return {'rank': dist.get_rank(), 'value': base * 10 + dist.get_rank()}\n")
    cell = "<ipython-input-7-cell>"           # how IPython names cells, and where inspect finds their source
    linecache.cache[cell] = (len(source), None, source.splitlines(True), cell)
    namespace = {"__name__": "__main__"}
    exec(compile(source, cell, "exec"), namespace)
    results = dist.run(namespace["cell_job"], nprocs=2, args=(4,), timeout=TIMEOUT, echo=False)
    assert results == [{"rank": 0, "value": 40}, {"rank": 1, "value": 41}]


@pytest.mark.slow                        # a kernel start: about 3 s on a quiet machine
def test_run_from_a_jupyter_kernel_echoes_each_rank_and_returns_the_results():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    job = ("from tinygrad_edu import distributed as dist\n\n"
           "def job(scale):\n"
           "    import tinygrad_edu as tg\n"
           "    from tinygrad_edu import distributed as dist\n"
           "    dist.init_process_group()\n"
           "    total = tg.tensor([float(dist.get_rank())])\n"
           "    dist.all_reduce(total)\n"
           "    print('hello from rank', dist.get_rank())\n"
           "    return scale * total.item()\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(job), nbformat.v4.new_code_cell(
        "print(dist.run(job, nprocs=2, args=(10,), timeout=60))")])
    root = str(Path(tg.__file__).parent.parent)     # the kernel imports this checkout's tinygrad_edu
    nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": root}}).execute()
    printed = "".join(output.get("text", "") for output in nb.cells[1].outputs)
    assert "[rank 0] hello from rank 0" in printed and "[rank 1] hello from rank 1" in printed
    assert printed.rstrip().endswith("[10.0, 10.0]")


def test_run_timeout_stops_every_rank(tmp_path):
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="did not finish within 4 s"):
        dist.run(rank_jobs.sleep_forever, nprocs=2, args=(str(tmp_path / "pid"),), timeout=4, echo=False)
    assert time.monotonic() - start < 15
    pids = [int(path.suffix[1:]) for path in tmp_path.glob("pid.*")]
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_run_explains_what_it_cannot_start(tmp_path):
    with pytest.raises(TypeError, match="top level"):
        dist.run(lambda: 1, nprocs=2)

    def nested():
        return 1

    with pytest.raises(TypeError, match="nested"):
        dist.run(nested, nprocs=2)
    with pytest.raises(FileNotFoundError, match="no such script"):
        dist.run(tmp_path / "missing.py", nprocs=2)
    with pytest.raises(ValueError, match="nprocs must be a positive int"):
        dist.run(rank_jobs.check_everything, nprocs=0)
    with pytest.raises(TypeError, match="args must be plain data"):
        dist.run(rank_jobs.check_everything, nprocs=2, args=(object(),))
