using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>GaussianSmoothing invariants and RandomGaussianSmooth (scipy agreement is in <see cref="IntensityGoldenTests"/>).</summary>
public sealed class GaussianSmoothTests
{
    [Test]
    public void KernelIsNormalisedSymmetricAndAsWideAsScipys()
    {
        foreach (var sigma in new[] { 0.1, 0.5, 1.0, 2.4 })
        {
            var k = GaussianSmoothing.Kernel(sigma);
            Assert.That(k.Length, Is.EqualTo(2 * (int)(4 * sigma + 0.5) + 1));
            Assert.That(k.Sum(), Is.EqualTo(1).Within(1e-15));
            Assert.That(k, Is.EqualTo(k.Reverse().ToArray()));
        }
    }

    [Test]
    public void AConstantImageStaysConstantBecauseTheBorderIsReflected()
    {
        using var input = full([2, 5, 4, 3], 3.0, ScalarType.Float64);
        using var result = GaussianSmoothing.Smooth(input, [2.0, 1.0, 5.0]);
        Assert.That(Values(result), Is.All.EqualTo(3.0).Within(1e-12), "zero padding (MONAI's) would darken the borders");
    }

    [Test]
    public void ReflectBorderRepeatsWithPeriodTwiceTheSize()
    {
        // Positions −5 … 7 over "a b c": c b a | a b c | c b a | a b c …
        Assert.That(GaussianSmoothing.ReflectIndices(3, 5), Is.EqualTo(new long[] { 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1 }));
        Assert.That(GaussianSmoothing.ReflectIndices(1, 2), Is.EqualTo(new long[] { 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void AxesOfOneOrTwoVoxelsUnderAWideKernelAreHandled()
    {
        // Reflection of a 1-voxel axis repeats that voxel; of a 2-voxel axis "a b" it gives …a b b a a b b a…
        using var input = tensor(new double[] { 1, 5 }).reshape(1, 1, 2);
        using var result = GaussianSmoothing.Smooth(input, [3.0, 2.5]);
        var k = GaussianSmoothing.Kernel(2.5);
        var r = k.Length / 2;
        double Expected(int j) => k.Select((w, t) => w * (GaussianSmoothing.ReflectIndices(2, r)[j + t] == 0 ? 1 : 5)).Sum();
        Assert.That(Values(result), Is.EqualTo(new[] { Expected(0), Expected(1) }).Within(1e-12));
    }

    [Test]
    public void ZeroSigmaGivesAnIndependentCopy()
    {
        using var input = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 2, 2);
        using var result = GaussianSmoothing.Smooth(input, [0, 0]);
        result.add_(1);
        Assert.That(Values(input), Is.EqualTo(new double[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void WrongSigmaCountIsRejected()
    {
        using var input = zeros(1, 4, 4, 4);
        Assert.That(() => GaussianSmoothing.Smooth(input, [1, 1]), Throws.ArgumentException);
    }

    [Test]
    public void AFixedSigmaBlursEveryAxisWithThatSigma()
    {
        using var input = Uniform([2, 7, 6, 5]);
        using var expected = GaussianSmoothing.Smooth(input, [1.1, 1.1, 1.1]);
        using var context = Context(("image", Image(input.clone())));
        new RandomGaussianSmooth(["image"], probability: 1, sigma: [1.1]).Apply(context);
        Assert.That(MaxAbsDifference(DataOf(context, "image"), expected), Is.LessThan(1e-4));
    }

    [Test]
    public void DrawnSigmasAreIndependentPerAxisAndWithinTheRange()
    {
        // An impulse spreads by the drawn σ along each axis; its second moment along an axis recovers σ² (kernel truncated at 4σ).
        using var impulse = zeros(1, 41, 41, 41);
        impulse[0, 20, 20, 20] = tensor(1f);
        var differentAxes = 0;
        for (var index = 0; index < 10; index++)
        {
            using var context = Context(index, 7, 0, ("image", Image(impulse.clone())));
            new RandomGaussianSmooth(["image"], probability: 1, sigma: [0.8, 2.0]).Apply(context);
            var data = DataOf(context, "image")[0];
            var sigmas = new double[3];
            for (var axis = 0; axis < 3; axis++)
            {
                var others = Enumerable.Range(0, 3).Where(a => a != axis).Select(a => (long)a).ToArray();
                using var profile = data.sum(others).to_type(ScalarType.Float64);
                var p = Values(profile);
                sigmas[axis] = Math.Sqrt(p.Select((w, i) => w * (i - 20) * (i - 20)).Sum());
            }
            Assert.That(sigmas, Is.All.InRange(0.78, 2.02));
            if (sigmas.Max() - sigmas.Min() > 0.05) differentAxes++;
        }
        Assert.That(differentAxes, Is.GreaterThan(5), "σ is drawn per axis, not once for all");
    }

    [Test]
    public void SigmaArgIsValidated()
    {
        Assert.That(() => new RandomGaussianSmooth(["image"], sigma: [-1]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("sigma"));
        Assert.That(() => new RandomGaussianSmooth(["image"], sigma: [1, 2, 3]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("sigma"));
        Assert.That(FromConfig("RandomGaussianSmooth", """{ "fields": "image", "sigma": [0.5, 1.0] }""", typeof(RandomGaussianSmooth)), Is.Not.Null);
    }
}
