using NUnit.Framework;
using Pipeline.Inferers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>ScanWindowInferer against a plain-PyTorch re-implementation of MONAI's sliding_window_inference (tools/fixtures/make_inferer_fixtures.py).</summary>
public sealed class ScanWindowInfererGoldenTests
{
    private static readonly string[] Cases =
        ["pad3d_constant", "pad3d_gaussian_half", "reflect3d_gaussian", "replicate3d_wholeaxis", "plane2d_gaussian", "plane2d_constant_pad"];

    [TestCaseSource(nameof(Cases))]
    public void MatchesMonai(string name)
    {
        var fixture = InfererFixture.Get(name);
        var inferer = new ScanWindowInferer(fixture.RoiSize, fixture.BatchSize, fixture.Overlap, fixture.Mode, fixture.SigmaScale,
            fixture.PaddingMode, fixture.Cval);
        using var network = new WindowCumsumNetwork();
        using var scope = NewDisposeScope();
        var input = fixture.Input();
        var expected = fixture.Expected();

        var actual = inferer.Infer(input, network);

        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        Assert.That(actual.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That((actual - expected).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-5f));
        var batch = input.shape[0];
        Assert.That(network.Calls, Is.EqualTo((batch * fixture.WindowsPerImage + fixture.BatchSize - 1) / fixture.BatchSize));
        Assert.That(network.BatchSizes.Max(), Is.LessThanOrEqualTo(fixture.BatchSize));
    }

    [Test]
    public void EveryFixtureCaseIsTested() => Assert.That(InfererFixture.Names(), Is.EquivalentTo(Cases));
}
