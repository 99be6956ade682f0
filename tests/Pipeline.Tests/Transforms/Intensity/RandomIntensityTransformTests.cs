using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>The contract every random intensity transform keeps: reproducible per (seed, epoch, sample), probability honoured, one draw per sample, stable dtype.</summary>
public sealed class RandomIntensityTransformTests
{
    /// <summary>A factory per random transform: fields and probability in, transform out.</summary>
    public sealed record Case(string Name, Func<string[], double, ITransform> Create, bool SameDrawGivesSameResult = true)
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    private static IEnumerable<Case> Cases() =>
    [
        new("ScaleIntensityOscillation", (f, p) => new ScaleIntensityOscillation(f, magnitude: 0.1, probability: p)),
        new("ScaleShiftIntensity", (f, p) => new ScaleShiftIntensity(f, probability: p)),
        new("AddGaussianNoise", (f, p) => new AddGaussianNoise(f, probability: p), SameDrawGivesSameResult: false),
        new("AdjustContrast", (f, p) => new AdjustContrast(f, probability: p)),
        new("RandomGaussianSmooth", (f, p) => new RandomGaussianSmooth(f, probability: p)),
        new("RandomMRBiasField", (f, p) => new RandomMRBiasField(f, probability: p)),
    ];

    private static Tensor Volume() => Uniform([2, 6, 5, 4], 1, 100);

    private static Tensor Run(Case c, double probability, int index = 3, int epoch = 0, long seed = 7, Tensor? data = null)
    {
        using var context = Context(index, seed, epoch, ("image", Image(data ?? Volume())));
        c.Create(["image"], probability).Apply(context);
        return DataOf(context, "image").clone();
    }

    [TestCaseSource(nameof(Cases))]
    public void TheSameSampleGivesTheSameResult(Case c)
    {
        using var first = Run(c, 1);
        using var second = Run(c, 1);
        Assert.That(Identical(first, second), Is.True);
    }

    [TestCaseSource(nameof(Cases))]
    public void AnotherSampleIndexEpochOrSeedGivesAnotherDraw(Case c)
    {
        using var reference = Run(c, 1);
        using var otherIndex = Run(c, 1, index: 4);
        using var otherEpoch = Run(c, 1, epoch: 1);
        using var otherSeed = Run(c, 1, seed: 8);
        Assert.Multiple(() =>
        {
            Assert.That(Identical(reference, otherIndex), Is.False, "index");
            Assert.That(Identical(reference, otherEpoch), Is.False, "epoch");
            Assert.That(Identical(reference, otherSeed), Is.False, "seed");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void ProbabilityZeroLeavesTheValuesButStillGivesFloat32(Case c)
    {
        using var input = tensor(new short[] { 1, 5, -3, 7, 100, 2, 0, 9 }).reshape(1, 2, 2, 2);
        using var result = Run(c, 0, data: input.clone());
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float32), "the dtype must not depend on the draw, or samples could not be stacked");
        Assert.That(Identical(result, input), Is.True);
    }

    [TestCaseSource(nameof(Cases))]
    public void ProbabilityOneChangesTheImage(Case c)
    {
        using var input = Volume();
        using var result = Run(c, 1, data: input.clone());
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(result.shape, Is.EqualTo(input.shape));
        Assert.That(Identical(result, input), Is.False);
    }

    [TestCaseSource(nameof(Cases))]
    public void TheInputTensorIsNeverModifiedInPlace(Case c)
    {
        // A cache may still hold the image a random transform reads: its voxels must survive the transform.
        using var input = Volume();
        using var held = input.clone();
        using var alias = held.alias();
        using var context = Context(("image", Image(held.alias())));
        c.Create(["image"], 1).Apply(context);
        Assert.That(Identical(alias, input), Is.True);
        Assert.That(Identical(DataOf(context, "image"), input), Is.False);
    }

    [TestCaseSource(nameof(Cases))]
    public void ProbabilityFiresForAboutThatShareOfSamples(Case c)
    {
        // 200 samples at probability 0.3: the count of changed images is binomial (mean 60, sd 6.5).
        var changed = 0;
        using var input = Uniform([1, 3, 3], 1, 100);
        for (var index = 0; index < 200; index++)
        {
            using var result = Run(c, 0.3, index: index, data: input.clone());
            if (!Identical(result, input)) changed++;
        }
        Assert.That(changed, Is.InRange(35, 85));
    }

    [TestCaseSource(nameof(Cases))]
    public void AllFieldsAndCropsOfASampleShareOneDraw(Case c)
    {
        using var volume = Volume();
        using var context = Context(
            ("image", Image(volume.clone())),
            ("t2", Image(volume.clone())),
            ("crops", new ImageBatch([Image(volume.clone()), Image(volume.clone())])));
        c.Create(["image", "t2", "crops"], 1).Apply(context);
        var crops = (ImageBatch)context.Get("crops")!;
        var outputs = new[] { DataOf(context, "image"), DataOf(context, "t2"), crops.Items[0].Data, crops.Items[1].Data };
        Assert.That(outputs.All(o => !Identical(o, volume)), Is.True, "every field and crop is changed");
        Assert.That(outputs.Skip(1).All(o => Identical(o, outputs[0])), Is.EqualTo(c.SameDrawGivesSameResult),
            c.SameDrawGivesSameResult ? "one draw per sample: identical inputs give identical outputs" : "noise differs field by field");
    }

    [TestCaseSource(nameof(Cases))]
    public void TwoDimensionalImagesWorkAndKeepGeometry(Case c)
    {
        using var context = Context(("image", Image(Uniform([3, 7, 5], 1, 100))));
        c.Create(["image"], 1).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Data.shape, Is.EqualTo(new long[] { 3, 7, 5 }));
        Assert.That(image.Affine, Is.EqualTo(Affine));
        Assert.That(image.Properties, Is.SameAs(Properties));
    }

    [TestCaseSource(nameof(Cases))]
    public void IsRandomAndValidatesProbabilityAndFields(Case c)
    {
        Assert.That(c.Create(["image"], 0.5).IsDeterministic, Is.False);
        Assert.That(c.Create(["image"], 0.5) is IDeclaresFields { ReadsFields: ["image"] });
        Assert.That(() => c.Create(["image"], -0.1), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("probability"));
        Assert.That(() => c.Create(["image"], 1.5), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("probability"));
        Assert.That(() => c.Create([], 0.5), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
    }

    [TestCaseSource(nameof(Cases))]
    public void AMissingFieldIsReportedEvenWhenTheTransformDoesNotFire(Case c)
    {
        using var context = Context(("label", Image(zeros(1, 2, 2))));
        Assert.That(() => c.Create(["image"], 0).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'image'").And.Message.Contains(c.Name));
    }
}
