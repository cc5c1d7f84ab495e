/// Forward (group → deployments) and reverse (provider + native id → groups) indexes.
public struct ModelCatalog: Sendable {
    public let deployments: [Deployment]

    public init(deployments: [Deployment]) {
        self.deployments = deployments
    }
}
