using System.Text.Json.Nodes;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>One case that tools/fixtures/make_claraunet_fixture.py wrote into Fixtures/networks/claraunet/&lt;case&gt;/.</summary>
internal sealed class ClaraUnetFixture(string caseName)
{
    /// <summary>The fixture case names: Clara's default layout with GroupNorm, a shorter one with BatchNorm, the shortest without norm.</summary>
    public static readonly string[] Cases = ["groupnorm", "batchnorm", "plain"];

    public NetworkFixtureFiles Files { get; } = new(Path.Combine("claraunet", caseName));

    public JsonObject Args => Files.Description["args"]!.AsObject();

    /// <summary>The fixture network built straight from the recorded args (not through the binder, which has its own test).</summary>
    public ClaraUnet BuildModel(double regWeight = 0.0)
    {
        var args = Args;
        static int[] Ints(JsonNode? node) => node!.GetValue<string>().Split(',').Select(int.Parse).ToArray();
        return new ClaraUnet(
            numClasses: args["num_classes"]!.GetValue<int>(),
            nfEnc: Ints(args["nf_enc"]),
            nfDec: Ints(args["nf_dec"]),
            useBatchNorm: args["use_batch_norm"]!.GetValue<bool>(),
            useGroupNorm: args["use_group_norm"]!.GetValue<bool>(),
            groupNormGroups: args["use_group_normG"]!.GetValue<int>(),
            finalActivation: args["final_activation"]!.GetValue<string>(),
            inChannels: args["in_channels"]!.GetValue<int>(),
            regWeight: regWeight);
    }

    public Tensor Input => Files.ReadFloats("input.bin", "input_shape");

    public Tensor ExpectedOutput => Files.ReadFloats("output.bin", "output_shape");

    /// <summary>Σ over the conv kernels of Σw²/2, as computed in float64 by the script.</summary>
    public double HalfSumOfSquaredKernels => Files.Description["half_sum_of_squared_kernels"]!.GetValue<double>();
}
