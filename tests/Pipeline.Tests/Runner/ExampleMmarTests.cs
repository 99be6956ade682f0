using NUnit.Framework;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;
using Pipeline.Runner.Commands;

namespace Pipeline.Tests.Runner;

/// <summary>The example MMARs under <c>mmars/</c>: complete, passing <c>mmar check</c>, and trainable where their data is in reach.</summary>
public sealed class ExampleMmarTests
{
    private static readonly string[] Scripts = ["set_env.sh", "train.sh", "train_finetune.sh", "validate.sh", "infer.sh", "train_mpi.sh", "train_slurm.sbatch"];

    // Without their data and a trained model, the examples cannot run, and check says exactly that and nothing else.
    [TestCaseSource(typeof(RepoPaths), nameof(RepoPaths.ExampleMmars))]
    public void PassesTheCheckButForTheirDataAndTheModelNotYetTrained(string mmar)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        CheckCommand.Run(mmar, config: null, "config/environment.json", [], [], output, error);

        Assert.That(output.ToString(), Does.Contain("config_train.json (train config)").And.Contain("config_validation.json (validation config)").And.Not.Contain("warning"),
            "both config_train.json and config_validation.json are checked");
        var problems = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.EndsWith("error(s) found.", StringComparison.Ordinal)).ToList();
        foreach (var line in problems)
            Assert.That(line, Does.Match(@"dataset\.json: (training|validation)\[\d+\]\.(image|label): error: .* does not exist$|more missing file|model_loader\.args\.checkpoint_dir: error: .*model\.ckpt: the checkpoint does not exist"),
                $"{mmar}: a problem other than missing data or an untrained model:\n{error}");
    }

    [TestCaseSource(typeof(RepoPaths), nameof(RepoPaths.ExampleMmars))]
    public void HasTheMmarLayout(string mmar)
    {
        foreach (var file in new[] { "config/config_train.json", "config/config_validation.json", "config/environment.json", "docs/Readme.md", "models/README.md", "commands/train_mpijob.yaml" })
            Assert.That(File.Exists(Path.Combine(mmar, file)), $"{mmar} lacks {file}");
        foreach (var script in Scripts)
        {
            var path = Path.Combine(mmar, "commands", script);
            Assert.That(File.Exists(path), $"{mmar} lacks commands/{script}");
            if (!OperatingSystem.IsWindows()) // Windows has no execute bit.
                Assert.That(File.GetUnixFileMode(path) & UnixFileMode.UserExecute, Is.Not.EqualTo(UnixFileMode.None), $"{path} is not executable");
            Assert.That(File.ReadAllText(path), Does.StartWith("#!/usr/bin/env bash"));
        }
    }

    /// <summary>
    /// Trains segmentation_mri_brain_mask's own config on a 4 mm copy of its data (the CI machine has no mricron-data):
    /// only the datalist, spacing, crop, epochs and checkpoint folder are overridden, as a user would with --set.
    /// The label is ch2bet's intensities, so the run also shows that the chain's ThresholdValues binarises it.
    /// </summary>
    [Test]
    public void BrainMaskTrainsOnASmallCopyOfItsData()
    {
        var fixture = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mmars", "brain_mask");
        var models = Directory.CreateTempSubdirectory("brain-mask-").FullName;
        try
        {
            var run = CliRun.Invoke("train", "-m", Path.Combine(RepoPaths.Mmars, "segmentation_mri_brain_mask"), "--set",
                $"DATA_ROOT={fixture}", $"DATASET_JSON={Path.Combine(fixture, "dataset.json")}", $"MMAR_CKPT_DIR={models}",
                "TARGET_SPACING=[4,4,4]", "CROP_SIZE=[32,32,32]", "epochs=2", "num_training_epoch_per_valid=1");

            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
            Assert.That(run.Output, Does.Contain("epoch 2/2: loss").And.Contain("mean_dice").And.Contain("done: best mean_dice"));
            var (network, contract, state) = CheckpointFile.ReadDescription(Path.Combine(models, "model.ckpt"));
            Assert.That(network.Name, Is.EqualTo("SegResnet"));
            Assert.That(contract.FixedShape, Is.EqualTo(new[] { 32, 32, 32 }), "the crop comes from the CROP_SIZE override");
            var best = state!["best_metric"]!.GetValue<double>();
            Assert.That(best, Is.GreaterThan(0).And.LessThanOrEqualTo(1), "a Dice of the brain mask");
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }
}
