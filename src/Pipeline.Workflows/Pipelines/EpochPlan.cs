using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Which data-list items make up each batch of one epoch; depends only on (seed, epoch) and the settings.</summary>
public static class EpochPlan
{
    /// <summary>The item positions of every batch, in order.</summary>
    /// <param name="itemCount">Items in the data list.</param>
    /// <param name="batchSize">Items per batch.</param>
    /// <param name="shuffle">Permute the items, with a permutation drawn from (seed, epoch).</param>
    /// <param name="repeat">Fill the last batch by wrapping around to the start of the order (the data set repeats, so every batch is full); otherwise the last batch may be smaller.</param>
    /// <param name="seed">Run seed.</param>
    /// <param name="epoch">Epoch.</param>
    public static IReadOnlyList<int[]> Batches(int itemCount, int batchSize, bool shuffle, bool repeat, long seed, int epoch)
    {
        var order = Enumerable.Range(0, itemCount).ToArray();
        if (shuffle)
        {
            // Item index -1 keeps the pipeline's stream apart from every per-sample transform stream.
            var random = new SampleRandom(new SampleInfo(-1, "epoch order", seed, epoch), 0);
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = (int)random.NextInt64(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        var batches = new List<int[]>();
        for (var start = 0; start < itemCount; start += batchSize)
        {
            var size = repeat ? batchSize : Math.Min(batchSize, itemCount - start);
            batches.Add(Enumerable.Range(start, size).Select(p => order[p % itemCount]).ToArray());
        }
        return batches;
    }
}
