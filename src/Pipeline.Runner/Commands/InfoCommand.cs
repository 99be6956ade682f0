using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Imaging;
using Pipeline.Runner.Console;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar info FILE</c>: shape, dtype, spacing, orientation, affine and intensity range of a NIfTI file.</summary>
public static class InfoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A .nii, .nii.gz, .hdr or .img file." };
        var json = new Option<bool>("--json") { Description = "Print the facts as one JSON object." };
        var command = new Command("info", "Show shape, dtype, spacing, orientation codes, affine and intensity range of a NIfTI image.") { file, json };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            parse.InvocationConfiguration.Output.WriteLine(Describe(parse.GetValue(file)!, parse.GetValue(json)));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The description of <paramref name="path"/> as text or JSON.</summary>
    public static string Describe(string path, bool asJson)
    {
        NiftiHeader header;
        // Read reports the same header warnings again; once is enough.
        using (NiftiWarnings.RedirectTo(_ => { }))
            header = NiftiReader.ReadHeader(path);
        using var image = NiftiReader.Read(path);
        using var scope = NewDisposeScope();
        var values = image.Data.to_type(ScalarType.Float64);
        var min = values.min().item<double>();
        var max = values.max().item<double>();
        var mean = values.mean().item<double>();

        var facts = new JsonObject
        {
            ["file"] = Path.GetFullPath(path),
            ["format"] = header.Version.ToString(),
            ["byte_order"] = header.ByteOrder.ToString(),
            ["file_datatype"] = header.DataType.ToString(),
            ["dtype"] = image.Data.dtype.ToString(),
            ["shape"] = new JsonArray(image.Data.shape.Select(d => (JsonNode)d).ToArray()),
            ["channels"] = image.Channels,
            ["spatial_shape"] = new JsonArray(image.SpatialShape.Select(d => (JsonNode)d).ToArray()),
            ["spacing"] = new JsonArray(image.Spacing.Select(d => (JsonNode)Math.Round(d, 6)).ToArray()),
            ["orientation"] = Orientation.AxisCodes(image.Affine),
            ["affine_source"] = header.AffineSource.ToString(),
            ["affine"] = new JsonArray(Enumerable.Range(0, 4).Select(r =>
                (JsonNode)new JsonArray(Enumerable.Range(0, 4).Select(c => (JsonNode)Math.Round(image.Affine[r, c], 6)).ToArray())).ToArray()),
            ["scl_slope"] = header.SclSlope,
            ["scl_inter"] = header.SclInter,
            ["min"] = min,
            ["max"] = max,
            ["mean"] = mean,
        };
        if (asJson) return facts.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"file:         {facts["file"]}",
            $"format:       {header.Version}, {header.ByteOrder}, datatype {header.DataType}" + (header.HasScaling ? $", scaled ×{F(header.SclSlope)} + {F(header.SclInter)}" : ""),
            $"shape:        [{string.Join(", ", image.Data.shape)}] (channels first), {image.Data.dtype}",
            $"spacing:      {string.Join(" × ", image.Spacing.Select(F))} mm",
            $"orientation:  {Orientation.AxisCodes(image.Affine)} (affine from {header.AffineSource})",
            "affine:",
        };
        for (var r = 0; r < 4; r++)
            lines.Add("  [" + string.Join(", ", Enumerable.Range(0, 4).Select(c => F(image.Affine[r, c]).PadLeft(10))) + "]");
        lines.Add($"intensity:    min {F(min)}, max {F(max)}, mean {F(mean)}");
        return string.Join(Environment.NewLine, lines);
    }
}
