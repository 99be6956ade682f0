using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Inferers;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;
using Pipeline.Runner.Demo;
using static TorchSharp.torch;
using Pipeline.Inference;

namespace Pipeline.Tests.Inferers;

/// <summary>On a trained model, bf16 sliding-window inference gives the fp32 masks: argmax agreement of at least 99.5 % of voxels.</summary>
public sealed class TrainedModelPrecisionTests
{
    // Made by tools/fixtures/make_trained_tiny_segresnet.sh: a small SegResnet trained on the demo data (mean Dice 0.978).
    private static readonly string ModelPath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "models", "tiny_segresnet_demo.ckpt");

    [Test]
    public void Bf16MasksAgreeWithFp32MasksOnUnseenDemoCases()
    {
        using var checkpoint = CheckpointFile.Read(ModelPath);
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        using var model = services.GetRequiredService<NetworkFactory>().Create(checkpoint.Network, ModelPath, "network");
        checkpoint.LoadInto(model);
        model.eval();
        foreach (var p in model.parameters()) p.requires_grad_(false);
        long agree = 0, total = 0, foreground = 0;
        // Seeds beyond the six the model was trained and validated on.
        foreach (var seed in new long[] { 11, 12 })
        {
            var (image, label) = SyntheticShapesVolume.Create(seed);
            using (image)
            using (label)
            using (var scope = NewDisposeScope())
            {
                // The demo's ScaleIntensityRange: [-1, 2] to [0, 1], clipped.
                var input = ((image.Data + 1) / 3).clamp(0, 1).unsqueeze(0);
                var fp32 = new ScanWindowInferer([64, 64, 32], batchSize: 2, mode: "gaussian").Infer(input, model).argmax(1);
                var bf16 = new ScanWindowInferer([64, 64, 32], batchSize: 2, mode: "gaussian", precision: "bf16").Infer(input, model).argmax(1);
                agree += fp32.eq(bf16).sum().item<long>();
                total += fp32.numel();
                foreground += fp32.sum().item<long>();
            }
        }

        TestContext.Out.WriteLine($"bf16/fp32 argmax agreement {(double)agree / total:P4} of {total} voxels");
        Assert.That(foreground, Is.GreaterThan(total / 100), "the model finds the shapes, so the comparison is not between two empty masks");
        Assert.That((double)agree / total, Is.GreaterThanOrEqualTo(0.995));
        Assert.That(model.parameters().Select(p => p.dtype).Distinct(), Is.EqualTo(new[] { ScalarType.Float32 }), "the network is restored to float32");
    }
}
