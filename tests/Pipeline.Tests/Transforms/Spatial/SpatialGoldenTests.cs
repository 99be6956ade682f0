using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static Pipeline.Tests.Transforms.Spatial.SpatialTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

/// <summary>Resampling results against scipy.ndimage (tools/fixtures/make_spatial_fixtures.py): linear within an absolute 2e-3 on data in [−1000, 1000], nearest exactly; affines within 1e-9.</summary>
public sealed class SpatialGoldenTests
{
    private static MedicalImage Run(Fixture f, MedicalImage input)
    {
        var isLabel = f.Interpolation == Interpolation.Nearest;
        switch (f.Meta.GetProperty("operation").GetString())
        {
            case "ScaleByResolution":
                return ApplyTransform(new ScaleByResolution(["image"], f.Numbers("target_resolution"), isLabel), input);
            case "ScaleByFactor":
                return ApplyTransform(new ScaleByFactor(["image"], f.Numbers("factor"), isLabel), input);
            case "ScaleToShape":
                return ApplyTransform(new ScaleToShape(["image"], f.Numbers("target_shape").Select(v => (long)v).ToArray(), isLabel), input);
            case "Rotate3D":
                var d = f.Numbers("degrees");
                return RandomRotate3D.Rotate(input, d[0], d[1], d[2], f.Interpolation);
            case "Rotate2D":
                var padding = f.Meta.GetProperty("scipy_mode").GetString() == "grid-constant" ? ResamplePadding.Constant : ResamplePadding.Border;
                return RandomRotate2D.Rotate(input, f.Numbers("degrees")[0], f.Interpolation, padding);
            case "Zoom":
                return RandomZoom.Zoom(input, f.Numbers("factors"), f.Interpolation);
            case "Pad":
                var mode = Enum.Parse<PadMode>(f.Param("mode").GetString()!, ignoreCase: true);
                return ImagePadding.Pad(input, f.Numbers("before").Select(v => (long)v).ToArray(), f.Numbers("after").Select(v => (long)v).ToArray(), mode);
            default:
                throw new AssertionException($"unknown operation in {f.Name}");
        }
    }

    private static MedicalImage ApplyTransform(Pipeline.Components.ITransform transform, MedicalImage input)
    {
        // The context owns (and disposes) what it holds, so it gets a copy and hands out a copy.
        using var context = Context(("image", input.With(input.Data.clone())));
        transform.Apply(context);
        var result = ImageOf(context, "image");
        return result.With(result.Data.clone());
    }

    [TestCase("resolution_linear_3d")]
    [TestCase("resolution_nearest_3d")]
    [TestCase("resolution_linear_2d")]
    [TestCase("factor_linear_3d")]
    [TestCase("factor_nearest_3d")]
    [TestCase("shape_linear_2d")]
    [TestCase("rotate3d_linear")]
    [TestCase("rotate3d_nearest")]
    [TestCase("rotate2d_linear")]
    [TestCase("rotate2d_nearest_constant")]
    [TestCase("zoom_linear_3d")]
    [TestCase("pad_reflect_2d")]
    [TestCase("pad_edge_2d")]
    public void MatchesScipy(string name)
    {
        var f = LoadFixture(name);
        using var input = f.InputImage();
        using var result = Run(f, input);

        Assert.That(result.Data.shape, Is.EqualTo(f.ExpectedShape), "shape");
        Assert.That(result.Affine.ApproximatelyEquals(f.ExpectedAffine, 1e-9), Is.True, $"affine\n{result.Affine}\nexpected\n{f.ExpectedAffine}");
        var actual = Values(result.Data);
        var worst = actual.Zip(f.Expected, (a, e) => Math.Abs(a - e)).Max();
        Assert.That(worst, Is.LessThanOrEqualTo(f.Tolerance), "largest difference from scipy");
        if (f.Interpolation == Interpolation.Linear)
            Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Float32));
    }

    [TestCase("rotate3d_nearest")]
    [TestCase("factor_nearest_3d")]
    [TestCase("resolution_nearest_3d")]
    public void NearestOnIntegerLabelsKeepsTheDtypeAndTheValues(string name)
    {
        // Integer data take other routes than float data (no matrix product, a conversion around grid_sample).
        var f = LoadFixture(name);
        using var input = Image(tensor(f.Input).reshape(f.InputShape).to_type(ScalarType.Int16), f.InputAffine);
        using var result = Run(f, input);
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Int16));
        Assert.That(Values(result.Data), Is.EqualTo(f.Expected));
    }
}
