using NUnit.Framework;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>The deterministic cores of the intensity transforms against numpy/scipy references (tools/fixtures/make_intensity_fixtures.py).</summary>
public sealed class IntensityGoldenTests
{
    /// <summary>Tolerance for float64 computations against float64 references.</summary>
    private const double Float64Tolerance = 1e-12;

    [Test]
    public void EveryKindOfCaseIsPresent()
    {
        var kinds = IntensityFixture.All().GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(kinds.Keys, Is.EquivalentTo(new[]
        {
            "zscore_nonzero", "center", "gaussian", "gaussian_kernel", "scale_range", "bias_field", "adjust_contrast",
        }));
        Assert.That(kinds["gaussian"], Is.GreaterThanOrEqualTo(3));
        Assert.That(kinds["bias_field"], Is.GreaterThanOrEqualTo(4));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "zscore_nonzero" })]
    public void NonzeroZScoreMatchesNumpy(string name)
    {
        var c = IntensityFixture.Named(name);
        using var input = c.LoadInput();
        using var expected = c.LoadOutput();
        using var result = NormalizeNonzeroIntensities.Normalize(input);
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(MaxAbsDifference(result, expected), Is.LessThan(Float64Tolerance));

        // float32 data give float32 results within float32 rounding.
        using var single = input.to_type(ScalarType.Float32);
        using var singleResult = NormalizeNonzeroIntensities.Normalize(single);
        Assert.That(singleResult.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(MaxAbsDifference(singleResult, expected), Is.LessThan(1e-5));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "center" })]
    public void CenteringMatchesNumpy(string name)
    {
        var c = IntensityFixture.Named(name);
        using var input = c.LoadInput();
        using var expected = c.LoadOutput();
        using var result = CenterData.Center(input);
        Assert.That(MaxAbsDifference(result, expected), Is.LessThan(Float64Tolerance));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "gaussian" })]
    public void GaussianSmoothingMatchesScipy(string name)
    {
        var c = IntensityFixture.Named(name);
        using var input = c.LoadInput();
        using var expected = c.LoadOutput();
        using var result = GaussianSmoothing.Smooth(input, c.Params["sigma"]);
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(MaxAbsDifference(result, expected), Is.LessThan(Float64Tolerance));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "gaussian_kernel" })]
    public void GaussianKernelMatchesScipy(string name)
    {
        var c = IntensityFixture.Named(name);
        using var expected = c.LoadOutput();
        var kernel = GaussianSmoothing.Kernel(c.Scalar("sigma"));
        Assert.That(kernel, Is.EqualTo(Values(expected)).Within(1e-15));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "scale_range" })]
    public void ScaleIntensityRangeMatchesTheFormula(string name)
    {
        var c = IntensityFixture.Named(name);
        using var expected = c.LoadOutput();
        using var context = Context(("image", Image(c.LoadInput())));
        new ScaleIntensityRange(["image"], c.Scalar("a_min"), c.Scalar("a_max"), c.Scalar("b_min"), c.Scalar("b_max"), clip: c.Scalar("clip") != 0)
            .Apply(context);
        var result = DataOf(context, "image");
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float32), "ScaleIntensityRange computes in float32, as MONAI's default dtype");
        Assert.That(MaxAbsDifference(result, expected), Is.LessThan(2e-6 * Math.Max(1, Math.Abs(c.Scalar("b_max") - c.Scalar("b_min")))));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "bias_field" })]
    public void BiasFieldMatchesMonaiWithNumpyLegendre(string name)
    {
        var c = IntensityFixture.Named(name);
        var degree = (int)c.Scalar("degree");
        using var expectedField = c.LoadField();
        using var field = LegendreBiasField.Field(c.InputShape[1..], degree, c.Params["coeff"]);
        Assert.That(MaxAbsDifference(field, expectedField), Is.LessThan(Float64Tolerance));

        using var input = c.LoadInput();
        using var expected = c.LoadOutput();
        using var biased = RandomMRBiasField.ApplyField(input, degree, c.Params["coeff"]);
        Assert.That(MaxAbsDifference(biased, expected), Is.LessThan(1e-10));
    }

    [TestCaseSource(typeof(IntensityFixture), nameof(IntensityFixture.NamesOf), new object[] { "adjust_contrast" })]
    public void AdjustContrastMatchesMonaisFormula(string name)
    {
        var c = IntensityFixture.Named(name);
        using var input = c.LoadInput();
        using var expected = c.LoadOutput();
        using var result = AdjustContrast.Adjust(input, c.Scalar("gamma"));
        Assert.That(MaxAbsDifference(result, expected), Is.LessThan(1e-10));
    }
}
