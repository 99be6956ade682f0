using NUnit.Framework;
using Pipeline.Inferers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>ScanWindowInferer on a real small network: window batching, foreground output, bf16 and input checks.</summary>
public sealed class ScanWindowInfererBehaviourTests
{
    [Test]
    public void ProgressReportsWindowsDoneUpToTheLastWithoutChangingTheResult()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = randn(new long[] { 1, 1, 20, 24, 18 });
        var log = new StringWriter();

        var quiet = new ScanWindowInferer([16, 16, 16], batchSize: 3).Infer(input, network);
        var reported = new ScanWindowInferer([16, 16, 16], batchSize: 3, progress: true, progressOutput: log).Infer(input, network);

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 20×24×18 with 16³ windows and overlap 0.25: 2 × 2 × 2 windows, in batches of 3.
        Assert.That(lines, Is.EqualTo(new[] { "scan window: 3/8 windows (37%)", "scan window: 6/8 windows (75%)", "scan window: 8/8 windows (100%)" }));
        Assert.That((reported - quiet).abs().max().item<float>(), Is.EqualTo(0f));
    }

    [Test]
    public void WindowBatchSizeDoesNotChangeTheResult()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = randn(new long[] { 1, 1, 20, 24, 18 });

        var one = new ScanWindowInferer([16, 16, 16], batchSize: 1, mode: "gaussian").Infer(input, network);
        var three = new ScanWindowInferer([16, 16, 16], batchSize: 3, mode: "gaussian").Infer(input, network);
        var seven = new ScanWindowInferer([16, 16, 16], batchSize: 7, mode: "gaussian").Infer(input, network);

        Assert.That(one.shape, Is.EqualTo(new long[] { 1, 2, 20, 24, 18 }));
        Assert.That((three - one).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-6f));
        Assert.That((seven - one).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-6f));
        // Softmax probabilities averaged with positive weights still sum to one.
        Assert.That((one.sum(1) - 1).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-5f));
    }

    [Test]
    public void SeveralCpuDevicesGiveTheSameResultAsOne()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        using var scope = NewDisposeScope();
        manual_seed(2);
        var input = randn(new long[] { 2, 1, 28, 24, 20 });
        var threads = get_num_threads();

        var one = new ScanWindowInferer([16, 16, 16], batchSize: 2, overlap: 0.5, mode: "gaussian").Infer(input, network);
        var two = new ScanWindowInferer([16, 16, 16], batchSize: 2, overlap: 0.5, mode: "gaussian", devices: ["cpu", "cpu"]).Infer(input, network);
        var three = new ScanWindowInferer([16, 16, 16], batchSize: 1, overlap: 0.5, mode: "gaussian", devices: ["cpu", "cpu", "cpu"]).Infer(input, network);

        Assert.That((two - one).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-6f));
        Assert.That((three - one).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-6f));
        Assert.That(get_num_threads(), Is.EqualTo(threads), "torch's thread count is restored");
    }

    [Test]
    public void Fp16OnACpuNetworkIsRefusedWithTheAlternative()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        using var input = randn(new long[] { 1, 1, 16, 16, 16 });
        var inferer = new ScanWindowInferer([16, 16, 16], precision: "fp16");

        var error = Assert.Throws<InvalidOperationException>(() => inferer.Infer(input, network))!;

        Assert.That(error.Message, Does.Contain("CUDA").And.Contain("bf16"));
        Assert.That(new SimpleInferer("fp16").Dtype, Is.EqualTo(ScalarType.Float16));
    }

    [Test]
    public void ForegroundProbabilityIsChannelOneOfTheProbabilities()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        using var scope = NewDisposeScope();
        manual_seed(2);
        var input = randn(new long[] { 2, 1, 19, 16, 24 });

        var all = new ScanWindowInferer([16, 16, 16], batchSize: 2, overlap: 0.5, mode: "gaussian").Infer(input, network);
        var foreground = new ScanWindowInferer([16, 16, 16], batchSize: 2, overlap: 0.5, mode: "gaussian", output: "foreground_probability").Infer(input, network);

        Assert.That(foreground.shape, Is.EqualTo(new long[] { 2, 1, 19, 16, 24 }));
        Assert.That((foreground - all.narrow(1, 1, 1)).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-7f));
    }

    [Test]
    public void Bf16IsCloseToFp32AndLeavesTheNetworkUntouched()
    {
        using var network = InfererTestNetworks.FrozenTinySegResnet();
        var before = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        Tensor fp32, bf16;
        manual_seed(3);
        using var input = randn(new long[] { 1, 1, 24, 20, 16 });
        // Run inside a caller's dispose scope: the network's temporarily cast weights must not be tied to it.
        using (NewDisposeScope())
        {
            fp32 = new ScanWindowInferer([16, 16, 16], batchSize: 2, mode: "gaussian").Infer(input, network).MoveToOuterDisposeScope();
            bf16 = new ScanWindowInferer([16, 16, 16], batchSize: 2, mode: "gaussian", precision: "bf16").Infer(input, network).MoveToOuterDisposeScope();
        }

        Assert.That(bf16.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That((bf16 - fp32).abs().max().item<float>(), Is.LessThanOrEqualTo(0.05f));
        Assert.That((bf16 - fp32).abs().mean().item<float>(), Is.LessThanOrEqualTo(0.01f));
        foreach (var (name, tensor) in network.state_dict())
        {
            Assert.That(tensor.dtype, Is.EqualTo(before[name].dtype), name);
            Assert.That(tensor.equal(before[name]).all().item<bool>(), Is.True, name);
        }
        using var again = new ScanWindowInferer([16, 16, 16], batchSize: 2, mode: "gaussian").Infer(input, network);
        Assert.That(again.equal(fp32).all().item<bool>(), Is.True);
        fp32.Dispose();
        bf16.Dispose();
        foreach (var t in before.Values) t.Dispose();
    }

    [Test]
    public void Bf16RefusesToCastATrainableNetwork()
    {
        // TorchSharp's cast replaces parameter tensors; an optimizer holding the old ones would break.
        using var network = InfererTestNetworks.TinySegResnet();
        var parameter = network.parameters().First();
        using var input = zeros(new long[] { 1, 1, 16, 16, 16 });

        Assert.That(() => new ScanWindowInferer([16, 16, 16], precision: "bf16").Infer(input, network),
            Throws.InvalidOperationException.With.Message.Contain("precision bf16").And.Message.Contain("trainable"));
        Assert.That(network.parameters().First(), Is.SameAs(parameter));
        Assert.That(parameter.dtype, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void Bf16NetworkRunsAsItIs()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        network.to(ScalarType.BFloat16);
        var parameter = network.parameters().First();
        using var scope = NewDisposeScope();
        manual_seed(8);
        var input = randn(new long[] { 1, 1, 20, 16, 16 });

        var output = new ScanWindowInferer([16, 16, 16], precision: "bf16").Infer(input, network);

        Assert.That(output.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 2, 20, 16, 16 }));
        Assert.That(network.parameters().First(), Is.SameAs(parameter));
    }

    [Test]
    public void StitchingOnTheCpuDeviceGivesTheSameResult()
    {
        using var network = new WindowCumsumNetwork();
        using var scope = NewDisposeScope();
        manual_seed(9);
        var input = randn(new long[] { 1, 2, 12, 20, 9 });

        var plain = new ScanWindowInferer([8, 8, 8], batchSize: 2, mode: "gaussian").Infer(input, network);
        var inferer = new ScanWindowInferer([8, 8, 8], batchSize: 2, mode: "gaussian", stitchDevice: "cpu");
        var stitched = inferer.Infer(input, network);

        Assert.That(inferer.StitchDevice!.type, Is.EqualTo(DeviceType.CPU));
        Assert.That(stitched.device_type, Is.EqualTo(DeviceType.CPU));
        Assert.That(stitched.equal(plain).all().item<bool>(), Is.True);
    }

    [Test]
    public void RoiOfTheWrongLengthIsReportedAtInferTime()
    {
        using var network = new WindowCumsumNetwork();
        using var input = zeros(new long[] { 1, 2, 10, 10, 10 });

        Assert.That(() => new ScanWindowInferer([8, 8]).Infer(input, network),
            Throws.ArgumentException.With.Message.Contain("roi_size [8, 8] has 2 entries").And.Message.Contain("3 spatial axes"));
    }

    [Test]
    public void ForegroundNeedsTwoChannels()
    {
        using var network = nn.Identity();
        using var input = zeros(new long[] { 1, 1, 10, 10 });

        Assert.That(() => new ScanWindowInferer([8, 8], output: "foreground_probability").Infer(input, network),
            Throws.InvalidOperationException.With.Message.Contain("channel 1"));
    }

    [Test]
    public void IdentityNetworkReproducesTheInputWithoutTouchingIt()
    {
        // Averaging identical window copies must give back the image whatever the weights, padding and batching.
        using var network = nn.Identity();
        using var scope = NewDisposeScope();
        manual_seed(4);
        var input = randn(new long[] { 2, 3, 13, 40 });
        var copy = input.clone();

        var output = new ScanWindowInferer([16, 12], batchSize: 4, overlap: 0.6, mode: "gaussian", paddingMode: "reflect").Infer(input, network);

        Assert.That((output - input).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-5f));
        Assert.That(input.equal(copy).all().item<bool>(), Is.True);
    }
}
