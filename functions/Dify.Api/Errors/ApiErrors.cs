namespace Dify.Api.Errors;

/// <summary>The Dify error codes and messages this API answers with.</summary>
public static class ApiErrors
{
    public const string AppModeMismatch = "Please check if your app mode matches the right API route.";

    public static ApiException InvalidParam(string message) => new(400, "invalid_param", message);
    public static ApiException BadRequest(string message) => new(400, "bad_request", message);
    public static ApiException NotFound(string message) => new(404, "not_found", message);
    public static ApiException Unauthorized(string message) => new(401, "unauthorized", message);
    public static ApiException NotWorkflowApp() => new(400, "not_workflow_app", AppModeMismatch);
    public static ApiException NotChatApp() => new(400, "not_chat_app", AppModeMismatch);
    public static ApiException AppUnavailable(string message = "App unavailable, please check your app configurations.") => new(400, "app_unavailable", message);
    public static ApiException CompletionRequestError(string message) => new(400, "completion_request_error", message);
    public static ApiException TooManyRequests() => new(429, "too_many_requests", "Too many requests. Please try again later.");
    public static ApiException TooLarge() => new(413, "request_entity_too_large", "The data value transmitted exceeds the capacity limit.");
    public static ApiException ConversationNotExists() => NotFound("Conversation Not Exists.");
    public static ApiException NotCompletionApp() => new(400, "not_completion_app", AppModeMismatch);
    public static ApiException NoFileUploaded() => new(400, "no_file_uploaded", "Please upload your file.");
    public static ApiException TooManyFiles() => new(400, "too_many_files", "Only one file is allowed.");
    public static ApiException FilenameNotExists() => new(400, "filename_not_exists_error", "The specified filename does not exist.");
    public static ApiException FileTooLarge(string message) => new(413, "file_too_large", message);
    public static ApiException UnsupportedFileType() => new(415, "unsupported_file_type", "File type not allowed.");
    public static ApiException MessageNotExists() => NotFound("Message Not Exists.");
    public static ApiException SuggestedQuestionsDisabled() =>
        new(403, "app_suggested_questions_after_answer_disabled", "Function Suggested questions after answer disabled.");
}
