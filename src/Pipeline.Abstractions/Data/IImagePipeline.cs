using Pipeline.Components;

namespace Pipeline.Data;

/// <summary>A data pipeline (a config's <c>image_pipeline</c>): turns the items of a data list into batches, one pass per epoch.</summary>
public interface IImagePipeline
{
    /// <summary>Number of data-list items one epoch goes through.</summary>
    int ItemCount { get; }

    /// <summary>The batches of one epoch, in an order fixed by (<paramref name="seed"/>, <paramref name="epoch"/>) alone.</summary>
    /// <remarks>
    /// The consumer owns (and disposes) every batch it receives. Stopping the enumeration early, or cancelling, stops the
    /// producers and disposes the batches still queued. A sample that fails to transform surfaces here as an exception naming it.
    /// </remarks>
    IEnumerable<SampleBatch> Epoch(TransformChain chain, IReadOnlyList<IBatchTransform> batchTransforms, int epoch, long seed,
        CancellationToken cancellation = default);

    /// <summary>
    /// This pipeline as validation reads it: whole images, one per batch, in data-list order, whatever its crop size says —
    /// Clara's validation pipelines declare the training crop, yet pass whole images to the inferer.
    /// </summary>
    IImagePipeline ForValidation() => this;

    /// <summary>
    /// This pipeline as rank <paramref name="rank"/> of <paramref name="ranks"/> data-parallel ranks reads it: for training,
    /// its share of every global batch (<paramref name="ranks"/> × the batch size), so that every rank takes the same number
    /// of steps; for validation, every <paramref name="ranks"/>-th image.
    /// </summary>
    /// <exception cref="NotSupportedException">The pipeline cannot split its epochs between ranks.</exception>
    IImagePipeline ForRank(int rank, int ranks) =>
        ranks == 1 ? this : throw new NotSupportedException($"{GetType().Name} cannot split its epochs between {ranks} ranks");
}
