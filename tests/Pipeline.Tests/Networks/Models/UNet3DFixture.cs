using System.Text.Json.Nodes;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_unet3d_fixture.py wrote into Fixtures/networks/unet3d/.</summary>
internal static class UNet3DFixture
{
    public static NetworkFixtureFiles Files { get; } = new("unet3d");

    public static string WeightsPath => Files.WeightsPath;

    public static JsonObject Description => Files.Description;

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

    public static Tensor Input => Files.ReadFloats("input.bin", "input_shape");

    public static Tensor ExpectedOutput => Files.ReadFloats("output.bin", "output_shape");
}
