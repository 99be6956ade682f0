using System.CommandLine;
using Pipeline.IO;
using Pipeline.Runner.Console;
using Pipeline.ImageIO;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar convert IN OUT</c>: reads a NIfTI (or Analyze-style pair), a DICOM file or a DICOM series folder, and writes it as NIfTI-1, optionally in another datatype.</summary>
public static class ConvertCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to read: .nii, .nii.gz, .hdr/.img, a DICOM file, or a folder holding a DICOM series (the largest if several)." };
        var output = new Argument<string>("output") { Description = "The NIfTI-1 file to write (.nii or .nii.gz); written atomically." };
        var dtype = new Option<string?>("--dtype") { Description = $"Voxel type of the output: {string.Join(", ", Enum.GetNames<NiftiDataType>().Select(n => n.ToLowerInvariant()))} (default: the input's)." };
        var command = new Command("convert", "Read an image and write it as NIfTI-1 (.nii or .nii.gz), optionally in another datatype.") { input, output, dtype };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            return UserErrors.Run(error, () =>
            {
                NiftiDataType? type = null;
                if (parse.GetValue(dtype) is { } text)
                {
                    if (!Enum.TryParse<NiftiDataType>(text, ignoreCase: true, out var parsed) || !parsed.IsSupported() || int.TryParse(text, out _))
                    {
                        error.WriteLine($"error: --dtype '{text}' is not a datatype; accepted: {string.Join(", ", Enum.GetNames<NiftiDataType>().Select(n => n.ToLowerInvariant()))}");
                        return ExitCodes.ConfigError;
                    }
                    type = parsed;
                }
                var outPath = parse.GetValue(output)!;
                if (!(outPath.EndsWith(".nii", StringComparison.Ordinal) || outPath.EndsWith(".nii.gz", StringComparison.Ordinal)))
                {
                    error.WriteLine($"error: {outPath}: the output must end in .nii or .nii.gz");
                    return ExitCodes.ConfigError;
                }
                var folder = OutputFolder.OfFile(outPath, "output");
                using var image = MedicalImageFiles.Read(parse.GetValue(input)!);
                try
                {
                    NiftiWriter.Write(image, folder, outPath, type);
                }
                catch (ArgumentException e)
                {
                    // What NIfTI-1 cannot hold (a size over 32767, a datatype it lacks) is a fact about this image, not a bug.
                    error.WriteLine($"error: {e.Message}");
                    return ExitCodes.Failure;
                }
                parse.InvocationConfiguration.Output.WriteLine($"wrote {outPath}: {image}");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
