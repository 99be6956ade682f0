using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Clara's segmentation data pipeline: data-list items through the pre-transforms into batches, made by parallel workers ahead of the consumer.</summary>
/// <remarks>
/// Batches come out in the order of <see cref="EpochPlan"/> whatever the number of workers, and each sample's random draws come
/// from (seed, epoch, item index), so the same seed gives the same batches. As in Clara's tf.data pipeline (a parallel map of
/// <c>num_workers</c> calls, then a prefetch buffer of <c>prefetch_size</c> batches), up to <c>num_workers</c> batches are in
/// the making while up to <c>prefetch_size</c> finished ones wait: producers stay at most <c>prefetch_size + num_workers</c>
/// batches ahead of the consumer, so <c>prefetch_size: 0</c> still keeps every worker busy. All of an epoch's waiting happens
/// inside <c>MoveNext</c>, so a consumer that times it measures how long it waited for data.
/// </remarks>
[Component(ComponentKind.ImagePipeline, "SegmentationImagePipeline", "SegmentationKerasImagePipeline")]
public class SegmentationImagePipeline : IImagePipeline
{
    private readonly IReadOnlyList<DatalistItem> _items;
    private readonly int _workers;
    private readonly int _ahead;
    private SampleBatchBuilder _builder;
    private int _batchSize;
    private bool _shuffle;
    private bool _repeat;
    private bool _validation;
    private int _rank;
    private int _ranks = 1;

    /// <summary>Creates the pipeline and reads the data list.</summary>
    /// <param name="dataListFilePath">The data-list JSON file.</param>
    /// <param name="dataFileBaseDir">Base folder of the relative paths in the data list.</param>
    /// <param name="dataListKey">Which list to read (<c>training</c>, <c>validation</c>).</param>
    /// <param name="outputCropSize">Spatial shape of every image; -1 entries accept any size.</param>
    /// <param name="outputBatchSize">Items per batch (with <paramref name="batchedByTransforms"/>: crops of one item per batch, so one item).</param>
    /// <param name="outputImageChannels">Channels field <c>image</c> must have.</param>
    /// <param name="outputLabelChannels">Channels field <c>label</c> must have.</param>
    /// <param name="batchedByTransforms">The transforms already make several crops per item; each batch is the crops of one item.</param>
    /// <param name="numWorkers">Threads making batches.</param>
    /// <param name="prefetchSize">How many finished batches may wait for the consumer, besides the <paramref name="numWorkers"/> in the making.</param>
    /// <param name="shuffle">Visit items in a per-epoch permutation drawn from the seed.</param>
    /// <param name="repeat">Fill the last batch of an epoch by wrapping around, so every batch is full.</param>
    /// <param name="multiprocessing">Clara's Keras variants: worker processes instead of threads. Accepted for compatibility; workers are always threads, which give the same batches.</param>
    public SegmentationImagePipeline(string dataListFilePath, string dataFileBaseDir, string dataListKey, int[] outputCropSize,
        int outputBatchSize = 10, int outputImageChannels = 1, int outputLabelChannels = 1, bool batchedByTransforms = false,
        int numWorkers = 4, int prefetchSize = 20, bool shuffle = true, bool repeat = true, bool multiprocessing = false)
    {
        if (outputCropSize.Length is < 1 or > 3)
            throw new ConfigArgException("output_crop_size", $"found {outputCropSize.Length} entries; accepted: 1 to 3 sizes (one per spatial axis), -1 for any size");
        for (var i = 0; i < outputCropSize.Length; i++)
            if (outputCropSize[i] is 0 or < -1)
                throw new ConfigArgException($"output_crop_size[{i}]", $"found {outputCropSize[i]}; accepted: a positive size or -1 (any size)");
        if (outputBatchSize < 1) throw new ConfigArgException("output_batch_size", $"found {outputBatchSize}; accepted: 1 or more");
        if (outputImageChannels < 1) throw new ConfigArgException("output_image_channels", $"found {outputImageChannels}; accepted: 1 or more");
        if (outputLabelChannels < 1) throw new ConfigArgException("output_label_channels", $"found {outputLabelChannels}; accepted: 1 or more");
        if (numWorkers < 1) throw new ConfigArgException("num_workers", $"found {numWorkers}; accepted: 1 or more");
        if (prefetchSize < 0) throw new ConfigArgException("prefetch_size", $"found {prefetchSize}; accepted: 0 or more");
        try
        {
            _items = Datalist.Load(dataListFilePath, dataFileBaseDir, dataListKey);
        }
        catch (ConfigException e)
        {
            throw new ConfigArgException("data_list_file_path", e.Message);
        }
        CropSize = [.. outputCropSize];
        DataListKey = dataListKey;
        DataListFile = Path.GetFullPath(dataListFilePath);
        _builder = new SampleBatchBuilder(outputCropSize, outputImageChannels, outputLabelChannels, batchedByTransforms);
        _batchSize = batchedByTransforms ? 1 : outputBatchSize;
        _workers = numWorkers;
        _ahead = prefetchSize + numWorkers;
        _shuffle = shuffle;
        _repeat = repeat;
    }

    /// <summary>Clara's <c>output_crop_size</c>: the spatial shape of every image (-1: any size on that axis).</summary>
    public IReadOnlyList<int> CropSize { get; }

    /// <inheritdoc />
    public virtual int ItemCount => _items.Count;

    /// <summary>The data list's items.</summary>
    public IReadOnlyList<DatalistItem> Items => _items;

    /// <summary>Clara's <c>data_list_key</c>: the list the items come from.</summary>
    public string DataListKey { get; }

    /// <summary>Clara's <c>output_image_channels</c>: the channels field <c>image</c> must have.</summary>
    public int ImageChannels => _builder.ImageChannels;

    /// <summary>The data-list file the items come from.</summary>
    public string DataListFile { get; }

    /// <inheritdoc />
    public IImagePipeline ForValidation()
    {
        // A shallow copy: the data list (and a Smart Cache) stay shared with this pipeline, which keeps owning them.
        var whole = (SegmentationImagePipeline)MemberwiseClone();
        whole._builder = _builder with { CropSize = null };
        whole._batchSize = 1;
        whole._shuffle = false;
        whole._repeat = false;
        whole._validation = true;
        return whole;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Training: the epoch is planned in global batches of ranks × batch size, as one process with that batch size would
    /// plan it, and rank r takes the r-th slice of each; the last global batch always wraps around to be full (as PyTorch's
    /// DistributedSampler pads), so that every rank takes the same number of steps. Validation: rank r takes the images at
    /// positions r, r + ranks, … of the data list.
    /// </remarks>
    public IImagePipeline ForRank(int rank, int ranks)
    {
        if (ranks < 1 || rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} of {ranks}");
        if (ranks == 1) return this;
        var share = (SegmentationImagePipeline)MemberwiseClone();
        share._rank = rank;
        share._ranks = ranks;
        return share;
    }

    /// <inheritdoc />
    public IEnumerable<SampleBatch> Epoch(TransformChain chain, IReadOnlyList<IBatchTransform> batchTransforms, int epoch, long seed,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(batchTransforms);
        return Produce(chain, batchTransforms, epoch, seed, cancellation);
    }

    /// <summary>The items epoch <paramref name="epoch"/> visits and how each becomes a sample; runs on the consumer's first <c>MoveNext</c>, so its time counts as waiting.</summary>
    protected virtual EpochSamples OpenEpoch(TransformChain chain, int epoch, long seed, CancellationToken cancellation) =>
        EpochSamples.Uncached(_items.Count, chain, seed, epoch);

    private IEnumerable<SampleBatch> Produce(TransformChain chain, IReadOnlyList<IBatchTransform> batchTransforms, int epoch, long seed,
        CancellationToken cancellation)
    {
        var samples = OpenEpoch(chain, epoch, seed, cancellation);
        try
        {
            var plan = Plan(samples.Items.Count, seed, epoch).Select(b => b.Select(p => _items[samples.Items[p]]).ToList()).ToList();
            foreach (var batch in Produce(plan, samples.Prepare, batchTransforms, cancellation))
                yield return batch;
        }
        finally
        {
            samples.Release?.Invoke();
        }
    }

    // This rank's batches (positions in the epoch's items).
    private IEnumerable<IEnumerable<int>> Plan(int count, long seed, int epoch)
    {
        if (_ranks == 1 || _validation) return EpochPlan.Batches(count, _batchSize, _shuffle, _repeat, seed, epoch).Where((_, i) => i % _ranks == _rank);
        return EpochPlan.Batches(count, _batchSize * _ranks, _shuffle, repeat: true, seed, epoch).Select(b => b.Skip(_rank * _batchSize).Take(_batchSize));
    }

    private IEnumerable<SampleBatch> Produce(IReadOnlyList<List<DatalistItem>> plan, Func<DatalistItem, TransformContext> prepare,
        IReadOnlyList<IBatchTransform> batchTransforms, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var queue = new OrderedBatchQueue(plan.Count, _ahead, stop.Token);
        var threads = Enumerable.Range(0, Math.Min(_workers, plan.Count)).Select(w => new Thread(() =>
        {
            while (queue.TryClaim(out var index))
            {
                try
                {
                    queue.Complete(index, _builder.Build(plan[index], prepare, batchTransforms, stop.Token));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    queue.Fail(index, e);
                }
            }
        }) { IsBackground = true, Name = $"image pipeline worker {w}" }).ToList();
        foreach (var thread in threads) thread.Start();
        try
        {
            for (var next = 0; next < plan.Count; next++)
                yield return queue.Take(next);
        }
        finally
        {
            stop.Cancel();
            foreach (var thread in threads) thread.Join();
        }
    }
}
