using System.Text.Json;
using Berth.Api.Contracts;
using static Berth.Core.Manifests.ValidationErrors;

namespace Berth.Core.Manifests;

public static partial class ManifestValidator
{
    /// <summary>One address of a nic with the field it came from, for messages.</summary>
    private readonly record struct NicAddress(uint Address, int PrefixLength, string Path);

    /// <summary>Validates a whole nics[] array (vm update's add_nics, update_nics, remove_nics produce one); interfaces are named by position.</summary>
    public static List<Nic> ValidateNics(JsonElement nics, string uuid, string? brand)
    {
        var errors = new ValidationErrors();
        List<Nic>? result = ReadNics(nics, uuid, brand, errors);
        errors.ThrowIfAny();
        return result!;
    }

    private static List<Nic>? ReadNics(JsonElement raw, string uuid, string? brand, ValidationErrors errors)
    {
        if (!CheckEntryArray(raw, "nics", errors))
        {
            return null;
        }

        var nics = new List<ObjectValues>();
        var owners = new Dictionary<uint, string>();
        int index = 0;
        foreach (JsonElement item in raw.EnumerateArray())
        {
            string path = $"nics[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, $"{Show(item)} is not an object");
                nics.Add(new ObjectValues()); // keeps later nics' indexes right in messages
                continue;
            }

            ObjectValues values = ReadObject(item, PropertyTable.NicFields, path, errors);
            CheckBrand(values, brand, PropertyTable.NicFields, path, errors);
            ApplyDefaults(values, PropertyTable.NicFields.Values.Where(d => brand is null || d.Brands.Contains(brand)));
            foreach (NicAddress address in CheckAddresses(values, path, errors))
            {
                if (!owners.TryAdd(address.Address, address.Path))
                {
                    errors.Add(address.Path, $"{Ipv4.Format(address.Address)} is also the address of {owners[address.Address]}");
                }
            }

            nics.Add(values);
        }

        int primary = ChoosePrimary(nics, errors);
        List<string?> macs = ChooseMacs(nics, uuid, errors);
        return nics.Select((values, i) => new Nic
        {
            Interface = $"eth{i}",
            // A nic that names its network by uuid takes that network's tag, not the default one.
            NicTag = values.Present.Contains("network_uuid") && !values.Present.Contains("nic_tag") ? null : values.Get<string>("nic_tag"),
            NetworkUuid = values.Get<string>("network_uuid"),
            VlanId = values.Has("vlan_id") ? (int)values.Get<long>("vlan_id") : null,
            Ip = values.Get<string>("ip"),
            Netmask = values.Get<string>("netmask"),
            Ips = values.Get<List<string>>("ips"),
            Gateway = values.Get<string>("gateway"),
            Mac = macs[i],
            Primary = i == primary,
            AllowIpSpoofing = values.Get<bool?>("allow_ip_spoofing"),
            AllowMacSpoofing = values.Get<bool?>("allow_mac_spoofing"),
            AllowDhcpSpoofing = values.Get<bool?>("allow_dhcp_spoofing"),
            AllowedIps = values.Get<List<string>>("allowed_ips"),
            Model = values.Get<string>("model"),
        }).ToList();
    }

    /// <summary>nics[] and disks[]: an array, of at most the row's Max entries (too many is reported, and reading goes on).</summary>
    private static bool CheckEntryArray(JsonElement raw, string name, ValidationErrors errors)
    {
        if (raw.ValueKind != JsonValueKind.Array)
        {
            errors.Add(name, $"{Show(raw)} is not an array");
            return false;
        }

        if (raw.GetArrayLength() > PropertyTable.TopLevel[name].Max)
        {
            errors.Add(name, $"has {raw.GetArrayLength()} {name}, more than the maximum of {PropertyTable.TopLevel[name].Max}");
        }

        return true;
    }

    // ip with netmask (vmadm) or ips (CIDR), never both; each a host address; the gateway inside one of the subnets.
    private static List<NicAddress> CheckAddresses(ObjectValues nic, string path, ValidationErrors errors)
    {
        var addresses = new List<NicAddress>();
        bool hasIp = nic.Present.Contains("ip");
        bool hasNetmask = nic.Present.Contains("netmask");
        bool hasIps = nic.Present.Contains("ips");
        if (hasIp && hasIps)
        {
            errors.Add($"{path}.ips", "give either ip with netmask or ips, not both");
            return addresses;
        }

        if (!hasIp && !hasIps)
        {
            // No address: IPAM allocates one from the network's range at create.
            if (hasNetmask)
            {
                errors.Add($"{path}.ip", "is required with netmask");
            }

            return addresses;
        }

        // ip without netmask takes the network's netmask at create: checked as a host address until then.
        bool prefixKnown = !hasIp || hasNetmask;
        if (nic.Get<string>("ip") is { } ip && (nic.Get<string>("netmask") is { } netmask || !hasNetmask))
        {
            Ipv4.TryParse(ip, out uint address);
            int prefix = 32;
            if (hasNetmask)
            {
                Ipv4.TryParseNetmask(nic.Get<string>("netmask"), out prefix);
            }

            addresses.Add(new NicAddress(address, prefix, $"{path}.ip"));
        }

        List<string> cidrs = nic.Get<List<string>>("ips") ?? [];
        for (int i = 0; i < cidrs.Count; i++)
        {
            Ipv4.TryParseCidr(cidrs[i], out uint address, out int prefix);
            addresses.Add(new NicAddress(address, prefix, $"{path}.ips[{i}]"));
        }

        int before = errors.Count;
        foreach (NicAddress a in addresses)
        {
            CheckHostAddress(a, errors);
        }

        if (errors.Count == before && prefixKnown && nic.Get<string>("gateway") is { } gatewayText && addresses.Count > 0)
        {
            CheckGateway(gatewayText, addresses, $"{path}.gateway", errors);
        }

        return addresses;
    }

    private static void CheckHostAddress(NicAddress a, ValidationErrors errors)
    {
        uint network = a.Address & Ipv4.Mask(a.PrefixLength);
        uint broadcast = network | ~Ipv4.Mask(a.PrefixLength);
        string subnet = Ipv4.FormatSubnet(a.Address, a.PrefixLength);
        if (!Ipv4.IsUsableHost(a.Address))
        {
            errors.Add(a.Path, $"{Ipv4.Format(a.Address)} is not a usable host address");
        }
        else if (a.PrefixLength <= 30 && a.Address == network)
        {
            errors.Add(a.Path, $"{Ipv4.Format(a.Address)} is the network address of {subnet}");
        }
        else if (a.PrefixLength <= 30 && a.Address == broadcast)
        {
            errors.Add(a.Path, $"{Ipv4.Format(a.Address)} is the broadcast address of {subnet}");
        }
    }

    private static void CheckGateway(string gatewayText, List<NicAddress> addresses, string path, ValidationErrors errors)
    {
        Ipv4.TryParse(gatewayText, out uint gateway);
        if (addresses.Any(a => a.Address == gateway))
        {
            errors.Add(path, $"{gatewayText} is the nic's own address");
        }
        else if (!addresses.Any(a => Ipv4.InSubnet(gateway, a.Address, a.PrefixLength)))
        {
            string subnets = string.Join(" or ", addresses.Select(a => Ipv4.FormatSubnet(a.Address, a.PrefixLength)).Distinct());
            errors.Add(path, $"{gatewayText} is not in the nic's subnet {subnets}");
        }
    }

    // Exactly one primary: the one marked, else the first nic not marked false.
    private static int ChoosePrimary(List<ObjectValues> nics, ValidationErrors errors)
    {
        int primary = -1;
        for (int i = 0; i < nics.Count; i++)
        {
            if (nics[i].Get<bool?>("primary") != true)
            {
                continue;
            }

            if (primary < 0)
            {
                primary = i;
            }
            else
            {
                errors.Add($"nics[{i}].primary", $"only one nic may be primary, and nics[{primary}] is");
            }
        }

        if (primary < 0 && nics.Count > 0)
        {
            primary = nics.FindIndex(n => !n.Present.Contains("primary"));
            if (primary < 0)
            {
                errors.Add("nics[0].primary", "one nic must be primary");
            }
        }

        return primary;
    }

    private static List<string?> ChooseMacs(List<ObjectValues> nics, string uuid, ValidationErrors errors)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        var macs = nics.Select(n => n.Get<string>("mac")).ToList();
        for (int i = 0; i < macs.Count; i++)
        {
            if (macs[i] is { } mac && !owners.TryAdd(mac, i))
            {
                errors.Add($"nics[{i}].mac", $"{Quote(mac)} is also the mac of nics[{owners[mac]}]");
            }

            taken.Add(macs[i] ?? "");
        }

        for (int i = 0; i < macs.Count; i++)
        {
            if (macs[i] is null && !nics[i].Present.Contains("mac"))
            {
                macs[i] = MacAddress.Generate(uuid, i, taken);
                taken.Add(macs[i]!);
            }
        }

        return macs;
    }

    // A route "via nics[N]" needs that nic.
    private static void CheckRouteNics(Dictionary<string, string>? routes, int nicCount, ValidationErrors errors)
    {
        foreach ((string destination, string gateway) in routes ?? [])
        {
            if (PropertyReaders.RouteNicIndex(gateway) is int n && n >= nicCount)
            {
                errors.Add(KeyPath("routes", destination), $"names {gateway}, but the instance has {nicCount} nic(s)");
            }
        }
    }
}
