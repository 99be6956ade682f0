namespace Pipeline.ImageIO.Nifti;

/// <summary>Byte offsets of the NIfTI-1 and NIfTI-2 header fields (from nifti1.h and nifti2.h).</summary>
internal static class NiftiHeaderLayout
{
    public const int Nifti1HeaderSize = 348;
    public const int Nifti2HeaderSize = 540;

    /// <summary>Header plus the 4-byte extension flag: the smallest data offset in a single file.</summary>
    public const int Nifti1SingleDataOffset = 352;
    public const int Nifti2SingleDataOffset = 544;

    /// <summary>NIfTI-1 field offsets.</summary>
    public static class V1
    {
        public const int SizeofHdr = 0;
        public const int DimInfo = 39;
        public const int Dim = 40;            // int16[8]
        public const int IntentCode = 68;     // int16
        public const int Datatype = 70;       // int16
        public const int Bitpix = 72;         // int16
        public const int Pixdim = 76;         // float32[8]
        public const int VoxOffset = 108;     // float32
        public const int SclSlope = 112;
        public const int SclInter = 116;
        public const int XyztUnits = 123;     // uint8
        public const int CalMax = 124;
        public const int CalMin = 128;
        public const int Descrip = 148;       // char[80]
        public const int AuxFile = 228;       // char[24]
        public const int QformCode = 252;     // int16
        public const int SformCode = 254;     // int16
        public const int QuaternB = 256;      // float32 ×3, then qoffset ×3
        public const int QOffsetX = 268;
        public const int SrowX = 280;         // float32[4] ×3
        public const int IntentName = 328;    // char[16]
        public const int Magic = 344;         // char[4]
    }

    /// <summary>NIfTI-2 field offsets.</summary>
    public static class V2
    {
        public const int SizeofHdr = 0;
        public const int Magic = 4;           // char[8]: "n+2\0" or "ni2\0", then \r\n\x1a\n
        public const int Datatype = 12;       // int16
        public const int Bitpix = 14;         // int16
        public const int Dim = 16;            // int64[8]
        public const int Pixdim = 104;        // float64[8]
        public const int VoxOffset = 168;     // int64
        public const int SclSlope = 176;
        public const int SclInter = 184;
        public const int CalMax = 192;
        public const int CalMin = 200;
        public const int Descrip = 240;       // char[80]
        public const int AuxFile = 320;       // char[24]
        public const int QformCode = 344;     // int32
        public const int SformCode = 348;     // int32
        public const int QuaternB = 352;      // float64 ×3, then qoffset ×3
        public const int QOffsetX = 376;
        public const int SrowX = 400;         // float64[4] ×3
        public const int XyztUnits = 500;     // int32
        public const int IntentCode = 504;    // int32
        public const int IntentName = 508;    // char[16]
    }
}
