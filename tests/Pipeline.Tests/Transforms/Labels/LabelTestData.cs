using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

/// <summary>Small images and contexts for the label and utility transform tests.</summary>
internal static class LabelTestData
{
    /// <summary>An affine that is neither identity nor axis-aligned in sign, so copying or losing it shows.</summary>
    public static AffineMatrix Affine { get; } = AffineMatrix.FromRowMajor([-0.8, 0, 0, 12.5, 0, 1.2, 0, -40, 0, 0, 2.5, 7, 0, 0, 0, 1]);

    /// <summary>Properties as LoadNifti would set them.</summary>
    public static ImageProperties Properties(string file = "/data/case_07.nii.gz") => new()
    {
        SourceFiles = [file],
        OriginalAffine = AffineMatrix.Diagonal(2, 2, 2),
        OriginalSpatialShape = [10, 11, 12],
    };

    /// <summary>An image of float32 values with shape [C, spatial...].</summary>
    public static MedicalImage Image(float[] values, long[] shape, AffineMatrix? affine = null, ImageProperties? properties = null) =>
        new(tensor(values).reshape(shape), affine ?? Affine, properties ?? Properties());

    /// <summary>An image owning <paramref name="data"/>.</summary>
    public static MedicalImage Image(Tensor data, AffineMatrix? affine = null, ImageProperties? properties = null) =>
        new(data, affine ?? Affine, properties ?? Properties());

    /// <summary>A context for sample 3 holding the given fields.</summary>
    public static TransformContext Context(params (string Field, object Value)[] fields)
    {
        var context = new TransformContext(new SampleInfo(3, "/data/case_07.nii.gz"));
        foreach (var (field, value) in fields) context.Set(field, value);
        return context;
    }

    /// <summary>The values of a tensor as float32, in C order.</summary>
    public static float[] Values(Tensor t)
    {
        using var f = t.to_type(ScalarType.Float32).contiguous();
        return f.data<float>().ToArray();
    }

    /// <summary>The values of a field's image.</summary>
    public static float[] Values(TransformContext context, string field) => Values(context.GetImage(field, "test").Data);

    /// <summary>True when two tensors have the same shape and identical values.</summary>
    public static bool SameValues(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.to_type(ScalarType.Float64).equal(b.to_type(ScalarType.Float64)).all().item<bool>();
}
