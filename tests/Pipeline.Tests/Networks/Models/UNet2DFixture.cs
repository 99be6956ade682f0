using System.Text.Json.Nodes;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_unet2d_fixture.py wrote into Fixtures/networks/unet2d/ (one weight set, both padding modes).</summary>
internal static class UNet2DFixture
{
    public static NetworkFixtureFiles Files { get; } = new("unet2d");

    public static string WeightsPath => Files.WeightsPath;

    public static JsonObject Description => Files.Description;

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

    public static Tensor Input(string padding) => Files.ReadFloats($"input_{padding}.bin", "input_shape", Description[padding]!.AsObject());

    public static Tensor ExpectedOutput(string padding) => Files.ReadFloats($"output_{padding}.bin", "output_shape", Description[padding]!.AsObject());
}
