using System.CommandLine;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth image ...</c>: imgadm's verbs.</summary>
public static class ImageCommands
{
    private static Argument<string> Id() => new("IMAGE") { Description = "An image UUID or name" };

    public static Command Build() =>
        Cli.Command("image", "List, install, build and delete images, as imgadm does", List(), Get(), Install(), BuildImage(), Delete());

    private static Command List()
    {
        Command command = Cli.Command("list", "List installed images");
        command.Aliases.Add("ls");
        command.OnRun(async (parse, client, ct) =>
        {
            List<ImageManifest> images = await client.ListImagesAsync(ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(images, BerthJson.Default.ListImageManifest);
            }
            else
            {
                Output.Table(["UUID", "NAME", "VERSION", "TYPE", "OS", "STATE"],
                    [.. images.OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Version, StringComparer.Ordinal)
                        .Select(i => new[] { i.Uuid ?? "-", i.Name ?? "-", i.Version ?? "-", i.Type ?? "-", i.Os ?? "-", i.State ?? "-" })]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("get", "Print an image's manifest as JSON (always JSON, as imgadm get)", id);
        command.OnRun(async (parse, client, ct) =>
        {
            Output.Json(await client.GetImageAsync(parse.GetRequiredValue(id), ct), BerthJson.Default.ImageManifest);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Install()
    {
        var manifest = new Option<string>("--manifest", "-m") { Description = "The image manifest (IMGAPI JSON)", Required = true };
        var file = new Option<string>("--file", "-f") { Description = "The rootfs tarball; its sha256 must match the manifest's files[0]", Required = true };
        Command command = Cli.Command("install", "Install an image from its manifest and rootfs tarball, as imgadm install", manifest, file);
        command.OnRun(async (parse, client, ct) =>
        {
            byte[] bytes = await Cli.ReadInputAsync(parse.GetRequiredValue(manifest), ct);
            ImageManifest image;
            try
            {
                image = JsonSerializer.Deserialize(bytes, BerthJson.Default.ImageManifest)
                    ?? throw new UsageException($"\"{parse.GetRequiredValue(manifest)}\" holds no image manifest");
            }
            catch (JsonException e)
            {
                throw new UsageException($"\"{parse.GetRequiredValue(manifest)}\" is not an image manifest: {e.Message}");
            }

            // The daemon reads the tarball itself, on this host: give it a path that does not depend on our cwd.
            string path = Path.GetFullPath(parse.GetRequiredValue(file));
            ImageManifest installed = await client.InstallImageAsync(new ImageInstallRequest { Manifest = image, File = path }, ct);
            Done(parse, installed, "Installed");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command BuildImage()
    {
        var name = new Argument<string>("NAME") { Description = "What to build: busybox (a tiny lx image from busybox-static)" };
        Command command = Cli.Command("build", "Build an image locally", name);
        command.OnRun(async (parse, client, ct) =>
        {
            Done(parse, await client.BuildImageAsync(parse.GetRequiredValue(name), ct), "Built");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Done(ParseResult parse, ImageManifest image, string verb)
    {
        if (parse.GetValue(Cli.Json))
        {
            Output.Json(image, BerthJson.Default.ImageManifest);
        }
        else
        {
            Output.Note($"{verb} image {image.Name}@{image.Version}");
            Console.Out.WriteLine(image.Uuid);
        }
    }

    private static Command Delete()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("delete", "Delete an image no instance uses", id);
        command.Aliases.Add("rm");
        command.OnRun(async (parse, client, ct) =>
        {
            await client.DeleteImageAsync(parse.GetRequiredValue(id), ct);
            Output.Note($"Deleted image {parse.GetRequiredValue(id)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
