// The HTTP front lands with the service issue.
