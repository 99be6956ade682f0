using Pipeline.Components;

namespace Pipeline.Data;

/// <summary>An ordered list of transforms applied to a sample, each with its own reproducible random stream.</summary>
public sealed class TransformChain
{
    /// <summary>Creates the chain.</summary>
    public TransformChain(IReadOnlyList<ITransform> transforms) => Transforms = transforms;

    /// <summary>The transforms, in order.</summary>
    public IReadOnlyList<ITransform> Transforms { get; }

    /// <summary>Number of leading deterministic transforms: their output may be cached and reused across epochs.</summary>
    public int DeterministicPrefixLength => Transforms.TakeWhile(t => t.IsDeterministic).Count();

    /// <summary>Applies transforms [<paramref name="from"/>, <paramref name="to"/>) to the sample in place.</summary>
    public void Apply(TransformContext context, int from = 0, int? to = null)
    {
        var end = to ?? Transforms.Count;
        for (var i = from; i < end; i++)
        {
            context.Position = i;
            Transforms[i].Apply(context);
        }
    }
}
