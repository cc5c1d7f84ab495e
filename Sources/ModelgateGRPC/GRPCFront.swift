// The gRPC front lands with the gRPC issue.
