using System.Diagnostics;
using Pipeline.Inference;

// dotnet run -- <mmar folder> <image.nii.gz> <mask.nii.gz>: segments the image with the MMAR's trained model, as `mmar infer` would.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: EmbeddedInference <mmar folder> <image.nii.gz> <mask.nii.gz>");
    return 2;
}
var (mmar, image, mask) = (args[0], args[1], args[2]);

var watch = Stopwatch.StartNew();
using var segmenter = MmarSegmenter.Open(mmar, new SegmenterOptions { Log = Console.Error });
Console.WriteLine($"opened {mmar} ({segmenter.ModelLoader}) in {watch.Elapsed.TotalSeconds:0.00} s");

for (var call = 1; call <= 2; call++)
{
    watch.Restart();
    var result = segmenter.Segment(image);
    Console.WriteLine($"call {call}: {watch.Elapsed.TotalSeconds:0.00} s, [{string.Join("x", result.Shape)}], {result.Count(1)} voxels labelled 1");
    if (call == 2) result.WriteNifti(mask);
}
Console.WriteLine($"wrote {mask}");
return 0;
