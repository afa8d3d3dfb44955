using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Evolution;

/// <summary>A fact of a steady-state run, journaled in the order it happened.</summary>
public abstract record SteadyFact;

/// <summary>Child number <paramref name="Index"/> (counted from 0 over the run) was born.</summary>
public sealed record SteadyBirth(int Index, Genome Genome) : SteadyFact;

/// <summary>A genome's evaluation came back (every birth waiting for that genome then has its result). With rungs,
/// <see cref="FitnessResult.Rung"/> says which: rung 0 is the birth's evaluation, a higher one a promotion's.
/// </summary>
public sealed record SteadyResult(Genome Genome, FitnessResult Result) : SteadyFact;

/// <summary>With rungs: <paramref name="Genome"/> went on to rung <paramref name="Rung"/> (which genome did depends
/// on the order results arrived in, so it is a fact).</summary>
public sealed record SteadyPromotion(Genome Genome, int Rung) : SteadyFact;

/// <summary>The member born as <paramref name="Birth"/> left the population.</summary>
public sealed record SteadyRemoval(int Birth, Genome Genome) : SteadyFact;

/// <summary>What <see cref="SteadyStateSearch.Breed"/> produced: <paramref name="Evaluate"/> is false when the
/// genome is already evaluated or already being evaluated for an earlier birth (no slot is needed).</summary>
public sealed record Offspring(int Birth, Genome Genome, bool Evaluate);

/// <summary>A population member: the birth it came from and its result.</summary>
public sealed record Member(int Birth, ScoredGenome Scored);

/// <summary>
/// Steady-state (asynchronous) evolution as pure transitions: whenever a trainer slot is free, one child is bred
/// from the evaluated population (<see cref="Breed"/>); when its result comes back (<see cref="RecordResult"/>) it
/// joins, and once the population is over its size the oldest (regularized evolution) or the worst member leaves.
/// No generation barrier: a slot never waits for the slowest network of a generation.
/// Births 0 … population − 1 are the generational run's generation 0; until the population is full, further
/// births are random genomes. Birth k's randomness derives from (seed, k), so the state is rebuilt from its facts
/// (<see cref="Replay"/>). Which results a child sees depends on arrival order; with
/// <see cref="GaSettings.BirthOrder"/> it does not (results join in birth order, child k sees exactly births
/// 0 … max(population − 1, k − population)), at the price of slots waiting for late results.
/// With rungs (<see cref="GaSettings.Rungs"/>, multi-fidelity) a free slot gets <see cref="NextTrial"/>: the best
/// promotion ASHA allows (<see cref="AsyncHalving"/>), else a new birth's first rung. A child joins with its
/// first rung's result; a promotion's result replaces its genome's (members keep their birth and age). After the
/// last birth, promotions go on until none is possible; then the run is finished.
/// </summary>
public sealed class SteadyStateSearch
{
    readonly Evolver _evolver;
    readonly IReadOnlyList<Genome> _initial;
    readonly List<Genome> _births = [];
    readonly Dictionary<string, ScoredGenome> _evaluated = new(StringComparer.Ordinal);
    /// <summary>Births without a result yet, by the genome they wait for.</summary>
    readonly Dictionary<string, List<int>> _waiting = new(StringComparer.Ordinal);
    /// <summary>Births with a result that have not joined yet (birth order holds them back).</summary>
    readonly SortedSet<int> _arrived = [];
    readonly List<Member> _members = [];
    /// <summary>The members' results best first (<see cref="Evolver.BestFirst"/>), kept so as members join, leave
    /// and are promoted: breeding needs the ranking for every child, and at 400 slots sorting a population of 1,600
    /// for each was a fifth of the coordinator's CPU. With two objectives the order is the population's as a whole
    /// (Pareto fronts and crowding), so it is ranked when asked for instead.</summary>
    readonly List<ScoredGenome> _ranked = [];
    /// <summary>Every genome that has joined the population (once each): what guidance models. With birth order it
    /// depends on the births alone, not on the order results arrived in.</summary>
    readonly Measurements _joinedGenomes;
    readonly List<SteadyFact> _facts = [];
    /// <summary>With birth order: births 0 … this − 1 have joined.</summary>
    int _joinedPrefix;
    int _joined;
    readonly List<GenerationSummary> _rounds = [];
    int _trainedThisRound, _cachedThisRound;
    /// <summary>The rungs; null without.</summary>
    readonly AsyncHalving? _halving;

    public SearchSpace Space { get; }
    public GaSettings Settings { get; }
    public long Seed { get; }
    public Objective Objective { get; }

    public SteadyStateSearch(SearchSpace space, GaSettings settings, long seed, Objective? objective = null)
    {
        Space = space;
        Settings = settings.Validated();
        Seed = seed;
        Objective = (objective ?? Objective.Default).Validated(Settings);
        _evolver = new Evolver(space, Settings, Objective);
        _joinedGenomes = new Measurements(space);
        _initial = _evolver.InitialPopulation(DeterministicRng.Derive(seed, "initial-population"));
        if (Settings.Rungs is { } rungs) _halving = new AsyncHalving(rungs);
    }

    /// <summary>Children born so far (the run's length counts these).</summary>
    public int Births => _births.Count;

    /// <summary>Every genome evaluated in this run, by key.</summary>
    public IReadOnlyDictionary<string, ScoredGenome> Evaluated => _evaluated;

    /// <summary>The current population, in the order its members joined (oldest first).</summary>
    public IReadOnlyList<Member> Population => _members;

    /// <summary>Every birth, result and removal in the order it happened: with the seed and settings, the state.
    /// </summary>
    public IReadOnlyList<SteadyFact> Facts => _facts;

    /// <summary>Genomes sent for evaluation without a result yet, in birth order (to send again after a resume).
    /// </summary>
    public IReadOnlyList<Genome> PendingEvaluations => _waiting.Values.Select(births => births[0]).Order()
        .Select(birth => _births[birth]).ToArray();

    /// <summary>With rungs: the trials started without a result yet (first rungs in birth order, then promotions),
    /// to send again after a resume.</summary>
    public IReadOnlyList<RungTrial> PendingTrials => _halving is null ? []
        : [.. PendingEvaluations.Select(_halving.FirstRung), .. _halving.Promoting];

    /// <summary>Trainings started without a result yet: evaluations, or with rungs trials.</summary>
    public int Running => _waiting.Count + (_halving?.Promoting.Count ?? 0);

    /// <summary>With rungs: how many genomes reached each rung so far; null without rungs.</summary>
    public IReadOnlyList<int>? Reached => _halving?.Reached;

    /// <summary>Whether a free slot may get a child now: births remain, and with birth order the results the next
    /// child must see have all joined.</summary>
    public bool CanBreed => Births < Settings.Births() &&
        (!Settings.BirthOrder || Births < Size || _joinedPrefix >= Math.Max(Size, Births - Size + 1));

    public bool IsFinished => Births == Settings.Births() && _waiting.Count == 0 && _arrived.Count == 0 &&
                              (_halving is null || _halving.Promoting.Count == 0 && _halving.Promotion() is null);

    /// <summary>The run in rounds of population-size joins (the steady-state counterpart of generations): each
    /// round's summary describes the population as it stood when the round closed.</summary>
    public IReadOnlyList<GenerationSummary> History => _rounds;

    /// <summary>The round in progress (counted from 0), and how many a run has.</summary>
    public int Round => _rounds.Count;
    public int Rounds => Settings.Rounds();

    /// <summary>Every evaluated genome of the run, best first (with two objectives: the Pareto front first).
    /// </summary>
    public IReadOnlyList<ScoredGenome> Ranking => _evolver.Order(_evaluated.Values);

    /// <summary>The current population's members, best first as the objective sees it.</summary>
    public IReadOnlyList<ScoredGenome> RankedPopulation =>
        Objective.IsPareto ? _evolver.Order(_members.Select(m => m.Scored)) : _ranked.ToArray();

    public ScoredGenome Best => Ranking[0];

    int Size => Settings.Population;

    /// <summary>Breeds the next child (call only while <see cref="CanBreed"/>).</summary>
    public Offspring Breed()
    {
        if (!CanBreed) throw new InvalidOperationException($"birth {Births} cannot be bred now");
        var birth = Births;
        var genome = birth < _initial.Count ? _initial[birth] : Conceive(DeterministicRng.Derive(Seed, "birth", birth));
        _births.Add(genome);
        _facts.Add(new SteadyBirth(birth, genome));
        var evaluate = !_evaluated.ContainsKey(genome.Key) && !_waiting.ContainsKey(genome.Key);
        if (_evaluated.ContainsKey(genome.Key))
        {
            _cachedThisRound++;
            _arrived.Add(birth);
        }
        else if (_waiting.TryGetValue(genome.Key, out var earlier)) earlier.Add(birth);
        else _waiting[genome.Key] = [birth];
        Join();
        return new Offspring(birth, genome, evaluate);
    }

    /// <summary>With rungs: what a free slot trains next, the best promotion available, else the first rung of
    /// the next birth that needs training (births of genomes already evaluated join without one); null when neither
    /// can start now.</summary>
    public RungTrial? NextTrial()
    {
        var halving = _halving ?? throw new InvalidOperationException("a run without rungs breeds (Breed)");
        if (Promote() is { } promotion) return promotion;
        while (CanBreed)
            if (Breed() is { Evaluate: true } child) return halving.FirstRung(child.Genome);
        return null;
    }

    RungTrial? Promote()
    {
        if (_halving!.Promotion() is not { } promotion) return null;
        _halving.Start(promotion);
        _facts.Add(new SteadyPromotion(promotion.Genome, promotion.Rung));
        return promotion;
    }

    Genome Conceive(DeterministicRng rng)
    {
        bool IsNew(Genome g) => !_evaluated.ContainsKey(g.Key) && !_waiting.ContainsKey(g.Key);
        var immigrant = rng.NextDouble() < Settings.Immigrants;
        if (_members.Count < Size || immigrant) return _evolver.Immigrant(rng, IsNew);
        var ranked = Objective.IsPareto ? RankedPopulation : _ranked;
        return _evolver.Child(ranked.Select(s => s.Genome).ToArray(), rng, IsNew,
            Surrogate.Fit(Settings.Guidance, _joinedGenomes, Objective));
    }

    /// <summary>Records a genome's result as the objective sees it (idempotent: a genome's second result is ignored);
    /// with rungs, its result at <paramref name="rung"/> (0: its birth's evaluation, else its promotion's).</summary>
    public void RecordResult(Genome genome, FitnessResult result, int rung = 0)
    {
        if (rung > 0)
        {
            RecordPromotion(genome, result, rung);
            return;
        }
        if (_evaluated.ContainsKey(genome.Key)) return;
        if (!_waiting.Remove(genome.Key, out var births))
            throw new InvalidOperationException($"no birth waits for {genome.Key}");
        result = Objective.Apply(result);
        if (_halving is not null) result = _halving.Record(genome, 0, result);
        _evaluated[genome.Key] = new ScoredGenome(genome, result);
        _facts.Add(new SteadyResult(genome, result));
        _trainedThisRound++;
        _arrived.UnionWith(births);
        Join();
    }

    /// <summary>A promotion's result replaces its genome's: in the run's results and in every member of that genome
    /// (who keeps its birth, so its age).</summary>
    void RecordPromotion(Genome genome, FitnessResult result, int rung)
    {
        var halving = _halving ?? throw new InvalidOperationException("a run without rungs promotes nothing");
        if (halving.Measured(genome.Key) > rung) return; // a repeat
        var scored = new ScoredGenome(genome, halving.Record(genome, rung, Objective.Apply(result)));
        _evaluated[genome.Key] = scored;
        _facts.Add(new SteadyResult(genome, scored.Fitness));
        for (var i = 0; i < _members.Count; i++)
            if (_members[i].Scored.Genome.Key == genome.Key)
            {
                Unrank(_members[i].Scored);
                Rank(scored);
                _members[i] = _members[i] with { Scored = scored };
            }
        if (_joinedGenomes.Contains(genome.Key)) _joinedGenomes.Set(scored);
    }

    /// <summary>Lets arrived births join: all at once, or with birth order the next ones in line once no child still
    /// to be bred must not see them (birth j ≥ population joins once births j … j + population − 1 are bred).</summary>
    void Join()
    {
        while (_arrived.Count > 0)
        {
            var birth = _arrived.Min;
            if (Settings.BirthOrder)
            {
                var breedingDone = Births == Settings.Births();
                if (birth != _joinedPrefix || (birth >= Size && !breedingDone && Births < birth + Size)) return;
                _joinedPrefix++;
            }
            _arrived.Remove(birth);
            var scored = _evaluated[_births[birth].Key];
            _members.Add(new Member(birth, scored));
            Rank(scored);
            if (!_joinedGenomes.Contains(scored.Genome.Key)) _joinedGenomes.Set(scored);
            if (_members.Count > Size) Remove();
            if (++_joined % Size == 0 || _joined == Settings.Births()) CloseRound();
        }
    }

    void CloseRound()
    {
        _rounds.Add(SearchState.Summarize(Round, RankedPopulation, Objective, _trainedThisRound, _cachedThisRound));
        (_trainedThisRound, _cachedThisRound) = (0, 0);
    }

    void Remove()
    {
        var leaving = Settings.Removal == Removal.Oldest ? _members[0]
            : Objective.IsPareto ? Oldest(RankedPopulation[^1].Genome.Key) // NSGA-II's last: worst front, crowded
            // like with like (a partial genome below a fully trained one); MinBy keeps the first (oldest) of equals
            : _members.MinBy(m => (Evolver.Trained(m.Scored.Fitness), m.Scored.Fitness.Score))!;
        _members.Remove(leaving);
        Unrank(leaving.Scored);
        _facts.Add(new SteadyRemoval(leaving.Birth, leaving.Scored.Genome));
    }

    /// <summary>Adds a member's result to the ranking (equal results are one genome's, so their order is moot).
    /// </summary>
    void Rank(ScoredGenome scored)
    {
        var at = _ranked.BinarySearch(scored, Evolver.BestFirst);
        _ranked.Insert(at < 0 ? ~at : at, scored);
    }

    void Unrank(ScoredGenome scored) => _ranked.RemoveAt(_ranked.BinarySearch(scored, Evolver.BestFirst));

    Member Oldest(string genomeKey) => _members.First(m => m.Scored.Genome.Key == genomeKey);

    /// <summary>Rebuilds a state from its journaled facts (births, promotions and results drive it; removals are
    /// checked), so a resumed run continues exactly. A fact the seed and settings do not produce throws
    /// <see cref="InvalidDataException"/>: the facts are not this run's (a birth while a promotion was available, a
    /// promotion ASHA would not have made then).</summary>
    public static SteadyStateSearch Replay(SearchSpace space, GaSettings settings, long seed,
        IEnumerable<SteadyFact> facts, Objective? objective = null)
    {
        var state = new SteadyStateSearch(space, settings, seed, objective);
        var position = 0;
        foreach (var fact in facts)
        {
            if (fact is SteadyBirth && state.CanBreed && state._halving?.Promotion() is null) state.Breed();
            else if (fact is SteadyPromotion && state._halving is not null) state.Promote();
            else if (fact is SteadyResult result && state.Awaits(result.Genome.Key, result.Result.Rung ?? 0))
                state.RecordResult(result.Genome, result.Result, result.Result.Rung ?? 0);
            var produced = position < state._facts.Count ? state._facts[position] : null;
            var same = (produced, fact) switch
            {
                (SteadyResult a, SteadyResult b) => a.Genome.Equals(b.Genome) && a.Result.Rung == b.Result.Rung,
                var (a, b) => Equals(a, b),
            };
            if (!same)
                throw new InvalidDataException($"steady-state fact {position + 1} ({fact}) is not what seed {seed} " +
                                               $"and these settings produce ({produced?.ToString() ?? "nothing"})");
            position++;
        }
        return state;
    }

    /// <summary>Whether a result of <paramref name="genomeKey"/> at <paramref name="rung"/> is awaited.</summary>
    bool Awaits(string genomeKey, int rung) => rung == 0 ? _waiting.ContainsKey(genomeKey)
        : _halving?.Promoting.Any(t => t.Genome.Key == genomeKey && t.Rung == rung) == true;
}
