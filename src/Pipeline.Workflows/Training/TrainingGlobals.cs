using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;

namespace Pipeline.Workflows.Training;

/// <summary>Reads the globals of config_train.json that steer the loop into <see cref="TrainingSettings"/>, reporting impossible values at their JSON path.</summary>
public static class TrainingGlobals
{
    private const string SeedPath = "determinism.random_seed";

    /// <summary>The run seed (<c>determinism.random_seed</c>; 0 when absent). Clara's configs also write seeds as strings of digits (<c>"20"</c>), which are accepted.</summary>
    public static long Seed(MmarConfig config, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(problems);
        var determinism = config.Globals.Get("determinism");
        if (determinism is null) return 0;
        if (determinism is not JsonObject block)
        {
            problems.Error(config.File, "determinism", $"found {ValueShapes.DescribeFound(determinism)}; accepted: an object such as {{\"random_seed\": 123}}");
            return 0;
        }
        if (block["random_seed"] is not { } node) return 0;
        if (node is JsonValue value)
        {
            if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var whole)) return whole;
            if (value.GetValueKind() == JsonValueKind.String &&
                long.TryParse(value.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                return parsed;
        }
        problems.Error(config.File, SeedPath, $"found {ValueShapes.DescribeFound(node)}; accepted: a whole number (or a string of digits such as \"20\")");
        return 0;
    }

    /// <summary>The loop settings; impossible values (no epochs, a validation interval below 1, a learning rate that is not positive) are errors.</summary>
    /// <param name="config">The training config.</param>
    /// <param name="optimizerRate">The optimizer's own <c>learning_rate</c> arg, used when the top level has none.</param>
    /// <param name="seed">The run seed, from <see cref="Seed"/>.</param>
    /// <param name="problems">Receives every problem.</param>
    public static TrainingSettings Read(MmarConfig config, double? optimizerRate, long seed, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(problems);
        var globals = config.Globals;
        foreach (var key in new[] { "epochs", "num_training_epoch_per_valid", "learning_rate", "train_summary_recording_interval" })
            if (globals.Contains(key) && globals.Get(key) is null)
                problems.Error(config.File, key, "found null; accepted: a number (leave the key out for its default)");
        var epochs = globals.GetInteger("epochs", 1);
        if (epochs < 1)
            problems.Error(config.File, "epochs", $"found {epochs}; accepted: 1 or more (the number of epochs to train; raise it with --set epochs=N to train a finished run further)");
        var perValidation = globals.GetInteger("num_training_epoch_per_valid", 1);
        if (perValidation < 1)
            problems.Error(config.File, "num_training_epoch_per_valid", $"found {perValidation}; accepted: 1 or more (validate every N epochs)");
        var rate = globals.Contains("learning_rate") ? globals.GetNumber("learning_rate", 1e-4) : optimizerRate ?? 1e-4;
        if (!(rate >= 0) || !double.IsFinite(rate))
            problems.Error(config.File, globals.Contains("learning_rate") ? "learning_rate" : "train.optimizer.args.learning_rate",
                string.Create(CultureInfo.InvariantCulture, $"found {rate}; accepted: a number of 0 or more, such as 1e-4"));
        var interval = globals.GetInteger("train_summary_recording_interval", 0);
        if (interval < 0)
            problems.Error(config.File, "train_summary_recording_interval", $"found {interval}; accepted: 0 (per epoch) or a positive number of steps");
        return new TrainingSettings((int)Math.Clamp(epochs, 0, int.MaxValue), (int)Math.Clamp(perValidation, 1, int.MaxValue), rate, seed,
            RunOutput.For(config).Root)
        {
            SummaryInterval = (int)Math.Clamp(interval, 0, int.MaxValue),
            ComputeType = TrainingDevices.ComputeType(globals.GetBoolean("use_amp", false)),
            Devices = TrainingDevices.Replicas(globals.GetBoolean("multi_gpu", false), config.File, problems),
        };
    }
}
