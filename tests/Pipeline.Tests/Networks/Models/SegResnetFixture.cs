using System.Text.Json.Nodes;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_segresnet_fixture.py wrote into Fixtures/networks/segresnet/.</summary>
internal static class SegResnetFixture
{
    public static NetworkFixtureFiles Files { get; } = new("segresnet");

    public static string WeightsPath => Files.WeightsPath;

    public static JsonObject Description => Files.Description;

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

    public static Tensor Input => Files.ReadFloats("input.bin", "input_shape");

    public static Tensor ExpectedOutput => Files.ReadFloats("output.bin", "output_shape");
}
