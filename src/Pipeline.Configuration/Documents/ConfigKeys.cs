namespace Pipeline.Configuration.Documents;

/// <summary>Key names and key conventions shared by every config file.</summary>
public static class ConfigKeys
{
    /// <summary>Class name, optionally <c>Class#alias</c>.</summary>
    public const string Name = "name";
    /// <summary>Full type name of a user (plugin) component.</summary>
    public const string Path = "path";
    /// <summary>Constructor arguments.</summary>
    public const string Args = "args";
    /// <summary>Skip the component.</summary>
    public const string Disabled = "disabled";
    /// <summary>Copy of an earlier component.</summary>
    public const string Ref = "ref";
    /// <summary>AutoML search space (not supported; ignored with a warning).</summary>
    public const string Search = "search";
    /// <summary>AutoML binding of search variables (not supported; ignored with a warning).</summary>
    public const string Apply = "apply";

    /// <summary>The keys a component object may have.</summary>
    public static readonly IReadOnlyList<string> ComponentKeys = [Name, Path, Args, Disabled, Ref];

    /// <summary>Keys starting with <c>_</c> are comments, e.g. <c>"_comment"</c> or a parked <c>"__model"</c>.</summary>
    public static bool IsComment(string key) => key.StartsWith('_');

    /// <summary>True for <c>search</c> and <c>apply</c>.</summary>
    public static bool IsAutoMl(string key) => key is Search or Apply;
}
