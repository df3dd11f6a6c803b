"""Issue 11's numbers: how fast factbot imports, starts and answers, next to tantivy and bm25s.

    python bench/speed.py [--sizes 10000,100000] [--generator synth,project] [--questions 500] [--json PATH]

For each generator and size, both generators' facts are written to a fact file
in a temporary folder (bench/speed_data.py), and every figure is taken in a
fresh process, so no measurement inherits another's memory or warm caches of
Python objects (the operating system's file cache stays warm: the database and
indexes were just written):

- import / build: wall time of `factbot --db DB import FILE --replace` into a
  new database; for the peers, reading the same file and writing an on-disk
  index (tantivy; bm25s saved with its `save`).
- cold start: wall time from process start to the first answer of
  `factbot --db DB ask QUESTION`, median of 3 runs; for the peers, a process
  opening the index (bm25s memory-mapped) and answering the same question.
- p50 / p99: in one more process per system, each question after the first
  timed in-process (factbot through bench/speed_systems.py `factbot_answerer`,
  the calls `factbot ask` makes).
- peak RSS of the cold start: the most any of those 3 processes held, from
  `wait4`'s rusage, taken by a tiny launcher (bench/speed_launch.py) so the
  bench's own memory is not counted (for factbot it covers its index-building
  worker processes as the largest one of them, not their sum).

Prints the core count and Python version, then one markdown table per
generator and size with the ratios, and the issue's targets at 100,000 and
1,000,000 facts. `--json` saves the raw numbers after each size, with CPU seconds
beside wall time and what each import and cold start printed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from speed_data import GENERATORS, BenchInput, generate  # noqa: E402
from speed_report import SYSTEMS, latency_notes, table  # noqa: E402

CHILD = HERE / "speed_child.py"
LAUNCHER = HERE / "speed_launch.py"
DEFAULT_SYNTH = ROOT.parent / "shared" / "bench" / "synth_facts.py"


class ChildFailed(RuntimeError):
    """A measured process exited with an error; the message ends with its stderr."""


@dataclass(frozen=True)
class Run:
    """One finished child: wall seconds from start to exit, CPU seconds, its peak RSS in MB, and what it printed."""

    seconds: float
    cpu_s: float
    max_rss_mb: float
    stdout: str


def run_child(command: list[str], cwd: Path) -> Run:
    """Run `command` to completion through bench/speed_launch.py: its wall time, its own peak RSS, its output.

    The launcher, not this process, starts the command: see its docstring for
    why a child of this process would report this process's memory as its own.
    """
    with tempfile.TemporaryDirectory() as scratch:
        report, errors_path = Path(scratch) / "report", Path(scratch) / "stderr"
        with errors_path.open("wb") as errors:
            finished = subprocess.run(
                [sys.executable, "-I", "-S", str(LAUNCHER), str(report), *command],
                cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, check=False,
            )
        if finished.returncode != 0 or not report.exists():
            tail = errors_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            raise ChildFailed(f"{' '.join(command)} exited with {finished.returncode}: " + " / ".join(tail))
        seconds, max_rss_kb, _, cpu = report.read_text(encoding="ascii").split()
    return Run(float(seconds), float(cpu), int(max_rss_kb) / 1024, finished.stdout.decode("utf-8", "replace"))


def factbot_command() -> list[str]:
    """The installed `factbot` console script beside this Python, else `python -m bot` (the same program)."""
    script = Path(sys.executable).parent / "factbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def cold_starts(command: list[str], cwd: Path, runs: int) -> dict[str, Any]:
    """Median wall (and CPU) time of `runs` fresh processes, the largest peak RSS among them, and one's output."""
    done = [run_child(command, cwd) for _ in range(runs)]
    return {
        "cold_s": statistics.median(run.seconds for run in done),
        "cold_cpu_s": statistics.median(run.cpu_s for run in done),
        "cold_rss_mb": max(run.max_rss_mb for run in done),
        "cold_says": done[0].stdout.strip()[:300],
    }


def measure_factbot(data: BenchInput, questions: Path, folder: Path, runs: int) -> dict[str, Any]:
    """Import into a new database, then cold starts of `factbot ask` and in-process latency."""
    db = folder / "factbot.db"
    cli = [*factbot_command(), "--db", str(db)]
    imported = run_child([*cli, "import", str(data.facts), "--replace"], folder)  # --replace: the seed facts go
    found = {**_built(imported), "build_says": imported.stdout.strip()}  # e.g. "…: 100000 added, …"
    found |= cold_starts([*cli, "ask", data.questions[0]], folder, runs)
    return found | latency(["factbot", str(db)], questions, folder)


def measure_peer(peer: str, data: BenchInput, questions: Path, folder: Path, runs: int) -> dict[str, Any]:
    """Build the peer's on-disk index from the same file, then its cold starts and latency."""
    index = folder / f"{peer}-index"
    built = run_child([sys.executable, str(CHILD), "build", peer, str(data.facts), str(index)], folder)
    found = {**_built(built), "build_says": f"{built.stdout.strip()} documents indexed"}
    found |= cold_starts([sys.executable, str(CHILD), "cold", peer, str(index), data.questions[0]], folder, runs)
    return found | latency([peer, str(index)], questions, folder)


def _built(run: Run) -> dict[str, float]:
    return {"build_s": run.seconds, "build_cpu_s": run.cpu_s, "build_rss_mb": run.max_rss_mb}


def latency(system_and_path: list[str], questions: Path, folder: Path) -> dict[str, float]:
    run = run_child([sys.executable, str(CHILD), "latency", *system_and_path, str(questions)], folder)
    numbers: dict[str, float] = json.loads(run.stdout)
    return numbers


def available_peers() -> list[str]:
    """The peers whose package is installed; each missing one is named once, with how to get it."""
    found = []
    for peer in SYSTEMS[1:]:
        if importlib.util.find_spec(peer) is None:
            print(f"note: {peer} is not installed (pip install -e '.[bench]'); its columns show n/a")
        else:
            found.append(peer)
    if found:
        print("peers: " + ", ".join(f"{peer} {importlib.metadata.version(peer)}" for peer in found)
              + ("; bm25s loads its index memory-mapped" if "bm25s" in found else ""))
    return found


def measure(generator: str, size: int, args: argparse.Namespace, peers: list[str], work: Path) -> dict[str, object]:
    """Every system's numbers over one generated table; the table's files are removed afterwards."""
    folder = work / f"{generator}-{size}"
    shutil.rmtree(folder, ignore_errors=True)  # a --keep run's files in --workdir: the import must start empty
    folder.mkdir()
    load = os.getloadavg()[0]
    try:
        data = generate(generator, size, folder, args.questions, args.synth_script)
        questions = folder / "questions.txt"
        questions.write_text("\n".join(data.questions) + "\n", encoding="utf-8")
        results = {"factbot": measure_factbot(data, questions, folder, args.cold_runs)}
        for peer in peers:
            results[peer] = measure_peer(peer, data, questions, folder, args.cold_runs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return {
        "generator": generator,
        "size": size,
        "questions": len(data.questions),
        "load_average": load,  # other people's work on the machine moves every figure
        "results": results,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="fact counts, comma-separated")
    parser.add_argument("--generator", default=",".join(GENERATORS), help="synth, project, or both (comma-separated)")
    parser.add_argument("--questions", type=int, default=500, help="questions per table (the first one is the cold start's)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per cold start (the median is shown)")
    parser.add_argument("--synth-script", type=Path, default=DEFAULT_SYNTH, help="the shared generator synth_facts.py")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the raw numbers here")
    parser.add_argument("--workdir", type=Path, help="where the files go (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep each table's fact file, database and indexes")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    except ValueError:
        print(f"speed.py: --sizes must be whole numbers separated by commas, not {args.sizes!r}", file=sys.stderr)
        return 2
    generators = [name.strip() for name in args.generator.split(",") if name.strip()]
    unknown = sorted(set(generators) - set(GENERATORS))
    if unknown or not generators or min(sizes) < 10 or args.questions < 2:
        print(f"speed.py: generators are {', '.join(GENERATORS)}; sizes at least 10; at least 2 questions", file=sys.stderr)
        return 2
    if "synth" in generators and not args.synth_script.exists():
        print(f"note: {args.synth_script} is missing (--synth-script); the synth generator is skipped")
        generators.remove("synth")
        if not generators:
            return 1

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{cores} cores, Python {platform.python_version()}, factbot as {' '.join(factbot_command())}")
    peers = available_peers()
    raw: dict[str, object] = {"cores": cores, "python": platform.python_version(), "runs": []}
    work = args.workdir or Path(tempfile.mkdtemp(prefix="factbot-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.keep:
        print(f"files kept in {work}")
    try:
        for generator in generators:
            for size in sizes:
                run = measure(generator, size, args, peers, work)
                raw["runs"].append(run)  # type: ignore[attr-defined]
                print()
                print(table(generator, size, run["results"]))  # type: ignore[arg-type]
                print(latency_notes(run["results"]))  # type: ignore[arg-type]
                print(f"load average (1 min) when this table started: {run['load_average']:.2f}", flush=True)
                if args.json:
                    args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    except (ChildFailed, subprocess.CalledProcessError) as error:
        print(f"speed.py: {error}", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
