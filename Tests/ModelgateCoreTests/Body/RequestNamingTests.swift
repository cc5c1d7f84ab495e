import Foundation
@testable import ModelgateCore
import ModelgateConfig
import Testing

/// Issue 13 classes 1-3 and issue 16.7 through the whole engine: what each new rule decides.
@Suite("What a request names")
struct RequestNamingTests {
    static let config = """
        model_list:
          - model_name: cheap
            litellm_params: { model: openai/gpt-4o-mini }
          - model_name: opus
            litellm_params: { model: bedrock/global.anthropic.claude-opus-4-7 }
          - model_name: image
            litellm_params: { model: openai/gpt-image-1 }
          - model_name: openai/gpt-4o
            litellm_params: { model: openai/gpt-4o }
        keys:
          - { key: sk-cheap, key_alias: cheap, models: [cheap] }
          - { key: sk-all, key_alias: all }
        """

    let snapshot: PolicySnapshot

    init() throws {
        snapshot = PolicySnapshot(parts: try GatewayConfig.parse(yaml: Self.config, environment: [:]).parts)
    }

    private func decide(
        _ target: String, key: String = "sk-cheap", body: String, contentType: String = "application/json", headers: [(String, String)] = []
    ) -> Decision {
        let fields = HeaderFields([("authorization", "Bearer \(key)"), ("content-type", contentType)] + headers)
        return DecisionEngine.decide(CheckRequest(method: "POST", rawTarget: target, headers: fields, body: .complete(Array(body.utf8))), in: snapshot, now: Date())
    }

    @Test func forbiddenParameterComesAfterMalformedAndBeforeModelNotFound() {
        #expect(decide("/v1/chat/completions", key: "sk-all", body: #"{"model":"cheap","api_base":"https://x"}"#).reason == .forbiddenParameter)
        #expect(decide("/v1/chat/completions", key: "sk-all", body: #"{"model":"cheap","api_base":"https://x"}"#).status == 403)
        #expect(decide("/v1/chat/completions", key: "sk-all", body: #"{"model":"nope","user_config":{}}"#).reason == .forbiddenParameter)
        #expect(decide("/v1/chat/completions", key: "sk-all", body: #"{"user_config":{}}"#).reason == .forbiddenParameter)
        #expect(decide("/v1/chat/completions", key: "sk-all", body: #"{"model":"cheap","api_key":"x","MODEL":"y"}"#).reason == .malformedBody)
        #expect(decide("/v1/chat/completions", key: "sk-cheap", body: #"{"model":"opus","base_url":"x"}"#).reason == .forbiddenParameter)
    }

    @Test func nestedFallbacksExtraBodyAndToolsAreChecked() {
        #expect(decide("/v1/chat/completions", body: #"{"model":"cheap","fallbacks":[{"model":"cheap","fallbacks":["opus"]}]}"#).reason == .keyModelAccessDenied)
        #expect(decide("/v1/chat/completions", body: #"{"model":"cheap","fallbacks":[{"model":"cheap","temperature":0.2}]}"#).allow)
        #expect(decide("/v1/chat/completions", body: #"{"model":"cheap","extra_body":{"model":"opus"}}"#).reason == .keyModelAccessDenied)
        #expect(decide("/v1/responses", body: #"{"model":"cheap","tools":[{"type":"image_generation","model":"image"}]}"#).reason == .keyModelAccessDenied)
        #expect(decide("/v1/responses", key: "sk-all", body: #"{"model":"cheap","tools":[{"type":"image_generation","model":"image"}]}"#).allow)
        #expect(decide("/v1/chat/completions", body: #"{"model":"cheap","MODEL":"opus"}"#).reason == .malformedBody)
    }

    @Test func realtimeTranscriptionAndMultipartSession() {
        #expect(decide("/v1/realtime/client_secrets", body: #"{"session":{"model":"cheap","audio":{"input":{"transcription":{"model":"opus"}}}}}"#).reason == .keyModelAccessDenied)
        #expect(decide("/v1/realtime/client_secrets", body: #"{"session":{"model":"cheap","input_audio_transcription":{"model":"opus"}}}"#).reason == .keyModelAccessDenied)
        let form = "--B\r\nContent-Disposition: form-data; name=\"sdp\"\r\n\r\nv=0\r\n--B\r\nContent-Disposition: form-data; name=\"session\"\r\n\r\n{\"model\":\"opus\"}\r\n--B--\r\n"
        let denied = decide("/v1/realtime/calls", body: form, contentType: "multipart/form-data; boundary=B")
        #expect(denied.reason == .keyModelAccessDenied)
        #expect(decide("/v1/realtime/calls", key: "sk-all", body: form, contentType: "multipart/form-data; boundary=B").modelGroup == "opus")
    }

    @Test func filesAndBatchesNameTheirTargetModels() {
        let upload = "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--B\r\nContent-Disposition: form-data; name=\"target_model_names\"\r\n\r\ncheap, opus\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n{}\r\n--B--\r\n"
        #expect(decide("/v1/files", body: upload, contentType: "multipart/form-data; boundary=B").reason == .keyModelAccessDenied)
        #expect(decide("/files", key: "sk-all", body: upload, contentType: "multipart/form-data; boundary=B").allow)
        #expect(decide("/v1/batches?target_model_names=cheap,opus", body: #"{"input_file_id":"f"}"#).reason == .keyModelAccessDenied)
        #expect(decide("/v1/batches?target_model_names=cheap", body: #"{"input_file_id":"f"}"#).allow)
        #expect(decide("/v1/batches", body: #"{"input_file_id":"f","model":"opus"}"#).reason == .keyModelAccessDenied)
        #expect(decide("/v1/batches", body: #"{"input_file_id":"f"}"#, headers: [("x-litellm-model", "opus")]).reason == .keyModelAccessDenied)
        #expect(decide("/v1/batches", body: #"{"input_file_id":"f"}"#).reason == .modelNotFound)
    }

    @Test func enginesNameTheModelInThePath() {
        #expect(decide("/engines/cheap/chat/completions", body: #"{"messages":[]}"#).allow)
        #expect(decide("/engines/opus/chat/completions", body: #"{"messages":[]}"#).reason == .keyModelAccessDenied)
        #expect(decide("/engines/cheap/chat/completions", body: #"{"model":"opus"}"#).reason == .keyModelAccessDenied)
        #expect(decide("/engines/openai/gpt-4o/embeddings", key: "sk-all", body: #"{"input":"x"}"#).modelGroup == "openai/gpt-4o")
        let chat = decide("/engines/chat/completions", key: "sk-all", body: #"{"prompt":"x"}"#)
        #expect(chat.reason == .modelNotFound, "completions with model 'chat', as Starlette routes it")
        #expect(decide("/engines/openai%2Fgpt-4o/completions", key: "sk-all", body: "{}").reason == .ambiguousPath)
    }
}
