using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>A loaded, substituted and shape-checked MMAR config: the tree, its variables, paths and component specs per section.</summary>
public sealed class MmarConfig
{
    internal MmarConfig(
        JsonObject root, string file, string environmentFile, ConfigKind kind, VariableTable variables, MmarPaths paths,
        IReadOnlyList<SectionEntry> sections, IReadOnlyList<SetOverride> overrides, ConfigProblems problems)
    {
        Root = root;
        File = file;
        EnvironmentFile = environmentFile;
        Kind = kind;
        Variables = variables;
        Paths = paths;
        Sections = sections;
        Overrides = overrides;
        Problems = problems;
        Globals = new ConfigGlobals(root, file);
    }

    /// <summary>The config after <c>--set</c>/environment overrides and substitution. Shared, not copied: do not modify.</summary>
    public JsonObject Root { get; }

    /// <summary>Absolute path of the config file.</summary>
    public string File { get; }

    /// <summary>Absolute path of the environment file.</summary>
    public string EnvironmentFile { get; }

    /// <summary>Training or validation config.</summary>
    public ConfigKind Kind { get; }

    /// <summary>Every variable with its typed value and source.</summary>
    public VariableTable Variables { get; }

    /// <summary>Resolved MMAR paths.</summary>
    public MmarPaths Paths { get; }

    /// <summary>The absolute MMAR root.</summary>
    public string MmarRoot => Paths.MmarRoot;

    /// <summary>Typed access to top-level keys (<c>epochs</c>, <c>learning_rate</c>, …).</summary>
    public ConfigGlobals Globals { get; }

    /// <summary>The datalist list an evaluation reads: <c>DATA_LIST_KEY</c> from the environment or <c>--set</c>, else the config's global, else <c>validation</c>.</summary>
    public string DataListKey =>
        Variables.GetString(KnownVariables.DataListKey) ?? Globals.GetString(KnownVariables.DataListKey, null) ?? "validation";

    /// <summary>Every component section present, train before validate, document order within each.</summary>
    public IReadOnlyList<SectionEntry> Sections { get; }

    /// <summary>The parsed <c>--set</c> items.</summary>
    public IReadOnlyList<SetOverride> Overrides { get; }

    /// <summary>Every problem found while loading (warnings included); later stages may add theirs.</summary>
    public ConfigProblems Problems { get; }

    /// <summary>
    /// Sections that running this workflow needs but the config lacks (e.g. <c>train.model</c>). Loading does not report them,
    /// because checking a config that only has transform chains is legitimate; a command that trains or evaluates should.
    /// </summary>
    public IReadOnlyList<SectionRule> MissingRequiredSections()
    {
        var missing = new List<SectionRule>();
        foreach (var rule in ConfigSections.All.Where(r => r.Config == Kind && r.Required))
        {
            var container = rule.Parent.Length == 0 ? Root : Root[rule.Parent] as JsonObject;
            if (container is not null && !container.ContainsKey(rule.Key)) missing.Add(rule);
        }
        return missing;
    }

    /// <summary>The section at <paramref name="jsonPath"/> (e.g. <c>train.pre_transforms</c>, <c>inferer</c>); null when absent.</summary>
    public SectionEntry? Section(string jsonPath) => Sections.FirstOrDefault(s => s.JsonPath == jsonPath);

    /// <summary>The specs of a section, disabled ones included; empty when the section is absent.</summary>
    public IReadOnlyList<ComponentSpec> Components(string jsonPath) => Section(jsonPath)?.Specs ?? [];

    /// <summary>The spec of a single-component section; null when absent or unusable.</summary>
    public ComponentSpec? Component(string jsonPath) => Section(jsonPath)?.Specs.FirstOrDefault();
}
