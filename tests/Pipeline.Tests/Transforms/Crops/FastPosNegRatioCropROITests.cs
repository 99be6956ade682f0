using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>FastPosNegRatioCropROI: plain crops, and rotated/zoomed/deformed crops whose image and label share one grid and whose affine is exact.</summary>
public sealed class FastPosNegRatioCropROITests
{
    private static readonly long[] Shape = [48, 44, 40];

    /// <summary>A label that is i + 10 (voxel index along axis 0, plus 10) inside the central cube [16, 31]³ and 0 elsewhere, so foreground centres stay far from the border.</summary>
    private static MedicalImage CentralIndexLabel()
    {
        using var scope = NewDisposeScope();
        var mask = zeros([1, .. Shape], ScalarType.Float32);
        mask.narrow(1, 16, 16).narrow(2, 16, 16).narrow(3, 16, 16).fill_(1);
        return new MedicalImage(IndexData().mul(mask).MoveToOuterDisposeScope(), Oblique, Properties);
    }

    /// <summary>An image that is i + 10 everywhere: trilinear sampling returns the sampled axis-0 coordinate plus 10.</summary>
    private static MedicalImage IndexImage() => new(IndexData(), Oblique, Properties);

    private static Tensor IndexData()
    {
        using var scope = NewDisposeScope();
        var index = arange(Shape[0], ScalarType.Float32).add(10).view(1, Shape[0], 1, 1).expand(1, Shape[0], Shape[1], Shape[2]);
        return index.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>An image whose value is a linear function of the world position of each voxel.</summary>
    private static MedicalImage WorldLinearImage(Func<double, double, double, double> f)
    {
        var values = new float[Shape[0] * Shape[1] * Shape[2]];
        var n = 0;
        for (var i = 0; i < Shape[0]; i++)
        for (var j = 0; j < Shape[1]; j++)
        for (var k = 0; k < Shape[2]; k++)
        {
            var (x, y, z) = Oblique.Apply(i, j, k);
            values[n++] = (float)f(x, y, z);
        }
        return new MedicalImage(tensor(values).reshape([1, .. Shape]), Oblique, Properties);
    }

    private static double Linear(double x, double y, double z) => 0.3 * x - 0.7 * y + 1.1 * z + 5;

    [Test]
    public void PlainCropIsAnExactBoxOfImageAndLabel()
    {
        using var context = Context(0, 1, 0, ("image", Arange(Shape)), ("label", CentralIndexLabel()));
        using var source = Arange(Shape);
        using var label = CentralIndexLabel();

        new FastPosNegRatioCropROI([10, 9, 8], "image", "label").Apply(context);

        var image = context.GetImage("image", "test");
        var cropped = context.GetImage("label", "test");
        var start = SourceIndex(Values(image.Data)[0], Shape);
        using var expectedImage = source.Data.narrow(1, start[0], 10).narrow(2, start[1], 9).narrow(3, start[2], 8);
        using var expectedLabel = label.Data.narrow(1, start[0], 10).narrow(2, start[1], 9).narrow(3, start[2], 8);
        Assert.That(Same(image.Data, expectedImage) && Same(cropped.Data, expectedLabel), Is.True);
        Assert.That(image.Affine.ApproximatelyEquals(new CropWindow(start, [10, 9, 8]).AffineOf(Oblique), 1e-12), Is.True);
        Assert.That(cropped.Affine.ApproximatelyEquals(image.Affine, 0), Is.True);
    }

    [Test]
    public void BatchSizeAboveOneGivesABatchOfIndependentCrops()
    {
        using var context = Context(0, 1, 0, ("image", Arange(Shape)), ("label", CentralIndexLabel()));
        new FastPosNegRatioCropROI([6], "image", "label", batchSize: 4).Apply(context);
        Assert.That(context.Get("image"), Is.InstanceOf<ImageBatch>());
        Assert.That(context.Get("label"), Is.InstanceOf<ImageBatch>());
        var starts = ImagesOf(context, "image").Select(c => Values(c.Data)[0]).ToList();
        Assert.That(starts, Has.Count.EqualTo(4));
        Assert.That(starts.Distinct().Count(), Is.GreaterThan(1));
    }

    [Test]
    public void RotatedAndZoomedCropsKeepEveryVoxelAtItsWorldPosition()
    {
        // Trilinear interpolation reproduces a linear function exactly, so each crop voxel must hold f(world position given by the new affine).
        for (var index = 0; index < 4; index++)
        {
            using var context = Context(index, 77, 0, ("image", WorldLinearImage(Linear)), ("label", CentralIndexLabel()));
            new FastPosNegRatioCropROI([9, 8, 7], "image", "label", pos: 1, neg: 0, rotation: true, rotationDegree: 25, scale: true, scaleFactor: 0.2)
                .Apply(context);

            var crop = context.GetImage("image", "test");
            Assert.That(crop.SpatialShape, Is.EqualTo(new long[] { 9, 8, 7 }));
            var linearPartChanged = Enumerable.Range(0, 9).Any(e => Math.Abs(crop.Affine[e / 3, e % 3] - Oblique[e / 3, e % 3]) > 1e-3);
            Assert.That(linearPartChanged, Is.True, "the affine carries the rotation and zoom");
            var values = Values(crop.Data);
            var n = 0;
            for (var i = 0; i < 9; i++)
            for (var j = 0; j < 8; j++)
            for (var k = 0; k < 7; k++)
            {
                var (x, y, z) = crop.Affine.Apply(i, j, k);
                Assert.That(values[n++], Is.EqualTo(Linear(x, y, z)).Within(2e-3), $"sample {index}, voxel ({i}, {j}, {k})");
            }
        }
    }

    [Test]
    public void DeformedRotatedCropsSampleImageAndLabelThroughTheSameGrid()
    {
        // Image = i + 10 everywhere, label = i + 10 in the central cube: trilinear gives p_i + 10, nearest round(p_i) + 10 (or 0 outside the cube).
        var compared = 0;
        for (var index = 0; index < 4; index++)
        {
            using var context = Context(index, 5, 0, ("image", IndexImage()), ("label", CentralIndexLabel()));
            new FastPosNegRatioCropROI([10, 10, 10], "image", "label", pos: 1, neg: 0, deform: true, rotation: true, rotationDegree: 30, scale: true)
                .Apply(context);
            var image = Values(context.GetImage("image", "test").Data);
            var label = Values(context.GetImage("label", "test").Data);
            for (var v = 0; v < image.Length; v++)
            {
                if (label[v] == 0) continue; // nearest landed outside the cube
                Assert.That(Math.Abs(image[v] - label[v]), Is.LessThanOrEqualTo(0.5 + 1e-4), $"sample {index}, voxel {v}");
                Assert.That(label[v] % 1, Is.EqualTo(0), "nearest keeps label values");
                compared++;
            }
        }
        Assert.That(compared, Is.GreaterThan(1000));
    }

    [Test]
    public void DeformationIsASmoothNonZeroDisplacement()
    {
        // On an image equal to its axis-0 index, deformed minus undeformed crop = the axis-0 displacement (same seed, same centre).
        var results = new List<double[]>();
        foreach (var deform in new[] { false, true })
        {
            using var context = Context(1, 3, 0, ("image", IndexImage()), ("label", CentralIndexLabel()));
            new FastPosNegRatioCropROI([16, 16, 16], "image", "label", pos: 1, neg: 0, deform: deform).Apply(context);
            results.Add(Values(context.GetImage("image", "test").Data));
        }
        var displacement = results[1].Zip(results[0], (d, p) => d - p).ToArray();
        var largest = displacement.Max(Math.Abs);
        Assert.That(largest, Is.GreaterThan(0.05), "the deformation moves voxels");
        Assert.That(largest, Is.LessThan(6 * CropAugmentation.DeformSigmaFraction * 16), "displacements stay within a few σ");
        // Control points sit every 5 voxels and are interpolated linearly: neighbours differ by at most 2·max|D|/5.
        var steepest = Enumerable.Range(0, displacement.Length - 1).Where(v => v % 16 != 15)
            .Max(v => Math.Abs(displacement[v + 1] - displacement[v]));
        Assert.That(steepest, Is.LessThanOrEqualTo(0.4 * largest + 1e-4), "smooth: no jumps between neighbours");
    }

    [Test]
    public void CropsAreReproducibleAndChangeWithTheEpoch()
    {
        double[] Run(int epoch)
        {
            using var context = Context(2, 11, epoch, ("image", Arange(Shape)), ("label", CentralIndexLabel()));
            new FastPosNegRatioCropROI([8], "image", "label", deform: true, rotation: true, scale: true).Apply(context);
            return Values(context.GetImage("image", "test").Data).Concat(Values(context.GetImage("label", "test").Data)).ToArray();
        }
        Assert.That(Run(0), Is.EqualTo(Run(0)));
        Assert.That(Run(1), Is.Not.EqualTo(Run(0)));
    }

    [Test]
    public void AugmentedCropsWorkIn2DAndKeepTheLabelType()
    {
        var image = new MedicalImage(arange(30 * 20, ScalarType.Float32).reshape(1, 30, 20), Oblique, Properties);
        var label = new MedicalImage(zeros([1, 30, 20], ScalarType.Int64), Oblique, Properties);
        label.Data[0, 10..20, 5..15] = tensor(3L);
        using var context = Context(0, 1, 0, ("image", image), ("label", label));

        new FastPosNegRatioCropROI([8, 6], "image", "label", pos: 1, neg: 0, rotation: true, scale: true, deform: true).Apply(context);

        var imageCrop = context.GetImage("image", "test");
        var labelCrop = context.GetImage("label", "test");
        Assert.That(imageCrop.Data.shape, Is.EqualTo(new long[] { 1, 8, 6 }));
        Assert.That(labelCrop.Data.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(Values(labelCrop.Data).Distinct(), Is.SubsetOf(new[] { 0.0, 3.0 }));
        Assert.That(imageCrop.Affine[2, 2], Is.EqualTo(Oblique[2, 2]), "the slice axis of a 2D affine is untouched");
    }

    [TestCase(-1.0, 0.1, "rotation_degree")]
    [TestCase(181.0, 0.1, "rotation_degree")]
    [TestCase(20.0, 1.0, "scale_factor")]
    [TestCase(20.0, -0.1, "scale_factor")]
    public void BadAugmentationArgsAreConfigErrors(double degrees, double scale, string arg) =>
        Assert.That(() => new FastPosNegRatioCropROI([8], "image", "label", rotationDegree: degrees, scaleFactor: scale),
            Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo(arg));

    [Test]
    public void BadArgsAreConfigErrors()
    {
        Assert.That(() => new FastPosNegRatioCropROI([96, -96, 96], "image", "label"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("size[1]"));
        Assert.That(() => new FastPosNegRatioCropROI([96, 96, 96, 96], "image", "label"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("size"));
        Assert.That(() => new FastPosNegRatioCropROI([96], "image", "label", pos: 0, neg: 0), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("pos"));
        Assert.That(() => new FastPosNegRatioCropROI([96], "image", "image"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("label_field"));
        Assert.That(() => new FastPosNegRatioCropROI([96], "image", "label", batchSize: 0), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("batch_size"));
    }

    [Test]
    public void DeclaresImageAndLabel()
    {
        var crop = new FastPosNegRatioCropROI([96], "image", "label");
        Assert.That(crop.ReadsFields, Is.EqualTo(new[] { "image", "label" }));
        Assert.That(((IDeclaresFields)crop).FieldsArg, Is.EqualTo("image_field"));
        Assert.That(crop.IsDeterministic, Is.False);
    }
}
