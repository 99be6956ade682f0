using System.Collections.Concurrent;
using Pipeline.Imaging;
using static Pipeline.ImageIO.Dicom.PatientVectors;
using static TorchSharp.torch;

namespace Pipeline.ImageIO.Dicom;

/// <summary>
/// Reads a CT or MR series as one volume: the files of a folder (or one file, or those a DICOMDIR lists) are grouped by
/// SeriesInstanceUID, one series is picked by a <see cref="DicomSeriesSelection"/>, and its slices (single-frame images,
/// or the frames of enhanced multi-frame images, placed by their functional groups) are sorted along the normal of
/// ImageOrientationPatient by ImagePositionPatient, with rescale slope and intercept applied. Missing slices, uneven
/// spacing, mixed orientations or sizes are refused naming the files; gantry tilt is refused or resampled.
/// </summary>
/// <remarks>
/// The volume is [1, columns, rows, slices] with voxel (i, j, k) the pixel of column i and row j in the k-th slice, and
/// the affine maps it to RAS millimetres (DICOM's LPS with x and y negated, as nibabel and dcm2niix): the geometry
/// dcm2niix gives the same series. Stored values stay integers (uint16 becomes int32) when slope is 1 and intercept 0
/// throughout; otherwise they become float32. The image's properties carry the <see cref="DicomSourceSeries"/> that a
/// DICOM SEG needs to refer back to the source.
/// </remarks>
public static class DicomSeriesReader
{
    private const double OrientationTolerance = 1e-4;

    /// <summary>The series under <paramref name="path"/> (a folder, searched recursively, or one file), from their headers.</summary>
    /// <exception cref="DicomFormatException">Nothing under the path is a DICOM image.</exception>
    public static IReadOnlyList<DicomSeriesInfo> Scan(string path) => [.. Groups(path).Select(g => g.Info)];

    /// <summary>Reads the series <paramref name="selection"/> picks under <paramref name="path"/> (a folder, a file, or a DICOMDIR); <paramref name="chosen"/> says which.</summary>
    /// <exception cref="DicomFormatException">No series matches, several match under <see cref="DicomSeriesChoice.Only"/>, or the chosen one is not one regular volume; the message says why.</exception>
    public static MedicalImage Read(string path, DicomSeriesSelection? selection, out DicomSeriesInfo chosen, GantryTiltHandling tilt = GantryTiltHandling.Refuse) =>
        Read(path, selection, out chosen, out _, tilt);

    /// <summary>As <see cref="Read(string, DicomSeriesSelection?, out DicomSeriesInfo, GantryTiltHandling)"/>, also giving every series found (what <see cref="Scan"/> gives), from the same header reads.</summary>
    public static MedicalImage Read(string path, DicomSeriesSelection? selection, out DicomSeriesInfo chosen, out IReadOnlyList<DicomSeriesInfo> found,
        GantryTiltHandling tilt = GantryTiltHandling.Refuse)
    {
        selection ??= new DicomSeriesSelection();
        var groups = Groups(path);
        found = [.. groups.Select(g => g.Info)];
        var matching = groups.Where(g => selection.Matches(g.Info)).ToList();
        if (matching.Count == 0)
            throw new DicomFormatException(path, $"no series matches ({selection}); found: {string.Join("; ", groups.Select(g => g.Info))}");
        if (matching.Count > 1 && selection.Choice == DicomSeriesChoice.Only)
            throw new DicomFormatException(path, $"{matching.Count} series match ({selection}): {string.Join("; ", matching.Select(g => g.Info))}; narrow the selection");
        var pick = selection.Choice == DicomSeriesChoice.First
            ? matching.OrderBy(g => g.Info.SeriesNumber ?? long.MaxValue).First()
            : matching.OrderByDescending(g => g.Info.Voxels).ThenBy(g => g.Info.SeriesNumber ?? long.MaxValue).First();
        chosen = pick.Info;
        return Assemble(path, pick.Slices, tilt);
    }

    // The series under path with their slices' headers, by series number (then UID).
    private static List<(DicomSeriesInfo Info, List<Header> Slices)> Groups(string path) =>
        [.. Headers(path).GroupBy(h => h.Series).Select(g => (Info: Info(g.Key, [.. g]), Slices: g.ToList()))
            .OrderBy(g => g.Info.SeriesNumber ?? long.MaxValue).ThenBy(g => g.Info.SeriesInstanceUid, StringComparer.Ordinal)];

    /// <summary>Reads the only series under <paramref name="path"/>, or the largest when there are several.</summary>
    public static MedicalImage Read(string path) => Read(path, null, out _);

    private sealed record Header(string File, string Series, DicomFile Dicom);

    private static List<Header> Headers(string path)
    {
        string[] files;
        if (File.Exists(path)) files = DicomDirectory.IsDicomDir(path) ? [.. DicomDirectory.Files(path)] : [path];
        else if (Directory.Exists(path))
            files = [.. Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !DicomDirectory.IsDicomDir(f)).Order(StringComparer.Ordinal)];
        else throw new FileNotFoundException($"{path}: no such file or folder", path);

        var headers = new ConcurrentBag<Header>();
        ForEach(files.Length, index =>
        {
            var file = files[index];
            // In a folder, files that are not DICOM images (notes, the NIfTI made from them) are passed over.
            if (files.Length > 1 && !DicomParser.LooksLikeDicom(file)) return;
            DicomFile dicom;
            try
            {
                dicom = DicomParser.Read(file, stopAtPixelData: true);
            }
            catch (DicomFormatException) when (files.Length > 1)
            {
                return;
            }
            if (!dicom.Dataset.Contains(DicomTags.Rows)) return;
            headers.Add(new Header(file, dicom.Dataset.GetString(DicomTags.SeriesInstanceUid) ?? "(no SeriesInstanceUID)", dicom));
        });
        if (headers.IsEmpty) throw new DicomFormatException(path, files.Length == 1 ? "the file is not a DICOM image" : "no DICOM image files were found");
        return [.. headers.OrderBy(h => h.File, StringComparer.Ordinal)];
    }

    private static DicomSeriesInfo Info(string series, List<Header> slices)
    {
        var first = slices[0].Dicom.Dataset;
        var voxels = slices.Sum(s => (s.Dicom.Dataset.GetInteger(DicomTags.Rows) ?? 0) * (s.Dicom.Dataset.GetInteger(DicomTags.Columns) ?? 0) *
            Math.Max(1, s.Dicom.Dataset.GetInteger(DicomTags.NumberOfFrames) ?? 1));
        return new DicomSeriesInfo(series, first.GetString(DicomTags.Modality), first.GetString(DicomTags.SeriesDescription),
            first.GetInteger(DicomTags.SeriesNumber), [.. slices.Select(s => s.File)], voxels);
    }

    private sealed record Slice(DicomPlane Plane, double[] Position, double Distance);

    // The DICOM attributes of the patient and study modules that derived objects copy, with their VRs (an implicit-VR source leaves them unknown).
    private static readonly (DicomTag Tag, string Vr)[] PatientAndStudyAttributes =
    [
        (DicomTags.SpecificCharacterSet, "CS"), (DicomTags.PatientName, "PN"), (DicomTags.PatientId, "LO"), (DicomTags.PatientBirthDate, "DA"), (DicomTags.PatientSex, "CS"),
        (DicomTags.StudyInstanceUid, "UI"), (DicomTags.StudyDate, "DA"), (DicomTags.StudyTime, "TM"), (DicomTags.ReferringPhysicianName, "PN"),
        (DicomTags.StudyId, "SH"), (DicomTags.AccessionNumber, "SH"), (DicomTags.StudyDescription, "LO"),
    ];

    private static MedicalImage Assemble(string path, List<Header> headers, GantryTiltHandling tilt)
    {
        var planes = headers.SelectMany(h => DicomPlane.Of(h.File, h.Dicom.Dataset)).ToList();
        var first = planes[0].Header;
        var rows = (int)(first.GetInteger(DicomTags.Rows) ?? 0);
        var columns = (int)(first.GetInteger(DicomTags.Columns) ?? 0);
        // A lone image without patient geometry (a secondary capture, say) is placed axis-aligned at the origin, as dcm2niix does.
        var placed = planes.Count > 1 || planes[0].Attributes.Contains(DicomTags.ImageOrientationPatient);
        var orientation = placed ? Orientation(planes[0]) : [1.0, 0, 0, 0, 1, 0];
        foreach (var plane in planes)
        {
            var ds = plane.Header;
            if (ds.GetInteger(DicomTags.Rows) != rows || ds.GetInteger(DicomTags.Columns) != columns)
                throw plane.Fail($"the slice is {ds.GetInteger(DicomTags.Rows)}x{ds.GetInteger(DicomTags.Columns)}, the series' first {rows}x{columns}");
            if (!placed) continue;
            var other = Orientation(plane);
            if (other.Zip(orientation).Any(p => Math.Abs(p.First - p.Second) > OrientationTolerance))
                throw plane.Fail($"the slice's orientation [{Format(other)}] differs from the series' first [{Format(orientation)}]; mixed orientations are not one volume");
        }
        double[] rowDirection = orientation[..3], columnDirection = orientation[3..];
        var normal = Cross(rowDirection, columnDirection);
        var slices = planes.Select(p => placed ? Position(p) : [0.0, 0, 0]).Select((p, i) => new Slice(planes[i], p, Dot(p, normal))).OrderBy(s => s.Distance).ToList();
        var spacing = placed || planes[0].Attributes.Contains(DicomTags.PixelSpacing) ? PixelSpacing(planes[0]) : (Row: 1.0, Column: 1.0);
        var thickness = Optional(planes[0], DicomTags.SliceThickness, 0.0);

        double[] sliceStep;
        (double Columns, double Rows) shear = (0, 0);
        if (slices.Count == 1)
            sliceStep = [.. normal.Select(v => v * (thickness > 0 ? thickness : 1.0))];
        else
        {
            var gaps = slices.Zip(slices.Skip(1), (a, b) => b.Distance - a.Distance).ToArray();
            var median = gaps.Order().ElementAt(gaps.Length / 2);
            for (var g = 0; g < gaps.Length; g++)
            {
                if (gaps[g] < 1e-3)
                    throw slices[g + 1].Plane.Fail($"two slices lie at the same position ({Name(slices[g].Plane)} too); the folder may hold two acquisitions " +
                        "(or the image several stacks or time points) of one series");
                if (gaps[g] > 1.5 * median)
                    throw new DicomFormatException(path, $"a slice is missing between {Name(slices[g].Plane)} and {Name(slices[g + 1].Plane)} " +
                        $"({gaps[g]:0.###} mm apart where the series' spacing is {median:0.###} mm)");
                if (Math.Abs(gaps[g] - median) > Math.Max(1e-3, 1e-3 * median) + 0.01 * median)
                    throw new DicomFormatException(path, $"the slice spacing is not uniform: {gaps[g]:0.###} mm between {Name(slices[g].Plane)} " +
                        $"and {Name(slices[g + 1].Plane)}, {median:0.###} mm elsewhere");
            }
            var span = Subtract(slices[^1].Position, slices[0].Position);
            sliceStep = [.. span.Select(v => v / (slices.Count - 1))];
            var degrees = Math.Acos(Math.Min(1, Math.Abs(Dot(span, normal)) / Norm(span))) * 180 / Math.PI;
            if (degrees > 0.05)
            {
                if (tilt == GantryTiltHandling.Refuse)
                    throw new DicomFormatException(path, $"the slices are sheared by {degrees:0.##}° from the normal of their orientation (gantry tilt); " +
                        "set the loader's gantry_tilt to \"resample\" to shift them onto an orthogonal grid");
                // Each slice is shifted in its plane by k times the in-plane part of the step; the grid then steps along the normal.
                var along = Dot(sliceStep, normal);
                var inPlane = Subtract(sliceStep, [.. normal.Select(v => v * along)]);
                shear = (Dot(inPlane, rowDirection) / spacing.Column, Dot(inPlane, columnDirection) / spacing.Row);
                sliceStep = [.. normal.Select(v => v * along)];
            }
        }

        var resampled = shear != (0, 0);
        var grid = resampled ? GantryTiltResampling.Cover(columns, rows, slices.Count, shear.Columns, shear.Rows) : new GantryTiltResampling.Grid(columns, rows, 0, 0);
        // A resampled grid starts where the slice that reaches furthest begins: the first slice's origin moved by the grid's offsets.
        double[] origin = [.. slices[0].Position.Select((p, r) => p + grid.ColumnOffset * rowDirection[r] * spacing.Column + grid.RowOffset * columnDirection[r] * spacing.Row)];
        var affine = DicomVolumeAffine.Of(rowDirection, columnDirection, spacing, sliceStep, origin);

        var rescale = slices.Select(s => (Slope: Optional(s.Plane, DicomTags.RescaleSlope, 1.0), Intercept: Optional(s.Plane, DicomTags.RescaleIntercept, 0.0))).ToArray();
        var integral = !resampled && rescale.All(r => r.Slope == 1 && r.Intercept == 0);
        var n = slices.Count;
        if ((long)rows * columns * n > Array.MaxLength)
            throw new DicomFormatException(path, $"{n} slices of {rows}x{columns} are more voxels than one volume may hold");
        var values = new float[(long)rows * columns * n];
        var raw = integral ? new int[(long)rows * columns * n] : null;
        // Each file is parsed once, its frames decoded from that parse.
        var byFile = Enumerable.Range(0, n).GroupBy(k => slices[k].Plane.File).ToArray();
        var headerOf = headers.ToDictionary(h => h.File, h => h.Dicom);
        ForEach(byFile.Length, index =>
        {
            var file = byFile[index].Key;
            DicomFile dicom;
            try
            {
                dicom = DicomParser.WithPixelData(file, headerOf[file]);
                foreach (var k in byFile[index]) Store(k, DicomPixels.Frame(dicom, slices[k].Plane.Frame, slices[k].Plane.Frames));
            }
            catch (InvalidDataException e)
            {
                throw new DicomFormatException(file, e.Message);
            }
        });

        void Store(int k, int[] frame)
        {
            var (slope, intercept) = rescale[k];
            // Voxel (i, j, k) is column i, row j of slice k: [columns, rows, slices] in C order.
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < columns; c++)
                {
                    var target = ((long)c * rows + r) * n + k;
                    var v = frame[r * columns + c];
                    if (raw is not null) raw[target] = v;
                    else values[target] = (float)(v * slope + intercept);
                }
        }

        if (resampled) values = GantryTiltResampling.Unshear(values, columns, rows, n, shear.Columns, shear.Rows, grid);

        long[] shape = [1, grid.Columns, grid.Rows, n];
        Tensor data;
        if (raw is null) data = tensor(values, shape);
        else
        {
            var bits = first.GetInteger(DicomTags.BitsAllocated) ?? 16;
            var signed = first.GetInteger(DicomTags.PixelRepresentation) == 1;
            using var wide = tensor(raw, shape);
            data = wide.to_type(bits == 8 && !signed ? ScalarType.Byte : bits == 8 ? ScalarType.Int8 : signed ? ScalarType.Int16 : ScalarType.Int32);
        }
        var source = Source(slices, orientation, spacing, Math.Abs(Dot(sliceStep, normal)), thickness, resampled ? (origin, sliceStep) : null);
        var properties = new ImageProperties
        {
            SourceFiles = [.. slices.Select(s => s.Plane.File).Distinct()],
            OriginalAffine = affine,
            OriginalSpatialShape = shape[1..],
            Extra = new Dictionary<string, object> { [DicomSourceSeries.PropertyKey] = source },
        };
        return new MedicalImage(data, affine, properties);
    }

    // The references a derived object needs; positions are the slices' own, or where resampling put them (origin + k·step).
    private static DicomSourceSeries Source(List<Slice> slices, double[] orientation, (double Row, double Column) spacing, double sliceSpacing, double thickness,
        (double[] Origin, double[] Step)? resampled)
    {
        var header = slices[0].Plane.Header;
        var patientAndStudy = new DicomDataset(littleEndian: true);
        foreach (var (tag, vr) in PatientAndStudyAttributes)
            if (header.Get(tag) is { } element) patientAndStudy.Set(tag, element with { Vr = vr });
        var images = slices.Select((s, k) => new DicomSourceImage(
            s.Plane.Header.GetString(DicomTags.SopClassUid) ?? "", s.Plane.Header.GetString(DicomTags.SopInstanceUid) ?? "",
            s.Plane.Frames > 1 ? s.Plane.Frame + 1 : null,
            resampled is not { } grid ? s.Position : [.. grid.Origin.Select((p, r) => p + k * grid.Step[r])])).ToList();
        return new DicomSourceSeries(patientAndStudy, header.GetString(DicomTags.StudyInstanceUid) ?? "", header.GetString(DicomTags.SeriesInstanceUid) ?? "",
            header.GetString(DicomTags.FrameOfReferenceUid), orientation, spacing, sliceSpacing > 0 ? sliceSpacing : thickness > 0 ? thickness : 1.0,
            thickness > 0 ? thickness : sliceSpacing > 0 ? sliceSpacing : 1.0, images);
    }

    private static string Name(DicomPlane plane) =>
        plane.Frames > 1 ? $"{Path.GetFileName(plane.File)} frame {plane.Frame + 1}" : Path.GetFileName(plane.File);

    private static double[] Orientation(DicomPlane plane)
    {
        var values = plane.Decimals(DicomTags.ImageOrientationPatient, 6);
        var row = values[..3];
        var column = values[3..];
        if (Math.Abs(Norm(row) - 1) > 1e-2 || Math.Abs(Norm(column) - 1) > 1e-2 || Math.Abs(Dot(row, column)) > 1e-2)
            throw plane.Fail($"ImageOrientationPatient [{Format(values)}] is not two orthogonal unit vectors");
        return values;
    }

    // Runs body for 0..count-1 in parallel; a file's format error comes out as itself, the same file named whichever thread failed first.
    private static void ForEach(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is DicomFormatException))
        {
            throw e.InnerExceptions.Cast<DicomFormatException>().OrderBy(x => x.Path, StringComparer.Ordinal).First();
        }
    }

    // A single optional number (e.g. RescaleSlope), or the default when absent.
    private static double Optional(DicomPlane plane, DicomTag tag, double absent)
    {
        var attributes = plane.Attributes;
        try
        {
            return attributes.GetDecimals(tag) is [var value, ..] && double.IsFinite(value) ? value
                : attributes.GetString(tag) is { } text ? throw plane.Fail($"{tag} holds '{text}', which is not a finite number")
                : absent;
        }
        catch (FormatException)
        {
            throw plane.Fail($"{tag} holds '{attributes.GetString(tag)}', which is not a number");
        }
    }

    private static double[] Position(DicomPlane plane) => plane.Decimals(DicomTags.ImagePositionPatient, 3);

    private static (double Row, double Column) PixelSpacing(DicomPlane plane)
    {
        var values = plane.Decimals(DicomTags.PixelSpacing, 2);
        if (values.Any(v => !(v > 0)))
            throw plane.Fail($"PixelSpacing [{Format(values)}] is not two positive sizes");
        return (values[0], values[1]);
    }

    private static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)));
}
