using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Pipeline.ImageIO.Dicom;

/// <summary>The elements of a DICOM dataset (or of a sequence item) by tag, with typed reads of the attributes an image needs.</summary>
public sealed class DicomDataset(bool littleEndian)
{
    private readonly SortedDictionary<DicomTag, DicomElement> _elements = [];

    /// <summary>Byte order of binary values.</summary>
    public bool LittleEndian { get; } = littleEndian;

    /// <summary>The elements, in tag order.</summary>
    public IReadOnlyDictionary<DicomTag, DicomElement> Elements => _elements;

    internal void Add(DicomTag tag, DicomElement element) => _elements[tag] = element;

    /// <summary>A copy holding the same elements, to which elements can be set without changing this one.</summary>
    public DicomDataset Copy()
    {
        var copy = new DicomDataset(LittleEndian);
        foreach (var (tag, element) in _elements) copy._elements[tag] = element;
        return copy;
    }

    /// <summary>Sets <paramref name="tag"/> to <paramref name="element"/>, replacing any value it had.</summary>
    public DicomDataset Set(DicomTag tag, DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        _elements[tag] = element;
        return this;
    }

    /// <summary>Whether <paramref name="tag"/> is present.</summary>
    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag);

    /// <summary>The element at <paramref name="tag"/>, or null.</summary>
    public DicomElement? Get(DicomTag tag) => _elements.GetValueOrDefault(tag);

    /// <summary>A text value with its padding (trailing spaces and NULs) removed; null when absent or empty.</summary>
    public string? GetString(DicomTag tag)
    {
        if (Get(tag) is not { } element || element.Value.Length == 0) return null;
        var text = Encoding.ASCII.GetString(element.Value).TrimEnd(' ', '\0').TrimStart(' ');
        return text.Length == 0 ? null : text;
    }

    /// <summary>The decimal (DS/IS) values of a multi-valued text attribute; null when absent.</summary>
    /// <exception cref="FormatException">A value is not a number.</exception>
    public double[]? GetDecimals(DicomTag tag) =>
        GetString(tag)?.Split('\\').Select(v => double.Parse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>An integer from a binary (US, SS, UL, SL) or text (IS) value; null when absent.</summary>
    public long? GetInteger(DicomTag tag)
    {
        if (Get(tag) is not { } element || element.Value.Length == 0) return null;
        var value = element.Value.AsSpan();
        return element.Vr switch
        {
            "US" when value.Length >= 2 => LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(value) : BinaryPrimitives.ReadUInt16BigEndian(value),
            "SS" when value.Length >= 2 => LittleEndian ? BinaryPrimitives.ReadInt16LittleEndian(value) : BinaryPrimitives.ReadInt16BigEndian(value),
            "UL" when value.Length >= 4 => LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(value) : BinaryPrimitives.ReadUInt32BigEndian(value),
            "SL" when value.Length >= 4 => LittleEndian ? BinaryPrimitives.ReadInt32LittleEndian(value) : BinaryPrimitives.ReadInt32BigEndian(value),
            // A malformed IS reads as absent: the attributes read this way (numbers of frames and instances) have defaults.
            "IS" or "DS" => double.TryParse(GetString(tag)?.Split('\\')[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var first) &&
                double.IsFinite(first) && Math.Abs(first) < long.MaxValue ? (long)first : null,
            _ => long.TryParse(GetString(tag), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        };
    }

    /// <summary>The items of a sequence; empty when absent.</summary>
    public IReadOnlyList<DicomDataset> GetItems(DicomTag tag) => Get(tag)?.Items ?? [];
}
