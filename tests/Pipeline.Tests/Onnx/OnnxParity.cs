using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using Pipeline.IO;
using Pipeline.Networks;
using Pipeline.Networks.Layers;
using Pipeline.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>Exports a network, runs the model in ONNX Runtime on several inputs, and asserts each output is our forward's within 1e-4.</summary>
internal static class OnnxParity
{
    public const double Tolerance = 1e-4;

    /// <summary>Writes <paramref name="network"/> (in eval mode) to <paramref name="dir"/>/model.onnx with its own contract; returns the path.</summary>
    public static string Export(nn.Module<Tensor, Tensor> network, NetworkSpec spec, InputContract contract, string dir, IReadOnlyList<int>? spatialShape = null,
        ScalarType precision = ScalarType.Float32)
    {
        network.eval();
        var model = OnnxExporter.Export(network, spec, contract, new OnnxExportOptions(SpatialShape: spatialShape) { Precision = precision });
        var path = Path.Combine(dir, precision == ScalarType.Float16 ? "model_fp16.onnx" : "model.onnx");
        OnnxExporter.Write(model, new OutputFolder(dir, "test"), path);
        return path;
    }

    /// <summary>Runs the model at <paramref name="path"/> on a random batch of 2 at each size, logs the error and asserts it is below <see cref="Tolerance"/>.</summary>
    public static void AssertMatches(nn.Module<Tensor, Tensor> network, string path, string label, int inChannels, IEnumerable<int[]> sizes)
    {
        OnnxModelDump.Keep(path, label.Replace(' ', '_').Replace(",", string.Empty, StringComparison.Ordinal));
        ForEachSize(network, path, label, inChannels, sizes, (_, expected, actual, at) =>
        {
            var error = (actual - expected).abs().max().item<float>();
            TestContext.Progress.WriteLine($"onnx parity | {at} | max abs error {error:E2}");
            Assert.That(error, Is.LessThan(Tolerance), at);
        });
    }

    // Runs our forward and the model on the same random batch of 2 at each size, checks the shapes agree and hands both on.
    private static void ForEachSize(nn.Module<Tensor, Tensor> network, string path, string label, int inChannels, IEnumerable<int[]> sizes,
        Action<Tensor, Tensor, Tensor, string> compare)
    {
        using var runtime = new OnnxRuntimeNetwork(new InferenceSession(path));
        foreach (var size in sizes)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = randn([2, inChannels, .. size.Select(s => (long)s)]);
            var expected = network.call(input);
            var actual = runtime.call(input);
            var at = $"{label} {string.Join("x", size)}";
            Assert.That(actual.shape, Is.EqualTo(expected.shape), at);
            compare(input, expected, actual, at);
        }
    }

    /// <summary>The least share of voxels whose fp16 argmax must equal the fp32 forward's.</summary>
    public const double Float16Agreement = 0.995;

    /// <summary>
    /// Exports <paramref name="network"/> in fp16 and asserts that, at each size, its argmax over channels equals our fp32
    /// forward's on at least 99.5 % of voxels, or, where fp16 itself cannot keep that much, on as many as our own forward
    /// keeps when run in fp16 (weights, input and every module's output rounded to fp16). Random deep weights leave
    /// many near-ties (random SegAhnets keep ~98-99 % either way); the trained-model check in <c>OnnxBackendCommandTests</c>
    /// holds every voxel to 99.5 %.
    /// </summary>
    public static void AssertFloat16ArgmaxAgrees(nn.Module<Tensor, Tensor> network, NetworkSpec spec, InputContract contract, string dir, string label,
        int inChannels, IEnumerable<int[]> sizes, IReadOnlyList<int>? spatialShape = null)
    {
        var path = Export(network, spec, contract, dir, spatialShape, ScalarType.Float16);
        OnnxModelDump.Keep(path, label.Replace(' ', '_').Replace(",", string.Empty, StringComparison.Ordinal) + "_fp16");
        ForEachSize(network, path, $"{label} fp16", inChannels, sizes, (input, expected, actual, at) =>
        {
            var agreement = Agreement(actual, expected);
            var emulated = Agreement(EmulatedFloat16(network, input), expected);
            TestContext.Progress.WriteLine($"onnx fp16 | {at} | argmax agreement {agreement:P3} " +
                $"(our forward in emulated fp16: {emulated:P3}) | max abs error {(actual - expected).abs().max().item<float>():E2}");
            Assert.That(agreement, Is.GreaterThanOrEqualTo(Math.Min(Float16Agreement, emulated - 0.002)), at);
        });
    }

    private static double Agreement(Tensor a, Tensor b) => a.argmax(1).eq(b.argmax(1)).to_type(ScalarType.Float64).mean().item<double>();

    private static Tensor Float16Rounded(Tensor x) => x.to(ScalarType.Float16).to(ScalarType.Float32);

    // Our forward as an fp16 model computes it: weights and input rounded to fp16, and every module's output too (the
    // intermediates fp16 stores); weights are restored afterwards.
    private static Tensor EmulatedFloat16(nn.Module<Tensor, Tensor> network, Tensor input)
    {
        var state = network.state_dict().Where(p => p.Value.is_floating_point()).Select(p => (p.Value, Original: p.Value.clone())).ToList();
        var hooks = network.modules().OfType<nn.Module<Tensor, Tensor>>().Append(network)
            .Select(m => m.register_forward_hook((_, _, output) => Float16Rounded(output))).ToList();
        try
        {
            foreach (var (value, _) in state) value.copy_(Float16Rounded(value));
            return network.call(Float16Rounded(input));
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
            foreach (var (value, original) in state)
            {
                value.copy_(original);
                original.Dispose();
            }
        }
    }

    /// <summary>A spec naming the network and its output activation, as the metadata records it.</summary>
    public static NetworkSpec Spec(string name, string activation) => new(name, new JsonObject { ["final_activation"] = activation });

    /// <summary>Gives every norm layer a non-trivial affine and batch norms non-trivial running statistics, as training would.</summary>
    public static void RandomizeNorms(nn.Module network)
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in network.named_modules())
        {
            if (module is not (NormBase or GroupNormLayer)) continue;
            foreach (var (name, parameter) in module.named_parameters(recurse: false))
                parameter.copy_(name == "weight" ? rand_like(parameter) + 0.5 : randn_like(parameter) * 0.5);
            if (module is NormBase { running_mean: { } mean, running_var: { } variance })
            {
                mean.copy_(randn_like(mean) * 0.5);
                variance.copy_(rand_like(variance) + 0.5);
            }
        }
    }
}
