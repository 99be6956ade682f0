using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Batch;
using Pipeline.Transforms.Crops;
using Pipeline.Transforms.Loading;
using Pipeline.Workflows.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Pipelines;

/// <summary>The segmentation pipeline batches real NIfTI items through real transforms, reproducibly, within its prefetch bound, and cleans up.</summary>
public sealed class SegmentationImagePipelineTests
{
    private static SegmentationImagePipeline Create(SyntheticDatalist data, int batchSize = 2, int workers = 1, int prefetch = 4,
        bool shuffle = true, bool repeat = false, int[]? cropSize = null, int imageChannels = 1, bool batchedByTransforms = false) =>
        new(data.DatalistFile, data.Folder, "training", cropSize ?? [4, 4, 4], batchSize, imageChannels, 1, batchedByTransforms,
            workers, prefetch, shuffle, repeat);

    private static TransformChain RandomCropChain(params ITransform[] extra) =>
        new([new LoadNifti(["image", "label"]), new CropFixedSizeRandomCenter([4, 4, 4], ["image", "label"]), .. extra]);

    [Test]
    public void BatchesHaveTheConfiguredShapeAndTheLastIsShortUnlessRepeating()
    {
        using var data = new SyntheticDatalist(5);
        var shapes = new List<long[]>();
        foreach (var batch in Create(data, repeat: false).Epoch(RandomCropChain(), [], 0, 7, CancellationToken.None))
            using (batch)
            {
                shapes.Add(batch.Get("image", "test").shape);
                Assert.That(batch.Get("label", "test").shape, Is.EqualTo(batch.Get("image", "test").shape));
            }
        Assert.That(shapes, Is.EqualTo(new[] { new long[] { 2, 1, 4, 4, 4 }, [2, 1, 4, 4, 4], [1, 1, 4, 4, 4] }));

        var repeated = new List<SampleBatch>();
        foreach (var batch in Create(data, repeat: true, shuffle: false).Epoch(RandomCropChain(), [], 0, 7, CancellationToken.None))
            using (batch) repeated.Add(batch);
        Assert.That(repeated.Select(b => b.Samples.Select(s => s.Index)), Is.EqualTo(new[] { new[] { 0, 1 }, [2, 3], [4, 0] }));
    }

    [Test]
    public void ShuffleIsAPermutationFixedBySeedAndEpoch()
    {
        var a = EpochPlan.Batches(10, 3, shuffle: true, repeat: false, seed: 5, epoch: 1).SelectMany(b => b).ToArray();
        var again = EpochPlan.Batches(10, 3, shuffle: true, repeat: false, seed: 5, epoch: 1).SelectMany(b => b).ToArray();
        var nextEpoch = EpochPlan.Batches(10, 3, shuffle: true, repeat: false, seed: 5, epoch: 2).SelectMany(b => b).ToArray();
        Assert.That(a.Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(again, Is.EqualTo(a));
        Assert.That(nextEpoch, Is.Not.EqualTo(a));
        Assert.That(a, Is.Not.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(EpochPlan.Batches(10, 3, shuffle: false, repeat: false, seed: 5, epoch: 1).SelectMany(b => b), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    private static List<(int[] Items, float[] Image, float[] Label)> Run(SyntheticDatalist data, int workers, int epoch)
    {
        var result = new List<(int[], float[], float[])>();
        foreach (var batch in Create(data, batchSize: 2, workers: workers, prefetch: 3).Epoch(RandomCropChain(), [], epoch, 11, CancellationToken.None))
            using (batch)
                result.Add((batch.Samples.Select(s => s.Index).ToArray(), batch.Get("image", "test").data<float>().ToArray(),
                    batch.Get("label", "test").to_type(ScalarType.Float32).data<float>().ToArray()));
        return result;
    }

    [Test]
    public void OneAndThreeWorkersGiveIdenticalBatches()
    {
        using var data = new SyntheticDatalist(7);
        var one = Run(data, workers: 1, epoch: 3);
        var three = Run(data, workers: 3, epoch: 3);
        Assert.That(three.Count, Is.EqualTo(4));
        for (var b = 0; b < one.Count; b++)
        {
            Assert.That(three[b].Items, Is.EqualTo(one[b].Items), $"batch {b} items");
            Assert.That(three[b].Image, Is.EqualTo(one[b].Image), $"batch {b} image");
            Assert.That(three[b].Label, Is.EqualTo(one[b].Label), $"batch {b} label");
        }
        // Each batch's first voxel identifies its item (1000·i + offset < 512), so the content follows the plan.
        Assert.That(one.Select(b => (int)(b.Image[0] / 1000)), Is.EqualTo(one.Select(b => b.Items[0])));
        var otherEpoch = Run(data, workers: 2, epoch: 4);
        Assert.That(otherEpoch.Select(b => b.Image), Is.Not.EqualTo(one.Select(b => b.Image)));
    }

    [TestCase(3, 2)]
    [TestCase(3, 0)]
    [TestCase(1, 0)]
    public void ProducersStayWithinPrefetchPlusWorkersBatchesAhead(int workers, int prefetch)
    {
        using var data = new SyntheticDatalist(12);
        var counter = new CountingTransform();
        using var enumerator = Create(data, batchSize: 1, workers: workers, prefetch: prefetch, shuffle: false)
            .Epoch(RandomCropChain(counter), [], 0, 1, CancellationToken.None).GetEnumerator();
        Assert.That(enumerator.MoveNext(), Is.True);
        enumerator.Current.Dispose();
        // One batch taken; prefetch_size finished and num_workers in the making ahead of it (Clara's map + prefetch), and no more.
        AssertSettlesAt(counter, 1 + prefetch + workers);
        Assert.That(enumerator.MoveNext(), Is.True);
        enumerator.Current.Dispose();
        AssertSettlesAt(counter, 2 + prefetch + workers);
    }

    private static void AssertSettlesAt(CountingTransform counter, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (counter.Count < expected && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Thread.Sleep(300);
        Assert.That(counter.Count, Is.EqualTo(expected));
    }

    [Test]
    public void StoppingEarlyEndsTheProducersAndDisposesQueuedBatches()
    {
        using var data = new SyntheticDatalist(12);
        var counter = new CountingTransform(delayMs: 20);
        var recorder = new RecordingBatchTransform();
        foreach (var batch in Create(data, batchSize: 1, workers: 3, prefetch: 4).Epoch(RandomCropChain(counter), [recorder], 0, 1, CancellationToken.None))
        {
            batch.Dispose();
            Thread.Sleep(300);
            break;
        }
        var afterStop = counter.Count;
        Thread.Sleep(300);
        Assert.That(counter.Count, Is.EqualTo(afterStop), "producers went on after the consumer stopped");
        Assert.That(recorder.Seen.Count, Is.GreaterThan(1), "nothing was queued, so nothing was tested");
        Assert.That(recorder.Seen.Where(b => b.Fields.Count > 0), Is.Empty, "a queued batch kept its tensors");
    }

    [Test]
    public void CancellationStopsTheEpochWithOperationCanceled()
    {
        using var data = new SyntheticDatalist(6);
        using var cts = new CancellationTokenSource();
        var taken = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var batch in Create(data, batchSize: 1, workers: 2).Epoch(RandomCropChain(), [], 0, 1, cts.Token))
            {
                batch.Dispose();
                taken++;
                cts.Cancel();
            }
        });
        Assert.That(taken, Is.EqualTo(1));
    }

    [TestCase(1)]
    [TestCase(3)]
    public void ABrokenImageSurfacesAsAnExceptionNamingTheItem(int workers)
    {
        using var data = new SyntheticDatalist(5, brokenItem: 3);
        var error = Assert.Throws<ImagePipelineException>(() =>
        {
            foreach (var batch in Create(data, batchSize: 1, workers: workers, shuffle: false).Epoch(RandomCropChain(), [], 0, 1, CancellationToken.None))
                batch.Dispose();
        });
        Assert.That(error!.Message, Does.Contain("training[3]").And.Contain("img3.nii.gz"));
    }

    [Test]
    public void AChannelCountDifferentFromTheConfigIsAnErrorNamingTheSample()
    {
        using var data = new SyntheticDatalist(2);
        var error = Assert.Throws<ImagePipelineException>(() =>
        {
            foreach (var batch in Create(data, imageChannels: 2).Epoch(RandomCropChain(), [], 0, 1, CancellationToken.None)) batch.Dispose();
        });
        Assert.That(error!.Message, Does.Contain("output_image_channels is 2").And.Contain("has 1 channel(s)").And.Contain("img"));
    }

    [Test]
    public void ACropSizeDifferentFromTheConfigIsAnError()
    {
        using var data = new SyntheticDatalist(2);
        var error = Assert.Throws<ImagePipelineException>(() =>
        {
            foreach (var batch in Create(data, cropSize: [4, 4, 6]).Epoch(RandomCropChain(), [], 0, 1, CancellationToken.None)) batch.Dispose();
        });
        Assert.That(error!.Message, Does.Contain("output_crop_size"));
        using var variable = new SyntheticDatalist(2);
        foreach (var batch in Create(variable, cropSize: [-1, 4, -1]).Epoch(RandomCropChain(), [], 0, 1, CancellationToken.None)) batch.Dispose();
    }

    [Test]
    public void BatchingCropsGiveOneVolumePerBatchOrMergeWithMergeBatchDims()
    {
        using var data = new SyntheticDatalist(3);
        var chain = new TransformChain([new LoadNifti(["image", "label"]), new CropByPosNegRatio([4, 4, 4], ["image"], "label", batchSize: 2)]);

        var byTransforms = Create(data, batchSize: 2, batchedByTransforms: true, shuffle: false).Epoch(chain, [], 0, 1, CancellationToken.None).ToList();
        Assert.That(byTransforms.Select(b => b.Get("image", "test").shape), Has.All.EqualTo(new long[] { 2, 1, 4, 4, 4 }));
        Assert.That(byTransforms.Select(b => b.Samples.Count), Has.All.EqualTo(1));
        Assert.That(byTransforms.Count, Is.EqualTo(3));
        foreach (var b in byTransforms) b.Dispose();

        var merged = Create(data, batchSize: 3).Epoch(chain, [new MergeBatchDims(["image", "label"])], 0, 1, CancellationToken.None).ToList();
        Assert.That(merged.Single().Get("image", "test").shape, Is.EqualTo(new long[] { 6, 1, 4, 4, 4 }));
        Assert.That(merged.Single().Get("label", "test").shape, Is.EqualTo(new long[] { 6, 1, 4, 4, 4 }));
        foreach (var b in merged) b.Dispose();
    }
}
