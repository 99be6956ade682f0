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
    public static string Export(nn.Module<Tensor, Tensor> network, NetworkSpec spec, InputContract contract, string dir, IReadOnlyList<int>? spatialShape = null)
    {
        network.eval();
        var model = OnnxExporter.Export(network, spec, contract, new OnnxExportOptions(SpatialShape: spatialShape));
        var path = Path.Combine(dir, "model.onnx");
        OnnxExporter.Write(model, new OutputFolder(dir, "test"), path);
        return path;
    }

    /// <summary>Runs the model at <paramref name="path"/> on a random batch of 2 at each size, logs the error and asserts it is below <see cref="Tolerance"/>.</summary>
    /// <remarks>With <paramref name="sameSizeOutput"/> false (unpadded U-Nets) ONNX Runtime allocates the smaller output itself, since <see cref="OnnxRuntimeNetwork"/> needs same-size outputs.</remarks>
    public static void AssertMatches(nn.Module<Tensor, Tensor> network, string path, string label, int inChannels, IEnumerable<int[]> sizes, bool sameSizeOutput = true)
    {
        OnnxModelDump.Keep(path, label.Replace(' ', '_').Replace(",", string.Empty, StringComparison.Ordinal));
        using var session = new InferenceSession(path);
        using var runtime = new OnnxRuntimeNetwork(new InferenceSession(path));
        foreach (var size in sizes)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = randn([2, inChannels, .. size.Select(s => (long)s)]);
            var expected = network.call(input);
            var actual = sameSizeOutput ? runtime.call(input) : Run(session, input);
            Assert.That(actual.shape, Is.EqualTo(expected.shape), $"{label} {string.Join("x", size)}");
            var error = (actual - expected).abs().max().item<float>();
            TestContext.Progress.WriteLine($"onnx parity | {label} {string.Join("x", size)} | max abs error {error:E2}");
            Assert.That(error, Is.LessThan(Tolerance), $"{label} {string.Join("x", size)}");
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

    // ONNX Runtime allocates the output, so its shape is the model's own.
    private static Tensor Run(InferenceSession session, Tensor input)
    {
        using var contiguous = input.contiguous();
        using var value = OrtValue.CreateTensorValueFromMemory(contiguous.data<float>().ToArray(), contiguous.shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [OnnxModelMetadata.InputName], [value], [OnnxModelMetadata.OutputName]);
        var output = outputs[0];
        return tensor(output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }
}
