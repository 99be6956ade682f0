using Pipeline.Imaging;
using Pipeline.IO;
using Pipeline.Native;
using StbImageWriteSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Runner.Preview;

/// <summary>Draws the middle slices of images, with a label overlay, into one RGB PNG so a person can see what a network will be fed.</summary>
public static class SliceMontage
{
    private const int Gap = 4;

    /// <summary>One row per image: its three orthogonal middle slices (one for 2D), first channel, label > 0 tinted red.</summary>
    public static void Write(OutputFolder folder, string path, IReadOnlyList<(MedicalImage Image, MedicalImage? Label)> rows)
    {
        var tiles = rows.Select(r => Views(r.Image, r.Label)).ToList();
        var columns = tiles.Max(t => t.Count);
        var columnWidths = Enumerable.Range(0, columns).Select(c => tiles.Where(t => c < t.Count).Max(t => t[c].Width)).ToArray();
        var rowHeights = tiles.Select(t => t.Max(v => v.Height)).ToArray();
        var width = columnWidths.Sum() + Gap * (columns + 1);
        var height = rowHeights.Sum() + Gap * (rows.Count + 1);
        var canvas = new byte[width * height * 3];

        var y = Gap;
        for (var r = 0; r < tiles.Count; r++)
        {
            var x = Gap;
            for (var c = 0; c < tiles[r].Count; c++)
            {
                var tile = tiles[r][c];
                for (var ty = 0; ty < tile.Height; ty++)
                    Array.Copy(tile.Rgb, ty * tile.Width * 3, canvas, ((y + ty) * width + x) * 3, tile.Width * 3);
                x += columnWidths[c] + Gap;
            }
            y += rowHeights[r] + Gap;
        }

        folder.Write(path, stream => new ImageWriter().WritePng(canvas, width, height, ColorComponents.RedGreenBlue, stream));
    }

    private sealed record Tile(int Width, int Height, byte[] Rgb);

    private static List<Tile> Views(MedicalImage image, MedicalImage? label)
    {
        using var scope = NewDisposeScope();
        var data = image.Data[0].to_type(ScalarType.Float32);
        using var zero = 0.ToScalar();
        var mask = label is not null && label.SpatialShape.SequenceEqual(image.SpatialShape) ? label.Data[0].gt(zero) : null;
        // Robust window: 1st–99th percentile, so a few bright voxels do not wash the picture out.
        var flat = data.flatten();
        var sample = flat.numel() > 1_000_000 ? flat[TensorIndex.Slice(0, null, flat.numel() / 1_000_000 + 1)] : flat;
        var low = sample.quantile(tensor(0.01f)).item<float>();
        var high = sample.quantile(tensor(0.99f)).item<float>();
        if (high <= low) high = low + 1;

        var planes = image.SpatialRank == 2
            ? new[] { (data, mask) }
            : Enumerable.Range(0, 3).Select(axis =>
            {
                var mid = data.shape[axis] / 2;
                return (data.select(axis, mid), mask?.select(axis, mid));
            }).ToArray();
        return planes.Select(p => Render(p.Item1, p.Item2, low, high)).ToList();
    }

    private static Tile Render(Tensor plane, Tensor? mask, float low, float high)
    {
        // Plane axes (a, b): a runs left→right, b bottom→top, as radiologists view RAS data.
        var grey = plane.Minus(low).DividedBy(high - low).Clamped(0, 1).Times(255);
        var rgb = stack([grey, grey, grey], -1);
        if (mask is not null)
        {
            var tint = tensor(new float[] { 255, 40, 40 });
            var m = mask.unsqueeze(-1);
            rgb = where(m, rgb.Times(0.6f).Plus(tint.Times(0.4f)), rgb);
        }
        var picture = rgb.flip(1).transpose(0, 1).contiguous().to_type(ScalarType.Byte);
        var width = (int)picture.shape[1];
        var height = (int)picture.shape[0];
        var bytes = new byte[width * height * 3];
        picture.bytes.CopyTo(bytes);
        return new Tile(width, height, bytes);
    }
}
