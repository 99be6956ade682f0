using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

public sealed class AddGaussianNoiseTests
{
    [Test]
    public void NoiseHasZeroMeanAndTheGivenVariance()
    {
        // 2×32×32×32 = 65536 voxels: the sample std of the noise is within ~0.3% of the true one (1 sd).
        using var input = full([2, 32, 32, 32], 5f);
        using var context = Context(("image", Image(input.clone())));
        new AddGaussianNoise(["image"], probability: 1, variance: 0.25).Apply(context);
        using var noise = DataOf(context, "image").sub(input).to_type(ScalarType.Float64);
        var (std, mean) = std_mean(noise);
        Assert.That(mean.item<double>(), Is.EqualTo(0).Within(0.01));
        Assert.That(std.item<double>(), Is.EqualTo(0.5).Within(0.01), "std = √variance, not the variance and not a random fraction of it");
        std.Dispose();
        mean.Dispose();
        using var perChannel = noise.flatten(1).std(1);
        Assert.That(Values(perChannel), Is.All.EqualTo(0.5).Within(0.015), "every channel gets noise");
    }

    [Test]
    public void ClarasDefaultsAreProbabilityHalfAndVarianceOneTenth()
    {
        var fired = 0;
        using var input = zeros(1, 16, 16, 16);
        for (var index = 0; index < 100; index++)
        {
            using var context = Context(index, 7, 0, ("image", Image(input.clone())));
            new AddGaussianNoise(["image"]).Apply(context);
            using var std = DataOf(context, "image").std();
            var s = std.item<float>();
            if (s == 0) continue;
            fired++;
            Assert.That(s, Is.EqualTo(Math.Sqrt(0.1)).Within(0.02));
        }
        Assert.That(fired, Is.InRange(35, 65));
    }

    [Test]
    public void ZeroVarianceAddsNothing()
    {
        using var input = Uniform([1, 3, 3, 3]);
        using var context = Context(("image", Image(input.clone())));
        new AddGaussianNoise(["image"], probability: 1, variance: 0).Apply(context);
        Assert.That(Identical(DataOf(context, "image"), input), Is.True);
    }

    [Test]
    public void Float64DataGetFloat64Noise()
    {
        using var context = Context(("image", Image(zeros([1, 8, 8], ScalarType.Float64))));
        new AddGaussianNoise(["image"], probability: 1).Apply(context);
        Assert.That(DataOf(context, "image").dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void VarianceIsValidatedAndTheClaraArgsBind()
    {
        Assert.That(() => new AddGaussianNoise(["image"], variance: -1), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("variance"));
        Assert.That(FromConfig("AddGaussianNoise", """{ "fields": ["image"], "probability": 0.3 }""", typeof(AddGaussianNoise)), Is.InstanceOf<AddGaussianNoise>());
        var problems = new ConfigProblems();
        Assert.That(TryFromConfig("AddGaussianNoise", """{ "fields": "image", "probability": 2 }""", problems, typeof(AddGaussianNoise)), Is.Null);
        Assert.That(problems.Items.Single().JsonPath, Is.EqualTo("train.pre_transforms[0].args.probability"));
    }
}
