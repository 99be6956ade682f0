using NUnit.Framework;
using Pipeline.Inferers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>MONAI's compute_importance_map: the gaussian profile, its centring and the 1e-3 floor.</summary>
public sealed class ImportanceMapTests
{
    [Test]
    public void GaussianPeaksAtTheCentreAndIsFlooredAtOneThousandth()
    {
        using var scope = NewDisposeScope();
        var map = ImportanceMap.Create([96, 96, 96], BlendMode.Gaussian, 0.125);

        Assert.That(map.shape, Is.EqualTo(new long[] { 96, 96, 96 }));
        Assert.That(map.dtype, Is.EqualTo(ScalarType.Float32));
        // Even length: the two central samples sit at ±0.5, so the peak is exp(-0.25/288) in every axis.
        Assert.That(map[47, 47, 47].item<float>(), Is.EqualTo(Math.Pow(Math.Exp(-0.25 / 288), 3)).Within(1e-6));
        Assert.That(map[47, 47, 47].item<float>(), Is.EqualTo(map[48, 48, 48].item<float>()));
        Assert.That(map.min().item<float>(), Is.EqualTo(1e-3f).Within(1e-9));
        // An edge sample on one axis only: exp(-47.5²/288) ≈ 3.97e-4 times the near-peak values, lifted to the floor.
        Assert.That(map[0, 47, 47].item<float>(), Is.EqualTo(1e-3f).Within(1e-9));
        Assert.That(map[20, 47, 47].item<float>(), Is.EqualTo(Math.Exp(-27.5 * 27.5 / 288) * Math.Pow(Math.Exp(-0.25 / 288), 2)).Within(1e-6));
    }

    [Test]
    public void WideSigmaKeepsItsTrueMinimum()
    {
        using var scope = NewDisposeScope();
        var map = ImportanceMap.Create([5, 4], BlendMode.Gaussian, 1.0);

        Assert.That(map.min().item<float>(), Is.EqualTo(Math.Exp(-4.0 / 50) * Math.Exp(-2.25 / 32)).Within(1e-6));
    }

    [Test]
    public void ConstantIsAllOnes()
    {
        using var scope = NewDisposeScope();
        var map = ImportanceMap.Create([3, 4, 5], BlendMode.Constant, 0.125);

        Assert.That(map.shape, Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That(map.eq(1).all().item<bool>(), Is.True);
    }
}
