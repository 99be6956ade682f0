namespace Pipeline.ImageIO.Dicom;

/// <summary>
/// Decodes single-component JPEG Lossless (ITU-T T.81 process 14, Huffman-coded, any predictor 1-7, point transform,
/// restart intervals) into little-endian samples: the lossless JPEG that PACS use (transfer syntaxes .57 and .70).
/// </summary>
internal static class JpegLosslessDecoder
{
    private sealed class HuffmanTable
    {
        public readonly int[] MaxCode = new int[18];
        public readonly int[] ValueOffset = new int[17];
        public byte[] Values = [];
        public int[] MinCode = new int[17];
    }

    /// <summary>Decodes one frame of <paramref name="rows"/> × <paramref name="columns"/> samples; returns them as <paramref name="bytesPerSample"/>-byte little-endian values.</summary>
    public static byte[] Decode(byte[] data, int rows, int columns, int bytesPerSample)
    {
        var tables = new HuffmanTable?[4];
        int precision = 0, height = 0, width = 0, restartInterval = 0;
        var position = 0;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) throw new InvalidDataException("the JPEG data do not start with an SOI marker");
        position = 2;
        while (true)
        {
            var marker = NextMarker(data, ref position);
            if (marker == 0xD9) throw new InvalidDataException("the JPEG data end before a scan");
            var length = Read16(data, position);
            if (length < 2 || position + length > data.Length) throw new InvalidDataException($"JPEG marker FF{marker:X2} claims {length} bytes past the end of the data");
            var segment = data.AsSpan(position + 2, length - 2);
            position += length;
            switch (marker)
            {
                case 0xC3:
                    if (segment.Length < 6) throw new InvalidDataException("a short SOF3 segment");
                    precision = segment[0];
                    height = Read16(segment, 1);
                    width = Read16(segment, 3);
                    if (segment[5] != 1) throw new InvalidDataException($"the JPEG frame has {segment[5]} components; grayscale images have one");
                    if (precision is < 2 or > 16) throw new InvalidDataException($"the JPEG sample precision is {precision} bits");
                    break;
                case 0xC0 or 0xC1 or 0xC2 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new InvalidDataException($"the JPEG frame is not lossless process 14 (marker FF{marker:X2})");
                case 0xC4:
                    ReadTables(segment, tables);
                    break;
                case 0xDD:
                    if (segment.Length < 2) throw new InvalidDataException("a short DRI segment");
                    restartInterval = Read16(segment, 0);
                    break;
                case 0xDA:
                    if (precision == 0) throw new InvalidDataException("the JPEG scan comes before its SOF3 frame header");
                    if (height != rows || width != columns)
                        throw new InvalidDataException($"the JPEG frame is {height}x{width}; the image is {rows}x{columns}");
                    if (segment.Length < 6 || segment[0] != 1) throw new InvalidDataException("the JPEG scan is not a single-component scan");
                    var table = tables[segment[2] >> 4] ?? throw new InvalidDataException($"the JPEG scan uses Huffman table {segment[2] >> 4}, which is not defined");
                    var predictor = segment[3];
                    var pointTransform = segment[5] & 0x0F;
                    if (predictor is < 1 or > 7) throw new InvalidDataException($"the JPEG predictor is {predictor}; lossless JPEG uses 1 to 7");
                    return Scan(data, position, table, precision, pointTransform, predictor, rows, columns, restartInterval, bytesPerSample);
                default:
                    break; // APPn, COM and others carry nothing the samples need.
            }
        }
    }

    private static int Read16(ReadOnlySpan<byte> data, int at) =>
        at + 1 < data.Length ? (data[at] << 8) | data[at + 1] : throw new InvalidDataException("the JPEG data end inside a marker segment");

    private static int NextMarker(byte[] data, ref int position)
    {
        while (position + 1 < data.Length)
        {
            if (data[position] == 0xFF && data[position + 1] is not (0x00 or 0xFF))
            {
                var marker = data[position + 1];
                position += 2;
                return marker;
            }
            position++;
        }
        throw new InvalidDataException("the JPEG data end without an EOI marker");
    }

    private static void ReadTables(ReadOnlySpan<byte> segment, HuffmanTable?[] tables)
    {
        var at = 0;
        while (at < segment.Length)
        {
            if (at + 17 > segment.Length) throw new InvalidDataException("a short DHT segment");
            var id = segment[at] & 0x0F;
            if (id > 3) throw new InvalidDataException($"Huffman table id {id}");
            var counts = segment.Slice(at + 1, 16);
            var total = 0;
            foreach (var c in counts) total += c;
            if (at + 17 + total > segment.Length || total > 256) throw new InvalidDataException("a DHT segment lists more symbols than it holds");
            var table = new HuffmanTable { Values = segment.Slice(at + 17, total).ToArray() };
            // Canonical codes (T.81 Annex C and F.2.2.3): per length, the smallest and largest code and where its values start.
            int code = 0, k = 0;
            for (var length = 1; length <= 16; length++)
            {
                table.ValueOffset[length] = k;
                table.MinCode[length] = code;
                code += counts[length - 1];
                k += counts[length - 1];
                table.MaxCode[length] = counts[length - 1] == 0 ? -1 : code - 1;
                code <<= 1;
            }
            table.MaxCode[17] = int.MaxValue;
            tables[id] = table;
            at += 17 + total;
        }
    }

    private ref struct BitReader(byte[] data, int position)
    {
        private int _position = position;
        private int _bits;
        private int _count;

        public int Position => _position;

        public int Bit()
        {
            if (_count == 0)
            {
                if (_position >= data.Length) throw new InvalidDataException("the JPEG entropy-coded data end early");
                var b = data[_position++];
                if (b == 0xFF)
                {
                    // A stuffed zero follows a data byte FF; anything else is a marker inside the data.
                    if (_position < data.Length && data[_position] == 0x00) _position++;
                    else throw new InvalidDataException("a JPEG marker interrupts the entropy-coded data");
                }
                _bits = b;
                _count = 8;
            }
            _count--;
            return (_bits >> _count) & 1;
        }

        public int Bits(int n)
        {
            var v = 0;
            for (var i = 0; i < n; i++) v = (v << 1) | Bit();
            return v;
        }

        // Drops the rest of the byte and steps over an RSTn marker.
        public void Restart()
        {
            _count = 0;
            if (_position + 1 < data.Length && data[_position] == 0xFF && data[_position + 1] is >= 0xD0 and <= 0xD7) _position += 2;
            else throw new InvalidDataException("a JPEG restart marker is missing");
        }
    }

    private static int DecodeDifference(ref BitReader reader, HuffmanTable table)
    {
        var code = reader.Bit();
        var length = 1;
        while (code > table.MaxCode[length])
        {
            code = (code << 1) | reader.Bit();
            if (++length > 16) throw new InvalidDataException("a JPEG Huffman code matches no symbol");
        }
        var category = table.Values[table.ValueOffset[length] + code - table.MinCode[length]];
        if (category == 0) return 0;
        if (category == 16) return 32768;
        if (category > 16) throw new InvalidDataException($"a JPEG difference category of {category}");
        var bits = reader.Bits(category);
        return bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;
    }

    private static byte[] Scan(byte[] data, int position, HuffmanTable table, int precision, int pointTransform, int predictor, int rows, int columns,
        int restartInterval, int bytesPerSample)
    {
        if (restartInterval > 0 && restartInterval % columns != 0)
            throw new InvalidDataException($"the JPEG restart interval ({restartInterval} samples) does not cover whole lines of {columns}");
        var samples = new int[rows * columns];
        var reader = new BitReader(data, position);
        var initial = 1 << (precision - pointTransform - 1);
        const int mask = (1 << 16) - 1;
        for (var r = 0; r < rows; r++)
        {
            // T.81 H.1.2.1: the first line of the scan, and of each restart interval, starts from 2^(P-Pt-1) and predicts from
            // the left; every other line starts from the sample above and uses the scan's predictor.
            var restart = restartInterval > 0 && r > 0 && r * columns % restartInterval == 0;
            if (restart) reader.Restart();
            var firstLine = r == 0 || restart;
            for (var c = 0; c < columns; c++)
            {
                var at = r * columns + c;
                int prediction;
                if (firstLine) prediction = c == 0 ? initial : samples[at - 1];
                else if (c == 0) prediction = samples[at - columns];
                else
                {
                    int a = samples[at - 1], b = samples[at - columns], d = samples[at - columns - 1];
                    prediction = predictor switch
                    {
                        1 => a,
                        2 => b,
                        3 => d,
                        4 => a + b - d,
                        5 => a + ((b - d) >> 1),
                        6 => b + ((a - d) >> 1),
                        _ => (a + b) >> 1,
                    };
                }
                samples[at] = (prediction + DecodeDifference(ref reader, table)) & mask;
            }
        }
        var output = new byte[samples.Length * bytesPerSample];
        for (var p = 0; p < samples.Length; p++)
        {
            var v = samples[p] << pointTransform;
            output[p * bytesPerSample] = (byte)v;
            if (bytesPerSample == 2) output[p * bytesPerSample + 1] = (byte)(v >> 8);
        }
        return output;
    }
}
