using NUnit.Framework;
using Pipeline.Onnx;

namespace Pipeline.Tests.Onnx;

/// <summary>The TensorRT provider caches its engines beside the model, and the CPU provider is in every build.</summary>
public sealed class OnnxSessionsTests
{
    [Test]
    public void TensorRTEnginesAreCachedInAFolderBesideTheModel()
    {
        var options = OnnxSessions.TensorRTOptions("/deploy/models/liver.onnx", deviceId: 1);

        Assert.That(options["trt_engine_cache_enable"], Is.EqualTo("1"));
        Assert.That(options["trt_engine_cache_path"], Is.EqualTo("/deploy/models/liver.trt_cache"));
        Assert.That(options["device_id"], Is.EqualTo("1"));
        Assert.That(OnnxSessions.EngineCacheFolder("relative/model.onnx"), Is.EqualTo(Path.GetFullPath("relative/model.trt_cache")));
    }

    [Test]
    public void TheCpuProviderIsAlwaysAvailable()
    {
        Assert.That(OnnxSessions.Built, Does.Contain(ExecutionProvider.Cpu));
        Assert.That(OnnxSessions.Unavailable(ExecutionProvider.Cpu), Is.Null);
    }
}
