using System.Text.Json.Nodes;
using Pipeline.Components;

namespace Pipeline.Configuration;

/// <summary>A component as a config describes it, after variable substitution and <c>ref</c> resolution.</summary>
public sealed record ComponentSpec
{
    /// <summary>The section kind this spec must resolve to.</summary>
    public required ComponentKind Kind { get; init; }

    /// <summary>The class name (the part of <c>name</c> before <c>#</c>); null when only <c>path</c> is given.</summary>
    public string? Name { get; init; }

    /// <summary>The alias after <c>#</c> in <c>name</c>, used by later <c>ref</c>s.</summary>
    public string? Alias { get; init; }

    /// <summary>A full type name (<c>My.Namespace.MyTransform</c>) for user components from plugins.</summary>
    public string? Path { get; init; }

    /// <summary>Constructor args as written (already substituted).</summary>
    public JsonObject Args { get; init; } = new();

    /// <summary>True when the config says <c>"disabled": true</c>; such a component is skipped.</summary>
    public bool Disabled { get; init; }

    /// <summary>The file the spec was read from.</summary>
    public required string File { get; init; }

    /// <summary>JSON path of the spec object, e.g. <c>train.pre_transforms[3]</c>.</summary>
    public required string JsonPath { get; init; }

    /// <summary>The name a user sees: path when given, else name.</summary>
    public string DisplayName => Path ?? Name ?? "(unnamed)";

    /// <summary>The key a later <c>ref</c> uses: alias when given, else name, else path.</summary>
    public string ReferenceKey => Alias ?? Name ?? Path ?? "";
}
