using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace MyTransforms.Tests;

public sealed class MultiplyTests
{
    // libtorch's natives (with the Debian 12 libstdc++ fix) load before the first tensor.
    [OneTimeSetUp]
    public void LoadTorch() => TorchNativeLoader.EnsureLoaded();

    [Test]
    public void MultipliesEveryVoxelOfTheNamedFields()
    {
        using var context = new TransformContext(new SampleInfo(0, "test"));
        context.Set("image", new MedicalImage(arange(8, ScalarType.Float32).reshape(1, 2, 2, 2), AffineMatrix.Identity));

        new Multiply(["image"], factor: 2.5).Apply(context);

        var data = context.GetImage("image", "the test").Data;
        Assert.That(data.data<float>().ToArray(), Is.EqualTo(Enumerable.Range(0, 8).Select(v => v * 2.5f)));
    }

    [Test]
    public void ANonFiniteFactorIsAnArgError()
    {
        var error = Assert.Throws<ConfigArgException>(() => new Multiply(["image"], double.NaN))!;
        Assert.That(error.Arg, Is.EqualTo("factor"));
    }
}
