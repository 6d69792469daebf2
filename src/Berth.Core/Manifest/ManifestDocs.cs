using System.Globalization;
using System.Text;

namespace Berth.Core.Manifests;

/// <summary>Renders docs/manifest.md from the <see cref="PropertyTable"/>; a test keeps the committed file equal to it.</summary>
public static class ManifestDocs
{
    private static readonly (PropertyGroup Group, string Title, string Intro)[] s_sections =
    [
        (PropertyGroup.Identity, "Identity and boot", "What the instance is and where it lives."),
        (PropertyGroup.Resources, "Resources", "Caps enforced by the kernel. Sizes are JSON integers in the unit shown, never strings."),
        (PropertyGroup.Network, "Network", "DNS and network interfaces."),
        (PropertyGroup.Nic, "Fields of each nics[] entry", "Give `ip` with `netmask` (as vmadm) or `ips` as CIDR, not both."),
        (PropertyGroup.Vm, "Hardware VMs (brand kvm)", "QEMU guests; docs/vms.md explains boot, disks, consoles and KVM versus TCG."),
        (PropertyGroup.Disk, "Fields of each disks[] entry", "Disk files live in the instance's dataset; `path` is set by Berth."),
        (PropertyGroup.Metadata, "Tags and metadata", "Maps of keys to values."),
        (PropertyGroup.Supervision, "Supervision", "How berthd starts, checks and restarts the instance (docs/supervision.md)."),
        (PropertyGroup.Security, "Security opt-outs (dangerous)",
            "Every lx instance is hardened by default (docs/containers.md). Each property here switches part of that off, "
            + "for the instance's whole life, and lets root inside reach more of the host kernel: use them only for trusted workloads."),
        (PropertyGroup.ReadOnly, "Read-only", "Set by Berth and shown by `vm get`; refused at create and update."),
    ];

    public static string Render()
    {
        var md = new StringBuilder();
        md.Append("""
            # Manifest reference

            <!-- Generated from src/Berth.Core/Manifest/PropertyTable.cs by ManifestDocs.Render(). Do not edit:
                 regenerate with `BERTH_UPDATE_DOCS=1 dotnet test --project tests/Berth.Tests -- --filter-class Berth.Tests.Manifests.ManifestDocsTests` -->

            A manifest is the JSON document of an instance, with vmadm's property names (snake_case).
            `berth vm create -f FILE` and `berth vm validate -f FILE` check it against this table: unknown
            properties, wrong types, out-of-range values and read-only properties are refused with the
            property's path (`nics[0].ip: "10.1.1" is not an IPv4 address`), all problems at once.

            Columns: **create** = may be given at create (required ones are marked); **update** = `live`
            (applied to the running instance at once), `restart` (takes effect at the next start) or `no`;
            **origin** = vmadm's property (same name and meaning) or Berth's own.

            """);
        md.Append('\n');
        foreach ((PropertyGroup group, string title, string intro) in s_sections)
        {
            md.Append(CultureInfo.InvariantCulture, $"## {title}\n\n{intro}\n\n");
            md.Append("| name | type | unit | default | brands | create | update | range | mechanism | origin | description |\n");
            md.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (PropertyDef def in PropertyTable.All.Where(p => p.Group == group))
            {
                md.Append(Row(def));
            }

            md.Append('\n');
        }

        md.Append("""
            ## Notes

            - `max_swap` counts memory plus swap, as vmadm's does, so it is at least `max_physical_memory`;
              its default is twice `max_physical_memory`. An update that raises `max_physical_memory` above
              the current `max_swap` without giving `max_swap` raises `max_swap` to match (as vmadm).
            - In an update, `null` resets a property to its default (or removes it when it has none).
            - `nics[].mac`, when absent, is generated: locally administered unicast, derived from the
              instance uuid and the nic's index, so validating the same manifest twice gives the same MACs.
            - Brands other than `lx` and `kvm` (vmadm's `bhyve`, `joyent`...) are refused as "not supported yet".
            - A property of one brand given to another (`ram` in an lx manifest, `quota` in a kvm one) is refused
              by name. `kernel`, `initrd`, `kernel_args` and `machine_type` are Berth's own: vmadm has no direct
              kernel boot.

            """);
        return md.ToString();
    }

    private static string Row(PropertyDef def) =>
        string.Join(" | ", new[]
        {
            $"`{def.Path}`",
            TypeText(def),
            UnitText(def.Unit),
            DefaultText(def),
            string.Join(", ", def.Brands),
            def.ReadOnly ? "no" : def.Required ? "required" : "yes",
            def.Update.ToString().ToLowerInvariant(),
            RangeText(def),
            def.Mechanism,
            def.Origin.ToString().ToLowerInvariant(),
            def.Description,
        }.Select(Cell)).Insert(0, "| ") + " |\n";

    private static string TypeText(PropertyDef def) => def.Type switch
    {
        PropertyType.Choice => "one of " + string.Join(", ", def.Choices!.Select(c => $"`{c}`")),
        PropertyType.Ipv4Array => "array of IPv4",
        PropertyType.CidrArray => "array of CIDR",
        PropertyType.AddressArray => "array of IPv4 or CIDR",
        PropertyType.TagMap => "object (string, number, boolean values)",
        PropertyType.StringMap => "object (string values)",
        PropertyType.NicArray => "array of nic",
        PropertyType.InstanceArray => "array of UUID or alias",
        PropertyType.DiskArray => "array of disk",
        PropertyType.HostPath => "host path",
        PropertyType.CapabilityArray => "array of capability names",
        PropertyType.Ipv4 => "IPv4",
        PropertyType.Mac => "MAC",
        PropertyType.Uuid => "UUID",
        PropertyType.Hostname => "hostname label",
        _ => def.Type.ToString().ToLowerInvariant(),
    };

    private static string UnitText(PropertyUnit unit) => unit switch
    {
        PropertyUnit.MiB => "MiB",
        PropertyUnit.GiB => "GiB",
        PropertyUnit.Percent => "percent",
        PropertyUnit.Shares => "shares",
        PropertyUnit.Bytes => "bytes",
        _ => "",
    };

    private static string DefaultText(PropertyDef def) => def.Default switch
    {
        null => def.DefaultNote ?? "",
        bool b => b ? "`true`" : "`false`",
        string s => $"`\"{s}\"`",
        _ => $"`{Convert.ToString(def.Default, CultureInfo.InvariantCulture)}`",
    };

    private static string RangeText(PropertyDef def) => (def.Min, def.Max) switch
    {
        (null, null) => "",
        ({ } min, { } max) when def.Type is PropertyType.Integer => $"{min}..{max}",
        ({ } min, { } max) => $"{min}..{max} entries",
        _ => "",
    };

    // Pipes would split a markdown cell.
    private static string Cell(string text) => text.Replace("|", "\\|");
}
