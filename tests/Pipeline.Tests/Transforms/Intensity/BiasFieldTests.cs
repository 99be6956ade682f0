using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>LegendreBiasField closed forms and RandomMRBiasField behaviour (MONAI agreement is in <see cref="IntensityGoldenTests"/>).</summary>
public sealed class BiasFieldTests
{
    [Test]
    public void CoefficientCountsAreMonais()
    {
        Assert.That(LegendreBiasField.CoefficientCount(3, 3), Is.EqualTo(20));
        Assert.That(LegendreBiasField.CoefficientCount(3, 1), Is.EqualTo(4));
        Assert.That(LegendreBiasField.CoefficientCount(2, 3), Is.EqualTo(10));
        Assert.That(LegendreBiasField.CoefficientCount(2, 2), Is.EqualTo(6));
    }

    [Test]
    public void TheFirstCoefficientsAreTheConstantAndTheLinearTermOfTheLastAxis()
    {
        // 3-D order (i, j, k) with k innermost: c0 ↔ (0,0,0), c1 ↔ (0,0,1) = P1(z) = z.
        var c = new double[20];
        c[0] = 0.3;
        c[1] = 0.5;
        using var field = LegendreBiasField.Field([2, 3, 5], 3, c);
        var v = Values(field);
        var z = new[] { -1, -0.5, 0, 0.5, 1 };
        for (var i = 0; i < 2; i++)
        for (var j = 0; j < 3; j++)
        for (var k = 0; k < 5; k++)
            Assert.That(v[(i * 3 + j) * 5 + k], Is.EqualTo(0.3 + 0.5 * z[k]).Within(1e-15));
    }

    [Test]
    public void TwoDimensionalOrderIsTheLowerTriangle()
    {
        // tril order: c0 ↔ (0,0), c1 ↔ (1,0) = P1(x), c2 ↔ (1,1) = x·y.
        using var field = LegendreBiasField.Field([3, 3], 1, [0, 0, 2]);
        var v = Values(field);
        var x = new[] { -1.0, 0, 1 };
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
            Assert.That(v[i * 3 + j], Is.EqualTo(2 * x[i] * x[j]).Within(1e-15));
    }

    [Test]
    public void BadShapesDegreesAndCoefficientCountsAreRejected()
    {
        Assert.That(() => LegendreBiasField.Field([4], 1, [0, 0]), Throws.ArgumentException);
        Assert.That(() => LegendreBiasField.Field([4, 4, 4], 0, [0]), Throws.ArgumentException);
        Assert.That(() => LegendreBiasField.Field([4, 4, 4], 3, new double[19]), Throws.ArgumentException);
    }

    [Test]
    public void EveryChannelIsMultipliedByTheSamePositiveField()
    {
        using var input = Uniform([3, 5, 4, 3], 1, 100);
        using var context = Context(("image", Image(input.clone())));
        new RandomMRBiasField(["image"], probability: 1, coeffRange: [-0.3, 0.3]).Apply(context);
        using var gain = DataOf(context, "image").div(input);
        Assert.That(MaxAbsDifference(gain[0], gain[1]), Is.LessThan(1e-5));
        Assert.That(MaxAbsDifference(gain[0], gain[2]), Is.LessThan(1e-5));
        Assert.That(Values(gain).Min(), Is.GreaterThan(0));
        Assert.That(Values(gain).Max() - Values(gain).Min(), Is.GreaterThan(1e-3), "the gain varies over the volume");
    }

    [Test]
    public void AZeroCoefficientRangeChangesNothing()
    {
        using var input = Uniform([1, 4, 4]);
        using var context = Context(("image", Image(input.clone())));
        new RandomMRBiasField(["image"], probability: 1, coeffRange: [0, 0]).Apply(context);
        Assert.That(MaxAbsDifference(DataOf(context, "image"), input), Is.LessThan(1e-12));
    }

    [Test]
    public void ArgsAreValidated()
    {
        Assert.That(() => new RandomMRBiasField(["image"], degree: 0), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("degree"));
        Assert.That(() => new RandomMRBiasField(["image"], coeffRange: [0.2, 0.1]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("coeff_range"));
        Assert.That(() => new RandomMRBiasField(["image"], coeffRange: [0.1]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("coeff_range"));
        Assert.That(FromConfig("RandomMRBiasField", """{ "fields": "image", "degree": 2, "coeff_range": [0, 0.2] }""", typeof(RandomMRBiasField)), Is.Not.Null);
    }
}
