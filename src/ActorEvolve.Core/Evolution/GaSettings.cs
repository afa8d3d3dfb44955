using System.Text.Json.Serialization;

namespace ActorEvolve.Core.Evolution;

/// <summary>How generation 0 is formed.</summary>
public enum InitialPopulation
{
    /// <summary>Independent random genomes (duplicates possible), as the seed does.</summary>
    Random,
    /// <summary>Distinct genomes: the whole space in a stable order when the population covers it, otherwise a
    /// sample without replacement. With one generation this is brute force (<c>actorevolve brute</c>).</summary>
    Grid,
    /// <summary>Space-filling: each gene's values dealt out evenly (every value appears before any appears twice),
    /// paired at random across genes, genomes distinct; float genes drawn at random.</summary>
    Spread,
}

/// <summary>How the population moves on.</summary>
public enum GaMode
{
    /// <summary>Whole generations, each waiting for its slowest genome (the seed's GA).</summary>
    Generational,
    /// <summary>One child per free trainer slot, no generation barrier (<see cref="SteadyStateSearch"/>).</summary>
    SteadyState,
}

/// <summary>Which member leaves a steady-state population when a child joins a full one.</summary>
public enum Removal
{
    /// <summary>The member that joined first (regularized evolution, Real et al. 2019).</summary>
    Oldest,
    /// <summary>The lowest-scoring member (the oldest of equals).</summary>
    Worst,
}

/// <summary>Genetic-algorithm parameters. The record's defaults are exactly Matt Harvey's 2017 GA (also a journal
/// written without a newer field reads as the seed's behaviour); hocon/actorevolve.conf adds the measured
/// improvements.</summary>
/// <param name="AvoidDuplicates">A child that is already evaluated (or already in the next generation) gets genes
/// re-drawn until it is new, so every generation spends its trainings on new networks instead of cache hits.</param>
/// <param name="Immigrants">Share of each new generation filled with new random genomes, for diversity.</param>
/// <param name="Tournament">Parents of each child are the best of this many random picks among the survivors
/// (selection pressure); below 2, picked uniformly as the seed does.</param>
/// <param name="SharingRadius">Fitness sharing: survivors are chosen by accuracy divided by how crowded their
/// niche is (genomes differing in at most this many genes); 0 = off. The best genome survives regardless.</param>
/// <param name="AdaptiveMutation">The mutation chance doubles for every generation in which the run's best did not
/// improve (up to 1), and falls back once it does.</param>
/// <param name="Evaluations">Steady-state run length in births (children evaluated or found in the cache);
/// 0: population × generations, the generational run's budget.</param>
/// <param name="BirthOrder">Steady state, deterministic: results join in birth order and child k is bred from the
/// population as it stood after births 0 … k − population joined, whatever order results arrive in.</param>
/// <param name="Guidance">Model-guided breeding: a surrogate fitted to every genome measured so far ranks
/// <c>Candidates</c> new children per child needed; the best are sent, except an <c>Exploration</c> share drawn at
/// random from the other candidates. Off: children are sent as bred.</param>
/// <param name="Rungs">Multi-fidelity (one objective): children are trained in these rungs, per generation
/// (<see cref="SuccessiveHalving"/>) or in steady state (<see cref="AsyncHalving"/>, not with birth order); null:
/// every child is fully trained.</param>
public sealed record GaSettings(
    int Population = 20,
    int Generations = 10,
    double Retain = 0.4,
    double RandomSelect = 0.1,
    double MutateChance = 0.2,
    InitialPopulation Initial = InitialPopulation.Random,
    bool AvoidDuplicates = false,
    double Immigrants = 0,
    int Tournament = 0,
    int SharingRadius = 0,
    bool AdaptiveMutation = false,
    GaMode Mode = GaMode.Generational,
    int Evaluations = 0,
    Removal Removal = Removal.Oldest,
    bool BirthOrder = false,
    Guidance Guidance = Guidance.Off,
    int Candidates = 20,
    double Exploration = 0.1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RungSettings? Rungs = null)
{
    /// <summary>The largest population: every genome of a generation is an actor, and two billion of them exhaust
    /// memory (the run then restarts its actors forever instead of failing).</summary>
    public const int MaxPopulation = 100_000;

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason for the first invalid field.</summary>
    public GaSettings Validated()
    {
        if (Population < 2) throw new ArgumentException($"population must be at least 2 (got {Population})");
        if (Population > MaxPopulation)
            throw new ArgumentException($"population must be at most {MaxPopulation} (got {Population})");
        if (Generations < 1) throw new ArgumentException($"generations must be at least 1 (got {Generations})");
        if (!(Retain > 0 && Retain <= 1)) throw new ArgumentException($"retain must be in (0, 1] (got {Retain})");
        if (!(RandomSelect >= 0 && RandomSelect <= 1))
            throw new ArgumentException($"random-select must be in [0, 1] (got {RandomSelect})");
        if (!(MutateChance >= 0 && MutateChance <= 1))
            throw new ArgumentException($"mutate-chance must be in [0, 1] (got {MutateChance})");
        if (SharingRadius < 0)
            throw new ArgumentException($"sharing-radius must be 0 (off) or more (got {SharingRadius})");
        if (Tournament < 0) throw new ArgumentException($"tournament must be 0 (off) or more (got {Tournament})");
        if (!(Immigrants >= 0 && Immigrants < 1))
            throw new ArgumentException($"immigrants must be in [0, 1) (got {Immigrants})");
        if (Evaluations != 0 && Evaluations < Population)
            throw new ArgumentException(
                $"evaluations must be 0 (population x generations) or at least the population (got {Evaluations})");
        if (Candidates < 1) throw new ArgumentException($"candidates must be at least 1 (got {Candidates})");
        if (!(Exploration >= 0 && Exploration <= 1))
            throw new ArgumentException($"exploration must be in [0, 1] (got {Exploration})");
        Rungs?.Validated();
        if (Rungs is not null && Mode == GaMode.SteadyState && BirthOrder)
            throw new ArgumentException("rungs and birth order do not go together: which genome a rung promotes " +
                                        "depends on the order results arrive in (turn ga.birth-order off)");
        return this;
    }

    /// <summary>A steady-state run's length in births.</summary>
    public int Births() => Evaluations > 0 ? Evaluations : Population * Generations;

    /// <summary>A steady-state run's rounds of population-size joins (its counterpart of generations).</summary>
    public int Rounds() => (Births() + Population - 1) / Population;

    /// <summary>What <paramref name="other"/> changes, in words ("population 20, not 30; retain 0.4, not 0.5"),
    /// named as in the configuration, for messages rather than a record dump.</summary>
    public string ChangesTo(GaSettings other) => string.Join("; ", typeof(GaSettings).GetProperties()
        .Where(p => !Equals(p.GetValue(this), p.GetValue(other)))
        .Select(p => $"{ConfigKey(p.Name)} {Word(p.GetValue(this))}, not {Word(p.GetValue(other))}"));

    static string ConfigKey(string property) =>
        System.Text.RegularExpressions.Regex.Replace(property, "(?<!^)([A-Z])", "-$1").ToLowerInvariant();

    static string? Word(object? value) => value switch
    {
        null => "off",
        bool on => on ? "on" : "off",
        Enum => ConfigKey($"{value}"),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)?.ToLowerInvariant(),
    };
}
