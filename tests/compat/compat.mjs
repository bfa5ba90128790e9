// Runs the official dify-client SDK against a Dify Functions host and prints one JSON object of what it saw.
// Usage: BASE_URL=http://127.0.0.1:PORT/v1 WORKFLOW_KEY=app-... CHAT_KEY=app-... node compat.mjs
import { ChatClient, CompletionClient, DifyClient } from "dify-client";

const baseUrl = process.env.BASE_URL;
const workflowKey = process.env.WORKFLOW_KEY;
const chatKey = process.env.CHAT_KEY;
if (!baseUrl || !workflowKey || !chatKey) {
  console.error("BASE_URL, WORKFLOW_KEY and CHAT_KEY are required");
  process.exit(2);
}
const user = "compat-user";

/** Reads an SSE body the way Dify's own examples do: split on blank lines, keep `data:` lines. */
async function readSse(stream) {
  const events = [];
  let buffer = "";
  for await (const chunk of stream) {
    buffer += chunk.toString("utf8");
    let index;
    while ((index = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      for (const line of block.split("\n")) {
        if (line.startsWith("data:")) events.push(JSON.parse(line.slice(5).trim()));
      }
    }
  }
  return events;
}

const out = {};
const workflow = new CompletionClient(workflowKey, baseUrl);

const blocking = await workflow.runWorkflow({ name: "Ada" }, user, false);
out.workflowBlocking = { status: blocking.status, runStatus: blocking.data.data.status, outputs: blocking.data.data.outputs, workflowRunId: blocking.data.workflow_run_id };

const streaming = await workflow.runWorkflow({ name: "Grace" }, user, true);
const workflowEvents = await readSse(streaming.data);
const finished = workflowEvents.find((e) => e.event === "workflow_finished");
out.workflowStreaming = {
  contentType: streaming.headers["content-type"],
  events: [...new Set(workflowEvents.map((e) => e.event))],
  runStatus: finished?.data?.status,
  outputs: finished?.data?.outputs,
};

const chat = new ChatClient(chatKey, baseUrl);
const first = await chat.createChatMessage({}, "What is Kestrel?", user, false);
const conversationId = first.data.conversation_id;
const second = await chat.createChatMessage({}, "And Dify?", user, true, conversationId);
const chatEvents = await readSse(second.data);
out.chat = {
  firstAnswer: first.data.answer,
  conversationId,
  secondConversationId: chatEvents.find((e) => e.event === "message")?.conversation_id,
  secondAnswer: chatEvents.filter((e) => e.event === "message").map((e) => e.answer).join(""),
  secondEvents: [...new Set(chatEvents.map((e) => e.event))],
};
const messages = await chat.getConversationMessages(user, conversationId);
out.chat.messageCount = messages.data.data.length;
out.chat.queries = messages.data.data.map((m) => m.query);
const conversations = await chat.getConversations(user);
out.chat.conversationCount = conversations.data.data.length;
const feedback = await chat.messageFeedback(first.data.message_id, "like", user);
out.chat.feedback = feedback.data.result;
const parameters = await chat.getApplicationParameters(user);
out.parameters = { hasUserInputForm: Array.isArray(parameters.data.user_input_form), openingStatement: parameters.data.opening_statement };

const form = new FormData();
form.append("file", new Blob(["compat file body"], { type: "text/plain" }), "compat.txt");
form.append("user", user);
const upload = await new DifyClient(chatKey, baseUrl).fileUpload(form);
out.upload = { status: upload.status, name: upload.data.name, size: upload.data.size, extension: upload.data.extension, mimeType: upload.data.mime_type, hasId: typeof upload.data.id === "string" };

console.log(JSON.stringify(out));
