using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>The files a tools/fixtures/make_*_fixture.py script wrote for one network: fixture.json, weights.safetensors and float32 .bin tensors.</summary>
internal sealed class NetworkFixtureFiles(string folderName)
{
    public string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "networks", folderName);

    public string WeightsPath => Path.Combine(Folder, "weights.safetensors");

    public JsonObject Description => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "fixture.json")))!.AsObject();

    /// <summary>Reads <paramref name="file"/> as float32 with the shape recorded at <paramref name="shapeKey"/> of <paramref name="section"/> (default: the whole description).</summary>
    public Tensor ReadFloats(string file, string shapeKey, JsonObject? section = null)
    {
        var shape = (section ?? Description)[shapeKey]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        var floats = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();
        Assert.That(floats, Has.Length.EqualTo(shape.Aggregate(1L, (a, b) => a * b)), file);
        return tensor(floats, shape);
    }

    /// <summary>Loads the fixture weights into <paramref name="model"/>, runs <paramref name="input"/> in eval mode and returns the largest deviation from <paramref name="expected"/>.</summary>
    /// <remarks>The model must be built outside any dispose scope: custom-module parameters created inside one are lost when it ends.</remarks>
    public float MaxDeviation(nn.Module<Tensor, Tensor> model, Func<Tensor> input, Func<Tensor> expected)
    {
        using (var weights = SafetensorsReader.Read(WeightsPath))
            StateDictLoader.Load(model, weights.Tensors);
        model.eval();

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var want = expected();
        var actual = model.call(input());
        Assert.That(actual.shape, Is.EqualTo(want.shape));
        return (actual - want).abs().max().item<float>();
    }
}
