namespace Dify.Storage.Feedback;

/// <summary>An end user's rating of a message: "like" or "dislike", with optional text.</summary>
public sealed record MessageFeedbackRecord(
    string MessageId,
    string AppId,
    string EndUserId,
    string Rating,
    string? Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
