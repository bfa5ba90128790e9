namespace Dify.Workflows.Tests.Dsl;

/// <summary>Finds the shared real Dify exports (../shared/dsl-samples beside the repository root).</summary>
internal static class DslSamples
{
    public static string? Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Dify.Functions.sln"))) continue;
            var samples = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "dsl-samples"));
            return Directory.Exists(samples) ? samples : null;
        }
        return null;
    }

    public static IEnumerable<object[]> Files() =>
    [
        ["chart_demo.yml"], ["dify_course_demo.yml"], ["document_chat_template.yml"], ["form_chat_demo.yml"],
        ["intent_reply_qc_kr.yml"], ["llm2o1_cn.yml"], ["llm_siege_game.yml"], ["simple_kimi.yml"], ["translation_workflow.yml"],
    ];
}
