namespace ActorEvolve.Core.Evolution;

/// <summary>Genetic-algorithm parameters. Defaults are Matt Harvey's 2017 settings.</summary>
public sealed record GaSettings(
    int Population = 20,
    int Generations = 10,
    double Retain = 0.4,
    double RandomSelect = 0.1,
    double MutateChance = 0.2)
{
    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason for the first invalid field.</summary>
    public GaSettings Validated()
    {
        if (Population < 2) throw new ArgumentException($"population must be at least 2 (got {Population})");
        if (Generations < 1) throw new ArgumentException($"generations must be at least 1 (got {Generations})");
        if (!(Retain > 0 && Retain <= 1)) throw new ArgumentException($"retain must be in (0, 1] (got {Retain})");
        if (!(RandomSelect >= 0 && RandomSelect <= 1)) throw new ArgumentException($"random-select must be in [0, 1] (got {RandomSelect})");
        if (!(MutateChance >= 0 && MutateChance <= 1)) throw new ArgumentException($"mutate-chance must be in [0, 1] (got {MutateChance})");
        return this;
    }
}
