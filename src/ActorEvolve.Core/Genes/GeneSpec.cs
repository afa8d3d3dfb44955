using System.Globalization;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Genes;

/// <summary>One dimension of the search space. Values are kept as canonical invariant strings so genomes
/// compare, hash and serialize without floating-point or culture surprises.</summary>
public abstract record GeneSpec(string Name)
{
    public abstract string Sample(DeterministicRng rng);

    /// <summary>Number of distinct values, or null for a continuous range.</summary>
    public abstract int? Cardinality { get; }

    public abstract bool Contains(string value);

    /// <summary>Every value, in declaration order (only for finite genes).</summary>
    public abstract IEnumerable<string> Enumerate();

    public abstract string Describe();

    protected static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A categorical gene, e.g. activation ∈ {relu, elu, tanh, sigmoid}.</summary>
public sealed record ChoiceGene : GeneSpec
{
    public IReadOnlyList<string> Values { get; }

    public ChoiceGene(string name, IEnumerable<string> values) : base(name)
    {
        Values = values.ToArray();
        if (Values.Count == 0) throw new SearchSpaceException($"gene '{name}' has an empty choice list");
        if (Values.Distinct().Count() != Values.Count)
            throw new SearchSpaceException($"gene '{name}' lists a value twice");
    }

    public override string Sample(DeterministicRng rng) => rng.Pick(Values);
    public override int? Cardinality => Values.Count;
    public override bool Contains(string value) => Values.Contains(value);
    public override IEnumerable<string> Enumerate() => Values;
    public override string Describe() => $"{Name} ∈ {{{string.Join(", ", Values)}}}";
}

/// <summary>An integer gene in [Min, Max] inclusive, e.g. nb_layers ∈ 1..4.</summary>
public sealed record IntRangeGene : GeneSpec
{
    public int Min { get; }
    public int Max { get; }

    public IntRangeGene(string name, int min, int max) : base(name)
    {
        if (min > max) throw new SearchSpaceException($"gene '{name}' has min {min} > max {max}");
        Min = min; Max = max;
    }

    public override string Sample(DeterministicRng rng) =>
        (Min + rng.NextInt(Max - Min + 1)).ToString(CultureInfo.InvariantCulture);
    public override int? Cardinality => Max - Min + 1;
    public override bool Contains(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= Min && v <= Max;
    public override IEnumerable<string> Enumerate() =>
        Enumerable.Range(Min, Max - Min + 1).Select(v => v.ToString(CultureInfo.InvariantCulture));
    public override string Describe() => $"{Name} ∈ {Min}..{Max}";
}

/// <summary>A continuous gene in [Min, Max], sampled uniformly or log-uniformly (learning rates).</summary>
public sealed record FloatRangeGene : GeneSpec
{
    public double Min { get; }
    public double Max { get; }
    public bool Log { get; }

    public FloatRangeGene(string name, double min, double max, bool log) : base(name)
    {
        if (!(min < max)) throw new SearchSpaceException($"gene '{name}' needs min < max (got {min}, {max})");
        if (log && min <= 0) throw new SearchSpaceException($"gene '{name}' is log-scaled and needs min > 0");
        Min = min; Max = max; Log = log;
    }

    public override string Sample(DeterministicRng rng)
    {
        var u = rng.NextDouble();
        var v = Log ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
        // Six significant digits: finer steps do not change training, and coarser keys let the cache hit.
        return Invariant(double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    public override int? Cardinality => null;
    public override bool Contains(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= Min && v <= Max;
    public override IEnumerable<string> Enumerate() =>
        throw new InvalidOperationException($"gene '{Name}' is continuous and cannot be enumerated");
    public override string Describe() => $"{Name} ∈ [{Invariant(Min)}, {Invariant(Max)}]{(Log ? " log" : "")}";
}

public sealed class SearchSpaceException(string message) : Exception(message);
