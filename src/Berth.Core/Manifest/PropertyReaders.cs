using System.Globalization;
using System.Text.Json;
using static Berth.Core.Manifests.ValidationErrors;

namespace Berth.Core.Manifests;

/// <summary>One reader per <see cref="PropertyType"/>: checks the JSON shape and range, returns the normalized value.</summary>
/// <remarks>A reader returns null after adding its errors. Values: string, long, bool, List, Dictionary.</remarks>
internal static partial class PropertyReaders
{
    public static object? Read(PropertyDef def, JsonElement value, string path, ValidationErrors errors) => def.Type switch
    {
        PropertyType.String => ReadString(value, path, errors),
        PropertyType.Integer => ReadInteger(def, value, path, errors),
        PropertyType.Boolean => ReadBoolean(value, path, errors),
        PropertyType.Uuid => ReadText(value, path, errors, TryUuid, "a UUID"),
        PropertyType.Hostname => ReadText(value, path, errors, TryHostname, "a valid hostname label (RFC 1123: letters, digits and '-', at most 63)"),
        PropertyType.Name => ReadText(value, path, errors, TryName, "a valid name (letters, digits, '_', '-', '.', at most 64)"),
        PropertyType.Choice => ReadChoice(def, value, path, errors),
        PropertyType.Ipv4 => ReadText(value, path, errors, TryIpv4, "an IPv4 address"),
        PropertyType.Netmask => ReadText(value, path, errors, TryNetmask, "a netmask with contiguous one bits (like 255.255.255.0)"),
        PropertyType.Mac => ReadMac(value, path, errors),
        PropertyType.Ipv4Array => ReadArray(def, value, path, errors, TryIpv4, "an IPv4 address"),
        PropertyType.CidrArray => ReadArray(def, value, path, errors, TryCidr, "an IPv4 address in CIDR form (like 10.0.0.5/24)"),
        PropertyType.AddressArray => ReadArray(def, value, path, errors, TryAddress, "an IPv4 address or a subnet in CIDR form (like 10.0.0.5 or 10.1.0.0/24)"),
        PropertyType.TagMap => ReadMap(value, path, errors, stringsOnly: false),
        PropertyType.StringMap => ReadMap(value, path, errors, stringsOnly: true),
        PropertyType.InstanceArray => ReadArray(def, value, path, errors, TryHostname, "a UUID or alias of an instance"),
        PropertyType.Timestamp => ReadText(value, path, errors, TryTimestamp, "an ISO 8601 timestamp"),
        PropertyType.RouteMap => ReadRoutes(value, path, errors),
        PropertyType.HostPath => ReadText(value, path, errors, TryHostPath, "an absolute path of a file on the host"),
        PropertyType.DiskArray => throw new InvalidOperationException("disks are read by ManifestValidator.Vm"),
        PropertyType.CapabilityArray => ReadArray(def, value, path, errors, TryCapability, "a Linux capability name (like CAP_SYS_PTRACE)"),
        PropertyType.NicArray => throw new InvalidOperationException("nics are read by ManifestValidator.Nics"),
        _ => throw new InvalidOperationException($"No reader for {def.Type}"),
    };

    public static string UnitText(PropertyUnit unit) => unit switch
    {
        PropertyUnit.MiB => " (MiB)",
        PropertyUnit.GiB => " (GiB)",
        PropertyUnit.Percent => " (percent of one CPU)",
        _ => "",
    };

    private static string? ReadString(JsonElement value, string path, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(path, $"{Show(value)} is not a string");
            return null;
        }

        return value.GetString();
    }

    private static object? ReadInteger(PropertyDef def, JsonElement value, string path, ValidationErrors errors)
    {
        string unit = UnitText(def.Unit);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            errors.Add(path, $"{Show(value)} is not an integer{unit}");
            return null;
        }

        if (number < def.Min)
        {
            errors.Add(path, $"{number} is below the minimum of {def.Min}{unit}");
            return null;
        }

        if (number > def.Max)
        {
            errors.Add(path, $"{number} is above the maximum of {def.Max}{unit}");
            return null;
        }

        return number;
    }

    private static object? ReadBoolean(JsonElement value, string path, ValidationErrors errors)
    {
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(path, $"{Show(value)} is not a boolean");
            return null;
        }

        return value.GetBoolean();
    }

    private delegate bool TryNormalize(string text, out string normalized);

    private static string? ReadText(JsonElement value, string path, ValidationErrors errors, TryNormalize parse, string what)
    {
        if (value.ValueKind != JsonValueKind.String || !parse(value.GetString()!, out string normalized))
        {
            errors.Add(path, $"{Show(value)} is not {what}");
            return null;
        }

        return normalized;
    }

    private static string? ReadChoice(PropertyDef def, JsonElement value, string path, ValidationErrors errors)
    {
        string? text = ReadString(value, path, errors);
        if (text is null || def.Choices!.Contains(text))
        {
            return text;
        }

        // brand is the one choice today; vmadm's other brands get a clearer answer than "not one of".
        errors.Add(path, def.Path == "brand" && PropertyTable.UnsupportedBrands.Contains(text)
            ? $"{Show(value)} is not supported yet"
            : $"{Show(value)} is not one of {string.Join(", ", def.Choices!)}");
        return null;
    }

    private static string? ReadMac(JsonElement value, string path, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String || !MacAddress.TryParse(value.GetString(), out string mac, out byte[] octets))
        {
            errors.Add(path, $"{Show(value)} is not a MAC address (six hex octets like 02:08:20:0a:0b:0c)");
            return null;
        }

        if (MacAddress.IsMulticast(octets))
        {
            errors.Add(path, $"{Show(value)} is a multicast MAC address; a nic needs a unicast one");
            return null;
        }

        if (octets.All(b => b == 0))
        {
            errors.Add(path, $"{Show(value)} is not a usable MAC address");
            return null;
        }

        return mac;
    }

    private static List<string>? ReadArray(PropertyDef def, JsonElement value, string path, ValidationErrors errors, TryNormalize parse, string what)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, $"{Show(value)} is not an array");
            return null;
        }

        int before = errors.Count;
        var items = new List<string>();
        int index = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            string? normalized = ReadText(item, $"{path}[{index++}]", errors, parse, what);
            if (normalized is not null)
            {
                items.Add(normalized);
            }
        }

        if (index < def.Min)
        {
            errors.Add(path, def.Min == 1 ? "needs at least one entry" : $"needs at least {def.Min} entries");
        }
        else if (index > def.Max)
        {
            errors.Add(path, $"has {index} entries, more than the maximum of {def.Max}");
        }

        return errors.Count == before ? items : null;
    }

    private static object? ReadMap(JsonElement value, string path, ValidationErrors errors, bool stringsOnly)
    {
        string what = stringsOnly ? "a string" : "a string, number or boolean";
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, $"{Show(value)} is not an object");
            return null;
        }

        int before = errors.Count;
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var elements = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            string entryPath = KeyPath(path, entry.Name);
            if (entry.Name.Length == 0)
            {
                errors.Add(entryPath, "a key may not be empty");
            }
            else if (elements.ContainsKey(entry.Name))
            {
                errors.Add(entryPath, "is given twice");
            }
            else if (!(entry.Value.ValueKind == JsonValueKind.String
                || (!stringsOnly && entry.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)))
            {
                errors.Add(entryPath, $"{Show(entry.Value)} is not {what}");
            }
            else
            {
                elements[entry.Name] = entry.Value.Clone();
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    strings[entry.Name] = entry.Value.GetString()!;
                }
            }
        }

        if (errors.Count != before)
        {
            return null;
        }

        return stringsOnly ? strings : elements;
    }

    private static bool TryUuid(string text, out string normalized)
    {
        bool ok = text.Length == 36 && Guid.TryParseExact(text, "D", out _);
        normalized = text.ToLowerInvariant();
        return ok;
    }

    private static bool TryHostname(string text, out string normalized)
    {
        normalized = text;
        return text.Length is > 0 and <= 63
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && text[0] != '-'
            && text[^1] != '-';
    }

    private static bool TryHostPath(string text, out string normalized)
    {
        normalized = text;
        return text.Length is > 1 and <= 4096 && text[0] == '/' && !text.Contains('\0', StringComparison.Ordinal) && !text.EndsWith('/');
    }

    private static bool TryName(string text, out string normalized)
    {
        normalized = text;
        return text.Length is > 0 and <= 64
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            && text[0] != '.'
            && text[0] != '-';
    }

    private static bool TryIpv4(string text, out string normalized)
    {
        normalized = text;
        return Ipv4.TryParse(text, out _);
    }

    private static bool TryNetmask(string text, out string normalized)
    {
        normalized = text;
        return Ipv4.TryParseNetmask(text, out int prefix) && prefix > 0;
    }

    private static bool TryCidr(string text, out string normalized)
    {
        normalized = text;
        return Ipv4.TryParseCidr(text, out _, out _);
    }

    // A CIDR is kept as its network (10.1.0.0/24), which is how nftables wants an interval.
    private static bool TryAddress(string text, out string normalized)
    {
        normalized = text;
        if (!text.Contains('/', StringComparison.Ordinal))
        {
            return Ipv4.TryParse(text, out _);
        }

        if (!Ipv4.TryParseCidr(text, out uint address, out int prefix))
        {
            return false;
        }

        normalized = Ipv4.FormatSubnet(address, prefix);
        return true;
    }

    private static bool TryCapability(string text, out string normalized)
    {
        string upper = text.Trim().ToUpperInvariant();
        normalized = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return Instances.Containers.LinuxCapabilities.All.Contains(normalized);
    }

    private static bool TryTimestamp(string text, out string normalized)
    {
        normalized = text;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);
    }
}
