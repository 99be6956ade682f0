using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Batch;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Batch;

public sealed class MergeBatchDimsTests
{
    private static TransformContext Sample(int index, int crops, float offset)
    {
        var context = new TransformContext(new SampleInfo(index, $"case{index}"));
        var images = Enumerable.Range(0, crops)
            .Select(c => new MedicalImage(full(new long[] { 1, 4, 4, 4 }, offset + c), AffineMatrix.Identity)).ToList();
        context.Set("image", new ImageBatch(images));
        context.Set("label", new MedicalImage(zeros(1, 4, 4, 4), AffineMatrix.Identity));
        return context;
    }

    [Test]
    public void MergesVolumesTimesCropsIntoOneBatchAxisInSampleMajorOrder()
    {
        var contexts = new[] { Sample(0, 2, 0), Sample(1, 2, 10) };
        using var batch = SampleBatch.Collate(contexts);
        Assert.That(batch.Get("image", "test").shape, Is.EqualTo(new long[] { 2, 2, 1, 4, 4, 4 }));
        Assert.That(batch.HasCropsAxis("image"), Is.True);

        new MergeBatchDims(["image", "label"]).Apply(batch);

        var merged = batch.Get("image", "test");
        Assert.That(merged.shape, Is.EqualTo(new long[] { 4, 1, 4, 4, 4 }));
        Assert.That(Enumerable.Range(0, 4).Select(i => merged[i].mean().item<float>()), Is.EqualTo(new[] { 0f, 1f, 10f, 11f }));
        Assert.That(batch.Get("label", "test").shape, Is.EqualTo(new long[] { 2, 1, 4, 4, 4 }), "a field without crops is left alone");
        foreach (var c in contexts) c.Dispose();
    }

    [Test]
    public void CollationRejectsSamplesOfDifferentShapesNamingTheSample()
    {
        var a = Sample(0, 1, 0);
        var b = new TransformContext(new SampleInfo(7, "odd.nii.gz"));
        b.Set("image", new ImageBatch([new MedicalImage(zeros(1, 5, 4, 4), AffineMatrix.Identity)]));
        b.Set("label", new MedicalImage(zeros(1, 4, 4, 4), AffineMatrix.Identity));
        var error = Assert.Throws<SampleFieldException>(() => SampleBatch.Collate([a, b]).Dispose());
        Assert.That(error!.Message, Does.Contain("sample 7 (odd.nii.gz)").And.Contain("1×1×5×4×4"));
        a.Dispose();
        b.Dispose();
    }

    [Test]
    public void NeedsAField() =>
        Assert.That(Assert.Throws<ConfigArgException>(() => _ = new MergeBatchDims([]))!.Arg, Is.EqualTo("fields"));
}
