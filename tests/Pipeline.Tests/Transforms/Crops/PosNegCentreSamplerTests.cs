using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>The foreground/background centre sampler: the same voxel lists as MONAI, the pos/neg ratio, the empty-list fallbacks.</summary>
public sealed class PosNegCentreSamplerTests
{
    private static (MedicalImage Label, MedicalImage Image) RandomVolume(long[] shape, ulong seed)
    {
        var generator = new Generator(seed);
        var label = rand(shape.Prepend(1L).ToArray(), generator: generator).lt(0.1).to(ScalarType.Float32);
        var image = rand(shape.Prepend(1L).ToArray(), generator: generator);
        return (new MedicalImage(label, Oblique, Properties), new MedicalImage(image, Oblique, Properties));
    }

    [Test]
    public void TheRthVoxelIsElementROfTheFlatIndexList()
    {
        // 37·29·23 = 24679 voxels: several 4096-voxel blocks, the last one partial.
        var (label, image) = RandomVolume([37, 29, 23], 11);
        using (label)
        using (image)
        using (var sampler = PosNegCentreSampler.Create(label, image, 0.3, 0.5))
        {
            using var foreground = label.Data[0].ne(0).reshape(-1);
            using var background = label.Data[0].eq(0).logical_and(image.Data[0].gt(0.3)).reshape(-1);
            var fgList = Values(foreground.nonzero().reshape(-1));
            var bgList = Values(background.nonzero().reshape(-1));
            Assert.That(sampler.ForegroundCount, Is.EqualTo(fgList.Length));
            Assert.That(sampler.BackgroundCount, Is.EqualTo(bgList.Length));
            Assert.That(fgList.Length, Is.GreaterThan(1000));
            var fgPicked = Enumerable.Range(0, fgList.Length).Select(r => (double)sampler.FlatIndex(true, r)).ToArray();
            var bgPicked = Enumerable.Range(0, bgList.Length).Select(r => (double)sampler.FlatIndex(false, r)).ToArray();
            Assert.That(fgPicked, Is.EqualTo(fgList), "foreground");
            Assert.That(bgPicked, Is.EqualTo(bgList), "background");
        }
    }

    [TestCase(1.0, 1.0)]
    [TestCase(1.0, 3.0)]
    [TestCase(2.0, 1.0)]
    [TestCase(0.0, 1.0)]
    [TestCase(1.0, 0.0)]
    public void ForegroundShareOfTenThousandCentresIsPosOverPosPlusNeg(double pos, double neg)
    {
        var (label, image) = RandomVolume([40, 30, 20], 5);
        using (label)
        using (image)
        using (var sampler = PosNegCentreSampler.Create(label, image, 0.2, PosNegCentreSampler.PositiveRatio(pos, neg)))
        {
            var random = new SampleRandom(99);
            var foreground = 0;
            const int draws = 10000;
            for (var d = 0; d < draws; d++)
            {
                var (centre, isForeground) = sampler.Draw(random);
                if (isForeground) foreground++;
                if (d % 50 != 0) continue; // spot-check the class of the drawn voxel
                var labelValue = label.Data[0, centre[0], centre[1], centre[2]].item<float>();
                var imageValue = image.Data[0, centre[0], centre[1], centre[2]].item<float>();
                if (isForeground) Assert.That(labelValue, Is.Not.EqualTo(0f));
                else Assert.That(labelValue == 0f && imageValue > 0.2f, Is.True, "background = label 0 and image above the threshold");
            }
            Assert.That(foreground / (double)draws, Is.EqualTo(pos / (pos + neg)).Within(0.02));
        }
    }

    [Test]
    public void EveryForegroundVoxelIsEquallyLikely()
    {
        using var label = new MedicalImage(zeros(1, 20, 20, 20), Oblique, Properties);
        label.Data[0, 1, 2, 3] = tensor(1f);
        label.Data[0, 10, 10, 10] = tensor(2f);
        label.Data[0, 19, 19, 19] = tensor(1f);
        using var sampler = PosNegCentreSampler.Create(label, null, 0, 1.0);
        var random = new SampleRandom(3);
        var counts = new Dictionary<string, int>();
        for (var d = 0; d < 6000; d++)
        {
            var key = string.Join(",", sampler.Draw(random).Centre);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.That(counts.Keys, Is.EquivalentTo(new[] { "1,2,3", "10,10,10", "19,19,19" }));
        Assert.That(counts.Values, Has.All.InRange(1800, 2200));
    }

    [Test]
    public void EmptyListsFallBackInsteadOfFailing()
    {
        using var none = new MedicalImage(zeros(1, 6, 6), Oblique, Properties);
        using var all = new MedicalImage(ones(1, 6, 6), Oblique, Properties);
        using var dark = new MedicalImage(zeros(1, 6, 6), Oblique, Properties);
        var random = new SampleRandom(1);

        using (var noForeground = PosNegCentreSampler.Create(none, null, 0, 1.0))
            Assert.That(Enumerable.Range(0, 50).All(_ => !noForeground.Draw(random).Foreground), Is.True, "no foreground: background centres even with neg = 0");
        using (var noBackground = PosNegCentreSampler.Create(all, null, 0, 0.0))
            Assert.That(Enumerable.Range(0, 50).All(_ => noBackground.Draw(random).Foreground), Is.True, "no background: foreground centres even with pos = 0");
        using (var nothing = PosNegCentreSampler.Create(none, dark, 0, 0.5))
        {
            var centres = Enumerable.Range(0, 200).Select(_ => nothing.Draw(random).Centre).ToList();
            Assert.That(centres.All(c => c.All(v => v is >= 0 and < 6)), Is.True);
            Assert.That(centres.Select(c => c[0] * 6 + c[1]).Distinct().Count(), Is.GreaterThan(20), "uniform over the volume");
        }
    }

    [Test]
    public void MultiChannelLabelsIgnoreChannelZero()
    {
        var data = zeros(2, 8, 8);
        data[0].fill_(1); // background channel of one-hot data
        data[1, 4, 5] = tensor(1f);
        data[0, 4, 5] = tensor(0f);
        using var label = new MedicalImage(data, Oblique, Properties);
        using var sampler = PosNegCentreSampler.Create(label, null, 0, 1.0);
        Assert.That(sampler.ForegroundCount, Is.EqualTo(1));
        Assert.That(sampler.Draw(new SampleRandom(1)).Centre, Is.EqualTo(new long[] { 4, 5 }));
    }

    [TestCase(-1.0, 1.0, "pos")]
    [TestCase(1.0, -0.5, "neg")]
    [TestCase(0.0, 0.0, "pos")]
    [TestCase(double.NaN, 1.0, "pos")]
    public void BadRatiosAreConfigErrors(double pos, double neg, string arg) =>
        Assert.That(() => PosNegCentreSampler.PositiveRatio(pos, neg), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo(arg));
}
