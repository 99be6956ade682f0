using System.Text.Json.Nodes;
using Pipeline.Components;

namespace Pipeline.Configuration.Documents;

/// <summary>Walks the component sections of a substituted config into <see cref="SectionEntry"/>s, resolving <c>ref</c>s.</summary>
internal static class SectionReader
{
    public static IReadOnlyList<SectionEntry> Read(JsonObject root, ConfigKind kind, string file, ConfigProblems problems)
    {
        // Everything is read first so a failed ref can tell "defined later" from "never defined".
        var read = new List<(SectionRule Rule, List<ParsedComponent> Components)>();
        foreach (var parent in ConfigSections.Parents(kind))
        {
            var container = Container(root, kind, parent, file, problems);
            if (container is null) continue;
            read.AddRange(ReadContainer(container, kind, parent, file, problems));
        }

        var references = new ComponentReferences();
        var ordered = read.SelectMany(r => r.Components).ToList();
        var resolved = new Dictionary<ParsedComponent, ComponentSpec>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < ordered.Count; i++)
        {
            var component = ordered[i];
            if (component.IsBroken)
            {
                references.AddBroken(component.BrokenKey);
                continue;
            }
            if (component.Definition is { } definition)
            {
                references.Add(definition, problems);
                resolved[component] = definition;
                continue;
            }
            var later = ordered.Skip(i + 1).Select(c => c.Definition).OfType<ComponentSpec>();
            if (references.Resolve(component, later, file, problems) is { } copy) resolved[component] = copy;
        }

        return read
            .Select(r => new SectionEntry(r.Rule, r.Components.Where(resolved.ContainsKey).Select(c => resolved[c]).ToList()))
            .ToList();
    }

    private static JsonObject? Container(JsonObject root, ConfigKind kind, string parent, string file, ConfigProblems problems)
    {
        if (parent.Length == 0) return root;
        if (!root.TryGetPropertyValue(parent, out var node))
        {
            if (parent == ConfigSections.Train)
                problems.Error(file, parent, "the train section is missing; a training config needs one with loss, optimizer, model, pre_transforms and image_pipeline");
            else
                problems.Warning(file, parent, "the validate section is missing; training will run without validation, so no best model is selected");
            return null;
        }
        if (node is JsonObject obj)
        {
            CheckContainerKeys(obj, kind, parent, file, problems);
            return obj;
        }
        problems.Error(file, parent, $"found {ValueShapes.DescribeFound(node)}; accepted: an object of sections such as {{\"model\": {{…}}, \"pre_transforms\": [ … ]}}");
        return null;
    }

    private static void CheckContainerKeys(JsonObject container, ConfigKind kind, string parent, string file, ConfigProblems problems)
    {
        var known = ConfigSections.In(kind, parent).Select(r => r.Key).ToList();
        foreach (var (key, _) in container)
        {
            if (ConfigKeys.IsComment(key) || known.Contains(key)) continue;
            var path = JsonPaths.Property(parent, key);
            if (ConfigKeys.IsAutoMl(key))
            {
                problems.Warning(file, path, $"AutoML search is not supported; \"{key}\" is ignored");
                continue;
            }
            var message = $"unknown key \"{key}\" in {parent} is ignored; accepted: {string.Join(", ", known)}";
            problems.Warning(file, path, Clara4Keys.Hint(key) is { } hint ? $"{message}; {hint}" : NameSuggestions.WithDidYouMean(message, key, known));
        }
    }

    // Missing required sections are not reported here: "mmar check" of a transforms-only MMAR is legitimate, and the
    // command that runs a workflow asks MmarConfig.MissingRequiredSections for what it needs.
    private static IEnumerable<(SectionRule, List<ParsedComponent>)> ReadContainer(
        JsonObject container, ConfigKind kind, string parent, string file, ConfigProblems problems)
    {
        // Document order, so a ref may point at anything written above it.
        foreach (var (key, value) in container.ToList())
        {
            if (ConfigSections.Find(kind, parent, key) is not { } rule) continue;
            yield return (rule, ReadSection(value, rule, file, problems));
        }
    }

    private static List<ParsedComponent> ReadSection(JsonNode? value, SectionRule rule, string file, ConfigProblems problems)
    {
        var components = new List<ParsedComponent>();
        var path = rule.JsonPath;
        if (rule.IsList)
        {
            if (value is not JsonArray array)
            {
                var hint = value is JsonObject ? "; wrap the component in [ ]" : "";
                problems.Error(file, path, $"found {ValueShapes.DescribeFound(value)}; accepted: a list of {rule.Kind.ConfigName()} components [{{\"name\": …}}, …]{hint}");
                return components;
            }
            for (var i = 0; i < array.Count; i++)
                if (ComponentSpecReader.Read(array[i], rule, file, JsonPaths.Index(path, i), problems) is { } component)
                    components.Add(component);
            return components;
        }

        if (value is JsonArray)
        {
            var message = rule.Key is "loss" or "optimizer"
                ? $"found a list; a list of {rule.Key} alternatives is AutoML syntax and AutoML search is not supported; accepted: exactly one {rule.Key} component object"
                : $"found a list; accepted: one {rule.Kind.ConfigName()} component object {{\"name\": …, \"args\": {{…}}}}";
            problems.Error(file, path, message);
            return components;
        }
        if (ComponentSpecReader.Read(value, rule, file, path, problems) is { } single) components.Add(single);
        return components;
    }
}
