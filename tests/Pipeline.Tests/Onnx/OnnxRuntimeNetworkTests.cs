using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using Pipeline.Inferers;
using Pipeline.Networks.Models;
using Pipeline.Onnx;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>Several sessions of one model (one per device) serve the scan-window inferer's batches in parallel and stitch the same result as one session.</summary>
public sealed class OnnxRuntimeNetworkTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-sessions-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WindowBatchesSpreadOverSessionsAndStitchTheSameResult()
    {
        manual_seed(5);
        using var network = new ClaraUnet(numClasses: 2, nfEnc: [4, 8], nfDec: [8, 8, 4, 4]);
        var path = OnnxParity.Export(network, OnnxParity.Spec("Unet", "softmax"), network.InputContract, _dir);
        using var one = new OnnxRuntimeNetwork(new InferenceSession(path));
        using var two = new OnnxRuntimeNetwork([new InferenceSession(path), new InferenceSession(path)]);
        var inferer = new ScanWindowInferer([16, 16, 16], batchSize: 1, overlap: 0.5);
        using var image = randn([1, 1, 40, 32, 24]);

        using var expected = inferer.Infer(image, one);
        using var actual = inferer.Infer(image, two);

        Assert.That(two.ConcurrentCalls, Is.EqualTo(2));
        Assert.That(two.CallsPerSession, Has.All.GreaterThan(0), "both sessions ran windows");
        Assert.That(two.CallsPerSession.Sum(), Is.EqualTo(one.CallsPerSession.Sum()), "every window ran once");
        Assert.That((actual - expected).abs().max().item<float>(), Is.LessThan(1e-6f));
    }
}
