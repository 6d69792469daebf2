using Berth.Api.Contracts;
using Berth.Core.Instances;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Daemon.Endpoints;

/// <summary>send and receive of instances: the send stream as a chunked HTTP body each way.</summary>
internal static class SendReceiveEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder vms = app.MapGroup("/v1/vms").WithTags("vms");

        // Nothing is written before the snapshot exists, so refusals are still problem+json; a failure after that
        // aborts the response, which the receiver sees as a truncated stream.
        vms.MapGet("/{id}/send", async (string id, string? from, HttpContext context, InstanceService instances, CancellationToken ct) =>
        {
            context.Response.ContentType = SendStream.MediaType;
            await instances.SendAsync(id, string.IsNullOrEmpty(from) ? null : from, context.Response.Body, ct);
            return Results.Empty;
        }).Produces(StatusCodes.Status200OK, contentType: SendStream.MediaType);

        vms.MapPost("/receive", async (HttpContext context, string? zpool, [FromQuery(Name = "new_uuid")] bool? newUuid, InstanceService instances, CancellationToken ct) =>
        {
            // A send stream is as large as the instance's data: no body size limit here.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            Manifest received = await instances.ReceiveAsync(context.Request.Body, string.IsNullOrEmpty(zpool) ? null : zpool, newUuid ?? false, ct);
            return Results.Json(received, BerthJson.Default.Manifest, statusCode: StatusCodes.Status201Created);
        }).Accepts<Stream>(SendStream.MediaType).Produces<Manifest>(StatusCodes.Status201Created);
    }
}
