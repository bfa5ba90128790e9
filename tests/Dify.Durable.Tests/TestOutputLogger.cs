using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

/// <summary>Runtime logs go to the test output, so a failing test shows what the runtime did.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) : ILogger<T>
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
            output.WriteLine($"[{logLevel}] {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // Background work may log after the test has ended; the output helper refuses then.
        }
    }
}
