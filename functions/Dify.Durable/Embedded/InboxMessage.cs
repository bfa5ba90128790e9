namespace Dify.Durable.Embedded;

/// <summary>Something that happened to an orchestration from outside its pump; its loop consumes these in order.</summary>
internal abstract record InboxMessage;

internal sealed record ActivityCompletedMessage(int TaskId, string ResultJson) : InboxMessage;

internal sealed record ActivityFailedMessage(int TaskId, string ErrorType, string ErrorMessage) : InboxMessage;

internal sealed record TimerFiredMessage(int TaskId) : InboxMessage;

/// <summary>A raised event, already stored in the inbox table under <paramref name="RowId"/>.</summary>
internal sealed record EventRaisedMessage(long RowId, string Name, string? Payload) : InboxMessage;

internal sealed record TerminateMessage(string Reason) : InboxMessage;

/// <summary>Only asks the loop to drain the pump.</summary>
internal sealed record WakeMessage : InboxMessage
{
    public static readonly WakeMessage Instance = new();
}
