namespace Berth.Core.Metadata;

/// <summary>CRC-32 (IEEE 802.3, the zlib polynomial), as the mdata v2 protocol checksums a frame body.</summary>
public static class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>The checksum of an ASCII string, as 8 lowercase hex digits (the form frames carry).</summary>
    public static string Hex(string ascii) =>
        Compute(System.Text.Encoding.ASCII.GetBytes(ascii)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
