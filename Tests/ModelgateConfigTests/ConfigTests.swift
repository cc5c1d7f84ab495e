import ModelgateConfig
import ModelgateCore
import Testing

@Suite("Config loading")
struct ConfigTests {
    @Test func liteLLMConfigLoadsWithIgnoredSections() throws {
        let config = try GatewayConfig.parse(yaml: """
            model_list:
              - model_name: claude
                litellm_params:
                  model: bedrock/converse/anthropic.claude-3-5-sonnet-20241022-v2:0
                  aws_region_name: us-east-1
                  api_key: os.environ/BEDROCK_KEY
                  tags: [paid]
                model_info: { access_groups: [frontier], id: abc }
            litellm_settings: { drop_params: true }
            general_settings: { master_key: os.environ/MASTER, database_url: postgres://x }
            router_settings: { enable_tag_filtering: true, routing_strategy: simple-shuffle }
            environment_variables: { A: b }
            """, environment: ["BEDROCK_KEY": "bk", "MASTER": "sk-master"])
        #expect(config.ignoredSections.sorted() == ["litellm_settings"])
        #expect(config.masterKey == "sk-master")
        #expect(config.parts.settings.tagFilteringEnabled)
        let deployment = try #require(config.parts.deployments.first)
        #expect(deployment.provider == .bedrock)
        #expect(deployment.modelID == "anthropic.claude-3-5-sonnet-20241022-v2:0")
        #expect(deployment.apiKey?.reveal == "bk")
        #expect(deployment.tags == ["paid"])
        #expect(deployment.accessGroups == ["frontier"])
    }

    @Test func unsetEnvironmentLeavesTheKeyUnavailable() throws {
        let config = try GatewayConfig.parse(yaml: """
            model_list: [{ model_name: m, litellm_params: { model: openai/m, api_key: os.environ/NOPE } }]
            credential_list: [{ credential_name: c, credential_values: { api_key: os.environ/NOPE } }]
            """, environment: [:])
        #expect(config.parts.deployments[0].apiKey == nil)
        #expect(config.parts.deployments[0].unresolvedAPIKey == "os.environ/NOPE")
        #expect(config.parts.credentials[0].apiKey == nil)
        #expect(config.warnings.count == 2)
        #expect(config.warnings.allSatisfy { !$0.contains("sk-") })
    }

    @Test func everyProblemIsReportedWithItsLocation() {
        do {
            _ = try GatewayConfig.parse(yaml: """
                model_list:
                  - model_name: a
                    litellm_params: { api_key: x }
                  - litellm_params: { model: openai/b }
                modelgate_settings:
                  max_body_bytes: -1
                  mount_prefixes: [bedrock]
                keys:
                  - { key_alias: nokey }
                  - { key: sk-1, expires: tomorrow }
                """, environment: [:])
            Issue.record("a broken config loaded")
        } catch {
            let text = error.description
            #expect(error.problems.count == 6, "\(text)")
            #expect(text.contains("model_list[0].litellm_params"))
            #expect(text.contains("model_list[1]"))
            #expect(text.contains("modelgate_settings.max_body_bytes"))
            #expect(text.contains("modelgate_settings.mount_prefixes"))
            #expect(text.contains("keys[0]"))
            #expect(text.contains("keys[1].expires"))
            #expect(text.contains("line "))
        }
    }

    @Test func duplicateKeysAndBadYAMLAreErrors() {
        #expect(throws: ConfigError.self) { try GatewayConfig.parse(yaml: "model_list: []\nmodel_list: []\n", environment: [:]) }
        #expect(throws: ConfigError.self) { try GatewayConfig.parse(yaml: "model_list: [\n", environment: [:]) }
    }

    @Test func modelConfigFromJSON() throws {
        let config = try ModelConfigReader.read(json: ["defaultconfig": ["gemini": ["litellm_credentials": "g"]], "grp": ["bedrock": ["litellm_credentials": "b"]]]).get()
        #expect(config.defaultConfig == ["gemini": "g"])
        #expect(config.perGroup == ["grp": ["bedrock": "b"]])
        #expect(throws: ConfigError.self) { try ModelConfigReader.read(json: ["defaultconfig": ["gemini": "g"]]).get() }
    }

    @Test func emptyConfigIsAnEmptyCatalog() throws {
        let config = try GatewayConfig.parse(yaml: "", environment: [:])
        #expect(config.parts.deployments.isEmpty)
    }
}
