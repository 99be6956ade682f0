using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>What tools/fixtures/make_segahnet_fixture.py wrote into Fixtures/networks/segahnet/, and the formulas it used for weights and inputs.</summary>
internal static class SegAhnetFixture
{
    public static NetworkFixtureFiles Files { get; } = new("segahnet");

    public static JsonObject Case(string name) =>
        Files.Description["cases"]!.AsArray().Select(c => c!.AsObject()).Single(c => c["name"]!.GetValue<string>() == name);

    /// <summary>The case's network built straight from the recorded args (not through the binder, which has its own test).</summary>
    public static SegAhnet BuildModel(JsonObject fixtureCase)
    {
        var args = fixtureCase["args"]!.AsObject();
        return new SegAhnet(
            numClasses: args["num_classes"]!.GetValue<int>(),
            inChannels: args["in_channels"]?.GetValue<int>() ?? 1,
            ifUsePsp: args["if_use_psp"]?.GetValue<bool>() ?? false,
            plane: args["plane"]?.GetValue<string>() ?? "z",
            finalActivation: args["final_activation"]?.GetValue<string>() ?? "softmax",
            nSpatialDim: args["n_spatial_dim"]?.GetValue<int>() ?? 3,
            upsampleMode: args["upsample_mode"]?.GetValue<string>() ?? "transpose",
            layers: (args["layers"]?.GetValue<string>() ?? "3,4,6,3").Split(',').Select(int.Parse).ToArray());
    }

    /// <summary>The state-dict keys and shapes of the reference network.</summary>
    public static Dictionary<string, long[]> ReferenceStateDict(JsonObject fixtureCase) =>
        fixtureCase["state_dict"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(n => n!.GetValue<long>()).ToArray());

    /// <summary>Every state-dict entry of <paramref name="model"/> set from the fixture's formula (num_batches_tracked 0), in the entry's dtype.</summary>
    public static Dictionary<string, Tensor> FormulaWeights(nn.Module model)
    {
        var weights = new Dictionary<string, Tensor>();
        foreach (var (name, target) in model.state_dict())
            weights[name] = name.EndsWith("num_batches_tracked", StringComparison.Ordinal)
                ? zeros_like(target)
                : tensor(FormulaValues(name, target.shape), target.shape).to(target.dtype);
        return weights;
    }

    /// <summary>The python script's formula_values: s = sin(0.37 i + 0.11 len(name)) in float64, scaled by the entry's role, cast to float32.</summary>
    public static float[] FormulaValues(string name, long[] shape)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        var offset = 0.11 * name.Length;
        var convScale = shape.Length > 1 ? Math.Sqrt(3.0 / (n / shape[0])) : 0;
        for (long i = 0; i < n; i++)
        {
            var s = Math.Sin(0.37 * i + offset);
            values[i] = (float)(name.EndsWith("running_var", StringComparison.Ordinal) ? 1.0 + 0.5 * s
                : name.EndsWith("running_mean", StringComparison.Ordinal) ? 0.1 * s
                : shape.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal) ? 1.0 + 0.25 * s
                : name.EndsWith(".bias", StringComparison.Ordinal) ? 0.1 * s
                : s * convScale);
        }
        return values;
    }

    /// <summary>The python script's formula_input: x[i] = sin(0.0137 i) + 0.5 sin(0.291 i + 1) over the flat index.</summary>
    public static Tensor Input(JsonObject fixtureCase)
    {
        var shape = fixtureCase["input_shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (long i = 0; i < n; i++) values[i] = (float)(Math.Sin(0.0137 * i) + 0.5 * Math.Sin(0.291 * i + 1.0));
        return tensor(values, shape);
    }

    /// <summary>The stored output samples: every output_stride-th element of the flattened output.</summary>
    public static float[] ExpectedSamples(JsonObject fixtureCase) =>
        MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Files.Folder, fixtureCase["name"]!.GetValue<string>() + ".output.bin"))).ToArray();
}
