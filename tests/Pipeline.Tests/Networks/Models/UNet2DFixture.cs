using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_unet2d_fixture.py wrote into Fixtures/networks/unet2d/ (one weight set, both padding modes).</summary>
internal static class UNet2DFixture
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "networks", "unet2d");

    public static string WeightsPath => Path.Combine(Folder, "weights.safetensors");

    public static JsonObject Description => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "fixture.json")))!.AsObject();

    /// <summary>The fixture network in <paramref name="padding"/> mode, built straight from the recorded args (not through the binder).</summary>
    public static UNet2D BuildModel(string padding)
    {
        var args = Description["args"]!.AsObject();
        return new UNet2D(
            numClasses: args["num_classes"]!.GetValue<int>(),
            inChannels: args["in_channels"]!.GetValue<int>(),
            features: args["features"]!.GetValue<string>().Split(',').Select(int.Parse).ToArray(),
            padding: padding,
            useBatchNorm: args["use_batch_norm"]!.GetValue<bool>());
    }

    public static Tensor Input(string padding) => ReadFloats($"input_{padding}.bin", padding, "input_shape");

    public static Tensor ExpectedOutput(string padding) => ReadFloats($"output_{padding}.bin", padding, "output_shape");

    private static Tensor ReadFloats(string file, string padding, string shapeKey)
    {
        var shape = Description[padding]![shapeKey]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        var floats = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();
        Assert.That(floats, Has.Length.EqualTo(shape.Aggregate(1L, (a, b) => a * b)), file);
        return tensor(floats, shape);
    }
}
