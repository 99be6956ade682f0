using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

public sealed class AdjustContrastTests
{
    [Test]
    public void GammaOneIsTheIdentityUpToEpsilonAndTheRangeIsKept()
    {
        using var input = tensor(new double[] { -20, 0, 5, 80, 30, 10 }).reshape(2, 3, 1);
        using var same = AdjustContrast.Adjust(input, 1);
        Assert.That(MaxAbsDifference(same, input), Is.LessThan(1e-6));
        using var curved = AdjustContrast.Adjust(input, 2.5);
        var v = Values(curved);
        Assert.That(v.Min(), Is.EqualTo(-20).Within(1e-9), "the minimum maps to itself");
        Assert.That(v.Max(), Is.EqualTo(80).Within(1e-5), "the maximum maps to itself (up to ε)");
        Assert.That(v[2], Is.LessThan(5), "γ > 1 darkens mid-tones");
        Assert.That(v[3], Is.GreaterThan(v[4]).And.GreaterThan(v[5]), "the curve is monotonic and min/max are over all channels");
    }

    [Test]
    public void AConstantImageStaysConstant()
    {
        using var input = full([1, 3, 3], 4.0, ScalarType.Float64);
        using var result = AdjustContrast.Adjust(input, 3);
        Assert.That(Values(result), Is.All.EqualTo(4.0));
    }

    [Test]
    public void DrawnGammaStaysInItsRange()
    {
        // With a single pixel strictly inside [min, max], γ = log(y') / log(x') where x', y' are its normalised values.
        using var input = tensor(new float[] { 0, 0.5f, 1 }).reshape(1, 3, 1);
        var gammas = new List<double>();
        for (var index = 0; index < 30; index++)
        {
            using var context = Context(index, 7, 0, ("image", Image(input.clone())));
            new AdjustContrast(["image"], probability: 1, gamma: [0.7, 1.6]).Apply(context);
            gammas.Add(Math.Log(Values(DataOf(context, "image"))[1]) / Math.Log(0.5));
        }
        Assert.That(gammas, Is.All.InRange(0.7 - 1e-4, 1.6 + 1e-4));
        Assert.That(gammas.Max() - gammas.Min(), Is.GreaterThan(0.4));
    }

    [Test]
    public void GammaArgsFollowMonai()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new AdjustContrast(["image"], gamma: [0.5]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("gamma"), "one number must exceed 0.5");
            Assert.That(() => new AdjustContrast(["image"], gamma: [0, 2]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("gamma"));
            Assert.That(() => new AdjustContrast(["image"], gamma: [1, 2, 3]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("gamma"));
            Assert.That(new AdjustContrast(["image"], gamma: [2]), Is.Not.Null);
            Assert.That(FromConfig("AdjustContrast", """{ "fields": "image", "probability": 0.2, "gamma": [0.8, 1.5] }""", typeof(AdjustContrast)), Is.Not.Null);
        });
    }
}
