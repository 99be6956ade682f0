using Pipeline.Configuration.Documents;
using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>What one epoch of an image pipeline goes through: the data-list items it visits and how each becomes a transformed sample.</summary>
/// <param name="Items">Data-list indices; the epoch plan's positions index this list.</param>
/// <param name="Prepare">Makes the sample of one item with the whole pre-transform chain applied; called concurrently by producers; disposes what it made when it throws.</param>
/// <param name="Release">Runs once the epoch's producers have stopped.</param>
public sealed record EpochSamples(IReadOnlyList<int> Items, Func<DatalistItem, TransformContext> Prepare, Action? Release = null)
{
    /// <summary>Every item, each through the whole chain with the random streams of (<paramref name="seed"/>, <paramref name="epoch"/>).</summary>
    public static EpochSamples Uncached(int itemCount, TransformChain chain, long seed, int epoch) =>
        new(Enumerable.Range(0, itemCount).ToList(), item => Transformed(DatalistSamples.CreateContext(item, seed, epoch), chain, 0));

    /// <summary>Applies the chain from <paramref name="from"/> to <paramref name="context"/>, disposing it when a transform throws.</summary>
    public static TransformContext Transformed(TransformContext context, TransformChain chain, int from)
    {
        try
        {
            chain.Apply(context, from);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }
}
