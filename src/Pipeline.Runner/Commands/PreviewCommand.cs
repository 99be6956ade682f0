using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Workflows.Evaluation;
using Pipeline.Workflows.Training;
using Pipeline.Configuration.Registry;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Runner.Console;
using Pipeline.Runner.Preview;
using Pipeline.ImageIO.Nifti;
using Pipeline.IO;
using Pipeline.Inference;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar preview</c>: runs the pre-transform chain on one datalist item and writes what comes out, as NIfTI and as a PNG montage.</summary>
public static class PreviewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        var section = new Option<string>("--section") { Description = "Which chain: train or validate.", DefaultValueFactory = _ => "train" };
        section.AcceptOnlyFromAmong("train", "validate");
        var index = new Option<int>("--index") { Description = "Position of the item in its datalist list.", DefaultValueFactory = _ => 0 };
        var seed = new Option<long?>("--seed") { Description = "Run seed for random transforms (default: determinism.random_seed, else 0)." };
        var epoch = new Option<int>("--epoch") { Description = "Epoch whose random draws to show.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the NIfTI files and montage.png.", Required = true };
        var command = new Command("preview", "Run the pre-transform chain of one datalist item and write every resulting image field (each crop) as NIfTI, plus a PNG montage of middle slices with the label overlaid.")
            { section, index, seed, epoch, output };
        options.AddTo(command);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () => Run(
            new MmarLoadOptions
            {
                MmarRoot = parse.GetValue(options.Mmar)!,
                ConfigFile = parse.GetValue(options.Config) ?? MmarLoadOptions.DefaultConfigFile,
                EnvironmentFile = parse.GetValue(options.Environment)!,
                Set = parse.GetValue(options.Set) ?? [],
            },
            parse.GetValue(options.Plugins) ?? [], parse.GetValue(section)!, parse.GetValue(index), parse.GetValue(seed), parse.GetValue(epoch),
            parse.GetValue(output)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        return command;
    }

    /// <summary>Runs the preview; returns the exit code.</summary>
    public static int Run(MmarLoadOptions load, IReadOnlyList<string> pluginDirs, string section, int index, long? seed, int epoch,
        string outputDir, TextWriter output, TextWriter error)
    {
        var problems = new ConfigProblems();
        var loaded = MmarLoader.Read(load);
        problems.AddRange(loaded.Problems.Items);
        problems.ThrowIfErrors();
        var config = loaded.Config!;

        var (chainPath, listKey) = (config.Kind, section) switch
        {
            (ConfigKind.Train, "train") => ("train.pre_transforms", "training"),
            (ConfigKind.Train, _) => ("validate.pre_transforms", "validation"),
            _ => ("pre_transforms", config.DataListKey),
        };
        if (config.Paths.DatasetJson is not { } datalist)
            throw new ConfigException(config.EnvironmentFile, KnownVariables.DatasetJson, "DATASET_JSON is not set, so there is no datalist to take an item from");
        var items = Datalist.Load(datalist, config.Paths.DataRoot ?? config.MmarRoot, listKey);
        if (index < 0 || index >= items.Count)
            throw new ConfigException("", "--index", $"{index} is outside the '{listKey}' list of {datalist}, which has {items.Count} item(s) (0–{items.Count - 1})");

        // The chain comes from the workflow the run builds, so a preview shows exactly what training or evaluation would see.
        using var services = MmarServices.Create(load.MmarRoot, pluginDirs, config, problems);
        using var training = config.Kind == ConfigKind.Train ? TrainingWorkflow.Build(config, services, problems) : null;
        using var evaluation = config.Kind == ConfigKind.Train ? null : EvaluationWorkflow.Build(config, services, problems);
        var configSeed = TrainingGlobals.Seed(config, problems);
        // A preview needs only its chain: what is missing or wrong elsewhere in the config does not stop it.
        var blocking = problems.Items.Where(p => !p.IsWarning && (p.JsonPath.Length == 0 || p.JsonPath.StartsWith(chainPath, StringComparison.Ordinal) ||
                                                                  p.JsonPath.StartsWith("determinism", StringComparison.Ordinal))).ToList();
        if (blocking.Count > 0) throw new ConfigException(blocking);
        var chain = training is not null
            ? section == "train" ? training.TrainChain : training.ValidationChain
            : evaluation!.PreTransforms;

        var item = items[index];
        var runSeed = seed ?? configSeed;
        using var context = DatalistSamples.CreateContext(item, runSeed, epoch);

        chain.Apply(context);

        var folder = new OutputFolder(outputDir, "-o");
        folder.CreateFolder(outputDir);
        var written = new List<string>();
        foreach (var field in context.Fields.Order(StringComparer.Ordinal))
        {
            var images = context.ImagesIn(field);
            for (var i = 0; i < images.Count; i++)
            {
                var name = OutputFolder.SafeName(field);
                var file = Path.Combine(outputDir, images.Count == 1 && context.Get(field) is MedicalImage ? $"{name}.nii.gz" : $"{name}_crop{i}.nii.gz");
                NiftiWriter.Write(images[i], folder, file);
                written.Add($"{Path.GetFileName(file)}: {images[i]}");
            }
        }
        var imageField = context.Fields.Contains("image") ? "image" : context.Fields.FirstOrDefault(f => context.ImagesIn(f).Count > 0);
        if (imageField is not null)
        {
            var pictures = context.ImagesIn(imageField);
            var labels = context.ImagesIn("label");
            var rows = pictures.Select((p, i) => (p, labels.Count == pictures.Count ? labels[i] : (MedicalImage?)null)).ToList();
            SliceMontage.Write(folder, "montage.png", rows);
            written.Add($"montage.png: {rows.Count} row(s) of middle slices of '{imageField}'" + (labels.Count == pictures.Count ? " with 'label' overlaid" : ""));
        }

        output.WriteLine($"{chainPath} on {listKey}[{index}] ({context.Sample.Description}), seed {runSeed}, epoch {epoch}:");
        foreach (var line in written) output.WriteLine($"  {line}");
        ProblemPrinter.Print(error, problems.Items);
        return ExitCodes.Success;
    }
}
