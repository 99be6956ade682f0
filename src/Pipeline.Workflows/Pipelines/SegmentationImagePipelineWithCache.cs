using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Clara's segmentation pipeline with Smart Cache: each epoch trains on N cached items while R of them are replaced in the background.</summary>
/// <remarks>
/// The cache holds the output of the chain's longest leading run of deterministic transforms for <c>num_cache_objects</c>
/// items; the random rest of the chain runs afresh on a copy every epoch, with the same streams as without the cache, so an
/// item's batch is the same as <see cref="SegmentationImagePipeline"/> would make. An epoch is one pass over the cache. While
/// it runs, a background worker prepares the ⌈N·<c>replace_percent</c>⌉ items that replace the oldest ones at the next epoch,
/// cycling through the whole data list (<see cref="SmartCacheSchedule"/>). Everything depends on (seed, epoch) only.
/// </remarks>
[Component(ComponentKind.ImagePipeline, "SegmentationImagePipelineWithCache", "SegmentationKerasImagePipelineWithCache")]
public sealed class SegmentationImagePipelineWithCache : SegmentationImagePipeline, IDisposable
{
    private readonly SmartCache _cache;

    /// <summary>Creates the pipeline and reads the data list; the cache fills when the first epoch starts.</summary>
    /// <param name="dataListFilePath">The data-list JSON file.</param>
    /// <param name="dataFileBaseDir">Base folder of the relative paths in the data list.</param>
    /// <param name="dataListKey">Which list to read (<c>training</c>, <c>validation</c>).</param>
    /// <param name="outputCropSize">Spatial shape of every image; -1 entries accept any size.</param>
    /// <param name="numCacheObjects">N: items the cache holds (all of them when the data list is shorter); one epoch visits these.</param>
    /// <param name="replacePercent">r in [0, 1]: ⌈N·r⌉ items are replaced per epoch (0: a fixed cache, as for validation).</param>
    /// <param name="numReplaceWorkers">Background threads preparing replacements (MONAI's SmartCacheDataset name).</param>
    /// <param name="outputBatchSize">Items per batch (with <paramref name="batchedByTransforms"/>: one item per batch).</param>
    /// <param name="outputImageChannels">Channels field <c>image</c> must have.</param>
    /// <param name="outputLabelChannels">Channels field <c>label</c> must have.</param>
    /// <param name="batchedByTransforms">The transforms already make several crops per item; each batch is the crops of one item.</param>
    /// <param name="numWorkers">Threads making batches, and filling the cache when an epoch finds items missing.</param>
    /// <param name="prefetchSize">How many finished batches may wait for the consumer, besides the <paramref name="numWorkers"/> in the making.</param>
    /// <param name="shuffle">Cycle through the data list in an order drawn from the seed, and visit the cache in a per-epoch permutation.</param>
    /// <param name="repeat">Fill the last batch of an epoch by wrapping around, so every batch is full.</param>
    /// <param name="multiprocessing">Clara's Keras variants: worker processes instead of threads. Accepted for compatibility; workers are threads.</param>
    public SegmentationImagePipelineWithCache(string dataListFilePath, string dataFileBaseDir, string dataListKey, int[] outputCropSize,
        int numCacheObjects, double replacePercent = 0.1, int numReplaceWorkers = 1,
        int outputBatchSize = 10, int outputImageChannels = 1, int outputLabelChannels = 1, bool batchedByTransforms = false,
        int numWorkers = 4, int prefetchSize = 20, bool shuffle = true, bool repeat = true, bool multiprocessing = false)
        : base(dataListFilePath, dataFileBaseDir, dataListKey, outputCropSize, outputBatchSize, outputImageChannels, outputLabelChannels,
            batchedByTransforms, numWorkers, prefetchSize, shuffle, repeat, multiprocessing)
    {
        if (numCacheObjects < 1)
            throw new ConfigArgException("num_cache_objects", $"found {numCacheObjects}; accepted: 1 or more (items the cache holds)");
        if (!(replacePercent is >= 0 and <= 1))
            throw new ConfigArgException("replace_percent", $"found {replacePercent}; accepted: a fraction from 0 (never replace) to 1 (replace the whole cache every epoch)");
        if (numReplaceWorkers < 1)
            throw new ConfigArgException("num_replace_workers", $"found {numReplaceWorkers}; accepted: 1 or more");
        _cache = new SmartCache(Items, numCacheObjects, replacePercent, shuffle, numWorkers, numReplaceWorkers);
        CacheSize = Math.Min(numCacheObjects, Items.Count);
    }

    /// <summary>N: items the cache holds, and so items per epoch.</summary>
    public int CacheSize { get; }

    /// <inheritdoc />
    public override int ItemCount => CacheSize;

    /// <inheritdoc />
    protected override EpochSamples OpenEpoch(TransformChain chain, int epoch, long seed, CancellationToken cancellation)
    {
        var window = _cache.Open(chain, epoch, seed, cancellation);
        var rest = _cache.PrefixLength;
        return new EpochSamples(window,
            item => EpochSamples.Transformed(_cache.Copy(item.Index, new SampleInfo(item.Index, DatalistSamples.Describe(item), seed, epoch)), chain, rest),
            _cache.Close);
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();
}
