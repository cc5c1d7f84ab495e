import ModelgateConfig
import ModelgateCore
import Testing

/// Issue 16 points 1–5: what a LiteLLM user already wrote means the same thing to modelgate.
@Suite("LiteLLM fidelity: provider names, placement, environment, repeats, warnings")
struct LiteLLMFidelityTests {
    // MARK: 1. provider names as LiteLLM (and its UI) writes them

    @Test(arguments: [
        ("bedrock", "bedrock"), ("Bedrock", "bedrock"), ("BEDROCK", "bedrock"), ("Amazon Bedrock", "bedrock"),
        ("Google_AI_Studio", "gemini"), ("google ai studio", "gemini"), ("gemini", "gemini"), ("Gemini", "gemini"),
        ("Vertex_AI", "vertex_ai"), ("vertex_ai", "vertex_ai"), ("VERTEX_AI", "vertex_ai"),
        ("Azure", "azure"), ("azure", "azure"), ("OpenAI", "openai"), ("openai", "openai"),
        ("Anthropic", "anthropic"), ("ANTHROPIC", "anthropic"), ("Azure_AI_Studio", "azure_ai"),
        ("SageMaker", "sagemaker_chat"), ("sagemaker", "sagemaker"), ("MistralAI", "mistral"),
        ("Some-New-Provider", "some-new-provider"),
    ])
    func providerNamesReadAsLiteLLMReadsThem(name: String, provider: String) {
        #expect(Provider(name).rawValue == provider)
        #expect(Provider(rawValue: name) == Provider(provider))
    }

    @Test func uiProviderNamesInCredentialsModelConfigAndDeployments() throws {
        let config = try GatewayConfig.parse(yaml: """
            model_list:
              - model_name: nova
                litellm_params: { model: us.amazon.nova-lite-v1:0, custom_llm_provider: Bedrock }
            credential_list:
              - credential_name: bedrock-team-1
                credential_values: { api_key: b }
                credential_info: { custom_llm_provider: Bedrock }
              - credential_name: gemini-team-1
                credential_values: { api_key: g }
                credential_info: { custom_llm_provider: Google_AI_Studio }
            teams:
              - team_id: team-1
                metadata:
                  model_config:
                    defaultconfig:
                      Google_AI_Studio: { litellm_credentials: gemini-team-1 }
                      Bedrock: { litellm_credentials: bedrock-team-1 }
            """, environment: [:])
        #expect(config.parts.credentials.map(\.provider) == [.bedrock, .gemini])
        #expect(config.parts.teams[0].modelConfig.defaultConfig == ["gemini": "gemini-team-1", "bedrock": "bedrock-team-1"])
        #expect(config.parts.deployments[0].provider == .bedrock)
        #expect(config.parts.deployments[0].modelID == "us.amazon.nova-lite-v1:0")
    }

    @Test func aProviderNamedTwiceInOneModelConfigScopeIsAnError() {
        #expect(throws: ConfigError.self) {
            try GatewayConfig.parse(yaml: """
                teams:
                  - team_id: t
                    model_config: { defaultconfig: { bedrock: { litellm_credentials: a }, Bedrock: { litellm_credentials: b } } }
                """, environment: [:])
        }
        #expect(throws: ConfigError.self) {
            try ModelConfigReader.read(json: ["defaultconfig": ["bedrock": ["litellm_credentials": "a"], "Amazon Bedrock": ["litellm_credentials": "b"]]]).get()
        }
        let same = try? ModelConfigReader.read(json: ["defaultconfig": ["Bedrock": ["litellm_credentials": "a"]]]).get()
        #expect(same?.defaultConfig == ["bedrock": "a"])
    }

    // MARK: 2. un-prefixed names, as get_llm_provider places them

    @Test(arguments: [
        ("anthropic.claude-3-sonnet-20240229-v1:0", "bedrock", LiteLLMModelName.Placement.registry),
        ("amazon.titan-embed-text-v2:0", "bedrock", .registry),
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", .registry),
        ("us.anthropic.claude-opus-9-9-v1:0", "bedrock", .routingRule),
        // Retired from the pinned registry; placed as the releases that listed them did (CONTRACT §2).
        ("claude-haiku-4-5-20251001", "anthropic", .registry),
        ("claude-3-5-sonnet-20240620", "anthropic", .registry),
        ("claude-newfamily-7", "anthropic", .routingRule),
        ("gemini-2.5-flash", "vertex_ai", .registry),
        ("gemini-1.5-pro", "vertex_ai", .registry),
        ("gpt-4o", "openai", .registry),
        ("bedrock/converse/anthropic.claude-3-sonnet-20240229-v1:0", "bedrock", .prefix),
        ("hosted_vllm/meta-llama/Llama-3", "hosted_vllm", .prefix),
        ("meta-llama/Llama-3", "openai", .openAICompatible),
        ("my-local-model", "openai", .openAICompatible),
    ])
    func bareNamesArePlacedAsLiteLLMPlacesThem(model: String, provider: String, placement: LiteLLMModelName.Placement) {
        let reading = LiteLLMModelName.read(model, customLLMProvider: nil)
        #expect(reading.provider == Provider(provider))
        #expect(reading.placement == placement)
    }

    @Test func customLLMProviderWinsAndKeepsTheID() {
        let reading = LiteLLMModelName.read("converse/anthropic.claude-x-v1:0", customLLMProvider: "Bedrock")
        #expect(reading.provider == .bedrock)
        #expect(reading.modelID == "anthropic.claude-x-v1:0")
        #expect(reading.placement == .customLLMProvider)
        #expect(LiteLLMModelName.read("azure/my-dep", customLLMProvider: "azure").modelID == "my-dep")
        #expect(LiteLLMModelName.read("gpt-4o", customLLMProvider: "azure").provider == .azure)
    }

    @Test func anUnplacedNameLoadsAsOpenAICompatibleWithOneWarning() throws {
        let config = try GatewayConfig.parse(yaml: """
            model_list:
              - { model_name: a, litellm_params: { model: my-local-model } }
              - { model_name: b, litellm_params: { model: anthropic.claude-3-sonnet-20240229-v1:0 } }
            """, environment: [:])
        #expect(config.parts.deployments.map(\.provider) == [.openai, .bedrock])
        let warnings = config.warnings.filter { $0.contains("OpenAI-compatible") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("model_list[0].litellm_params.model (line 2") == true)
    }

    // MARK: 3. environment_variables

    @Test func environmentVariablesSupplyValuesAndTheProcessEnvironmentWins() throws {
        let yaml = """
            environment_variables:
              OPENAI_KEY: from-config
              MASTER: config-master
            general_settings: { master_key: os.environ/MASTER }
            model_list: [{ model_name: m, litellm_params: { model: openai/m, api_key: os.environ/OPENAI_KEY } }]
            """
        let config = try GatewayConfig.parse(yaml: yaml, environment: [:])
        #expect(config.parts.deployments[0].apiKey?.reveal == "from-config")
        #expect(config.masterKey == "config-master")
        #expect(config.warnings.isEmpty, "\(config.warnings)")
        let overridden = try GatewayConfig.parse(yaml: yaml, environment: ["OPENAI_KEY": "from-process"])
        #expect(overridden.parts.deployments[0].apiKey?.reveal == "from-process")
        #expect(overridden.ignoredSections.isEmpty)
    }

    // MARK: 4. repeated keys, and errors that never quote the file

    @Test func aRepeatInASectionModelgateDoesNotReadLoadsWithOneWarning() throws {
        // The shape of LiteLLM's own test config: success_callback twice under litellm_settings.
        let config = try GatewayConfig.parse(yaml: """
            model_list:
              - model_name: gpt-3.5-turbo
                litellm_params: { model: openai/gpt-3.5-turbo, api_key: sk-x, temperature: 0.1, temperature: 0.2 }
            litellm_settings:
              success_callback: ["langfuse"]
              drop_params: true
              success_callback: ["prometheus"]
              success_callback: ["s3"]
            """, environment: [:])
        #expect(config.parts.deployments.count == 1)
        let repeats = config.warnings.filter { $0.contains("repeated") }
        #expect(repeats.count == 2, "\(config.warnings)")
        #expect(repeats.contains { $0.hasPrefix("litellm_settings.success_callback (line 8, column 3)") }, "\(repeats)")
        #expect(repeats.contains { $0.hasPrefix("model_list[0].litellm_params.temperature") })
    }

    @Test func aRepeatWhereModelgateReadsIsAnErrorAtTheRepeatedOccurrence() {
        do {
            _ = try GatewayConfig.parse(yaml: """
                keys:
                  - key: sk-one
                    models: [a]
                    models: []
                """, environment: [:])
            Issue.record("a key with two models lists loaded")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.description.hasPrefix("keys[0].models (line 4, column 5)"), "\(error)")
            #expect(!error.description.contains("sk-one"))
        }
        #expect(throws: ConfigError.self) { try GatewayConfig.parse(yaml: "model_list: []\nmodel_list: []\n", environment: [:]) }
        #expect(throws: ConfigError.self) {
            try GatewayConfig.parse(yaml: "general_settings:\n  master_key: a\n  master_key: b\n", environment: [:])
        }
    }

    @Test(arguments: [
        // repeated key next to secrets
        "general_settings:\n  master_key: sk-PLANTED-master-1\nmodel_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_key: PLANTED-api-key-2 }\n    model_name: n\nmodel_list: []\n",
        // syntax errors of each kind next to secrets
        "general_settings:\n  master_key: sk-PLANTED-master-1\nmodel_list: [\n  { api_key: PLANTED-api-key-2 \n",
        "general_settings: { master_key: sk-PLANTED-master-1 }\n\tmodel_list: PLANTED-api-key-2\n",
        "general_settings:\n  master_key: \"sk-PLANTED-master-1\n  api_key: PLANTED-api-key-2\n",
        "model_list: *PLANTED-api-key-2\ngeneral_settings: { master_key: sk-PLANTED-master-1 }\n",
        "keys:\n  - key: sk-PLANTED-master-1\n    models: [a]\n    models: [PLANTED-api-key-2]\n",
    ])
    func noErrorQuotesTheFile(yaml: String) {
        do {
            _ = try GatewayConfig.parse(yaml: yaml, environment: [:])
            Issue.record("a broken config loaded")
        } catch {
            #expect(!error.description.contains("PLANTED"), "\(error.description)")
            #expect(!error.description.contains("Context"))
            #expect(error.description.contains("line "), "\(error.description)")
        }
    }

    // MARK: 5. what will not work, said once each

    @Test func unsetReferencesAndAuthSettingsWarnOnceEach() throws {
        let config = try GatewayConfig.parse(yaml: """
            model_list: [{ model_name: m, litellm_params: { model: openai/m, api_key: os.environ/UNSET_ONE } }]
            litellm_settings: { langfuse_public_key: os.environ/UNSET_TWO }
            general_settings:
              master_key: sk-m
              custom_auth: custom_auth.user_api_key_auth
              enable_jwt_auth: true
              pass_through_endpoints: [{ path: /x, target: https://example.invalid }]
              database_url: os.environ/SET_ONE
            """, environment: ["SET_ONE": "x"])
        #expect(config.warnings.filter { $0.contains("UNSET_ONE") }.count == 1, "\(config.warnings)")
        #expect(config.warnings.filter { $0.contains("UNSET_TWO") }.count == 1)
        #expect(!config.warnings.contains { $0.contains("SET_ONE") && !$0.contains("UNSET") })
        for setting in ["custom_auth", "enable_jwt_auth", "pass_through_endpoints"] {
            #expect(config.warnings.filter { $0.contains("general_settings.\(setting)") }.count == 1, "\(setting)")
        }
        #expect(config.warnings.count == 5, "\(config.warnings)")
    }
}
