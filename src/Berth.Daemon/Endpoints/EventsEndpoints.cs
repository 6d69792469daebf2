using System.Text;
using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Events;
using Berth.Core.Instances;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/events: lifecycle events as server-sent events, from the in-memory backlog and then as they happen.</summary>
internal static class EventsEndpoints
{
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/events", StreamAsync).WithTags("events").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    /// <summary>
    /// <c>since=ID</c> (or the Last-Event-ID header) replays kept events after ID first; <c>follow=false</c> sends the kept
    /// events (all, without since) and ends; <c>instance=ID</c> keeps only that instance's.
    /// </summary>
    private static async Task StreamAsync(HttpContext http, EventBus bus, InstanceService instances,
        long? since, bool? follow, string? instance, CancellationToken ct)
    {
        if (http.Request.Headers["Last-Event-ID"].FirstOrDefault() is { } lastId && long.TryParse(lastId, out long resume))
        {
            since = resume;
        }

        Func<InstanceEvent, bool> wanted = await FilterAsync(instance, instances, ct);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.StartAsync(ct);

        if (follow == false)
        {
            foreach (InstanceEvent e in bus.Backlog(since ?? 0).Where(wanted))
            {
                await WriteAsync(http.Response, e, ct);
            }

            return;
        }

        using EventBus.Subscription subscription = bus.Subscribe(since);
        await http.Response.WriteAsync(": berthd events\n\n", ct); // lets a client know the stream is open
        await http.Response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(s_keepAlive);
                bool ready;
                try
                {
                    ready = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keepalive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    continue;
                }

                if (!ready)
                {
                    return;
                }

                while (subscription.Reader.TryRead(out InstanceEvent? e))
                {
                    if (wanted(e))
                    {
                        await WriteAsync(http.Response, e, ct);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task<Func<InstanceEvent, bool>> FilterAsync(string? instance, InstanceService instances, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(instance))
        {
            return _ => true;
        }

        try
        {
            string uuid = (await instances.ResolveAsync(instance, ct)).Uuid!;
            return e => e.Instance == uuid;
        }
        catch (BerthException e) when (e.Kind == ErrorKind.NotFound)
        {
            // A deleted instance has no record, but its kept events still name it.
            return e => e.Instance == instance || e.Alias == instance;
        }
    }

    private static async Task WriteAsync(HttpResponse response, InstanceEvent e, CancellationToken ct)
    {
        string json = JsonSerializer.Serialize(e, EventJson.Compact.InstanceEvent);
        await response.WriteAsync($"id: {e.Id}\nevent: {e.Type}\ndata: {json}\n\n", Encoding.UTF8, ct);
        await response.Body.FlushAsync(ct);
    }
}
