using System.Text.Json;
using Berth.Api.Contracts;
using static Berth.Core.Manifests.ValidationErrors;

namespace Berth.Core.Manifests;

/// <summary>Checks a manifest against the <see cref="PropertyTable"/> and fills in what Berth decides.</summary>
/// <remarks>Every problem is collected; the thrown <see cref="BerthException"/> lists them all.</remarks>
public static partial class ManifestValidator
{
    /// <summary>Validates a create request body and returns it normalized: defaults filled, uuid and MACs generated, interfaces named.</summary>
    /// <exception cref="BerthException">InvalidArgument, with one <see cref="PropertyError"/> per problem.</exception>
    public static Manifest Validate(JsonElement body)
    {
        var errors = new ValidationErrors();
        Manifest? manifest = ValidateCore(body, errors);
        CheckHealthCheckNics(manifest, errors);
        errors.ThrowIfAny();
        return manifest!;
    }

    /// <summary>Validates JSON text (CLI files and tests).</summary>
    public static Manifest Validate(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw BerthException.Invalid("manifest", $"is not valid JSON: {e.Message}");
        }

        using (document)
        {
            return Validate(document.RootElement);
        }
    }

    private static Manifest? ValidateCore(JsonElement body, ValidationErrors errors, int? nicCount = null)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("manifest", $"{Show(body)} is not a JSON object");
            return null;
        }

        ObjectValues top = ReadObject(body, PropertyTable.TopLevel, prefix: null, errors);
        string? brand = top.Get<string>("brand");
        IEnumerable<PropertyDef> ofBrand = PropertyTable.TopLevel.Values.Where(d => brand is null || d.Brands.Contains(brand));
        CheckRequired(top, ofBrand, prefix: null, errors);
        CheckBrand(top, errors);
        ApplyDefaults(top, ofBrand);

        string uuid = top.Get<string>("uuid") ?? Guid.NewGuid().ToString("D");
        string? alias = top.Get<string>("alias");
        bool vm = brand == "kvm";
        long? memory = vm ? null : top.Get<long>("max_physical_memory");
        long? swap = top.Has("max_swap") ? top.Get<long>("max_swap") : null;
        if (swap < memory)
        {
            errors.Add("max_swap", $"{swap} is below max_physical_memory ({memory}); it counts memory plus swap (MiB), as vmadm's does");
        }

        List<Nic>? nics = top.Values.TryGetValue("nics", out object? rawNics)
            ? ReadNics((JsonElement)rawNics!, uuid, brand, errors)
            : null;
        Dictionary<string, string>? routes = top.Get<Dictionary<string, string>>("routes");
        CheckRouteNics(routes, nicCount ?? nics?.Count ?? 0, errors);

        var manifest = new Manifest
        {
            Uuid = uuid,
            Alias = alias,
            Hostname = top.Get<string>("hostname") ?? alias ?? uuid,
            Brand = brand,
            ImageUuid = top.Get<string>("image_uuid"),
            Autoboot = top.Get<bool>("autoboot"),
            MaxPhysicalMemory = memory,
            MaxSwap = vm ? null : swap ?? Math.Max(memory!.Value * 2, 16),
            CpuCap = top.Get<long>("cpu_cap"),
            CpuShares = top.Get<long>("cpu_shares"),
            MaxLwps = vm ? null : top.Get<long>("max_lwps"),
            Quota = vm ? null : top.Get<long>("quota"),
            Resolvers = top.Get<List<string>>("resolvers"),
            Tags = top.Get<Dictionary<string, JsonElement>>("tags"),
            CustomerMetadata = top.Get<Dictionary<string, string>>("customer_metadata"),
            InternalMetadata = top.Get<Dictionary<string, string>>("internal_metadata"),
            Zpool = top.Get<string>("zpool"),
            Nics = nics,
            Routes = routes,
            DependsOn = top.Get<List<string>>("depends_on"),
            HealthCheck = ReadHealthCheck(top.Get<string>("health_check"), errors),
            Restart = top.Get<string>("restart"),
            FirewallEnabled = top.Get<bool?>("firewall_enabled"),
            Privileged = top.Has("privileged") ? top.Get<bool>("privileged") : null,
            Nesting = top.Has("nesting") ? top.Get<bool>("nesting") : null,
            Fuse = top.Has("fuse") ? top.Get<bool>("fuse") : null,
            ExtraCapabilities = top.Get<List<string>>("extra_capabilities"),
        };
        return vm ? ReadVm(top, manifest, errors) : manifest;
    }

    /// <summary>Reads each property of an object through its row's reader; unknown, repeated and read-only ones are errors.</summary>
    private static ObjectValues ReadObject(
        JsonElement obj, IReadOnlyDictionary<string, PropertyDef> defs, string? prefix, ValidationErrors errors)
    {
        var result = new ObjectValues();
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            string path = prefix is null ? property.Name : $"{prefix}.{property.Name}";
            if (!result.Present.Add(property.Name))
            {
                errors.Add(path, "is given twice");
            }
            else if (!defs.TryGetValue(property.Name, out PropertyDef? def))
            {
                string? guess = Spelling.Closest(property.Name, defs.Keys);
                errors.Add(path, guess is null ? "unknown property" : $"unknown property (did you mean {guess}?)");
            }
            else if (def.ReadOnly)
            {
                errors.Add(path, "is read-only (set by Berth)");
            }
            else if (def.Type is PropertyType.NicArray or PropertyType.DiskArray)
            {
                result.Values[property.Name] = property.Value.Clone();
            }
            else if (PropertyReaders.Read(def, property.Value, path, errors) is { } value)
            {
                result.Values[property.Name] = value;
            }
        }

        return result;
    }

    private static void CheckRequired(ObjectValues values, IEnumerable<PropertyDef> defs, string? prefix, ValidationErrors errors)
    {
        foreach (PropertyDef def in defs.Where(d => d.Required && !values.Present.Contains(d.Name)))
        {
            errors.Add(prefix is null ? def.Name : $"{prefix}.{def.Name}", "is required");
        }
    }

    // A property that a brand does not have (a kvm-only one in an lx manifest) is refused by name.
    private static void CheckBrand(ObjectValues top, ValidationErrors errors) =>
        CheckBrand(top, top.Get<string>("brand"), PropertyTable.TopLevel, prefix: null, errors);

    private static void CheckBrand(ObjectValues values, string? brand, IReadOnlyDictionary<string, PropertyDef> defs, string? prefix, ValidationErrors errors)
    {
        if (brand is null)
        {
            return;
        }

        foreach (string name in values.Present)
        {
            if (defs.TryGetValue(name, out PropertyDef? def) && !def.Brands.Contains(brand))
            {
                errors.Add(prefix is null ? name : $"{prefix}.{name}", $"is not a property of brand {brand}");
            }
        }
    }

    // Only absent properties get defaults: one given but invalid stays missing, so no check trips over a stand-in value.
    private static void ApplyDefaults(ObjectValues values, IEnumerable<PropertyDef> defs)
    {
        foreach (PropertyDef def in defs.Where(d => d.Default is not null && !values.Present.Contains(d.Name)))
        {
            values.Values[def.Name] = def.Default;
        }
    }

    /// <summary>The properties of one JSON object: which were present, and the values that read cleanly.</summary>
    private sealed class ObjectValues
    {
        public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

        public bool Has(string name) => Values.ContainsKey(name);

        public T? Get<T>(string name) => Values.TryGetValue(name, out object? value) && value is T typed ? typed : default;
    }
}
