using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Training;

namespace Pipeline.Workflows.Checks;

/// <summary>Follows the fields through a chain of built components and reports a field that neither the data list nor an earlier step provides.</summary>
public static class FieldFlowCheck
{
    /// <summary>Walks <paramref name="steps"/> in order from <paramref name="available"/> (which it extends with what each step writes).</summary>
    public static void Chain(string file, IEnumerable<BuiltStep> steps, ISet<string> available, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var step in steps)
        {
            if (step.Component is not IDeclaresFields fields) continue;
            foreach (var field in fields.ReadsFields.Where(f => !available.Contains(f)))
                Missing(file, JsonPaths.Property(JsonPaths.Property(step.Spec.JsonPath, "args"), fields.FieldsArg), field,
                    "the datalist or an earlier transform", available, problems);
            available.UnionWith(fields.WritesFields);
        }
    }

    /// <summary>Checks that every field a metric reads is among <paramref name="available"/> (for validation during training: the prediction, the label and the aux-op tags).</summary>
    public static void Metrics(string file, IEnumerable<BuiltStep> metrics, IReadOnlySet<string> available, string providers, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var step in metrics)
        {
            var args = JsonPaths.Property(step.Spec.JsonPath, "args");
            (string Arg, string Field)[] reads = step.Component switch
            {
                Pipeline.Training.Metrics.ComputeAverage average => [("field", average.Field)],
                IComparingMetric comparing => [("field", comparing.Field), ("label_field", comparing.LabelField)],
                _ => [],
            };
            foreach (var (arg, field) in reads.Where(r => !available.Contains(r.Field)))
                Missing(file, JsonPaths.Property(args, arg), field, providers, available, problems);
        }
    }

    private static void Missing(string file, string path, string field, string providers, IEnumerable<string> available, ConfigProblems problems) =>
        problems.Error(file, path, NameSuggestions.WithDidYouMean(
            $"field '{field}' is not provided by {providers}; available here: {string.Join(", ", available.Order(StringComparer.Ordinal))}",
            field, available));
}
