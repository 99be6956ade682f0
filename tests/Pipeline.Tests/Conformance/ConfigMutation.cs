using System.Text.Json.Nodes;

namespace Pipeline.Tests.Conformance;

/// <summary>What a mutation expects <c>mmar check</c> (and so the run) to do with it.</summary>
public enum Verdict
{
    /// <summary>Refused before anything runs (exit 2).</summary>
    Refused,

    /// <summary>Accepted: the run starts (exit 0, or 1 for a data failure on the way).</summary>
    Accepted,
}

/// <summary>The files of one MMAR variant, as JSON, for a mutation to change before they are written.</summary>
/// <param name="Dir">The MMAR folder (its data is under <c>data/</c>).</param>
/// <param name="Train">config_train.json.</param>
/// <param name="Validation">config_validation.json.</param>
/// <param name="Dataset">The data list.</param>
public sealed record MmarFiles(string Dir, JsonObject Train, JsonObject Validation, JsonObject Dataset)
{
    /// <summary>The node at a dotted path with indexes (<c>train.pre_transforms[1].args</c>) of <paramref name="root"/>.</summary>
    public static JsonNode At(JsonNode root, string path)
    {
        var node = root;
        foreach (var part in Parts(path)) node = part is int i ? node[i]! : node[(string)part]!;
        return node;
    }

    /// <summary>Sets the value at <paramref name="path"/> (its parent must exist); null removes it.</summary>
    public static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = Parts(path);
        var parent = root;
        foreach (var part in parts.SkipLast(1)) parent = part is int i ? parent[i]! : parent[(string)part]!;
        switch (parts[^1])
        {
            case int index:
                if (value is null) parent.AsArray().RemoveAt(index);
                else parent[index] = value;
                break;
            case string key when value is null:
                parent.AsObject().Remove(key);
                break;
            case string key:
                parent[key] = value;
                break;
        }
    }

    private static List<object> Parts(string path)
    {
        var parts = new List<object>();
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[');
            parts.Add(bracket < 0 ? segment : segment[..bracket]);
            if (bracket >= 0)
                foreach (var index in segment[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries)) parts.Add(int.Parse(index));
        }
        return parts;
    }
}

/// <summary>One change to a working MMAR and what should become of it.</summary>
/// <param name="Name">What it does, unique.</param>
/// <param name="Config">Which config the run uses: <c>train</c> or <c>validation</c>.</param>
/// <param name="Verdict">The expected outcome.</param>
/// <param name="Apply">Changes the files.</param>
/// <param name="Set">Extra <c>--set</c> items for both check and run.</param>
public sealed record ConfigMutation(string Name, string Config, Verdict Verdict, Action<MmarFiles> Apply, string[]? Set = null)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
