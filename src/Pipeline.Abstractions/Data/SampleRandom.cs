namespace Pipeline.Data;

/// <summary>A reproducible random stream for one transform acting on one sample, seeded from (run seed, epoch, sample index, transform position).</summary>
/// <remarks>
/// Deriving each stream from the sample's identity, rather than drawing from a shared generator, makes crops and
/// augmentations independent of the number of workers and of the order in which they finish. The generator is
/// xoshiro256** seeded through SplitMix64: fixed here so results do not change with the .NET version.
/// </remarks>
public sealed class SampleRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the stream for <paramref name="sample"/> at chain position <paramref name="position"/>.</summary>
    public SampleRandom(SampleInfo sample, int position)
        : this(Mix(Mix(Mix((ulong)sample.Seed) ^ (ulong)(uint)sample.Epoch) ^ (ulong)(uint)sample.Index) ^ (ulong)(uint)position)
    {
    }

    /// <summary>Creates a stream from a raw seed.</summary>
    public SampleRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public long NextInt64(long maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        var bound = (ulong)maxExclusive;
        var threshold = (0 - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            if (r >= threshold) return (long)(r % bound);
        }
    }

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool NextBool(double probability) => NextDouble() < probability;

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A seed for a torch generator, so tensor-valued randomness follows the same stream.</summary>
    public ulong NextTorchSeed() => NextUInt64() >> 1;

    private static ulong Mix(ulong x)
    {
        var s = x;
        return SplitMix(ref s);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
