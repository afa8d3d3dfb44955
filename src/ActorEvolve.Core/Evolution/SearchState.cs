using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Evolution;

public sealed record GenerationSummary(
    int Generation, double Best, double Mean, double Worst, string BestGenome, int Trained, int Cached, int Failed);

/// <summary>A fact of a run: in this generation, this genome was evaluated with this result.</summary>
public sealed record RecordedFitness(int Generation, Genome Genome, FitnessResult Result);

/// <summary>
/// The whole state of a search as pure transitions, independent of actors: which generation we are in, its
/// population, and every fitness measured so far (the cache that guarantees no genome is trained twice).
/// Each generation's randomness derives from (seed, generation), so the state can be rebuilt from its facts alone.
/// </summary>
public sealed class SearchState
{
    readonly Dictionary<string, ScoredGenome> _evaluated = new(StringComparer.Ordinal);
    readonly List<RecordedFitness> _facts = [];
    readonly List<GenerationSummary> _history = [];
    readonly Evolver _evolver;
    readonly HashSet<string> _trainedThisGeneration = new(StringComparer.Ordinal);
    int _cachedThisGeneration;
    GenerationSummary? _summary; // the complete current generation's, once asked for (journaled, then closed)

    public SearchSpace Space { get; }
    public GaSettings Settings { get; }
    public long Seed { get; }
    /// <summary>Which metric selection ranks by, and in which direction.</summary>
    public Objective Objective { get; }
    public int Generation { get; private set; }
    public IReadOnlyList<Genome> Population { get; private set; }
    /// <summary>Every genome evaluated in this run, by key: the cache that means no genome trains twice.</summary>
    public IReadOnlyDictionary<string, ScoredGenome> Evaluated => _evaluated;
    public IReadOnlyList<GenerationSummary> History => _history;

    /// <summary>Every evaluation in the order it was recorded: with the seed and settings, the whole state.</summary>
    public IReadOnlyList<RecordedFitness> Facts => _facts;
    public bool IsFinished => _history.Count == Settings.Generations;

    public SearchState(SearchSpace space, GaSettings settings, long seed, Objective? objective = null)
    {
        Space = space;
        Settings = settings.Validated();
        Objective = (objective ?? Objective.Default).Validated(Settings);
        Seed = seed;
        _evolver = new Evolver(space, Settings, Objective);
        Population = _evolver.InitialPopulation(DeterministicRng.Derive(seed, "initial-population"));
        CountCacheHits();
    }

    /// <summary>Distinct genomes of the current generation that still need a fitness, in population order.</summary>
    public IReadOnlyList<Genome> PendingEvaluations =>
        Population.DistinctBy(g => g.Key).Where(g => !_evaluated.ContainsKey(g.Key)).ToArray();

    /// <summary>The current generation's distinct genomes that were not evaluated before it (trained in it, or still
    /// to be): the children its rungs (<see cref="SuccessiveHalving"/>) are run over, also after a resume.</summary>
    public IReadOnlyList<Genome> NewThisGeneration => Population.DistinctBy(g => g.Key)
        .Where(g => !_evaluated.ContainsKey(g.Key) || _trainedThisGeneration.Contains(g.Key)).ToArray();

    public bool IsGenerationComplete => Population.All(g => _evaluated.ContainsKey(g.Key));

    /// <summary>Records a genome's result as the objective sees it (<see cref="Objective.Apply"/>, idempotent, so
    /// the actor may apply it before journaling and replay applies it again).</summary>
    public void RecordFitness(Genome genome, FitnessResult result)
    {
        result = Objective.Apply(result);
        if (!_evaluated.TryAdd(genome.Key, new ScoredGenome(genome, result))) return;
        _trainedThisGeneration.Add(genome.Key);
        _summary = null;
        _facts.Add(new RecordedFitness(Generation, genome, result));
    }

    /// <summary>Rebuilds a state from its facts: the same transitions, so the same populations and breeding
    /// decisions as the run that recorded them, without training anything.</summary>
    public static SearchState Replay(SearchSpace space, GaSettings settings, long seed,
        IEnumerable<RecordedFitness> facts, int completedGenerations, Objective? objective = null)
    {
        var state = new SearchState(space, settings, seed, objective);
        var byGeneration = facts.ToLookup(f => f.Generation);
        for (var generation = 0; ; generation++)
        {
            foreach (var fact in byGeneration[generation]) state.RecordFitness(fact.Genome, fact.Result);
            if (generation >= completedGenerations || state.IsFinished) return state;
            state.CompleteGeneration();
        }
    }

    public IReadOnlyList<ScoredGenome> RankedPopulation =>
        _evolver.Order(Population.Select(g => _evaluated[g.Key]));

    /// <summary>Every evaluated genome of the run, best first (with two objectives: the Pareto front first).
    /// </summary>
    public IReadOnlyList<ScoredGenome> Ranking => _evolver.Order(_evaluated.Values);

    /// <summary>The best genome evaluated so far in the whole run.</summary>
    public ScoredGenome Best => Ranking[0];

    /// <summary>Closes the current generation and, unless it was the last, breeds the next one.</summary>
    public GenerationSummary CompleteGeneration()
    {
        var summary = CurrentSummary();
        _history.Add(summary);
        if (!IsFinished)
        {
            var breeding = DeterministicRng.Derive(Seed, "breed", Generation + 1);
            Population = _evolver.NextGeneration(RankedPopulation, breeding, _evaluated.ContainsKey,
                StagnantGenerations(), _evaluated.Values);
            Generation++;
            _trainedThisGeneration.Clear();
            _summary = null;
            CountCacheHits();
        }
        return summary;
    }

    /// <summary>The current (complete) generation's best, mean and worst objective values. Failed genomes count
    /// as 0 when the objective is maximised (the seed's accuracy convention) and are left out when it is minimised.
    /// Worked out once per generation: the run journals it, then closes the generation with it.</summary>
    public GenerationSummary CurrentSummary()
    {
        if (!IsGenerationComplete)
            throw new InvalidOperationException($"generation {Generation} still has pending evaluations");
        return _summary ??= Summarize(Generation, RankedPopulation, Objective, _trainedThisGeneration.Count,
            _cachedThisGeneration);
    }

    /// <summary>Best, mean and worst objective values of a ranked population (best first). With rungs the best is
    /// a fully trained genome's: a partial one's score was measured after fewer epochs.</summary>
    internal static GenerationSummary Summarize(int generation, IReadOnlyList<ScoredGenome> ranked, Objective objective,
        int trained, int cached)
    {
        double[] Scores(IEnumerable<ScoredGenome> genomes) => objective.Maximize
            ? genomes.Select(r => r.Fitness.Failed ? 0 : r.Fitness.Accuracy).ToArray()
            : genomes.Where(r => !r.Fitness.Failed).Select(r => r.Fitness.Accuracy).DefaultIfEmpty(double.NaN)
                .ToArray();
        var scores = Scores(ranked);
        var full = ranked.Any(r => !r.Fitness.Partial) ? Scores(ranked.Where(r => !r.Fitness.Partial)) : scores;
        var (best, worst) = objective.Maximize ? (full.Max(), scores.Min()) : (full.Min(), scores.Max());
        return new GenerationSummary(generation, best, scores.Average(), worst, ranked[0].Genome.Key,
            trained, cached, ranked.Count(r => r.Fitness.Failed));
    }

    /// <summary>Completed generations, counted from the last, whose best did not beat every generation before
    /// them.</summary>
    int StagnantGenerations()
    {
        var stagnant = 0;
        var sign = Objective.Maximize ? 1 : -1; // compare "better", whichever way the objective points
        for (var i = _history.Count - 1; i > 0; i--)
        {
            if (sign * _history[i].Best > _history.Take(i).Max(h => sign * h.Best)) break;
            stagnant++;
        }
        return stagnant;
    }

    void CountCacheHits() => _cachedThisGeneration = Population.Count(g => _evaluated.ContainsKey(g.Key));
}
