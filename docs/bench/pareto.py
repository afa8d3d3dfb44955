#!/usr/bin/python3
"""How much of a recorded grid's Pareto front (validation accuracy maximised, parameter count minimised) a
two-objective ActorEvolve search finds, against random search with the same number of unique evaluations.

    /usr/bin/python3 docs/bench/pareto.py --actorevolve src/ActorEvolve.Cli/bin/Release/net10.0/actorevolve \
        --table docs/grids/fashion-mnist-seed-space.csv --seeds 20

Adds each network's parameter count (28x28 inputs, 10 classes) to a copy of the grid, runs
`actorevolve search --fitness table:COPY` with the shipped GA (20 x 10) and
`objective { metric = [accuracy, parameters], direction = [maximize, minimize] }` once per seed, and reports per
search: the share of the grid's front found, the share of its returned front that is truly on the grid's front, and
the hypervolume it dominates as a share of the grid front's (reference point: the grid front's nadir, its least
accurate and its largest member, so that only the region of the front counts). A measurement, not a test: figures go to docs/benchmarks.md.
"""
import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import tempfile

GENES = ("activation", "nb_layers", "nb_neurons", "optimizer")


def parameters(neurons, layers, inputs=28 * 28, classes=10):
    count, width = 0, inputs
    for _ in range(layers):
        count, width = count + (width + 1) * neurons, neurons
    return count + (width + 1) * classes


def front(points):
    """The keys of points (key -> (accuracy, parameters)) that no other point dominates."""
    def dominates(a, b):
        return a[0] >= b[0] and a[1] <= b[1] and (a[0] > b[0] or a[1] < b[1])
    return {k for k, p in points.items() if not any(dominates(q, p) for q in points.values())}


def hypervolume(points, reference):
    """Area dominated by points (accuracy up, parameters down) beyond the reference (accuracy, parameters)."""
    area, best = 0.0, reference[0]
    for accuracy, size in sorted(points, key=lambda p: p[1]):
        if accuracy > best and size < reference[1]:
            area += (accuracy - best) * (reference[1] - size)
            best = accuracy
    return area


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actorevolve", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    with open(args.table, newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("status", "ok") == "ok"]
    work = tempfile.mkdtemp(prefix="pareto-bench-")
    sized = os.path.join(work, "sized.csv")
    with open(args.table, newline="") as source, open(sized, "w", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, [*reader.fieldnames, "parameters"])
        writer.writeheader()
        for row in reader:
            writer.writerow({**row, "parameters": parameters(int(row["nb_neurons"]), int(row["nb_layers"]))})
    points = {tuple(r[g] for g in GENES): (float(r["fitness"]),
                                           parameters(int(r["nb_neurons"]), int(r["nb_layers"]))) for r in rows}
    grid_front = front(points)
    nadir = (min(points[k][0] for k in grid_front), max(points[k][1] for k in grid_front))
    grid_volume = hypervolume([points[k] for k in grid_front], nadir)
    config = os.path.join(work, "two.conf")
    with open(config, "w") as handle:
        handle.write("actorevolve.objective { metric = [accuracy, parameters], direction = [maximize, minimize] }\n")
    figures = {"actorevolve": [], "random": []}
    for seed in range(1, args.seeds + 1):
        run = f"pareto-{seed}"
        subprocess.run([args.actorevolve, "search", "--fitness", f"table:{sized}", "--config", config, "--seed",
                        str(seed), "--run-id", run, "--state-dir", os.path.join(work, "runs")],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(work, "runs", run, "summary.json")) as handle:
            summary = json.load(handle)
        found = {tuple(m["genes"][g] for g in GENES) for m in summary["front"]}
        evaluations = summary["evaluations"]
        sample = random.Random(seed).sample(sorted(points), min(evaluations, len(points)))
        for name, returned in (("actorevolve", found), ("random", front({k: points[k] for k in sample}))):
            figures[name].append((len(returned & grid_front) / len(grid_front),
                                  len(returned & grid_front) / len(returned),
                                  hypervolume([points[k] for k in returned], nadir) / grid_volume, evaluations))
    print(f"grid front: {len(grid_front)} of {len(points)} networks; {args.seeds} seeds")
    print("search | unique evaluations | grid front found | returned front on the grid front | hypervolume")
    for name, rows in figures.items():
        cells = [f"{statistics.median(c):.0%} (min {min(c):.0%})" for c in list(zip(*rows))[:3]]
        print(f"{name} | {statistics.median(r[3] for r in rows):.0f} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
