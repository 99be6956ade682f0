using System.CommandLine;
using System.Text.Json.Nodes;

namespace Pipeline.Runner.Benchmarks;

/// <summary>The network options every network benchmark shares (<c>--model</c>, <c>--init-filters</c>, <c>--classes</c>, <c>--in-channels</c>), declared once.</summary>
public sealed class BenchNetworkOptions
{
    /// <summary><c>--model</c>: the network's config name.</summary>
    public Option<string> Model { get; } = new("--model") { Description = "Config name of the network.", DefaultValueFactory = _ => "SegResnet" };

    /// <summary><c>--init-filters</c>: the model's init_filters arg, when given.</summary>
    public Option<int?> InitFilters { get; } = new("--init-filters") { Description = "init_filters arg of the model (SegResnet)." };

    /// <summary><c>--classes</c>: the model's num_classes arg.</summary>
    public Option<int> Classes { get; } = new("--classes") { Description = "num_classes arg.", DefaultValueFactory = _ => 2 };

    /// <summary><c>--in-channels</c>: input channels (the model's in_channels arg).</summary>
    public Option<int> InChannels { get; } = new("--in-channels") { Description = "Input channels (in_channels arg).", DefaultValueFactory = _ => 1 };

    /// <summary>Adds the options to <paramref name="command"/>, in this order.</summary>
    public void AddTo(Command command)
    {
        command.Add(Model);
        command.Add(InitFilters);
        command.Add(Classes);
        command.Add(InChannels);
    }

    /// <summary>The model args the options give, as a config would: num_classes, in_channels and init_filters when set.</summary>
    public JsonObject ModelArgs(ParseResult parse)
    {
        var args = new JsonObject { ["num_classes"] = parse.GetValue(Classes), ["in_channels"] = parse.GetValue(InChannels) };
        if (parse.GetValue(InitFilters) is { } filters) args["init_filters"] = filters;
        return args;
    }
}
