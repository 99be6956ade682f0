using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static Pipeline.Tests.Transforms.Spatial.SpatialTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

public sealed class OrientationAndPaddingTests
{
    /// <summary>An LPS-ish oblique affine whose axes point L, I, A (axis order scrambled), a typical non-canonical file.</summary>
    private static readonly AffineMatrix Scrambled = AffineMatrix.FromArray(new double[,]
    {
        { -0.9, 0.05, 0, 100 }, { 0, 0.1, 1.2, -40 }, { 0.02, -2.5, 0.1, 60 }, { 0, 0, 0, 1 },
    });

    [TestCase("RAS")]
    [TestCase("LPS")]
    [TestCase("PIR")]
    public void OrientationPointsTheAxesAndRestoreOrientationUndoesIt(string codes)
    {
        using var data = Uniform([2, 5, 4, 3]);
        using var context = Context(("image", Loaded(data.clone(), Scrambled)));
        Assert.That(ImageOf(context, "image").Orientation, Is.EqualTo("LIA"));
        using var before = ImageOf(context, "image").With(data.clone());

        new SetOrientation(["image"], codes).Apply(context);
        var turned = ImageOf(context, "image");
        Assert.That(turned.Orientation, Is.EqualTo(codes));
        Assert.That(turned.Properties.OriginalAffine, Is.EqualTo(Scrambled));
        AssertWorldInvariant(before, turned, Interpolation.Nearest, 0);

        new RestoreOrientation(["image"]).Apply(context);
        var back = ImageOf(context, "image");
        Assert.That(Identical(back.Data, data), Is.True, "reorienting to X and back is the identity");
        Assert.That(back.Affine.ApproximatelyEquals(Scrambled, 1e-12), Is.True);
    }

    [Test]
    public void TwoDimensionalImagesKeepTheLettersOfTheirPlane()
    {
        // A coronal slice: i points left, j points superior.
        var coronal = AffineMatrix.FromArray(new double[,] { { -0.8, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0.8, 0, 0 }, { 0, 0, 0, 1 } });
        using var data = Uniform([1, 4, 3]);
        using var context = Context(("image", Image(data.clone(), coronal)));
        new SetOrientation(["image"], "RAS").Apply(context);
        var image = ImageOf(context, "image");
        Assert.That(image.Orientation, Is.EqualTo("RS"));
        using var flipped = data.flip(1);
        Assert.That(Identical(image.Data, flipped), Is.True);

        using var wrong = Context(("image", Image(data.clone(), coronal)));
        var e = Assert.Throws<InvalidOperationException>(() => new SetOrientation(["image"], "RA").Apply(wrong));
        Assert.That(e!.Message, Does.Contain("'image'").And.Contain("RA"));
    }

    [Test]
    public void OrientationNamesAndBadCodes()
    {
        var attribute = (ComponentAttribute)Attribute.GetCustomAttribute(typeof(SetOrientation), typeof(ComponentAttribute))!;
        Assert.That(attribute.Names, Is.EqualTo(new[] { "Orientation", "SetOrientation" }));
        Assert.That(Assert.Throws<ConfigArgException>(() => _ = new SetOrientation(["image"], "RAR"))!.Arg, Is.EqualTo("axcodes"));
        Assert.That(Assert.Throws<ConfigArgException>(() => _ = new SetOrientation(["image"], "RASX"))!.Arg, Is.EqualTo("axcodes"));
    }

    [Test]
    public void RestoreOrientationNeedsTheOriginalAffine()
    {
        using var context = Context(("image", Image(zeros(1, 2, 2, 2))));
        var e = Assert.Throws<InvalidOperationException>(() => new RestoreOrientation(["image"]).Apply(context));
        Assert.That(e!.Message, Does.Contain("original affine"));
    }

    [Test]
    public void SymmetricPadderDivPadsToMultiplesAndKeepsWorldPositions()
    {
        using var data = Uniform([2, 30, 33, 5]);
        using var context = Context(("image", Image(data.clone(), Oblique(0.8, 0.8, 2))));
        using var before = ImageOf(context, "image").With(data.clone());
        new SymmetricPadderDiv(["image"], [16, 16, 1], value: -1024).Apply(context);
        var after = ImageOf(context, "image");
        Assert.That(after.SpatialShape, Is.EqualTo(new long[] { 32, 48, 5 }));
        // 2 extra → 1 before, 1 after; 15 extra → 7 before, 8 after.
        using var inner = after.Data.narrow(1, 1, 30).narrow(2, 7, 33);
        Assert.That(Identical(inner, data), Is.True);
        Assert.That(Values(after.Data.narrow(1, 0, 1)), Is.All.EqualTo(-1024));
        Assert.That(Values(after.Data.narrow(2, 40, 8)), Is.All.EqualTo(-1024));
        AssertSameWorld(World(after, 1, 7, 0), World(before, 0, 0, 0));
        AssertWorldInvariant(before, after, Interpolation.Nearest, 0);
    }

    [Test]
    public void SymmetricPadderDivDefaultsToThirtyTwoAndLeavesDivisibleSizesAlone()
    {
        using var data = Uniform([1, 64, 20]);
        using var context = Context(("image", Image(data.clone())));
        new SymmetricPadderDiv(["image"]).Apply(context);
        var after = ImageOf(context, "image");
        Assert.That(after.SpatialShape, Is.EqualTo(new long[] { 64, 32 }));
        Assert.That(Identical(after.Data.narrow(2, 6, 20), data), Is.True);
    }

    [Test]
    public void EdgeAndReflectPaddingWorkForPadsWiderThanTheImage()
    {
        using var image = Image(tensor(new float[] { 1, 2, 3 }).reshape(1, 3, 1));
        using var edge = ImagePadding.Pad(image, [2, 0], [4, 0], PadMode.Edge);
        using var reflect = ImagePadding.Pad(image, [5, 0], [5, 0], PadMode.Reflect);
        Assert.That(Values(edge.Data), Is.EqualTo(new double[] { 1, 1, 1, 2, 3, 3, 3, 3, 3 }));
        Assert.That(Values(reflect.Data), Is.EqualTo(new double[] { 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2 }));
        AssertSameWorld(edge.Affine.Apply(2, 0, 0), image.Affine.Apply(0, 0, 0));
    }

    [Test]
    public void SymmetricPadderDivArgs()
    {
        Assert.That(Assert.Throws<ConfigArgException>(() => _ = new SymmetricPadderDiv(["image"], [0]))!.Arg, Is.EqualTo("divisor[0]"));
        Assert.That(Assert.Throws<ConfigArgException>(() => _ = new SymmetricPadderDiv(["image"], value: double.NaN))!.Arg, Is.EqualTo("value"));
    }
}
