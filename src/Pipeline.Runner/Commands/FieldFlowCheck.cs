using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;

namespace Pipeline.Runner.Commands;

/// <summary>Follows the fields through each transform chain of a config and reports a field that neither the datalist nor an earlier step provides.</summary>
public static class FieldFlowCheck
{
    /// <summary>The chains of one config, in run order, with the section each starts from.</summary>
    private static readonly Dictionary<ConfigKind, (string Section, string[] AddedBefore)[]> Chains = new()
    {
        [ConfigKind.Train] = [("train.pre_transforms", []), ("validate.pre_transforms", [])],
        // Evaluation: pre_transforms, then the inferer writes "model", then post- and label transforms.
        [ConfigKind.Validation] = [("pre_transforms", []), ("post_transforms", ["model"]), ("label_transforms", [])],
    };

    /// <summary>Checks every chain of <paramref name="config"/>; <paramref name="datalistFields"/> gives the fields each chain starts with (by section), null to skip that chain.</summary>
    public static void Run(MmarConfig config, IReadOnlyDictionary<string, object> constructed,
        Func<string, IReadOnlySet<string>?> datalistFields, ConfigProblems problems)
    {
        HashSet<string>? available = null;
        foreach (var (section, addedBefore) in Chains[config.Kind])
        {
            if (config.Kind == ConfigKind.Train || available is null)
            {
                var start = datalistFields(section);
                if (start is null) { available = null; continue; }
                available = [.. start];
            }
            available.UnionWith(addedBefore);
            foreach (var spec in config.Components(section).Where(s => !s.Disabled))
            {
                if (!constructed.TryGetValue(spec.JsonPath, out var component) || component is not IDeclaresFields fields) continue;
                foreach (var field in fields.ReadsFields.Where(f => !available.Contains(f)))
                    problems.Error(config.File, $"{spec.JsonPath}.args.{fields.FieldsArg}",
                        NameSuggestions.WithDidYouMean(
                            $"field '{field}' is not provided by the datalist or an earlier transform; available here: {string.Join(", ", available.Order(StringComparer.Ordinal))}",
                            field, available));
                available.UnionWith(fields.WritesFields);
            }
        }
    }
}
