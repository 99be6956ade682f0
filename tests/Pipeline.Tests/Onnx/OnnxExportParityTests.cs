using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks;
using Pipeline.Networks.Models;
using Pipeline.Onnx;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>An exported network run by ONNX Runtime gives our own forward's output (fp32, within 1e-4), at more than one input size.</summary>
public sealed class OnnxExportParityTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-parity-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> SegResnets()
    {
        foreach (var (activation, upsample) in new[] { ("softmax", "nontrainable"), ("sigmoid", "deconv"), ("linear", "nontrainable") })
            foreach (var size in new[] { new[] { 16, 16, 16 }, new[] { 32, 24, 8 } })
                yield return new TestCaseData(activation, upsample, size).SetName($"SegResnet({activation}, {upsample}, {string.Join("x", size)})");
    }

    [TestCaseSource(nameof(SegResnets))]
    public void SegResnetMatchesOurForward(string activation, string upsample, int[] size)
    {
        manual_seed(7);
        using var network = new SegResnet(numClasses: 3, inChannels: 2, blocksDown: [1, 2, 1], blocksUp: [1, 1], initFilters: 4, groupNormGroups: 2,
            finalActivation: activation, upsampleMode: upsample);
        OnnxParity.RandomizeNorms(network);
        var label = $"SegResnet {activation} {upsample} at {string.Join("x", size)}";

        var path = OnnxParity.Export(network, OnnxParity.Spec("SegResnet", activation), network.InputContract, _dir, size);
        OnnxParity.AssertMatches(network, path, label, inChannels: 2, [size]);
        OnnxParity.AssertFloat16ArgmaxAgrees(network, OnnxParity.Spec("SegResnet", activation), network.InputContract, _dir, label, 2, [size], size);
    }

    [Test]
    public void TheModelCarriesItsContractAndADynamicBatchAxis()
    {
        manual_seed(1);
        using var network = new SegResnet(numClasses: 2, blocksDown: [1, 1], blocksUp: [1], initFilters: 4, groupNormGroups: 2);
        network.eval();
        var model = OnnxExporter.Export(network, new NetworkSpec("SegResnet", new JsonObject()), network.InputContract, new OnnxExportOptions(SpatialShape: [8, 8, 8]));

        var input = model.Graph.Input.Single();
        Assert.That(input.Name, Is.EqualTo("image"));
        Assert.That(input.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString()), Is.EqualTo(new[] { "batch", "1", "8", "8", "8" }));
        Assert.That(model.Graph.Output.Single().Type.TensorType.Shape.Dim[1].DimValue, Is.EqualTo(2));
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(InputContract.FromJson(metadata[OnnxModelMetadata.InputContract]).InChannels, Is.EqualTo(1));
        Assert.That(NetworkSpec.FromJson(metadata[OnnxModelMetadata.Network], "model").Name, Is.EqualTo("SegResnet"));
    }

    [Test]
    public void AFixedShapeNetworkWithoutAKnownSizeIsRefusedPlainly()
    {
        using var network = new SegResnet(numClasses: 2, blocksDown: [1, 1], blocksUp: [1], initFilters: 4, groupNormGroups: 2);
        Assert.That(() => OnnxExporter.Export(network, new NetworkSpec("SegResnet", new JsonObject()), network.InputContract, new OnnxExportOptions()),
            Throws.TypeOf<Pipeline.Networks.Export.ExportNotSupportedException>().With.Message.Contain("--input-shape"));
    }
}
