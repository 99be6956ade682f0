using Onnx;

namespace Pipeline.Onnx;

/// <summary>
/// Folds each inference-mode BatchNormalization that directly follows a Conv into that Conv's weights and bias, in float32.
/// </summary>
/// <remarks>
/// Done before rounding to fp16: left apart, the convolution's fp16 output minus an fp16 running mean cancels
/// catastrophically wherever a channel's mean is large against its spread, and flips argmaxes that the folded form keeps.
/// </remarks>
internal static class BatchNormFolding
{
    /// <summary>Folds every eligible pair in <paramref name="graph"/> in place; returns how many were folded.</summary>
    public static int Apply(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var readers = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name))
            .GroupBy(name => name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var producers = graph.Node.Where(n => n.Output.Count == 1).ToDictionary(n => n.Output[0], StringComparer.Ordinal);
        var folded = new List<NodeProto>();
        foreach (var norm in graph.Node.Where(n => n.OpType == "BatchNormalization" && n.Input.Count == 5 && n.Output.Count == 1))
        {
            if (!producers.TryGetValue(norm.Input[0], out var conv) || conv.OpType != "Conv" || readers[norm.Input[0]] != 1) continue;
            if (!conv.Input.Skip(1).All(name => initializers.ContainsKey(name) && readers[name] == 1)) continue;
            if (!norm.Input.Skip(1).All(initializers.ContainsKey)) continue;
            var eps = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var scale = InitializerValues.Floats(initializers[norm.Input[1]]);
            var shift = InitializerValues.Floats(initializers[norm.Input[2]]);
            var mean = InitializerValues.Floats(initializers[norm.Input[3]]);
            var variance = InitializerValues.Floats(initializers[norm.Input[4]]);
            var weight = initializers[conv.Input[1]];
            var values = InitializerValues.Floats(weight);
            var channels = scale.Length;
            if (weight.Dims[0] != channels) continue;
            var perChannel = values.Length / channels;
            var bias = conv.Input.Count > 2 ? InitializerValues.Floats(initializers[conv.Input[2]]) : new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var factor = (double)scale[c] / Math.Sqrt((double)variance[c] + eps);
                for (var i = c * perChannel; i < (c + 1) * perChannel; i++) values[i] = (float)(values[i] * factor);
                bias[c] = (float)((bias[c] - (double)mean[c]) * factor + shift[c]);
            }
            InitializerValues.Set(weight, values, TensorProto.Types.DataType.Float);
            if (conv.Input.Count > 2) InitializerValues.Set(initializers[conv.Input[2]], bias, TensorProto.Types.DataType.Float);
            else
            {
                var biasProto = new TensorProto { Name = conv.Input[1] + ".folded_bias", DataType = (int)TensorProto.Types.DataType.Float };
                biasProto.Dims.Add(channels);
                InitializerValues.Set(biasProto, bias, TensorProto.Types.DataType.Float);
                graph.Initializer.Add(biasProto);
                conv.Input.Add(biasProto.Name);
            }
            conv.Output[0] = norm.Output[0];
            folded.Add(norm);
        }
        foreach (var norm in folded) graph.Node.Remove(norm);
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList()) graph.Initializer.Remove(unused);
        return folded.Count;
    }
}
