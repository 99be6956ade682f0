using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Loads an MMAR config from disk into a substituted, shape-checked <see cref="MmarConfig"/>, collecting every problem in one pass.</summary>
/// <remarks>
/// Order (catalog §2.3): read config and environment.json strictly; variables = config globals &lt; environment.json &lt;
/// <c>--set</c> (+ <c>MMAR_ROOT</c>); environment and <c>--set</c> values for a key that is a top-level config key or a known
/// global replace it there too; substitute <c>{NAME}</c> tokens; check top-level keys and read the component sections.
/// </remarks>
public static class MmarLoader
{
    // Section keys whose presence marks an evaluation config when there is no "train".
    private static readonly string[] ValidationMarkers = ["inferer", "model_loader", "val_metrics", "writers", "post_transforms", "label_transforms"];

    /// <summary>Loads the config; throws <see cref="ConfigException"/> listing every problem when there is an error.</summary>
    public static MmarConfig Load(MmarLoadOptions options)
    {
        var result = Read(options);
        result.Problems.ThrowIfErrors();
        return result.Config!;
    }

    /// <summary>Loads the config without throwing for config problems; <see cref="MmarLoadResult.Config"/> is null only when nothing usable was read.</summary>
    public static MmarLoadResult Read(MmarLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigProblems();
        var overrides = SetOverride.ParseAll(options.Set, problems);

        var mmarRoot = Path.GetFullPath(options.MmarRoot);
        if (!Directory.Exists(mmarRoot))
        {
            problems.Error(mmarRoot, "", "MMAR folder not found; pass the folder that holds config/ (the -m argument)");
            return new MmarLoadResult(null, problems);
        }
        var configFile = ResolveFile(mmarRoot, options.ConfigFile);
        var environmentFile = ResolveFile(mmarRoot, options.EnvironmentFile);

        var config = ReadObject(configFile, "config file", problems);
        var environment = ReadObject(environmentFile, "environment file", problems) ?? new JsonObject();
        if (config is null) return new MmarLoadResult(null, problems);

        var kind = options.Kind ?? Detect(config, configFile, problems);
        if (kind is null) return new MmarLoadResult(null, problems);

        var resolver = new VariableResolver(problems, (variable, p) => FinishPath(variable, mmarRoot, p));
        DefineVariables(resolver, config, configFile, environment, environmentFile, overrides, kind.Value, problems);
        resolver.Define(KnownVariables.MmarRoot, JsonValue.Create(mmarRoot), VariableSource.BuiltIn, "", "");
        WarnUnusedOverrides(resolver, config, environment, overrides, kind.Value, problems);

        var variables = resolver.ResolveAll();
        resolver.Substitute(config, configFile, "");

        TopLevelKeys.Check(config, kind.Value, configFile, problems);
        var sections = SectionReader.Read(config, kind.Value, configFile, problems);
        var paths = new MmarPaths(
            mmarRoot,
            NonEmpty(variables.GetString(KnownVariables.CheckpointDir)),
            NonEmpty(variables.GetString(KnownVariables.EvalOutputPath)),
            NonEmpty(variables.GetString(KnownVariables.DatasetJson)),
            NonEmpty(variables.GetString(KnownVariables.DataRoot)),
            NonEmpty(variables.GetString(KnownVariables.Checkpoint)));
        var mmar = new MmarConfig(config, configFile, environmentFile, kind.Value, variables, paths, sections, overrides, problems);
        return new MmarLoadResult(mmar, problems);
    }

    /// <summary>The config kind implied by the keys: <c>train</c> → training; evaluation sections → validation.</summary>
    public static ConfigKind? DetectKind(JsonObject config)
    {
        if (config.ContainsKey(ConfigSections.Train) || config.ContainsKey(ConfigSections.Validate)) return ConfigKind.Train;
        if (ValidationMarkers.Any(config.ContainsKey)) return ConfigKind.Validation;
        return null;
    }

    private static ConfigKind? Detect(JsonObject config, string file, ConfigProblems problems)
    {
        var kind = DetectKind(config);
        if (kind is null)
            problems.Error(file, "",
                "cannot tell whether this is a training or a validation config: it has neither a train section nor inferer/model_loader; " +
                "add the missing sections or choose the kind explicitly");
        return kind;
    }

    private static void DefineVariables(
        VariableResolver resolver, JsonObject config, string configFile, JsonObject environment, string environmentFile,
        IReadOnlyList<SetOverride> overrides, ConfigKind kind, ConfigProblems problems)
    {
        foreach (var (key, value) in config)
            if (IsGlobalKey(kind, key) && Substitution.IsIdentifier(key))
                resolver.Define(key, value, VariableSource.ConfigGlobal, configFile, key);

        foreach (var (key, value) in environment)
        {
            if (ConfigKeys.IsComment(key)) continue;
            if (key == KnownVariables.MmarRoot)
            {
                problems.Warning(environmentFile, key, "MMAR_ROOT is always the MMAR folder being loaded; this value is ignored");
                continue;
            }
            if (!Substitution.IsIdentifier(key))
                problems.Warning(environmentFile, key, $"\"{key}\" cannot be used as {{{key}}}: names are letters, digits and _ and do not start with a digit");
            resolver.Define(key, value, VariableSource.Environment, environmentFile, key);
            if (OverridesTopLevel(config, kind, key)) config[key] = value?.DeepClone();
        }

        foreach (var item in overrides)
        {
            if (item.Key == KnownVariables.MmarRoot)
            {
                problems.Error("", item.JsonPath, "MMAR_ROOT is always the MMAR folder being loaded and cannot be set; pass a different MMAR folder instead");
                continue;
            }
            if (ConfigSections.IsTopLevelSection(kind, item.Key))
            {
                problems.Error("", item.JsonPath, $"\"{item.Key}\" is a component section and cannot be replaced with --set; --set accepts variables and top-level values such as epochs=10");
                continue;
            }
            resolver.Define(item.Key, item.Value, VariableSource.CommandLine, "", item.JsonPath);
            if (OverridesTopLevel(config, kind, item.Key)) config[item.Key] = item.Value?.DeepClone();
        }
    }

    // A --set key nobody reads is almost always a typo ("epoch=5"), and silently training with the old value is costly.
    private static void WarnUnusedOverrides(
        VariableResolver resolver, JsonObject config, JsonObject environment, IReadOnlyList<SetOverride> overrides, ConfigKind kind, ConfigProblems problems)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        CollectTokens(config, referenced);
        foreach (var variable in resolver.Definitions) CollectTokens(variable.Value, referenced);
        var known = KnownGlobals.For(kind).Select(g => g.Key).Concat(KnownVariables.All).ToList();
        foreach (var item in overrides)
        {
            if (referenced.Contains(item.Key) || known.Contains(item.Key) || config.ContainsKey(item.Key) || environment.ContainsKey(item.Key)) continue;
            if (item.Key is KnownVariables.MmarRoot || ConfigSections.IsTopLevelSection(kind, item.Key)) continue;
            var message = $"--set {item.Key} is not used: it is not a top-level key of this config, not in environment.json and no {{{item.Key}}} refers to it";
            problems.Warning("", item.JsonPath, NameSuggestions.WithDidYouMean(message, item.Key, known.Concat(referenced).Concat(config.Select(p => p.Key))));
        }
    }

    private static void CollectTokens(JsonNode? node, HashSet<string> names)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                    if (!ConfigKeys.IsComment(key))
                        CollectTokens(value, names);
                break;
            case JsonArray array:
                foreach (var item in array) CollectTokens(item, names);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                foreach (var (_, _, name) in Substitution.Tokens(value.GetValue<string>())) names.Add(name);
                break;
        }
    }

    private static bool IsGlobalKey(ConfigKind kind, string key)
        => !ConfigKeys.IsComment(key) && !ConfigKeys.IsAutoMl(key) && !ConfigSections.IsTopLevelSection(kind, key);

    private static bool OverridesTopLevel(JsonObject config, ConfigKind kind, string key)
        => IsGlobalKey(kind, key) && (config.ContainsKey(key) || KnownGlobals.Find(kind, key) is not null);

    private static JsonNode? FinishPath(ConfigVariable variable, string mmarRoot, ConfigProblems problems)
    {
        if (!KnownVariables.MmarRelativePaths.Contains(variable.Name)) return variable.Value;
        if (variable.Value is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            problems.Error(variable.File, variable.JsonPath, $"found {ValueShapes.DescribeFound(variable.Value)}; accepted: a path string (relative paths are taken against the MMAR root)");
            return variable.Value;
        }
        var text = value.GetValue<string>();
        if (text.Trim().Length == 0) return value;
        try
        {
            if (Path.IsPathRooted(text)) return JsonValue.Create(Path.GetFullPath(text));
            var resolved = Path.GetFullPath(Path.Combine(mmarRoot, text));
            // NGC MMARs such as the spleen one ship DATASET_JSON = "../config/dataset_0.json", which only works from commands/,
            // the folder Clara's scripts ran in; accept that spelling when it is the one that finds the file.
            if (variable.Name == KnownVariables.DatasetJson && !File.Exists(resolved))
            {
                var fromCommands = Path.GetFullPath(Path.Combine(mmarRoot, "commands", text));
                if (File.Exists(fromCommands))
                {
                    problems.Warning(variable.File, variable.JsonPath,
                        $"\"{text}\" does not exist relative to the MMAR folder; using {fromCommands} (relative to commands/, where Clara's scripts ran)");
                    return JsonValue.Create(fromCommands);
                }
            }
            return JsonValue.Create(resolved);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problems.Error(variable.File, variable.JsonPath, $"found \"{text}\", which is not a valid path: {e.Message}");
            return value;
        }
    }

    private static JsonObject? ReadObject(string file, string what, ConfigProblems problems)
    {
        var node = StrictJson.Read(file, what, problems);
        if (node is null || node is JsonObject) return node as JsonObject;
        problems.Error(file, "", $"found {ValueShapes.DescribeFound(node)} at the top of the {what}; accepted: a JSON object {{ … }}");
        return null;
    }

    private static string ResolveFile(string mmarRoot, string file)
        => Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(mmarRoot, file));

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
