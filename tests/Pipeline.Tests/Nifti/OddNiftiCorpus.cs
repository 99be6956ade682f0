using System.Buffers.Binary;
using System.IO.Compression;

namespace Pipeline.Tests.Nifti;

/// <summary>
/// Odd and corrupt NIfTI files derived from one small valid image (<see cref="OddNiftiBuilder"/>): what nibabel reads
/// must read, as the same voxels; everything else must be refused with a plain message naming the file.
/// </summary>
internal static class OddNiftiCorpus
{
    public static IReadOnlyList<OddNiftiCase> All { get; } = [.. OddButValid(), .. Corrupt(), .. Unsupported()];

    private static IEnumerable<OddNiftiCase> OddButValid()
    {
        yield return Reads("base", _ => { });
        yield return Reads("base_gzip", _ => { }, gzip: true);
        yield return Reads("big_endian", b => b.BigEndian = true);
        yield return Reads("big_endian_gzip", b => b.BigEndian = true, gzip: true);
        yield return Reads("nifti2", b => b.Version = 2);
        yield return Reads("nifti2_big_endian_gzip", b => (b.Version, b.BigEndian) = (2, true), gzip: true);
        yield return Reads("nifti2_zero_line_endings", b => (b.Version, b.Nifti2LineEndings) = (2, [0, 0, 0, 0]));
        yield return Reads("nifti2_rank7_unit_dims", b => (b.Version, b.Dim) = (2, [7, 6, 5, 4, 1, 1, 1, 1]));
        yield return Reads("qform_only", b => b.SformCode = 0);
        yield return Reads("pixdim_only", b => (b.SformCode, b.QformCode) = (0, 0));
        yield return Reads("qfac_minus_one", b => (b.SformCode, b.Pixdim[0]) = (0, -1));
        yield return Reads("qfac_zero", b => (b.SformCode, b.Pixdim[0]) = (0, 0));
        yield return Reads("zero_pixdim_qform", b => (b.SformCode, b.Pixdim) = (0, [1, 0, 0, 0, 1, 1, 1, 1]));
        yield return Reads("zero_pixdim_no_xform", b => (b.SformCode, b.QformCode, b.Pixdim) = (0, 0, [1, 0, 0, 0, 0, 0, 0, 0]));
        yield return Reads("negative_pixdim_no_xform", b => (b.SformCode, b.QformCode, b.Pixdim) = (0, 0, [-1, -2, -3, -4, 1, 1, 1, 1]));
        yield return Reads("tiny_pixdim_no_xform", b => (b.SformCode, b.QformCode, b.Pixdim[1]) = (0, 0, 1e-30));
        yield return Reads("nan_pixdim_under_sform", b => b.Pixdim = [double.NaN, double.NaN, double.NaN, double.NaN, 1, 1, 1, 1]);
        yield return Reads("nan_srows_unused", b => (b.SformCode, b.SRows) = (0, Enumerable.Repeat(double.NaN, 12).ToArray()));
        yield return Reads("rotated_qform", b => (b.SformCode, b.Quaternion) = (0, [0.5, 0.5, 0.5]));
        yield return Reads("quaternion_rounding_above_one", b => (b.SformCode, b.Quaternion) = (0, [1.0000001, 0, 0]));
        yield return Reads("sheared_sform", b => b.SRows = [2, 1, 0, 10, 0, 3, 1, -20, 0, 0, 4, 30]);
        yield return Reads("sform_code_7_falls_back", b => (b.SformCode, b.SRows) = (7, new double[12]));
        yield return Reads("negative_xform_codes", b => (b.SformCode, b.QformCode) = (-3, -1));
        yield return Reads("nan_scl_slope", b => b.SclSlope = double.NaN);
        yield return Reads("zero_scl_slope", b => (b.SclSlope, b.SclInter) = (0, 5));
        yield return Reads("infinite_scl_slope", b => b.SclSlope = double.PositiveInfinity);
        yield return Reads("scaled", b => (b.SclSlope, b.SclInter) = (2, 1), values: v => 2 * v + 1);
        yield return Reads("vox_offset_zero", b => b.VoxOffset = 0);
        yield return Reads("vox_offset_inside_header", b => b.VoxOffset = 100);
        yield return Reads("vox_offset_unaligned", b => b.VoxOffset = 353);
        yield return Reads("vox_offset_padded", b => b.VoxOffset = 1000);
        yield return Reads("extension", b => (b.ExtensionFlag, b.Extensions) = ([1, 0, 0, 0], Extension(32, 6, 24)));
        yield return Reads("extension_esize_not_multiple_of_16", b => (b.ExtensionFlag, b.Extensions) = ([1, 0, 0, 0], Extension(13, 6, 8)));
        yield return Reads("extension_esize_zero", b => (b.ExtensionFlag, b.Extensions) = ([1, 0, 0, 0], Extension(0, 6, 8)));
        yield return Reads("extension_esize_beyond_file", b => (b.ExtensionFlag, b.Extensions) = ([1, 0, 0, 0], Extension(1 << 30, 6, 8)));
        yield return Reads("extension_flag_without_extension", b => b.ExtensionFlag = [1, 0, 0, 0]);
        yield return Reads("rank4_unit_time", b => b.Dim = [4, 6, 5, 4, 1, 1, 1, 1]);
        yield return Reads("dims_beyond_rank_are_junk", b => b.Dim = [3, 6, 5, 4, -5, 0, 30000, 7]);
        yield return Reads("bitpix_mismatch", b => b.Bitpix = 8);
        yield return Reads("bitpix_zero", b => b.Bitpix = 0);
        yield return Reads("magic_ni1_in_single_file", b => b.Magic = "ni1");
        yield return Reads("sizeof_hdr_349", b => b.SizeofHdr = 349, warning: "sizeof_hdr is 349");
        yield return Reads("sizeof_hdr_zero_big_endian", b => (b.SizeofHdr, b.BigEndian) = (0, true), warning: "sizeof_hdr is 0");
        yield return Reads("bytes_after_data", b => b.Data = [.. b.VoxelBytes(), .. new byte[100]]);
        yield return ReadsBytes("gzip_bytes_after_data", ".nii.gz", () => GzipMember.Of([.. Base(), .. new byte[100]]));
        yield return ReadsBytes("gzip_header_and_data_members", ".nii.gz", () => [.. GzipMember.Of(Base()[..352]), .. GzipMember.Of(Base()[352..])]);
        yield return ReadsBytes("gzip_data_in_three_members", ".nii.gz", () => GzipMember.Split(Base(), 352, 400, 517));
        yield return ReadsBytes("gzip_member_every_37_bytes", ".nii.gz", () => GzipMember.Split(Base(), Enumerable.Range(1, Base().Length / 37).Select(n => n * 37).ToArray()));
        yield return ReadsBytes("gzip_empty_members", ".nii.gz", () => GzipMember.Split(Base(), 0, 0, 348, 348, 352, Base().Length, Base().Length));
        yield return ReadsBytes("gzip_stored_blocks", ".nii.gz", () => GzipMember.Of(Base(), level: CompressionLevel.NoCompression));
        yield return ReadsBytes("gzip_fname", ".nii.gz", () => GzipMember.Of(Base(), GzipMember.Fields.Name));
        yield return ReadsBytes("gzip_fextra_fcomment_fhcrc", ".nii.gz",
            () => GzipMember.Of(Base(), GzipMember.Fields.Extra | GzipMember.Fields.Comment | GzipMember.Fields.HeaderCrc));
        yield return ReadsBytes("gzip_all_header_fields_two_members", ".nii.gz", () =>
        [
            .. GzipMember.Of(Base()[..400], GzipMember.Fields.Name | GzipMember.Fields.Extra),
            .. GzipMember.Of(Base()[400..], GzipMember.Fields.Comment | GzipMember.Fields.HeaderCrc | GzipMember.Fields.Name),
        ]);
        yield return ReadsBytes("gzip_trailing_zeros", ".nii.gz", () => [.. GzipMember.Of(Base()), .. new byte[512]], warning: "512 trailing bytes");
        yield return ReadsBytes("gzip_trailing_garbage", ".nii.gz", () => [.. GzipMember.Of(Base()), .. Garbage(37)], warning: "37 trailing bytes");
        yield return ReadsBytes("gzip_trailing_single_byte", ".nii.gz", () => [.. GzipMember.Of(Base()), 0x1f], warning: "1 trailing bytes");
        yield return ReadsBytes("gzip_trailing_fake_member", ".nii.gz", () => [.. GzipMember.Of(Base()), 0x1f, 0x8b, 8, 0, .. Garbage(30)],
            warning: "not a complete gzip member");
        yield return ReadsBytes("gzip_trailing_half_copy", ".nii.gz", () => [.. GzipMember.Of(Base()), .. GzipMember.Of(Base())[..200]],
            warning: "not a complete gzip member");
        yield return ReadsBytes("gzip_named_nii", ".nii", () => GzipMember.Of(Base()));
        yield return ReadsBytes("plain_named_nii_gz", ".nii.gz", Base);
        yield return ReadsBytes("upper_case_name", ".NII", Base);
        yield return Pair("pair", _ => { }, ".hdr");
        yield return Pair("pair_opened_by_img", _ => { }, ".img");
        yield return Pair("pair_nifti2_big_endian", b => (b.Version, b.BigEndian) = (2, true), ".hdr");
        yield return Pair("pair_gzipped_image", _ => { }, ".hdr", gzipImage: true);
    }

    private static IEnumerable<OddNiftiCase> Corrupt()
    {
        yield return CorruptBytes("empty", ".nii", () => [], "too short");
        yield return CorruptBytes("empty_gzip_name", ".nii.gz", () => [], "too short");
        yield return CorruptBytes("three_bytes", ".nii", () => Base()[..3], "too short");
        foreach (var cut in new[] { 100, 347, 348, 352, 453, Base().Length - 1 })
            yield return CorruptBytes($"cut_at_{cut}", ".nii", () => Base()[..cut], "truncated");
        yield return CorruptBytes("nifti2_cut_in_header", ".nii", () => Nifti2()[..300], "truncated");
        yield return CorruptBytes("big_endian_cut_in_data", ".nii", () => new OddNiftiBuilder { BigEndian = true }.SingleFile()[..400], "truncated");
        yield return CorruptBytes("cut_in_extension", ".nii",
            () => new OddNiftiBuilder { ExtensionFlag = [1, 0, 0, 0], Extensions = Extension(32, 6, 24) }.SingleFile()[..370], "truncated");
        foreach (var (name, cut) in new (string, Func<byte[], int>)[]
                 {
                     ("gzip_cut_in_member_header", g => 5), ("gzip_cut_after_19_bytes", g => 19), ("gzip_cut_in_deflate_data", g => g.Length / 2),
                     ("gzip_cut_before_trailer", g => g.Length - 8), ("gzip_cut_in_trailer", g => g.Length - 3), ("gzip_cut_last_byte", g => g.Length - 1),
                 })
            yield return CorruptBytes(name, ".nii.gz", () => GzipMember.Of(Base())[..cut(GzipMember.Of(Base()))], "truncated");
        yield return CorruptBytes("gzip_second_member_cut", ".nii.gz", () => GzipMember.Split(Base(), 352)[..^20], "truncated");
        yield return CorruptBytes("gzip_data_member_missing", ".nii.gz", () => GzipMember.Of(Base()[..352]), "truncated");
        yield return CorruptBytes("gzip_bad_crc", ".nii.gz", () => Damage(GzipMember.Of(Base()), ^8), "CRC-32");
        yield return CorruptBytes("gzip_bad_isize", ".nii.gz", () => Damage(GzipMember.Of(Base()), ^2), "CRC-32");
        yield return CorruptBytes("gzip_flipped_deflate_byte", ".nii.gz", () => Damage(GzipMember.Of(Base()), 40), "corrupt");
        yield return CorruptBytes("gzip_compression_method_9", ".nii.gz", () => { var g = GzipMember.Of(Base()); g[2] = 9; return g; }, "compression method 9");
        yield return CorruptBytes("gzip_magic_then_random", ".nii.gz", () => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, .. Garbage(500)], "gzip");
        yield return CorruptBytes("random_bytes", ".nii", () => Garbage(1000), "sizeof_hdr");
        yield return Corrupt("sizeof_hdr_349_and_wrong_magic", b => (b.SizeofHdr, b.Magic) = (349, "n+9"), "sizeof_hdr is 349");
        yield return Corrupt("nifti2_sizeof_hdr_541", b => (b.Version, b.SizeofHdr) = (2, 541), "sizeof_hdr is 541");
        yield return Corrupt("nifti2_text_mode_line_endings", b => (b.Version, b.Nifti2LineEndings) = (2, [13, 13, 10, 26]), "line-ending");
        yield return Corrupt("wrong_magic", b => b.Magic = "abc", "magic");
        yield return Corrupt("analyze_magic", b => b.Magic = "\0\0\0\0", "Analyze");
        yield return Corrupt("vox_offset_beyond_end", b => b.VoxOffset = 1e7, "truncated");
        yield return Corrupt("vox_offset_beyond_end_gzip", b => b.VoxOffset = 1e7, "truncated", gzip: true);
        yield return Corrupt("vox_offset_huge", b => b.VoxOffset = 1e30, "vox_offset");
        yield return Corrupt("vox_offset_nan", b => b.VoxOffset = double.NaN, "vox_offset");
        yield return Corrupt("vox_offset_negative", b => b.VoxOffset = -1, "vox_offset");
        yield return Corrupt("nifti2_100000_cubed", b => (b.Version, b.Dim) = (2, [3, 100_000, 100_000, 100_000, 1, 1, 1, 1]), "limit");
        yield return Corrupt("nifti1_32767_cubed", b => b.Dim = [3, 32767, 32767, 32767, 1, 1, 1, 1], "limit");
        yield return Corrupt("nifti2_dim_product_overflow", b => (b.Version, b.Dim) = (2, [3, 1L << 31, 1L << 31, 1L << 31, 1, 1, 1, 1]), "absurd");
        yield return Corrupt("nifti2_dim_over_long_range", b => (b.Version, b.Dim) = (2, [4, long.MaxValue, long.MaxValue, 2, 2, 1, 1, 1]), "absurd");
        yield return Corrupt("dims_larger_than_data", b => b.Dim = [3, 6, 5, 40, 1, 1, 1, 1], "truncated");
        yield return Corrupt("dims_larger_than_data_gzip", b => b.Dim = [3, 6, 5, 40, 1, 1, 1, 1], "truncated", gzip: true);
        yield return Corrupt("negative_dim", b => b.Dim[2] = -5, "dim[2] = -5");
        yield return Corrupt("zero_dim", b => b.Dim[1] = 0, "dim[1] = 0");
        yield return Corrupt("rank_zero", b => b.Dim[0] = 0, "dim[0] = 0");
        yield return Corrupt("rank_eight", b => b.Dim[0] = 8, "dim[0] = 8");
        yield return Corrupt("rank_negative", b => b.Dim[0] = -1, "dim[0] = -1");
        yield return Corrupt("datatype_zero", b => b.DataType = 0, "datatype 0");
        yield return Corrupt("datatype_9999", b => b.DataType = 9999, "datatype 9999");
        yield return Corrupt("nan_pixdim_qform", b => (b.SformCode, b.Pixdim[1]) = (0, double.NaN), "non-finite");
        yield return Corrupt("infinite_pixdim_no_xform", b => (b.SformCode, b.QformCode, b.Pixdim[2]) = (0, 0, double.PositiveInfinity), "non-finite");
        yield return Corrupt("nan_sform", b => b.SRows[5] = double.NaN, "non-finite");
        yield return Corrupt("infinite_sform_offset", b => b.SRows[3] = double.NegativeInfinity, "non-finite");
        yield return Corrupt("zero_sform", b => b.SRows = new double[12], "singular");
        yield return Corrupt("nifti2_zero_sform", b => (b.Version, b.SRows) = (2, new double[12]), "singular");
        yield return Corrupt("sform_parallel_columns", b => b.SRows = [2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0], "singular");
        yield return Corrupt("sform_nearly_parallel_columns", b => b.SRows = [1, 1, 0, 0, 0, 1e-9, 0, 0, 0, 0, 1, 0], "singular");
        yield return Corrupt("nan_qoffset", b => (b.SformCode, b.QOffset[0]) = (0, double.NaN), "non-finite");
        yield return Corrupt("nan_quaternion", b => (b.SformCode, b.Quaternion[1]) = (0, double.NaN), "quaternion");
        yield return Corrupt("quaternion_out_of_range", b => (b.SformCode, b.Quaternion) = (0, [0.9, 0.9, 0]), "quaternion");
        yield return Corrupt("infinite_scl_inter", b => (b.SclSlope, b.SclInter) = (2, double.PositiveInfinity), "scl_inter");
        yield return new OddNiftiCase("folder_named_nii", OddNiftiVerdict.Corrupt, dir => Directory.CreateDirectory(Path.Combine(dir, "folder_named_nii.nii")).FullName,
            Problem: "folder");
        yield return new OddNiftiCase("missing_file", OddNiftiVerdict.Corrupt, dir => Path.Combine(dir, "missing_file.nii"), Problem: "does not exist");
        yield return new OddNiftiCase("hdr_without_img", OddNiftiVerdict.Corrupt, dir => WriteFile(dir, "hdr_without_img.hdr", new OddNiftiBuilder().PairHeader()),
            Problem: "partner");
        yield return new OddNiftiCase("img_without_hdr", OddNiftiVerdict.Corrupt, dir => WriteFile(dir, "img_without_hdr.img", new OddNiftiBuilder().PairImage()),
            Problem: "partner");
        yield return new OddNiftiCase("pair_short_img", OddNiftiVerdict.Corrupt, dir =>
        {
            WriteFile(dir, "pair_short_img.img", new OddNiftiBuilder().PairImage()[..100]);
            return WriteFile(dir, "pair_short_img.hdr", new OddNiftiBuilder().PairHeader());
        }, Problem: "truncated", Names: "pair_short_img.img");
        yield return new OddNiftiCase("pair_empty_hdr", OddNiftiVerdict.Corrupt, dir =>
        {
            WriteFile(dir, "pair_empty_hdr.img", new OddNiftiBuilder().PairImage());
            return WriteFile(dir, "pair_empty_hdr.hdr", []);
        }, Problem: "too short");
    }

    /// <summary>Well-formed files nibabel reads that this library refuses by design: no 1-D images, no RGB or complex voxels.</summary>
    private static IEnumerable<OddNiftiCase> Unsupported()
    {
        yield return Unsupported("one_dimensional", b => b.Dim = [1, 120, 1, 1, 1, 1, 1, 1], "not an image");
        yield return Unsupported("rgb24", b => (b.DataType, b.Bitpix, b.Dim) = (128, 24, [3, 4, 5, 4, 1, 1, 1, 1]), "datatype 128 is not supported");
        yield return Unsupported("complex64", b => (b.DataType, b.Bitpix, b.Dim) = (32, 64, [3, 3, 5, 2, 1, 1, 1, 1]), "datatype 32 is not supported");
    }

    private static OddNiftiCase Reads(string name, Action<OddNiftiBuilder> edit, bool gzip = false, Func<double, double>? values = null, string? warning = null) =>
        new(name, OddNiftiVerdict.Reads, dir => WriteSingle(dir, name, edit, gzip), Warning: warning, Values: values);

    private static OddNiftiCase ReadsBytes(string name, string extension, Func<byte[]> bytes, string? warning = null) =>
        new(name, OddNiftiVerdict.Reads, dir => WriteFile(dir, name + extension, bytes()), Warning: warning);

    private static OddNiftiCase Corrupt(string name, Action<OddNiftiBuilder> edit, string problem, bool gzip = false) =>
        new(name, OddNiftiVerdict.Corrupt, dir => WriteSingle(dir, name, edit, gzip), Problem: problem);

    private static OddNiftiCase CorruptBytes(string name, string extension, Func<byte[]> bytes, string problem) =>
        new(name, OddNiftiVerdict.Corrupt, dir => WriteFile(dir, name + extension, bytes()), Problem: problem);

    private static OddNiftiCase Unsupported(string name, Action<OddNiftiBuilder> edit, string problem) =>
        new(name, OddNiftiVerdict.Unsupported, dir => WriteSingle(dir, name, edit, gzip: false), Problem: problem);

    private static OddNiftiCase Pair(string name, Action<OddNiftiBuilder> edit, string open, bool gzipImage = false) =>
        new(name, OddNiftiVerdict.Reads, dir =>
        {
            var builder = new OddNiftiBuilder();
            edit(builder);
            var header = WriteFile(dir, name + ".hdr", builder.PairHeader());
            var image = gzipImage
                ? WriteFile(dir, name + ".img.gz", GzipMember.Of(builder.PairImage()))
                : WriteFile(dir, name + ".img", builder.PairImage());
            return open == ".hdr" ? header : image;
        });

    private static string WriteSingle(string dir, string name, Action<OddNiftiBuilder> edit, bool gzip)
    {
        var builder = new OddNiftiBuilder();
        edit(builder);
        var bytes = builder.SingleFile();
        return WriteFile(dir, name + (gzip ? ".nii.gz" : ".nii"), gzip ? GzipMember.Of(bytes) : bytes);
    }

    private static string WriteFile(string dir, string fileName, byte[] bytes)
    {
        var path = Path.Combine(dir, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Base() => new OddNiftiBuilder().SingleFile();

    private static byte[] Nifti2() => new OddNiftiBuilder { Version = 2 }.SingleFile();

    /// <summary>One header extension: esize and ecode as stored (little-endian), then <paramref name="contentBytes"/> bytes of text.</summary>
    private static byte[] Extension(int esize, int ecode, int contentBytes)
    {
        var bytes = new byte[8 + contentBytes];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, esize);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), ecode);
        for (var i = 0; i < contentBytes; i++) bytes[8 + i] = (byte)('a' + i % 26);
        return bytes;
    }

    private static byte[] Damage(byte[] bytes, Index at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x5a;
        return copy;
    }

    /// <summary>Deterministic bytes that do not start a gzip member.</summary>
    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        if (bytes[0] is 0x1f or 0) bytes[0] = 0x42;
        return bytes;
    }
}
