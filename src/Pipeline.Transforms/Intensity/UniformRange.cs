using Pipeline.Data;

namespace Pipeline.Transforms.Intensity;

/// <summary>A closed interval a random parameter is drawn from uniformly.</summary>
/// <param name="Low">Smallest value.</param>
/// <param name="High">Largest value (equal to <paramref name="Low"/> for a fixed parameter).</param>
internal readonly record struct UniformRange(double Low, double High)
{
    /// <summary>One uniform draw from the stream; a degenerate range still consumes a draw, so later draws do not shift with the args.</summary>
    public double Draw(SampleRandom random) => random.NextDouble(Low, High);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"[{Low}, {High}]");
}
