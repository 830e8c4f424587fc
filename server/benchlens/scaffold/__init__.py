"""What `benchlens init` writes into a Go repository: the CI workflow, `.benchlens.toml`
and the Taskfile tasks, each a plain function of what it finds in the repository."""
