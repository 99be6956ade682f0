using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_unet3d_fixture.py wrote into Fixtures/networks/unet3d/.</summary>
internal static class UNet3DFixture
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "networks", "unet3d");

    public static string WeightsPath => Path.Combine(Folder, "weights.safetensors");

    public static JsonObject Description => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "fixture.json")))!.AsObject();

    /// <summary>The fixture network built straight from the recorded args (not through the binder, which has its own test).</summary>
    public static UNet3D BuildModel()
    {
        var args = Description["args"]!.AsObject();
        return new UNet3D(
            numClasses: args["num_classes"]!.GetValue<int>(),
            inChannels: args["in_channels"]!.GetValue<int>(),
            filters: args["filters"]!.GetValue<string>().Split(',').Select(int.Parse).ToArray(),
            normalization: args["normalization"]!.GetValue<string>(),
            negativeSlope: args["negative_slope"]!.GetValue<double>());
    }

    public static Tensor Input => ReadFloats("input.bin", "input_shape");

    public static Tensor ExpectedOutput => ReadFloats("output.bin", "output_shape");

    private static Tensor ReadFloats(string file, string shapeKey)
    {
        var shape = Description[shapeKey]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        var floats = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();
        Assert.That(floats, Has.Length.EqualTo(shape.Aggregate(1L, (a, b) => a * b)), file);
        return tensor(floats, shape);
    }
}
