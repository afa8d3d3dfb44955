using System.Collections.Immutable;
using System.Globalization;

namespace ActorEvolve.Core.Genes;

/// <summary>An immutable set of gene values. Two genomes with the same values are the same network:
/// <see cref="Key"/> is the canonical identity used by the fitness cache.</summary>
public sealed class Genome : IEquatable<Genome>
{
    public ImmutableSortedDictionary<string, string> Genes { get; }

    /// <summary>Canonical identity, e.g. "activation=relu;nb_layers=2;nb_neurons=512;optimizer=adam".</summary>
    public string Key { get; }

    public Genome(IEnumerable<KeyValuePair<string, string>> genes)
    {
        Genes = genes.ToImmutableSortedDictionary(StringComparer.Ordinal);
        Key = string.Join(";", Genes.Select(kv => $"{kv.Key}={kv.Value}"));
    }

    public static Genome Parse(string key) =>
        new(key.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"'{part}' is not gene=value");
            return KeyValuePair.Create(part[..eq], part[(eq + 1)..]);
        }));

    public string Get(string gene) =>
        Genes.TryGetValue(gene, out var v) ? v : throw new KeyNotFoundException($"genome has no gene '{gene}'");

    public string GetOr(string gene, string fallback) => Genes.GetValueOrDefault(gene, fallback);

    public int GetInt(string gene, int fallback) =>
        Genes.TryGetValue(gene, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string gene, double fallback) =>
        Genes.TryGetValue(gene, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public Genome With(string gene, string value) => new(Genes.SetItem(gene, value));

    public bool Equals(Genome? other) => other is not null && other.Key == Key;
    public override bool Equals(object? obj) => obj is Genome g && Equals(g);
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Key;
}
