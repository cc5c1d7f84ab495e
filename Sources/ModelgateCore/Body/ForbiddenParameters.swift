/// Body fields that let a client re-route or re-credential the upstream call: denied
/// `forbidden_parameter` at the top level of a JSON body, inside client-side fallback entries
/// (LiteLLM applies an entry's fields to the retried call) and as form fields (LiteLLM reads a
/// form into the same request dictionary). CONTRACT §3.
///
/// The list is LiteLLM's own, in one place: its client-side router and router override
/// (`user_config`, `router_settings_override`), `clientside_credential_keys` (`api_key`,
/// `api_base`, `base_url`), every field of `CredentialLiteLLMParams` (provider credentials,
/// regions, projects and endpoints), the endpoint overrides of `_BANNED_REQUEST_BODY_PARAMS`
/// (`aws_sts_endpoint`, `s3_endpoint_url`, `sagemaker_base_url`, `deployment_url`), Azure AD
/// credentials LiteLLM accepts as call parameters, and `litellm_credential_name` (picks another
/// stored credential).
public enum ForbiddenParameters {
    public static let names: [StaticString] = [
        "user_config", "router_settings_override",
        "api_key", "api_base", "base_url", "api_version", "api_type",
        "azure_ad_token", "azure_ad_token_provider", "azure_username", "azure_password",
        "tenant_id", "client_id", "client_secret",
        "vertex_project", "vertex_location", "vertex_credentials",
        "region_name", "gcs_bucket_name",
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region_name",
        "aws_session_name", "aws_profile_name", "aws_role_name", "aws_web_identity_token",
        "aws_sts_endpoint", "aws_external_id", "aws_bedrock_runtime_endpoint", "aws_bedrock_project_id",
        "s3_bucket_name", "s3_region_name", "s3_encryption_key_id", "s3_output_bucket_name",
        "s3_endpoint_url", "aws_batch_role_arn",
        "watsonx_region_name", "sagemaker_base_url", "deployment_url",
        "litellm_credential_name",
    ]

    /// The listed name equal to `bytes`, if any.
    static func match<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> StaticString? {
        let count = bytes.count
        for name in names where name.utf8CodeUnitCount == count {
            let start = name.utf8Start
            var index = 0
            var equal = true
            for byte in bytes {
                if byte != start[index] { equal = false; break }
                index += 1
            }
            if equal { return name }
        }
        return nil
    }

    /// Whether `name` is listed.
    public static func contains(_ name: String) -> Bool {
        match(name.utf8) != nil
    }
}
