using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Images;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/images: installed images.</summary>
internal static class ImagesEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("/v1/images").WithTags("images");

        group.MapGet("/", async (ImageService images, CancellationToken ct) =>
            Results.Json([.. await images.ListAsync(ct)], BerthJson.Default.ListImageManifest)).Produces<List<ImageManifest>>();

        group.MapGet("/{id}", async (string id, ImageService images, CancellationToken ct) =>
            Results.Json(await images.GetAsync(id, ct), BerthJson.Default.ImageManifest)).Produces<ImageManifest>();

        group.MapPost("/install", async (HttpRequest request, ImageService images, CancellationToken ct) =>
        {
            ImageInstallRequest install = await JsonBody.ReadAsync(request, BerthJson.Default.ImageInstallRequest, ct);
            ImageManifest image = await images.InstallAsync(install.Manifest, install.File, ct);
            return Results.Json(image, BerthJson.Default.ImageManifest, statusCode: StatusCodes.Status201Created);
        }).Accepts<ImageInstallRequest>("application/json").Produces<ImageManifest>(StatusCodes.Status201Created);

        group.MapPost("/build", async (HttpRequest request, ImageService images, CancellationToken ct) =>
        {
            ImageBuildRequest build = await JsonBody.ReadAsync(request, BerthJson.Default.ImageBuildRequest, ct);
            if (build.Name != "busybox")
            {
                throw BerthException.Invalid("name", $"\"{build.Name}\" cannot be built here; Berth builds: busybox");
            }

            ImageManifest image = await images.BuildBusyboxAsync(ct);
            return Results.Json(image, BerthJson.Default.ImageManifest, statusCode: StatusCodes.Status201Created);
        }).Accepts<ImageBuildRequest>("application/json").Produces<ImageManifest>(StatusCodes.Status201Created);

        group.MapDelete("/{id}", async (string id, ImageService images, CancellationToken ct) =>
        {
            await images.DeleteAsync(id, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent);
    }
}
