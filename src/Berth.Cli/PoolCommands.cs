using System.CommandLine;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth pool ...</c>: the storage pools datasets live in (vmadm's zpool).</summary>
public static class PoolCommands
{
    public static Command Build() =>
        Cli.Command("pool", "List, create and delete storage pools", List(), Get(), Create(), Delete());

    public static string[] Row(Pool p) =>
    [
        p.Name, p.Driver, p.Size is long s ? Sizes.Format(s) : "-", p.Used is long u ? Sizes.Format(u) : "-",
        p.Available is long a ? Sizes.Format(a) : "-", p.Datasets?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        p.CanEnforceQuota is bool q ? (q ? "yes" : "no") : "-", p.Device ?? p.File ?? "-",
    ];

    private static Command List()
    {
        Command command = Cli.Command("list", "List storage pools");
        command.Aliases.Add("ls");
        command.OnRun(async (parse, client, ct) =>
        {
            List<Pool> pools = await client.ListPoolsAsync(ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(pools, BerthJson.Default.ListPool);
            }
            else
            {
                Output.Table(["NAME", "DRIVER", "SIZE", "USED", "AVAIL", "DATASETS", "QUOTA", "SOURCE"], [.. pools.Select(Row)]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        var name = new Argument<string>("NAME") { Description = "The pool" };
        Command command = Cli.Command("get", "Show one pool", name);
        command.OnRun(async (parse, client, ct) =>
        {
            Pool pool = await client.GetPoolAsync(parse.GetRequiredValue(name), ct);
            Show(parse, pool);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Show(ParseResult parse, Pool pool)
    {
        if (parse.GetValue(Cli.Json))
        {
            Output.Json(pool, BerthJson.Default.Pool);
        }
        else
        {
            Output.Properties(JsonSerializer.SerializeToElement(pool, BerthJson.Default.Pool));
        }
    }

    private static Command Create()
    {
        var name = new Argument<string?>("NAME") { Description = "The pool's name (default: default)", Arity = ArgumentArity.ZeroOrOne };
        var device = new Option<string?>("--device") { Description = "A block device to format and use" };
        var file = new Option<string?>("--file") { Description = "A sparse file to create and loop-mount (default: pool.img in the state directory)" };
        var size = new Option<string?>("--size") { Description = "The file's size, like 20G or 512M (default 20G)" };
        var driver = new Option<string?>("--driver") { Description = "btrfs (default) or dir" };
        driver.AcceptOnlyFromAmong("btrfs", "dir");
        Command command = Cli.Command("create", "Create a storage pool: btrfs on a device or a loop file, or a plain directory", name, device, file, size, driver);
        command.OnRun(async (parse, client, ct) =>
        {
            PoolCreateRequest request = Request(parse.GetValue(name), parse.GetValue(device), parse.GetValue(file), parse.GetValue(size), parse.GetValue(driver));
            Pool pool = await client.CreatePoolAsync(request, ct);
            Output.Note($"Created pool {pool.Name}");
            Show(parse, pool);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The create request from the command line; --device excludes --file and --size.</summary>
    public static PoolCreateRequest Request(string? name, string? device, string? file, string? size, string? driver)
    {
        if (device is not null && (file is not null || size is not null))
        {
            throw new UsageException("give either --device DEV or --file PATH [--size SIZE], not both");
        }

        return new PoolCreateRequest
        {
            Name = name,
            Driver = driver,
            Device = device,
            File = file is null ? null : Path.GetFullPath(file),
            Size = size is null ? null : Sizes.ParseBytes(size),
        };
    }

    private static Command Delete()
    {
        var name = new Argument<string>("NAME") { Description = "The pool" };
        Command command = Cli.Command("delete", "Delete a storage pool that holds no datasets", name);
        command.Aliases.Add("rm");
        command.OnRun(async (parse, client, ct) =>
        {
            await client.DeletePoolAsync(parse.GetRequiredValue(name), ct);
            Output.Note($"Deleted pool {parse.GetRequiredValue(name)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
