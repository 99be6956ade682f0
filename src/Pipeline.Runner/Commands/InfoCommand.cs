using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Imaging;
using Pipeline.Runner.Console;
using Pipeline.ImageIO;
using Pipeline.ImageIO.Dicom;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar info PATH</c>: shape, dtype, spacing, orientation, affine and intensity range of a NIfTI file or a DICOM file or series folder.</summary>
public static class InfoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A .nii, .nii.gz, .hdr or .img file, a DICOM file, or a folder holding DICOM series." };
        var json = new Option<bool>("--json") { Description = "Print the facts as one JSON object." };
        var command = new Command("info", "Show shape, dtype, spacing, orientation codes, affine and intensity range of a NIfTI or DICOM image (and the series of a DICOM folder).") { file, json };
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
        var dicom = MedicalImageFiles.Detect(path) == MedicalImageFormat.Dicom;
        NiftiHeader? header = null;
        IReadOnlyList<DicomSeriesInfo> series = [];
        DicomSeriesInfo? chosen = null;
        MedicalImage image;
        if (dicom)
        {
            image = DicomSeriesReader.Read(path, null, out var picked, out series);
            chosen = picked;
        }
        else
        {
            // Read reports the same header warnings again; once is enough.
            using (NiftiWarnings.RedirectTo(_ => { }))
                header = NiftiReader.ReadHeader(path);
            image = NiftiReader.Read(path);
        }
        using var owned = image;
        using var scope = NewDisposeScope();
        var values = image.Data.to_type(ScalarType.Float64);
        var min = values.min().item<double>();
        var max = values.max().item<double>();
        var mean = values.mean().item<double>();

        var facts = new JsonObject
        {
            ["file"] = Path.GetFullPath(path),
            ["format"] = dicom ? "DICOM" : header!.Version.ToString(),
            ["dtype"] = image.Data.dtype.ToString(),
            ["shape"] = new JsonArray(image.Data.shape.Select(d => (JsonNode)d).ToArray()),
            ["channels"] = image.Channels,
            ["spatial_shape"] = new JsonArray(image.SpatialShape.Select(d => (JsonNode)d).ToArray()),
            ["spacing"] = new JsonArray(image.Spacing.Select(d => (JsonNode)Math.Round(d, 6)).ToArray()),
            ["orientation"] = Orientation.AxisCodes(image.Affine),
            ["affine"] = new JsonArray(Enumerable.Range(0, 4).Select(r =>
                (JsonNode)new JsonArray(Enumerable.Range(0, 4).Select(c => (JsonNode)Math.Round(image.Affine[r, c], 6)).ToArray())).ToArray()),
            ["min"] = min,
            ["max"] = max,
            ["mean"] = mean,
        };
        if (header is not null)
        {
            facts["byte_order"] = header.ByteOrder.ToString();
            facts["file_datatype"] = header.DataType.ToString();
            facts["affine_source"] = header.AffineSource.ToString();
            facts["scl_slope"] = header.SclSlope;
            facts["scl_inter"] = header.SclInter;
        }
        if (chosen is not null)
        {
            facts["series"] = new JsonArray([.. series.Select(s => (JsonNode)new JsonObject
            {
                ["series_instance_uid"] = s.SeriesInstanceUid, ["series_number"] = s.SeriesNumber, ["modality"] = s.Modality,
                ["description"] = s.Description, ["files"] = s.Files.Count, ["read"] = s.SeriesInstanceUid == chosen.SeriesInstanceUid,
            })]);
        }
        if (asJson) return facts.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"file:         {facts["file"]}",
            header is null
                ? $"format:       DICOM, {series.Count} series; read {chosen}"
                : $"format:       {header.Version}, {header.ByteOrder}, datatype {header.DataType}" + (header.HasScaling ? $", scaled ×{F(header.SclSlope)} + {F(header.SclInter)}" : ""),
            $"shape:        [{string.Join(", ", image.Data.shape)}] (channels first), {image.Data.dtype}",
            $"spacing:      {string.Join(" × ", image.Spacing.Select(F))} mm",
            $"orientation:  {Orientation.AxisCodes(image.Affine)}" + (header is null ? " (from ImageOrientationPatient and ImagePositionPatient)" : $" (affine from {header.AffineSource})"),
            "affine:",
        };
        for (var r = 0; r < 4; r++)
            lines.Add("  [" + string.Join(", ", Enumerable.Range(0, 4).Select(c => F(image.Affine[r, c]).PadLeft(10))) + "]");
        lines.Add($"intensity:    min {F(min)}, max {F(max)}, mean {F(mean)}");
        return string.Join(Environment.NewLine, lines);
    }
}
