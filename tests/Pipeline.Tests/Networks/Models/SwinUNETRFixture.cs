using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_swinunetr_fixture.py wrote into Fixtures/networks/swinunetr/, plus its weight formula.</summary>
/// <remarks>
/// The fixture network has ~4 M parameters, too many to store, so every floating state-dict entry is recomputed here from
/// the script's formula: FNV-1a 64 of the key, splitmix64 of (hash + element index), the top 24 bits mapped to [-1, 1),
/// then offset + scale·u in double rounded once to float32 (bit-identical to the numpy computation).
/// </remarks>
internal static class SwinUNETRFixture
{
    public static NetworkFixtureFiles Files { get; } = new("swinunetr");

    public static JsonObject Description => Files.Description;

    public static JsonObject Variant(string name) => Description["variants"]![name]!.AsObject();

    /// <summary>The fixture network of <paramref name="variant"/> built straight from the recorded args (not through the binder, which has its own test).</summary>
    public static SwinUNETR BuildModel(string variant)
    {
        var args = Description["args"]!.AsObject();
        var extra = Variant(variant)["args"]!.AsObject();
        static int[] Ints(JsonNode? node) => node!.GetValue<string>().Split(',').Select(int.Parse).ToArray();
        return new SwinUNETR(
            outChannels: args["out_channels"]!.GetValue<int>(),
            inChannels: args["in_channels"]!.GetValue<int>(),
            featureSize: args["feature_size"]!.GetValue<int>(),
            depths: Ints(args["depths"]),
            numHeads: Ints(args["num_heads"]),
            windowSize: args["window_size"]!.GetValue<int>(),
            finalActivation: args["final_activation"]!.GetValue<string>(),
            useV2: extra["use_v2"]!.GetValue<bool>(),
            patchMergingOrder: extra["patch_merging_order"]!.GetValue<string>());
    }

    /// <summary>The fixture's weights for <paramref name="variant"/>: formula tensors for every float entry, the model's own value for the int64 index buffers.</summary>
    public static Dictionary<string, Tensor> Weights(string variant, SwinUNETR model)
    {
        var own = model.state_dict();
        var weights = new Dictionary<string, Tensor>();
        foreach (var (name, node) in Variant(variant)["keys"]!.AsObject())
        {
            var entry = node!.AsObject();
            if (entry["dtype"]!.GetValue<string>() != "float32")
            {
                weights[name] = own[name];
                continue;
            }
            var shape = entry["shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
            var count = shape.Aggregate(1L, (a, b) => a * b);
            weights[name] = tensor(FormulaValues(name, count, entry["offset"]!.GetValue<double>(), entry["scale"]!.GetValue<double>()), shape);
        }
        return weights;
    }

    public static Tensor Input => Files.ReadFloats("input.bin", "input_shape");

    public static Tensor ExpectedOutput(string variant) => Files.ReadFloats(Variant(variant)["output"]!.GetValue<string>(), "output_shape");

    /// <summary>sum(index_k · (k mod 1009 + 1)) over the flat elements, as the script records for each relative_position_index.</summary>
    public static long IndexChecksum(Tensor index)
    {
        using var scope = NewDisposeScope();
        var flat = index.reshape(-1).to(ScalarType.Int64);
        var weights = arange(flat.shape[0], dtype: ScalarType.Int64).remainder(1009L) + 1;
        return (flat * weights).sum().item<long>();
    }

    private static float[] FormulaValues(string name, long count, double offset, double scale)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
            hash = unchecked((hash ^ b) * 0x100000001B3UL);
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            var z = unchecked(hash + (ulong)i + 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            var u = (z >> 40) / 8388608.0 - 1.0;
            values[i] = (float)(offset + scale * u);
        }
        Assert.That(values, Is.Not.Empty, name);
        return values;
    }
}
