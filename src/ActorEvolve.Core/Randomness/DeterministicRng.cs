namespace ActorEvolve.Core.Randomness;

/// <summary>
/// A small, fully specified PRNG (SplitMix64 seeding + xoshiro256**). We do not use System.Random because a run
/// must replay identically across .NET versions, and because streams are derived from (seed, purpose, index)
/// so that, e.g., generation 7 breeds the same way whether or not generations 0–6 ran in this process.
/// </summary>
public sealed class DeterministicRng
{
    ulong _s0, _s1, _s2, _s3;

    public DeterministicRng(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm); _s1 = SplitMix(ref sm); _s2 = SplitMix(ref sm); _s3 = SplitMix(ref sm);
    }

    /// <summary>Where the stream stands, to continue it elsewhere (<see cref="FromState"/>): a training's
    /// checkpoint.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    public static DeterministicRng FromState(IReadOnlyList<ulong> state)
    {
        if (state.Count != 4 || state.All(s => s == 0))
            throw new ArgumentException("a generator state is four numbers, not all zero", nameof(state));
        return new DeterministicRng(0) { _s0 = state[0], _s1 = state[1], _s2 = state[2], _s3 = state[3] };
    }

    /// <summary>An independent stream for one purpose, e.g. Derive(runSeed, "breed", generation).</summary>
    public static DeterministicRng Derive(long seed, string purpose, long index = 0) =>
        new(DeriveSeed(seed, purpose, index));

    public static ulong DeriveSeed(long seed, string purpose, long index = 0)
    {
        var h = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        foreach (var c in purpose) h = Mix(h ^ c);
        return Mix(h ^ (ulong)index);
    }

    public ulong NextUInt64()
    {
        var result = RotL(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotL(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        var bound = (ulong)maxExclusive;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>Fisher–Yates shuffle of a copy.</summary>
    public int[] Permutation(int count)
    {
        var p = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    static ulong SplitMix(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));
}
