using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Components;

namespace Pipeline.Configuration.Documents;

/// <summary>Checks the shape of one component object (<c>name</c>, <c>name#alias</c>, <c>path</c>, <c>args</c>, <c>disabled</c>, <c>ref</c>).</summary>
internal static class ComponentSpecReader
{
    /// <summary>Reads the component at <paramref name="path"/>; after recording errors returns null or a broken component (<see cref="ParsedComponent.IsBroken"/>).</summary>
    public static ParsedComponent? Read(JsonNode? node, SectionRule section, string file, string path, ConfigProblems problems)
    {
        if (node is not JsonObject obj)
        {
            problems.Error(file, path,
                $"found {ValueShapes.DescribeFound(node)}; accepted: a component object such as {{\"name\": \"ClassName\", \"args\": {{…}}}} ({section.Kind.ConfigName()})");
            return null;
        }

        var errorsBefore = problems.ErrorCount;
        string? name = null, typePath = null, reference = null;
        JsonObject? args = null;
        bool? disabled = null;
        var unresolved = false;
        foreach (var (key, value) in obj)
        {
            var keyPath = JsonPaths.Property(path, key);
            if (ConfigKeys.IsComment(key)) continue;
            switch (key)
            {
                case ConfigKeys.Name:
                    name = ReadText(value, file, keyPath, "a class name such as \"ScaleIntensityRange\" or \"ScaleByResolution#ScaleImg\"", problems);
                    break;
                case ConfigKeys.Path:
                    typePath = ReadText(value, file, keyPath, "a full type name such as \"MyPlugin.MyTransform\"", problems);
                    break;
                case ConfigKeys.Ref:
                    reference = ReadText(value, file, keyPath, "the alias or class name of an earlier component", problems);
                    break;
                case ConfigKeys.Args:
                    if (value is JsonObject argsObject) args = WithoutComments(argsObject);
                    else problems.Error(file, keyPath, $"found {ValueShapes.DescribeFound(value)}; accepted: an object of constructor arguments, e.g. {{\"fields\": \"image\"}} (or leave args out)");
                    break;
                case ConfigKeys.Disabled:
                    if (ValueShape.Boolean.Matches(value)) disabled = value!.GetValueKind() == JsonValueKind.True;
                    else if (Substitution.IsUnresolved(value)) unresolved = true;
                    else problems.Error(file, keyPath, $"found {ValueShapes.DescribeFound(value)}; accepted: true or false");
                    break;
                case ConfigKeys.Search or ConfigKeys.Apply:
                    problems.Warning(file, keyPath, $"AutoML search is not supported; \"{key}\" is ignored");
                    break;
                default:
                    problems.Warning(file, keyPath, NameSuggestions.WithDidYouMean(
                        $"unknown component key \"{key}\" is ignored; accepted: {string.Join(", ", ConfigKeys.ComponentKeys)}",
                        key, ConfigKeys.ComponentKeys));
                    break;
            }
        }

        if (reference is not null && (name is not null || typePath is not null))
            problems.Error(file, JsonPaths.Property(path, ConfigKeys.Ref),
                "a ref cannot also have name or path: a ref copies the class of the component it points to");
        if (reference is null && name is null && typePath is null && problems.ErrorCount == errorsBefore)
            problems.Error(file, path, "the component has no name, path or ref; accepted: {\"name\": \"ClassName\"}, {\"path\": \"Namespace.Type\"} or {\"ref\": \"alias\"}");

        string? className = null, alias = null;
        var nameOk = name is null || TrySplitName(name, typePath is not null, file, JsonPaths.Property(path, ConfigKeys.Name), problems, out className, out alias);
        if (!nameOk || unresolved || problems.ErrorCount > errorsBefore)
            return reference is null ? new ParsedComponent(section, path, null, BrokenKey: new[] { alias, className, typePath, name }.FirstOrDefault(k => !string.IsNullOrEmpty(k))) : null;

        if (reference is not null)
            return new ParsedComponent(section, path, null, reference, args, disabled);

        return new ParsedComponent(section, path, new ComponentSpec
        {
            Kind = section.Kind,
            Name = className,
            Alias = alias,
            Path = typePath,
            Args = args ?? new JsonObject(),
            Disabled = disabled ?? false,
            File = file,
            JsonPath = path,
        });
    }

    private static string? ReadText(JsonNode? value, string file, string path, string accepted, ConfigProblems problems)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            if (text.Trim().Length > 0) return text.Trim();
            problems.Error(file, path, $"found an empty string; accepted: {accepted}");
            return null;
        }
        problems.Error(file, path, $"found {ValueShapes.DescribeFound(value)}; accepted: {accepted}");
        return null;
    }

    // "Class#alias": the alias names this instance for later refs; with a path the whole name may be just a label.
    private static bool TrySplitName(string name, bool hasPath, string file, string path, ConfigProblems problems,
        out string? className, out string? alias)
    {
        className = name;
        alias = null;
        var hash = name.IndexOf('#');
        if (hash < 0) return true;
        if (name.IndexOf('#', hash + 1) >= 0)
        {
            problems.Error(file, path, $"found \"{name}\" with more than one #; accepted: ClassName or ClassName#alias");
            return false;
        }
        className = name[..hash].Trim();
        alias = name[(hash + 1)..].Trim();
        if (alias.Length == 0)
        {
            problems.Error(file, path, $"found \"{name}\" with an empty alias after #; accepted: ClassName#alias, e.g. {className}#img (or drop the #)");
            return false;
        }
        if (className.Length == 0 && !hasPath)
        {
            problems.Error(file, path, $"found \"{name}\" with no class name before #; accepted: ClassName#alias");
            return false;
        }
        if (className.Length == 0) className = null;
        return true;
    }

    // Comment keys never reach the binder, which would otherwise reject them as unknown args.
    private static JsonObject WithoutComments(JsonObject args)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in args)
            if (!ConfigKeys.IsComment(key))
                copy[key] = value?.DeepClone();
        return copy;
    }
}
