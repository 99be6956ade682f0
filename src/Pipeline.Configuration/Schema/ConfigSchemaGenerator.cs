using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Schema;

/// <summary>Generates a JSON Schema (draft-07) of <c>config_train.json</c> or <c>config_validation.json</c> from the registered components, for editors and <c>mmar schema</c>.</summary>
/// <remarks>
/// Sections come from <see cref="ConfigSections"/>, globals from <see cref="KnownGlobals"/>. Each component object must
/// name a registered component of the section's kind (aliases, <c>Name#alias</c> and dotted prefixes allowed) unless it
/// gives a <c>path</c> or a <c>ref</c>. Args are attached per component with "if name/path matches then args fit", written
/// as <c>anyOf[not(condition), args schema]</c> because validators such as NJsonSchema do not implement <c>if</c>/<c>then</c>.
/// Args of built-in components are closed (<c>additionalProperties: false</c>, <c>_comment</c> keys excepted); plugin
/// components stay open, since the schema may be used where the plugin is not loaded.
/// </remarks>
public sealed class ConfigSchemaGenerator(ComponentRegistry registry)
{
    /// <summary>The JSON Schema dialect produced.</summary>
    public const string Draft = "http://json-schema.org/draft-07/schema#";

    private const string IdentifierPrefix = "(?:[A-Za-z_][A-Za-z0-9_]*\\.)*";

    /// <summary>The schema of one config kind.</summary>
    public JsonObject Generate(ConfigKind kind)
    {
        var definitions = new JsonObject();
        foreach (var componentKind in ConfigSections.All.Where(r => r.Config == kind).Select(r => r.Kind).Distinct())
            definitions[DefinitionName(componentKind)] = ComponentSchema(componentKind);

        var properties = new JsonObject();
        foreach (var global in KnownGlobals.For(kind))
            properties[global.Key] = GlobalSchema(global);
        var required = new JsonArray();
        foreach (var parent in ConfigSections.Parents(kind))
        {
            if (parent.Length == 0)
            {
                AddSections(kind, parent, properties);
                continue;
            }
            var childProperties = new JsonObject();
            AddSections(kind, parent, childProperties);
            properties[parent] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = childProperties,
            };
            // Only what the loader itself rejects is required here; sections a run needs (model, loss, …) are
            // reported by the command that runs them, so that partial configs still validate while being edited.
            if (parent == ConfigSections.Train) required.Add(parent);
        }

        return new JsonObject
        {
            ["$schema"] = Draft,
            ["title"] = kind == ConfigKind.Train ? "config_train.json" : "config_validation.json",
            ["description"] = $"Clara Train 3.x {(kind == ConfigKind.Train ? "training" : "evaluation")} config, with the components this host knows",
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["definitions"] = definitions,
        };
    }

    /// <summary>The schema as indented JSON text.</summary>
    public string GenerateText(ConfigKind kind) => Generate(kind).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static void AddSections(ConfigKind kind, string parent, JsonObject properties)
    {
        foreach (var rule in ConfigSections.In(kind, parent))
        {
            var component = new JsonObject { ["$ref"] = $"#/definitions/{DefinitionName(rule.Kind)}" };
            properties[rule.Key] = rule.IsList
                ? new JsonObject { ["type"] = "array", ["description"] = rule.Meaning, ["items"] = component }
                : new JsonObject { ["description"] = rule.Meaning, ["allOf"] = new JsonArray(component) };
        }
    }

    private static JsonObject GlobalSchema(GlobalRule rule)
    {
        var schema = rule.Shape switch
        {
            ValueShape.Integer => new JsonObject { ["type"] = "integer" },
            ValueShape.Number => new JsonObject { ["type"] = "number" },
            ValueShape.Boolean => new JsonObject { ["type"] = "boolean" },
            ValueShape.String => new JsonObject { ["type"] = "string" },
            ValueShape.Object => new JsonObject { ["type"] = "object" },
            ValueShape.List => new JsonObject { ["type"] = "array" },
            _ => new JsonObject(),
        };
        schema["description"] = rule.Meaning;
        return schema;
    }

    private JsonObject ComponentSchema(ComponentKind kind)
    {
        var components = registry.OfKind(kind);
        var names = components.SelectMany(d => d.Names).Distinct().ToList();
        var nameChoice = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["enum"] = new JsonArray([.. names.Select(n => (JsonNode)n)]) },
                new JsonObject { ["type"] = "string", ["pattern"] = NamePattern(names) }),
        };

        var rules = new JsonArray
        {
            // Without a path the name must be a known component; with a path it is only the referable label.
            new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["required"] = Strings("path") }, new JsonObject { ["properties"] = new JsonObject { ["name"] = nameChoice } }) },
        };
        foreach (var d in components)
        {
            var args = ArgsSchema(d);
            rules.Add(Implication(
                new JsonObject
                {
                    ["required"] = Strings("name"),
                    ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string", ["pattern"] = NamePattern(d.Names) } },
                    ["not"] = new JsonObject { ["required"] = Strings("path") },
                },
                args));
            rules.Add(Implication(
                new JsonObject
                {
                    ["required"] = Strings("path"),
                    ["properties"] = new JsonObject { ["path"] = new JsonObject { ["enum"] = Strings(d.FullName) } },
                },
                args.DeepClone()));
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"a {kind.ConfigName()} component",
            ["properties"] = new JsonObject
            {
                ["name"] = new JsonObject { ["type"] = "string", ["description"] = $"{kind.ConfigName()} class name, optionally Name#alias", ["examples"] = Strings([.. names]) },
                ["path"] = new JsonObject { ["type"] = "string", ["description"] = "full type name of a plugin class", ["examples"] = Strings([.. components.Select(d => d.FullName)]) },
                ["ref"] = new JsonObject { ["type"] = "string", ["description"] = "alias or class name of an earlier component to copy" },
                ["disabled"] = new JsonObject { ["type"] = "boolean", ["description"] = "skip this component" },
                ["args"] = new JsonObject { ["type"] = "object", ["description"] = "constructor arguments" },
            },
            ["anyOf"] = new JsonArray(
                new JsonObject { ["required"] = Strings("name") },
                new JsonObject { ["required"] = Strings("path") },
                new JsonObject { ["required"] = Strings("ref") }),
            ["allOf"] = rules,
        };
    }

    private static JsonObject ArgsSchema(ComponentDescriptor d)
    {
        var properties = new JsonObject();
        foreach (var arg in d.Args)
            foreach (var name in arg.AllNames)
                properties[name] = ArgSchemas.ForParameter(arg);

        var args = new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"args of {d.Name} ({d.FullName})",
            ["properties"] = properties,
        };
        if (!d.Source.IsPlugin)
        {
            args["patternProperties"] = new JsonObject { ["^_"] = new JsonObject() };
            args["additionalProperties"] = false;
        }
        var required = d.Args.Where(a => a.IsRequired).ToList();
        if (required.Count > 0)
            // A required arg may be given under any of its spellings.
            args["allOf"] = new JsonArray([.. required.Select(a => (JsonNode)new JsonObject
            {
                ["anyOf"] = new JsonArray([.. a.AllNames.Select(n => (JsonNode)new JsonObject { ["required"] = Strings(n) })]),
            })]);

        var component = new JsonObject { ["properties"] = new JsonObject { ["args"] = args } };
        if (required.Count > 0) component["required"] = Strings("args");
        return component;
    }

    /// <summary>"if <paramref name="condition"/> then <paramref name="consequence"/>" in draft-04 terms.</summary>
    private static JsonObject Implication(JsonObject condition, JsonNode consequence) =>
        new() { ["anyOf"] = new JsonArray(new JsonObject { ["not"] = condition }, consequence) };

    /// <summary>Matches <c>Name</c>, <c>Name#alias</c> and dotted prefixes (<c>ai4med.components.transforms.Name</c>).</summary>
    private static string NamePattern(IEnumerable<string> names)
    {
        var alternatives = string.Join("|", names.Select(Regex.Escape));
        return alternatives.Length == 0 ? "^(?!)$" : $"^{IdentifierPrefix}(?:{alternatives})(?:#.+)?$";
    }

    private static string DefinitionName(ComponentKind kind) => kind.ConfigName();

    private static JsonArray Strings(params string[] values) => new([.. values.Select(v => (JsonNode)v)]);
}
