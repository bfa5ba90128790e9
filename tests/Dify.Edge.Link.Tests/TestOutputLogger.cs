using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests;

/// <summary>Library logs go to the test output, so a failing test shows what the link did.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output, LogLevel minimum = LogLevel.Information, string? category = null) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{logLevel}] {category ?? typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // Background work may log after the test has ended; the output helper refuses then.
        }
    }
}
