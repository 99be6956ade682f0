using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using Pipeline.Data;
using Pipeline.IO;
using Pipeline.Networks;
using Pipeline.Networks.Export;
using static TorchSharp.torch;

namespace Pipeline.Onnx;

/// <summary>Writes a trained network as an ONNX model from its own modules (no tracing): a dynamic batch axis, spatial axes dynamic where the contract allows other sizes, the contract and spec in the metadata.</summary>
public static class OnnxExporter
{
    /// <summary>The ONNX IR version written (the one opset 17 came with).</summary>
    private const long IrVersion = 8;

    /// <summary>Builds the model of <paramref name="network"/>; its weights are read as they are (the network is not changed).</summary>
    /// <exception cref="ExportNotSupportedException">A module has no ONNX form, or a fixed-shape network's input size is unknown.</exception>
    /// <param name="network">The network, in eval mode.</param>
    /// <param name="spec">Its spec, recorded in the metadata.</param>
    /// <param name="contract">Its input contract, recorded in the metadata.</param>
    /// <param name="options">Opset, precision and the input size of fixed-shape networks.</param>
    /// <param name="geometry">The spacing and orientation the training images were brought to, recorded when known.</param>
    public static ModelProto Export(nn.Module<Tensor, Tensor> network, NetworkSpec spec, InputContract contract, OnnxExportOptions options,
        ImageGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Precision is not (ScalarType.Float32 or ScalarType.Float16))
            throw new ExportNotSupportedException($"precision {options.Precision} has no export; accepted: fp32, fp16");
        var sized = network as ISizedExportable;
        var spatial = SpatialDims(contract, options, sized is not null);
        var builder = new OnnxGraphBuilder();
        builder.Graph.Name = spec.Name;
        var output = sized is null
            ? ModuleExport.Export(network, builder, OnnxModelMetadata.InputName)
            : sized.Export(builder, OnnxModelMetadata.InputName, [.. spatial.Select(d => d.DimValue)]);
        // The last node's output is renamed to the public output name, so consumers see stable names.
        var last = builder.Graph.Node.LastOrDefault(n => n.Output.Contains(output))
            ?? throw new ExportNotSupportedException($"{spec.Name} has no operator between its input and its output");
        last.Output[last.Output.IndexOf(output)] = OnnxModelMetadata.OutputName;

        var outChannels = OutputChannels(network, contract);
        // The graph is written in float32 and converted afterwards, so every module's export serves both precisions.
        if (options.Precision == ScalarType.Float16) Float16Conversion.Apply(builder.Graph, OnnxModelMetadata.InputName, OnnxModelMetadata.OutputName);
        builder.Graph.Input.Add(Value(OnnxModelMetadata.InputName, ScalarType.Float32, [Dim("batch"), Dim(contract.InChannels), .. spatial]));
        builder.Graph.Output.Add(Value(OnnxModelMetadata.OutputName, ScalarType.Float32, [Dim("batch"), Dim(outChannels), .. OutputSpatialDims(contract, spatial)]));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "mmar",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = builder.Graph,
            DocString = $"{spec.Name} exported by mmar",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxModelMetadata.Network, Value = spec.ToJson() });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxModelMetadata.InputContract, Value = contract.ToJson() });
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = OnnxModelMetadata.OutputActivation,
            Value = spec.Args["final_activation"]?.GetValue<string>() ?? "softmax",
        });
        if (geometry?.Spacing is { } spacing)
            model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxModelMetadata.Spacing, Value = new JsonArray([.. spacing.Select(v => JsonValue.Create(v))]).ToJsonString() });
        if (geometry?.Orientation is { } orientation)
            model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxModelMetadata.Orientation, Value = orientation });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxModelMetadata.Precision, Value = options.Precision == ScalarType.Float16 ? "fp16" : "fp32" });
        return model;
    }

    /// <summary>Writes <paramref name="model"/> atomically to <paramref name="path"/> inside <paramref name="folder"/>.</summary>
    public static void Write(ModelProto model, OutputFolder folder, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        folder.Write(path, stream => model.WriteTo(stream));
    }

    // A network whose graph depends on the input size (ISizedExportable) gets fixed axes even where its contract allows other sizes.
    private static TensorShapeProto.Types.Dimension[] SpatialDims(InputContract contract, OnnxExportOptions options, bool sizeBound)
    {
        if (contract.SupportsDynamicShape && !sizeBound)
            return [.. Enumerable.Range(0, contract.SpatialDims).Select(i => Dim($"spatial_{i}"))];
        var shape = contract.FixedShape ?? options.SpatialShape
            ?? throw new ExportNotSupportedException(sizeBound && contract.SupportsDynamicShape
                ? "the network's graph depends on the input size (its windows, padding and masks), so it is exported for one size; give it (e.g. --input-shape 96,96,96)"
                : "the network has a fixed input shape and its checkpoint records none; give the size it was trained at (e.g. --input-shape 96,96,96)");
        if (shape.Count != contract.SpatialDims)
            throw new ExportNotSupportedException($"the input shape [{string.Join(", ", shape)}] has {shape.Count} axes; the network takes {contract.SpatialDims}");
        return [.. shape.Select(s => Dim(s))];
    }

    // Unpadded convolutions make the output smaller than the input: its axes get their own names, or their computed sizes.
    private static TensorShapeProto.Types.Dimension[] OutputSpatialDims(InputContract contract, TensorShapeProto.Types.Dimension[] input)
    {
        if (contract.ValidPaddingLevels == 0) return input;
        return [.. input.Select((d, i) => d.DimParam.Length > 0 ? Dim($"output_spatial_{i}")
            : ValidPaddingUNetSize.TryGetOutputSize(d.DimValue, contract.ValidPaddingLevels, out var size) ? Dim(size)
            : throw new ExportNotSupportedException($"input size {d.DimValue} on axis {i} is not legal for unpadded convolutions over {contract.ValidPaddingLevels} levels"))];
    }

    // One forward on the smallest legal input gives the output channels without knowing each network's args. A network may
    // refuse a size its contract allows (UNet3D: a single-voxel bottleneck, where instance norm is undefined), so a refused
    // probe is retried at the next legal size.
    private static long OutputChannels(nn.Module<Tensor, Tensor> network, InputContract contract)
    {
        if (contract.FixedShape is { } fixedShape) return Probe(network, contract, [.. fixedShape]);
        var smallest = LegalSizeFrom(contract, new int[contract.SpatialDims]);
        try
        {
            return Probe(network, contract, smallest);
        }
        catch (ArgumentException)
        {
            return Probe(network, contract, LegalSizeFrom(contract, smallest));
        }
    }

    private static long Probe(nn.Module<Tensor, Tensor> network, InputContract contract, int[] shape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var dtype = network.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;
        using var probe = zeros([1, contract.InChannels, .. shape.Select(v => (long)v)], dtype);
        return network.call(probe).shape[1];
    }

    // The smallest legal size larger than below on every axis.
    private static int[] LegalSizeFrom(InputContract contract, int[] below)
    {
        if (contract.ValidPaddingLevels > 0)
            return [.. below.Select(b => ValidPaddingUNetSize.NearestLegal(b, contract.ValidPaddingLevels).Above)];
        var step = Enumerable.Range(0, contract.SpatialDims).Select(i => Math.Max(1, i < contract.Divisors.Count ? contract.Divisors[i] : 1)).ToArray();
        var size = step.Select((d, i) => Math.Max(below[i] / d * d + d, contract.MinimumSize is { } m && i < m.Count ? (m[i] + d - 1) / d * d : d)).ToArray();
        for (var tries = 0; contract.ExplainSize(size) is not null && tries < 64; tries++)
            for (var i = 0; i < size.Length; i++) size[i] += step[i];
        return size;
    }

    private static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    private static TensorShapeProto.Types.Dimension Dim(string name) => new() { DimParam = name };

    private static ValueInfoProto Value(string name, ScalarType type, TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxGraphBuilder.ElementType(type), Shape = shape } },
        };
    }
}
