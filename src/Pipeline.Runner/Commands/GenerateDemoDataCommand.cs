using System.CommandLine;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.IO;
using Pipeline.Runner.Console;
using Pipeline.Runner.Demo;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar generate-demo-data</c>: writes the synthetic images and labels an MMAR's datalist names, so a demo needs no download.</summary>
public static class GenerateDemoDataCommand
{
    private static readonly string[] Lists = ["training", "validation", "testing"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var mmar = new Option<string>("--mmar", "-m") { Description = "The MMAR folder; its DATASET_JSON names the files to write under DATA_ROOT.", Required = true };
        var environment = new Option<string>("--environment", "-e")
        {
            Description = "Environment file, relative to the MMAR folder.",
            DefaultValueFactory = _ => MmarLoadOptions.DefaultEnvironmentFile,
        };
        var seed = new Option<long>("--seed") { Description = "Seed of the first case; case i uses seed + i.", DefaultValueFactory = _ => 0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "Rewrite files that already exist." };
        var hounsfield = new Option<bool>("--hounsfield")
        {
            Description = "CT-like intensities in Hounsfield units (air −1000 outside a body, tissue 40, objects 120, noise σ 20), for configs with a CT window.",
        };
        var command = new Command("generate-demo-data", "Write deterministic synthetic 3D cases (noisy ellipsoids on a 1.5×1.5×3 mm grid, label = the objects) for every image/label the MMAR's datalist names.")
        {
            mmar, environment, seed, overwrite, hounsfield,
        };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
            Run(parse.GetValue(mmar)!, parse.GetValue(environment)!, parse.GetValue(seed), parse.GetValue(overwrite), parse.InvocationConfiguration.Output,
                parse.GetValue(hounsfield))));
        return command;
    }

    /// <summary>Writes the cases; returns the exit code.</summary>
    public static int Run(string mmar, string environment, long seed, bool overwrite, TextWriter output, bool hounsfield = false)
    {
        var config = MmarLoader.Load(new MmarLoadOptions { MmarRoot = mmar, EnvironmentFile = environment, Kind = ConfigKind.Train });
        if (config.Paths.DatasetJson is not { } datalist)
            throw new ConfigException(config.EnvironmentFile, "DATASET_JSON", "is not defined, so there is no datalist naming the files to generate");
        var dataRoot = config.Paths.DataRoot ?? config.MmarRoot;
        // Demo data are written only where the MMAR declares its data, whatever paths the datalist names.
        var folder = new OutputFolder(dataRoot, config.Paths.DataRoot is null ? "the MMAR folder (no DATA_ROOT)" : "DATA_ROOT");
        var problems = new ConfigProblems();
        var cases = new List<(string Image, string Label)>();
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(datalist)) as System.Text.Json.Nodes.JsonObject;
        foreach (var key in Lists)
        {
            if (root?.ContainsKey(key) != true) continue;
            foreach (var item in Datalist.Load(datalist, dataRoot, key, problems))
            {
                if (!item.TryGetPaths("image", out var images) || !item.TryGetPaths("label", out var labels) || images.Count != 1 || labels.Count != 1)
                    throw new ConfigException(datalist, item.JsonPath, "a demo case needs exactly one \"image\" and one \"label\" file");
                foreach (var (field, path) in new[] { ("image", images[0]), ("label", labels[0]) })
                    if (folder.Problem(path) is { } problem) problems.Error(datalist, $"{item.JsonPath}.{field}", problem);
                cases.Add((images[0], labels[0]));
            }
        }
        problems.ThrowIfErrors();

        var written = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (imagePath, labelPath) = cases[i];
            if (!overwrite && File.Exists(imagePath) && File.Exists(labelPath)) continue;
            var (image, label) = SyntheticShapesVolume.Create(seed + i, hounsfield);
            using (image)
            using (label)
            {
                NiftiWriter.Write(image, folder, imagePath, NiftiDataType.Float32);
                NiftiWriter.Write(label, folder, labelPath, NiftiDataType.UInt8);
            }
            written++;
        }
        output.WriteLine($"{written} case(s) written, {cases.Count - written} already present, under {dataRoot}");
        return ExitCodes.Success;
    }
}
