using NUnit.Framework;
using Pipeline.Networks.Models;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegAhnet against a plain-PyTorch copy of MONAI's AHNet with formula-made weights (tools/fixtures/make_segahnet_fixture.py).</summary>
/// <remarks>Runs in float32, the precision users run: the final 3×3×1 conv over 124 channels is one of the channel counts
/// libtorch's CPU kernels get wrong unless <see cref="Pipeline.Networks.Layers.ConvolutionLayer"/> splits them.</remarks>
public sealed class SegAhnetGoldenTests
{
    [TestCase("z_default")]
    [TestCase("x_trilinear")]
    [TestCase("d2_psp")]
    public void MatchesPyTorchWithTheSameWeights(string caseName) => CompareWithFixture(caseName);

    /// <summary>The 3D transpose-mode PSP network at its smallest legal size, 128×32×128, with plane y.</summary>
    [Test]
    public void MatchesPyTorchWithPspAndPlaneY() => CompareWithFixture("y_psp");

    [Test]
    public void PyramidPoolingMatchesPyTorch()
    {
        var fixtureCase = SegAhnetFixture.Files.Description["psp_module"]!.AsObject();
        using var psp = new SegAhnetPyramidPooling(3, 4, 124, SegAhnetUpsampling.Transpose);
        using (var scope = NewDisposeScope())
            StateDictLoader.Load(psp, SegAhnetFixture.FormulaWeights(psp));
        Assert.That(psp.state_dict().Keys, Is.EquivalentTo(SegAhnetFixture.ReferenceStateDict(fixtureCase).Keys));
        using var outer = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = psp.call(SegAhnetFixture.Input(fixtureCase));
        AssertMatchesSamples(output, fixtureCase);
    }

    private static void CompareWithFixture(string caseName)
    {
        var fixtureCase = SegAhnetFixture.Case(caseName);
        // Built outside any dispose scope: custom-module parameters created inside one are lost when it ends.
        using var model = SegAhnetFixture.BuildModel(fixtureCase);
        using (var scope = NewDisposeScope())
            StateDictLoader.Load(model, SegAhnetFixture.FormulaWeights(model));
        model.eval();

        using var outer = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = model.call(SegAhnetFixture.Input(fixtureCase));
        AssertMatchesSamples(output, fixtureCase);
    }

    private static void AssertMatchesSamples(Tensor output, System.Text.Json.Nodes.JsonObject fixtureCase)
    {
        var shape = fixtureCase["output_shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
        Assert.That(output.shape, Is.EqualTo(shape));
        var stride = fixtureCase["output_stride"]!.GetValue<long>();
        var actual = output.flatten().slice(0, 0, output.numel(), stride);
        var expected = tensor(SegAhnetFixture.ExpectedSamples(fixtureCase));
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        Assert.That((actual - expected).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-4f));
    }

    [TestCase("z_default")]
    [TestCase("y_psp")]
    [TestCase("d2_psp")]
    public void StateDictKeysAndShapesAreMonaisExactly(string caseName)
    {
        var fixtureCase = SegAhnetFixture.Case(caseName);
        using var model = SegAhnetFixture.BuildModel(fixtureCase);
        var reference = SegAhnetFixture.ReferenceStateDict(fixtureCase);
        var actual = model.state_dict();

        Assert.That(actual.Keys, Is.EquivalentTo(reference.Keys));
        foreach (var (name, shape) in reference)
            Assert.That(actual[name].shape, Is.EqualTo(shape), name);
    }
}
