#!/usr/bin/python3
"""The peers on a recorded grid: Optuna TPE, Optuna random and DEAP's eaSimple searching the grid that
`actorevolve bench replay` replays, counted the same way (unique evaluations: a genome asked for twice costs one
evaluation), printed as the table `bench replay --evaluations N` prints (peers.md).

    /usr/bin/python3 docs/bench/peers.py --table docs/grids/fashion-mnist-seed-space.csv --seeds 200

Needs the Debian packages python3-optuna and python3-deap. A measurement, not a test: figures go to
docs/benchmarks.md.
"""
import argparse
import csv
import math
import random
import sys
import warnings

NOT_GENES = {"fitness", "validation_loss", "test_accuracy", "epochs", "seconds", "status"}
BEST_AFTER = (20, 50, 100)
NEVER_WITHIN = (117, 300)


class Budget(Exception):
    """The search has spent its unique evaluations."""


def read_grid(path):
    """Gene names, each gene's values (in order of first appearance) and fitness by genome (a failed row: 0)."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "fitness" not in rows[0]:
        raise SystemExit(f"peers.py: error: {path} is not a recorded grid (no fitness column)")
    genes = [name for name in rows[0] if name not in NOT_GENES]
    values = {gene: list(dict.fromkeys(row[gene] for row in rows)) for gene in genes}
    fitness = {tuple(row[g] for g in genes): float(row["fitness"]) if row.get("status", "ok") == "ok" else 0.0
               for row in rows}
    return genes, values, fitness


class Trace:
    """Best fitness after each unique evaluation, as bench replay's TraceRecorder keeps it."""

    def __init__(self, fitness, cap):
        self.fitness, self.cap, self.seen, self.best_so_far = fitness, cap, {}, []

    def evaluate(self, genome):
        if genome not in self.seen:
            if len(self.best_so_far) == self.cap:
                raise Budget()
            self.seen[genome] = self.fitness[genome]
            self.best_so_far.append(max(self.seen[genome], self.best_so_far[-1] if self.best_so_far else 0.0))
        return self.seen[genome]

    def first_reaching(self, level):
        return next((i + 1 for i, best in enumerate(self.best_so_far) if best >= level), None)


def optuna_search(sampler_name, trials):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    def search(genes, values, trace, seed):
        sampler = (optuna.samplers.TPESampler(seed=seed) if sampler_name == "tpe"
                   else optuna.samplers.RandomSampler(seed=seed))
        study = optuna.create_study(direction="maximize", sampler=sampler)
        space = {g: optuna.distributions.CategoricalDistribution(values[g]) for g in genes}
        # TPE keeps asking for genomes it has measured (answered from the cache, free) and each ask costs time in
        # proportion to the trials so far: the trials are bounded as well as the unique evaluations.
        for _ in range(trials):
            trial = study.ask(space)
            study.tell(trial, trace.evaluate(tuple(trial.params[g] for g in genes)))
    return search


def deap_ea_simple(genes, values, trace, seed):
    """DEAP's eaSimple as its examples set it up: population 20 (as ActorEvolve's), uniform crossover with
    probability 0.5, a uniformly re-drawn gene with probability 0.2, tournaments of 3."""
    from deap import algorithms, base, creator, tools
    if not hasattr(creator, "GridFitness"):
        creator.create("GridFitness", base.Fitness, weights=(1.0,))
        creator.create("Individual", list, fitness=creator.GridFitness)
    random.seed(seed)
    upper = [len(values[g]) - 1 for g in genes]
    toolbox = base.Toolbox()
    toolbox.register("individual", lambda: creator.Individual(random.randint(0, u) for u in upper))
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("evaluate", lambda ind: (trace.evaluate(tuple(values[g][i] for g, i in zip(genes, ind))),))
    toolbox.register("mate", tools.cxUniform, indpb=0.5)
    toolbox.register("mutate", tools.mutUniformInt, low=[0] * len(genes), up=upper, indpb=1 / len(genes))
    toolbox.register("select", tools.selTournament, tournsize=3)
    algorithms.eaSimple(toolbox.population(n=20), toolbox, cxpb=0.5, mutpb=0.2, ngen=trace.cap, verbose=False)


def methods(trials):
    return {
        "tpe": (f"Optuna TPE (defaults, at most {trials:,} trials)", optuna_search("tpe", trials)),
        "random": ("Optuna random", optuna_search("random", trials)),
        "deap": ("DEAP eaSimple (20, cx 0.5, mut 0.2, tournament 3)", deap_ea_simple),
    }


def percentile(found, p):
    """bench replay's FindingStats: a seed that never found it counts as later than any that did."""
    ordered = sorted(math.inf if f is None else f for f in found)
    value = ordered[int(math.floor(p * (len(ordered) - 1) + 0.5))]
    return "never" if value == math.inf else str(value)


def row(name, traces, grid_best, near):
    to_best = [t.first_reaching(grid_best) for t in traces]
    to_near = [t.first_reaching(grid_best - near) for t in traces]
    never = [f"{sum(1 for f in to_best if f is None or f > k) / len(traces):.1%}" for k in NEVER_WITHIN]
    after = [f"{sum(t.best_so_far[min(k, len(t.best_so_far)) - 1] for t in traces) / len(traces):.4f}"
             for k in BEST_AFTER]
    cells = [name, percentile(to_best, 0.5), percentile(to_best, 0.1), percentile(to_best, 0.9),
             percentile(to_near, 0.5), *never, *after]
    return "| " + " | ".join(cells) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", required=True, help="a recorded grid (brute's grid.csv)")
    parser.add_argument("--seeds", type=int, default=200, help="searches per method, one per seed (1..N)")
    parser.add_argument("--evaluations", type=int, default=300, help="unique evaluations per search")
    parser.add_argument("--near", type=float, default=0.003, help="the near-best band, in fitness units")
    parser.add_argument("--trials", type=int, default=1000, help="most trials (asks) of an Optuna search")
    parser.add_argument("--methods", nargs="+", choices=["tpe", "random", "deap"], default=["tpe", "random", "deap"])
    parser.add_argument("--rows-only", action="store_true", help="print only the table rows")
    args = parser.parse_args()
    if args.seeds < 1 or args.evaluations < max(BEST_AFTER) or args.trials < args.evaluations:
        parser.error(f"--seeds must be at least 1, --evaluations at least {max(BEST_AFTER)}, "
                     "--trials at least --evaluations")
    genes, values, fitness = read_grid(args.table)
    grid_best = max(fitness.values())
    name = args.table.replace("\\", "/").split("/")[-1]
    header = (lambda *_: None) if args.rows_only else print
    header(f"Grid `{name}`: {len(fitness)} genomes, best fitness {grid_best:.4f}; "
           f"near = within {args.near * 100:g} pp; {args.seeds} seeds.\n")
    header(f"Searches run to {args.evaluations} unique evaluations.\n")
    header("| Search | To best: median | p10 | p90 | To near: median | "
           + " | ".join(f"never within {k}" for k in NEVER_WITHIN) + " | "
           + " | ".join(f"best after {k}" for k in BEST_AFTER) + " |")
    header("|---|" + "---|" * (4 + len(NEVER_WITHIN) + len(BEST_AFTER)))
    for method in args.methods:
        label, search = methods(args.trials)[method]
        traces = []
        for seed in range(1, args.seeds + 1):
            trace = Trace(fitness, args.evaluations)
            try:
                search(genes, values, trace, seed)
            except Budget:
                pass
            traces.append(trace)
        print(row(label, traces, grid_best, args.near), flush=True)


if __name__ == "__main__":
    sys.exit(main())
