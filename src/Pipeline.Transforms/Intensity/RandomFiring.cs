using Pipeline.Data;

namespace Pipeline.Transforms.Intensity;

/// <summary>The "does it fire" draw of the random intensity transforms, made first so the parameter draws that follow are the same whatever the probability.</summary>
internal static class RandomFiring
{
    /// <summary>
    /// True with <paramref name="probability"/>. When false the fields still get their compute type (and must exist), so a
    /// sample's dtype does not depend on the draw.
    /// </summary>
    public static bool Fires(TransformContext context, SampleRandom random, double probability, IReadOnlyList<string> fields, string requestedBy)
    {
        if (random.NextBool(probability)) return true;
        foreach (var field in fields) ImageFields.ConvertToComputeType(context, field, requestedBy);
        return false;
    }
}
