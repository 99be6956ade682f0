namespace Pipeline.Configuration.Documents;

/// <summary>Keys that Clara 4 (PyTorch) configs use, mapped to the Clara 3.1 spelling this engine reads.</summary>
internal static class Clara4Keys
{
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["lr_scheduler"] = "lr_policy",
        ["dataset"] = "image_pipeline",
        ["dataloader"] = "image_pipeline",
        ["num_interval_per_valid"] = "num_training_epoch_per_valid",
        ["amp"] = "use_amp",
        ["key_metric"] = "metrics (mark one with \"is_key_metric\": true in its args)",
        ["additional_metrics"] = "metrics",
    };

    /// <summary>"this is Clara 4 syntax; Clara 3.1 uses X" or null.</summary>
    public static string? Hint(string key)
        => Hints.TryGetValue(key, out var clara3) ? $"\"{key}\" is Clara 4 syntax; Clara 3.1 configs use {clara3}" : null;
}
