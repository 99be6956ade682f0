using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using static TorchSharp.torch;
using Pipeline.Native;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Makes one batch: runs the chain on each item, checks the images against the pipeline's output settings, stacks them and applies the batch transforms.</summary>
/// <param name="CropSize">Expected spatial shape; -1 entries accept any size; null accepts any shape.</param>
/// <param name="ImageChannels">Expected channels of field <c>image</c>.</param>
/// <param name="LabelChannels">Expected channels of field <c>label</c> (checked when present).</param>
/// <param name="BatchedByTransforms">Each batch is the crops of one item: the crops axis becomes the batch axis.</param>
public sealed record SampleBatchBuilder(int[]? CropSize, int ImageChannels, int LabelChannels, bool BatchedByTransforms)
{
    /// <summary>The batch of <paramref name="items"/>, each made by <paramref name="prepare"/>; thrown errors name the failing item; cancellation is checked between items.</summary>
    /// <exception cref="ImagePipelineException">An item failed to transform or does not match the output settings.</exception>
    public SampleBatch Build(IReadOnlyList<DatalistItem> items, Func<DatalistItem, TransformContext> prepare, IReadOnlyList<IBatchTransform> batchTransforms,
        CancellationToken cancellation = default)
    {
        using var scope = NewDisposeScope();
        var contexts = new List<TransformContext>(items.Count);
        SampleBatch? batch = null;
        try
        {
            foreach (var item in items)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    var context = prepare(item);
                    contexts.Add(context);
                    Check(context, "image", ImageChannels, "output_image_channels");
                    Check(context, "label", LabelChannels, "output_label_channels");
                }
                catch (Exception e) when (e is not ImagePipelineException and not OperationCanceledException)
                {
                    throw new ImagePipelineException($"data-list item {item.JsonPath} ({DatalistSamples.Describe(item)}) failed in the pre-transforms: {NativeErrorText.Of(e)}", e);
                }
            }
            try
            {
                batch = SampleBatch.Collate(contexts);
                if (BatchedByTransforms)
                    foreach (var field in batch.Fields.Where(batch.HasCropsAxis).ToList())
                        batch.Set(field, batch.Get(field, "image pipeline").flatten(0, 1).contiguous(), hasCropsAxis: false);
                foreach (var transform in batchTransforms) transform.Apply(batch);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ImagePipelineException($"the batch of data-list items {string.Join(", ", items.Select(i => i.JsonPath))} could not be made: {NativeErrorText.Of(e)}", e);
            }
            foreach (var field in batch.Fields) batch.Get(field, "image pipeline").DetachFromDisposeScope();
            var done = batch;
            batch = null;
            return done;
        }
        finally
        {
            batch?.Dispose();
            foreach (var context in contexts) context.Dispose();
        }
    }

    private void Check(TransformContext context, string field, int channels, string arg)
    {
        if (!context.Has(field)) return;
        foreach (var image in context.ImagesIn(field))
        {
            var shape = image.Data.shape;
            if (shape[0] != channels)
                throw new ImagePipelineException(
                    $"data-list item {context.Sample.Index} ({context.Sample.Description}): field '{field}' has {shape[0]} channel(s) after the pre-transforms, but {arg} is {channels}");
            if (CropSize is null) continue;
            var spatial = shape.Skip(1).ToArray();
            var mismatch = spatial.Length != CropSize.Length || spatial.Zip(CropSize).Any(p => p.Second != -1 && p.First != p.Second);
            if (mismatch)
                throw new ImagePipelineException(
                    $"data-list item {context.Sample.Index} ({context.Sample.Description}): field '{field}' has spatial shape [{string.Join("×", spatial)}] after the pre-transforms, but output_crop_size is [{string.Join(", ", CropSize)}] (-1 = any size)");
        }
    }
}
