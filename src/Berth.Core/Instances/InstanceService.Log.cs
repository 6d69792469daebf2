using Microsoft.Extensions.Logging;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created instance {Uuid} (alias {Alias}), {State}, in {Milliseconds:0.0} ms: {Steps}")]
        public static partial void Created(ILogger logger, string uuid, string? alias, string? state, double milliseconds, string steps);

        [LoggerMessage(Level = LogLevel.Information, Message = "Started instance {Uuid}, init pid {Pid}")]
        public static partial void Started(ILogger logger, string uuid, int pid);

        [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Uuid} stopped, exit status {ExitStatus}")]
        public static partial void Stopped(ILogger logger, string uuid, int? exitStatus);

        [LoggerMessage(Level = LogLevel.Information, Message = "Deleted instance {Uuid}")]
        public static partial void Deleted(ILogger logger, string uuid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Uuid} did not stop on {Signal} within {Seconds} s; killing it")]
        public static partial void StopTimedOut(ILogger logger, string uuid, string signal, int seconds);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Sending {Signal} to {Uuid} failed: {Message}")]
        public static partial void KillFailed(ILogger logger, string uuid, string signal, string message);

        [LoggerMessage(Level = LogLevel.Error, Message = "Undo step of instance {Uuid} failed")]
        public static partial void UndoFailed(ILogger logger, string uuid, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Handling the exit of instance {Uuid} failed")]
        public static partial void ExitHandlingFailed(ILogger logger, string uuid, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Uuid} was half made when berthd stopped; removing it")]
        public static partial void RollingBack(ILogger logger, string uuid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Removing {What} {Name}: no instance has it")]
        public static partial void RemovingOrphan(ILogger logger, string what, string name);

        [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling instance {Uuid} failed")]
        public static partial void ReconcileFailed(ILogger logger, string uuid, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "VM {Uuid} starts without KVM: {Warning}")]
        public static partial void VmWithoutKvm(ILogger logger, string uuid, string warning);
    }
}
