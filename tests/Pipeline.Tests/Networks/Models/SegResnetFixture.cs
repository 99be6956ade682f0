using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_segresnet_fixture.py wrote into Fixtures/networks/segresnet/.</summary>
internal static class SegResnetFixture
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "networks", "segresnet");

    public static string WeightsPath => Path.Combine(Folder, "weights.safetensors");

    public static JsonObject Description => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "fixture.json")))!.AsObject();

    /// <summary>The fixture network built straight from the recorded args (not through the binder, which has its own test).</summary>
    public static SegResnet BuildModel()
    {
        var args = Description["args"]!.AsObject();
        static int[] Ints(JsonNode? node) => node!.GetValue<string>().Split(',').Select(int.Parse).ToArray();
        return new SegResnet(
            numClasses: args["num_classes"]!.GetValue<int>(),
            inChannels: args["in_channels"]!.GetValue<int>(),
            blocksDown: Ints(args["blocks_down"]),
            blocksUp: Ints(args["blocks_up"]),
            initFilters: args["init_filters"]!.GetValue<int>(),
            useGroupNorm: args["use_group_norm"]!.GetValue<bool>(),
            groupNormGroups: args["use_group_normG"]!.GetValue<int>(),
            finalActivation: args["final_activation"]!.GetValue<string>(),
            upsampleMode: args["upsample_mode"]!.GetValue<string>());
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
