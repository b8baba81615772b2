"""Where payloads come from: files, directories, globs, stdin; JSON, YAML and JSON Lines."""
