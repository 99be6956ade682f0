using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>ScaleIntensityOscillation and ScaleShiftIntensity: the output is an affine function of the input with coefficients inside the configured ranges.</summary>
public sealed class ScaleAugmentationTests
{
    /// <summary>Least-squares fit of out = a·in + b over all voxels, checking that every voxel lies on that line (up to float32 rounding).</summary>
    private static (double A, double B) LinearFit(Tensor input, Tensor output)
    {
        var x = Values(input);
        var y = Values(output);
        var (mx, my) = (x.Average(), y.Average());
        var a = x.Zip(y, (u, v) => (u - mx) * (v - my)).Sum() / x.Sum(u => (u - mx) * (u - mx));
        var b = my - a * mx;
        var scale = y.Max(Math.Abs);
        for (var i = 0; i < x.Length; i++)
            Assert.That(y[i], Is.EqualTo(a * x[i] + b).Within(1e-5 * scale), $"voxel {i} is off the common line");
        return (a, b);
    }

    [Test]
    public void OscillationScalesAllChannelsByOneFactorWithinTheMagnitude()
    {
        var factors = new List<double>();
        for (var index = 0; index < 40; index++)
        {
            using var input = Uniform([2, 4, 3, 2], 1, 100, seed: (ulong)index + 1);
            using var context = Context(index, 7, 0, ("image", Image(input.clone())));
            new ScaleIntensityOscillation(["image"], magnitude: 0.2).Apply(context);
            var (a, b) = LinearFit(input, DataOf(context, "image"));
            Assert.That(b, Is.EqualTo(0).Within(1e-3), "scaling only, no offset");
            factors.Add(a);
        }
        Assert.That(factors, Is.All.InRange(0.8, 1.2));
        Assert.That(factors.Max() - factors.Min(), Is.GreaterThan(0.2), "the factors spread over the range");
    }

    [Test]
    public void ZeroMagnitudeLeavesValues()
    {
        using var input = Uniform([1, 3, 3], 1, 100);
        using var context = Context(("image", Image(input.clone())));
        new ScaleIntensityOscillation(["image"], magnitude: 0).Apply(context);
        Assert.That(Identical(DataOf(context, "image"), input), Is.True);
    }

    [Test]
    public void ScaleShiftDrawsScaleAndOffsetFromTheirRanges()
    {
        var fits = new List<(double A, double B)>();
        for (var index = 0; index < 40; index++)
        {
            using var input = Uniform([2, 3, 3], -5, 5, seed: (ulong)index + 100);
            using var context = Context(index, 7, 0, ("image", Image(input.clone())));
            new ScaleShiftIntensity(["image"], scale: [0.5], shift: [2, 3]).Apply(context);
            fits.Add(LinearFit(input, DataOf(context, "image")));
        }
        Assert.That(fits.Select(f => f.A), Is.All.InRange(0.5, 1.5), "one number x means f in (−x, x), factor 1 + f");
        Assert.That(fits.Select(f => f.B), Is.All.InRange(2.0, 3.0), "two numbers are the range itself");
        Assert.That(fits.Select(f => f.A).Min(), Is.LessThan(0.9));
        Assert.That(fits.Select(f => f.B).Max() - fits.Select(f => f.B).Min(), Is.GreaterThan(0.5));
    }

    [Test]
    public void ScaleShiftDefaultsToTenPercentEach()
    {
        for (var index = 0; index < 30; index++)
        {
            using var input = Uniform([1, 3, 4], 1, 10, seed: (ulong)index + 7);
            using var context = Context(index, 7, 0, ("image", Image(input.clone())));
            new ScaleShiftIntensity(["image"]).Apply(context);
            var (a, b) = LinearFit(input, DataOf(context, "image"));
            Assert.That(a, Is.InRange(0.9, 1.1));
            Assert.That(b, Is.InRange(-0.1, 0.1));
        }
    }

    [Test]
    public void RangesAreValidated()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ScaleIntensityOscillation(["image"], magnitude: -0.1), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("magnitude"));
            Assert.That(() => new ScaleIntensityOscillation(["image"], magnitude: double.NaN), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("magnitude"));
            Assert.That(() => new ScaleShiftIntensity(["image"], scale: [-0.1]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("scale"));
            Assert.That(() => new ScaleShiftIntensity(["image"], shift: [1, 2, 3]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("shift"));
            Assert.That(() => new ScaleShiftIntensity(["image"], shift: [double.PositiveInfinity]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("shift[0]"));
            Assert.That(() => new ScaleShiftIntensity(["image"], scale: []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("scale"));
        });
    }

    [Test]
    public void ClaraConfigsBind()
    {
        var oscillation = FromConfig("ScaleIntensityOscillation", """{ "fields": "image", "magnitude": 0.10 }""", typeof(ScaleIntensityOscillation));
        var scaleShift = FromConfig("ScaleShiftIntensity", """{ "fields": "image", "scale": 0.1, "shift": 0.1 }""", typeof(ScaleShiftIntensity));
        var brats = FromConfig("ScaleShiftIntensity", """{ "fields": "image" }""", typeof(ScaleShiftIntensity));
        var pair = FromConfig("ScaleShiftIntensity", """{ "fields": ["image"], "scale": [-0.2, 0.1], "shift": "0,0.5" }""", typeof(ScaleShiftIntensity));
        Assert.That(new object[] { oscillation, scaleShift, brats, pair }, Is.All.Not.Null);
        Assert.That(((IDeclaresFields)scaleShift).ReadsFields, Is.EqualTo(new[] { "image" }));
    }
}
